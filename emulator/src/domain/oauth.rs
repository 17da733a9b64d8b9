//! OAuth sign-in (Google, Microsoft, GitHub, Slack, HubSpot) through the built-in identity
//! provider, from the provider's answer at the callback to the session or the discovery answer.
//!
//! * **Email trust**: Microsoft and Google with a hosted domain (`hd`) prove the email; GitHub,
//!   Slack, HubSpot and Google without `hd` (consumer accounts) do not, so their logins answer
//!   `member_authenticated: false`, an IST and `primary_required` (the email-verifying methods the
//!   organization allows), as Stytch's do.
//! * **Org flow JIT** (callback): an existing member is matched by email (`deleted` → 400
//!   `action_available_only_for_active_members`); a new one is created `pending` when the
//!   organization's `email_jit_provisioning` is `RESTRICTED` and its `email_allowed_domains` hold
//!   the email's domain, or (Slack, HubSpot, GitHub) when `oauth_tenant_jit_provisioning` is
//!   `RESTRICTED` and `allowed_oauth_tenants[provider]` holds the tenant the provider reported.
//!   Refused: 403 `invalid_oauth_tenant_for_jit_provisioning` (tenant JIT on, tenant not listed),
//!   else 403 `invalid_email_for_jit_provisioning` (email JIT on, domain not listed), else 403
//!   `oauth_tenant_jit_provisioning_not_allowed` / `email_jit_provisioning_not_allowed`.
//!   `allowed_auth_methods` without `{provider}_oauth` → 403
//!   `operation_restricted_by_organization_auth_methods`.
//! * Each login upserts `oauth_registrations[] {member_oauth_registration_id, provider_type,
//!   provider_subject, profile_picture_url, locale}`.
//! * **Tokens**: `oauth` (org flow: signup URL when the member was just created, else login URL)
//!   and `discovery_oauth` (discovery URL), single use, 10 minutes, with the start's PKCE challenge;
//!   unknown, used or expired → 404 `oauth_token_not_found`.
//! * **`provider_values`**: a fresh random access and refresh token, the scopes of the start, an
//!   `expires_at` one hour ahead and, for Google and Microsoft (OpenID providers), an RS256
//!   `id_token` for the identity signed with the emulator's key.
//! * **Google One Tap**: `onetap/start` gives the project's fake Google client id
//!   (`<project_id>.emulator.apps.googleusercontent.com`); a One Tap credential is an RS256 ID token
//!   with issuer `https://accounts.google.com` and that client as audience, signed by the emulator's
//!   key (mint one with `POST /emulator/v1/google/id_token`). A bad one → 400 `id_token_invalid`,
//!   another audience → 400 `id_token_incorrect_audience`, expired → 400 `id_token_expired`. The
//!   submit then runs the same callback code as the redirect flow and answers its `redirect_url`.
//! * Discovery lists organizations as for the other discovery factors (tenant eligibility,
//!   `eligible_to_join_by_oauth_tenant`, is not emulated).

use crate::Inner;
use crate::domain::authentication;
use crate::domain::idp::Flow;
use crate::domain::idp::FlowKind;
use crate::domain::idp::Identity;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations;
use crate::domain::organizations::org_id;
use crate::domain::redirects;
use crate::domain::sso_sign_in::Completed;
use crate::domain::sso_sign_in::match_or_create;
use crate::domain::validation::email_domain;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::random_token;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use rusqlite::Connection;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use serde_json::json;

/// The providers, as they appear in paths.
pub const PROVIDERS: &[&str] = &["google", "microsoft", "github", "slack", "hubspot"];

/// Providers whose tenant ids `allowed_oauth_tenants` may list.
const TENANT_PROVIDERS: &[&str] = &["slack", "hubspot", "github"];

