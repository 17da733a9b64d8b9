//! Intermediate session tokens (ISTs): what a login that is not yet a session carries.
//!
//! * an IST is 44 CSPRNG characters, stored as SHA-256, valid 10 minutes. It is consumed when it
//!   is exchanged (`discovery/intermediate_sessions/exchange`, `discovery/organizations/create`)
//!   or used for a step-up in an org-specific authenticate; `discovery/organizations` only reads it;
//! * an IST is either *discovery* (no organization: from a discovery authenticate) or bound to
//!   one organization (issued because that organization needs another primary factor or MFA).
//!   Using a bound IST for another organization → 400
//!   `invalid_intermediate_session_token_for_organization`; unknown, expired or used → 404
//!   `intermediate_session_not_found`; none at all where one is required → the same 404;

use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::hash_token;
use crate::infra::crypto::random_token;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

/// What a caller has proven so far: the factors, for which email, and whether that email is
/// verified (or, for password logins, which members' passwords matched).
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub email: String,
    pub factors: Vec<Value>,
    pub email_verified: bool,
    pub password_member_ids: Vec<String>,
}

/// IST lifetime.
pub const IST_LIFETIME_SECS: i64 = 10 * 60;

/// A stored IST.
#[derive(Debug, Clone)]
pub struct Ist {
    pub token_hash: String,
    /// `""` for a discovery IST.
    pub organization_id: String,
    pub grant: Grant,
}

/// Stores a new IST; returns the raw token.
pub fn create_ist(
    conn: &Connection,
    grant: &Grant,
    organization_id: &str,
    now: i64,
) -> ApiResult<String> {
    let token = random_token()?;
    conn.execute(
        "INSERT INTO intermediate_sessions (token_hash, email, organization_id, factors,
            email_verified, password_member_ids, expires_at, used, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
        params![
            hash_token(&token),
            grant.email,
            organization_id,
            Value::Array(grant.factors.clone()).to_string(),
            grant.email_verified,
            json!(grant.password_member_ids).to_string(),
            now + IST_LIFETIME_SECS,
            now
        ],
    )?;
    Ok(token)
}

fn ist_not_found() -> ApiError {
    ApiError::new(
        ErrorType::IntermediateSessionNotFound,
        "The intermediate session token could not be found, has expired or was already used.",
    )
}

pub fn wrong_org_ist() -> ApiError {
    ApiError::new(
        ErrorType::InvalidIntermediateSessionTokenForOrganization,
        "The intermediate session token cannot be used for this organization.",
    )
}

/// A live IST by raw token (404 `intermediate_session_not_found` otherwise).
pub fn load_ist(conn: &Connection, token: Option<&str>, now: i64) -> ApiResult<Ist> {
    let token = token.filter(|t| !t.is_empty()).ok_or_else(ist_not_found)?;
    let hash = hash_token(token);
    type Row = (String, String, String, bool, String, i64, i64);
    let row: Option<Row> = conn
        .query_row(
            "SELECT email, organization_id, factors, email_verified, password_member_ids,
                    expires_at, used FROM intermediate_sessions WHERE token_hash = ?1",
            [&hash],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    let (email, organization_id, factors, email_verified, pw, expires_at, used) =
        row.ok_or_else(ist_not_found)?;
    if used != 0 || expires_at <= now {
        return Err(ist_not_found());
    }
    let factors = match serde_json::from_str::<Value>(&factors)? {
        Value::Array(a) => a,
        _ => Vec::new(),
    };
    Ok(Ist {
        token_hash: hash,
        organization_id,
        grant: Grant {
            email,
            factors,
            email_verified,
            password_member_ids: serde_json::from_str(&pw)?,
        },
    })
}

/// Marks an IST used (single use); a concurrent second use → `intermediate_session_not_found`.
pub fn consume_ist(conn: &Connection, ist: &Ist) -> ApiResult<()> {
    let n = conn.execute(
        "UPDATE intermediate_sessions SET used = 1 WHERE token_hash = ?1 AND used = 0",
        [&ist.token_hash],
    )?;
    if n != 1 {
        return Err(ist_not_found());
    }
    Ok(())
}
