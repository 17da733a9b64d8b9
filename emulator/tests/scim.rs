//! SCIM connection management through the in-process router, as the SDK calls it: create (the
//! token shown once), update, get, delete, rotation, the groups list, RBAC and Stytch's error
//! types.

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp, check_error_json};
use serde_json::{Value, json};

const SCIM: &str = "/sdk/v1/b2b/scim";

struct Admin {
    h: Harness,
    session: String,
    org_id: String,
}

async fn admin() -> Admin {
    let h = Harness::new();
    let (session, _, _) = h.login("admin@example.com", "acme").await;
    let org_id = h.org_id("acme").await;
    Admin { h, session, org_id }
}

impl Admin {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.h.sdk(method, path, Some(&self.session), body).await
    }

    async fn create(&self, body: Value) -> Value {
        let r = self.call(Method::POST, SCIM, Some(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.data()["connection"].clone()
    }

    async fn rotate(&self, step: &str, cid: &str) -> Resp {
        self.call(
            Method::POST,
            &format!("{SCIM}/rotate/{step}"),
            Some(json!({ "connection_id": cid })),
        )
        .await
    }

    async fn org(&self) -> Value {
        let r = self
            .call(Method::GET, "/sdk/v1/b2b/organizations/me", None)
            .await;
        r.data()["organization"].clone()
    }
}

fn id(c: &Value) -> String {
    c["connection_id"]
        .as_str()
        .expect("connection_id")
        .to_owned()
}

fn expect_error(r: &Resp, status: StatusCode, error_type: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.error_type(), error_type, "{}", r.text);
    check_error_json(r).expect("Stytch error JSON");
}

