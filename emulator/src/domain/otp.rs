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
use crate::domain::one_time_tokens::{self, Issue, Kind, Token};
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use rusqlite::Connection;

/// Stores a new code for (email, org) — org `""` for discovery — invalidating older ones.
pub fn issue(
    conn: &Connection,
    email: &str,
    org: &str,
    minutes: i64,
    now: i64,
) -> ApiResult<String> {
    one_time_tokens::issue_code(
        conn,
        &Issue {
            kind: Kind::EmailOtp,
            email,
            organization_id: org,
            member_id: "",
            pkce_challenge: None,
            payload: None,
            lifetime_secs: minutes * 60,
        },
        now,
    )
}

pub fn bad_code() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthOtpCode,
        "The passcode is incorrect, expired or was already used. Request a new one.",
    )
}

/// Checks `code` against the newest code for (email, org). A wrong attempt is written through
/// `inner.conn()` in its own statement, so it counts even though the call fails.
pub fn verify(inner: &Inner, email: &str, org: &str, code: &str, now: i64) -> ApiResult<Token> {
    let conn = inner.conn();
    let newest =
        one_time_tokens::newest_code(&conn, Kind::EmailOtp, email, org)?.ok_or_else(|| {
            ApiError::new(
                ErrorType::OtpCodeNotFound,
                "No passcode was sent to this email address.",
            )
        })?;
    if !newest.is_live(now) || !one_time_tokens::check_code(&conn, &newest, code)? {
        return Err(bad_code());
    }
    Ok(newest)
}

/// Marks a verified code used inside the caller's transaction (exactly once).
pub fn consume(conn: &Connection, code: &Token) -> ApiResult<()> {
    if !one_time_tokens::consume(conn, code)? {
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
