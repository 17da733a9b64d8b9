//! One-time passcodes: email (`/sdk/v1/b2b/otps/email/...`, org login and discovery) and SMS
//! (`/sdk/v1/b2b/otps/sms/...`, a second factor: see `domain::sms_otp` and `domain::mfa`).
//!
//! * Codes are 6 digits from the OS CSPRNG, stored as salted SHA-256, shown only in the
//!   control API mailbox (`kind: "email_otp"`, field `code`).
//! * Expiry: `login_/signup_/discovery_expiration_minutes`, default 10, 2..=15;
//!   outside → 400 `invalid_expiration`.
//! * Only the newest code for an (email, organization) — or (email, discovery) — pair is valid:
//!   sending one invalidates the earlier ones. A code is single use.
//! * Attempt limit (emulator choice): **5** wrong codes invalidate the current code; after that
//!   even the right code fails until a new one is sent.
//! * No code was ever sent for the pair → 404 `otp_code_not_found`; a wrong, expired, used or
//!   locked-out code → 401 `unable_to_auth_otp_code`. Wrong attempts are counted (committed)
//!   even though the call fails.
//! * Org login follows the magic-link rules for JIT provisioning and is refused with 403
//!   `operation_restricted_by_organization_auth_methods` when the organization does not allow
//!   `email_otp` (checked at send and at authenticate).

use crate::Inner;
use crate::domain::authentication;
use crate::domain::discovery;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::members;
use crate::domain::mfa;
use crate::domain::organizations;
use crate::domain::otp::bad_code;
use crate::domain::otp::consume;
use crate::domain::otp::issue;
use crate::domain::otp::send_message;
use crate::domain::otp::verify;
use crate::domain::provisioning;
use crate::domain::sessions;
use crate::domain::sms_otp;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
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
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/sdk/v1/b2b/otps/email/login_or_signup",
            post(login_or_signup),
        )
        .route("/sdk/v1/b2b/otps/email/authenticate", post(authenticate))
        .route(
            "/sdk/v1/b2b/otps/email/discovery/send",
            post(discovery_send),
        )
        .route(
            "/sdk/v1/b2b/otps/email/discovery/authenticate",
            post(discovery_authenticate),
        )
        .route("/sdk/v1/b2b/otps/sms/send", post(sms_send))
        .route("/sdk/v1/b2b/otps/sms/authenticate", post(sms_authenticate))
}

#[derive(Deserialize)]
struct LoginOrSignupReq {
    email_address: String,
    organization_id: String,
    #[allow(dead_code)]
    login_template_id: Option<String>,
    #[allow(dead_code)]
    signup_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    login_expiration_minutes: Option<i64>,
    signup_expiration_minutes: Option<i64>,
}

