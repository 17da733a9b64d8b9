//! Email one-time passcodes: `/sdk/v1/b2b/otps/email/...` (org login and discovery).
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
use crate::domain::messages;
use crate::domain::messages::Message;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use crate::infra::crypto::hash_token;
use crate::infra::crypto::random_token;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;

/// Wrong codes allowed per code before it is invalidated.
pub const MAX_ATTEMPTS: i64 = 5;

fn new_code() -> ApiResult<String> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|_| ApiError::internal())?;
    Ok(format!("{:06}", u64::from_le_bytes(buf) % 1_000_000))
}

/// Stores a new code for (email, org) — org `""` for discovery — invalidating older ones.
pub fn issue(
    conn: &Connection,
    email: &str,
    org: &str,
    minutes: i64,
    now: i64,
) -> ApiResult<String> {
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

pub fn bad_code() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthOtpCode,
        "The passcode is incorrect, expired or was already used. Request a new one.",
    )
}

/// Checks `code` against the newest code for (email, org). A wrong attempt is written through
/// `inner.conn()` in its own statement, so it counts even though the call fails.
pub fn verify(inner: &Inner, email: &str, org: &str, code: &str, now: i64) -> ApiResult<i64> {
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
            ErrorType::OtpCodeNotFound,
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
pub fn consume(conn: &Connection, id: i64) -> ApiResult<()> {
    if conn.execute(
        "UPDATE email_otps SET used = 1 WHERE id = ?1 AND used = 0",
        [id],
    )? != 1
    {
        return Err(bad_code());
    }
    Ok(())
}

pub fn send_message(
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
    messages::insert_message(
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
