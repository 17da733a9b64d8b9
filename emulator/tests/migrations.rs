//! A database made by an older emulator opens in a newer one: the schema is migrated in place, the
//! data stays, and tokens that were pending in the old per-flow tables still work.

mod common;

use axum::http::{Method, StatusCode};
use common::Harness;
use rusqlite::Connection;
use serde_json::json;
use sha2::{Digest, Sha256};
use stytch_emulator::{Emulator, Seed};

/// The token tables of emulators before the one-time-token table (user_version 0), frozen here as
/// they were: the migration must keep reading exactly this.
const OLD_TOKEN_TABLES: &str = "
CREATE TABLE magic_links (
    token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    pkce_challenge TEXT, expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL);
CREATE TABLE email_updates (
    token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    new_email TEXT NOT NULL);
CREATE TABLE email_otps (
    id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    salt TEXT NOT NULL, code_hash TEXT NOT NULL, expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    member_id TEXT NOT NULL, pkce_challenge TEXT, expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE discovery_magic_links (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, pkce_challenge TEXT,
    expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
";

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[tokio::test]
async fn a_database_from_before_versioning_is_migrated_and_its_pending_link_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.db");
    let (project, member_id, org_id) = {
        let emu = Emulator::open(&path, Seed::default()).expect("first start");
        let h = Harness {
            app: emu.router(),
            project: emu.project(),
            emu,
        };
        let org = h.org_id("acme").await;
        let r = h
            .backend(
                Method::GET,
                &format!("/v1/b2b/organizations/{org}/member?email_address=admin@example.com"),
                None,
            )
            .await;
        let member = r.body["member"]["member_id"]
            .as_str()
            .expect("member")
            .to_owned();
        (h.emu.project(), member, org)
    };
    // Turn the file into what an emulator before migrations left: its token tables, a pending
    // magic link in them, no newer tables, `user_version` 0.
    let token = "old-emulator-pending-magic-link-token-0123456789";
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(&format!(
            "DROP TABLE one_time_tokens; DROP TABLE member_lockouts; DROP TABLE totps; \
             DROP TABLE recovery_codes; {OLD_TOKEN_TABLES}
             DROP TABLE sso_connections; DROP TABLE idp_flows; DROP TABLE idp_identities; \
             DROP TABLE scim_connections; DROP TABLE scim_groups; \
             DROP TABLE connected_apps; DROP TABLE connected_app_grants; \
             DROP TABLE scim_users; DROP TABLE scim_group_members;"
        ))
        .expect("old tables");
        conn.execute(
            "INSERT INTO magic_links (token_hash, member_id, organization_id, pkce_challenge,
                 expires_at, used, created_at) VALUES (?1, ?2, ?3, NULL, ?4, 0, ?5)",
            rusqlite::params![
                format!("{:x}", Sha256::digest(token.as_bytes())),
                member_id,
                org_id,
                i64::MAX / 2,
                0
            ],
        )
        .expect("pending link");
        conn.execute_batch("PRAGMA user_version = 0;")
            .expect("version");
    }

    let emu = Emulator::open(&path, Seed::default()).expect("newer emulator opens the old file");
    assert_eq!(
        emu.project(),
        project,
        "credentials and key come from the file"
    );
    let h = Harness {
        app: emu.router(),
        project: emu.project(),
        emu,
    };
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/authenticate",
            None,
            Some(json!({"magic_links_token": token})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member_id"], member_id.as_str());
    // Single use survives the move too.
    let again = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/authenticate",
            None,
            Some(json!({"magic_links_token": token})),
        )
        .await;
    assert_eq!(again.error_type(), "unable_to_auth_magic_link");

    let conn = Connection::open(&path).expect("open");
    assert!(count(&conn, "PRAGMA user_version") >= 3);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'magic_links'"
        ),
        0,
        "the per-flow tables are gone"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM organizations"), 1);
}
