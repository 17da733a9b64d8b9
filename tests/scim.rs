//! `client.scim()` against the in-process emulator: the connection's lifecycle with the bodies the
//! JS SDK sends, the token shown once and redacted from `Debug`, rotation, the groups page, and the
//! API errors (a second connection, no rotation pending, unknown roles, no permission), and the groups an
//! identity provider pushes to the SCIM 2.0 endpoint, listed and mapped to roles.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use leptos_stytch::core::platform::Method;
use leptos_stytch::{
    CreateScimConnectionRequest, GetScimConnectionGroupsRequest, ScimGroupRoleAssignment,
    UpdateScimConnectionRequest,
};
use serde_json::{Value, json};
use support::*;

fn body_to(h: &Harness, path: &str) -> (Method, Option<Value>) {
    let req = h.transport.last_to(path).expect("sent");
    (
        req.method,
        req.body
            .as_deref()
            .map(|b| serde_json::from_str(b).expect("JSON body")),
    )
}

#[test]
fn a_connection_is_created_updated_and_deleted() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let scim = h.client.scim();
        assert_eq!(scim.get_connection().await.expect("get").connection, None);

        let c = scim
            .create_connection(CreateScimConnectionRequest {
                display_name: Some("Okta".into()),
                identity_provider: Some("okta".into()),
            })
            .await
            .expect("create")
            .connection;
        assert_eq!(
            body_to(&h, "/sdk/v1/b2b/scim"),
            (
                Method::Post,
                Some(json!({"display_name": "Okta", "identity_provider": "okta"}))
            )
        );
        assert!(c.connection_id.starts_with("scim-connection-test-"));
        assert_eq!(c.organization_id, ORG_ID);
        assert_eq!(c.status, "active");
        assert!(
            c.base_url
                .ends_with(&format!("/v1/b2b/scim/{}", c.connection_id)),
            "{}",
            c.base_url
        );
        let token = c.bearer_token.clone().expect("the token, once");
        assert_eq!(token.len(), 48);
        assert_eq!(c.bearer_token_last_four, token[44..]);
        assert!(c.bearer_token_expires_at.is_some());
        let shown = format!("{c:?}");
        assert!(!shown.contains(&token), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");

        let got = scim
            .get_connection()
            .await
            .expect("get")
            .connection
            .expect("a connection");
        assert_eq!(got.connection_id, c.connection_id);
        assert_eq!(got.bearer_token, None);
        assert_eq!(got.bearer_token_last_four, c.bearer_token_last_four);

        let id = c.connection_id.clone();
        let updated = scim
            .update_connection(UpdateScimConnectionRequest {
                connection_id: id.clone(),
                display_name: Some("Entra".into()),
                identity_provider: Some("microsoft-entra".into()),
                scim_group_implicit_role_assignments: Some(vec![]),
            })
            .await
            .expect("update")
            .connection;
        assert_eq!(
            body_to(&h, &format!("/sdk/v1/b2b/scim/{id}")),
            (
                Method::Put,
                Some(json!({
                    "connection_id": id,
                    "display_name": "Entra",
                    "identity_provider": "microsoft-entra",
                    "scim_group_implicit_role_assignments": [],
                }))
            )
        );
        assert_eq!(updated.display_name, "Entra");
        assert_eq!(updated.identity_provider, "microsoft-entra");
        // Fields left out are not sent, so nothing else changes.
        let renamed = scim
            .update_connection(UpdateScimConnectionRequest {
                connection_id: id.clone(),
                display_name: Some("Entra EU".into()),
                ..Default::default()
            })
            .await
            .expect("update");
        assert_eq!(
            body_to(&h, &format!("/sdk/v1/b2b/scim/{id}")).1,
            Some(json!({"connection_id": id, "display_name": "Entra EU"}))
        );
        assert_eq!(renamed.connection.identity_provider, "microsoft-entra");

        let groups = scim
            .get_connection_groups(GetScimConnectionGroupsRequest {
                limit: Some(10),
                cursor: None,
            })
            .await
            .expect("groups");
        assert_eq!(
            body_to(&h, "/sdk/v1/b2b/scim/groups").1,
            Some(json!({"limit": 10}))
        );
        assert!(groups.scim_groups.is_empty());
        assert_eq!(groups.next_cursor, None);

        let deleted = scim.delete_connection(&id).await.expect("delete");
        assert_eq!(deleted.connection_id, id);
        assert_eq!(
            body_to(&h, &format!("/sdk/v1/b2b/scim/{id}")).0,
            Method::Delete
        );
        assert_eq!(scim.get_connection().await.expect("get").connection, None);
        let e = scim.delete_connection(&id).await.expect_err("gone");
        assert_eq!(api_error_of(&e), (404, "no_active_scim_connection".into()));
    });
}

