//! `POST /emulator/v1/sessions`: one call signs a member in (by organization slug or id, by email
//! or member id), provisions a new email only where the organization's JIT rules allow it, applies
//! roles and the session duration, and answers the authenticate response plus the browser's
//! session cookies. The token and JWT it returns are real: they authenticate on both surfaces.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const PATH: &str = "/emulator/v1/sessions";

/// The demo's seed: Acme (JIT for example.com) and Globex (no JIT).
fn demo() -> Harness {
    Harness::with_seed(serde_json::from_str(include_str!("../seeds/demo.json")).expect("demo seed"))
}

async fn sign_in(h: &Harness, body: Value) -> Resp {
    h.raw(Method::POST, PATH, None, Some(&body.to_string()), &[])
        .await
}

async fn signed_in(h: &Harness, body: Value) -> Value {
    let r = sign_in(h, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn unix(v: &Value) -> i64 {
    OffsetDateTime::parse(v.as_str().expect("timestamp"), &Rfc3339)
        .expect("RFC 3339")
        .unix_timestamp()
}

fn role_ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("roles")
        .iter()
        .map(|r| {
            r.as_str()
                .or(r["role_id"].as_str())
                .expect("role")
                .to_owned()
        })
        .collect()
}

/// SDK `sessions/authenticate` with `token` as the session.
async fn sdk_authenticate(h: &Harness, token: &str) -> Resp {
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/sessions/authenticate",
        Some(token),
        Some(json!({})),
    )
    .await
}

fn assert_error(r: &Resp, status: u16, error_type: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.error_type(), error_type, "{}", r.text);
    assert_eq!(r.body["status_code"], status);
    assert!(r.body["request_id"].is_string() && r.body["error_url"].is_string());
    assert!(
        r.body["error_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[tokio::test]
async fn by_slug_and_email_answers_the_authenticate_response_and_cookies() {
    let h = Harness::new();
    let a = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "Admin@Example.com "}),
    )
    .await;
    let org_id = h.org_id("acme").await;
    assert_eq!(a["status_code"], 200);
    assert_eq!(a["member"]["email_address"], "admin@example.com");
    assert_eq!(a["member"]["status"], "active");
    assert_eq!(a["member_id"], a["member"]["member_id"]);
    assert_eq!(a["organization"]["organization_slug"], "acme");
    assert_eq!(a["organization_id"], org_id.as_str());
    assert_eq!(a["member_session"]["organization_id"], org_id.as_str());
    assert_eq!(a["member_session"]["member_id"], a["member_id"]);
    assert_eq!(a["member_session"]["organization_slug"], "acme");
    assert_eq!(
        a["member_session"]["authentication_factors"][0]["type"],
        "magic_link"
    );
    assert_eq!(a["member_authenticated"], true);
    assert_eq!(a["member_created"], false);
    assert_eq!(a["intermediate_session_token"], "");
    let token = a["session_token"].as_str().expect("token");
    let jwt = a["session_jwt"].as_str().expect("jwt");
    assert_eq!(token.len(), 44);
    assert_eq!(jwt.split('.').count(), 3);

    let expires = unix(&a["member_session"]["expires_at"]);
    assert_eq!(
        a["cookies"],
        json!([
            {"name": "stytch_session", "value": token, "path": "/", "expires": expires,
             "httpOnly": false, "secure": false, "sameSite": "Lax"},
            {"name": "stytch_session_jwt", "value": jwt, "path": "/", "expires": expires,
             "httpOnly": false, "secure": false, "sameSite": "Lax"},
        ])
    );
}

