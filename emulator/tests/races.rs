//! Single-use tokens under concurrency: one magic-link token, one email OTP code, one
//! password-reset token, one discovery OTP code, each presented by 16 concurrent requests on a
//! multi-threaded runtime → exactly one success, every other answer 4xx Stytch error JSON.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Harness, Resp, check_error_json};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const N: usize = 16;

/// `N` copies of one SDK POST, all spawned before any is awaited.
async fn race(h: &Harness, path: &str, body: Value) -> Vec<Resp> {
    let auth = h.sdk_public_auth();
    let tasks: Vec<_> = (0..N)
        .map(|_| {
            let app = h.app.clone();
            let req = Request::builder()
                .method(Method::POST)
                .uri(path)
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .expect("request");
            tokio::spawn(async move {
                let resp = app.oneshot(req).await.expect("infallible");
                let status = resp.status();
                let headers = resp.headers().clone();
                let bytes = resp.into_body().collect().await.expect("body").to_bytes();
                Resp {
                    status,
                    headers,
                    body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                }
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("the handler panicked"));
    }
    out
}

fn exactly_one_success(what: &str, answers: &[Resp]) {
    let ok = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let mut types: Vec<String> = answers
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .map(|r| format!("{} {}", r.status.as_u16(), r.error_type()))
        .collect();
    types.sort();
    types.dedup();
    eprintln!("races: {what}: {ok} success of {N}; others: {types:?}");
    assert_eq!(ok, 1, "{what}: {ok} successes of {N}: {types:?}");
    for r in answers.iter().filter(|r| r.status != StatusCode::OK) {
        assert!(
            r.status.is_client_error(),
            "{what}: {} {}",
            r.status,
            r.text
        );
        check_error_json(r).unwrap_or_else(|e| panic!("{what}: {e}"));
    }
}

async fn mailbox(h: &Harness, email: &str) -> Value {
    h.control(Method::GET, &format!("/emulator/v1/messages?to={email}"))
        .await
        .body["messages"][0]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn magic_link_token_is_used_once() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (r, token) = h.send_link("admin@example.com", &org, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let answers = race(
        &h,
        "/sdk/v1/b2b/magic_links/authenticate",
        json!({"magic_links_token": token.expect("token"), "session_duration_minutes": 60}),
    )
    .await;
    exactly_one_success("magic link", &answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn email_otp_code_is_used_once() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/login_or_signup",
            None,
            Some(json!({"organization_id": org, "email_address": "admin@example.com"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = mailbox(&h, "admin@example.com").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    let answers = race(
        &h,
        "/sdk/v1/b2b/otps/email/authenticate",
        json!({"organization_id": org, "email_address": "admin@example.com", "code": code,
               "session_duration_minutes": 60}),
    )
    .await;
    exactly_one_success("email OTP", &answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn discovery_otp_code_is_used_once() {
    let h = Harness::new();
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/discovery/send",
            None,
            Some(json!({"email_address": "admin@example.com"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = mailbox(&h, "admin@example.com").await["code"]
        .as_str()
        .expect("code")
        .to_string();
    let answers = race(
        &h,
        "/sdk/v1/b2b/otps/email/discovery/authenticate",
        json!({"email_address": "admin@example.com", "code": code}),
    )
    .await;
    exactly_one_success("discovery OTP", &answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_reset_token_is_used_once() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/passwords/email/reset/start",
            None,
            Some(json!({"organization_id": org, "email_address": "admin@example.com"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = mailbox(&h, "admin@example.com").await["token"]
        .as_str()
        .expect("token")
        .to_string();
    let answers = race(
        &h,
        "/sdk/v1/b2b/passwords/email/reset",
        json!({"password_reset_token": token, "password": "Tr0ub4dor&3-sunny-meadow-42",
               "session_duration_minutes": 60}),
    )
    .await;
    exactly_one_success("password reset", &answers);
}