/// `provider_type` as Stytch writes it.
pub fn provider_type(provider: &str) -> &'static str {
    match provider {
        "google" => "Google",
        "microsoft" => "Microsoft",
        "github" => "GitHub",
        "slack" => "Slack",
        "hubspot" => "HubSpot",
        _ => "",
    }
}

/// The scopes a start asks for when the app adds none (Stytch's defaults for Google and
/// Microsoft; the providers' own sign-in scopes for the others).
pub fn default_scopes(provider: &str) -> &'static [&'static str] {
    match provider {
        "google" => &["openid", "email", "profile"],
        "microsoft" => &["openid", "email", "User.Read", "profile"],
        "github" => &["read:user", "user:email"],
        "slack" => &["openid", "email", "profile"],
        "hubspot" => &["oauth"],
        _ => &[],
    }
}

/// Does the provider prove the email address for this identity?
pub fn verifies_email(provider: &str, identity: &Identity) -> bool {
    match provider {
        "microsoft" => true,
        "google" => !identity.hosted_domain.is_empty(),
        _ => false,
    }
}

/// What an `oauth` / `discovery_oauth` token carries besides its subject.
#[derive(Debug, Serialize, Deserialize)]
pub struct OauthGrant {
    pub provider: String,
    pub provider_subject: String,
    pub registration_id: String,
    pub email_verified: bool,
    pub provider_values: Value,
}

fn provider_values(inner: &Inner, flow: &Flow, identity: &Identity, now: i64) -> ApiResult<Value> {
    let id_token = if matches!(flow.provider.as_str(), "google" | "microsoft") {
        let issuer = match flow.provider.as_str() {
            "google" => "https://accounts.google.com".to_owned(),
            _ => format!(
                "https://login.microsoftonline.com/{}/v2.0",
                if identity.tenant_id.is_empty() {
                    "common"
                } else {
                    &identity.tenant_id
                }
            ),
        };
        let mut claims = json!({
            "iss": issuer,
            "aud": inner.project.project_id,
            "sub": identity.subject,
            "email": identity.email,
            "email_verified": verifies_email(&flow.provider, identity),
            "name": identity.name,
            "iat": now,
            "exp": now + 3600,
        });
        if !identity.hosted_domain.is_empty() {
            claims["hd"] = json!(identity.hosted_domain);
        }
        if !identity.tenant_id.is_empty() {
            claims["tid"] = json!(identity.tenant_id);
        }
        inner
            .key
            .sign_json(&claims.to_string())
            .ok_or_else(ApiError::internal)?
    } else {
        String::new()
    };
    Ok(json!({
        "access_token": random_token()?,
        "refresh_token": random_token()?,
        "id_token": id_token,
        "scopes": flow.scopes,
        "expires_at": rfc3339(now + 3600),
    }))
}

fn refused(org: &Value, provider: &str) -> ApiError {
    let tenant_jit = org["oauth_tenant_jit_provisioning"] == "RESTRICTED";
    let email_jit = org["email_jit_provisioning"] == "RESTRICTED";
    let tenant_provider = TENANT_PROVIDERS.contains(&provider);
    let (t, m) = if tenant_provider && tenant_jit {
        (
            ErrorType::InvalidOauthTenantForJitProvisioning,
            "The OAuth tenant is not one of the organization's allowed tenants for JIT provisioning.",
        )
    } else if email_jit {
        (
            ErrorType::InvalidEmailForJitProvisioning,
            "The email domain is not one of the organization's allowed domains for JIT provisioning.",
        )
    } else if tenant_provider {
        (
            ErrorType::OauthTenantJitProvisioningNotAllowed,
            "This organization does not allow JIT provisioning by OAuth tenant.",
        )
    } else {
        (
            ErrorType::EmailJitProvisioningNotAllowed,
            "This organization does not allow JIT provisioning by email.",
        )
    };
    ApiError::new(t, m)
}

