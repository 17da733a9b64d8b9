//! Surface 1: the SDK API `/sdk/v1/...`, exactly as `@stytch/vanilla-js` calls it.
//!
//! Success: HTTP 200 `{"data": {request_id, status_code: 200, ...}}`. Errors: top-level Stytch
//! error JSON. Auth: `Basic base64(public_token:X)`, X = session token or the public token.
//!
//! Decisions where the references are silent:
//! * missing/garbled `Authorization`, or a public token that is not this project's →
//!   401 `unauthorized_credentials`;
//! * a session-only call whose X is the public token (no session) → 401
//!   `unauthorized_credentials`; a token that is unknown, revoked or expired → 404
//!   `session_not_found` (semantics §2.2). Both are in the SDK's unrecoverable list;
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
//!   it is consumed. The organization's `auth_methods` and `mfa_policy` apply (see `flow`): an
//!   org that requires MFA gets an IST instead of a session;
//! * emails are trimmed and lowercased.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

use crate::Inner;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::flow::{ok, ok_data, require_session, sdk_auth, session_token};
use crate::models::{self, NewMember};
use crate::session;
use crate::store::{self, MemberRow, Message};
use crate::util::{ct_eq, email_domain, hash_token, new_id, normalize_email, random_token};

type St = State<Arc<Inner>>;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/sdk/v1/projects/bootstrap/{public_token}", get(bootstrap))
        .route("/sdk/v1/events", post(events))
        .route(
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            post(eml_login_or_signup),
        )
        .route(
            "/sdk/v1/b2b/magic_links/authenticate",
            post(eml_authenticate),
        )
        .route(
            "/sdk/v1/b2b/sessions/authenticate",
            post(sessions_authenticate),
        )
        .route("/sdk/v1/b2b/sessions/revoke", post(sessions_revoke))
        .route("/sdk/v1/b2b/organizations/me", get(organizations_me))
        .route("/sdk/v1/b2b/organizations/members/me", get(members_me))
        .route(
            "/sdk/v1/b2b/organizations/search",
            post(organizations_search),
        )
}

async fn bootstrap(State(inner): St, Path(public_token): Path<String>) -> ApiResult<Response> {
    if !ct_eq(&public_token, &inner.project.public_token) {
        return Err(ApiError::unauthorized());
    }
    let s = &inner.seed;
    Ok(ok(json!({
        "project_name": s.project.name.clone().unwrap_or_default(),
        "disable_sdk_watermark": true,
        "cname_domain": null,
        "email_domains": ["stytch.com"],
        "captcha_settings": {"enabled": false},
        "pkce_required_for_email_magic_links": s.pkce_required_for_email_magic_links,
        "pkce_required_for_password_resets": s.pkce_required_for_password_resets,
        "pkce_required_for_oauth": s.pkce_required_for_oauth,
        "pkce_required_for_sso": s.pkce_required_for_sso,
        "slug_pattern": null,
        "create_organization_enabled": true,
        "password_config": s.password_config,
        "dfp_protected_auth_enabled": false,
        "dfp_protected_auth_mode": null,
        "rbac_policy": models::rbac_policy(s),
        "siwe_required_for_crypto_wallets": false,
        "vertical": "B2B",
    })))
}

/// Telemetry sink: accepts any body, no auth, answers `{}`.
async fn events() -> Json<Value> {
    Json(json!({}))
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

fn check_redirect(inner: &Inner, url: Option<&str>, signup: bool) -> ApiResult<String> {
    let urls = &inner.seed.redirect_urls;
    match url {
        Some(u) if urls.iter().any(|x| x == u) => Ok(u.to_string()),
        Some(_) => Err(ApiError::new(
            400,
            "no_match_for_provided_magic_link_url",
            "The redirect URL is not one of the project's allowed redirect URLs.",
        )),
        None => urls.first().cloned().ok_or_else(|| {
            if signup {
                ApiError::new(
                    400,
                    "no_signup_redirect_urls_set",
                    "No signup redirect URL is configured.",
                )
            } else {
                ApiError::new(
                    400,
                    "no_login_redirect_urls_set",
                    "No login redirect URL is configured.",
                )
            }
        }),
    }
}

fn check_expiration(v: Option<i64>) -> ApiResult<i64> {
    let m = v.unwrap_or(60);
    if !(5..=10_080).contains(&m) {
        return Err(ApiError::new(
            400,
            "invalid_expiration",
            "Expiration minutes must be between 5 and 10080.",
        ));
    }
    Ok(m)
}

fn with_token(url: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}stytch_token_type=multi_tenant_magic_links&token={token}")
}

