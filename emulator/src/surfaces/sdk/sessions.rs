//! SDK sessions: `sessions/authenticate`, `sessions/revoke`, `sessions/revoke/{member_id}`,
//! `sessions/exchange` (switch to another organization of the same email),
//! `sessions/exchange_access_token` and `sessions/attest`.
//!
//! * A session-only call whose Basic password is the public token (no session) → 401
//!   `unauthorized_credentials`; a token that is unknown, revoked or expired → 404
//!   `session_not_found`. Both are in the SDK's unrecoverable list, so it drops its session.
//! * `sessions/authenticate` with `session_duration_minutes` does not extend an impersonated
//!   session (it answers 200 with the session's unchanged expiry; see `domain::impersonation`).
//! * `sessions/revoke/{member_id}` revokes every session of a Member of the caller's organization:
//!   `stytch.member` / `revoke-sessions`, or `stytch.self` / `revoke-sessions` for oneself (else
//!   403 `session_authorization_error`); a Member of another organization → 404
//!   `member_not_found`.
//! * `sessions/exchange_access_token` takes an access token of a connected app granted the
//!   `full_access` scope; the emulator's connected apps are never granted it, so every token is
//!   unknown → 404 `idp_access_token_not_found`.
//! * `sessions/attest` exchanges a token of a trusted auth token profile; the emulator has no
//!   profiles, so it answers 400 `unavailable_endpoint` (after the usual body checks).

use crate::Inner;
use crate::domain::authentication;
use crate::domain::members;
use crate::domain::organizations;
use crate::domain::rbac;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::hash_token;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::ok_data;
use crate::surfaces::sdk::require_session;
use axum::Router;
use axum::extract::Path;
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
            "/sdk/v1/b2b/sessions/authenticate",
            post(sessions_authenticate),
        )
        .route("/sdk/v1/b2b/sessions/revoke", post(sessions_revoke))
        .route("/sdk/v1/b2b/sessions/exchange", post(session_exchange))
        .route(
            "/sdk/v1/b2b/sessions/revoke/{member_id}",
            post(revoke_for_member),
        )
        .route(
            "/sdk/v1/b2b/sessions/exchange_access_token",
            post(exchange_access_token),
        )
        .route("/sdk/v1/b2b/sessions/attest", post(attest))
}

/// `POST /sdk/v1/b2b/sessions/revoke/{member_id}` → `{}`.
async fn revoke_for_member(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &caller)?;
    let (actor, _, org) = sessions::actor_of(&conn, &row)?;
    let target = members::live_member_in_org(&conn, &org, &member_id)?;
    rbac::check(
        &inner.seed,
        &org,
        Some(&actor),
        rbac::MEMBER,
        "revoke-sessions",
        members::is_self(Some(&actor), &target),
    )?;
    sessions::revoke_member(&conn, target.member_id())?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct ExchangeAccessTokenReq {
    access_token: String,
    session_duration_minutes: Option<i64>,
}

/// `POST /sdk/v1/b2b/sessions/exchange_access_token`: see the module docs.
async fn exchange_access_token(
    JsonBody(req): JsonBody<ExchangeAccessTokenReq>,
) -> ApiResult<Response> {
    sessions::duration_minutes(req.session_duration_minutes)?;
    let what = if req.access_token.is_empty() {
        "An empty access token"
    } else {
        "The access token"
    };
    Err(ApiError::new(
        ErrorType::IdpAccessTokenNotFound,
        format!("{what} was not issued by this project: the emulator has no connected apps."),
    ))
}

#[derive(Deserialize)]
struct AttestReq {
    profile_id: String,
    token: String,
    #[allow(dead_code)]
    organization_id: Option<String>,
    session_duration_minutes: Option<i64>,
    #[allow(dead_code)]
    session_token: Option<String>,
    #[allow(dead_code)]
    session_jwt: Option<String>,
}

/// `POST /sdk/v1/b2b/sessions/attest`: see the module docs.
async fn attest(JsonBody(req): JsonBody<AttestReq>) -> ApiResult<Response> {
    sessions::duration_minutes(req.session_duration_minutes)?;
    if req.profile_id.is_empty() || req.token.is_empty() {
        return Err(ApiError::bad_request("profile_id and token are required."));
    }
    Err(ApiError::new(
        ErrorType::UnavailableEndpoint,
        "sessions/attest needs a trusted auth token profile; the emulator has none.",
    ))
}

#[derive(Deserialize)]
struct SessionAuthReq {
    session_duration_minutes: Option<i64>,
}

async fn sessions_authenticate(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<SessionAuthReq>,
) -> ApiResult<Response> {
    let extend = req
        .session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let token = caller.session()?;
    let now = inner.now();
    let live = sessions::authenticate_live(
        &inner,
        &hash_token(token),
        |conn| sessions::by_token(conn, token, now),
        extend,
        now,
    )?;
    let answer = live.answer(&inner, token)?;
    Ok(ok_data(&answer, answer.size_hint()))
}

async fn sessions_revoke(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &caller)?;
    sessions::revoke_id(&conn, &row.member_session_id)?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct SessionExchangeReq {
    organization_id: String,
    session_duration_minutes: Option<i64>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/sessions/exchange` → AuthResp WithMFA: the session's member moves into
/// another organization of the same email.
async fn session_exchange(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SessionExchangeReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (row, _) = sdk::require_session(&inner, &tx, &caller)?;
    let (current, _) = sessions::load_owner(&tx, &row)?;
    let org = organizations::get_org(&tx, &req.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let member = members::find_member(&tx, organizations::org_id(&org), current.email())?
        .filter(|m| m.status() != "deleted")
        .ok_or_else(ApiError::member_not_found)?;
    let grant = authentication::session_grant(&row, &current);
    let fields = authentication::conclude(
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
    Ok(ok(fields))
}
