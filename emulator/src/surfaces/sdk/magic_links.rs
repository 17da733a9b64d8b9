//! Email magic links: login or signup, authenticate, invite and discovery send/authenticate.
//!
//! Decisions where Stytch does not document the behaviour:
//! * missing/garbled `Authorization`, or a public token that is not this project's →
//!   401 `unauthorized_credentials`;
//! * a session-only call whose X is the public token (no session) → 401
//!   `unauthorized_credentials`; a token that is unknown, revoked or expired → 404
//!   `session_not_found`. Both are in the SDK's unrecoverable list;
//! * a redirect URL not in the seed's `redirect_urls` (exact match) → 400
//!   `no_match_for_provided_magic_link_url`; no URL given and none configured → 400
//!   `no_login_redirect_urls_set` / `no_signup_redirect_urls_set`;
//! * `login_/signup_expiration_minutes` outside 5..=10080 → 400 `invalid_expiration`;
//! * PKCE required but `pkce_code_challenge` missing, or a challenge that is not 43 base64url
//!   characters → 400 `invalid_pkce_code_challenge`;
//! * at authenticate: challenge stored but no verifier → 400 `pkce_expected_code_verifier`;
//!   wrong verifier → 400 `pkce_mismatch`; a verifier without a stored challenge → 400
//!   `pkce_did_not_expect_code_verifier`. PKCE failures do NOT consume the token (the SDK
//!   retries with another PKCE namespace after a "pkce" error);
//! * `intermediate_session_token` on magic-link authenticate is a step-up: it must belong to
//!   the same email (and organization, when bound to one); its factors join the new session and
//!   it is consumed. The organization's `auth_methods` and `mfa_policy` apply: an
//!   org that requires MFA gets an IST instead of a session;
//! * emails are trimmed and lowercased.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::discovery;
use crate::domain::email_updates;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::invites;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::members::NewMember;
use crate::domain::messages;
use crate::domain::messages::Message;
use crate::domain::mfa;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations;
use crate::domain::pkce;
use crate::domain::redirects;
use crate::domain::redirects::magic_link;
use crate::domain::sessions;
use crate::domain::validation::email_domain;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::new_id;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk;
use crate::surfaces::sdk::members::member_resp;
use crate::surfaces::sdk::members::with_session;
use crate::surfaces::sdk::ok;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            post(eml_login_or_signup),
        )
        .route(
            "/sdk/v1/b2b/magic_links/authenticate",
            post(eml_authenticate),
        )
        .route("/sdk/v1/b2b/magic_links/email/invite", post(invite))
        .route(
            "/sdk/v1/b2b/magic_links/email/discovery/send",
            post(eml_discovery_send),
        )
        .route(
            "/sdk/v1/b2b/magic_links/discovery/authenticate",
            post(eml_discovery_authenticate),
        )
}

#[derive(Deserialize)]
struct LoginOrSignupReq {
    email_address: String,
    organization_id: String,
    login_redirect_url: Option<String>,
    signup_redirect_url: Option<String>,
    #[allow(dead_code)]
    login_template_id: Option<String>,
    #[allow(dead_code)]
    signup_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    login_expiration_minutes: Option<i64>,
    signup_expiration_minutes: Option<i64>,
    pkce_code_challenge: Option<String>,
}

fn check_expiration(v: Option<i64>) -> ApiResult<i64> {
    let m = v.unwrap_or(60);
    if !(5..=10_080).contains(&m) {
        return Err(ApiError::new(
            ErrorType::InvalidExpiration,
            "Expiration minutes must be between 5 and 10080.",
        ));
    }
    Ok(m)
}

