//! Holes an attacker or a surprised developer can find, each pinned by the behaviour the
//! emulator must have: deleted passwords stop working, wrong passwords lock a member, foreign
//! `Host`s and cross-site writes are refused, malformed paths and oversized bodies get Stytch
//! error JSON, the HttpOnly layer keeps large answers whole, the default project accepts
//! Stytch's test-project defaults, and auth is checked before the body.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp, basic, check_error_json, seed_with_passwords};
use serde_json::{Value, json};
use stytch_emulator::Seed;

const PASSWORD: &str = "violet-kettle-harbor-29";
const OTHER_PASSWORD: &str = "amber-lantern-meadow-74";

async fn password_login(h: &Harness, org: &str, email: &str, password: &str) -> Resp {
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/passwords/authenticate",
        None,
        Some(
            json!({"organization_id": org, "email_address": email, "password": password,
                    "session_duration_minutes": 60}),
        ),
    )
    .await
}

async fn backend_member(h: &Harness, org: &str, email: &str) -> Value {
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org}/member?email_address={email}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["member"].clone()
}

fn unix(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("not an RFC 3339 string: {v}"));
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .unix_timestamp()
}

// ------------------------------------------------------------------ 1. deleted password

/// What `passwords/authenticate` answers a member who never had a password.
async fn never_had_password(h: &Harness, org: &str) -> (StatusCode, String) {
    let r = password_login(h, org, "nopassword@example.com", PASSWORD).await;
    assert!(r.status.is_client_error(), "{}", r.body);
    (r.status, r.error_type().to_string())
}

/// The seeded admin with a password, a plain member with another, one without any.
fn seed_for_delete() -> Seed {
    let mut v = serde_json::to_value(Seed::default()).expect("seed json");
    v["organizations"][0]["members"] = json!([
        {"email_address": "admin@example.com", "roles": ["stytch_admin"], "status": "active",
         "email_address_verified": true, "password": PASSWORD},
        {"email_address": "pw@example.com", "status": "active", "email_address_verified": true,
         "password": OTHER_PASSWORD},
        {"email_address": "nopassword@example.com", "status": "active",
         "email_address_verified": true},
    ]);
    serde_json::from_value(v).expect("seed")
}