#[tokio::test]
async fn by_organization_id_and_member_id() {
    let h = Harness::new();
    let org_id = h.org_id("acme").await;
    let first = signed_in(
        &h,
        json!({"organization_id": org_id, "email_address": "admin@example.com"}),
    )
    .await;
    let member_id = first["member_id"].as_str().expect("member id");
    let again = signed_in(
        &h,
        json!({"organization_id": org_id, "member_id": member_id}),
    )
    .await;
    assert_eq!(again["member_id"], member_id);
    assert_eq!(again["member"]["email_address"], "admin@example.com");
    assert_ne!(
        again["session_token"], first["session_token"],
        "every call is a new session"
    );
    assert_ne!(
        again["member_session"]["member_session_id"],
        first["member_session"]["member_session_id"]
    );
}

#[tokio::test]
async fn the_session_authenticates_on_the_sdk_and_backend_surfaces() {
    let h = Harness::new();
    let a = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com"}),
    )
    .await;
    let token = a["session_token"].as_str().expect("token");
    let jwt = a["session_jwt"].as_str().expect("jwt");

    let sdk = sdk_authenticate(&h, token).await;
    assert_eq!(sdk.status, StatusCode::OK, "{}", sdk.text);
    assert_eq!(
        sdk.data()["member_session"]["member_session_id"],
        a["member_session"]["member_session_id"]
    );

    for body in [json!({"session_token": token}), json!({"session_jwt": jwt})] {
        let b = h
            .backend(Method::POST, "/v1/b2b/sessions/authenticate", Some(body))
            .await;
        assert_eq!(b.status, StatusCode::OK, "{}", b.text);
        assert_eq!(b.body["member"]["member_id"], a["member_id"]);
        assert_eq!(
            b.body["member_session"]["member_session_id"],
            a["member_session"]["member_session_id"]
        );
    }
}

#[tokio::test]
async fn a_new_email_is_provisioned_where_jit_allows_it() {
    let h = Harness::new();
    let a = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "newcomer@example.com"}),
    )
    .await;
    assert_eq!(a["member_created"], true);
    assert_eq!(a["member"]["status"], "active");
    assert_eq!(a["member"]["email_address_verified"], true);
    let org_id = h.org_id("acme").await;
    let stored = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org_id}/member?email_address=newcomer@example.com"),
            None,
        )
        .await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.text);
    assert_eq!(stored.body["member"]["member_id"], a["member_id"]);
    assert_eq!(stored.body["member"]["status"], "active");
}

#[tokio::test]
async fn a_new_email_is_refused_where_jit_does_not_allow_it() {
    let h = demo();
    // Acme allows JIT for example.com only; Globex allows no JIT at all.
    let r = sign_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "someone@elsewhere.test"}),
    )
    .await;
    assert_error(&r, 403, "invalid_email_for_jit_provisioning");
    let r = sign_in(
        &h,
        json!({"organization_slug": "globex", "email_address": "new@globex.test"}),
    )
    .await;
    assert_error(&r, 403, "email_jit_provisioning_not_allowed");
    // An existing member of the restrictive organization signs in all the same.
    let bob = signed_in(
        &h,
        json!({"organization_slug": "globex", "email_address": "bob@globex.test"}),
    )
    .await;
    assert_eq!(bob["member"]["name"], "Bob Globex");

    let globex = h.org_id("globex").await;
    let none = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{globex}/member?email_address=new@globex.test"),
            None,
        )
        .await;
    assert_eq!(
        none.status,
        StatusCode::NOT_FOUND,
        "refused means not created"
    );
}