async fn eml_login_or_signup(
    State(inner): St,
    JsonBody(req): JsonBody<LoginOrSignupReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org = organizations::get_org(&tx, &req.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let org_id = org["organization_id"].as_str().unwrap_or("").to_string();
    let existing = members::find_member(&tx, &org_id, &email)?;
    if existing.as_ref().is_some_and(|m| m.status() == "deleted") {
        return Err(ApiError::new(
            ErrorType::ActionAvailableOnlyForActiveMembers,
            "This Member has been deleted.",
        ));
    }
    authentication::check_auth_method(&org, existing.as_ref(), "magic_link")?;
    if existing.is_none() {
        if org["email_jit_provisioning"] != "RESTRICTED" {
            return Err(ApiError::new(
                ErrorType::EmailJitProvisioningNotAllowed,
                "This organization does not allow JIT provisioning by email.",
            ));
        }
        let domain = email_domain(&email);
        let allowed = org["email_allowed_domains"]
            .as_array()
            .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(domain)));
        if !allowed {
            return Err(ApiError::new(
    ErrorType::InvalidEmailForJitProvisioning,
                "The email domain is not one of the organization's allowed domains for JIT provisioning.",
            )
            .with_details(json!({
                "email_address": email,
                "email_domain": domain,
                "email_allowed_domains": org["email_allowed_domains"],
            })));
        }
    }
    let signup = existing
        .as_ref()
        .is_none_or(|m| matches!(m.status(), "pending" | "invited"));
    let login_url = redirects::redirect_url(
        &inner.seed,
        req.login_redirect_url.as_deref(),
        ErrorType::NoLoginRedirectUrlsSet,
    )?;
    let signup_url = redirects::redirect_url(
        &inner.seed,
        req.signup_redirect_url.as_deref(),
        ErrorType::NoSignupRedirectUrlsSet,
    )?;
    let login_exp = check_expiration(req.login_expiration_minutes)?;
    let signup_exp = check_expiration(req.signup_expiration_minutes)?;
    let challenge = req.pkce_code_challenge.filter(|c| !c.is_empty());
    if let Some(c) = &challenge
        && (c.len() != 43
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
    {
        return Err(ApiError::new(
            ErrorType::InvalidPkceCodeChallenge,
            "pkce_code_challenge must be base64url(SHA-256(verifier)) without padding.",
        ));
    }
    if inner.seed.pkce_required_for_email_magic_links && challenge.is_none() {
        return Err(ApiError::new(
            ErrorType::InvalidPkceCodeChallenge,
            "This project requires PKCE for email magic links: pkce_code_challenge is required.",
        ));
    }
    let (member, created) = match existing {
        Some(m) => (m, false),
        None => {
            let member_id = new_id("member");
            let data = members::new_member(
                &NewMember::plain(&org_id, &member_id, &email, "pending"),
                now,
            );
            let row = MemberRow {
                data,
                email_id: new_id("email"),
            };
            members::insert_row(&tx, &row)?;
            (row, true)
        }
    };
    let (url, minutes, kind) = if signup {
        (signup_url, signup_exp, "magic_link_signup")
    } else {
        (login_url, login_exp, "magic_link_login")
    };
    let token = one_time_tokens::issue(
        &tx,
        &Issue {
            kind: Kind::MagicLink,
            email: &email,
            organization_id: &org_id,
            member_id: member.member_id(),
            pkce_challenge: challenge.as_deref(),
            payload: None,
            lifetime_secs: minutes * 60,
        },
        now,
    )?;
    let link = magic_link(&url, &token);
    let org_name = org["organization_name"].as_str().unwrap_or("");
    let (subject, verb) = if signup {
        (
            format!("Complete your signup to {org_name}"),
            "finish signing up",
        )
    } else {
        (format!("Your login link for {org_name}"), "log in")
    };
    let body = format!(
        "Click the link below to {verb} to {org_name}:\n\n{link}\n\nThis link expires in {minutes} minutes and can be used once."
    );
    messages::insert_message(
        &tx,
        &Message {
            to: &email,
            kind,
            subject: &subject,
            body: &body,
            link: Some(&link),
            token: Some(&token),
            code: None,
        },
        now,
    )?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": member.member_id(),
        "member_created": created,
        "member": member.data,
        "organization": org,
    })))
}

