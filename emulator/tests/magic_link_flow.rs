//! The SDK surface: the whole magic-link login and its security properties.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::Harness;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stytch_emulator::Seed;

fn is_rfc3339(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
    })
}

#[tokio::test]
async fn full_magic_link_login_flow() {
    let h = Harness::new();
    let org_id = h.org_id("acme").await;

    // 1. send: admin@example.com is a seeded active member → login email, not created.
    let (r, token) = h.send_link("Admin@Example.com", &org_id, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = r.data();
    assert_eq!(d["status_code"], 200);
    assert!(
        d["request_id"]
            .as_str()
            .unwrap()
            .starts_with("request-id-test-")
    );
    assert_eq!(d["member_created"], false);
    assert_eq!(d["member"]["email_address"], "admin@example.com");
    assert_eq!(d["organization"]["organization_id"], org_id);
    let member_id = d["member_id"].as_str().unwrap().to_string();

    // The mailbox has the message with the link carrying the token.
    let m = h
        .control(Method::GET, "/emulator/v1/messages?to=admin@example.com")
        .await;
    let msg = &m.body["messages"][0];
    assert_eq!(msg["kind"], "magic_link_login");
    assert_eq!(msg["channel"], "email");
    assert!(msg["code"].is_null());
    let token = token.expect("token in mailbox");
    assert_eq!(token.len(), 44);
    assert_eq!(
        msg["link"],
        format!("http://127.0.0.1:8080/?stytch_token_type=multi_tenant_magic_links&token={token}")
    );
    assert!(msg["body"].as_str().unwrap().contains(&token));

    // 2. authenticate.
    let a = h
        .authenticate(&token, json!({"session_duration_minutes": 120}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let d = a.data().clone();
    assert_eq!(d["member_id"], member_id);
    assert_eq!(d["organization_id"], org_id);
    assert_eq!(d["member_authenticated"], true);
    assert_eq!(d["intermediate_session_token"], "");
    assert!(d["mfa_required"].is_null() && d["primary_required"].is_null());
    assert_eq!(d["reset_sessions"], false);
    assert!(d["method_id"].as_str().unwrap().starts_with("email-test-"));
    assert_eq!(d["member"]["status"], "active");
    assert_eq!(d["member"]["email_address_verified"], true);
    assert_eq!(d["member"]["is_admin"], true);
    let s = &d["member_session"];
    assert!(
        s["member_session_id"]
            .as_str()
            .unwrap()
            .starts_with("session-test-")
    );
    assert_eq!(s["organization_slug"], "acme");
    assert_eq!(s["roles"], json!(["stytch_member", "stytch_admin"]));
    for k in ["started_at", "last_accessed_at", "expires_at"] {
        assert!(is_rfc3339(&s[k]), "{k}: {}", s[k]);
    }
    let f = &s["authentication_factors"][0];
    assert_eq!(f["type"], "magic_link");
    assert_eq!(f["delivery_method"], "email");
    assert_eq!(f["sequence_order"], "PRIMARY");
    assert_eq!(f["email_factor"]["email_address"], "admin@example.com");
    assert_eq!(f["email_factor"]["email_id"], d["method_id"]);
    let session_token = d["session_token"].as_str().unwrap().to_string();
    assert_eq!(session_token.len(), 44);
    assert_eq!(d["session_jwt"].as_str().unwrap().split('.').count(), 3);
    let started = time::OffsetDateTime::parse(
        s["started_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        s["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((expires - started).whole_minutes(), 120);

    // 3. sessions/authenticate with the session in the Basic header.
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&session_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.data()["member_session"]["member_session_id"],
        s["member_session_id"]
    );
    assert_eq!(r.data()["session_token"], session_token);
    assert_eq!(r.data()["member"]["member_id"], member_id);
    assert_eq!(r.data()["organization"]["organization_id"], org_id);
    // Without session_duration_minutes the expiry is unchanged.
    assert_eq!(r.data()["member_session"]["expires_at"], s["expires_at"]);

    // 4. organizations/me and members/me.
    let r = h
        .sdk(
            Method::GET,
            "/sdk/v1/b2b/organizations/me",
            Some(&session_token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["organization"]["organization_slug"], "acme");
    let r = h
        .sdk(
            Method::GET,
            "/sdk/v1/b2b/organizations/members/me",
            Some(&session_token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["member"]["member_id"], member_id);
    assert_eq!(r.data()["member_id"], member_id);
    assert_eq!(r.data()["organization"]["organization_id"], org_id);

    // 5. revoke, then everything session-bound fails with an unrecoverable error.
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/revoke",
            Some(&session_token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.data()["status_code"], 200);
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&session_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "session_not_found");
    let r = h
        .sdk(
            Method::GET,
            "/sdk/v1/b2b/organizations/me",
            Some(&session_token),
            None,
        )
        .await;
    assert_eq!(r.error_type(), "session_not_found");
}

#[tokio::test]
async fn session_authenticate_extends_only_when_asked_and_jwt_is_reminted() {
    let h = Harness::new();
    let (st, jwt, d) = h.login("admin@example.com", "acme").await;
    h.emu.advance_clock(Duration::from_secs(61));
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&st),
            Some(json!({"session_duration_minutes": 30})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = &r.data()["member_session"];
    assert_ne!(
        s["last_accessed_at"],
        d["member_session"]["last_accessed_at"]
    );
    let last = time::OffsetDateTime::parse(
        s["last_accessed_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let exp = time::OffsetDateTime::parse(
        s["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((exp - last).whole_minutes(), 30);
    assert_ne!(r.data()["session_jwt"].as_str().unwrap(), jwt);
}

#[tokio::test]
async fn session_expires() {
    let h = Harness::new();
    let (st, _, _) = h.login("admin@example.com", "acme").await;
    h.emu.advance_clock(Duration::from_secs(61 * 60));
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&st),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "session_not_found");
}

#[tokio::test]
async fn session_only_calls_without_session_are_unauthorized() {
    let h = Harness::new();
    for (m, p) in [
        (Method::POST, "/sdk/v1/b2b/sessions/authenticate"),
        (Method::POST, "/sdk/v1/b2b/sessions/revoke"),
        (Method::GET, "/sdk/v1/b2b/organizations/me"),
        (Method::GET, "/sdk/v1/b2b/organizations/members/me"),
    ] {
        let r = h.sdk(m.clone(), p, None, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{p}");
        assert_eq!(r.error_type(), "unauthorized_credentials", "{p}");
        let r = h
            .sdk(
                m,
                p,
                Some("not-a-real-session-token-aaaaaaaaaaaaaaaaaaaa"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
        assert_eq!(r.error_type(), "session_not_found", "{p}");
    }
}

#[tokio::test]
async fn magic_link_token_is_single_use() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (_, token) = h.send_link("admin@example.com", &org, json!({})).await;
    let token = token.unwrap();
    assert_eq!(
        h.authenticate(&token, json!({})).await.status,
        StatusCode::OK
    );
    let again = h.authenticate(&token, json!({})).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.error_type(), "unable_to_auth_magic_link");
    let unknown = h.authenticate("x".repeat(44).as_str(), json!({})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_type(), "magic_link_not_found");
}

#[tokio::test]
async fn magic_link_expires() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (r, token) = h
        .send_link(
            "admin@example.com",
            &org,
            json!({"login_expiration_minutes": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    h.emu.advance_clock(Duration::from_secs(4 * 60));
    // still valid after 4 minutes: send another and use the first one later
    let (_, token2) = h
        .send_link(
            "admin@example.com",
            &org,
            json!({"login_expiration_minutes": 5}),
        )
        .await;
    assert_eq!(
        h.authenticate(&token2.unwrap(), json!({})).await.status,
        StatusCode::OK
    );
    h.emu.advance_clock(Duration::from_secs(2 * 60));
    let r = h.authenticate(&token.unwrap(), json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_type(), "unable_to_auth_magic_link");
}

fn verifier_and_challenge() -> (String, String) {
    let verifier = "a1b2c3d4".repeat(16);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

#[tokio::test]
async fn pkce_match_mismatch_missing() {
    let seed = Seed {
        pkce_required_for_email_magic_links: true,
        ..Seed::default()
    };
    let h = Harness::with_seed(seed);
    let org = h.org_id("acme").await;
    let (verifier, challenge) = verifier_and_challenge();

    // Required → a send without a challenge is refused.
    let (r, _) = h.send_link("admin@example.com", &org, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "invalid_pkce_code_challenge");

    let (r, token) = h
        .send_link(
            "admin@example.com",
            &org,
            json!({"pkce_code_challenge": challenge}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = token.unwrap();

    let r = h.authenticate(&token, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "pkce_expected_code_verifier");
    let r = h
        .authenticate(&token, json!({"pkce_code_verifier": "f".repeat(64)}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "pkce_mismatch");
    // PKCE failures do not burn the token.
    let r = h
        .authenticate(&token, json!({"pkce_code_verifier": verifier}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn pkce_verifier_without_challenge_is_refused() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (_, token) = h.send_link("admin@example.com", &org, json!({})).await;
    let r = h
        .authenticate(
            &token.unwrap(),
            json!({"pkce_code_verifier": "a".repeat(64)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "pkce_did_not_expect_code_verifier");
}

#[tokio::test]
async fn jit_creates_pending_member_for_allowed_domain() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (r, token) = h.send_link("new.person@example.com", &org, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.data()["member_created"], true);
    assert_eq!(r.data()["member"]["status"], "pending");
    assert_eq!(r.data()["member"]["email_address_verified"], false);
    assert_eq!(r.data()["member"]["is_admin"], false);
    assert_eq!(
        r.data()["member"]["roles"],
        json!([{"role_id": "stytch_member", "sources": [{"type": "direct_assignment", "details": {}}]}])
    );
    assert!(
        r.data()["member_id"]
            .as_str()
            .unwrap()
            .starts_with("member-test-")
    );
    let m = h
        .control(
            Method::GET,
            "/emulator/v1/messages?to=new.person@example.com",
        )
        .await;
    assert_eq!(m.body["messages"][0]["kind"], "magic_link_signup");

    // A second send reuses the pending member (still a signup email).
    let (r2, _) = h.send_link("new.person@example.com", &org, json!({})).await;
    assert_eq!(r2.data()["member_created"], false);
    assert_eq!(r2.data()["member_id"], r.data()["member_id"]);

    let a = h.authenticate(&token.unwrap(), json!({})).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.data()["member"]["status"], "active");
    assert_eq!(
        a.data()["member_session"]["roles"],
        json!(["stytch_member"])
    );
}

#[tokio::test]
async fn jit_refused_for_other_domain_and_not_allowed_org() {
    let mut seed = Seed::default();
    seed.organizations.push(
        serde_json::from_value(json!({
            "organization_name": "Globex", "organization_slug": "globex",
            "email_allowed_domains": ["globex.test"], "email_jit_provisioning": "NOT_ALLOWED",
            "email_invites": "ALL_ALLOWED",
            "members": [{"email_address": "bob@globex.test"}]
        }))
        .unwrap(),
    );
    let h = Harness::with_seed(seed);
    let acme = h.org_id("acme").await;
    let (r, token) = h.send_link("mallory@evil.test", &acme, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_type(), "invalid_email_for_jit_provisioning");
    assert_eq!(r.body["error_details"]["email_domain"], "evil.test");
    assert!(token.is_none(), "no message may be recorded");

    let globex = h.org_id("globex").await;
    let (r, _) = h.send_link("alice@globex.test", &globex, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_type(), "email_jit_provisioning_not_allowed");
    // An existing member of a NOT_ALLOWED org can still log in.
    let (r, token) = h.send_link("bob@globex.test", "globex", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(token.is_some());
    // No member was created by the refused calls.
    let r = h
        .backend(
            Method::POST,
            &format!("/v1/b2b/organizations/{acme}/members"),
            Some(json!({"email_address": "mallory@evil.test"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn redirect_urls_are_checked_and_query_is_appended() {
    let mut seed = Seed::default();
    seed.redirect_urls
        .push("http://localhost:8080/auth?from=email".into());
    let h = Harness::with_seed(seed);
    let org = h.org_id("acme").await;
    let (r, _) = h
        .send_link(
            "admin@example.com",
            &org,
            json!({"login_redirect_url": "https://evil.test/"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "no_match_for_provided_magic_link_url");
    let (r, token) = h
        .send_link(
            "admin@example.com",
            &org,
            json!({"login_redirect_url": "http://localhost:8080/auth?from=email"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let m = h.control(Method::GET, "/emulator/v1/messages").await;
    assert_eq!(
        m.body["messages"][0]["link"],
        format!(
            "http://localhost:8080/auth?from=email&stytch_token_type=multi_tenant_magic_links&token={}",
            token.unwrap()
        )
    );
}

#[tokio::test]
async fn bootstrap_has_every_field() {
    let h = Harness::new();
    let pt = h.project.public_token.clone();
    let r = h
        .sdk(
            Method::GET,
            &format!("/sdk/v1/projects/bootstrap/{pt}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let d = r.data();
    for k in [
        "request_id",
        "status_code",
        "project_name",
        "disable_sdk_watermark",
        "cname_domain",
        "email_domains",
        "captcha_settings",
        "pkce_required_for_email_magic_links",
        "pkce_required_for_password_resets",
        "pkce_required_for_oauth",
        "pkce_required_for_sso",
        "slug_pattern",
        "create_organization_enabled",
        "password_config",
        "dfp_protected_auth_enabled",
        "rbac_policy",
        "siwe_required_for_crypto_wallets",
        "vertical",
    ] {
        assert!(d.get(k).is_some(), "missing {k}");
    }
    assert_eq!(d["captcha_settings"], json!({"enabled": false}));
    assert_eq!(d["vertical"], "B2B");
    assert!(d["password_config"].is_null());
    let roles: Vec<&str> = d["rbac_policy"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role_id"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["stytch_member", "stytch_admin"]);
    let resources: Vec<&str> = d["rbac_policy"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        resources,
        [
            "stytch.organization",
            "stytch.member",
            "stytch.sso",
            "stytch.scim",
            "stytch.self"
        ]
    );

    let r = h
        .sdk(
            Method::GET,
            "/sdk/v1/projects/bootstrap/public-token-test-wrong",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bootstrap_merges_custom_rbac() {
    let seed: Seed = serde_json::from_value(json!({
        "rbac_policy": {
            "roles": [{"role_id": "editor", "description": "Edits docs", "permissions": [{"resource_id": "docs", "actions": ["read", "write"]}]}],
            "resources": [{"resource_id": "docs", "description": "Documents", "actions": ["read", "write"]}]
        }
    })).unwrap();
    let h = Harness::with_seed(seed);
    let pt = h.project.public_token.clone();
    let r = h
        .sdk(
            Method::GET,
            &format!("/sdk/v1/projects/bootstrap/{pt}"),
            None,
            None,
        )
        .await;
    let p = &r.data()["rbac_policy"];
    assert_eq!(p["roles"][2]["role_id"], "editor");
    assert_eq!(p["resources"][5]["resource_id"], "docs");
    assert_eq!(
        p["roles"][2]["permissions"][0]["actions"],
        json!(["read", "write"])
    );
}

#[tokio::test]
async fn events_accepts_anything_without_auth() {
    let h = Harness::new();
    let r = h
        .raw(
            Method::POST,
            "/sdk/v1/events",
            None,
            Some(r#"[{"event":{"event_name":"x"}}]"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({}));
    let r = h
        .raw(Method::POST, "/sdk/v1/events", None, Some("not json"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
