//! A database made by an older emulator opens in a newer one: the schema is migrated in place and
//! the data stays.

use rusqlite::Connection;
use stytch_emulator::{Emulator, Seed};

#[test]
fn a_database_from_before_versioning_is_migrated_and_keeps_its_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.db");
    let project = {
        let emu = Emulator::open(&path, Seed::default()).expect("first start");
        emu.project()
    };
    // What emulators before migrations left behind: the first schema, `user_version` 0.
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch("DROP TABLE member_lockouts; PRAGMA user_version = 0;")
            .expect("downgrade");
        let orgs: i64 = conn
            .query_row("SELECT count(*) FROM organizations", [], |r| r.get(0))
            .expect("count");
        assert_eq!(orgs, 1);
    }
    let emu = Emulator::open(&path, Seed::default()).expect("newer emulator opens the old file");
    assert_eq!(
        emu.project(),
        project,
        "credentials and key come from the file"
    );
    drop(emu);
    let conn = Connection::open(&path).expect("open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert!(version >= 2, "migrated to {version}");
    let lockouts: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'member_lockouts'",
            [],
            |r| r.get(0),
        )
        .expect("table");
    assert_eq!(lockouts, 1);
    let orgs: i64 = conn
        .query_row("SELECT count(*) FROM organizations", [], |r| r.get(0))
        .expect("count");
    assert_eq!(orgs, 1, "the seeded organization survived");
}