#[derive(Deserialize)]
struct MlAuthReq {
    magic_links_token: String,
    session_duration_minutes: Option<i64>,
    pkce_code_verifier: Option<String>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

async fn eml_authenticate(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<MlAuthReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let link = one_time_tokens::take(
        &tx,
        Kind::MagicLink,
        &req.magic_links_token,
        req.pkce_code_verifier.as_deref(),
        now,
        magic_link_not_found,
        magic_link_unusable,
    )?;
    let mut member = members::get_member(&tx, &link.member_id)?.ok_or_else(magic_link_not_found)?;
    let org = organizations::get_org(&tx, &link.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    if let Some(new_email) = &link.payload {
        email_updates::complete_email_update(&tx, new_email, &mut member, now)?;
    }
    // Org auth methods, IST step-up, MFA policy: see `flow`.
    authentication::check_auth_method(&org, Some(&member), "magic_link")?;
    let mut factors = authentication::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    factors.extend(mfa::session_second_factors(
        &tx,
        caller.session_token.as_deref(),
        &member,
        now,
    )?);
    authentication::merge_factor(
        &mut factors,
        sessions::magic_link_factor(&member.email_id, member.email(), now),
    );
    let grant = Grant {
        email: member.email().to_string(),
        factors,
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let method_id = member.email_id.clone();
    let mut fields = authentication::conclude(
        &inner,
        &tx,
        &sdk::user_agent(&headers),
        &org,
        member,
        &grant,
        duration,
        now,
    )?;
    tx.commit()?;
    if let Some(o) = fields.as_object_mut() {
        o.insert("method_id".into(), json!(method_id));
        o.insert("reset_sessions".into(), json!(false));
    }
    Ok(ok(fields))
}

async fn invite(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<invites::InviteReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        let m = invites::invite(tx, &inner.seed, actor, &org, req, now)?;
        Ok(member_resp(&m, &org))
    })
}

#[derive(Deserialize)]
struct EmlDiscoverySendReq {
    email_address: String,
    discovery_redirect_url: Option<String>,
    #[allow(dead_code)]
    login_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    discovery_expiration_minutes: Option<i64>,
    pkce_code_challenge: Option<String>,
}

/// `POST /sdk/v1/b2b/magic_links/email/discovery/send` → `{}`.
async fn eml_discovery_send(
    State(inner): St,
    JsonBody(req): JsonBody<EmlDiscoverySendReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let url = redirects::redirect_url(
        &inner.seed,
        req.discovery_redirect_url.as_deref(),
        ErrorType::NoDiscoveryRedirectUrlsSet,
    )?;
    let minutes = authentication::expiration(req.discovery_expiration_minutes, 60, 5, 10_080)?;
    let challenge = pkce::pkce_challenge_param(
        req.pkce_code_challenge,
        inner.seed.pkce_required_for_email_magic_links,
    )?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let token = one_time_tokens::issue(
        &tx,
        &Issue {
            kind: Kind::DiscoveryMagicLink,
            email: &email,
            organization_id: "",
            member_id: "",
            pkce_challenge: challenge.as_deref(),
            payload: None,
            lifetime_secs: minutes * 60,
        },
        now,
    )?;
    let link = redirects::link(&url, "discovery", &token);
    let body = format!(
        "Click the link below to find your organizations:\n\n{link}\n\nThis link expires in {minutes} minutes and can be used once."
    );
    messages::insert_message(
        &tx,
        &Message {
            to: &email,
            kind: "magic_link_discovery",
            subject: "Log in to your organizations",
            body: &body,
            link: Some(&link),
            token: Some(&token),
            code: None,
        },
        now,
    )?;
    tx.commit()?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct EmlDiscoveryAuthReq {
    discovery_magic_links_token: String,
    pkce_code_verifier: Option<String>,
}

/// `POST /sdk/v1/b2b/magic_links/discovery/authenticate` → DiscoveryAuthResp. Unknown token →
/// 404 `magic_link_not_found`; used or expired → 401 `unable_to_auth_magic_link`; PKCE errors
/// as for org magic links (the token is not consumed).
async fn eml_discovery_authenticate(
    State(inner): St,
    JsonBody(req): JsonBody<EmlDiscoveryAuthReq>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let email = one_time_tokens::take(
        &tx,
        Kind::DiscoveryMagicLink,
        &req.discovery_magic_links_token,
        req.pkce_code_verifier.as_deref(),
        now,
        magic_link_not_found,
        magic_link_unusable,
    )?
    .email;
    let grant = Grant {
        email: email.clone(),
        factors: vec![authentication::email_factor(
            "magic_link",
            "email",
            &discovery::discovery_email_id(&email),
            &email,
            now,
        )],
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let fields = discovery::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

fn magic_link_not_found() -> ApiError {
    ApiError::new(
        ErrorType::MagicLinkNotFound,
        "The magic link could not be found.",
    )
}

fn magic_link_unusable() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthMagicLink,
        "The magic link could not be authenticated because it was either already used or expired. Send another magic link to this user.",
    )
}
