//! Impersonation: a support engineer signs in as a Member, marked as impersonated.
//!
//! * Stytch mints impersonation tokens only in its Dashboard, so the emulator's control API mints
//!   them (`POST /emulator/v1/impersonation_tokens`): 44 CSPRNG characters, stored hashed
//!   (`domain::one_time_tokens`), valid 5 minutes, single use. The answer's `url` is the project's
//!   default login redirect URL with `stytch_token_type=multi_tenant_impersonation&token=…`, the
//!   link the Dashboard opens. A blank `reason` → 400 `invalid_impersonation_reason`; a deleted or
//!   unknown Member → 404 `member_not_found`.
//! * Authenticating one always gives a full session (never `mfa_required`), lasting 60 minutes
//!   whatever `session_duration_minutes` says, with exactly one factor: `{type: "impersonated",
//!   delivery_method: "impersonation", impersonated_factor: {impersonator_id,
//!   impersonator_email_address}}`. The session cannot be extended (`sessions/authenticate` keeps
//!   its expiry) and takes no other factor (400 `session_not_mutable_impersonated`). An unknown,
//!   used or expired token, or one whose Member was deleted since → 401
//!   `unable_to_auth_impersonation_token`.
//! * `impersonator_id` stands for the Dashboard user: a stable id derived from the impersonator's
//!   email address.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::members;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations;
use crate::domain::redirects;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::derived_id;
use crate::infra::ids::rfc3339;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

/// How long a token lives.
pub const TOKEN_LIFETIME_SECS: i64 = 5 * 60;
/// How long an impersonated session lives.
pub const SESSION_MINUTES: i64 = 60;

/// The body of `POST /emulator/v1/impersonation_tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MintRequest {
    pub organization_id: String,
    pub member_id: String,
    pub impersonator_email_address: String,
    pub reason: String,
}

/// Mints a token (see the module docs); answers `{token, url, expires_at}`.
pub fn mint(inner: &Inner, req: &MintRequest) -> ApiResult<Value> {
    let impersonator = normalize_email(&req.impersonator_email_address)?;
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 1024 {
        return Err(ApiError::new(
            ErrorType::InvalidImpersonationReason,
            "reason must be 1 to 1024 characters: it is what the audit log shows.",
        ));
    }
    let login = redirects::redirect_url(&inner.seed, None, ErrorType::NoLoginRedirectUrlsSet)?;
    let now = inner.now();
    let conn = inner.conn();
    let org = organizations::get_org(&conn, &req.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let member = members::live_member_in_org(&conn, &org, &req.member_id)?;
    let payload = json!({
        "impersonator_id": derived_id("member", &["impersonator", &impersonator]),
        "impersonator_email_address": impersonator,
        "reason": reason,
    })
    .to_string();
    let token = one_time_tokens::issue(
        &conn,
        &Issue {
            kind: Kind::Impersonation,
            email: member.email(),
            organization_id: organizations::org_id(&org),
            member_id: member.member_id(),
            pkce_challenge: None,
            payload: Some(&payload),
            lifetime_secs: TOKEN_LIFETIME_SECS,
        },
        now,
    )?;
    Ok(json!({
        "url": redirects::link(&login, "multi_tenant_impersonation", &token),
        "token": token,
        "expires_at": rfc3339(now + TOKEN_LIFETIME_SECS),
    }))
}

fn unable() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthImpersonationToken,
        "The impersonation token could not be authenticated: it is unknown, expired or was already used.",
    )
}

/// Authenticates a token: the fields of the session answer (see the module docs).
pub fn authenticate(inner: &Inner, token: &str, user_agent: &str) -> ApiResult<Value> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let found = one_time_tokens::take(&tx, Kind::Impersonation, token, None, now, unable, unable)?;
    let member = members::get_member(&tx, &found.member_id)?
        .filter(|m| m.status() != "deleted")
        .ok_or_else(unable)?;
    let org = organizations::get_org(&tx, &found.organization_id)?.ok_or_else(unable)?;
    let who: Value = serde_json::from_str(found.payload.as_deref().unwrap_or("{}"))?;
    let ts = rfc3339(now);
    let factor = json!({
        "type": "impersonated",
        "delivery_method": "impersonation",
        "impersonated_factor": {
            "impersonator_id": who["impersonator_id"],
            "impersonator_email_address": who["impersonator_email_address"],
        },
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "PRIMARY",
    });
    let fields = authentication::issue_session(
        inner,
        &tx,
        user_agent,
        &org,
        &member,
        vec![factor],
        SESSION_MINUTES,
        now,
    )?;
    tx.commit()?;
    Ok(fields)
}
