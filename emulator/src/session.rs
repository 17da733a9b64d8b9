//! Member sessions: creation, lookup, refresh, revoke, the MemberSession object and JWTs.
//!
//! * `member_session_id` is `session-test-<uuid>` (the docs' example form, semantics §6.3).
//! * The session token is 44 base64url CSPRNG characters; only its SHA-256 is stored.
//!   Consequently `POST /v1/b2b/sessions/authenticate` called with a `session_jwt` only answers
//!   `session_token: ""` (the emulator cannot recover the raw token).
//! * The JWT lives 5 minutes (`exp = iat + 300`) whatever the session duration.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use crate::Inner;
use crate::error::{ApiError, ApiResult};
use crate::models::role_ids;
use crate::store::{self, MemberRow};
use crate::util::{hash_token, new_id, random_token, rfc3339};

pub const JWT_LIFETIME_SECS: i64 = 300;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub member_session_id: String,
    pub member_id: String,
    pub organization_id: String,
    pub factors: Value,
    pub started_at: i64,
    pub last_accessed_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
    pub ip_address: String,
    pub user_agent: String,
}

/// Validate `session_duration_minutes` (5..=527040, default 60).
pub fn duration_minutes(v: Option<i64>) -> ApiResult<i64> {
    let m = v.unwrap_or(60);
    if !(5..=527_040).contains(&m) {
        return Err(ApiError::new(
            400,
            "invalid_session_duration_minutes",
            "session_duration_minutes must be between 5 and 527040.",
        ));
    }
    Ok(m)
}

/// An email magic-link factor.
pub fn magic_link_factor(email_id: &str, email: &str, now: i64) -> Value {
    let ts = rfc3339(now);
    json!({
        "type": "magic_link",
        "delivery_method": "email",
        "email_factor": {"email_id": email_id, "email_address": email},
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "PRIMARY",
    })
}

/// Create a session; returns the row and the raw token (the only time it exists).
pub fn create(
    conn: &Connection,
    member: &MemberRow,
    factor: Value,
    duration_min: i64,
    user_agent: &str,
    now: i64,
) -> ApiResult<(SessionRow, String)> {
    let token = random_token()?;
    let row = SessionRow {
        member_session_id: new_id("session"),
        member_id: member.member_id().to_string(),
        organization_id: member.data["organization_id"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        factors: Value::Array(vec![factor]),
        started_at: now,
        last_accessed_at: now,
        expires_at: now + duration_min * 60,
        revoked: false,
        ip_address: String::new(),
        user_agent: user_agent.to_string(),
    };
    conn.execute(
        "INSERT INTO sessions (member_session_id, token_hash, member_id, organization_id, factors,
            started_at, last_accessed_at, expires_at, revoked, ip_address, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)",
        params![
            row.member_session_id,
            hash_token(&token),
            row.member_id,
            row.organization_id,
            row.factors.to_string(),
            row.started_at,
            row.last_accessed_at,
            row.expires_at,
            row.ip_address,
            row.user_agent
        ],
    )?;
    Ok((row, token))
}

const COLS: &str = "member_session_id, member_id, organization_id, factors, started_at,
    last_accessed_at, expires_at, revoked, ip_address, user_agent";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(SessionRow, String)> {
    Ok((
        SessionRow {
            member_session_id: r.get(0)?,
            member_id: r.get(1)?,
            organization_id: r.get(2)?,
            factors: Value::Null,
            started_at: r.get(4)?,
            last_accessed_at: r.get(5)?,
            expires_at: r.get(6)?,
            revoked: r.get::<_, i64>(7)? != 0,
            ip_address: r.get(8)?,
            user_agent: r.get(9)?,
        },
        r.get(3)?,
    ))
}

fn finish(found: Option<(SessionRow, String)>, now: i64) -> ApiResult<Option<SessionRow>> {
    match found {
        Some((mut row, factors)) => {
            row.factors = serde_json::from_str(&factors)?;
            if row.revoked || row.expires_at <= now {
                Ok(None)
            } else {
                Ok(Some(row))
            }
        }
        None => Ok(None),
    }
}

