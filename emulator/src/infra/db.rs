//! The SQLite schema and its migrations. Organizations and members are stored as their JSON
//! objects plus indexed key columns; tokens are stored only as SHA-256 hashes.
//!
//! Migrations run through `rusqlite_migration` (the version lives in SQLite's `user_version`), so a
//! database made by an older emulator opens in a newer one. Migration 1 is the schema emulators
//! before versioning created (`IF NOT EXISTS`, so their databases, at `user_version` 0, pass it
//! unchanged); each later change is a new migration appended to [`MIGRATIONS`], never an edit.

use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::{ApiResult, EmulatorError};
use serde_json::Value;

pub fn parse_stored(s: String) -> ApiResult<Value> {
    Ok(serde_json::from_str(&s)?)
}

const V1_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS organizations (
    organization_id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    member_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, email TEXT NOT NULL,
    email_id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (organization_id, email));
CREATE TABLE IF NOT EXISTS magic_links (
    token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    pkce_challenge TEXT, expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    member_session_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
    member_id TEXT NOT NULL, organization_id TEXT NOT NULL, factors TEXT NOT NULL,
    started_at INTEGER NOT NULL, last_accessed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0, ip_address TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, to_addr TEXT NOT NULL,
    channel TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
    link TEXT, token TEXT, code TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS email_updates (
    token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    new_email TEXT NOT NULL);
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

const V2_LOCKOUTS: &str = "
CREATE TABLE member_lockouts (
    member_id TEXT PRIMARY KEY, failures INTEGER NOT NULL,
    locked_at INTEGER, lock_expires_at INTEGER);
";

/// One table for every single-use secret (see `domain::one_time_tokens`), replacing the per-flow
/// tables; pending tokens of an older database move over and keep working.
const V3_ONE_TIME_TOKENS: &str = "
CREATE TABLE one_time_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, salt TEXT, secret_hash TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '', organization_id TEXT NOT NULL DEFAULT '',
    member_id TEXT NOT NULL DEFAULT '', pkce_challenge TEXT, payload TEXT,
    expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE INDEX one_time_tokens_by_secret ON one_time_tokens (secret_hash);
CREATE INDEX one_time_tokens_by_subject ON one_time_tokens (kind, email, organization_id);
CREATE INDEX one_time_tokens_by_member ON one_time_tokens (member_id);
INSERT INTO one_time_tokens (kind, secret_hash, email, organization_id, member_id, pkce_challenge,
    payload, expires_at, used, created_at)
  SELECT 'magic_link', l.token_hash, '', l.organization_id, l.member_id, l.pkce_challenge,
    (SELECT u.new_email FROM email_updates u WHERE u.token_hash = l.token_hash),
    l.expires_at, l.used, l.created_at FROM magic_links l;
INSERT INTO one_time_tokens (kind, secret_hash, email, pkce_challenge, expires_at, used, created_at)
  SELECT 'discovery_magic_link', token_hash, email, pkce_challenge, expires_at, used, created_at
  FROM discovery_magic_links;
INSERT INTO one_time_tokens (kind, secret_hash, email, organization_id, member_id, pkce_challenge,
    expires_at, used, created_at)
  SELECT CASE organization_id WHEN '' THEN 'discovery_password_reset' ELSE 'password_reset' END,
    token_hash, email, organization_id, member_id, pkce_challenge, expires_at, used, created_at
  FROM password_resets;
INSERT INTO one_time_tokens (kind, salt, secret_hash, email, organization_id, expires_at, attempts,
    used, created_at)
  SELECT 'email_otp', salt, code_hash, email, organization_id, expires_at, attempts, used, created_at
  FROM email_otps ORDER BY id;
DROP TABLE magic_links; DROP TABLE discovery_magic_links; DROP TABLE password_resets;
DROP TABLE email_otps; DROP TABLE email_updates;
";

/// MFA: TOTP registrations and their recovery codes. The secret and the codes are kept as issued:
/// `totp/authenticate` needs the secret and `GET /recovery_codes` returns the codes, as Stytch's
/// does.
const V4_MFA: &str = "
CREATE TABLE totps (
    totp_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    secret TEXT NOT NULL, status TEXT NOT NULL, expires_at INTEGER NOT NULL,
    last_step INTEGER NOT NULL DEFAULT -1, created_at INTEGER NOT NULL);
CREATE INDEX totps_by_member ON totps (member_id);
CREATE TABLE recovery_codes (
    recovery_code_id TEXT PRIMARY KEY, totp_id TEXT NOT NULL, member_id TEXT NOT NULL,
    organization_id TEXT NOT NULL, code TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL);
CREATE INDEX recovery_codes_by_member ON recovery_codes (member_id);
";

/// SSO connections (their JSON objects, by organization), the sign-in flows the built-in identity
/// provider is in the middle of, and the identities it has seen (offered again on its page).
const V5_SSO_OAUTH: &str = "
CREATE TABLE sso_connections (
    connection_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, kind TEXT NOT NULL,
    data TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX sso_connections_by_org ON sso_connections (organization_id);
CREATE TABLE idp_flows (
    flow_id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE idp_identities (
    source TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL, last_used INTEGER NOT NULL,
    PRIMARY KEY (source, email));
";

/// SCIM connections (one per organization; tokens only as SHA-256 hashes) and the IdP groups
/// pushed to them.
const V6_SCIM: &str = "
CREATE TABLE scim_connections (
    connection_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL UNIQUE, data TEXT NOT NULL,
    token_hash TEXT NOT NULL, token_expires_at INTEGER NOT NULL, next_token_hash TEXT,
    next_token_expires_at INTEGER, created_at INTEGER NOT NULL);
CREATE TABLE scim_groups (
    group_id TEXT PRIMARY KEY, connection_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    group_name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX scim_groups_by_connection ON scim_groups (connection_id, group_id);
";

/// Connected apps (the project's OAuth clients; secrets only as SHA-256 hashes) and the consent
/// each member gave each of them.
const V7_CONNECTED_APPS: &str = "
CREATE TABLE connected_apps (
    client_id TEXT PRIMARY KEY, data TEXT NOT NULL, secret_hash TEXT, created_at INTEGER NOT NULL);
CREATE TABLE connected_app_grants (
    member_id TEXT NOT NULL, client_id TEXT NOT NULL, scopes TEXT NOT NULL,
    granted_at INTEGER NOT NULL, PRIMARY KEY (member_id, client_id));
";

/// The SCIM 2.0 side of a connection: the Users an identity provider pushed (one registration per
/// Member, the attributes it sent), the Groups' own attributes, and Group memberships.
const V8_SCIM_PROVISIONING: &str = "
CREATE TABLE scim_users (
    registration_id TEXT PRIMARY KEY, connection_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    member_id TEXT NOT NULL UNIQUE, user_name TEXT NOT NULL, data TEXT NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX scim_users_by_connection ON scim_users (connection_id, user_name);
ALTER TABLE scim_groups ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
ALTER TABLE scim_groups ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE scim_group_members (
    group_id TEXT NOT NULL, member_id TEXT NOT NULL, connection_id TEXT NOT NULL,
    organization_id TEXT NOT NULL, PRIMARY KEY (group_id, member_id));
CREATE INDEX scim_group_members_by_member ON scim_group_members (member_id);
";

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(V1_SCHEMA),
        M::up(V2_LOCKOUTS),
        M::up(V3_ONE_TIME_TOKENS),
        M::up(V4_MFA),
        M::up(V5_SSO_OAUTH),
        M::up(V6_SCIM),
        M::up(V7_CONNECTED_APPS),
        M::up(V8_SCIM_PROVISIONING),
    ])
});

/// Brings `conn` to the newest schema.
pub fn migrate(conn: &mut Connection) -> Result<(), EmulatorError> {
    MIGRATIONS
        .to_latest(conn)
        .map_err(|e| EmulatorError::Migration(e.to_string()))
}

/// Wipes every table but `meta` (for `POST /emulator/v1/reset`).
pub const RESET: &str = "
DELETE FROM organizations; DELETE FROM members; DELETE FROM sessions; DELETE FROM messages;
DELETE FROM member_passwords; DELETE FROM intermediate_sessions; DELETE FROM member_lockouts;
DELETE FROM one_time_tokens; DELETE FROM totps; DELETE FROM recovery_codes;
DELETE FROM sso_connections; DELETE FROM idp_flows; DELETE FROM idp_identities;
DELETE FROM scim_connections; DELETE FROM scim_groups; DELETE FROM connected_apps;
DELETE FROM connected_app_grants; DELETE FROM scim_users; DELETE FROM scim_group_members;";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
