//! User locks: 10 consecutive failed password checks lock a Member for an hour. While locked, every
//! password login answers 429 `user_lock_limit_reached` (even with the right password) and the
//! Member object shows `is_locked`, `lock_created_at` and `lock_expires_at`. A success before the
//! tenth failure resets the count; a lock that has run out is lifted at the next attempt. These are
//! the defaults of Stytch's user locks (<https://stytch.com/docs/resources/platform/user-locks>).

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use crate::domain::members::{self, MemberRow};
use crate::error::{ApiError, ApiResult, ErrorType};
use crate::infra::ids::rfc3339;

/// Consecutive failures that lock a Member.
pub const MAX_FAILURES: i64 = 10;
/// How long a lock lasts.
pub const LOCK_SECS: i64 = 60 * 60;

fn locked() -> ApiError {
    ApiError::new(
        ErrorType::UserLockLimitReached,
        "This Member is locked after too many failed attempts. Try again later.",
    )
}

/// Refuses a locked Member; lifts a lock that has run out (and answers `Ok`).
pub fn check(conn: &Connection, member: &mut MemberRow, now: i64) -> ApiResult<()> {
    let expires: Option<Option<i64>> = conn
        .prepare_cached("SELECT lock_expires_at FROM member_lockouts WHERE member_id = ?1")?
        .query_row(params![member.member_id()], |r| r.get(0))
        .optional()?;
    match expires {
        Some(Some(until)) if until > now => Err(locked()),
        Some(Some(_)) => clear(conn, member),
        _ => Ok(()),
    }
}

/// Counts a failed check; the tenth in a row locks the Member.
pub fn record_failure(conn: &Connection, member: &mut MemberRow, now: i64) -> ApiResult<()> {
    let failures: i64 = conn.query_row(
        "INSERT INTO member_lockouts (member_id, failures) VALUES (?1, 1)
         ON CONFLICT (member_id) DO UPDATE SET failures = failures + 1
         RETURNING failures",
        params![member.member_id()],
        |r| r.get(0),
    )?;
    if failures >= MAX_FAILURES {
        conn.execute(
            "UPDATE member_lockouts SET locked_at = ?2, lock_expires_at = ?3 WHERE member_id = ?1",
            params![member.member_id(), now, now + LOCK_SECS],
        )?;
        set_lock_fields(
            member,
            json!(true),
            json!(rfc3339(now)),
            json!(rfc3339(now + LOCK_SECS)),
        );
        members::write_row(conn, member)?;
    }
    Ok(())
}

/// A successful check: the count starts again.
pub fn record_success(conn: &Connection, member: &mut MemberRow) -> ApiResult<()> {
    clear(conn, member)
}

fn clear(conn: &Connection, member: &mut MemberRow) -> ApiResult<()> {
    let removed = conn.execute(
        "DELETE FROM member_lockouts WHERE member_id = ?1",
        params![member.member_id()],
    )?;
    if removed > 0 && member.data["is_locked"] == true {
        set_lock_fields(member, json!(false), json!(null), json!(null));
        members::write_row(conn, member)?;
    }
    Ok(())
}

fn set_lock_fields(
    member: &mut MemberRow,
    is_locked: serde_json::Value,
    created: serde_json::Value,
    expires: serde_json::Value,
) {
    if let Some(o) = member.data.as_object_mut() {
        o.insert("is_locked".into(), is_locked);
        o.insert("lock_created_at".into(), created);
        o.insert("lock_expires_at".into(), expires);
    }
}