async fn eml_login_or_signup(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<LoginOrSignupReq>,
) -> ApiResult<Response> {
    sdk_auth(&inner, &headers)?;
    let email = normalize_email(&req.email_address)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org =
        store::get_org(&tx, &req.organization_id)?.ok_or_else(ApiError::organization_not_found)?;
    let org_id = org["organization_id"].as_str().unwrap_or("").to_string();
    let existing = store::find_member(&tx, &org_id, &email)?;
    if existing.as_ref().is_some_and(|m| m.status() == "deleted") {
        return Err(ApiError::new(
            400,
            "action_available_only_for_active_members",
            "This Member has been deleted.",
        ));
    }
    crate::flow::check_auth_method(&org, existing.as_ref(), "magic_link")?;
    if existing.is_none() {
        if org["email_jit_provisioning"] != "RESTRICTED" {
            return Err(ApiError::new(
                403,
                "email_jit_provisioning_not_allowed",
                "This organization does not allow JIT provisioning by email.",
            ));
        }
        let domain = email_domain(&email);
        let allowed = org["email_allowed_domains"]
            .as_array()
            .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(domain)));
        if !allowed {
            return Err(ApiError::new(
                403,
                "invalid_email_for_jit_provisioning",
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
    let login_url = check_redirect(&inner, req.login_redirect_url.as_deref(), false)?;
    let signup_url = check_redirect(&inner, req.signup_redirect_url.as_deref(), true)?;
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
            400,
            "invalid_pkce_code_challenge",
            "pkce_code_challenge must be base64url(SHA-256(verifier)) without padding.",
        ));
    }
    if inner.seed.pkce_required_for_email_magic_links && challenge.is_none() {
        return Err(ApiError::new(
            400,
            "invalid_pkce_code_challenge",
            "This project requires PKCE for email magic links: pkce_code_challenge is required.",
        ));
    }
    let (member, created) = match existing {
        Some(m) => (m, false),
        None => {
            let member_id = new_id("member");
            let data = models::new_member(
                &NewMember {
                    organization_id: &org_id,
                    member_id: &member_id,
                    email: &email,
                    name: "",
                    roles: &[],
                    status: "pending",
                    email_address_verified: false,
                    is_breakglass: false,
                    trusted_metadata: json!({}),
                    untrusted_metadata: json!({}),
                    external_id: "",
                    mfa_phone_number: "",
                    mfa_enrolled: false,
                },
                now,
            );
            let row = MemberRow {
                data,
                email_id: new_id("email"),
            };
            store::insert_member(&tx, &row)?;
            (row, true)
        }
    };
    let token = random_token()?;
    let (url, minutes, kind) = if signup {
        (signup_url, signup_exp, "magic_link_signup")
    } else {
        (login_url, login_exp, "magic_link_login")
    };
    tx.execute(
        "INSERT INTO magic_links (token_hash, member_id, organization_id, pkce_challenge, expires_at, used, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
        rusqlite::params![hash_token(&token), member.member_id(), org_id, challenge, now + minutes * 60, now],
    )?;
    let link = with_token(&url, &token);
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
    store::insert_message(
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
    headers: HeaderMap,
    JsonBody(req): JsonBody<MlAuthReq>,
) -> ApiResult<Response> {
    sdk_auth(&inner, &headers)?;
    let duration = session::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let hash = hash_token(&req.magic_links_token);
    let link: Option<(String, String, Option<String>, i64, i64)> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT member_id, organization_id, pkce_challenge, expires_at, used FROM magic_links WHERE token_hash = ?1",
        [&hash],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    ))?;
    let (member_id, org_id, challenge, expires_at, used) = link.ok_or_else(|| {
        ApiError::new(
            404,
            "magic_link_not_found",
            "The magic link could not be found.",
        )
    })?;
    if used != 0 || expires_at <= now {
        return Err(ApiError::new(
            401,
            "unable_to_auth_magic_link",
            "The magic link could not be authenticated because it was either already used or expired. Send another magic link to this user.",
        ));
    }
    let verifier = req.pkce_code_verifier.filter(|v| !v.is_empty());
    match (&challenge, &verifier) {
        (Some(_), None) => {
            return Err(ApiError::new(
                400,
                "pkce_expected_code_verifier",
                "This magic link was sent with a PKCE code_challenge: pkce_code_verifier is required.",
            ));
        }
        (Some(c), Some(v)) if !ct_eq(&crate::util::pkce_challenge(v), c) => {
            return Err(ApiError::new(
                400,
                "pkce_mismatch",
                "The PKCE code_verifier does not match the code_challenge.",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::new(
                400,
                "pkce_did_not_expect_code_verifier",
                "A PKCE code_verifier was sent but the magic link was sent without a PKCE code_challenge.",
            ));
        }
        _ => {}
    }
    let changed = tx.execute(
        "UPDATE magic_links SET used = 1 WHERE token_hash = ?1 AND used = 0",
        [&hash],
    )?;
    if changed != 1 {
        return Err(ApiError::new(
            401,
            "unable_to_auth_magic_link",
            "The magic link could not be authenticated because it was either already used or expired.",
        ));
    }
    let mut member = store::get_member(&tx, &member_id)?.ok_or_else(|| {
        ApiError::new(
            404,
            "magic_link_not_found",
            "The magic link could not be found.",
        )
    })?;
    let org = store::get_org(&tx, &org_id)?.ok_or_else(ApiError::organization_not_found)?;
    crate::admin::complete_email_update(&tx, &hash, &mut member, now)?;
    // Org auth methods, IST step-up, MFA policy: see `flow`.
    crate::flow::check_auth_method(&org, Some(&member), "magic_link")?;
    let mut factors = crate::flow::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    crate::flow::merge_factor(
        &mut factors,
        session::magic_link_factor(&member.email_id, member.email(), now),
    );
    let grant = crate::flow::Grant {
        email: member.email().to_string(),
        factors,
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let method_id = member.email_id.clone();
    let mut fields =
        crate::flow::conclude(&inner, &tx, &headers, &org, member, &grant, duration, now)?;
    tx.commit()?;
    if let Some(o) = fields.as_object_mut() {
        o.insert("method_id".into(), json!(method_id));
        o.insert("reset_sessions".into(), json!(false));
    }
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct SessionAuthReq {
    session_duration_minutes: Option<i64>,
}

async fn sessions_authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SessionAuthReq>,
) -> ApiResult<Response> {
    let extend = req
        .session_duration_minutes
        .map(|m| session::duration_minutes(Some(m)))
        .transpose()?;
    // Only the SQL runs while holding the database: the other requests need it too.
    let token = session_token(&inner, &headers)?;
    let now = inner.now();
    let conn = inner.conn();
    let mut row = session::by_token(&conn, &token, now)?.ok_or_else(ApiError::session_not_found)?;
    session::touch(&conn, &mut row, extend, now)?;
    let owner = session::OwnerJson::load(&conn, &row)?;
    drop(conn);
    let owner = owner.parse_memo(&inner.owners, &row.member_id)?;
    let jwt = session::mint_jwt(&inner, &row, &owner, now)?;
    let answer = session::auth_answer(&row, &token, &jwt, &owner);
    Ok(ok_data(&answer, answer.size_hint()))
}

async fn sessions_revoke(State(inner): St, headers: HeaderMap) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &headers)?;
    session::revoke_id(&conn, &row.member_session_id)?;
    Ok(ok(json!({})))
}