#[test]
fn tokens_rotate_through_the_client() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let scim = h.client.scim();
        let c = scim
            .create_connection(CreateScimConnectionRequest::default())
            .await
            .expect("create")
            .connection;
        assert_eq!(body_to(&h, "/sdk/v1/b2b/scim").1, Some(json!({})));
        let id = c.connection_id;

        let e = scim
            .rotate_complete(&id)
            .await
            .expect_err("nothing to complete");
        assert_eq!(
            api_error_of(&e),
            (400, "scim_connection_not_rotating_token".into())
        );
        let started = scim.rotate_start(&id).await.expect("start").connection;
        assert_eq!(
            body_to(&h, "/sdk/v1/b2b/scim/rotate/start").1,
            Some(json!({"connection_id": id}))
        );
        let next = started.next_bearer_token.clone().expect("next token, once");
        assert_eq!(started.next_bearer_token_last_four, next[44..]);
        assert!(!format!("{started:?}").contains(&next));
        let e = scim.rotate_start(&id).await.expect_err("one at a time");
        assert_eq!(
            api_error_of(&e),
            (400, "scim_connection_already_rotating_token".into())
        );

        let cancelled = scim.rotate_cancel(&id).await.expect("cancel").connection;
        assert_eq!(cancelled.next_bearer_token_last_four, "");
        assert_eq!(cancelled.next_bearer_token_expires_at, None);
        assert_eq!(cancelled.bearer_token_last_four, c.bearer_token_last_four);

        let next = scim
            .rotate_start(&id)
            .await
            .expect("start")
            .connection
            .next_bearer_token
            .expect("next");
        let done = scim
            .rotate_complete(&id)
            .await
            .expect("complete")
            .connection;
        assert_eq!(
            body_to(&h, "/sdk/v1/b2b/scim/rotate/complete").1,
            Some(json!({"connection_id": id}))
        );
        assert_eq!(done.bearer_token_last_four, next[44..]);
        assert_eq!(done.next_bearer_token, None);
        assert_eq!(done.next_bearer_token_last_four, "");
    });
}

#[test]
fn api_errors_arrive_as_stytch_errors() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let scim = h.client.scim();
        let e = scim
            .create_connection(CreateScimConnectionRequest {
                identity_provider: Some("myspace".into()),
                ..Default::default()
            })
            .await
            .expect_err("unknown identity provider");
        assert_eq!(api_error_of(&e), (400, "invalid_argument".into()));
        let e = scim
            .get_connection_groups(GetScimConnectionGroupsRequest::default())
            .await
            .expect_err("no connection yet");
        assert_eq!(api_error_of(&e), (404, "no_active_scim_connection".into()));

        let id = scim
            .create_connection(CreateScimConnectionRequest::default())
            .await
            .expect("create")
            .connection
            .connection_id;
        let e = scim
            .create_connection(CreateScimConnectionRequest::default())
            .await
            .expect_err("one per organization");
        assert_eq!(
            api_error_of(&e),
            (400, "active_scim_connection_exists".into())
        );
        let e = scim
            .update_connection(UpdateScimConnectionRequest {
                connection_id: id.clone(),
                scim_group_implicit_role_assignments: Some(vec![ScimGroupRoleAssignment {
                    role_id: "stytch_admin".into(),
                    group_id: "never-pushed".into(),
                    group_name: "ignored".into(),
                }]),
                ..Default::default()
            })
            .await
            .expect_err("the group was never pushed");
        assert_eq!(
            api_error_of(&e),
            (
                400,
                "scim_group_role_assignment_group_does_not_exist".into()
            )
        );
        // The group's name is not part of the body.
        assert_eq!(
            body_to(&h, &format!("/sdk/v1/b2b/scim/{id}")).1,
            Some(json!({
                "connection_id": id,
                "scim_group_implicit_role_assignments": [
                    {"role_id": "stytch_admin", "group_id": "never-pushed"}
                ],
            }))
        );
        let e = scim
            .rotate_cancel("scim-connection-test-unknown")
            .await
            .expect_err("unknown connection");
        assert_eq!(api_error_of(&e), (404, "no_active_scim_connection".into()));

        // A member without `stytch.scim` is refused.
        h.login("newbie@example.com").await;
        let e = scim.get_connection().await.expect_err("no permission");
        assert_eq!(
            api_error_of(&e),
            (403, "session_authorization_error".into())
        );
        let e = scim.rotate_start(&id).await.expect_err("no permission");
        assert_eq!(
            api_error_of(&e),
            (403, "session_authorization_error".into())
        );
    });
}