fn may_create(org: &Value, provider: &str, identity: &Identity, email: &str) -> bool {
    let domain_ok = org["email_jit_provisioning"] == "RESTRICTED"
        && org["email_allowed_domains"]
            .as_array()
            .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(email_domain(email))));
    let tenant_ok = TENANT_PROVIDERS.contains(&provider)
        && org["oauth_tenant_jit_provisioning"] == "RESTRICTED"
        && !identity.tenant_id.is_empty()
        && org["allowed_oauth_tenants"][provider]
            .as_array()
            .is_some_and(|a| {
                a.iter()
                    .any(|t| t.as_str() == Some(identity.tenant_id.as_str()))
            });
    domain_ok || tenant_ok
}

fn upsert_registration(member: &mut MemberRow, provider: &str, subject: &str) -> String {
    let mut regs = member.data["oauth_registrations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ptype = provider_type(provider);
    let id = match regs
        .iter()
        .find(|r| r["provider_type"] == ptype && r["provider_subject"] == subject)
    {
        Some(r) => r["member_oauth_registration_id"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        None => {
            let id = new_id("oauth-user");
            regs.push(json!({
                "member_oauth_registration_id": id,
                "provider_type": ptype,
                "provider_subject": subject,
                "profile_picture_url": "",
                "locale": "",
            }));
            id
        }
    };
    members::set(member, "oauth_registrations", Value::Array(regs));
    id
}

/// The callback of an OAuth flow: the org flow matches or JIT-creates the member; the discovery
/// flow only records the identity. Either mints its token (see the module docs).
pub fn complete(
    inner: &Inner,
    conn: &Connection,
    flow: &Flow,
    identity: &Identity,
    now: i64,
) -> ApiResult<Completed> {
    let email = normalize_email(&identity.email)?;
    let provider = flow.provider.as_str();
    let verified = verifies_email(provider, identity);
    let values = provider_values(inner, flow, identity, now)?;
    crate::domain::idp::remember(conn, flow.source(), identity, now)?;
    if flow.kind == Some(FlowKind::DiscoveryOauth) {
        let grant = OauthGrant {
            provider: provider.to_owned(),
            provider_subject: identity.subject.clone(),
            registration_id: String::new(),
            email_verified: verified,
            provider_values: values,
        };
        let token = issue(
            conn,
            Kind::DiscoveryOauth,
            &email,
            "",
            "",
            flow,
            &grant,
            now,
        )?;
        return Ok(Completed {
            redirect_url: redirects::link(&flow.discovery_redirect_url, "discovery_oauth", &token),
            token,
            member_id: String::new(),
            organization_id: String::new(),
            member_created: false,
        });
    }
    let org = organizations::get_org(conn, &flow.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let existing = members::find_member(conn, org_id(&org), &email)?;
    authentication::check_auth_method(&org, existing.as_ref(), &format!("{provider}_oauth"))?;
    let (mut member, created) = match_or_create(
        conn,
        &org,
        &email,
        identity.name.trim(),
        may_create(&org, provider, identity, &email),
        || refused(&org, provider),
        now,
    )?;
    let registration_id = upsert_registration(&mut member, provider, &identity.subject);
    if member.data["name"].as_str().is_none_or(str::is_empty) && !identity.name.trim().is_empty() {
        members::set(&mut member, "name", json!(identity.name.trim()));
    }
    members::set(&mut member, "updated_at", json!(rfc3339(now)));
    members::write_row(conn, &member)?;
    let grant = OauthGrant {
        provider: provider.to_owned(),
        provider_subject: identity.subject.clone(),
        registration_id,
        email_verified: verified,
        provider_values: values,
    };
    let token = issue(
        conn,
        Kind::Oauth,
        &email,
        org_id(&org),
        member.member_id(),
        flow,
        &grant,
        now,
    )?;
    let url = if created {
        &flow.signup_redirect_url
    } else {
        &flow.login_redirect_url
    };
    Ok(Completed {
        redirect_url: redirects::link(url, "oauth", &token),
        token,
        member_id: member.member_id().to_owned(),
        organization_id: org_id(&org).to_owned(),
        member_created: created,
    })
}

#[allow(clippy::too_many_arguments)]
fn issue(
    conn: &Connection,
    kind: Kind,
    email: &str,
    organization_id: &str,
    member_id: &str,
    flow: &Flow,
    grant: &OauthGrant,
    now: i64,
) -> ApiResult<String> {
    one_time_tokens::issue(
        conn,
        &Issue {
            kind,
            email,
            organization_id,
            member_id,
            pkce_challenge: flow.pkce_challenge.as_deref(),
            payload: Some(&serde_json::to_string(grant)?),
            lifetime_secs: crate::domain::idp::LIFETIME_SECS,
        },
        now,
    )
}

fn token_not_found() -> ApiError {
    ApiError::new(
        ErrorType::OauthTokenNotFound,
        "The OAuth token could not be found, has expired or was already used.",
    )
}

/// A taken token: its email, organization and member ids (empty for discovery) and grant.
pub struct Taken {
    pub email: String,
    pub organization_id: String,
    pub member_id: String,
    pub grant: OauthGrant,
}

/// Uses up an `oauth` or `discovery_oauth` token (PKCE checked first).
pub fn take_token(
    conn: &Connection,
    kind: Kind,
    token: &str,
    pkce_verifier: Option<&str>,
    now: i64,
) -> ApiResult<Taken> {
    let t = one_time_tokens::take(
        conn,
        kind,
        token,
        pkce_verifier,
        now,
        token_not_found,
        token_not_found,
    )?;
    let grant: OauthGrant = t
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(token_not_found)?;
    Ok(Taken {
        email: t.email,
        organization_id: t.organization_id,
        member_id: t.member_id,
        grant,
    })
}

/// The session factor of an OAuth login.
pub fn factor(grant: &OauthGrant, email_id: &str, now: i64) -> Value {
    let ts = rfc3339(now);
    let key = format!("{}_oauth_factor", grant.provider);
    json!({
        "type": "oauth",
        "delivery_method": format!("oauth_{}", grant.provider),
        key: {
            "id": grant.registration_id,
            "provider_subject": grant.provider_subject,
            "email_id": email_id,
        },
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "PRIMARY",
    })
}

/// The issuer of Google ID tokens.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// The project's Google client id for One Tap.
pub fn google_client_id(inner: &Inner) -> String {
    format!(
        "{}.emulator.apps.googleusercontent.com",
        inner.project.project_id
    )
}

/// A Google One Tap credential for `identity`, as Google would sign it (valid one hour).
pub fn mint_google_id_token(inner: &Inner, identity: &Identity, now: i64) -> ApiResult<String> {
    let mut claims = json!({
        "iss": GOOGLE_ISSUER,
        "aud": google_client_id(inner),
        "azp": google_client_id(inner),
        "sub": identity.subject,
        "email": identity.email,
        "email_verified": true,
        "name": identity.name,
        "iat": now,
        "exp": now + 3600,
    });
    if !identity.hosted_domain.is_empty() {
        claims["hd"] = json!(identity.hosted_domain);
    }
    inner
        .key
        .sign_json(&claims.to_string())
        .ok_or_else(ApiError::internal)
}

/// The identity a One Tap credential asserts (see the module docs for the checks).
pub fn identity_from_google_id_token(
    inner: &Inner,
    id_token: &str,
    now: i64,
) -> ApiResult<Identity> {
    let claims =
        inner
            .key
            .verify_id_token(id_token, GOOGLE_ISSUER, &google_client_id(inner), now)?;
    let text = |k: &str| claims[k].as_str().unwrap_or("").to_owned();
    Ok(Identity {
        email: text("email"),
        name: text("name"),
        subject: text("sub"),
        hosted_domain: text("hd"),
        ..Identity::default()
    })
}