#[tokio::test]
async fn roles_replace_the_members_assigned_roles() {
    let h = Harness::new();
    let a = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "new@example.com",
               "roles": ["stytch_admin"]}),
    )
    .await;
    assert_eq!(
        role_ids(&a["member"]["roles"]),
        ["stytch_member", "stytch_admin"]
    );
    assert_eq!(a["member"]["is_admin"], true);
    assert_eq!(
        role_ids(&a["member_session"]["roles"]),
        ["stytch_member", "stytch_admin"]
    );
    // The roles are the member's, not only this answer's: a later session sees them.
    let sdk = sdk_authenticate(&h, a["session_token"].as_str().expect("token")).await;
    assert_eq!(
        role_ids(&sdk.data()["member_session"]["roles"]),
        ["stytch_member", "stytch_admin"]
    );

    let demoted = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com", "roles": []}),
    )
    .await;
    assert_eq!(role_ids(&demoted["member"]["roles"]), ["stytch_member"]);
    assert_eq!(demoted["member"]["is_admin"], false);

    let kept = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "new@example.com"}),
    )
    .await;
    assert_eq!(
        role_ids(&kept["member"]["roles"]),
        ["stytch_member", "stytch_admin"],
        "no roles field keeps the member's roles"
    );

    let r = sign_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com",
               "roles": ["no_such_role"]}),
    )
    .await;
    assert_error(&r, 400, "invalid_rbac_role_id");
    let r = sign_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com",
               "roles": ["stytch_member"]}),
    )
    .await;
    assert_error(&r, 400, "cannot_assign_default_rbac_role_id");
    let r = sign_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "brand-new@example.com",
               "roles": ["no_such_role"]}),
    )
    .await;
    assert_error(&r, 400, "invalid_rbac_role_id");
    let org_id = h.org_id("acme").await;
    let none = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org_id}/member?email_address=brand-new@example.com"),
            None,
        )
        .await;
    assert_eq!(
        none.status,
        StatusCode::NOT_FOUND,
        "a refused sign-in leaves no member behind"
    );
}

#[tokio::test]
async fn the_duration_is_honoured_and_validated() {
    let h = Harness::new();
    let a = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com",
               "session_duration_minutes": 30}),
    )
    .await;
    let s = &a["member_session"];
    let expires = unix(&s["expires_at"]);
    assert_eq!(expires - unix(&s["started_at"]), 30 * 60);
    assert_eq!(a["cookies"][0]["expires"], expires);
    assert_eq!(a["cookies"][1]["expires"], expires);
    let token = a["session_token"].as_str().expect("token");

    h.emu.advance_clock(Duration::from_secs(29 * 60));
    assert_eq!(sdk_authenticate(&h, token).await.status, StatusCode::OK);
    h.emu.advance_clock(Duration::from_secs(2 * 60));
    let expired = sdk_authenticate(&h, token).await;
    assert_error(&expired, 404, "session_not_found");

    let default = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com"}),
    )
    .await;
    let s = &default["member_session"];
    assert_eq!(unix(&s["expires_at"]) - unix(&s["started_at"]), 60 * 60);

    for bad in [json!(4), json!(527_041), json!(-1)] {
        let r = sign_in(
            &h,
            json!({"organization_slug": "acme", "email_address": "admin@example.com",
                   "session_duration_minutes": bad}),
        )
        .await;
        assert_error(&r, 400, "invalid_session_duration_minutes");
    }
}

