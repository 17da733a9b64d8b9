//! Bad-input matrix for the login-factor and discovery endpoints (email OTP, passwords,
//! discovery, magic-link discovery, session exchange): always Stytch error JSON with the right
//! status and `error_type`; never plain text, 422, 500 or a panic. Plus the emulator-side
//! properties a client test cannot see (hashed storage of codes, passwords and ISTs).

mod common;

use axum::http::Method;
use base64::Engine;
use common::{Harness, basic};
use serde_json::{Value, json};
use sha2::Digest;
use stytch_emulator::Seed;

const PASSWORD: &str = "correct horse battery staple 42";

fn seed() -> Seed {
    let mut s = Seed::default();
    s.organizations[0].members[0].password = Some(PASSWORD.into());
    s.organizations[0].members[0].email_address_verified = true;
    s
}

async fn mailbox(h: &Harness, email: &str) -> Value {
    h.control(Method::GET, &format!("/emulator/v1/messages?to={email}"))
        .await
        .body["messages"][0]
        .clone()
}

/// A discovery IST for `email` (via email OTP).
async fn discovery_ist(h: &Harness, email: &str) -> String {
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/discovery/send",
            None,
            Some(json!({"email_address": email})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let code = mailbox(h, email).await["code"].as_str().unwrap().to_owned();
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/discovery/authenticate",
            None,
            Some(json!({"email_address": email, "code": code})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.data()["intermediate_session_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn login_factor_bad_input_matrix() {
    let h = Harness::with_seed(seed());
    let org = h.org_id("acme").await;
    // A second organization the admin is not in and cannot join.
    let other = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Other", "organization_slug": "other"})),
        )
        .await;
    assert_eq!(other.status, 200, "{}", other.body);
    let other_id = other.body["organization"]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A used reset token.
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/passwords/email/reset/start",
        None,
        Some(json!({"organization_id": org, "email_address": "admin@example.com"})),
    )
    .await;
    let reset_token = mailbox(&h, "admin@example.com").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/passwords/email/reset",
            None,
            Some(json!({"password_reset_token": reset_token, "password": "Tr0ub4dor&3-sunny-meadow-42", "session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // A discovery magic link sent with a PKCE challenge.
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(b"the-right-verifier"));
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/magic_links/email/discovery/send",
        None,
        Some(json!({"email_address": "admin@example.com", "pkce_code_challenge": challenge})),
    )
    .await;
    let dml = mailbox(&h, "admin@example.com").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another discovery code, then an expired one.
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/otps/email/discovery/send",
        None,
        Some(json!({"email_address": "late@example.com"})),
    )
    .await;
    let late_code = mailbox(&h, "late@example.com").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    h.emu.advance_clock(std::time::Duration::from_secs(11 * 60));
    let ist = discovery_ist(&h, "admin@example.com").await;
    // (After the reset above, which revoked the member's sessions.)
    let (st, _, _) = h.login("admin@example.com", "acme").await;

    let otp_send = "/sdk/v1/b2b/otps/email/login_or_signup";
    let otp_auth = "/sdk/v1/b2b/otps/email/authenticate";
    let otp_dsend = "/sdk/v1/b2b/otps/email/discovery/send";
    let otp_dauth = "/sdk/v1/b2b/otps/email/discovery/authenticate";
    let pw_auth = "/sdk/v1/b2b/passwords/authenticate";
    let pw_start = "/sdk/v1/b2b/passwords/email/reset/start";
    let pw_reset = "/sdk/v1/b2b/passwords/email/reset";
    let pw_existing = "/sdk/v1/b2b/passwords/existing_password/reset";
    let pw_session = "/sdk/v1/b2b/passwords/session/reset";
    let pw_strength = "/sdk/v1/b2b/passwords/strength_check";
    let pw_dauth = "/sdk/v1/b2b/passwords/discovery/authenticate";
    let pw_dstart = "/sdk/v1/b2b/passwords/discovery/reset/start";
    let pw_dreset = "/sdk/v1/b2b/passwords/discovery/reset";
    let ml_dsend = "/sdk/v1/b2b/magic_links/email/discovery/send";
    let ml_dauth = "/sdk/v1/b2b/magic_links/discovery/authenticate";
    let d_list = "/sdk/v1/b2b/discovery/organizations";
    let d_create = "/sdk/v1/b2b/discovery/organizations/create";
    let d_exchange = "/sdk/v1/b2b/discovery/intermediate_sessions/exchange";
    let s_exchange = "/sdk/v1/b2b/sessions/exchange";
    let bogus_org = "organization-test-00000000-0000-4000-8000-000000000000";

    // (name, path, use the session?, body, status, error_type)
    let mut cases: Vec<(String, &str, bool, String, u16, &str)> = Vec::new();
    let all = [
        otp_send,
        otp_auth,
        otp_dsend,
        otp_dauth,
        pw_auth,
        pw_start,
        pw_reset,
        pw_existing,
        pw_session,
        pw_strength,
        pw_dauth,
        pw_dstart,
        pw_dreset,
        ml_dsend,
        ml_dauth,
        d_create,
        d_exchange,
        s_exchange,
    ];
    for path in all {
        let sess = path == pw_session || path == s_exchange;
        cases.push((
            format!("{path} malformed"),
            path,
            sess,
            "{oops".into(),
            400,
            "bad_request",
        ));
        cases.push((
            format!("{path} array"),
            path,
            sess,
            "[]".into(),
            400,
            "bad_request",
        ));
        if path != d_create {
            cases.push((
                format!("{path} missing"),
                path,
                sess,
                "{}".into(),
                400,
                "bad_request",
            ));
        }
    }
    let mut add =
        |name: &str, path: &'static str, sess: bool, body: Value, status: u16, et: &'static str| {
            cases.push((name.to_owned(), path, sess, body.to_string(), status, et));
        };
    // Wrong types.
    add(
        "otp send wrong type",
        otp_send,
        false,
        json!({"email_address": 1, "organization_id": org}),
        400,
        "bad_request",
    );
    add(
        "otp auth wrong type",
        otp_auth,
        false,
        json!({"code": 123456, "email_address": "admin@example.com", "organization_id": org}),
        400,
        "bad_request",
    );
    add(
        "pw auth wrong type",
        pw_auth,
        false,
        json!({"organization_id": org, "email_address": "admin@example.com", "password": true}),
        400,
        "bad_request",
    );
    add(
        "strength wrong type",
        pw_strength,
        false,
        json!({"password": ["x"]}),
        400,
        "bad_request",
    );
    add(
        "exchange wrong type",
        d_exchange,
        false,
        json!({"organization_id": 5, "intermediate_session_token": ist}),
        400,
        "bad_request",
    );
    add(
        "create wrong type",
        d_create,
        false,
        json!({"intermediate_session_token": ist, "organization_name": 7}),
        400,
        "bad_request",
    );
    // Email OTP.
    add(
        "otp bad email",
        otp_send,
        false,
        json!({"email_address": "nope", "organization_id": org}),
        400,
        "invalid_email",
    );
    add(
        "otp unknown org",
        otp_send,
        false,
        json!({"email_address": "a@example.com", "organization_id": bogus_org}),
        404,
        "organization_not_found",
    );
    add(
        "otp jit not allowed domain",
        otp_send,
        false,
        json!({"email_address": "a@elsewhere.test", "organization_id": org}),
        403,
        "invalid_email_for_jit_provisioning",
    );
    add(
        "otp expiration too long",
        otp_send,
        false,
        json!({"email_address": "admin@example.com", "organization_id": org, "login_expiration_minutes": 16}),
        400,
        "invalid_expiration",
    );
    add(
        "otp expiration too short",
        otp_dsend,
        false,
        json!({"email_address": "admin@example.com", "discovery_expiration_minutes": 1}),
        400,
        "invalid_expiration",
    );
    add(
        "otp code never sent",
        otp_auth,
        false,
        json!({"code": "123456", "email_address": "nobody@example.com", "organization_id": org}),
        404,
        "otp_code_not_found",
    );
    add(
        "otp expired code",
        otp_dauth,
        false,
        json!({"code": late_code, "email_address": "late@example.com"}),
        401,
        "unable_to_auth_otp_code",
    );
    add(
        "otp bad duration",
        otp_auth,
        false,
        json!({"code": "1", "email_address": "admin@example.com", "organization_id": org, "session_duration_minutes": 1}),
        400,
        "invalid_session_duration_minutes",
    );
    // Passwords.
    add(
        "pw wrong password",
        pw_auth,
        false,
        json!({"organization_id": org, "email_address": "admin@example.com", "password": "nope"}),
        401,
        "unauthorized_credentials",
    );
    add(
        "pw unknown org",
        pw_auth,
        false,
        json!({"organization_id": bogus_org, "email_address": "admin@example.com", "password": "x"}),
        404,
        "organization_not_found",
    );
    add(
        "pw reused reset token",
        pw_reset,
        false,
        json!({"password_reset_token": reset_token, "password": "Tr0ub4dor&3-sunny-meadow-42"}),
        401,
        "unable_to_auth_password_reset_token",
    );
    add(
        "pw unknown reset token",
        pw_dreset,
        false,
        json!({"password_reset_token": "nope", "password": "x"}),
        401,
        "unable_to_auth_password_reset_token",
    );
    add(
        "pw weak new password",
        pw_existing,
        false,
        json!({"organization_id": org, "email_address": "admin@example.com", "existing_password": "Tr0ub4dor&3-sunny-meadow-42", "new_password": "password"}),
        400,
        "weak_password",
    );
    add(
        "pw session reset without session",
        pw_session,
        false,
        json!({"password": "x"}),
        401,
        "unauthorized_credentials",
    );
    add(
        "pw start bad redirect",
        pw_start,
        false,
        json!({"organization_id": org, "email_address": "admin@example.com", "reset_password_redirect_url": "https://evil.test/"}),
        400,
        "no_match_for_provided_magic_link_url",
    );
    add(
        "pw start bad expiration",
        pw_dstart,
        false,
        json!({"email_address": "admin@example.com", "reset_password_expiration_minutes": 4}),
        400,
        "invalid_expiration",
    );
    add(
        "pw discovery wrong password",
        pw_dauth,
        false,
        json!({"email_address": "admin@example.com", "password": "nope"}),
        401,
        "unauthorized_credentials",
    );
    add(
        "pw bad pkce challenge",
        pw_start,
        false,
        json!({"organization_id": org, "email_address": "admin@example.com", "code_challenge": "short"}),
        400,
        "invalid_pkce_code_challenge",
    );
    // Magic-link discovery.
    add(
        "ml discovery unknown token",
        ml_dauth,
        false,
        json!({"discovery_magic_links_token": "nope"}),
        404,
        "magic_link_not_found",
    );
    add(
        "ml discovery pkce mismatch",
        ml_dauth,
        false,
        json!({"discovery_magic_links_token": dml, "pkce_code_verifier": "wrong"}),
        400,
        "pkce_mismatch",
    );
    add(
        "ml discovery pkce missing",
        ml_dauth,
        false,
        json!({"discovery_magic_links_token": dml}),
        400,
        "pkce_expected_code_verifier",
    );
    add(
        "ml discovery bad redirect",
        ml_dsend,
        false,
        json!({"email_address": "admin@example.com", "discovery_redirect_url": "https://evil.test/"}),
        400,
        "no_match_for_provided_magic_link_url",
    );
    // Discovery.
    add(
        "list without ist or session",
        d_list,
        false,
        json!({}),
        401,
        "unauthorized_credentials",
    );
    add(
        "list unknown ist",
        d_list,
        false,
        json!({"intermediate_session_token": "nope"}),
        404,
        "intermediate_session_not_found",
    );
    add(
        "exchange no ist",
        d_exchange,
        false,
        json!({"organization_id": org}),
        404,
        "intermediate_session_not_found",
    );
    add(
        "exchange unknown org",
        d_exchange,
        false,
        json!({"organization_id": bogus_org, "intermediate_session_token": ist}),
        404,
        "organization_not_found",
    );
    add(
        "exchange wrong org",
        d_exchange,
        false,
        json!({"organization_id": other_id, "intermediate_session_token": ist}),
        400,
        "invalid_intermediate_session_token_for_organization",
    );
    add(
        "exchange bad duration",
        d_exchange,
        false,
        json!({"organization_id": org, "intermediate_session_token": ist, "session_duration_minutes": 0}),
        400,
        "invalid_session_duration_minutes",
    );
    add(
        "create no ist",
        d_create,
        false,
        json!({"organization_name": "X"}),
        404,
        "intermediate_session_not_found",
    );
    add(
        "create slug used",
        d_create,
        false,
        json!({"intermediate_session_token": ist, "organization_slug": "acme"}),
        400,
        "organization_slug_already_used",
    );
    add(
        "create slug invalid",
        d_create,
        false,
        json!({"intermediate_session_token": ist, "organization_slug": "a"}),
        400,
        "invalid_organization_slug",
    );
    add(
        "create name too long",
        d_create,
        false,
        json!({"intermediate_session_token": ist, "organization_name": "n".repeat(129)}),
        400,
        "invalid_organization_name",
    );
    add(
        "create restricted without methods",
        d_create,
        false,
        json!({"intermediate_session_token": ist, "auth_methods": "RESTRICTED"}),
        400,
        "allowed_auth_methods_required_for_restricted",
    );
    add(
        "session exchange no session",
        s_exchange,
        false,
        json!({"organization_id": org}),
        401,
        "unauthorized_credentials",
    );
    add(
        "session exchange unknown org",
        s_exchange,
        true,
        json!({"organization_id": bogus_org}),
        404,
        "organization_not_found",
    );
    add(
        "session exchange not a member",
        s_exchange,
        true,
        json!({"organization_id": other_id}),
        404,
        "member_not_found",
    );

    assert!(cases.len() >= 90, "{}", cases.len());
    let pt = h.project.public_token.clone();
    for (name, path, sess, body, status, et) in cases {
        let auth = basic(&pt, if sess { &st } else { &pt });
        let r = h
            .raw(Method::POST, path, Some(auth), Some(&body), &[])
            .await;
        assert_eq!(r.status.as_u16(), status, "{name}: {}", r.body);
        assert_eq!(r.error_type(), et, "{name}: {}", r.body);
        assert_eq!(r.body["status_code"], status, "{name}");
        assert!(r.body.get("data").is_none(), "{name}");
    }
    // No auth at all (a body with every required field, so only the auth is wrong).
    let superset = json!({"email_address": "a@example.com", "organization_id": org, "code": "1",
        "password": "x", "password_reset_token": "x", "existing_password": "x", "new_password": "x",
        "discovery_magic_links_token": "x"})
    .to_string();
    for path in all {
        let r = h.raw(Method::POST, path, None, Some(&superset), &[]).await;
        assert_eq!(r.status.as_u16(), 401, "{path}");
        assert_eq!(r.error_type(), "unauthorized_credentials", "{path}");
    }
    // The IST survived every failed attempt above (failures roll back) and still works.
    let r = h
        .sdk(
            Method::POST,
            d_exchange,
            None,
            Some(json!({"organization_id": org, "intermediate_session_token": ist})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.data()["member_authenticated"], true);
}

#[tokio::test]
async fn reset_restores_the_seed_and_wipes_login_factor_state() {
    let h = Harness::with_seed(seed());
    let ist = discovery_ist(&h, "admin@example.com").await;
    let r = h.control(Method::POST, "/emulator/v1/reset").await;
    assert_eq!(r.status, 200);
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/discovery/organizations",
            None,
            Some(json!({"intermediate_session_token": ist})),
        )
        .await;
    assert_eq!(r.error_type(), "intermediate_session_not_found");
    // The seeded password is back after the reset.
    let org = h.org_id("acme").await;
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/passwords/authenticate",
            None,
            Some(json!({"organization_id": org, "email_address": "admin@example.com", "password": PASSWORD, "session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.data()["member"]["member_password_id"]
            .as_str()
            .map(|s| s.starts_with("member-password-test-")),
        Some(true)
    );
}
