//! The SQLite schema. Organizations and members are stored as their JSON objects plus indexed key
//! columns; tokens are stored only as SHA-256 hashes.

use crate::error::ApiResult;
use serde_json::Value;

/// Tables of the login factors (appended to the crate schema).
pub const FLOW_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS email_otps (
    id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    salt TEXT NOT NULL, code_hash TEXT NOT NULL, expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS member_passwords (
    member_id TEXT PRIMARY KEY, member_password_id TEXT NOT NULL, hash TEXT NOT NULL,
    created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS password_resets (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    member_id TEXT NOT NULL, pkce_challenge TEXT, expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS discovery_magic_links (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, pkce_challenge TEXT,
    expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS intermediate_sessions (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    factors TEXT NOT NULL, email_verified INTEGER NOT NULL, password_member_ids TEXT NOT NULL,
    expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
";

/// Statements that wipe these tables (for `POST /emulator/v1/reset`).
pub const FLOW_RESET: &str = "DELETE FROM email_otps; DELETE FROM member_passwords;
    DELETE FROM password_resets; DELETE FROM discovery_magic_links;
    DELETE FROM intermediate_sessions;";

pub fn parse_stored(s: String) -> ApiResult<Value> {
    Ok(serde_json::from_str(&s)?)
}
