//! TOTP: `POST /sdk/v1/b2b/totp` (create) and `/sdk/v1/b2b/totp/authenticate` (see
//! `domain::totp` for the registration rules and `domain::mfa` for the proof a call carries).

use crate::Inner;
use crate::domain::authentication;
use crate::domain::lockouts;
use crate::domain::members;
use crate::domain::mfa;
use crate::domain::mfa::Carried;
use crate::domain::mfa::Method;
use crate::domain::sessions;
use crate::domain::totp;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk;
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
        .route("/sdk/v1/b2b/totp", post(create))
        .route("/sdk/v1/b2b/totp/authenticate", post(authenticate))
}

#[derive(Deserialize)]
struct CreateReq {
    organization_id: String,
    member_id: String,
    expiration_minutes: Option<i64>,
    intermediate_session_token: Option<String>,
}

/// `POST /sdk/v1/b2b/totp` → `{member_id, member, organization, totp_registration_id, secret,
/// qr_code, recovery_codes}`.
async fn create(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<CreateReq>,
) -> ApiResult<Response> {
    let minutes = authentication::expiration(req.expiration_minutes, 60, 5, 1440)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, member) = mfa::target(&tx, &req.organization_id, &req.member_id)?;
    mfa::check_method(&org, Method::Totp)?;
    let carried = Carried::sdk(
        &tx,
        req.intermediate_session_token,
        caller.session_token.as_deref(),
        now,
    )?;
    mfa::proof_for_enrolment(&tx, carried, &org, &member, now)?;
    let project_name = inner.seed.project.name.as_deref().unwrap_or("Stytch");
    let created = totp::create(&tx, project_name, &org, &member, minutes, now)?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
        "totp_registration_id": created.totp_id,
        "secret": created.secret,
        "qr_code": created.qr_code,
        "recovery_codes": created.recovery_codes,
    })))
}

#[derive(Deserialize)]
struct AuthenticateReq {
    organization_id: String,
    member_id: String,
    code: String,
    session_duration_minutes: Option<i64>,
    intermediate_session_token: Option<String>,
    set_mfa_enrollment: Option<String>,
    set_default_mfa: Option<bool>,
}

fn wrong_code() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthenticateTotp,
        "The TOTP code is incorrect.",
    )
}

/// `POST /sdk/v1/b2b/totp/authenticate` → AuthResp (always a session).
async fn authenticate(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let duration = req
        .session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let code = req.code.trim();
    totp::check_shape(code)?;
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
    let reg = totp::usable(&tx, &member, now)?;
    let Some(step) = totp::matching_step(&reg, code, now)? else {
        // The failure must count even though the call fails: outside the transaction.
        drop(tx);
        lockouts::record_failure(&conn, &mut member, now)?;
        return Err(wrong_code());
    };
    totp::accept(&tx, &reg, step)?;
    lockouts::record_success(&tx, &mut member)?;
    members::set(&mut member, "totp_registration_id", json!(reg.totp_id));
    mfa::enroll(
        &org,
        &mut member,
        req.set_mfa_enrollment.as_deref(),
        req.set_default_mfa.unwrap_or(false).then_some(Method::Totp),
    )?;
    let factor = mfa::totp_factor(&reg.totp_id, now);
    let fields = mfa::conclude(
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
    Ok(ok(fields))
}
