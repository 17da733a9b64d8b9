//! The last SDK session methods: `sessions/revoke/{member_id}` (RBAC-checked),
//! `sessions/exchange_access_token` and `sessions/attest` (answered with documented errors: the
//! emulator has no connected apps and no trusted auth token profiles).

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, seed_with_passwords};
use serde_json::json;

const ADMIN: &str = "admin@example.com";
const MEMBER: &str = "member@example.com";

async fn alive(h: &Harness, session: &str) -> bool {
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/sessions/authenticate",
        Some(session),
        Some(json!({})),
    )
    .await
    .status
        == StatusCode::OK
}

async fn revoke(h: &Harness, session: Option<&str>, member_id: &str) -> common::Resp {
    h.sdk(
        Method::POST,
        &format!("/sdk/v1/b2b/sessions/revoke/{member_id}"),
        session,
        None,
    )
    .await
}

#[tokio::test]
async fn revoke_for_member_needs_revoke_sessions_or_self() {
    let h = Harness::with_seed(seed_with_passwords(&[(MEMBER, "violet-kettle-harbor-29")]));
    let (admin, _, admin_auth) = h.login(ADMIN, "acme").await;
    let (member, _, member_auth) = h.login(MEMBER, "acme").await;
    let (member2, _, _) = h.login(MEMBER, "acme").await;
    let admin_id = admin_auth["member_id"].as_str().expect("id");
    let member_id = member_auth["member_id"].as_str().expect("id");

    // A stytch_member may not revoke another member's sessions.
    let r = revoke(&h, Some(&member), admin_id).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(r.error_type(), "session_authorization_error");
    assert!(alive(&h, &admin).await);

    // An admin may: every session of that member ends.
    let r = revoke(&h, Some(&admin), member_id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!alive(&h, &member).await);
    assert!(!alive(&h, &member2).await);
    assert!(alive(&h, &admin).await);

    // Oneself, always.
    let (member3, _, _) = h.login(MEMBER, "acme").await;
    let r = revoke(&h, Some(&member3), member_id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!alive(&h, &member3).await);

    // No session; an unknown member.
    let r = revoke(&h, None, member_id).await;
    assert_eq!(r.error_type(), "unauthorized_credentials");
    let r = revoke(
        &h,
        Some(&admin),
        "member-test-00000000-0000-4000-8000-000000000000",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(r.error_type(), "member_not_found");
}

#[tokio::test]
async fn exchange_access_token_and_attest_answer_documented_errors() {
    let h = Harness::new();
    let (session, _, _) = h.login(ADMIN, "acme").await;
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/exchange_access_token",
            Some(&session),
            Some(json!({"access_token": "eyJhbGciOi.x.y", "session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(r.error_type(), "idp_access_token_not_found");
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/exchange_access_token",
            Some(&session),
            Some(json!({"session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.error_type(), "bad_request", "{}", r.text);

    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/attest",
            None,
            Some(json!({"profile_id": "trusted-auth-token-profile-test-1", "token": "abc"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.error_type(), "unavailable_endpoint");
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/attest",
            None,
            Some(json!({"profile_id": "p", "token": "t", "session_duration_minutes": 1})),
        )
        .await;
    assert_eq!(r.error_type(), "invalid_session_duration_minutes");
    // The caller's session is untouched.
    assert!(alive(&h, &session).await);
}
