//! TOTP: `POST /sdk/v1/b2b/totp` (create) and `/sdk/v1/b2b/totp/authenticate` (see
//! `domain::totp` for the registration rules and `domain::mfa` for the proof a call carries).

use crate::Inner;
use crate::domain::totp;
use crate::error::ApiResult;
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
    let carry = sdk::carry(req.intermediate_session_token.as_deref(), &caller);
    let fields = totp::create_flow(
        &inner,
        &req.organization_id,
        &req.member_id,
        req.expiration_minutes,
        &carry,
    )?;
    Ok(ok(fields))
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

/// `POST /sdk/v1/b2b/totp/authenticate` → AuthResp (always a session).
async fn authenticate(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let carry = sdk::carry(req.intermediate_session_token.as_deref(), &caller);
    let fields = totp::authenticate_flow(
        &inner,
        &sdk::user_agent(&headers),
        &totp::AuthenticateRequest {
            organization_id: &req.organization_id,
            member_id: &req.member_id,
            code: &req.code,
            session_duration_minutes: req.session_duration_minutes,
            set_mfa_enrollment: req.set_mfa_enrollment.as_deref(),
            set_default_mfa: req.set_default_mfa.unwrap_or(false),
        },
        &carry,
    )?;
    Ok(ok(fields))
}
