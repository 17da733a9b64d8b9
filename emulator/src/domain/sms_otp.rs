//! SMS one-time passcodes, a second factor only (never a primary one).
//!
//! * A code is 6 CSPRNG digits, stored salted and hashed (`domain::one_time_tokens`), valid 2
//!   minutes; sending a new code to a Member uses up the previous one. [`OTP_MAX_ATTEMPTS`] wrong
//!   codes use a code up.
//! * The text lands in the mailbox (`domain::messages`, `channel: "sms"`) with its code.
//! * Send: a Member without an MFA phone gets the given `mfa_phone_number` linked, unverified until
//!   a code sent to it authenticates; a number that differs from the Member's → 400
//!   `invalid_phone_number` (Stytch answers "an error" and documents no type for it); no number at
//!   all → 404 `member_phone_number_not_found`. Numbers must be E.164.
//! * Authenticate: no code was ever sent to the Member → 404 `otp_code_not_found`; a wrong,
//!   expired, used or used-up code, or a code sent to a number the Member no longer has → 401
//!   `unable_to_auth_otp_code`. Success verifies the phone.
//!
//! [`OTP_MAX_ATTEMPTS`]: crate::domain::one_time_tokens::OTP_MAX_ATTEMPTS

use crate::Inner;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::messages;
use crate::domain::mfa;
use crate::domain::mfa::Carry;
use crate::domain::mfa::Method;
use crate::domain::one_time_tokens::{self, Issue, Kind, Token};
use crate::domain::organizations::org_id;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use rusqlite::Connection;
use serde_json::Value;
use serde_json::json;

/// How long an SMS code lives.
pub const LIFETIME_SECS: i64 = 2 * 60;

/// The number to text for a send: the Member's, or `given` linked (unverified) to a Member
/// without one. `member` is updated in memory only; the caller writes it.
pub fn phone_for_send(member: &mut MemberRow, given: Option<&str>) -> ApiResult<String> {
    let given = given.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = given {
        members::check_phone(p)?;
    }
    let current = mfa::phone_number(member).to_string();
    match (current.is_empty(), given) {
        (true, None) => Err(ApiError::new(
            ErrorType::MemberPhoneNumberNotFound,
            "The member has no MFA phone number: pass mfa_phone_number.",
        )),
        (true, Some(p)) => {
            members::set(member, "mfa_phone_number", json!(p));
            members::set(member, "mfa_phone_number_verified", json!(false));
            Ok(p.to_string())
        }
        (false, Some(p)) if p != current => Err(ApiError::new(
            ErrorType::InvalidPhoneNumber,
            "mfa_phone_number differs from the member's MFA phone number; delete that one first.",
        )),
        (false, _) => Ok(current),
    }
}

/// Issues a new code for `member` (using up the previous one) and texts it to `phone`.
pub fn send(
    conn: &Connection,
    org: &Value,
    member: &MemberRow,
    phone: &str,
    now: i64,
) -> ApiResult<()> {
    let code = one_time_tokens::issue_code(
        conn,
        &Issue {
            kind: Kind::SmsOtp,
            email: member.email(),
            organization_id: org_id(org),
            member_id: member.member_id(),
            pkce_challenge: None,
            payload: Some(phone),
            lifetime_secs: LIFETIME_SECS,
        },
        now,
    )?;
    let name = org["organization_name"].as_str().unwrap_or("");
    let body = format!("Your {name} verification code is {code}. It expires in 2 minutes.");
    messages::insert_text(conn, phone, &body, &code, now)
}

fn bad_code() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthOtpCode,
        "The passcode is incorrect, expired or was already used. Request a new one.",
    )
}

/// Checks `code` against the Member's newest SMS code. A wrong attempt is written through
/// `inner.conn()` in its own statement, so it counts even though the call fails.
pub fn verify(
    inner: &Inner,
    member: &MemberRow,
    org: &Value,
    code: &str,
    now: i64,
) -> ApiResult<Token> {
    let conn = inner.conn();
    let newest = one_time_tokens::newest_code(&conn, Kind::SmsOtp, member.email(), org_id(org))?
        .filter(|t| t.member_id == member.member_id())
        .ok_or_else(|| {
            ApiError::new(
                ErrorType::OtpCodeNotFound,
                "No SMS passcode was sent to this member.",
            )
        })?;
    if !newest.is_live(now) || newest.payload.as_deref() != Some(mfa::phone_number(member)) {
        return Err(bad_code());
    }
    if !one_time_tokens::check_code(&conn, &newest, code)? {
        return Err(bad_code());
    }
    Ok(newest)
}

/// Uses a verified code up inside the caller's transaction (exactly once).
pub fn consume(conn: &Connection, code: &Token) -> ApiResult<()> {
    if !one_time_tokens::consume(conn, code)? {
        return Err(bad_code());
    }
    Ok(())
}

/// An SMS send: `{member_id, member, organization}`.
pub fn send_flow(
    inner: &Inner,
    organization_id: &str,
    member_id: &str,
    mfa_phone_number: Option<&str>,
    carry: Carry<'_>,
) -> ApiResult<Value> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, mut member) = mfa::target(&tx, organization_id, member_id)?;
    mfa::check_method(&org, Method::SmsOtp)?;
    mfa::proof_for_sms(&tx, carry(&tx, now)?, &org, &member, false, now)?;
    let phone = phone_for_send(&mut member, mfa_phone_number)?;
    members::write_row(&tx, &member)?;
    send(&tx, &org, &member, &phone, now)?;
    tx.commit()?;
    Ok(json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
    }))
}

/// What an SMS authenticate asks for besides its tokens.
pub struct AuthenticateRequest<'a> {
    pub organization_id: &'a str,
    pub member_id: &'a str,
    pub code: &'a str,
    pub session_duration_minutes: Option<i64>,
    pub set_mfa_enrollment: Option<&'a str>,
    pub set_default_mfa: bool,
}

/// An SMS authenticate: the fields of the session answer.
pub fn authenticate_flow(
    inner: &Inner,
    user_agent: &str,
    req: &AuthenticateRequest<'_>,
    carry: Carry<'_>,
) -> ApiResult<Value> {
    let duration = req
        .session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let now = inner.now();
    // Everything but the code first, so a call that could never succeed costs no attempt.
    let (org, member) = {
        let conn = inner.conn();
        let (org, member) = mfa::target(&conn, req.organization_id, req.member_id)?;
        mfa::check_method(&org, Method::SmsOtp)?;
        mfa::proof_for_sms(&conn, carry(&conn, now)?, &org, &member, true, now)?;
        (org, member)
    };
    let code = verify(inner, &member, &org, req.code.trim(), now)?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, mut member) = mfa::target(&tx, req.organization_id, req.member_id)?;
    let proof = mfa::proof_for_sms(&tx, carry(&tx, now)?, &org, &member, true, now)?
        .ok_or_else(ApiError::internal)?;
    consume(&tx, &code)?;
    let phone = mfa::phone_number(&member).to_string();
    members::set(&mut member, "mfa_phone_number_verified", json!(true));
    mfa::enroll(
        &org,
        &mut member,
        req.set_mfa_enrollment,
        req.set_default_mfa.then_some(Method::SmsOtp),
    )?;
    let factor = mfa::sms_factor(&member, &phone, now);
    let fields = mfa::conclude(
        inner,
        &tx,
        user_agent,
        &org,
        &mut member,
        proof,
        factor,
        duration,
        now,
    )?;
    tx.commit()?;
    Ok(fields)
}
