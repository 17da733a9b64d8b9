//! Passwords: `/sdk/v1/b2b/passwords/...` (org and discovery).
//!
//! * Hashes are argon2id (PHC strings with a random salt, crate defaults); the raw password is
//!   never stored. Seeded members may carry a `password` (not strength-checked).
//! * Strength policy: LUDS when the seed sets `password_config {luds_complexity,
//!   luds_minimum_count}` (valid iff at least `luds_minimum_count` characters and
//!   `luds_complexity` of the four classes lower/upper/digit/symbol), otherwise zxcvbn (valid iff
//!   score ≥ 3, the email's parts as user inputs). Breach detection (HaveIBeenPwned) is not
//!   emulated: `breached_password` and `breach_detection_on_create` are always `false`.
//!   Passwords longer than 256 characters are refused as weak (zxcvbn cost).
//! * A new password that fails the policy → 400 `weak_password`.
//! * Wrong password, or an email with no member in the organization → 401
//!   `unauthorized_credentials` (no member enumeration); a member without a password → 404
//!   `member_password_not_found`.
//! * Reset tokens: 44 CSPRNG characters, stored hashed, single use, default 30 minutes
//!   (5..=10080). Link `<reset_password_redirect_url>?stytch_token_type=multi_tenant_passwords&token=…`,
//!   message kind `password_reset`, for the org and the discovery flavour alike. Unknown, used,
//!   expired, or of the other flavour → 401 `unable_to_auth_password_reset_token`. PKCE as for
//!   magic links (`code_challenge`/`code_verifier` in the org flavour, `pkce_code_challenge`/
//!   `pkce_code_verifier` in discovery); `pkce_required_for_password_resets` makes the challenge
//!   mandatory at reset start.
//! * Org reset start resolves the member like email login_or_signup (JIT-created as `pending`
//!   when the org allows the domain).
//! * Every reset (email, existing password) revokes all the member's sessions; a session reset
//!   revokes all but the current one and needs a factor authenticated in the last 5 minutes
//!   (else 400 `session_too_old_to_reset_password`). A reset by email verifies the email.
//! * `code_verifier` on `passwords/authenticate` and `passwords/discovery/authenticate` is
//!   accepted and ignored (there is no challenge to check it against in these flows).
//! * Discovery reset sets the password of every (non-deleted) member with that email, and the
//!   discovery IST then counts as verified for all of them.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::discovery;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::lockouts;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::messages;
use crate::domain::messages::Message;
use crate::domain::mfa;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations;
use crate::domain::passwords;
use crate::domain::passwords::require_strong;
use crate::domain::passwords::stored_hash;
use crate::domain::passwords::strength;
use crate::domain::pkce;
use crate::domain::provisioning;
use crate::domain::redirects;
use crate::domain::sessions;
use crate::domain::validation::normalize_email;
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
use rusqlite::Connection;
use rusqlite::params;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/sdk/v1/b2b/passwords/authenticate", post(authenticate))
        .route("/sdk/v1/b2b/passwords/email/reset/start", post(reset_start))
        .route("/sdk/v1/b2b/passwords/email/reset", post(reset_by_email))
        .route(
            "/sdk/v1/b2b/passwords/existing_password/reset",
            post(reset_existing),
        )
        .route("/sdk/v1/b2b/passwords/session/reset", post(reset_session))
        .route("/sdk/v1/b2b/passwords/strength_check", post(strength_check))
        .route(
            "/sdk/v1/b2b/passwords/discovery/authenticate",
            post(discovery_authenticate),
        )
        .route(
            "/sdk/v1/b2b/passwords/discovery/reset/start",
            post(discovery_reset_start),
        )
        .route(
            "/sdk/v1/b2b/passwords/discovery/reset",
            post(discovery_reset),
        )
}

fn password_factor(member: &MemberRow, now: i64) -> Value {
    authentication::email_factor(
        "password",
        "knowledge",
        &member.email_id,
        member.email(),
        now,
    )
}

fn bad_credentials() -> ApiError {
    ApiError::unauthorized()
}

/// Verifies `password` for `email` in the organization `org_id` (id or slug) → the organization's
/// id and the member's id. The member and hash are read under the database lock, argon2 runs on a
/// blocking thread with no lock held, and the outcome is recorded for the user lock (committed
/// even when the call fails). An unknown email is checked against a dummy hash (same timing).
async fn check_credentials(
    inner: &Inner,
    org_id: &str,
    email: &str,
    password: &str,
) -> ApiResult<(String, String)> {
    let now = inner.now();
    let (org_id, member, hash) = {
        let conn = inner.conn();
        let org = get_org(&conn, org_id)?;
        let member = members::find_member(&conn, organizations::org_id(&org), email)?
            .filter(|m| m.status() != "deleted");
        let hash = match &member {
            Some(m) => Some(stored_hash(&conn, m.member_id())?.ok_or_else(|| {
                ApiError::new(
                    ErrorType::MemberPasswordNotFound,
                    "This Member has no password. Reset it by email to set one.",
                )
            })?),
            None => None,
        };
        (organizations::org_id(&org).to_owned(), member, hash)
    };
    let verified = passwords::verify_off_thread(password.to_owned(), hash).await;
    let Some(mut member) = member else {
        return Err(bad_credentials());
    };
    let conn = inner.conn();
    lockouts::check(&conn, &mut member, now)?;
    if !verified {
        lockouts::record_failure(&conn, &mut member, now)?;
        return Err(bad_credentials());
    }
    lockouts::record_success(&conn, &mut member)?;
    Ok((org_id, member.member_id().to_owned()))
}

