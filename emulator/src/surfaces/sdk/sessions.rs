//! SDK sessions: `sessions/authenticate`, `sessions/revoke` and `sessions/exchange` (switch to
//! another organization of the same email).
//!
//! * A session-only call whose Basic password is the public token (no session) → 401
//!   `unauthorized_credentials`; a token that is unknown, revoked or expired → 404
//!   `session_not_found`. Both are in the SDK's unrecoverable list, so it drops its session.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::members;
use crate::domain::organizations;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::ok_data;
use crate::surfaces::sdk::require_session;
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
            "/sdk/v1/b2b/sessions/authenticate",
            post(sessions_authenticate),
        )
        .route("/sdk/v1/b2b/sessions/revoke", post(sessions_revoke))
        .route("/sdk/v1/b2b/sessions/exchange", post(session_exchange))
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
    // Only the SQL runs while holding the database: the other requests need it too.
    let token = caller.session()?.to_owned();
    let now = inner.now();
    let conn = inner.conn();
    let mut row =
        sessions::by_token(&conn, &token, now)?.ok_or_else(ApiError::session_not_found)?;
    sessions::touch(&conn, &mut row, extend, now)?;
    let owner = sessions::OwnerJson::load(&conn, &row)?;
    drop(conn);
    let owner = owner.parse_memo(&inner.owners, &row.member_id)?;
    let jwt = sessions::mint_jwt(&inner, &row, &owner, now)?;
    let answer = sessions::auth_answer(&row, &token, &jwt, &owner);
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