#[tokio::test]
async fn http_only_mode_marks_the_cookies_http_only() {
    let h = Harness::new();
    let r = h
        .raw(
            Method::POST,
            "/emulator/v1/settings",
            None,
            Some(r#"{"http_only_cookies": true}"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let a = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com"}),
    )
    .await;
    assert_eq!(a["cookies"][0]["httpOnly"], true);
    assert_eq!(a["cookies"][1]["httpOnly"], true);
    assert_eq!(a["cookies"][0]["value"], a["session_token"]);
}

#[tokio::test]
async fn bad_input_gets_stytch_error_json() {
    let h = demo();
    let org_id = h.org_id("acme").await;
    let admin = signed_in(
        &h,
        json!({"organization_slug": "acme", "email_address": "admin@example.com"}),
    )
    .await;
    let cases: Vec<(&str, u16, &str)> = vec![
        ("not json", 400, "bad_request"),
        ("[]", 400, "bad_request"),
        ("{}", 400, "bad_request"),
        (r#"{"organization_slug": "acme"}"#, 400, "bad_request"),
        (
            r#"{"email_address": "admin@example.com"}"#,
            400,
            "bad_request",
        ),
        (
            r#"{"organization_slug": "acme", "email_address": "  "}"#,
            400,
            "bad_request",
        ),
        (
            r#"{"organization_slug": "acme", "email_address": "a@example.com", "member_id": "m"}"#,
            400,
            "bad_request",
        ),
        (
            r#"{"organization_slug": "acme", "email_address": "a@example.com", "colour": "red"}"#,
            400,
            "bad_request",
        ),
        (
            r#"{"organization_slug": "acme", "email_address": 7}"#,
            400,
            "bad_request",
        ),
        (
            r#"{"organization_slug": "acme", "email_address": "not-an-email"}"#,
            400,
            "invalid_email",
        ),
        (
            r#"{"organization_slug": "nope", "email_address": "a@example.com"}"#,
            404,
            "organization_not_found",
        ),
        (
            r#"{"organization_id": "organization-test-nope", "email_address": "a@example.com"}"#,
            404,
            "organization_not_found",
        ),
        (
            r#"{"organization_slug": "acme", "member_id": "member-test-nope"}"#,
            404,
            "member_not_found",
        ),
    ];
    for (body, status, error_type) in cases {
        let r = h.raw(Method::POST, PATH, None, Some(body), &[]).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text);
        assert_eq!(r.error_type(), error_type, "{body}: {}", r.text);
    }
    let both = sign_in(
        &h,
        json!({"organization_id": org_id, "organization_slug": "acme",
               "email_address": "admin@example.com"}),
    )
    .await;
    assert_error(&both, 400, "bad_request");

    // A member of Acme is not found through Globex.
    let r = sign_in(
        &h,
        json!({"organization_slug": "globex", "member_id": admin["member_id"]}),
    )
    .await;
    assert_error(&r, 404, "member_not_found");

    // A deleted member cannot be signed in, by email or by id.
    let member_id = admin["member_id"].as_str().expect("member id");
    let d = h
        .backend(
            Method::DELETE,
            &format!("/v1/b2b/organizations/{org_id}/members/{member_id}"),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    for body in [
        json!({"organization_slug": "acme", "email_address": "admin@example.com"}),
        json!({"organization_slug": "acme", "member_id": member_id}),
    ] {
        let r = sign_in(&h, body).await;
        assert_error(&r, 400, "action_available_only_for_active_members");
    }

    let get = h.raw(Method::GET, PATH, None, None, &[]).await;
    assert_error(&get, 405, "method_not_allowed");
}

type Headers<'a> = &'a [(&'a str, &'a str)];

#[tokio::test]
async fn the_guard_refuses_it_cross_site_and_on_foreign_hosts() {
    let h = Harness::new();
    let body =
        json!({"organization_slug": "acme", "email_address": "admin@example.com"}).to_string();
    let refused: [(Headers, u16, &str); 3] = [
        (
            &[("origin", "https://evil.example")],
            403,
            "cross_site_request_forbidden",
        ),
        (
            &[("sec-fetch-site", "cross-site")],
            403,
            "cross_site_request_forbidden",
        ),
        (&[("host", "evil.example")], 403, "host_not_allowed"),
    ];
    for (headers, status, error_type) in refused {
        let r = h.raw(Method::POST, PATH, None, Some(&body), headers).await;
        assert_error(&r, status, error_type);
        assert!(r.body.get("session_token").is_none());
    }
    // A text/plain "simple" request from a foreign page is refused as well.
    let r = h
        .raw(
            Method::POST,
            PATH,
            None,
            Some(&body),
            &[
                ("origin", "https://evil.example"),
                ("content-type", "text/plain"),
            ],
        )
        .await;
    assert_error(&r, 403, "cross_site_request_forbidden");

    // The demo's own origin, and the emulator's loopback host, are served.
    let ok = h
        .raw(
            Method::POST,
            PATH,
            None,
            Some(&body),
            &[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:4010"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
}
