//! Recovery codes: `POST /sdk/v1/b2b/recovery_codes/recover` (an IST or a session, like the other
//! second factors), `POST /sdk/v1/b2b/recovery_codes/rotate` and `GET /sdk/v1/b2b/recovery_codes`
//! (both for the session's own Member). See `domain::recovery_codes`. Rotating needs a session but
//! not one that carries a second factor (Stytch does not document that it does).

use crate::Inner;
use crate::domain::recovery_codes;
use crate::domain::sessions;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::require_session;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/sdk/v1/b2b/recovery_codes/recover", post(recover))
        .route("/sdk/v1/b2b/recovery_codes/rotate", post(rotate))
        .route("/sdk/v1/b2b/recovery_codes", get(list))
}

#[derive(Deserialize)]
struct RecoverReq {
    organization_id: String,
    member_id: String,
    recovery_code: String,
    session_duration_minutes: Option<i64>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/recovery_codes/recover` → AuthResp + `recovery_codes_remaining`.
async fn recover(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RecoverReq>,
) -> ApiResult<Response> {
    let carry = sdk::carry(req.intermediate_session_token.as_deref(), &caller);
    let fields = recovery_codes::recover_flow(
        &inner,
        &sdk::user_agent(&headers),
        &req.organization_id,
        &req.member_id,
        &req.recovery_code,
        req.session_duration_minutes,
        &carry,
    )?;
    Ok(ok(fields))
}

/// `POST /sdk/v1/b2b/recovery_codes/rotate` → `{member_id, member, organization,
/// recovery_codes}`: ten new codes replace all the old ones.
async fn rotate(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (row, _) = require_session(&inner, &tx, &caller)?;
    let (member, org) = sessions::load_owner(&tx, &row)?;
    let fields = recovery_codes::rotate(&tx, &org, &member, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

/// `GET /sdk/v1/b2b/recovery_codes` → `{member_id, member, organization, recovery_codes}`: the
/// unused codes.
async fn list(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &caller)?;
    let (member, org) = sessions::load_owner(&conn, &row)?;
    let codes = recovery_codes::active(&conn, member.member_id())?;
    Ok(ok(recovery_codes::answer(&member, &org, codes)))
}