#[tokio::test]
async fn create_shows_the_token_once_and_one_connection_per_organization() {
    let a = admin().await;
    let c = a
        .create(json!({"display_name": "Okta push", "identity_provider": "okta"}))
        .await;
    let cid = id(&c);
    assert!(cid.starts_with("scim-connection-test-"), "{cid}");
    assert_eq!(c["organization_id"], a.org_id);
    assert_eq!(c["status"], "active");
    assert_eq!(c["display_name"], "Okta push");
    assert_eq!(c["identity_provider"], "okta");
    let base = c["base_url"].as_str().unwrap();
    assert!(base.ends_with(&format!("/v1/b2b/scim/{cid}")), "{base}");
    assert!(base.starts_with("http://"), "{base}");
    let token = c["bearer_token"].as_str().expect("bearer_token").to_owned();
    assert_eq!(token.len(), 48);
    assert!(token.chars().all(|ch| ch.is_ascii_alphanumeric()));
    assert_eq!(c["bearer_token_last_four"], token[44..]);
    assert!(
        c["bearer_token_expires_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(c["scim_group_implicit_role_assignments"], json!([]));

    // Afterwards only the last four are shown.
    let r = a.call(Method::GET, SCIM, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = &r.data()["connection"];
    assert_eq!(id(got), cid);
    assert!(got.get("bearer_token").is_none(), "{got}");
    assert!(!r.text.contains(&token));
    assert_eq!(got["bearer_token_last_four"], token[44..]);

    let org = a.org().await;
    assert_eq!(org["scim_active_connection"]["connection_id"], cid);
    assert_eq!(org["scim_active_connection"]["display_name"], "Okta push");
    assert_eq!(
        org["scim_active_connection"]["bearer_token_last_four"],
        token[44..]
    );

    let r = a.call(Method::POST, SCIM, Some(json!({}))).await;
    expect_error(&r, StatusCode::BAD_REQUEST, "active_scim_connection_exists");
}

#[tokio::test]
async fn defaults_bad_input_and_entra_base_url() {
    let a = admin().await;
    let r = a
        .call(
            Method::POST,
            SCIM,
            Some(json!({"identity_provider": "myspace"})),
        )
        .await;
    expect_error(&r, StatusCode::BAD_REQUEST, "invalid_argument");
    let r = a
        .call(
            Method::POST,
            SCIM,
            Some(json!({"display_name": "x".repeat(129)})),
        )
        .await;
    expect_error(&r, StatusCode::BAD_REQUEST, "invalid_argument");
    let r = a
        .call(Method::POST, SCIM, Some(json!({"display_name": 7})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    check_error_json(&r).expect("Stytch error JSON");
    // Nothing was created by the refused calls.
    let r = a.call(Method::GET, SCIM, None).await;
    assert_eq!(r.data()["connection"], Value::Null, "{}", r.text);

    let c = a.create(json!({})).await;
    assert_eq!(c["identity_provider"], "generic");
    assert_eq!(c["display_name"], "");
    let r = a
        .call(
            Method::PUT,
            &format!("{SCIM}/{}", id(&c)),
            Some(json!({"identity_provider": "microsoft-entra", "display_name": "Entra"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let u = &r.data()["connection"];
    assert_eq!(u["identity_provider"], "microsoft-entra");
    assert_eq!(u["display_name"], "Entra");
    assert!(
        u["base_url"]
            .as_str()
            .unwrap()
            .ends_with("?aadOptscim062020"),
        "{u}"
    );
    assert_eq!(
        a.org().await["scim_active_connection"]["display_name"],
        "Entra"
    );
}

#[tokio::test]
async fn group_role_assignments_are_validated() {
    let a = admin().await;
    let cid = id(&a.create(json!({})).await);
    let path = format!("{SCIM}/{cid}");
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({"scim_group_implicit_role_assignments": [{"role_id": "no_such_role", "group_id": "g"}]})),
        )
        .await;
    expect_error(&r, StatusCode::BAD_REQUEST, "invalid_rbac_role_id");
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({"scim_group_implicit_role_assignments": [{"role_id": "stytch_admin", "group_id": "never-pushed"}]})),
        )
        .await;
    expect_error(
        &r,
        StatusCode::BAD_REQUEST,
        "scim_group_role_assignment_group_does_not_exist",
    );
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({"scim_group_implicit_role_assignments": [{"role_id": "stytch_admin"}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({"scim_group_implicit_role_assignments": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.data()["connection"]["scim_group_implicit_role_assignments"],
        json!([])
    );
}

#[tokio::test]
async fn rotation_start_complete_cancel() {
    let a = admin().await;
    let c = a.create(json!({})).await;
    let cid = id(&c);
    let first = c["bearer_token"].as_str().unwrap().to_owned();

    expect_error(
        &a.rotate("complete", &cid).await,
        StatusCode::BAD_REQUEST,
        "scim_connection_not_rotating_token",
    );
    expect_error(
        &a.rotate("cancel", &cid).await,
        StatusCode::BAD_REQUEST,
        "scim_connection_not_rotating_token",
    );

    let r = a.rotate("start", &cid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = &r.data()["connection"];
    let next = s["next_bearer_token"].as_str().expect("next").to_owned();
    assert_eq!(next.len(), 48);
    assert_ne!(next, first);
    assert_eq!(s["next_bearer_token_last_four"], next[44..]);
    assert!(s["next_bearer_token_expires_at"].is_string());
    assert_eq!(s["bearer_token_last_four"], first[44..]);
    expect_error(
        &a.rotate("start", &cid).await,
        StatusCode::BAD_REQUEST,
        "scim_connection_already_rotating_token",
    );
    // The pending token is never shown again.
    let r = a.call(Method::GET, SCIM, None).await;
    assert!(!r.text.contains(&next));
    assert_eq!(
        r.data()["connection"]["next_bearer_token_last_four"],
        next[44..]
    );

    let r = a.rotate("cancel", &cid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let x = &r.data()["connection"];
    assert_eq!(x["next_bearer_token_last_four"], "");
    assert_eq!(x["next_bearer_token_expires_at"], Value::Null);
    assert_eq!(x["bearer_token_last_four"], first[44..]);

    let r = a.rotate("start", &cid).await;
    let next = r.data()["connection"]["next_bearer_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = a.rotate("complete", &cid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let done = &r.data()["connection"];
    assert_eq!(done["bearer_token_last_four"], next[44..]);
    assert_eq!(done["next_bearer_token_last_four"], "");
    assert!(done.get("next_bearer_token").is_none());
    assert_eq!(
        a.org().await["scim_active_connection"]["bearer_token_last_four"],
        next[44..]
    );

    let r = a
        .call(
            Method::POST,
            &format!("{SCIM}/rotate/start"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    check_error_json(&r).expect("Stytch error JSON");
}

#[tokio::test]
async fn groups_list_is_empty_and_paged_arguments_are_checked() {
    let a = admin().await;
    let groups = format!("{SCIM}/groups");
    expect_error(
        &a.call(Method::POST, &groups, Some(json!({}))).await,
        StatusCode::NOT_FOUND,
        "no_active_scim_connection",
    );
    a.create(json!({})).await;
    let r = a
        .call(Method::POST, &groups, Some(json!({"limit": 10})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["scim_groups"], json!([]));
    assert_eq!(r.data()["next_cursor"], Value::Null);
    for limit in [0, 1001, -1] {
        expect_error(
            &a.call(Method::POST, &groups, Some(json!({ "limit": limit })))
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_argument",
        );
    }
}

#[tokio::test]
async fn delete_clears_the_connection_and_another_can_be_made() {
    let a = admin().await;
    let cid = id(&a.create(json!({})).await);
    let r = a.call(Method::DELETE, &format!("{SCIM}/{cid}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["connection_id"], cid);
    assert_eq!(a.org().await["scim_active_connection"], Value::Null);
    let r = a.call(Method::GET, SCIM, None).await;
    assert_eq!(r.data()["connection"], Value::Null);
    for (method, path, body) in [
        (Method::DELETE, format!("{SCIM}/{cid}"), None),
        (Method::PUT, format!("{SCIM}/{cid}"), Some(json!({}))),
    ] {
        expect_error(
            &a.call(method, &path, body).await,
            StatusCode::NOT_FOUND,
            "no_active_scim_connection",
        );
    }
    expect_error(
        &a.rotate("start", &cid).await,
        StatusCode::NOT_FOUND,
        "no_active_scim_connection",
    );
    let again = a.create(json!({})).await;
    assert_ne!(id(&again), cid);
}

#[tokio::test]
async fn another_organizations_connection_is_not_found() {
    let a = admin().await;
    let cid = id(&a.create(json!({})).await);
    let r =
        a.h.backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Globex", "organization_slug": "globex"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let globex = r.body["organization"]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r =
        a.h.backend(
            Method::POST,
            &format!("/v1/b2b/organizations/{globex}/members"),
            Some(json!({"email_address": "bob@globex.test", "roles": ["stytch_admin"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (bob, _, _) = a.h.login("bob@globex.test", "globex").await;
    for (method, path, body) in [
        (
            Method::PUT,
            format!("{SCIM}/{cid}"),
            Some(json!({"display_name": "mine"})),
        ),
        (Method::DELETE, format!("{SCIM}/{cid}"), None),
        (
            Method::POST,
            format!("{SCIM}/rotate/start"),
            Some(json!({"connection_id": cid})),
        ),
    ] {
        let r = a.h.sdk(method, &path, Some(&bob), body).await;
        expect_error(&r, StatusCode::NOT_FOUND, "no_active_scim_connection");
    }
    let r = a.h.sdk(Method::GET, SCIM, Some(&bob), None).await;
    assert_eq!(r.data()["connection"], Value::Null, "{}", r.text);
    // acme's connection is untouched.
    let r = a.call(Method::GET, SCIM, None).await;
    assert_eq!(r.data()["connection"]["display_name"], "");
}

#[tokio::test]
async fn every_call_needs_the_scim_permission() {
    let a = admin().await;
    let cid = id(&a.create(json!({})).await);
    // A member JIT-provisioned by email has only stytch_member.
    let (member, _, _) = a.h.login("newbie@example.com", "acme").await;
    let rotate = |step: &str| {
        (
            Method::POST,
            format!("{SCIM}/rotate/{step}"),
            Some(json!({ "connection_id": cid })),
        )
    };
    for (method, path, body) in [
        (Method::GET, SCIM.to_owned(), None),
        (Method::POST, SCIM.to_owned(), Some(json!({}))),
        (Method::PUT, format!("{SCIM}/{cid}"), Some(json!({}))),
        (Method::DELETE, format!("{SCIM}/{cid}"), None),
        (Method::POST, format!("{SCIM}/groups"), Some(json!({}))),
        rotate("start"),
        rotate("complete"),
        rotate("cancel"),
    ] {
        let r = a.h.sdk(method, &path, Some(&member), body).await;
        expect_error(&r, StatusCode::FORBIDDEN, "session_authorization_error");
    }
    let r = a.h.sdk(Method::GET, SCIM, None, None).await;
    assert_eq!(r.error_type(), "unauthorized_credentials");
}
