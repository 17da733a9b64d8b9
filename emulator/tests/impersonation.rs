//! Impersonation: tokens minted through the control API (as Stytch's Dashboard does), the SDK's
//! `impersonation/authenticate`, and the rules of the session it gives.

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp};
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ADMIN: &str = "admin@example.com";
const SUPPORT: &str = "support@vendor.test";

async fn mint(h: &Harness, body: Value) -> Resp {
    h.raw(
        Method::POST,
        "/emulator/v1/impersonation_tokens",
        None,
        Some(&body.to_string()),
        &[],
    )
    .await
}

async fn admin_id(h: &Harness, org: &str) -> String {
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org}/member?email_address={ADMIN}"),
            None,
        )
        .await;
    r.body["member"]["member_id"]
        .as_str()
        .expect("member")
        .to_string()
}

async fn token_for(h: &Harness) -> (String, String, String) {
    let org = h.org_id("acme").await;
    let member = admin_id(h, &org).await;
    let r = mint(
        h,
        json!({"organization_id": org, "member_id": member, "impersonator_email_address": SUPPORT, "reason": "Ticket 42: cannot see invoices"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (
        r.body["token"].as_str().expect("token").to_string(),
        org,
        member,
    )
}

async fn authenticate(h: &Harness, token: &str, extra: Value) -> Resp {
    let mut body = json!({"impersonation_token": token});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    h.sdk(
        Method::POST,
        "/sdk/v1/b2b/impersonation/authenticate",
        None,
        Some(body),
    )
    .await
}

fn unix(ts: &Value) -> i64 {
    OffsetDateTime::parse(ts.as_str().expect("timestamp"), &Rfc3339)
        .expect("rfc3339")
        .unix_timestamp()
}

#[tokio::test]
async fn the_control_api_mints_a_link_to_the_default_login_url() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let member = admin_id(&h, &org).await;
    let r = mint(
        &h,
        json!({"organization_id": org, "member_id": member, "impersonator_email_address": SUPPORT, "reason": "Ticket 42"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = r.body["token"].as_str().expect("token");
    assert_eq!(token.len(), 44);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(
        r.body["url"],
        format!(
            "http://127.0.0.1:8080/?stytch_token_type=multi_tenant_impersonation&token={token}"
        )
    );
    let again = mint(
        &h,
        json!({"organization_id": org, "member_id": member, "impersonator_email_address": SUPPORT, "reason": "Ticket 42"}),
    )
    .await;
    assert_ne!(again.body["token"], r.body["token"]);
}

#[tokio::test]
async fn an_impersonation_token_gives_one_hour_session_with_one_impersonated_factor() {
    let h = Harness::new();
    let (token, org, member) = token_for(&h).await;
    // Even an organization that requires MFA lets the impersonator straight in.
    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org}"),
            Some(json!({"mfa_policy": "REQUIRED_FOR_ALL"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = authenticate(&h, &token, json!({"session_duration_minutes": 600})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["member_authenticated"], true);
    assert_eq!(d["intermediate_session_token"], "");
    assert!(d["mfa_required"].is_null());
    assert_eq!(d["member_id"], member.as_str());
    let s = &d["member_session"];
    assert_eq!(unix(&s["expires_at"]) - unix(&s["started_at"]), 60 * 60);
    let factors = s["authentication_factors"].as_array().expect("factors");
    assert_eq!(factors.len(), 1);
    assert_eq!(factors[0]["type"], "impersonated");
    assert_eq!(factors[0]["delivery_method"], "impersonation");
    assert_eq!(
        factors[0]["impersonated_factor"]["impersonator_email_address"],
        SUPPORT
    );
    assert!(
        factors[0]["impersonated_factor"]["impersonator_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("member-test-"))
    );

    // The session cannot be extended: a longer duration leaves its expiry as it was.
    let session = d["session_token"].as_str().expect("st");
    let a = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(session),
            Some(json!({"session_duration_minutes": 600})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.data()["member_session"]["expires_at"], s["expires_at"]);

    // No factor can be added to it (nor a phone or an authenticator linked through it).
    for (path, body) in [
        (
            "/sdk/v1/b2b/otps/sms/send",
            json!({"organization_id": org, "member_id": member, "mfa_phone_number": "+15550000000"}),
        ),
        (
            "/sdk/v1/b2b/otps/sms/authenticate",
            json!({"organization_id": org, "member_id": member, "code": "123456"}),
        ),
        (
            "/sdk/v1/b2b/totp",
            json!({"organization_id": org, "member_id": member}),
        ),
    ] {
        let r = h.sdk(Method::POST, path, Some(session), Some(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert_eq!(r.error_type(), "session_not_mutable_impersonated", "{path}");
    }
    let m = h
        .control(Method::GET, "/emulator/v1/messages?to=%2B15550000000")
        .await;
    assert_eq!(m.body["messages"], json!([]));

    // After the hour it is gone.
    h.emu.advance_clock(Duration::from_secs(60 * 60 + 1));
    let a = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(session),
            Some(json!({})),
        )
        .await;
    assert_eq!(a.error_type(), "session_not_found");
}

#[tokio::test]
async fn a_token_is_single_use_and_lives_five_minutes() {
    let h = Harness::new();
    let (token, _, _) = token_for(&h).await;
    assert_eq!(
        authenticate(&h, &token, json!({})).await.status,
        StatusCode::OK
    );
    let again = authenticate(&h, &token, json!({})).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.text);
    assert_eq!(again.error_type(), "unable_to_auth_impersonation_token");

    let (token, _, _) = token_for(&h).await;
    h.emu.advance_clock(Duration::from_secs(5 * 60 + 1));
    let late = authenticate(&h, &token, json!({})).await;
    assert_eq!(late.error_type(), "unable_to_auth_impersonation_token");

    let unknown = authenticate(&h, "not-a-token", json!({})).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.error_type(), "unable_to_auth_impersonation_token");
    // A magic-link token is not an impersonation token.
    let org = h.org_id("acme").await;
    let (_, ml) = h.send_link(ADMIN, &org, json!({})).await;
    let wrong_kind = authenticate(&h, &ml.expect("token"), json!({})).await;
    assert_eq!(
        wrong_kind.error_type(),
        "unable_to_auth_impersonation_token"
    );
}

#[tokio::test]
async fn a_member_deleted_after_minting_cannot_be_impersonated() {
    let h = Harness::new();
    let (token, org, member) = token_for(&h).await;
    let r = h
        .backend(
            Method::DELETE,
            &format!("/v1/b2b/organizations/{org}/members/{member}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = authenticate(&h, &token, json!({})).await;
    assert_eq!(r.error_type(), "unable_to_auth_impersonation_token");
}

#[tokio::test]
async fn minting_checks_its_input() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let member = admin_id(&h, &org).await;
    let cases = [
        (
            json!({"organization_id": org, "member_id": member, "impersonator_email_address": SUPPORT, "reason": "  "}),
            400,
            "invalid_impersonation_reason",
        ),
        (
            json!({"organization_id": org, "member_id": member, "impersonator_email_address": "nobody", "reason": "x"}),
            400,
            "invalid_email",
        ),
        (
            json!({"organization_id": org, "member_id": "member-test-00000000-0000-4000-8000-000000000000", "impersonator_email_address": SUPPORT, "reason": "x"}),
            404,
            "member_not_found",
        ),
        (
            json!({"organization_id": "organization-test-00000000-0000-4000-8000-000000000000", "member_id": member, "impersonator_email_address": SUPPORT, "reason": "x"}),
            404,
            "organization_not_found",
        ),
        (
            json!({"organization_id": org, "member_id": member, "reason": "x"}),
            400,
            "bad_request",
        ),
    ];
    for (body, status, error_type) in cases {
        let r = mint(&h, body.clone()).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text);
        assert_eq!(r.error_type(), error_type, "{body}");
    }
}

#[tokio::test]
async fn the_backend_twin_authenticates_a_token_too() {
    let h = Harness::new();
    let (token, _, member) = token_for(&h).await;
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/impersonation/authenticate",
            Some(json!({"impersonation_token": token})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["member_id"], member.as_str());
    assert_eq!(
        r.body["member_session"]["authentication_factors"][0]["type"],
        "impersonated"
    );
    let again = h
        .backend(
            Method::POST,
            "/v1/b2b/impersonation/authenticate",
            Some(json!({"impersonation_token": token})),
        )
        .await;
    assert_eq!(again.error_type(), "unable_to_auth_impersonation_token");
}