async fn organizations_me(State(inner): St, headers: HeaderMap) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &headers)?;
    let (_, org) = session::load_owner(&conn, &row)?;
    Ok(ok(json!({ "organization": org })))
}

async fn members_me(State(inner): St, headers: HeaderMap) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &headers)?;
    let (member, org) = session::load_owner(&conn, &row)?;
    Ok(ok(json!({
        "member_id": row.member_id,
        "member": member.data,
        "organization": org,
    })))
}

#[derive(Deserialize)]
struct OrgSearchReq {
    organization_slug: String,
}

/// `organization.getBySlug`: `{organization: OrganizationBySlugMatch | null}` (200 with `null`
/// when no organization has that slug). Needs only the public token.
async fn organizations_search(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<OrgSearchReq>,
) -> ApiResult<Response> {
    sdk_auth(&inner, &headers)?;
    let conn = inner.conn();
    let org = store::get_org_by_slug(&conn, &req.organization_slug)?;
    let subset = org.map(|o| {
        let keys = [
            "organization_id",
            "organization_name",
            "organization_slug",
            "organization_logo_url",
            "sso_active_connections",
            "sso_default_connection_id",
            "email_jit_provisioning",
            "email_allowed_domains",
            "oauth_tenant_jit_provisioning",
            "allowed_oauth_tenants",
            "auth_methods",
            "allowed_auth_methods",
            "mfa_policy",
        ];
        Value::Object(
            keys.iter()
                .map(|k| (k.to_string(), o[*k].clone()))
                .collect(),
        )
    });
    Ok(ok(json!({ "organization": subset })))
}
