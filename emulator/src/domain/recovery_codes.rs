//! Recovery codes: the 10 single-use codes that back a TOTP registration.
//!
//! * A code is `xxxx-xxxx-xxxx` of lowercase base36 from the OS CSPRNG (rejection sampling, so
//!   every character is equally likely). They are issued with a TOTP registration and usable once
//!   it is active; `rotate` replaces all of them.
//! * Recover: a code shaped like a TOTP code (6 digits) → 400 `totp_code_used_as_recovery_code`;
//!   any other malformed code → 400 `invalid_recovery_code`; a code that is not one of the Member's
//!   unused codes → 401 `unable_to_authenticate_recovery_code` (counted toward the Member's lock);
//!   no active TOTP registration → 400 `no_active_recovery_code_backed_factor` (also for rotate and
//!   get). Codes are compared in constant time.

use crate::Inner;
use crate::domain::lockouts;
use crate::domain::members::MemberRow;
use crate::domain::mfa;
use crate::domain::mfa::Carry;
use crate::domain::mfa::Method;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use crate::infra::ids::new_id;
use rusqlite::Connection;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

/// How many codes a registration has.
pub const COUNT: usize = 10;

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn generate() -> ApiResult<String> {
    let mut out = String::with_capacity(14);
    let mut buf = [0u8; 32];
    let mut chars = 0;
    while chars < 12 {
        getrandom::fill(&mut buf).map_err(|_| ApiError::internal())?;
        // 252 = 7 × 36: bytes at or above it would favour the first characters.
        for b in buf.iter().filter(|b| **b < 252) {
            if chars == 12 {
                break;
            }
            if chars > 0 && chars % 4 == 0 {
                out.push('-');
            }
            out.push(char::from(ALPHABET[usize::from(*b % 36)]));
            chars += 1;
        }
    }
    Ok(out)
}

/// Is `code` shaped like a recovery code?
pub fn looks_like(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|b| ALPHABET.contains(&b)))
}

/// Replaces the codes of `totp_id` with [`COUNT`] new ones and returns them.
pub fn issue(
    conn: &Connection,
    organization_id: &str,
    member_id: &str,
    totp_id: &str,
    now: i64,
) -> ApiResult<Vec<String>> {
    conn.execute(
        "DELETE FROM recovery_codes WHERE totp_id = ?1",
        params![totp_id],
    )?;
    let mut codes = Vec::with_capacity(COUNT);
    for _ in 0..COUNT {
        let code = generate()?;
        conn.execute(
            "INSERT INTO recovery_codes (recovery_code_id, totp_id, member_id, organization_id, code,
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                new_id("member-totp-recovery-code"),
                totp_id,
                member_id,
                organization_id,
                code,
                now
            ],
        )?;
        codes.push(code);
    }
    Ok(codes)
}

/// Is `id` a recovery code of `member_id`?
pub fn belongs_to(conn: &Connection, id: &str, member_id: &str) -> ApiResult<bool> {
    mfa::owned_by(
        conn,
        "SELECT member_id FROM recovery_codes WHERE recovery_code_id = ?1",
        id,
        member_id,
    )
}