/// What an identity provider pushes reaches the client: a group pushed to the connection's SCIM 2.0
/// `base_url` appears in `get_connection_groups` (paged by `limit`/`cursor`), and mapping it to a
/// role through `update_connection` gives the role to the group's member.
#[test]
fn groups_pushed_by_the_identity_provider_are_listed_and_mapped_to_roles() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let scim = h.client.scim();
        let created = scim
            .create_connection(CreateScimConnectionRequest {
                identity_provider: Some("okta".into()),
                ..Default::default()
            })
            .await
            .expect("create")
            .connection;
        let token = created.bearer_token.clone().expect("token shown once");
        // The path of base_url (its origin is the emulator's own address, not the in-process one).
        let at = created
            .base_url
            .find("/v1/b2b/scim/")
            .expect("base_url on the emulator");
        let base = created.base_url[at..].to_owned();
        let idp = |path: &str, body: Value| {
            let (path, token) = (format!("{base}{path}"), format!("Bearer {token}"));
            let h = &h;
            async move { h.call(Method::Post, &path, Some(token), Some(body)).await }
        };
        let (status, user) = idp(
            "/Users",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                   "userName": "dana@example.com", "name": {"givenName": "Dana", "familyName": "Scully"}}),
        )
        .await;
        assert_eq!(status, 201, "{user}");
        let mut group_ids = Vec::new();
        for name in ["Engineering", "Sales"] {
            let (status, group) = idp(
                "/Groups",
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                       "displayName": name, "members": [{"value": user["id"]}]}),
            )
            .await;
            assert_eq!(status, 201, "{group}");
            group_ids.push(group["id"].as_str().expect("group id").to_owned());
        }

        let first = scim
            .get_connection_groups(GetScimConnectionGroupsRequest {
                limit: Some(1),
                cursor: None,
            })
            .await
            .expect("first page");
        assert_eq!(first.scim_groups.len(), 1);
        let cursor = first.next_cursor.clone().expect("a second page");
        let second = scim
            .get_connection_groups(GetScimConnectionGroupsRequest {
                limit: Some(1),
                cursor: Some(cursor),
            })
            .await
            .expect("second page");
        let mut listed: Vec<_> = first
            .scim_groups
            .iter()
            .chain(&second.scim_groups)
            .map(|g| {
                (
                    g.group_id.clone(),
                    g.group_name.clone(),
                    g.connection_id.clone(),
                )
            })
            .collect();
        listed.sort();
        let mut expected = vec![
            (
                group_ids[0].clone(),
                "Engineering".to_owned(),
                created.connection_id.clone(),
            ),
            (
                group_ids[1].clone(),
                "Sales".to_owned(),
                created.connection_id.clone(),
            ),
        ];
        expected.sort();
        assert_eq!(listed, expected);

        let updated = scim
            .update_connection(UpdateScimConnectionRequest {
                connection_id: created.connection_id.clone(),
                scim_group_implicit_role_assignments: Some(vec![ScimGroupRoleAssignment {
                    role_id: "stytch_admin".into(),
                    group_id: group_ids[0].clone(),
                    group_name: String::new(),
                }]),
                ..Default::default()
            })
            .await
            .expect("map the group")
            .connection;
        assert_eq!(
            updated.scim_group_implicit_role_assignments[0].group_name,
            "Engineering"
        );
        let (status, member) = h
            .call(
                Method::Get,
                &format!(
                    "/v1/b2b/organizations/{}/member?member_id={}",
                    created.organization_id,
                    user["id"].as_str().expect("user id (the member id)")
                ),
                Some(h.backend_auth()),
                None,
            )
            .await;
        assert_eq!(status, 200, "{member}");
        let admin_sources: Vec<&Value> = member["member"]["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .filter(|r| r["role_id"] == "stytch_admin")
            .flat_map(|r| r["sources"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(
            admin_sources,
            [&json!({"type": "scim_connection_group",
                     "details": {"connection_id": created.connection_id, "group_id": group_ids[0]}})]
        );
    });
}