/// A live (not revoked, not expired) session by raw token.
pub fn by_token(conn: &Connection, token: &str, now: i64) -> ApiResult<Option<SessionRow>> {
    // Hot path (every SDK call with a session): a cached prepared statement.
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM sessions WHERE token_hash = ?1"
        ))?
        .query_row(params![hash_token(token)], row_from)
        .optional()?;
    finish(found, now)
}

/// A live session by id.
pub fn by_id(conn: &Connection, id: &str, now: i64) -> ApiResult<Option<SessionRow>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM sessions WHERE member_session_id = ?1"
        ))?
        .query_row(params![id], row_from)
        .optional()?;
    finish(found, now)
}

/// Update `last_accessed_at`, and `expires_at` when a duration is given.
pub fn touch(
    conn: &Connection,
    row: &mut SessionRow,
    extend_min: Option<i64>,
    now: i64,
) -> ApiResult<()> {
    row.last_accessed_at = now;
    if let Some(m) = extend_min {
        row.expires_at = now + m * 60;
    }
    conn.prepare_cached(
        "UPDATE sessions SET last_accessed_at = ?2, expires_at = ?3 WHERE member_session_id = ?1",
    )?
    .execute(params![
        row.member_session_id,
        row.last_accessed_at,
        row.expires_at
    ])?;
    Ok(())
}

pub fn revoke_id(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE sessions SET revoked = 1 WHERE member_session_id = ?1",
        params![id],
    )?;
    Ok(())
}

pub fn revoke_member(conn: &Connection, member_id: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE sessions SET revoked = 1 WHERE member_id = ?1",
        params![member_id],
    )?;
    Ok(())
}

/// The MemberSession object.
pub fn session_json(row: &SessionRow, member: &Value, org: &Value) -> Value {
    json!({
        "member_session_id": row.member_session_id,
        "member_id": row.member_id,
        "organization_id": row.organization_id,
        "organization_slug": org["organization_slug"],
        "started_at": rfc3339(row.started_at),
        "last_accessed_at": rfc3339(row.last_accessed_at),
        "expires_at": rfc3339(row.expires_at),
        "authentication_factors": row.factors,
        "roles": role_ids(member),
        "custom_claims": {},
    })
}

/// Mint a fresh 5-minute session JWT.
pub fn mint_jwt(
    inner: &Inner,
    row: &SessionRow,
    member: &Value,
    org: &Value,
    now: i64,
) -> ApiResult<String> {
    let project_id = &inner.project.project_id;
    let claims = json!({
        "sub": row.member_id,
        "aud": [project_id],
        "iss": format!("stytch.com/{project_id}"),
        "iat": now,
        "nbf": now,
        "exp": now + JWT_LIFETIME_SECS,
        "https://stytch.com/session": {
            "id": row.member_session_id,
            "started_at": rfc3339(row.started_at),
            "last_accessed_at": rfc3339(row.last_accessed_at),
            "expires_at": rfc3339(row.expires_at),
            "attributes": {"ip_address": row.ip_address, "user_agent": row.user_agent},
            "authentication_factors": row.factors,
            "roles": role_ids(member),
        },
        "https://stytch.com/organization": {
            "organization_id": org["organization_id"],
            "slug": org["organization_slug"],
        },
    });
    inner.key.sign(&claims).ok_or_else(ApiError::internal)
}

/// Load a session's member and organization (a session whose member vanished is "not found").
pub fn load_owner(conn: &Connection, row: &SessionRow) -> ApiResult<(MemberRow, Value)> {
    let member =
        store::get_member(conn, &row.member_id)?.ok_or_else(ApiError::session_not_found)?;
    let org =
        store::get_org(conn, &row.organization_id)?.ok_or_else(ApiError::session_not_found)?;
    Ok((member, org))
}

/// `{member_id, member_session, session_token, session_jwt, member, organization}`.
pub fn auth_fields(row: &SessionRow, token: &str, jwt: &str, member: &Value, org: &Value) -> Value {
    json!({
        "member_id": row.member_id,
        "member_session": session_json(row, member, org),
        "session_token": token,
        "session_jwt": jwt,
        "member": member,
        "organization": org,
    })
}