/// The unused codes of the Member's active registration, as `(id, code)`.
fn unused(conn: &Connection, member_id: &str) -> ApiResult<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT c.recovery_code_id, c.code FROM recovery_codes c
         JOIN totps t ON t.totp_id = c.totp_id AND t.status = 'active'
         WHERE c.member_id = ?1 AND c.used = 0 ORDER BY c.rowid",
    )?;
    let rows = st.query_map(params![member_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The Member's active TOTP registration id: 400 `no_active_recovery_code_backed_factor` without one.
pub fn backing_totp(conn: &Connection, member_id: &str) -> ApiResult<String> {
    let reg = crate::domain::totp::of_member(conn, member_id)?.filter(|r| r.active);
    reg.map(|r| r.totp_id).ok_or_else(|| {
        ApiError::new(
            ErrorType::NoActiveRecoveryCodeBackedFactor,
            "The member has no active TOTP registration, so no recovery codes.",
        )
    })
}

/// The Member's unused codes.
pub fn active(conn: &Connection, member_id: &str) -> ApiResult<Vec<String>> {
    backing_totp(conn, member_id)?;
    Ok(unused(conn, member_id)?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

/// The shape of a code (see the module docs).
pub fn check_shape(code: &str) -> ApiResult<()> {
    if looks_like(code) {
        return Ok(());
    }
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(
            ErrorType::TotpCodeUsedAsRecoveryCode,
            "That is a TOTP code; use totp/authenticate for it.",
        ));
    }
    Err(ApiError::new(
        ErrorType::InvalidRecoveryCode,
        "A recovery code has the form xxxx-xxxx-xxxx.",
    ))
}

/// The id of the Member's unused code equal to `code`, if any (every code is compared, in
/// constant time).
pub fn find(conn: &Connection, member_id: &str, code: &str) -> ApiResult<Option<String>> {
    let mut found = None;
    for (id, c) in unused(conn, member_id)? {
        if ct_eq(&c, code) && found.is_none() {
            found = Some(id);
        }
    }
    Ok(found)
}

/// Uses a code up; `false` when a concurrent request already did. Returns the codes left.
pub fn consume(conn: &Connection, member_id: &str, id: &str) -> ApiResult<Option<usize>> {
    let n = conn.execute(
        "UPDATE recovery_codes SET used = 1 WHERE recovery_code_id = ?1 AND used = 0",
        params![id],
    )?;
    if n != 1 {
        return Ok(None);
    }
    Ok(Some(unused(conn, member_id)?.len()))
}

pub fn unable() -> ApiError {
    ApiError::new(
        ErrorType::UnableToAuthenticateRecoveryCode,
        "The recovery code is incorrect or was already used.",
    )
}

/// A recover: the fields of the session answer plus `recovery_codes_remaining`.
pub fn recover_flow(
    inner: &Inner,
    user_agent: &str,
    organization_id: &str,
    member_id: &str,
    recovery_code: &str,
    session_duration_minutes: Option<i64>,
    carry: Carry<'_>,
) -> ApiResult<Value> {
    let duration = session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let code = recovery_code.trim().to_ascii_lowercase();
    check_shape(&code)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, mut member) = mfa::target(&tx, organization_id, member_id)?;
    mfa::check_method(&org, Method::Totp)?;
    let proof = mfa::proof(&tx, carry(&tx, now)?, &org, &member, true, now)?
        .ok_or_else(ApiError::internal)?;
    lockouts::check(&tx, &mut member, now)?;
    backing_totp(&tx, member.member_id())?;
    let Some(id) = find(&tx, member.member_id(), &code)? else {
        // The failure must count even though the call fails: outside the transaction.
        drop(tx);
        lockouts::record_failure(&conn, &mut member, now)?;
        return Err(unable());
    };
    let remaining = consume(&tx, member.member_id(), &id)?.ok_or_else(unable)?;
    lockouts::record_success(&tx, &mut member)?;
    let factor = mfa::recovery_code_factor(&id, now);
    let mut fields = mfa::conclude(
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
    if let Some(o) = fields.as_object_mut() {
        o.insert("recovery_codes_remaining".into(), json!(remaining));
    }
    Ok(fields)
}

/// `{member_id, member, organization, recovery_codes}` of `member`.
pub fn answer(member: &MemberRow, org: &Value, codes: Vec<String>) -> Value {
    json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
        "recovery_codes": codes,
    })
}

/// Ten new codes replace all of `member`'s codes.
pub fn rotate(conn: &Connection, org: &Value, member: &MemberRow, now: i64) -> ApiResult<Value> {
    let totp_id = backing_totp(conn, member.member_id())?;
    let codes = issue(
        conn,
        crate::domain::organizations::org_id(org),
        member.member_id(),
        &totp_id,
        now,
    )?;
    Ok(answer(member, org, codes))
}
