//! Email one-time passcodes: `/sdk/v1/b2b/otps/email/...` (org login and discovery).
//!
//! * Codes are 6 digits from the OS CSPRNG, stored as salted SHA-256, shown only in the
//!   control API mailbox (`kind: "email_otp"`, field `code`).
//! * Expiry: `login_/signup_/discovery_expiration_minutes`, default 10, 2..=15 (semantics §4);
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

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

use crate::Inner;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::flow::{self, Grant, St, ok};
use crate::session;
use crate::store::{self, Message};
use crate::util::{ct_eq, hash_token, normalize_email, random_token};

/// Wrong codes allowed per code before it is invalidated.
pub const MAX_ATTEMPTS: i64 = 5;

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
}

fn new_code() -> ApiResult<String> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|_| ApiError::internal())?;
    Ok(format!("{:06}", u64::from_le_bytes(buf) % 1_000_000))
}

/// Stores a new code for (email, org) — org `""` for discovery — invalidating older ones.
fn issue(conn: &Connection, email: &str, org: &str, minutes: i64, now: i64) -> ApiResult<String> {
    let code = new_code()?;
    let salt = random_token()?;
    conn.execute(
        "UPDATE email_otps SET used = 1 WHERE email = ?1 AND organization_id = ?2",
        params![email, org],
    )?;
    conn.execute(
        "INSERT INTO email_otps (email, organization_id, salt, code_hash, expires_at, attempts, used, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6)",
        params![email, org, salt, hash_token(&format!("{salt}{code}")), now + minutes * 60, now],
    )?;
    Ok(code)
}

fn bad_code() -> ApiError {
    ApiError::new(
        401,
        "unable_to_auth_otp_code",
        "The passcode is incorrect, expired or was already used. Request a new one.",
    )
}

/// Checks `code` against the newest code for (email, org). A wrong attempt is written through
/// `inner.conn()` in its own statement, so it counts even though the call fails.
fn verify(inner: &Inner, email: &str, org: &str, code: &str, now: i64) -> ApiResult<i64> {
    let conn = inner.conn();
    let row: Option<(i64, String, String, i64, i64, i64)> = conn
        .query_row(
            "SELECT id, salt, code_hash, expires_at, attempts, used FROM email_otps
             WHERE email = ?1 AND organization_id = ?2 ORDER BY id DESC LIMIT 1",
            params![email, org],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let (id, salt, hash, expires_at, attempts, used) = row.ok_or_else(|| {
        ApiError::new(
            404,
            "otp_code_not_found",
            "No passcode was sent to this email address.",
        )
    })?;
    if used != 0 || expires_at <= now || attempts >= MAX_ATTEMPTS {
        return Err(bad_code());
    }
    if !ct_eq(&hash_token(&format!("{salt}{code}")), &hash) {
        conn.execute(
            "UPDATE email_otps SET attempts = attempts + 1,
                 used = CASE WHEN attempts + 1 >= ?2 THEN 1 ELSE used END WHERE id = ?1",
            params![id, MAX_ATTEMPTS],
        )?;
        return Err(bad_code());
    }
    Ok(id)
}

/// Marks a verified code used inside the caller's transaction.
fn consume(conn: &Connection, id: i64) -> ApiResult<()> {
    if conn.execute(
        "UPDATE email_otps SET used = 1 WHERE id = ?1 AND used = 0",
        [id],
    )? != 1
    {
        return Err(bad_code());
    }
    Ok(())
}

fn send_message(
    conn: &Connection,
    email: &str,
    code: &str,
    org_name: Option<&str>,
    minutes: i64,
    now: i64,
) -> ApiResult<()> {
    let subject = match org_name {
        Some(n) => format!("Your {n} verification code is {code}"),
        None => format!("Your verification code is {code}"),
    };
    let body = format!(
        "Your one-time passcode is {code}.\n\nIt expires in {minutes} minutes and can be used once."
    );
    store::insert_message(
        conn,
        &Message {
            to: email,
            kind: "email_otp",
            subject: &subject,
            body: &body,
            link: None,
            token: None,
            code: Some(code),
        },
        now,
    )
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
    headers: HeaderMap,
    JsonBody(req): JsonBody<LoginOrSignupReq>,
) -> ApiResult<Response> {
    flow::sdk_auth(&inner, &headers)?;
    let email = normalize_email(&req.email_address)?;
    let login_exp = flow::expiration(req.login_expiration_minutes, 10, 2, 15)?;
    let signup_exp = flow::expiration(req.signup_expiration_minutes, 10, 2, 15)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org =
        store::get_org(&tx, &req.organization_id)?.ok_or_else(ApiError::organization_not_found)?;
    let existing = store::find_member(&tx, flow::org_id(&org), &email)?;
    flow::check_auth_method(&org, existing.as_ref(), "email_otp")?;
    let (member, created) = flow::member_or_provision(&tx, &org, &email, now)?;
    let signup = created || matches!(member.status(), "pending" | "invited");
    let minutes = if signup { signup_exp } else { login_exp };
    let code = issue(&tx, &email, flow::org_id(&org), minutes, now)?;
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
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    flow::sdk_auth(&inner, &headers)?;
    let email = normalize_email(&req.email_address)?;
    let duration = session::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let org = {
        let conn = inner.conn();
        store::get_org(&conn, &req.organization_id)?.ok_or_else(ApiError::organization_not_found)?
    };
    let oid = flow::org_id(&org).to_string();
    let id = verify(&inner, &email, &oid, req.code.trim(), now)?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let member = store::find_member(&tx, &oid, &email)?
        .filter(|m| m.status() != "deleted")
        .ok_or_else(bad_code)?;
    flow::check_auth_method(&org, Some(&member), "email_otp")?;
    let mut factors = flow::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    consume(&tx, id)?;
    flow::merge_factor(
        &mut factors,
        flow::email_factor("email_otp", "email", &member.email_id, &email, now),
    );
    let grant = Grant {
        email: email.clone(),
        factors,
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let method_id = member.email_id.clone();
    let mut fields = flow::conclude(&inner, &tx, &headers, &org, member, &grant, duration, now)?;
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
    headers: HeaderMap,
    JsonBody(req): JsonBody<DiscoverySendReq>,
) -> ApiResult<Response> {
    flow::sdk_auth(&inner, &headers)?;
    let email = normalize_email(&req.email_address)?;
    let minutes = flow::expiration(req.discovery_expiration_minutes, 10, 2, 15)?;
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
    headers: HeaderMap,
    JsonBody(req): JsonBody<DiscoveryAuthReq>,
) -> ApiResult<Response> {
    flow::sdk_auth(&inner, &headers)?;
    let email = normalize_email(&req.email_address)?;
    let now = inner.now();
    let id = verify(&inner, &email, "", req.code.trim(), now)?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    consume(&tx, id)?;
    let grant = Grant {
        email: email.clone(),
        factors: vec![flow::email_factor(
            "email_otp",
            "email",
            &flow::discovery_email_id(&email),
            &email,
            now,
        )],
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let fields = flow::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}
