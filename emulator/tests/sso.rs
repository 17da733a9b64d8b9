//! SSO through the in-process router, as the SDK calls it: connection management (SAML, OIDC,
//! external) with RBAC and Stytch's error types, connection discovery, and the sign-in round trip
//! through the built-in identity provider page.

mod common;

use axum::http::{Method, StatusCode};
use common::idp::{enc, location, token_of};
use common::{Harness, Resp};
use serde_json::{Value, json};

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=\n-----END CERTIFICATE-----";
const CERT2: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUenl4d3Z1dHNycXBvbm1sa2ppaGdmZWRjYmE=\n-----END CERTIFICATE-----";

/// A PKCS#1 PEM RSA key, as an admin pastes it into an SSO connection.
fn rsa_pem() -> String {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).expect("key");
    key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .expect("pem")
        .to_string()
}

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

    async fn create(&self, kind: &str, body: Value) -> Value {
        let r = self
            .call(Method::POST, &format!("/sdk/v1/b2b/sso/{kind}"), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.data()["connection"].clone()
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

#[tokio::test]
async fn saml_connection_lifecycle() {
    let a = admin().await;
    let c = a
        .create(
            "saml",
            json!({"display_name": "Okta", "identity_provider": "okta"}),
        )
        .await;
    let cid = id(&c);
    assert!(cid.starts_with("saml-connection-test-"), "{cid}");
    assert_eq!(c["status"], "pending");
    assert_eq!(c["organization_id"], a.org_id);
    assert_eq!(c["identity_provider"], "okta");
    assert_eq!(c["display_name"], "Okta");
    let acs = c["acs_url"].as_str().unwrap();
    assert!(
        acs.ends_with(&format!("/v1/b2b/sso/callback/{cid}")),
        "{acs}"
    );
    assert_eq!(c["audience_uri"], c["acs_url"]);
    assert_eq!(
        c["nameid_format"],
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    );
    assert!(
        a.org().await["sso_active_connections"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Complete: IdP settings, mapping and a certificate make it active.
    let r = a
        .call(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/saml/{cid}"),
            Some(json!({
                "connection_id": cid,
                "idp_entity_id": "http://www.okta.com/exk1",
                "idp_sso_url": "https://acme.okta.com/app/sso/saml",
                "attribute_mapping": {"email": "email", "full_name": "name"},
                "x509_certificate": CERT,
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.data()["connection"].clone();
    assert_eq!(c["status"], "active");
    assert_eq!(c["idp_entity_id"], "http://www.okta.com/exk1");
    let certs = c["verification_certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1);
    let cert_id = certs[0]["certificate_id"].as_str().unwrap().to_owned();
    assert!(cert_id.starts_with("saml-verification-key-test-"));
    assert_eq!(certs[0]["certificate"], CERT);
    assert_eq!(
        a.org().await["sso_active_connections"],
        json!([{"connection_id": cid, "display_name": "Okta", "identity_provider": "okta"}])
    );

    // The last certificate of an active connection stays.
    let cert_path = format!("/sdk/v1/b2b/sso/saml/{cid}/verification_certificates/{cert_id}");
    let r = a.call(Method::DELETE, &cert_path, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "cannot_delete_last_sso_verification_key");
    // With a second one, the first can go.
    let r = a
        .call(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/saml/{cid}"),
            Some(json!({"connection_id": cid, "x509_certificate": CERT2})),
        )
        .await;
    assert_eq!(
        r.data()["connection"]["verification_certificates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let r = a.call(Method::DELETE, &cert_path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["certificate_id"], cert_id);
    let r = a.call(Method::DELETE, &cert_path, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "sso_verification_key_not_found");

    // Encryption keys: emitted under both names, deletable by id.
    let pem = rsa_pem();
    let r = a
        .call(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/saml/{cid}"),
            Some(json!({"connection_id": cid, "saml_encryption_private_key": pem})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.data()["connection"].clone();
    let keys = c["encryption_private_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        c["saml_encryption_private_keys"],
        c["encryption_private_keys"]
    );
    let key_id = keys[0]["private_key_id"].as_str().unwrap().to_owned();
    assert!(key_id.starts_with("saml-encryption-key-test-"));
    let r = a
        .call(
            Method::DELETE,
            &format!("/sdk/v1/b2b/sso/saml/{cid}/encryption_private_key/{key_id}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["private_key_id"], key_id);

    // Update by metadata URL.
    let r = a
        .call(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/saml/{cid}/url"),
            Some(json!({"connection_id": cid, "metadata_url": "https://idp.example/metadata.xml"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.data()["connection"]["metadata_url"],
        "https://idp.example/metadata.xml"
    );

    // Listed, then deleted.
    let r = a.call(Method::GET, "/sdk/v1/b2b/sso", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["saml_connections"][0]["connection_id"], cid);
    assert_eq!(r.data()["oidc_connections"], json!([]));
    assert_eq!(r.data()["external_connections"], json!([]));
    let r = a
        .call(Method::DELETE, &format!("/sdk/v1/b2b/sso/{cid}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["connection_id"], cid);
    let r = a.call(Method::GET, "/sdk/v1/b2b/sso", None).await;
    assert_eq!(r.data()["saml_connections"], json!([]));
    assert_eq!(a.org().await["sso_active_connections"], json!([]));
}

#[tokio::test]
async fn saml_bad_input_gets_stytch_errors() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    let path = format!("/sdk/v1/b2b/sso/saml/{cid}");
    let cases = [
        (
            json!({"identity_provider": "myidp"}),
            400,
            "invalid_argument",
        ),
        (
            json!({"attribute_mapping": {"email": {"nested": "x"}}}),
            400,
            "invalid_argument",
        ),
        (
            json!({"x509_certificate": "not a certificate"}),
            400,
            "invalid_x509_certificate",
        ),
        (
            json!({"saml_encryption_private_key": "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"}),
            400,
            "invalid_argument",
        ),
        (
            json!({"saml_group_implicit_role_assignments": [{"role_id": "stytch_admin", "group": "eng"}]}),
            400,
            "saml_connection_attribute_mapping_missing_groups_key",
        ),
        (
            json!({"saml_connection_implicit_role_assignments": [{"role_id": "no_such_role"}]}),
            400,
            "invalid_rbac_role_id",
        ),
        (json!({"idp_sso_url": "ftp://idp"}), 400, "invalid_argument"),
        (json!({"idp_sso_url": 7}), 400, "bad_request"),
    ];
    for (body, status, error_type) in cases {
        let r = a.call(Method::PUT, &path, Some(body.clone())).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text);
        assert_eq!(r.error_type(), error_type, "{body}");
    }
    // With a groups key the group assignment is accepted.
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({
                "attribute_mapping": {"email": "email", "groups": "groups"},
                "saml_group_implicit_role_assignments": [{"role_id": "stytch_admin", "group": "eng"}],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.data()["connection"]["saml_group_implicit_role_assignments"],
        json!([{"role_id": "stytch_admin", "group": "eng"}])
    );
    // Five certificates at most.
    for i in 0..5u8 {
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\nMIIB{}\n-----END CERTIFICATE-----",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [i; 12])
        );
        let r = a
            .call(Method::PUT, &path, Some(json!({"x509_certificate": pem})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{i}: {}", r.text);
    }
    let r = a
        .call(Method::PUT, &path, Some(json!({"x509_certificate": CERT})))
        .await;
    assert_eq!(r.error_type(), "too_many_sso_verification_certificates");
    // Unknown and malformed targets.
    for (method, p, error_type) in [
        (
            Method::PUT,
            "/sdk/v1/b2b/sso/saml/saml-connection-test-nope".to_owned(),
            "sso_connection_not_found",
        ),
        (
            Method::DELETE,
            "/sdk/v1/b2b/sso/saml-connection-test-nope".to_owned(),
            "sso_connection_not_found",
        ),
        (
            Method::PUT,
            format!("/sdk/v1/b2b/sso/oidc/{cid}"),
            "sso_connection_not_found",
        ),
        (
            Method::PUT,
            format!("/sdk/v1/b2b/sso/saml/{cid}/url"),
            "bad_request",
        ),
    ] {
        let r = a.call(method, &p, Some(json!({}))).await;
        assert_eq!(r.error_type(), error_type, "{p}: {}", r.text);
    }
    let r = a
        .call(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/saml/{cid}/url"),
            Some(json!({"metadata_url": "file:///etc/passwd"})),
        )
        .await;
    assert_eq!(r.error_type(), "invalid_argument");
}

#[tokio::test]
async fn oidc_connection_becomes_active_when_complete() {
    let a = admin().await;
    let c = a
        .create(
            "oidc",
            json!({"display_name": "Entra", "identity_provider": "microsoft-entra"}),
        )
        .await;
    let cid = id(&c);
    assert!(cid.starts_with("oidc-connection-test-"));
    assert_eq!(c["status"], "pending");
    assert!(
        c["redirect_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/v1/b2b/sso/callback/{cid}"))
    );
    let path = format!("/sdk/v1/b2b/sso/oidc/{cid}");
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({"connection_id": cid, "issuer": "https://login.example", "client_id": "abc"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["connection"]["status"], "pending");
    assert!(
        r.data()["warning"]
            .as_str()
            .unwrap()
            .starts_with("Could not read the OpenID configuration of https://login.example"),
        "offline, the issuer's discovery document cannot be read: {}",
        r.text
    );
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({
                "connection_id": cid,
                "client_secret": "s3cret",
                "authorization_url": "https://login.example/authorize",
                "token_url": "https://login.example/token",
                "userinfo_url": "https://login.example/userinfo",
                "jwks_url": "https://login.example/jwks",
                "custom_scopes": "groups",
            })),
        )
        .await;
    let c = r.data()["connection"].clone();
    assert_eq!(c["status"], "active", "{c}");
    assert_eq!(c["issuer"], "https://login.example");
    assert_eq!(c["custom_scopes"], "groups");
    let r = a.call(Method::GET, "/sdk/v1/b2b/sso", None).await;
    assert_eq!(r.data()["oidc_connections"][0]["connection_id"], cid);
    let r = a
        .call(
            Method::PUT,
            &path,
            Some(json!({"token_url": "javascript:alert(1)"})),
        )
        .await;
    assert_eq!(r.error_type(), "invalid_argument");
}

#[tokio::test]
async fn external_connections_point_at_another_organization() {
    let a = admin().await;
    let source = id(&a.create("saml", json!({"display_name": "Acme IdP"})).await);
    // A second organization with its own admin.
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
    let create = |body: Value| {
        let h = &a.h;
        let bob = bob.clone();
        async move {
            h.sdk(
                Method::POST,
                "/sdk/v1/b2b/sso/external",
                Some(&bob),
                Some(body),
            )
            .await
        }
    };
    let r = create(json!({
        "display_name": "Via Acme",
        "external_organization_id": a.org_id,
        "external_connection_id": source,
        "connection_implicit_role_assignments": [{"role_id": "stytch_admin"}],
    }))
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.data()["connection"].clone();
    assert!(id(&c).starts_with("external-connection-test-"));
    assert_eq!(c["status"], "active");
    assert_eq!(c["organization_id"], globex);
    assert_eq!(c["external_connection_id"], source);
    assert_eq!(
        c["external_connection_implicit_role_assignments"],
        json!([{"role_id": "stytch_admin"}])
    );
    let r = create(json!({"external_organization_id": a.org_id, "external_connection_id": source}))
        .await;
    assert_eq!(r.error_type(), "duplicate_external_sso_connection");
    let r = create(json!({"external_organization_id": a.org_id, "external_connection_id": "saml-connection-test-nope"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "external_connection_id_not_found");
    let r =
        create(json!({"external_organization_id": globex, "external_connection_id": source})).await;
    assert_eq!(
        r.error_type(),
        "external_organization_id_same_as_organization_id"
    );
    let r = create(json!({"external_organization_id": a.org_id})).await;
    assert_eq!(r.error_type(), "bad_request");
    // Update the role assignments.
    let r = a
        .h
        .sdk(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/external/{}", id(&c)),
            Some(&bob),
            Some(json!({"display_name": "Renamed", "external_connection_implicit_role_assignments": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["connection"]["display_name"], "Renamed");
    assert_eq!(
        r.data()["connection"]["external_connection_implicit_role_assignments"],
        json!([])
    );
    // Acme's admin does not see Globex's connection.
    let r = a
        .call(Method::DELETE, &format!("/sdk/v1/b2b/sso/{}", id(&c)), None)
        .await;
    assert_eq!(r.error_type(), "sso_connection_not_found");
}

#[tokio::test]
async fn connection_management_needs_the_sso_permission() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    // A member JIT-provisioned by email has only stytch_member.
    let (member, _, _) = a.h.login("newbie@example.com", "acme").await;
    for (method, path, body) in [
        (Method::GET, "/sdk/v1/b2b/sso".to_owned(), None),
        (
            Method::POST,
            "/sdk/v1/b2b/sso/saml".to_owned(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/sdk/v1/b2b/sso/oidc".to_owned(),
            Some(json!({})),
        ),
        (
            Method::PUT,
            format!("/sdk/v1/b2b/sso/saml/{cid}"),
            Some(json!({"display_name": "x"})),
        ),
        (Method::DELETE, format!("/sdk/v1/b2b/sso/{cid}"), None),
    ] {
        let r = a.h.sdk(method, &path, Some(&member), body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
        assert_eq!(r.error_type(), "session_authorization_error");
    }
    // No session at all.
    let r = a.h.sdk(Method::GET, "/sdk/v1/b2b/sso", None, None).await;
    assert_eq!(r.error_type(), "unauthorized_credentials");
}

#[tokio::test]
async fn default_connection_and_jit_list_must_be_the_organizations() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    let me = "/sdk/v1/b2b/organizations/me";
    let r = a
        .call(
            Method::PUT,
            me,
            Some(json!({"sso_default_connection_id": cid, "sso_jit_provisioning": "RESTRICTED", "sso_jit_provisioning_allowed_connections": [cid]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let org = &r.data()["organization"];
    assert_eq!(org["sso_default_connection_id"], cid);
    assert_eq!(
        org["sso_jit_provisioning_allowed_connections"],
        json!([cid])
    );
    let r = a
        .call(Method::DELETE, &format!("/sdk/v1/b2b/sso/{cid}"), None)
        .await;
    assert_eq!(r.error_type(), "cannot_delete_default_sso_connection");
    let r = a
        .call(
            Method::PUT,
            me,
            Some(json!({"sso_jit_provisioning_allowed_connections": ["oidc-connection-test-x"]})),
        )
        .await;
    assert_eq!(r.error_type(), "invalid_connection_for_jit_provisioning");
    // Clearing the default lets the connection go, and takes it off the JIT list.
    let r = a
        .call(
            Method::PUT,
            me,
            Some(json!({"sso_default_connection_id": ""})),
        )
        .await;
    assert_eq!(
        r.data()["organization"]["sso_default_connection_id"],
        Value::Null
    );
    let r = a
        .call(Method::DELETE, &format!("/sdk/v1/b2b/sso/{cid}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        a.org().await["sso_jit_provisioning_allowed_connections"],
        json!([])
    );
}

#[tokio::test]
async fn discover_connections_by_email() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({"display_name": "Acme SSO"})).await);
    let discover = |email: &str| {
        let path = format!(
            "/sdk/v1/b2b/sso/discovery/connections?email_address={}",
            email.replace('@', "%40")
        );
        let h = &a.h;
        async move { h.sdk(Method::GET, &path, None, None).await }
    };
    let expected =
        json!([{"connection_id": cid, "display_name": "Acme SSO", "identity_provider": "generic"}]);
    // A member of Acme.
    let r = discover("admin@example.com").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["connections"], expected);
    // No member yet, but Acme's allowed domain and JIT let them in.
    assert_eq!(
        discover("stranger@example.com").await.data()["connections"],
        expected
    );
    // Nowhere to go.
    assert_eq!(
        discover("someone@elsewhere.test").await.data()["connections"],
        json!([])
    );
    let r = discover("not-an-email").await;
    assert_eq!(r.error_type(), "invalid_email");
    // JIT closed: only members find it.
    a.call(
        Method::PUT,
        "/sdk/v1/b2b/organizations/me",
        Some(json!({"sso_jit_provisioning": "NOT_ALLOWED"})),
    )
    .await;
    assert_eq!(
        discover("stranger@example.com").await.data()["connections"],
        json!([])
    );
    assert_eq!(
        discover("admin@example.com").await.data()["connections"],
        expected
    );
}

// ------------------------------------------------------------------ the round trip

impl Admin {
    fn public_token(&self) -> String {
        self.h.project.public_token.clone()
    }

    async fn get(&self, path: &str) -> Resp {
        self.h.get(path).await
    }

    /// `GET /v1/public/sso/start?public_token=…&{query}` → the identity provider page's URL.
    async fn start(&self, query: &str) -> Resp {
        self.get(&format!(
            "/v1/public/sso/start?public_token={}&{query}",
            self.public_token()
        ))
        .await
    }

    async fn answer(&self, fields: &[(&str, &str)]) -> Resp {
        self.h.idp_answer(fields).await
    }

    /// Start → page → answer → callback: the app URL the browser lands on.
    async fn sign_in(&self, start_query: &str, fields: &[(&str, &str)]) -> String {
        let start = format!(
            "/v1/public/sso/start?public_token={}&{start_query}",
            self.public_token()
        );
        self.h.idp_sign_in(&start, fields).await
    }

    async fn sso_authenticate(&self, body: Value) -> Resp {
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/sso/authenticate",
                None,
                Some(body),
            )
            .await
    }
}

#[tokio::test]
async fn sso_sign_up_by_jit_then_log_in_through_the_identity_provider_page() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({"display_name": "Acme Okta"})).await);

    // The start redirects to the built-in identity provider.
    let page = location(&a.start(&format!("connection_id={cid}")).await);
    assert!(page.starts_with("/emulator/idp/authorize?flow="), "{page}");
    let flow = page.split_once("flow=").unwrap().1.to_owned();
    let r = a.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = &r.text;
    assert!(html.contains(r#"<form method="post" action="/emulator/idp/authorize""#));
    assert!(html.contains(r#"name="email""#));
    assert!(html.contains(r#"value="deny""#));
    assert!(html.contains("Acme Okta"), "names the connection");
    assert!(!html.contains("<script"), "works without JavaScript");
    assert!(
        !html.contains("src=") && !html.contains(r#"href="http"#),
        "no external assets"
    );
    assert!(
        !html.contains("data-testid=\"idp-identity\""),
        "nobody seen yet"
    );

    // The answer goes to the connection's callback with a code and the flow as state.
    let callback = location(
        &a.answer(&[
            ("flow", &flow),
            ("email", "Carol@Example.com"),
            ("name", "Carol Danvers"),
            ("groups", "eng, ops"),
            ("action", "approve"),
        ])
        .await,
    );
    assert!(
        callback.starts_with(&format!("/v1/b2b/sso/callback/{cid}?code=")),
        "{callback}"
    );
    assert!(callback.ends_with(&format!("&state={flow}")));
    // The callback signs the new member up (JIT) and sends the browser to the signup URL.
    let app = location(&a.get(&callback).await);
    assert!(
        app.starts_with("http://127.0.0.1:8080/?stytch_token_type=sso&token="),
        "{app}"
    );
    let (tt, token) = token_of(&app);
    assert_eq!(tt, "sso");
    assert_eq!(token.len(), 44);
    // The callback cannot be replayed.
    let r = a.get(&callback).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_type(), "failed_saml_response");

    let r = a
        .sso_authenticate(json!({"sso_token": token, "session_duration_minutes": 30}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["member_authenticated"], true);
    assert_eq!(d["member"]["email_address"], "carol@example.com");
    assert_eq!(d["member"]["status"], "active");
    assert_eq!(d["member"]["email_address_verified"], true);
    assert_eq!(d["member"]["name"], "Carol Danvers");
    let reg = &d["member"]["sso_registrations"][0];
    assert_eq!(reg["connection_id"], cid);
    assert!(
        reg["registration_id"]
            .as_str()
            .unwrap()
            .starts_with("saml-member-registration-test-")
    );
    assert_eq!(reg["sso_attributes"]["groups"], json!(["eng", "ops"]));
    let factor = &d["member_session"]["authentication_factors"][0];
    assert_eq!(factor["type"], "sso");
    assert_eq!(factor["delivery_method"], "sso_saml");
    assert_eq!(factor["saml_sso_factor"]["provider_id"], cid);
    assert_eq!(factor["saml_sso_factor"]["id"], reg["registration_id"]);
    assert_eq!(d["reset_session"], false);
    assert!(!d["session_token"].as_str().unwrap().is_empty());
    // Single use.
    let r = a
        .sso_authenticate(json!({"sso_token": token, "session_duration_minutes": 30}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "sso_token_not_found");

    // Second time: the page offers Carol, and an existing member goes to the login URL.
    let page = location(
        &a.start(&format!(
            "connection_id={cid}&login_redirect_url={}",
            enc("http://localhost:3000/authenticate")
        ))
        .await,
    );
    let html = a.get(&page).await.text;
    assert!(html.contains("data-testid=\"idp-identity\""));
    assert!(
        html.contains("Carol Danvers &lt;carol@example.com&gt;"),
        "{html}"
    );
    let flow = page.split_once("flow=").unwrap().1.to_owned();
    let callback = location(
        &a.answer(&[
            ("flow", &flow),
            ("email", "carol@example.com"),
            ("action", "approve"),
        ])
        .await,
    );
    let app = location(&a.get(&callback).await);
    assert!(
        app.starts_with("http://localhost:3000/authenticate?stytch_token_type=sso&token="),
        "{app}"
    );
    let r = a
        .sso_authenticate(json!({"sso_token": token_of(&app).1, "session_duration_minutes": 30}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.data()["member"]["sso_registrations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn sso_start_validates_like_stytch() {
    let a = admin().await;
    let pt = a.public_token();
    let cid = id(&a.create("saml", json!({})).await);
    let cases = [
        (
            format!("/v1/public/sso/start?connection_id={cid}"),
            401,
            "unauthorized_credentials",
        ),
        (
            format!("/v1/public/sso/start?public_token=public-token-test-nope&connection_id={cid}"),
            401,
            "unauthorized_credentials",
        ),
        (
            format!("/v1/public/sso/start?public_token={pt}"),
            400,
            "missing_sso_connection_locator",
        ),
        (
            format!(
                "/v1/public/sso/start?public_token={pt}&connection_id={cid}&organization_id={}",
                a.org_id
            ),
            400,
            "too_many_sso_connection_locators",
        ),
        (
            format!(
                "/v1/public/sso/start?public_token={pt}&connection_id=saml-connection-test-nope"
            ),
            404,
            "sso_connection_not_found",
        ),
        (
            format!(
                "/v1/public/sso/start?public_token={pt}&organization_id=organization-test-nope"
            ),
            404,
            "organization_not_found",
        ),
        (
            format!(
                "/v1/public/sso/start?public_token={pt}&connection_id={cid}&login_redirect_url={}",
                enc("https://evil.example/")
            ),
            400,
            "no_match_for_provided_sso_url",
        ),
        (
            format!(
                "/v1/public/sso/start?public_token={pt}&connection_id={cid}&signup_redirect_url={}",
                enc("https://evil.example/")
            ),
            400,
            "no_match_for_provided_sso_url",
        ),
        (
            format!(
                "/v1/public/sso/start?public_token={pt}&connection_id={cid}&pkce_code_challenge=short"
            ),
            400,
            "invalid_pkce_code_challenge",
        ),
        (
            "/emulator/idp/authorize?flow=nope".to_owned(),
            400,
            "bad_request",
        ),
    ];
    for (path, status, error_type) in cases {
        let r = a.get(&path).await;
        assert_eq!(r.status.as_u16(), status, "{path}: {}", r.text);
        assert_eq!(r.error_type(), error_type, "{path}");
    }
    // By organization: its only connection, then (with two) its default.
    let r = a.start(&format!("organization_id={}", a.org_id)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let second = id(&a.create("oidc", json!({})).await);
    let r = a.start(&format!("organization_id={}", a.org_id)).await;
    assert_eq!(
        r.error_type(),
        "indeterminate_sso_connection_for_organization"
    );
    a.call(
        Method::PUT,
        "/sdk/v1/b2b/organizations/me",
        Some(json!({"sso_default_connection_id": second})),
    )
    .await;
    let app = a
        .sign_in(
            &format!("organization_id={}", a.org_id),
            &[("email", "admin@example.com")],
        )
        .await;
    let r = a
        .sso_authenticate(json!({"sso_token": token_of(&app).1}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let factor = &r.data()["member_session"]["authentication_factors"][0];
    assert_eq!(factor["delivery_method"], "sso_oidc");
    assert_eq!(factor["oidc_sso_factor"]["provider_id"], second);
    // An organization without connections.
    a.call(
        Method::PUT,
        "/sdk/v1/b2b/organizations/me",
        Some(json!({"sso_default_connection_id": ""})),
    )
    .await;
    for c in [&cid, &second] {
        a.call(Method::DELETE, &format!("/sdk/v1/b2b/sso/{c}"), None)
            .await;
    }
    let r = a.start(&format!("organization_id={}", a.org_id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "no_sso_connection_exists_for_organization");
}

#[tokio::test]
async fn sso_pkce_is_checked_at_authenticate() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    let verifier = "a".repeat(64);
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let app = a
        .sign_in(
            &format!("connection_id={cid}&pkce_code_challenge={challenge}"),
            &[("email", "admin@example.com")],
        )
        .await;
    let token = token_of(&app).1;
    let r = a.sso_authenticate(json!({"sso_token": token})).await;
    assert_eq!(r.error_type(), "pkce_expected_code_verifier");
    let r = a
        .sso_authenticate(json!({"sso_token": token, "pkce_code_verifier": "b".repeat(64)}))
        .await;
    assert_eq!(r.error_type(), "pkce_mismatch");
    let r = a
        .sso_authenticate(json!({"sso_token": token, "pkce_code_verifier": verifier}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Without a challenge at the start, a verifier is unexpected.
    let app = a
        .sign_in(
            &format!("connection_id={cid}"),
            &[("email", "admin@example.com")],
        )
        .await;
    let r = a
        .sso_authenticate(json!({"sso_token": token_of(&app).1, "pkce_code_verifier": verifier}))
        .await;
    assert_eq!(r.error_type(), "pkce_did_not_expect_code_verifier");
}

#[tokio::test]
async fn sso_pkce_required_by_the_project() {
    let h = Harness::with_seed(stytch_emulator::Seed {
        pkce_required_for_sso: true,
        ..Default::default()
    });
    let (session, _, _) = h.login("admin@example.com", "acme").await;
    let org_id = h.org_id("acme").await;
    let a = Admin { h, session, org_id };
    let cid = id(&a.create("saml", json!({})).await);
    let r = a.start(&format!("connection_id={cid}")).await;
    assert_eq!(r.error_type(), "invalid_pkce_code_challenge");
}

#[tokio::test]
async fn deny_and_bad_answers_fail_at_the_callback() {
    let a = admin().await;
    for (kind, error_type) in [
        ("saml", "failed_saml_response"),
        ("oidc", "oidc_auth_code_error"),
    ] {
        let cid = id(&a.create(kind, json!({})).await);
        let page = location(&a.start(&format!("connection_id={cid}")).await);
        let flow = page.split_once("flow=").unwrap().1.to_owned();
        let callback = location(&a.answer(&[("flow", &flow), ("action", "deny")]).await);
        assert!(callback.contains("error=access_denied"), "{callback}");
        let r = a.get(&callback).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.error_type(), error_type);
        // A made-up code for a live flow.
        let page = location(&a.start(&format!("connection_id={cid}")).await);
        let flow = page.split_once("flow=").unwrap().1.to_owned();
        let r = a
            .get(&format!(
                "/v1/b2b/sso/callback/{cid}?code=made-up&state={flow}"
            ))
            .await;
        assert_eq!(r.error_type(), error_type);
        // A state nobody issued.
        let r = a
            .get(&format!("/v1/b2b/sso/callback/{cid}?code=x&state=nope"))
            .await;
        assert_eq!(r.error_type(), error_type);
    }
    // The form needs a live flow and an email.
    let cid = id(&a.create("saml", json!({})).await);
    let page = location(&a.start(&format!("connection_id={cid}")).await);
    let flow = page.split_once("flow=").unwrap().1.to_owned();
    let r = a
        .answer(&[("flow", &flow), ("email", "not an email")])
        .await;
    assert_eq!(r.error_type(), "invalid_email");
    let r = a
        .answer(&[("flow", "nope"), ("email", "a@example.com")])
        .await;
    assert_eq!(r.error_type(), "bad_request");
    let r =
        a.h.send(
            Method::POST,
            "/emulator/idp/authorize",
            &[("content-type", "application/json")],
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(r.error_type(), "bad_request");
}

#[tokio::test]
async fn sso_jit_rules_and_allowed_auth_methods() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    let me = "/sdk/v1/b2b/organizations/me";
    let try_sign_in = |email: &'static str| {
        let a = &a;
        let cid = cid.clone();
        async move {
            let page = location(&a.start(&format!("connection_id={cid}")).await);
            let flow = page.split_once("flow=").unwrap().1.to_owned();
            let callback = location(
                &a.answer(&[("flow", &flow), ("email", email), ("action", "approve")])
                    .await,
            );
            a.get(&callback).await
        }
    };
    a.call(
        Method::PUT,
        me,
        Some(json!({"sso_jit_provisioning": "NOT_ALLOWED"})),
    )
    .await;
    let r = try_sign_in("dave@example.com").await;
    assert_eq!(r.error_type(), "invalid_connection_for_jit_provisioning");
    assert_eq!(
        try_sign_in("admin@example.com").await.status,
        StatusCode::FOUND
    );
    a.call(
        Method::PUT,
        me,
        Some(json!({"sso_jit_provisioning": "RESTRICTED"})),
    )
    .await;
    let r = try_sign_in("dave@example.com").await;
    assert_eq!(r.error_type(), "invalid_connection_for_jit_provisioning");
    a.call(
        Method::PUT,
        me,
        Some(json!({"sso_jit_provisioning_allowed_connections": [cid]})),
    )
    .await;
    assert_eq!(
        try_sign_in("dave@example.com").await.status,
        StatusCode::FOUND
    );
    // An organization that does not allow SSO.
    let r = a
        .call(
            Method::PUT,
            me,
            Some(json!({"auth_methods": "RESTRICTED", "allowed_auth_methods": ["magic_link"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = try_sign_in("dave@example.com").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        r.error_type(),
        "operation_restricted_by_organization_auth_methods"
    );
}

#[tokio::test]
async fn implicit_roles_from_the_connection_and_its_groups() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    let r = a
        .call(
            Method::PUT,
            &format!("/sdk/v1/b2b/sso/saml/{cid}"),
            Some(json!({
                "attribute_mapping": {"email": "email", "groups": "groups"},
                "saml_group_implicit_role_assignments": [{"role_id": "stytch_admin", "group": "admins"}],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let roles_after = |groups: &'static str, email: &'static str| {
        let a = &a;
        let cid = cid.clone();
        async move {
            let app = a
                .sign_in(
                    &format!("connection_id={cid}"),
                    &[("email", email), ("groups", groups)],
                )
                .await;
            let r = a
                .sso_authenticate(json!({"sso_token": token_of(&app).1}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.data().clone()
        }
    };
    let d = roles_after("admins", "erin@example.com").await;
    let admin_role = d["member"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role_id"] == "stytch_admin")
        .cloned()
        .expect("stytch_admin granted by the group");
    assert_eq!(
        admin_role["sources"],
        json!([{"type": "sso_connection_group", "details": {"connection_id": cid, "group": "admins"}}])
    );
    assert!(
        d["member_session"]["roles"]
            .as_array()
            .unwrap()
            .contains(&json!("stytch_admin"))
    );
    // Out of the group, the role goes.
    let d = roles_after("", "erin@example.com").await;
    assert!(
        !d["member"]["roles"].to_string().contains("stytch_admin"),
        "{}",
        d["member"]["roles"]
    );
}

#[tokio::test]
async fn mfa_policy_turns_the_sso_login_into_an_intermediate_session() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    a.call(
        Method::PUT,
        "/sdk/v1/b2b/organizations/me",
        Some(json!({"mfa_policy": "REQUIRED_FOR_ALL"})),
    )
    .await;
    let app = a
        .sign_in(
            &format!("connection_id={cid}"),
            &[("email", "admin@example.com")],
        )
        .await;
    let r = a
        .sso_authenticate(json!({"sso_token": token_of(&app).1}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["member_authenticated"], false);
    assert_eq!(d["member_session"], Value::Null);
    assert_eq!(d["session_token"], "");
    assert!(!d["intermediate_session_token"].as_str().unwrap().is_empty());
    assert!(d["mfa_required"].is_object());
}

#[tokio::test]
async fn control_api_mints_the_callback_token() {
    let a = admin().await;
    let cid = id(&a.create("saml", json!({})).await);
    let r = a
        .h
        .raw(
            Method::POST,
            "/emulator/v1/sso/tokens",
            None,
            Some(&json!({"connection_id": cid, "email_address": "frank@example.com", "name": "Frank"}).to_string()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["member_created"], true);
    let token = r.body["token"].as_str().unwrap().to_owned();
    assert_eq!(
        r.body["redirect_url"],
        format!("http://127.0.0.1:8080/?stytch_token_type=sso&token={token}")
    );
    let r2 = a.sso_authenticate(json!({"sso_token": token})).await;
    assert_eq!(r2.status, StatusCode::OK, "{}", r2.text);
    assert_eq!(r2.data()["member_id"], r.body["member_id"]);
    assert_eq!(r2.data()["member"]["name"], "Frank");
    let r = a
        .h
        .raw(
            Method::POST,
            "/emulator/v1/sso/tokens",
            None,
            Some(&json!({"connection_id": "saml-connection-test-nope", "email_address": "frank@example.com"}).to_string()),
            &[],
        )
        .await;
    assert_eq!(r.error_type(), "sso_connection_not_found");
}

#[tokio::test]
async fn an_external_connection_signs_in_to_its_own_organization() {
    let a = admin().await;
    let source = id(&a.create("saml", json!({"display_name": "Acme IdP"})).await);
    let r =
        a.h.backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Globex", "organization_slug": "globex"})),
        )
        .await;
    let globex = r.body["organization"]["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    a.h.backend(
        Method::POST,
        &format!("/v1/b2b/organizations/{globex}/members"),
        Some(json!({"email_address": "bob@globex.test", "roles": ["stytch_admin"]})),
    )
    .await;
    let (bob, _, _) = a.h.login("bob@globex.test", "globex").await;
    let r =
        a.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/sso/external",
            Some(&bob),
            Some(json!({"external_organization_id": a.org_id, "external_connection_id": source})),
        )
        .await;
    let ext = id(&r.data()["connection"]);
    let app = a
        .sign_in(
            &format!("connection_id={ext}"),
            &[("email", "admin@example.com")],
        )
        .await;
    let r = a
        .sso_authenticate(json!({"sso_token": token_of(&app).1}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["organization_id"], globex);
    assert_eq!(
        r.data()["member"]["sso_registrations"][0]["connection_id"],
        ext
    );
}
