//! Recovery codes: `POST /sdk/v1/b2b/recovery_codes/recover` (an IST or a session, like the other
//! second factors), `POST /sdk/v1/b2b/recovery_codes/rotate` and `GET /sdk/v1/b2b/recovery_codes`
//! (both for the session's own Member). See `domain::recovery_codes`. Rotating needs a session but
//! not one that carries a second factor (Stytch does not document that it does).

use crate::Inner;
use crate::domain::lockouts;
use crate::domain::mfa;
use crate::domain::mfa::Carried;
use crate::domain::mfa::Method;
use crate::domain::recovery_codes;
use crate::domain::sessions;
use crate::error::ApiError;
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
use serde_json::json;
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
    let duration = req
        .session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let code = req.recovery_code.trim().to_ascii_lowercase();
    recovery_codes::check_shape(&code)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, mut member) = mfa::target(&tx, &req.organization_id, &req.member_id)?;
    mfa::check_method(&org, Method::Totp)?;
    let carried = Carried::sdk(
        &tx,
        req.intermediate_session_token,
        caller.session_token.as_deref(),
        now,
    )?;
    let proof =
        mfa::proof(&tx, carried, &org, &member, true, now)?.ok_or_else(ApiError::internal)?;
    lockouts::check(&tx, &mut member, now)?;
    recovery_codes::backing_totp(&tx, member.member_id())?;
    let Some(id) = recovery_codes::find(&tx, member.member_id(), &code)? else {
        // The failure must count even though the call fails: outside the transaction.
        drop(tx);
        lockouts::record_failure(&conn, &mut member, now)?;
        return Err(recovery_codes::unable());
    };
    let remaining = recovery_codes::consume(&tx, member.member_id(), &id)?
        .ok_or_else(recovery_codes::unable)?;
    lockouts::record_success(&tx, &mut member)?;
    let factor = mfa::recovery_code_factor(&id, now);
    let mut fields = mfa::conclude(
        &inner,
        &tx,
        &sdk::user_agent(&headers),
        &org,
        &mut member,
        proof,
        factor,
        duration,
        now,
    )?;
    tx.commit()?;
    if let Some(o) = fields.as_object_mut() {
        o.insert("recovery_codes_remaining".into(), json!(remaining));
    }
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
    let totp_id = recovery_codes::backing_totp(&tx, member.member_id())?;
    let codes =
        recovery_codes::issue(&tx, &row.organization_id, member.member_id(), &totp_id, now)?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
        "recovery_codes": codes,
    })))
}

/// `GET /sdk/v1/b2b/recovery_codes` → `{member_id, member, organization, recovery_codes}`: the
/// unused codes.
async fn list(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &caller)?;
    let (member, org) = sessions::load_owner(&conn, &row)?;
    let codes = recovery_codes::active(&conn, member.member_id())?;
    Ok(ok(json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
        "recovery_codes": codes,
    })))
}