#[tokio::test]
async fn self_deleted_password_no_longer_logs_in() {
    let h = Harness::with_seed(seed_for_delete());
    let org = h.org_id("acme").await;
    let expected = never_had_password(&h, &org).await;
    let r = password_login(&h, &org, "admin@example.com", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let session = r.data()["session_token"].as_str().expect("st").to_string();
    let password_id = backend_member(&h, &org, "admin@example.com").await["member_password_id"]
        .as_str()
        .expect("password id")
        .to_string();
    assert!(!password_id.is_empty());

    // The official SDK's `self.deletePassword(passwordId)`.
    let r = h
        .sdk(
            Method::DELETE,
            &format!("/sdk/v1/b2b/organizations/members/passwords/{password_id}"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        backend_member(&h, &org, "admin@example.com").await["member_password_id"],
        ""
    );

    let r = password_login(&h, &org, "admin@example.com", PASSWORD).await;
    assert_ne!(
        r.status,
        StatusCode::OK,
        "the deleted password still logs in"
    );
    assert_eq!(
        (r.status, r.error_type().to_string()),
        expected,
        "a deleted password must answer like no password: {}",
        r.body
    );
}

#[tokio::test]
async fn admin_deleted_password_no_longer_logs_in() {
    let h = Harness::with_seed(seed_for_delete());
    let org = h.org_id("acme").await;
    let expected = never_had_password(&h, &org).await;
    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let password_id = backend_member(&h, &org, "pw@example.com").await["member_password_id"]
        .as_str()
        .expect("password id")
        .to_string();
    let (admin_session, _, _) = h.login("admin@example.com", "acme").await;

    // The official SDK's `organization.members.deletePassword(passwordId)`, by an admin.
    let r = h
        .sdk(
            Method::DELETE,
            &format!("/sdk/v1/b2b/organizations/members/passwords/{password_id}"),
            Some(&admin_session),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_ne!(
        r.status,
        StatusCode::OK,
        "the deleted password still logs in"
    );
    assert_eq!(
        (r.status, r.error_type().to_string()),
        expected,
        "{}",
        r.body
    );
}

// ------------------------------------------------------------------ 2. brute force

async fn assert_wrong(h: &Harness, org: &str, n: usize) {
    for i in 0..n {
        let r = password_login(h, org, "pw@example.com", "not-the-password-0").await;
        assert_eq!(
            (r.status, r.error_type()),
            (StatusCode::UNAUTHORIZED, "unauthorized_credentials"),
            "wrong attempt {}: {}",
            i + 1,
            r.body
        );
    }
}

#[tokio::test]
async fn ten_wrong_passwords_lock_the_member_for_an_hour() {
    let h = Harness::with_seed(seed_with_passwords(&[("pw@example.com", OTHER_PASSWORD)]));
    let org = h.org_id("acme").await;
    assert_eq!(
        backend_member(&h, &org, "pw@example.com").await["is_locked"],
        false
    );
    assert_wrong(&h, &org, 10).await;

    // Even the right password is refused while the lock holds.
    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_eq!(
        (r.status, r.error_type()),
        (StatusCode::TOO_MANY_REQUESTS, "user_lock_limit_reached"),
        "11th attempt (correct password) after 10 failures"
    );
    check_error_json(&r).expect("error JSON");
    let m = backend_member(&h, &org, "pw@example.com").await;
    assert_eq!(m["is_locked"], true, "{m}");
    let created = unix(&m["lock_created_at"]);
    let expires = unix(&m["lock_expires_at"]);
    assert!(
        (3540..=3660).contains(&(expires - created)),
        "lock lasts about an hour: {} .. {}",
        m["lock_created_at"],
        m["lock_expires_at"]
    );

    h.emu.advance_clock(Duration::from_secs(61 * 60));
    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "after the lock expired: {}",
        r.body
    );
    assert_eq!(
        backend_member(&h, &org, "pw@example.com").await["is_locked"],
        false
    );
}

#[tokio::test]
async fn a_successful_login_resets_the_failure_count() {
    let h = Harness::with_seed(seed_with_passwords(&[("pw@example.com", OTHER_PASSWORD)]));
    let org = h.org_id("acme").await;
    assert_wrong(&h, &org, 9).await;
    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_wrong(&h, &org, 9).await;
    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "9 + 9 failures split by a success: {}",
        r.body
    );
    assert_eq!(
        backend_member(&h, &org, "pw@example.com").await["is_locked"],
        false
    );
    // And the count starts again from zero: ten in a row now lock.
    assert_wrong(&h, &org, 10).await;
    let r = password_login(&h, &org, "pw@example.com", OTHER_PASSWORD).await;
    assert_eq!(
        (r.status, r.error_type()),
        (StatusCode::TOO_MANY_REQUESTS, "user_lock_limit_reached"),
        "correct password after 10 new failures in a row"
    );
}

// ------------------------------------------------------------------ 3. DNS rebinding

/// (method, path, auth) for one route of each surface.
async fn one_route_per_surface(h: &Harness) -> Vec<(Method, String, Option<String>)> {
    let org = h.org_id("acme").await;
    vec![
        (Method::GET, "/emulator/v1/project".into(), None),
        (
            Method::GET,
            format!("/sdk/v1/projects/bootstrap/{}", h.project.public_token),
            None,
        ),
        (
            Method::POST,
            "/sdk/v1/b2b/organizations/search".into(),
            Some(h.sdk_public_auth()),
        ),
        (
            Method::GET,
            format!("/v1/b2b/organizations/{org}"),
            Some(h.backend_auth()),
        ),
    ]
}

async fn with_host(
    h: &Harness,
    method: &Method,
    path: &str,
    auth: &Option<String>,
    host: Option<&str>,
) -> Resp {
    let mut headers = vec![];
    if let Some(a) = auth {
        headers.push(("authorization", a.as_str()));
    }
    if let Some(host) = host {
        headers.push(("host", host));
    }
    let body = if method == Method::POST {
        headers.push(("content-type", "application/json"));
        br#"{"organization_slug":"acme"}"#.to_vec()
    } else {
        Vec::new()
    };
    h.send(method.clone(), path, &headers, body).await
}

#[tokio::test]
async fn only_loopback_hosts_are_served() {
    let h = Harness::new();
    let routes = one_route_per_surface(&h).await;
    let mut wrong = Vec::new();
    for host in [
        "evil.example",
        "evil.example:4010",
        "localhost.evil.example",
        "127.0.0.1.evil.example:4010",
    ] {
        for (method, path, auth) in &routes {
            let r = with_host(&h, method, path, auth, Some(host)).await;
            if r.status != StatusCode::FORBIDDEN || r.error_type() != "host_not_allowed" {
                wrong.push(format!(
                    "Host {host}: {method} {path} → {} {}",
                    r.status,
                    r.error_type()
                ));
            } else if let Err(e) = check_error_json(&r) {
                wrong.push(format!("Host {host}: {method} {path}: {e}"));
            }
            if r.text.contains(&h.project.secret) {
                wrong.push(format!("Host {host}: {method} {path} leaks the secret"));
            }
        }
    }
    // Loopback names (any port, `*.localhost`) and requests without `Host` are served.
    for host in [
        Some("localhost:4010"),
        Some("localhost"),
        Some("127.0.0.1:4010"),
        Some("[::1]:4010"),
        Some("foo.localhost"),
        None,
    ] {
        for (method, path, auth) in &routes {
            let r = with_host(&h, method, path, auth, host).await;
            if r.status != StatusCode::OK {
                wrong.push(format!(
                    "Host {host:?}: {method} {path} → {} {}",
                    r.status, r.text
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ------------------------------------------------------------------ 4. cross-site control writes

/// A mailbox message and a backend-created organization, to see whether a write got through.
async fn make_state(h: &Harness) {
    let org = h.org_id("acme").await;
    let (r, token) = h.send_link("admin@example.com", &org, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(token.is_some());
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Kept", "organization_slug": "kept"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn state_is_intact(h: &Harness) -> Result<(), String> {
    let m = h.control(Method::GET, "/emulator/v1/messages").await;
    if m.body["messages"].as_array().is_none_or(Vec::is_empty) {
        return Err("the mailbox was emptied".into());
    }
    let orgs = h.control(Method::GET, "/emulator/v1/organizations").await;
    let kept = orgs.body["organizations"]
        .as_array()
        .is_some_and(|a| a.iter().any(|o| o["organization_slug"] == "kept"));
    if !kept {
        return Err("the backend-created organization is gone".into());
    }
    let s = h.control(Method::GET, "/emulator/v1/settings").await;
    if s.body["http_only_cookies"] != false {
        return Err(format!("settings changed: {}", s.body));
    }
    Ok(())
}

/// (method, path, headers, body) of one control-API write.
type ControlWrite<'a> = (Method, &'a str, &'a [(&'a str, &'a str)], &'a [u8]);

#[tokio::test]
async fn cross_site_control_writes_are_refused_same_site_ones_work() {
    let h = Harness::new();
    make_state(&h).await;
    let writes: [(Method, &str, &[u8]); 3] = [
        (Method::POST, "/emulator/v1/reset", b""),
        (
            Method::POST,
            "/emulator/v1/settings",
            br#"{"http_only_cookies": true}"#,
        ),
        (Method::DELETE, "/emulator/v1/messages", b""),
    ];
    let cross_site: [&[(&str, &str)]; 3] = [
        &[
            ("origin", "http://evil.example"),
            ("content-type", "text/plain"),
        ],
        &[
            ("origin", "http://evil.example"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        // A browser that sends no Origin still says where the request comes from.
        &[
            ("sec-fetch-site", "cross-site"),
            ("content-type", "text/plain"),
        ],
    ];
    let mut wrong = Vec::new();
    for headers in cross_site {
        for (method, path, body) in &writes {
            let r = h.send(method.clone(), path, headers, body.to_vec()).await;
            if r.status != StatusCode::FORBIDDEN || r.error_type() != "cross_site_request_forbidden"
            {
                wrong.push(format!(
                    "{headers:?} {method} {path} → {} {}",
                    r.status, r.text
                ));
            } else if let Err(e) = check_error_json(&r) {
                wrong.push(format!("{headers:?} {method} {path}: {e}"));
            }
            if let Err(e) = state_is_intact(&h).await {
                wrong.push(format!("after {headers:?} {method} {path}: {e}"));
                let r = h.control(Method::POST, "/emulator/v1/reset").await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                make_state(&h).await;
            }
        }
    }
    // Same-site writes and writes without Origin (curl, tests) still work.
    let allowed: [ControlWrite; 3] = [
        (
            Method::POST,
            "/emulator/v1/settings",
            &[
                ("origin", "http://localhost:8080"),
                ("content-type", "application/json"),
            ],
            br#"{"http_only_cookies": true}"#,
        ),
        (
            Method::DELETE,
            "/emulator/v1/messages",
            &[("sec-fetch-site", "same-origin")],
            b"",
        ),
        (Method::POST, "/emulator/v1/reset", &[], b""),
    ];
    for (method, path, headers, body) in allowed {
        let r = h.send(method.clone(), path, headers, body.to_vec()).await;
        if r.status != StatusCode::OK {
            wrong.push(format!(
                "{headers:?} {method} {path} → {} {}",
                r.status, r.text
            ));
        }
    }
    let orgs = h.control(Method::GET, "/emulator/v1/organizations").await;
    if orgs.body["organizations"].as_array().map(Vec::len) != Some(1) {
        wrong.push("an originless reset did not reset".into());
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ------------------------------------------------------------------ 5. malformed paths

#[tokio::test]
async fn malformed_paths_unknown_routes_and_wrong_methods_answer_error_json() {
    let h = Harness::new();
    let (session, _, _) = h.login("admin@example.com", "acme").await;
    let sdk_session = basic(&h.project.public_token, &session);
    let public = h.sdk_public_auth();
    let backend = h.backend_auth();
    // (method, path, auth, expected status, expected error_type or "" for any)
    let cases: Vec<(Method, &str, &str, u16, &str)> = vec![
        (
            Method::GET,
            "/sdk/v1/b2b/organizations/members/%FF%FE",
            &public,
            400,
            "bad_request",
        ),
        (
            Method::DELETE,
            "/sdk/v1/b2b/organizations/members/%FF%FE",
            &sdk_session,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/b2b/organizations/%FF%FE",
            &backend,
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/v1/b2b/organizations/%zz",
            &backend,
            400,
            "bad_request",
        ),
        (
            Method::DELETE,
            "/sdk/v1/b2b/organizations/members/passwords/%zz",
            &sdk_session,
            400,
            "bad_request",
        ),
        (Method::GET, "/sdk/v1/no/such/route", &public, 404, ""),
        (Method::GET, "/v1/b2b/no/such/route", &backend, 404, ""),
        (Method::GET, "/emulator/v1/nope", "", 404, ""),
        (Method::DELETE, "/emulator/v1/health", "", 405, ""),
        (Method::GET, "/v1/b2b/organizations", &backend, 405, ""),
        (
            Method::PATCH,
            "/sdk/v1/b2b/magic_links/authenticate",
            &public,
            405,
            "",
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, auth, status, error_type) in cases {
        let headers: Vec<(&str, &str)> = if auth.is_empty() {
            vec![]
        } else {
            vec![("authorization", auth)]
        };
        let r = h.send(method.clone(), path, &headers, Vec::new()).await;
        if let Err(e) = check_error_json(&r) {
            wrong.push(format!("{method} {path} → {}: {e}", r.status));
            continue;
        }
        if r.status.as_u16() != status {
            wrong.push(format!(
                "{method} {path} → {} (want {status}) {}",
                r.status, r.text
            ));
        }
        if !error_type.is_empty() && r.error_type() != error_type {
            wrong.push(format!(
                "{method} {path} → {} (want {error_type})",
                r.error_type()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ------------------------------------------------------------------ 6. body limit

#[tokio::test]
async fn bodies_over_one_mebibyte_get_413() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let mut wrong = Vec::new();
    for size in [(3 << 20) / 2, 2 << 20] {
        let pad = "x".repeat(size);
        let sdk = json!({"email_address": "big@example.com", "organization_id": org, "pad": pad})
            .to_string();
        let backend =
            json!({"organization_name": "Big", "organization_slug": "big", "pad": pad}).to_string();
        for (path, auth, body) in [
            (
                "/sdk/v1/b2b/magic_links/email/login_or_signup",
                h.sdk_public_auth(),
                sdk,
            ),
            ("/v1/b2b/organizations", h.backend_auth(), backend),
        ] {
            let r = h
                .send(
                    Method::POST,
                    path,
                    &[
                        ("authorization", &auth),
                        ("content-type", "application/json"),
                    ],
                    body.into_bytes(),
                )
                .await;
            if r.status != StatusCode::PAYLOAD_TOO_LARGE || r.error_type() != "request_too_large" {
                wrong.push(format!("{size} bytes to {path} → {} {}", r.status, r.text));
            } else if let Err(e) = check_error_json(&r) {
                wrong.push(format!("{size} bytes to {path}: {e}"));
            }
        }
    }
    let orgs = h.control(Method::GET, "/emulator/v1/organizations").await;
    if orgs.body["organizations"].as_array().map(Vec::len) != Some(1) {
        wrong.push("an oversized request was acted on (organization created)".into());
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ------------------------------------------------------------------ 7. HttpOnly and large answers

#[tokio::test]
async fn http_only_layer_keeps_a_large_answer_whole() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (session, _, _) = h.login("admin@example.com", "acme").await;
    // 24 members × 64 KiB of metadata: a search answer of about 1.5 MiB, each request small.
    let blob = "m".repeat(64 << 10);
    for i in 0..24 {
        let r = h
            .backend(
                Method::POST,
                &format!("/v1/b2b/organizations/{org}/members"),
                Some(json!({"email_address": format!("big{i}@example.com"),
                            "untrusted_metadata": {"blob": blob}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let search = || async {
        h.sdk(
            Method::POST,
            "/sdk/v1/b2b/organizations/me/members/search",
            Some(&session),
            Some(json!({"limit": 100})),
        )
        .await
    };
    let plain = search().await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text);
    assert!(plain.text.len() > 1 << 20, "{} bytes", plain.text.len());

    let r = h
        .raw(
            Method::POST,
            "/emulator/v1/settings",
            None,
            Some(r#"{"http_only_cookies": true}"#),
            &[],
        )
        .await;
    assert_eq!(r.body["http_only_cookies"], true);
    let r = search().await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.text.is_empty(),
        "the HttpOnly layer blanked a {} byte answer",
        plain.text.len()
    );
    assert!(r.body.is_object(), "not JSON: {} bytes", r.text.len());
    assert_eq!(r.data()["members"].as_array().map(Vec::len), Some(25));
    assert_eq!(r.data()["members"], plain.data()["members"]);
}

// ------------------------------------------------------------------ 8. default project

const STYTCH_TEST_REDIRECT: &str = "http://localhost:3000/authenticate";

#[tokio::test]
async fn default_project_accepts_stytch_test_project_defaults() {
    let h = Harness::with_seed(Seed::default());
    let org = h.org_id("acme").await;
    let mut wrong = Vec::new();
    let calls = [
        (
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            json!({"email_address": "admin@example.com", "organization_id": org,
                   "login_redirect_url": STYTCH_TEST_REDIRECT,
                   "signup_redirect_url": STYTCH_TEST_REDIRECT}),
        ),
        (
            "/sdk/v1/b2b/magic_links/email/discovery/send",
            json!({"email_address": "admin@example.com",
                   "discovery_redirect_url": STYTCH_TEST_REDIRECT}),
        ),
        (
            "/sdk/v1/b2b/passwords/email/reset/start",
            json!({"email_address": "admin@example.com", "organization_id": org,
                   "login_redirect_url": STYTCH_TEST_REDIRECT,
                   "reset_password_redirect_url": STYTCH_TEST_REDIRECT}),
        ),
        (
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            json!({"email_address": "admin@example.com", "organization_id": org,
                   "login_redirect_url": "http://localhost:8080/"}),
        ),
    ];
    for (path, body) in calls {
        let r = h.sdk(Method::POST, path, None, Some(body.clone())).await;
        if r.status != StatusCode::OK {
            wrong.push(format!("{path} {body} → {} {}", r.status, r.text));
        }
    }
    for origin in ["http://localhost:3000", "http://localhost:8080"] {
        let r = h
            .raw(
                Method::GET,
                &format!("/sdk/v1/projects/bootstrap/{}", h.project.public_token),
                None,
                None,
                &[("origin", origin)],
            )
            .await;
        let acao = r
            .headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok());
        if acao != Some(origin) {
            wrong.push(format!(
                "Origin {origin}: access-control-allow-origin {acao:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ------------------------------------------------------------------ 9. auth before body

#[tokio::test]
async fn auth_is_checked_before_the_body() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let wrong_secret = basic(&h.project.project_id, "secret-test-wrong");
    let wrong_token = basic("public-token-test-wrong", "public-token-test-wrong");
    let cases: Vec<(&str, Option<&str>)> = vec![
        ("/sdk/v1/b2b/magic_links/email/login_or_signup", None),
        (
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            Some(&wrong_token),
        ),
        ("/sdk/v1/b2b/passwords/authenticate", None),
        ("/v1/b2b/organizations", Some(&wrong_secret)),
        ("/v1/b2b/organizations", None),
    ];
    let member_path = format!("/v1/b2b/organizations/{org}/members");
    let mut wrong = Vec::new();
    for (path, auth) in cases
        .into_iter()
        .chain([(member_path.as_str(), Some(wrong_secret.as_str()))])
    {
        for body in [&b"{not json"[..], b"[1,2,3]", br#"{"email_address": 42}"#] {
            let mut headers = vec![("content-type", "application/json")];
            if let Some(a) = auth {
                headers.push(("authorization", a));
            }
            let r = h.send(Method::POST, path, &headers, body.to_vec()).await;
            if r.status != StatusCode::UNAUTHORIZED || check_error_json(&r).is_err() {
                wrong.push(format!(
                    "{path} auth {:?} body {:?} → {} {}",
                    auth.is_some(),
                    String::from_utf8_lossy(body),
                    r.status,
                    r.text
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