/// `POST /sdk/v1/b2b/otps/email/login_or_signup` → `{member_id, member_created, member, organization}`.
async fn login_or_signup(
    State(inner): St,
    JsonBody(req): JsonBody<LoginOrSignupReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let login_exp = authentication::expiration(req.login_expiration_minutes, 10, 2, 15)?;
    let signup_exp = authentication::expiration(req.signup_expiration_minutes, 10, 2, 15)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org = organizations::get_org(&tx, &req.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let existing = members::find_member(&tx, organizations::org_id(&org), &email)?;
    authentication::check_auth_method(&org, existing.as_ref(), "email_otp")?;
    let (member, created) = provisioning::member_or_provision(&tx, &org, &email, now)?;
    let signup = created || matches!(member.status(), "pending" | "invited");
    let minutes = if signup { signup_exp } else { login_exp };
    let code = issue(&tx, &email, organizations::org_id(&org), minutes, now)?;
    send_message(
        &tx,
        &email,
        &code,
        org["organization_name"].as_str(),
        minutes,
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
struct AuthenticateReq {
    code: String,
    email_address: String,
    organization_id: String,
    session_duration_minutes: Option<i64>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/otps/email/authenticate` → AuthResp WithMFA + `method_id`.
async fn authenticate(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let org = {
        let conn = inner.conn();
        organizations::get_org(&conn, &req.organization_id)?
            .ok_or_else(ApiError::organization_not_found)?
    };
    let oid = organizations::org_id(&org).to_string();
    let code = verify(&inner, &email, &oid, req.code.trim(), now)?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let member = members::find_member(&tx, &oid, &email)?
        .filter(|m| m.status() != "deleted")
        .ok_or_else(bad_code)?;
    authentication::check_auth_method(&org, Some(&member), "email_otp")?;
    let mut factors = authentication::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    consume(&tx, &code)?;
    factors.extend(mfa::session_second_factors(
        &tx,
        caller.session_token.as_deref(),
        &member,
        now,
    )?);
    authentication::merge_factor(
        &mut factors,
        authentication::email_factor("email_otp", "email", &member.email_id, &email, now),
    );
    let grant = Grant {
        email: email.clone(),
        factors,
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let method_id = member.email_id.clone();
    let mut fields = authentication::conclude(
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
    if let Some(o) = fields.as_object_mut() {
        o.insert("method_id".into(), json!(method_id));
    }
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct DiscoverySendReq {
    email_address: String,
    #[allow(dead_code)]
    login_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    discovery_expiration_minutes: Option<i64>,
}

/// `POST /sdk/v1/b2b/otps/email/discovery/send` → `{}`. Any syntactically valid address gets
/// a code (discovery must not reveal which emails have members).
async fn discovery_send(
    State(inner): St,
    JsonBody(req): JsonBody<DiscoverySendReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let minutes = authentication::expiration(req.discovery_expiration_minutes, 10, 2, 15)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let code = issue(&tx, &email, "", minutes, now)?;
    send_message(&tx, &email, &code, None, minutes, now)?;
    tx.commit()?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct DiscoveryAuthReq {
    code: String,
    email_address: String,
}

/// `POST /sdk/v1/b2b/otps/email/discovery/authenticate` → DiscoveryAuthResp (a discovery IST).
async fn discovery_authenticate(
    State(inner): St,
    JsonBody(req): JsonBody<DiscoveryAuthReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let now = inner.now();
    let code = verify(&inner, &email, "", req.code.trim(), now)?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    consume(&tx, &code)?;
    let grant = Grant {
        email: email.clone(),
        factors: vec![authentication::email_factor(
            "email_otp",
            "email",
            &discovery::discovery_email_id(&email),
            &email,
            now,
        )],
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let fields = discovery::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct SmsSendReq {
    organization_id: String,
    member_id: String,
    mfa_phone_number: Option<String>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    #[allow(dead_code)]
    enable_autofill: Option<bool>,
    #[allow(dead_code)]
    autofill_session_duration_minutes: Option<i64>,
}

/// `POST /sdk/v1/b2b/otps/sms/send` → `{member_id, member, organization}`; the code goes to the
/// mailbox (`kind: "sms"`).
async fn sms_send(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<SmsSendReq>,
) -> ApiResult<Response> {
    let carry = sdk::carry(req.intermediate_session_token.as_deref(), &caller);
    let fields = sms_otp::send_flow(
        &inner,
        &req.organization_id,
        &req.member_id,
        req.mfa_phone_number.as_deref(),
        &carry,
    )?;
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct SmsAuthReq {
    organization_id: String,
    member_id: String,
    code: String,
    session_duration_minutes: Option<i64>,
    intermediate_session_token: Option<String>,
    set_mfa_enrollment: Option<String>,
    set_default_mfa: Option<bool>,
}

/// `POST /sdk/v1/b2b/otps/sms/authenticate` → AuthResp (always a session).
async fn sms_authenticate(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SmsAuthReq>,
) -> ApiResult<Response> {
    let carry = sdk::carry(req.intermediate_session_token.as_deref(), &caller);
    let fields = sms_otp::authenticate_flow(
        &inner,
        &sdk::user_agent(&headers),
        &sms_otp::AuthenticateRequest {
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