/// The organization and member [`check_credentials`] vouched for, read again inside `conn`'s
/// transaction.
fn vouched(
    conn: &Connection,
    (org_id, member_id): &(String, String),
) -> ApiResult<(Value, MemberRow)> {
    let org = get_org(conn, org_id)?;
    let member = members::get_member(conn, member_id)?.ok_or_else(bad_credentials)?;
    Ok((org, member))
}

fn get_org(conn: &Connection, id: &str) -> ApiResult<Value> {
    organizations::get_org(conn, id)?.ok_or_else(ApiError::organization_not_found)
}

// ------------------------------------------------------------------ org flows

#[derive(Deserialize)]
struct AuthenticateReq {
    organization_id: String,
    email_address: String,
    password: String,
    session_duration_minutes: Option<i64>,
    #[allow(dead_code)]
    code_verifier: Option<String>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/authenticate` → AuthResp WithMFA.
async fn authenticate(
    State(inner): St,
    caller: SdkCaller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let checked = check_credentials(&inner, &req.organization_id, &email, &req.password).await?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, member) = vouched(&tx, &checked)?;
    authentication::check_auth_method(&org, Some(&member), "password")?;
    let mut factors = authentication::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    factors.extend(mfa::session_second_factors(
        &tx,
        caller.session_token.as_deref(),
        &member,
        now,
    )?);
    authentication::merge_factor(&mut factors, password_factor(&member, now));
    let grant = Grant {
        email: email.clone(),
        factors,
        email_verified: member.data["email_address_verified"] == true,
        password_member_ids: vec![member.member_id().to_string()],
    };
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

#[derive(Deserialize)]
struct ResetStartReq {
    organization_id: String,
    email_address: String,
    #[allow(dead_code)]
    login_redirect_url: Option<String>,
    reset_password_redirect_url: Option<String>,
    reset_password_expiration_minutes: Option<i64>,
    #[allow(dead_code)]
    reset_password_template_id: Option<String>,
    #[allow(dead_code)]
    verify_email_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    code_challenge: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn issue_reset(
    conn: &Connection,
    email: &str,
    org: &str,
    member_id: &str,
    challenge: Option<&str>,
    url: &str,
    minutes: i64,
    now: i64,
) -> ApiResult<()> {
    let kind = if org.is_empty() {
        Kind::DiscoveryPasswordReset
    } else {
        Kind::PasswordReset
    };
    let token = one_time_tokens::issue(
        conn,
        &Issue {
            kind,
            email,
            organization_id: org,
            member_id,
            pkce_challenge: challenge,
            payload: None,
            lifetime_secs: minutes * 60,
        },
        now,
    )?;
    let link = redirects::link(url, "multi_tenant_passwords", &token);
    let body = format!(
        "Click the link below to reset your password:\n\n{link}\n\nThis link expires in {minutes} minutes and can be used once."
    );
    messages::insert_message(
        conn,
        &Message {
            to: email,
            kind: "password_reset",
            subject: "Reset your password",
            body: &body,
            link: Some(&link),
            token: Some(&token),
            code: None,
        },
        now,
    )
}

/// `POST /sdk/v1/b2b/passwords/email/reset/start` → `{member_id, member_email_id, member, organization}`.
async fn reset_start(
    State(inner): St,
    JsonBody(req): JsonBody<ResetStartReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let url = redirects::redirect_url(
        &inner.seed,
        req.reset_password_redirect_url.as_deref(),
        ErrorType::NoResetPasswordRedirectUrlsSet,
    )?;
    let minutes = authentication::expiration(req.reset_password_expiration_minutes, 30, 5, 10_080)?;
    let challenge = pkce::pkce_challenge_param(
        req.code_challenge,
        inner.seed.pkce_required_for_password_resets,
    )?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org = get_org(&tx, &req.organization_id)?;
    let existing = members::find_member(&tx, organizations::org_id(&org), &email)?;
    authentication::check_auth_method(&org, existing.as_ref(), "password")?;
    let (member, _) = provisioning::member_or_provision(&tx, &org, &email, now)?;
    issue_reset(
        &tx,
        &email,
        organizations::org_id(&org),
        member.member_id(),
        challenge.as_deref(),
        &url,
        minutes,
        now,
    )?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": member.member_id(),
        "member_email_id": member.email_id,
        "member": member.data,
        "organization": org,
    })))
}

fn bad_reset_token() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthPasswordResetToken,
        "The password reset token is invalid, expired or was already used.",
    )
}

/// Looks a reset token up (org flavour when `discovery` is false), checks PKCE and consumes it.
/// Returns `(email, organization_id, member_id)`.
fn take_reset(
    conn: &Connection,
    token: &str,
    verifier: Option<&str>,
    discovery: bool,
    now: i64,
) -> ApiResult<(String, String, String)> {
    let kind = if discovery {
        Kind::DiscoveryPasswordReset
    } else {
        Kind::PasswordReset
    };
    let reset = one_time_tokens::take(
        conn,
        kind,
        token,
        verifier,
        now,
        bad_reset_token,
        bad_reset_token,
    )?;
    Ok((reset.email, reset.organization_id, reset.member_id))
}

fn mark_verified(member: &mut MemberRow) {
    if let Some(o) = member.data.as_object_mut() {
        o.insert("email_address_verified".into(), json!(true));
    }
}

#[derive(Deserialize)]
struct ResetByEmailReq {
    password_reset_token: String,
    password: String,
    session_duration_minutes: Option<i64>,
    code_verifier: Option<String>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/email/reset` → AuthResp WithMFA (+ `member_email_id`).
async fn reset_by_email(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ResetByEmailReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    // Hashed before the lock is taken (argon2 is deliberately slow).
    let hash = passwords::hash_off_thread(req.password.clone()).await?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (email, org_id, member_id) = take_reset(
        &tx,
        &req.password_reset_token,
        req.code_verifier.as_deref(),
        false,
        now,
    )?;
    require_strong(&inner, &req.password, &email)?;
    let org = get_org(&tx, &org_id)?;
    let mut member = members::get_member(&tx, &member_id)?
        .filter(|m| m.status() != "deleted")
        .ok_or_else(bad_reset_token)?;
    let mut factors = authentication::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    mark_verified(&mut member);
    passwords::store_hash(&tx, &mut member, &hash, now)?;
    sessions::revoke_member(&tx, member.member_id())?;
    authentication::merge_factor(&mut factors, password_factor(&member, now));
    let grant = Grant {
        email,
        factors,
        email_verified: true,
        password_member_ids: vec![member.member_id().to_string()],
    };
    let email_id = member.email_id.clone();
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
        o.insert("member_email_id".into(), json!(email_id));
    }
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct ResetExistingReq {
    organization_id: String,
    email_address: String,
    existing_password: String,
    new_password: String,
    session_duration_minutes: Option<i64>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/existing_password/reset` → AuthResp WithMFA.
async fn reset_existing(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ResetExistingReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let checked =
        check_credentials(&inner, &req.organization_id, &email, &req.existing_password).await?;
    require_strong(&inner, &req.new_password, &email)?;
    let hash = passwords::hash_off_thread(req.new_password.clone()).await?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, mut member) = vouched(&tx, &checked)?;
    authentication::check_auth_method(&org, Some(&member), "password")?;
    passwords::store_hash(&tx, &mut member, &hash, now)?;
    sessions::revoke_member(&tx, member.member_id())?;
    let grant = Grant {
        email,
        factors: vec![password_factor(&member, now)],
        email_verified: member.data["email_address_verified"] == true,
        password_member_ids: vec![member.member_id().to_string()],
    };
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

#[derive(Deserialize)]
struct ResetSessionReq {
    password: String,
}

/// `POST /sdk/v1/b2b/passwords/session/reset` → AuthResp of the current session (new JWT).
async fn reset_session(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<ResetSessionReq>,
) -> ApiResult<Response> {
    let hash = passwords::hash_off_thread(req.password.clone()).await?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (mut row, token) = sdk::require_session(&inner, &tx, &caller)?;
    let fresh = row.factor_list().iter().any(|f| {
        f["last_authenticated_at"]
            .as_str()
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            })
            .is_some_and(|t| now - t.unix_timestamp() <= 5 * 60)
    });
    if !fresh {
        return Err(ApiError::new(
            ErrorType::SessionTooOldToResetPassword,
            "The session must have a factor authenticated in the last 5 minutes to reset the password.",
        ));
    }
    let (mut member, org) = sessions::load_owner(&tx, &row)?;
    require_strong(&inner, &req.password, member.email())?;
    passwords::store_hash(&tx, &mut member, &hash, now)?;
    tx.execute(
        "UPDATE sessions SET revoked = 1 WHERE member_id = ?1 AND member_session_id != ?2",
        params![member.member_id(), row.member_session_id],
    )?;
    sessions::touch(&tx, &mut row, None, now)?;
    let owner = sessions::Owner::from_values(&member.data, &org)?;
    let jwt = sessions::mint_jwt(&inner, &row, &owner, now)?;
    tx.commit()?;
    let answer = sessions::auth_answer(&row, &token, &jwt, &owner);
    Ok(sdk::ok_data(&answer, answer.size_hint()))
}

#[derive(Deserialize)]
struct StrengthReq {
    password: String,
    email_address: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/strength_check`.
async fn strength_check(
    State(inner): St,
    JsonBody(req): JsonBody<StrengthReq>,
) -> ApiResult<Response> {
    let email = req
        .email_address
        .as_deref()
        .map(normalize_email)
        .transpose()?;
    Ok(ok(strength(&inner, &req.password, email.as_deref())))
}

// ------------------------------------------------------------------ discovery flows

#[derive(Deserialize)]
struct DiscoveryAuthReq {
    email_address: String,
    password: String,
    #[allow(dead_code)]
    code_verifier: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/discovery/authenticate` → DiscoveryAuthResp. The password is
/// checked against every member with that email that has one; none matches → 401
/// `unauthorized_credentials`.
async fn discovery_authenticate(
    State(inner): St,
    JsonBody(req): JsonBody<DiscoveryAuthReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let candidates = {
        let conn = inner.conn();
        let mut out = Vec::new();
        for m in members::members_by_email(&conn, &email)? {
            if let Some(h) = stored_hash(&conn, m.member_id())? {
                out.push((m.member_id().to_string(), h));
            }
        }
        out
    };
    let mut matched = Vec::new();
    for (member_id, hash) in candidates {
        if passwords::verify_off_thread(req.password.clone(), Some(hash)).await {
            matched.push(member_id);
        }
    }
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    if matched.is_empty() {
        return Err(bad_credentials());
    }
    let grant = Grant {
        email: email.clone(),
        factors: vec![authentication::email_factor(
            "password",
            "knowledge",
            &discovery::discovery_email_id(&email),
            &email,
            now,
        )],
        email_verified: false,
        password_member_ids: matched,
    };
    let fields = discovery::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct DiscoveryResetStartReq {
    email_address: String,
    #[allow(dead_code)]
    discovery_redirect_url: Option<String>,
    reset_password_redirect_url: Option<String>,
    reset_password_expiration_minutes: Option<i64>,
    #[allow(dead_code)]
    reset_password_template_id: Option<String>,
    #[allow(dead_code)]
    verify_email_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    pkce_code_challenge: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/discovery/reset/start` → `{}`.
async fn discovery_reset_start(
    State(inner): St,
    JsonBody(req): JsonBody<DiscoveryResetStartReq>,
) -> ApiResult<Response> {
    let email = normalize_email(&req.email_address)?;
    let url = redirects::redirect_url(
        &inner.seed,
        req.reset_password_redirect_url.as_deref(),
        ErrorType::NoResetPasswordRedirectUrlsSet,
    )?;
    let minutes = authentication::expiration(req.reset_password_expiration_minutes, 30, 5, 10_080)?;
    let challenge = pkce::pkce_challenge_param(
        req.pkce_code_challenge,
        inner.seed.pkce_required_for_password_resets,
    )?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    issue_reset(
        &tx,
        &email,
        "",
        "",
        challenge.as_deref(),
        &url,
        minutes,
        now,
    )?;
    tx.commit()?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct DiscoveryResetReq {
    password_reset_token: String,
    password: String,
    pkce_code_verifier: Option<String>,
    #[allow(dead_code)]
    intermediate_session_token: Option<String>,
}

/// `POST /sdk/v1/b2b/passwords/discovery/reset` → DiscoveryAuthResp.
async fn discovery_reset(
    State(inner): St,
    JsonBody(req): JsonBody<DiscoveryResetReq>,
) -> ApiResult<Response> {
    let hash = passwords::hash_off_thread(req.password.clone()).await?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (email, _, _) = take_reset(
        &tx,
        &req.password_reset_token,
        req.pkce_code_verifier.as_deref(),
        true,
        now,
    )?;
    require_strong(&inner, &req.password, &email)?;
    let mut ids = Vec::new();
    for mut m in members::members_by_email(&tx, &email)? {
        mark_verified(&mut m);
        passwords::store_hash(&tx, &mut m, &hash, now)?;
        sessions::revoke_member(&tx, m.member_id())?;
        ids.push(m.member_id().to_string());
    }
    let grant = Grant {
        email: email.clone(),
        factors: vec![authentication::email_factor(
            "password",
            "knowledge",
            &discovery::discovery_email_id(&email),
            &email,
            now,
        )],
        email_verified: true,
        password_member_ids: ids,
    };
    let fields = discovery::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}
