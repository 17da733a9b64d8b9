//! The SCIM 2.0 service provider at a connection's `base_url`, played as an identity provider
//! would through the in-process router (Okta's and Entra's request forms), with the effects on
//! Members checked through the backend API.

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp};
use serde_json::{Value, json};

const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

struct Idp {
    h: Harness,
    admin: String,
    org_id: String,
    cid: String,
    token: String,
    /// `/v1/b2b/scim/{connection_id}` (the path part of `base_url`).
    base: String,
}

async fn idp() -> Idp {
    let h = Harness::new();
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let org_id = h.org_id("acme").await;
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/scim",
            Some(&admin),
            Some(json!({"display_name": "Okta", "identity_provider": "okta"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = &r.data()["connection"];
    let cid = c["connection_id"].as_str().unwrap().to_owned();
    let token = c["bearer_token"].as_str().unwrap().to_owned();
    let url = c["base_url"].as_str().unwrap();
    let base = url[url.find("/v1/").unwrap()..].to_owned();
    Idp {
        h,
        admin,
        org_id,
        cid,
        token,
        base,
    }
}

impl Idp {
    async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Resp {
        let body = body.map(|b| b.to_string());
        let mut headers = vec![("authorization", format!("Bearer {token}"))];
        if body.is_some() {
            headers.push(("content-type", "application/scim+json".to_owned()));
        }
        let hs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.h
            .send(
                method,
                &format!("{}{path}", self.base),
                &hs,
                body.unwrap_or_default().into_bytes(),
            )
            .await
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.call_with(method, path, &self.token, body).await
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let r = self.call(method, path, body).await;
        assert!(r.status.is_success(), "{} {}", r.status, r.text);
        assert_eq!(
            r.headers["content-type"], "application/scim+json",
            "{}",
            r.text
        );
        r.body
    }

    /// Okta's provisioning: look the user up by `userName`, create it when absent.
    async fn provision(&self, email: &str, given: &str, family: &str) -> Value {
        let q = urlencode(&format!("userName eq \"{email}\""));
        let found = self
            .ok(
                Method::GET,
                &format!("/Users?filter={q}&startIndex=1&count=100"),
                None,
            )
            .await;
        assert_eq!(found["totalResults"], 0, "{found}");
        let r = self
            .call(
                Method::POST,
                "/Users",
                Some(json!({
                    "schemas": [USER],
                    "userName": email,
                    "name": {"givenName": given, "familyName": family},
                    "emails": [{"primary": true, "value": email, "type": "work"}],
                    "externalId": format!("okta-{given}"),
                    "active": true,
                    "password": "never-stored-1234",
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert!(!r.text.contains("never-stored-1234"));
        let id = r.body["id"].as_str().unwrap();
        assert_eq!(
            r.headers["location"].to_str().unwrap(),
            r.body["meta"]["location"].as_str().unwrap()
        );
        assert!(
            r.body["meta"]["location"]
                .as_str()
                .unwrap()
                .ends_with(&format!("{}/Users/{id}", self.base))
        );
        r.body
    }

    async fn member(&self, id: &str) -> Value {
        let r = self
            .h
            .backend(
                Method::GET,
                &format!(
                    "/v1/b2b/organizations/{}/member?member_id={id}",
                    self.org_id
                ),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.body["member"].clone()
    }

    async fn set_group_roles(&self, assignments: Value) {
        let r = self
            .h
            .sdk(
                Method::PUT,
                &format!("/sdk/v1/b2b/scim/{}", self.cid),
                Some(&self.admin),
                Some(json!({ "scim_group_implicit_role_assignments": assignments })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn role_ids(member: &Value) -> Vec<String> {
    member["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role_id"].as_str().unwrap().to_owned())
        .collect()
}

fn scim_error(r: &Resp, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(
        r.headers["content-type"], "application/scim+json",
        "{}",
        r.text
    );
    assert_eq!(r.body["schemas"], json!([ERROR]), "{}", r.text);
    assert_eq!(r.body["status"], status.to_string(), "{}", r.text);
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        r.text
    );
    assert_eq!(r.body["scimType"].as_str(), scim_type, "{}", r.text);
    assert!(r.body.get("error_type").is_none(), "{}", r.text);
}

#[tokio::test]
async fn discovery_documents_declare_what_is_supported() {
    let i = idp().await;
    let spc = i.ok(Method::GET, "/ServiceProviderConfig", None).await;
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["filter"]["supported"], true);
    for no in ["bulk", "sort", "etag", "changePassword"] {
        assert_eq!(spc[no]["supported"], false, "{no}");
    }
    assert_eq!(spc["authenticationSchemes"][0]["type"], "oauthbearertoken");
    let rts = i.ok(Method::GET, "/ResourceTypes", None).await;
    let names: Vec<&str> = rts["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["User", "Group"]);
    let user = i.ok(Method::GET, "/ResourceTypes/User", None).await;
    assert_eq!(user["endpoint"], "/Users");
    let schemas = i.ok(Method::GET, "/Schemas", None).await;
    assert_eq!(schemas["totalResults"], 3);
    let s = i.ok(Method::GET, &format!("/Schemas/{USER}"), None).await;
    assert!(
        s["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "userName")
    );
    scim_error(
        &i.call(Method::GET, "/Schemas/urn:nope", None).await,
        404,
        None,
    );
    scim_error(&i.call(Method::GET, "/Nope", None).await, 404, None);
    scim_error(
        &i.call(Method::DELETE, "/ServiceProviderConfig", None).await,
        405,
        None,
    );
}

#[tokio::test]
async fn okta_provisions_updates_deactivates_reactivates_and_deletes_a_member() {
    let i = idp().await;
    i.h.backend(
        Method::PUT,
        &format!("/v1/b2b/organizations/{}", i.org_id),
        Some(json!({"rbac_email_implicit_role_assignments": [
            {"domain": "example.com", "role_id": "stytch_admin"}
        ]})),
    )
    .await;
    let u = i.provision("ada@example.com", "Ada", "Lovelace").await;
    let id = u["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("member-test-"), "{id}");
    assert_eq!(u["active"], true);
    assert_eq!(u["userName"], "ada@example.com");
    assert_eq!(u["meta"]["resourceType"], "User");

    let m = i.member(&id).await;
    assert_eq!(m["status"], "active");
    assert_eq!(m["email_address"], "ada@example.com");
    assert_eq!(m["name"], "Ada Lovelace");
    let reg = &m["scim_registration"];
    assert_eq!(reg["connection_id"], i.cid);
    assert_eq!(reg["external_id"], "okta-Ada");
    assert!(
        reg["registration_id"]
            .as_str()
            .unwrap()
            .starts_with("scim-registration-test-")
    );
    assert_eq!(reg["scim_attributes"]["user_name"], "ada@example.com");
    assert_eq!(reg["scim_attributes"]["name"]["given_name"], "Ada");
    assert_eq!(reg["scim_attributes"]["emails"][0]["primary"], true);
    // The email-domain role, with its source.
    let admin_role = m["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role_id"] == "stytch_admin")
        .expect("email-domain role");
    assert_eq!(
        admin_role["sources"],
        json!([{"type": "email_assignment", "details": {"email_domain": "example.com"}}])
    );

    // Okta looks up again: found, so no duplicate.
    let q = urlencode("userName eq \"ADA@example.com\"");
    let found = i.ok(Method::GET, &format!("/Users?filter={q}"), None).await;
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], id);
    let dup = i
        .call(
            Method::POST,
            "/Users",
            Some(json!({"userName": "ada@example.com"})),
        )
        .await;
    scim_error(&dup, 409, Some("uniqueness"));

    // Update (PUT replaces the attributes).
    let put = i
        .ok(
            Method::PUT,
            &format!("/Users/{id}"),
            Some(json!({"schemas": [USER], "userName": "ada@example.com",
                "name": {"formatted": "Countess Lovelace"}, "title": "Analyst", "active": true})),
        )
        .await;
    assert_eq!(put["title"], "Analyst");
    assert!(put.get("externalId").is_none());
    assert_eq!(i.member(&id).await["name"], "Countess Lovelace");

    // Sign the member in, then deactivate with Okta's PATCH form.
    let (session, _, _) = i.h.login("ada@example.com", "acme").await;
    let okta_off = json!({"schemas": [PATCH],
        "Operations": [{"op": "replace", "value": {"active": false}}]});
    let off = i
        .ok(Method::PATCH, &format!("/Users/{id}"), Some(okta_off))
        .await;
    assert_eq!(off["active"], false);
    let m = i.member(&id).await;
    assert_eq!(m["status"], "deleted");
    assert_eq!(role_ids(&m), ["stytch_member"]);
    let r =
        i.h.sdk(
            Method::GET,
            "/sdk/v1/b2b/organizations/members/me",
            Some(&session),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "session revoked: {}",
        r.text
    );
    assert_eq!(r.error_type(), "session_not_found");

    // Reactivate (Entra's form, a string boolean): active again, implicit roles re-applied.
    let entra_on = json!({"schemas": [PATCH],
        "Operations": [{"op": "Replace", "path": "active", "value": "True"}]});
    let on = i
        .ok(Method::PATCH, &format!("/Users/{id}"), Some(entra_on))
        .await;
    assert_eq!(on["active"], true);
    let m = i.member(&id).await;
    assert_eq!(m["status"], "active");
    assert!(role_ids(&m).contains(&"stytch_admin".to_owned()));

    // Entra's deactivation, then PUT active:false, each deprovisions.
    let entra_off = json!({"schemas": [PATCH],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}]});
    i.ok(Method::PATCH, &format!("/Users/{id}"), Some(entra_off))
        .await;
    assert_eq!(i.member(&id).await["status"], "deleted");
    i.ok(
        Method::PUT,
        &format!("/Users/{id}"),
        Some(json!({"userName": "ada@example.com", "active": true})),
    )
    .await;
    assert_eq!(i.member(&id).await["status"], "active");
    i.ok(
        Method::PUT,
        &format!("/Users/{id}"),
        Some(json!({"userName": "ada@example.com", "active": false})),
    )
    .await;
    assert_eq!(i.member(&id).await["status"], "deleted");

    // DELETE: deprovisioned, the registration ends, the User is gone.
    let r = i.call(Method::DELETE, &format!("/Users/{id}"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let m = i.member(&id).await;
    assert_eq!(m["status"], "deleted");
    assert_eq!(m["scim_registration"], Value::Null);
    scim_error(
        &i.call(Method::GET, &format!("/Users/{id}"), None).await,
        404,
        None,
    );
    scim_error(
        &i.call(Method::DELETE, &format!("/Users/{id}"), None).await,
        404,
        None,
    );

    // Provisioning again links the same member and reactivates it.
    let again = i.provision("ada@example.com", "Ada", "Lovelace").await;
    assert_eq!(again["id"], id);
    assert_eq!(i.member(&id).await["status"], "active");
}

#[tokio::test]
async fn an_existing_member_is_linked_not_duplicated() {
    let i = idp().await;
    let admin =
        i.h.backend(
            Method::GET,
            &format!(
                "/v1/b2b/organizations/{}/member?email_address=admin@example.com",
                i.org_id
            ),
            None,
        )
        .await;
    let admin_id = admin.body["member"]["member_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let u = i
        .ok(
            Method::POST,
            "/Users",
            Some(json!({"userName": "admin@example.com", "displayName": "The Admin"})),
        )
        .await;
    assert_eq!(u["id"], admin_id);
    let m = i.member(&admin_id).await;
    assert_eq!(m["scim_registration"]["connection_id"], i.cid);
    assert_eq!(m["name"], "The Admin");
    // Explicit roles stay on a linked member.
    assert!(role_ids(&m).contains(&"stytch_admin".to_owned()), "{m}");
}

#[tokio::test]
async fn groups_grant_and_drop_roles_through_membership() {
    let i = idp().await;
    let a = i.provision("a@example.com", "A", "One").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = i.provision("b@example.com", "B", "Two").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = i
        .call(
            Method::POST,
            "/Groups",
            Some(
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Engineering", "members": [{"value": a}]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let g = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(g.len(), 36, "a UUID: {g}");
    assert_eq!(r.body["members"][0]["value"], a);

    // The group is listed by the connection-management API, and can be mapped to a role.
    let listed =
        i.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/scim/groups",
            Some(&i.admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        listed.data()["scim_groups"][0]["group_id"],
        g,
        "{}",
        listed.text
    );
    assert_eq!(listed.data()["scim_groups"][0]["group_name"], "Engineering");
    assert_eq!(role_ids(&i.member(&a).await), ["stytch_member"]);
    i.set_group_roles(json!([{"role_id": "stytch_admin", "group_id": g}]))
        .await;
    let m = i.member(&a).await;
    let role = m["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role_id"] == "stytch_admin")
        .expect("group role")
        .clone();
    assert_eq!(
        role["sources"],
        json!([{"type": "scim_connection_group",
                "details": {"connection_id": i.cid, "group_id": g}}])
    );
    assert_eq!(m["is_admin"], true);
    let user = i.ok(Method::GET, &format!("/Users/{a}"), None).await;
    assert_eq!(user["groups"][0]["value"], g);
    assert_eq!(user["groups"][0]["display"], "Engineering");

    // Okta adds b, removes a by value path; b gains the role, a loses it.
    let body = json!({"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": b}]},
        {"op": "remove", "path": format!("members[value eq \"{a}\"]")},
    ]});
    let patched = i
        .ok(Method::PATCH, &format!("/Groups/{g}"), Some(body))
        .await;
    assert_eq!(patched["members"].as_array().unwrap().len(), 1);
    assert_eq!(role_ids(&i.member(&a).await), ["stytch_member"]);
    assert!(role_ids(&i.member(&b).await).contains(&"stytch_admin".to_owned()));

    // Entra renames it (path-less replace), then removes b with a value list.
    let rename = json!({"schemas": [PATCH], "Operations": [
        {"op": "Replace", "value": {"id": g, "displayName": "Eng"}}]});
    assert_eq!(
        i.ok(Method::PATCH, &format!("/Groups/{g}"), Some(rename))
            .await["displayName"],
        "Eng"
    );
    let q = urlencode("displayName eq \"eng\"");
    assert_eq!(
        i.ok(Method::GET, &format!("/Groups?filter={q}"), None)
            .await["totalResults"],
        1
    );
    let body = json!({"schemas": [PATCH], "Operations": [
        {"op": "Remove", "path": "members", "value": [{"value": b}]}]});
    i.ok(Method::PATCH, &format!("/Groups/{g}"), Some(body))
        .await;
    assert_eq!(role_ids(&i.member(&b).await), ["stytch_member"]);

    // PUT sets the members; DELETE drops the memberships, the roles and the assignment.
    i.ok(
        Method::PUT,
        &format!("/Groups/{g}"),
        Some(json!({"displayName": "Eng", "members": [{"value": a}, {"value": b}]})),
    )
    .await;
    assert!(role_ids(&i.member(&a).await).contains(&"stytch_admin".to_owned()));
    let r = i.call(Method::DELETE, &format!("/Groups/{g}"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(role_ids(&i.member(&a).await), ["stytch_member"]);
    assert_eq!(role_ids(&i.member(&b).await), ["stytch_member"]);
    let c =
        i.h.sdk(Method::GET, "/sdk/v1/b2b/scim", Some(&i.admin), None)
            .await;
    assert_eq!(
        c.data()["connection"]["scim_group_implicit_role_assignments"],
        json!([])
    );
    scim_error(
        &i.call(Method::GET, &format!("/Groups/{g}"), None).await,
        404,
        None,
    );

    // Bad members and duplicate names.
    let r = i
        .call(
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "X", "members": [{"value": "member-test-nope"}]})),
        )
        .await;
    scim_error(&r, 400, Some("invalidValue"));
    i.ok(Method::POST, "/Groups", Some(json!({"displayName": "Ops"})))
        .await;
    let r = i
        .call(Method::POST, "/Groups", Some(json!({"displayName": "ops"})))
        .await;
    scim_error(&r, 409, Some("uniqueness"));
}

#[tokio::test]
async fn deleting_the_connection_ends_its_registrations() {
    let i = idp().await;
    let a = i.provision("a@example.com", "A", "One").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let g = i
        .ok(
            Method::POST,
            "/Groups",
            Some(json!({"displayName": "G", "members": [{"value": a}]})),
        )
        .await;
    i.set_group_roles(json!([{"role_id": "stytch_admin", "group_id": g["id"]}]))
        .await;
    assert!(role_ids(&i.member(&a).await).contains(&"stytch_admin".to_owned()));
    let r =
        i.h.sdk(
            Method::DELETE,
            &format!("/sdk/v1/b2b/scim/{}", i.cid),
            Some(&i.admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let m = i.member(&a).await;
    assert_eq!(m["status"], "active");
    assert_eq!(m["scim_registration"], Value::Null);
    assert_eq!(role_ids(&m), ["stytch_member"]);
    scim_error(&i.call(Method::GET, "/Users", None).await, 401, None);
}

#[tokio::test]
async fn bearer_tokens_and_rotation() {
    let i = idp().await;
    scim_error(
        &i.call_with(Method::GET, "/Users", "wrong", None).await,
        401,
        None,
    );
    let r =
        i.h.send(Method::GET, &format!("{}/Users", i.base), &[], Vec::new())
            .await;
    scim_error(&r, 401, None);
    assert!(r.headers.contains_key("www-authenticate"));
    // Another connection id with this token.
    let other =
        i.h.send(
            Method::GET,
            "/v1/b2b/scim/scim-connection-test-other/Users",
            &[("authorization", &format!("Bearer {}", i.token))],
            Vec::new(),
        )
        .await;
    scim_error(&other, 401, None);

    let r =
        i.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/scim/rotate/start",
            Some(&i.admin),
            Some(json!({"connection_id": i.cid})),
        )
        .await;
    let next = r.data()["connection"]["next_bearer_token"]
        .as_str()
        .unwrap()
        .to_owned();
    i.ok(Method::GET, "/Users", None).await;
    assert_eq!(
        i.call_with(Method::GET, "/Users", &next, None).await.status,
        StatusCode::OK
    );
    i.h.sdk(
        Method::POST,
        "/sdk/v1/b2b/scim/rotate/complete",
        Some(&i.admin),
        Some(json!({"connection_id": i.cid})),
    )
    .await;
    scim_error(&i.call(Method::GET, "/Users", None).await, 401, None);
    assert_eq!(
        i.call_with(Method::GET, "/Users", &next, None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_requests_get_scim_error_bodies() {
    let i = idp().await;
    let q = urlencode("userName eq");
    scim_error(
        &i.call(Method::GET, &format!("/Users?filter={q}"), None)
            .await,
        400,
        Some("invalidFilter"),
    );
    scim_error(
        &i.call(Method::GET, "/Users?count=many", None).await,
        400,
        Some("invalidValue"),
    );
    scim_error(
        &i.call(Method::POST, "/Users", Some(json!({"name": {}})))
            .await,
        400,
        Some("invalidValue"),
    );
    scim_error(
        &i.call(
            Method::POST,
            "/Users",
            Some(json!({"userName": "not-an-email"})),
        )
        .await,
        400,
        Some("invalidValue"),
    );
    let r =
        i.h.send(
            Method::POST,
            &format!("{}/Users", i.base),
            &[
                ("authorization", &format!("Bearer {}", i.token)),
                ("content-type", "application/json"),
            ],
            b"{not json".to_vec(),
        )
        .await;
    scim_error(&r, 400, Some("invalidSyntax"));
    // application/json is accepted like application/scim+json.
    let r =
        i.h.send(
            Method::POST,
            &format!("{}/Users", i.base),
            &[
                ("authorization", &format!("Bearer {}", i.token)),
                ("content-type", "application/json"),
            ],
            json!({"userName": "j@example.com"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r =
        i.h.send(
            Method::POST,
            &format!("{}/Users", i.base),
            &[
                ("authorization", &format!("Bearer {}", i.token)),
                ("content-type", "text/plain"),
            ],
            b"{}".to_vec(),
        )
        .await;
    scim_error(&r, 415, None);
    let bad_patch = json!({"schemas": [PATCH], "Operations": [{"op": "jump", "path": "active"}]});
    scim_error(
        &i.call(Method::PATCH, &format!("/Users/{id}"), Some(bad_patch))
            .await,
        400,
        Some("invalidSyntax"),
    );
    let bad_bool = json!({"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": "yes"}]});
    scim_error(
        &i.call(Method::PATCH, &format!("/Users/{id}"), Some(bad_bool))
            .await,
        400,
        Some("invalidValue"),
    );
    let bad_path = json!({"schemas": [PATCH], "Operations": [{"op": "replace", "path": "emails[", "value": 1}]});
    scim_error(
        &i.call(Method::PATCH, &format!("/Users/{id}"), Some(bad_path))
            .await,
        400,
        Some("invalidPath"),
    );
    scim_error(
        &i.call(Method::GET, "/Users/member-test-nope", None).await,
        404,
        None,
    );
    scim_error(
        &i.call(
            Method::PUT,
            "/Groups/nope",
            Some(json!({"displayName": "x"})),
        )
        .await,
        404,
        None,
    );
    // A second User whose email is another's.
    i.provision("k@example.com", "K", "K").await;
    let r = i
        .call(
            Method::PUT,
            &format!("/Users/{id}"),
            Some(json!({"userName": "k@example.com"})),
        )
        .await;
    scim_error(&r, 409, Some("uniqueness"));
}

#[tokio::test]
async fn lists_filter_and_page() {
    let i = idp().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let u = i
            .provision(&format!("user{n}@example.com"), &format!("U{n}"), "Test")
            .await;
        ids.push(u["id"].as_str().unwrap().to_owned());
    }
    i.ok(
        Method::PATCH,
        &format!("/Users/{}", ids[4]),
        Some(json!({"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": false}]})),
    )
    .await;
    let page = i.ok(Method::GET, "/Users?startIndex=2&count=2", None).await;
    assert_eq!(page["totalResults"], 5);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 2);
    assert_eq!(page["Resources"][0]["id"], ids[1]);
    assert_eq!(page["Resources"][1]["id"], ids[2]);
    let past = i.ok(Method::GET, "/Users?startIndex=9", None).await;
    assert_eq!(past["totalResults"], 5);
    assert_eq!(past["Resources"], json!([]));
    let zero = i.ok(Method::GET, "/Users?count=0", None).await;
    assert_eq!(zero["itemsPerPage"], 0);

    let count = |f: &'static str| {
        let i = &i;
        async move {
            let r = i
                .ok(
                    Method::GET,
                    &format!("/Users?filter={}", urlencode(f)),
                    None,
                )
                .await;
            r["totalResults"].as_u64().unwrap()
        }
    };
    assert_eq!(count("active eq false").await, 1);
    assert_eq!(count("active eq true and userName sw \"user1\"").await, 1);
    assert_eq!(
        count("userName eq \"user0@example.com\" or userName eq \"user3@example.com\"").await,
        2
    );
    assert_eq!(count("emails.value co \"@EXAMPLE\"").await, 5);
    assert_eq!(
        count("emails[type eq \"work\" and value ew \"2@example.com\"]").await,
        1
    );
    assert_eq!(count("externalId eq \"okta-U2\"").await, 1);
    assert_eq!(count("externalId eq \"OKTA-U2\"").await, 0);
    assert_eq!(count("displayName pr").await, 0);
    assert_eq!(count("externalId pr").await, 5);
    assert_eq!(count("name.familyName eq \"test\"").await, 5);
    assert_eq!(count("not (active eq true)").await, 1);
}

#[tokio::test]
async fn attributes_projection_and_search_requests() {
    let i = idp().await;
    let id = i.provision("p@example.com", "Pat", "Doe").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let only = i
        .ok(
            Method::GET,
            &format!("/Users/{id}?attributes=userName,name.givenName"),
            None,
        )
        .await;
    assert_eq!(
        only,
        json!({"id": id, "schemas": [USER], "userName": "p@example.com",
               "name": {"givenName": "Pat"}})
    );
    let without = i
        .ok(
            Method::GET,
            &format!("/Users/{id}?excludedAttributes=emails,name.familyName,id"),
            None,
        )
        .await;
    assert!(without.get("emails").is_none());
    assert_eq!(without["name"], json!({"givenName": "Pat"}));
    assert_eq!(without["id"], id, "id is always returned");

    i.ok(
        Method::POST,
        "/Groups",
        Some(json!({"displayName": "Pat's"})),
    )
    .await;
    let search = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "userName sw \"p@\"",
        "attributes": ["userName"],
        "startIndex": 1,
        "count": 10,
    });
    let r = i.ok(Method::POST, "/Users/.search", Some(search)).await;
    assert_eq!(r["totalResults"], 1);
    assert_eq!(
        r["Resources"][0],
        json!({"id": id, "schemas": [USER], "userName": "p@example.com"})
    );
    let everything = i
        .ok(Method::POST, "/.search", Some(json!({"count": 10})))
        .await;
    assert_eq!(everything["totalResults"], 2, "{everything}");
    let bad = i
        .call(Method::POST, "/Groups/.search", Some(json!({"filter": 7})))
        .await;
    scim_error(&bad, 400, Some("invalidFilter"));
}
