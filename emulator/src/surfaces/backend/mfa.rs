//! Backend twins of the MFA and impersonation SDK methods: `otps/sms/send|authenticate`, `totp`,
//! `totp/authenticate`, `recovery_codes/recover|rotate`, `GET recovery_codes/{org}/{member}` and
//! `impersonation/authenticate`, with the same rules (`domain::mfa` and the factor modules). The
//! proof of a primary authentication comes in the body: `intermediate_session_token`,
//! `session_token` or `session_jwt`, at most one (else 400 `too_many_session_arguments`).

use crate::Inner;
use crate::domain::impersonation;
use crate::domain::members;
use crate::domain::mfa::Carried;
use crate::domain::organizations;
use crate::domain::recovery_codes;
use crate::domain::sessions;
use crate::domain::sms_otp;
use crate::domain::totp;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::backend::ok;
use crate::surfaces::backend::sessions::nonempty;
use crate::surfaces::backend::sessions::session_from_jwt;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::sdk::user_agent;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use rusqlite::Connection;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/v1/b2b/otps/sms/send", post(sms_send))
        .route("/v1/b2b/otps/sms/authenticate", post(sms_authenticate))
        .route("/v1/b2b/totp", post(totp_create))
        .route("/v1/b2b/totp/authenticate", post(totp_authenticate))
        .route("/v1/b2b/recovery_codes/recover", post(recover))
        .route("/v1/b2b/recovery_codes/rotate", post(rotate))
        .route(
            "/v1/b2b/recovery_codes/{organization_id}/{member_id}",
            get(recovery_codes_get),
        )
        .route(
            "/v1/b2b/impersonation/authenticate",
            post(impersonation_authenticate),
        )
}

/// The proof fields every backend MFA call may carry.
#[derive(Deserialize)]
struct Tokens {
    intermediate_session_token: Option<String>,
    session_token: Option<String>,
    session_jwt: Option<String>,
}

/// The backend's [`crate::domain::mfa::Carry`]: the three body fields.
fn carry<'a>(
    inner: &'a Inner,
    t: &'a Tokens,
) -> impl Fn(&Connection, i64) -> ApiResult<Carried> + 'a {
    move |conn, now| {
        let token = nonempty(t.session_token.clone());
        let jwt = nonempty(t.session_jwt.clone());
        let (session, dead_session) = match (token, jwt) {
            (Some(_), Some(_)) => {
                return Err(ApiError::new(
                    ErrorType::TooManySessionArguments,
                    "Pass either session_token or session_jwt, not both.",
                ));
            }
            (Some(t), None) => match sessions::by_token(conn, &t, now)? {
                Some(row) => (Some((row, t)), false),
                None => (None, true),
            },
            (None, Some(j)) => (
                Some((session_from_jwt(inner, conn, &j)?, String::new())),
                false,
            ),
            (None, None) => (None, false),
        };
        Ok(Carried {
            ist: t.intermediate_session_token.clone(),
            session,
            dead_session,
            prefer_ist: false,
        })
    }
}

#[derive(Deserialize)]
struct SmsSendReq {
    organization_id: String,
    member_id: String,
    mfa_phone_number: Option<String>,
    #[serde(flatten)]
    tokens: Tokens,
}

async fn sms_send(State(inner): St, JsonBody(req): JsonBody<SmsSendReq>) -> ApiResult<Response> {
    let carry = carry(&inner, &req.tokens);
    Ok(ok(sms_otp::send_flow(
        &inner,
        &req.organization_id,
        &req.member_id,
        req.mfa_phone_number.as_deref(),
        &carry,
    )?))
}

#[derive(Deserialize)]
struct CodeAuthReq {
    organization_id: String,
    member_id: String,
    code: String,
    session_duration_minutes: Option<i64>,
    set_mfa_enrollment: Option<String>,
    set_default_mfa: Option<bool>,
    #[serde(flatten)]
    tokens: Tokens,
}

async fn sms_authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CodeAuthReq>,
) -> ApiResult<Response> {
    let carry = carry(&inner, &req.tokens);
    Ok(ok(sms_otp::authenticate_flow(
        &inner,
        &user_agent(&headers),
        &sms_otp::AuthenticateRequest {
            organization_id: &req.organization_id,
            member_id: &req.member_id,
            code: &req.code,
            session_duration_minutes: req.session_duration_minutes,
            set_mfa_enrollment: req.set_mfa_enrollment.as_deref(),
            set_default_mfa: req.set_default_mfa.unwrap_or(false),
        },
        &carry,
    )?))
}

#[derive(Deserialize)]
struct TotpCreateReq {
    organization_id: String,
    member_id: String,
    expiration_minutes: Option<i64>,
    #[serde(flatten)]
    tokens: Tokens,
}

async fn totp_create(
    State(inner): St,
    JsonBody(req): JsonBody<TotpCreateReq>,
) -> ApiResult<Response> {
    let carry = carry(&inner, &req.tokens);
    Ok(ok(totp::create_flow(
        &inner,
        &req.organization_id,
        &req.member_id,
        req.expiration_minutes,
        &carry,
    )?))
}

async fn totp_authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CodeAuthReq>,
) -> ApiResult<Response> {
    let carry = carry(&inner, &req.tokens);
    Ok(ok(totp::authenticate_flow(
        &inner,
        &user_agent(&headers),
        &totp::AuthenticateRequest {
            organization_id: &req.organization_id,
            member_id: &req.member_id,
            code: &req.code,
            session_duration_minutes: req.session_duration_minutes,
            set_mfa_enrollment: req.set_mfa_enrollment.as_deref(),
            set_default_mfa: req.set_default_mfa.unwrap_or(false),
        },
        &carry,
    )?))
}

#[derive(Deserialize)]
struct RecoverReq {
    organization_id: String,
    member_id: String,
    recovery_code: String,
    session_duration_minutes: Option<i64>,
    #[serde(flatten)]
    tokens: Tokens,
}

async fn recover(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RecoverReq>,
) -> ApiResult<Response> {
    let carry = carry(&inner, &req.tokens);
    Ok(ok(recovery_codes::recover_flow(
        &inner,
        &user_agent(&headers),
        &req.organization_id,
        &req.member_id,
        &req.recovery_code,
        req.session_duration_minutes,
        &carry,
    )?))
}

#[derive(Deserialize)]
struct MemberRef {
    organization_id: String,
    member_id: String,
}

fn member_of(
    conn: &Connection,
    r: &MemberRef,
) -> ApiResult<(serde_json::Value, members::MemberRow)> {
    let org = organizations::get_org(conn, &r.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let member = members::live_member_in_org(conn, &org, &r.member_id)?;
    Ok((org, member))
}

async fn rotate(State(inner): St, JsonBody(req): JsonBody<MemberRef>) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, member) = member_of(&tx, &req)?;
    let fields = recovery_codes::rotate(&tx, &org, &member, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

async fn recovery_codes_get(
    State(inner): St,
    Path((organization_id, member_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let (org, member) = member_of(
        &conn,
        &MemberRef {
            organization_id,
            member_id,
        },
    )?;
    let codes = recovery_codes::active(&conn, member.member_id())?;
    Ok(ok(recovery_codes::answer(&member, &org, codes)))
}

async fn impersonation_authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<crate::surfaces::sdk::impersonation::AuthenticateReq>,
) -> ApiResult<Response> {
    Ok(ok(impersonation::authenticate(
        &inner,
        &req.impersonation_token,
        &user_agent(&headers),
    )?))
}
