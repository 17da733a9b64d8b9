//! Control API, CORS, reset, seeds and `--db` persistence.

mod common;

use std::path::Path;

use axum::http::{Method, StatusCode};
use common::Harness;
use serde_json::json;
use stytch_emulator::{Emulator, Seed};

#[tokio::test]
async fn cors_allowed_origin_gets_credentialed_headers() {
    let h = Harness::new();
    let pt = h.project.public_token.clone();
    let path = format!("/sdk/v1/projects/bootstrap/{pt}");
    let r = h
        .raw(
            Method::GET,
            &path,
            None,
            None,
            &[("origin", "http://localhost:8080")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "http://localhost:8080"
    );
    assert_eq!(r.headers["access-control-allow-credentials"], "true");
    assert!(
        r.headers.get_all("vary").iter().any(|v| v
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("origin"))
    );
    // Errors carry CORS headers too, so the browser can read them.
    let r = h
        .raw(
            Method::GET,
            "/sdk/v1/b2b/organizations/me",
            None,
            None,
            &[("origin", "http://127.0.0.1:8080")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
    // Control API too.
    let r = h
        .raw(
            Method::GET,
            "/emulator/v1/health",
            None,
            None,
            &[("origin", "http://127.0.0.1:8080")],
        )
        .await;
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "http://127.0.0.1:8080"
    );
}

#[tokio::test]
async fn cors_preflight() {
    let h = Harness::new();
    let pre = [
        ("origin", "http://localhost:8080"),
        ("access-control-request-method", "POST"),
        (
            "access-control-request-headers",
            "authorization,content-type,x-sdk-client,x-sdk-parent-host",
        ),
    ];
    for path in [
        "/sdk/v1/b2b/magic_links/authenticate",
        "/v1/b2b/sessions/authenticate",
        "/emulator/v1/reset",
    ] {
        let r = h.raw(Method::OPTIONS, path, None, None, &pre).await;
        assert!(r.status.is_success(), "{path}: {}", r.status);
        assert_eq!(
            r.headers["access-control-allow-origin"],
            "http://localhost:8080"
        );
        assert_eq!(r.headers["access-control-allow-credentials"], "true");
        let allow_h = r.headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_string();
        for x in [
            "authorization",
            "content-type",
            "x-sdk-client",
            "x-sdk-parent-host",
        ] {
            assert!(allow_h.contains(x), "{x}");
        }
        let allow_m = r.headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .to_string();
        for m in ["GET", "POST", "PUT", "DELETE"] {
            assert!(allow_m.contains(m), "{m}");
        }
    }
}

#[tokio::test]
async fn cors_disallowed_origin_gets_no_cors_headers() {
    let h = Harness::new();
    let r = h
        .raw(
            Method::GET,
            "/emulator/v1/health",
            None,
            None,
            &[("origin", "https://evil.test")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Without `Access-Control-Allow-Origin` the browser keeps the answer from the page (whatever
    // else tower-http sends, e.g. `Access-Control-Allow-Credentials`).
    assert!(
        !r.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        r.headers
    );
    let r = h
        .raw(
            Method::OPTIONS,
            "/sdk/v1/b2b/magic_links/authenticate",
            None,
            None,
            &[
                ("origin", "https://evil.test"),
                ("access-control-request-method", "POST"),
            ],
        )
        .await;
    // Without `Access-Control-Allow-Origin` the browser keeps the answer from the page (whatever
    // else tower-http sends, e.g. `Access-Control-Allow-Credentials`).
    assert!(
        !r.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        r.headers
    );
    // Same-origin requests (no Origin header) get none either.
    let r = h
        .raw(Method::GET, "/emulator/v1/health", None, None, &[])
        .await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn control_project_health_and_messages() {
    let h = Harness::new();
    let r = h.control(Method::GET, "/emulator/v1/project").await;
    assert_eq!(r.body["project_id"], h.project.project_id);
    assert_eq!(r.body["public_token"], h.project.public_token);
    assert_eq!(r.body["secret"], h.project.secret);
    assert!(h.project.project_id.starts_with("project-test-"));
    assert!(h.project.public_token.starts_with("public-token-test-"));
    assert!(h.project.secret.starts_with("secret-test-"));
    assert_eq!(
        h.control(Method::GET, "/emulator/v1/health").await.body,
        json!({"status": "ok"})
    );

    let org = h.org_id("acme").await;
    h.send_link("admin@example.com", &org, json!({})).await;
    h.send_link("someone@example.com", &org, json!({})).await;
    let all = h.control(Method::GET, "/emulator/v1/messages").await;
    let msgs = all.body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["to"], "someone@example.com", "newest first");
    assert_eq!(msgs[1]["to"], "admin@example.com");
    for k in [
        "message_id",
        "to",
        "channel",
        "kind",
        "subject",
        "body",
        "link",
        "token",
        "code",
        "created_at",
    ] {
        assert!(msgs[0].get(k).is_some(), "{k}");
    }
    let only = h
        .control(Method::GET, "/emulator/v1/messages?to=ADMIN@example.com")
        .await;
    assert_eq!(only.body["messages"].as_array().unwrap().len(), 1);
    let d = h.control(Method::DELETE, "/emulator/v1/messages").await;
    assert_eq!(d.body, json!({"deleted": 2}));
    let all = h.control(Method::GET, "/emulator/v1/messages").await;
    assert_eq!(all.body["messages"], json!([]));
}

#[tokio::test]
async fn reset_restores_the_seed() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (st, _, _) = h.login("admin@example.com", "acme").await;
    h.send_link("newbie@example.com", &org, json!({})).await;
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Temp", "organization_slug": "temp"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let jwks_before = h
        .raw(
            Method::GET,
            &format!("/v1/b2b/sessions/jwks/{}", h.project.project_id),
            None,
            None,
            &[],
        )
        .await;

    let r = h.control(Method::POST, "/emulator/v1/reset").await;
    assert_eq!(r.body, json!({"ok": true}));

    let orgs = h.control(Method::GET, "/emulator/v1/organizations").await;
    let slugs: Vec<&str> = orgs.body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["organization_slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["acme"]);
    assert_eq!(
        h.org_id("acme").await,
        org,
        "seeded ids are stable across reset"
    );
    assert_eq!(
        h.control(Method::GET, "/emulator/v1/messages").await.body["messages"],
        json!([])
    );
    // Sessions are gone; the pending member is gone (a new send creates it again).
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&st),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.error_type(), "session_not_found");
    let (r, _) = h.send_link("newbie@example.com", &org, json!({})).await;
    assert_eq!(r.data()["member_created"], true);
    // Same credentials and key.
    assert_eq!(
        h.control(Method::GET, "/emulator/v1/project").await.body["secret"],
        h.project.secret
    );
    let jwks_after = h
        .raw(
            Method::GET,
            &format!("/v1/b2b/sessions/jwks/{}", h.project.project_id),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(jwks_before.body["keys"], jwks_after.body["keys"]);
    // Seeded admin can still log in after reset.
    let (_, _, d) = h.login("admin@example.com", "acme").await;
    assert_eq!(d["member"]["is_admin"], true);
}

#[tokio::test]
async fn demo_seed_loads_with_fixed_credentials() {
    let seed =
        Seed::from_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/demo.json")).unwrap();
    let h = Harness::with_seed(seed);
    assert_eq!(
        h.project.project_id,
        "project-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01"
    );
    assert_eq!(
        h.project.public_token,
        "public-token-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01"
    );
    assert_eq!(
        h.project.secret,
        "secret-test-local-demo-only-not-a-real-secret"
    );
    let orgs = h.control(Method::GET, "/emulator/v1/organizations").await;
    let o = orgs.body["organizations"].as_array().unwrap();
    assert_eq!(o.len(), 2);
    assert_eq!(o[1]["organization_slug"], "globex");
    assert_eq!(o[1]["email_jit_provisioning"], "NOT_ALLOWED");
    let (_, _, d) = h.login("member@example.com", "acme").await;
    assert_eq!(d["member"]["is_admin"], false);
    let (_, _, d) = h.login("bob@globex.test", "globex").await;
    assert_eq!(d["organization"]["organization_slug"], "globex");
}

#[test]
fn invalid_seeds_are_rejected() {
    let bad_slug: Seed = serde_json::from_value(
        json!({"organizations": [{"organization_name": "X", "organization_slug": "x y"}]}),
    )
    .unwrap();
    assert!(Emulator::in_memory(bad_slug).is_err());
    let dup_email: Seed = serde_json::from_value(json!({"organizations": [{"organization_name": "X", "organization_slug": "xx", "members": [{"email_address": "a@x.test"}, {"email_address": "A@x.test"}]}]})).unwrap();
    assert!(Emulator::in_memory(dup_email).is_err());
    let bad_role: Seed = serde_json::from_value(json!({"organizations": [{"organization_name": "X", "organization_slug": "xx", "members": [{"email_address": "a@x.test", "roles": ["ghost"]}]}]})).unwrap();
    assert!(Emulator::in_memory(bad_role).is_err());
    assert!(serde_json::from_value::<Seed>(json!({"allowed_origins": "nope"})).is_err());
    // An empty seed is valid: generated credentials, no orgs.
    let e = Emulator::in_memory(serde_json::from_value(json!({})).unwrap()).unwrap();
    assert!(e.project().project_id.starts_with("project-test-"));
}

#[tokio::test]
async fn file_db_persists_credentials_key_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/emulator.db");
    let (project, kid, session_token, jwt) = {
        let emu = Emulator::open(&path, Seed::default()).unwrap();
        let h = Harness {
            app: emu.router(),
            project: emu.project(),
            emu,
        };
        let (st, jwt, _) = h.login("admin@example.com", "acme").await;
        (h.project.clone(), h.emu.signing_key_id(), st, jwt)
    };
    assert!(path.exists());
    // Reopen with a different seed: the stored one wins.
    let other: Seed =
        serde_json::from_value(json!({"project": {"project_id": "project-test-other"}})).unwrap();
    let emu = Emulator::open(&path, other).unwrap();
    assert_eq!(emu.project(), project);
    assert_eq!(emu.signing_key_id(), kid);
    let h = Harness {
        app: emu.router(),
        project: emu.project(),
        emu,
    };
    // The session minted before the restart is still valid, and so is its JWT.
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&session_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": jwt})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // And reset keeps credentials.
    h.control(Method::POST, "/emulator/v1/reset").await;
    assert_eq!(
        h.control(Method::GET, "/emulator/v1/project").await.body["project_id"],
        project.project_id
    );
}

#[tokio::test]
async fn database_errors_become_stytch_500_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.db");
    let emu = Emulator::open(&path, Seed::default()).unwrap();
    let h = Harness {
        app: emu.router(),
        project: emu.project(),
        emu,
    };
    // Sabotage the schema behind the emulator's back.
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("DROP TABLE messages; DROP TABLE sessions;")
        .unwrap();
    drop(other);
    let r = h.control(Method::GET, "/emulator/v1/messages").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.error_type(), "internal_server_error");
    let org = h.org_id("acme").await;
    let (r, _) = h.send_link("admin@example.com", &org, json!({})).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.error_type(), "internal_server_error");
    // The failed send rolled back: no token row was left behind for a later retry to trip on.
    let c = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM one_time_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
