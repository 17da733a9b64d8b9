//! Organizations/members administration: the backend API (secret, optionally with a member
//! session header) and the agreement between the bootstrap `rbac_policy` and server enforcement.

mod common;

use axum::http::{Method, StatusCode};
use common::Harness;
use serde_json::json;

#[tokio::test]
async fn backend_org_update_member_lifecycle_and_search() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    // Org update with trusted metadata (backend only) and a slug change.
    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org}"),
            Some(
                json!({"organization_name": "Acme 2", "organization_slug": "acme-2",
                        "trusted_metadata": {"tier": "gold"}, "mfa_policy": "REQUIRED_FOR_ALL"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.get("data").is_none(),
        "backend responses are not wrapped"
    );
    assert_eq!(r.body["organization"]["organization_slug"], "acme-2");
    assert_eq!(r.body["organization"]["trusted_metadata"]["tier"], "gold");
    assert_eq!(h.org_id("acme-2").await, org);

    // Members: create three, search with pagination across the org.
    let mut ids = Vec::new();
    for i in 0..3 {
        let r = h
            .backend(
                Method::POST,
                &format!("/v1/b2b/organizations/{org}/members"),
                Some(json!({"email_address": format!("m{i}@example.com")})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ids.push(r.body["member_id"].as_str().unwrap().to_string());
    }
    let mut seen = Vec::new();
    let mut cursor = serde_json::Value::Null;
    loop {
        let r = h
            .backend(
                Method::POST,
                "/v1/b2b/organizations/members/search",
                Some(json!({"organization_ids": [org], "limit": 2, "cursor": cursor})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["results_metadata"]["total"], 4);
        assert!(r.body["organizations"][&org].is_object());
        for m in r.body["members"].as_array().unwrap() {
            seen.push(m["member_id"].as_str().unwrap().to_string());
        }
        cursor = r.body["results_metadata"]["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(seen.len(), 4);
    for id in &ids {
        assert!(seen.contains(id));
    }

    // Update (roles, trusted metadata, external id), delete, search excludes, reactivate fails
    // (email never verified).
    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org}/members/{}", ids[0]),
            Some(json!({"roles": ["stytch_admin"], "trusted_metadata": {"a": 1}, "external_id": "ext-1"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["member"]["is_admin"], true);
    assert_eq!(r.body["member"]["trusted_metadata"]["a"], 1);
    let r = h
        .backend(
            Method::DELETE,
            &format!("/v1/b2b/organizations/{org}/members/{}", ids[1]),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations/members/search",
            Some(
                json!({"organization_ids": [org], "query": {"operator": "AND", "operands": [
                {"filter_name": "statuses", "filter_value": ["deleted"]}]}}),
            ),
        )
        .await;
    assert_eq!(r.body["members"][0]["member_id"], ids[1]);
    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org}/members/{}/reactivate", ids[1]),
            None,
        )
        .await;
    assert_eq!(r.error_type(), "email_unverified_for_reactivation");

    // Org delete removes everything.
    let r = h
        .backend(
            Method::DELETE,
            &format!("/v1/b2b/organizations/{org}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["organization_id"], org);
    let r = h
        .backend(Method::GET, &format!("/v1/b2b/organizations/{org}"), None)
        .await;
    assert_eq!(r.error_type(), "organization_not_found");
}

#[tokio::test]
async fn bootstrap_policy_is_what_the_server_enforces() {
    let h = Harness::new();
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let org = h.org_id("acme").await;
    let b = h
        .sdk(
            Method::GET,
            &format!("/sdk/v1/projects/bootstrap/{}", h.project.public_token),
            None,
            None,
        )
        .await;
    let policy = &b.data()["rbac_policy"];
    let role = |id: &str| {
        policy["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        role("stytch_member")["permissions"],
        json!([{"resource_id": "stytch.self", "actions": ["*"]}])
    );
    assert_eq!(
        role("stytch_admin")["permissions"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // The admin (stytch_admin) may do what the policy grants, through the backend header too.
    let r = h
        .raw(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org}"),
            Some(common::basic(&h.project.project_id, &h.project.secret)),
            Some(r#"{"organization_name":"Renamed"}"#),
            &[("x-stytch-member-session", admin.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A member in another org may not touch this one (tenancy).
    let globex = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(
                json!({"organization_name": "Globex", "email_jit_provisioning": "RESTRICTED",
                        "email_allowed_domains": ["globex.test"]}),
            ),
        )
        .await;
    let gid = globex.body["organization"]["organization_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = h
        .raw(
            Method::PUT,
            &format!("/v1/b2b/organizations/{gid}"),
            Some(common::basic(&h.project.project_id, &h.project.secret)),
            Some(r#"{"organization_name":"Pwned"}"#),
            &[("x-stytch-member-session", admin.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_type(), "session_authorization_tenancy_error");
}
