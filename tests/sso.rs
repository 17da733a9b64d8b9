//! `client.sso()` against the in-process emulator: connection management (SAML, OIDC, external)
//! with its errors, connection discovery, the start URL as the JS SDK builds it, and the whole
//! sign-in — follow the start, post the identity provider's form with a plain HTTP client,
//! `authenticate_by_url` with the token it redirects to.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::BTreeMap;

use leptos_stytch::core::platform::{Method, Store};
use leptos_stytch::core::sso::{ConnectionRoleAssignment, GroupRoleAssignment};
use leptos_stytch::{
    AuthenticateByUrlResult, CreateConnectionRequest, DeleteEncryptionPrivateKeyRequest,
    DeleteVerificationCertificateRequest, ExternalCreateConnectionRequest,
    ExternalUpdateConnectionRequest, OidcUpdateConnectionRequest, SamlUpdateByUrlRequest,
    SamlUpdateConnectionRequest, SsoAuthenticateRequest, SsoStartRequest, StytchB2BOptions,
    StytchError,
};
use serde_json::{Value, json};
use support::*;

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=\n-----END CERTIFICATE-----";
const CERT2: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUenl4d3Z1dHNycXBvbm1sa2ppaGdmZWRjYmE=\n-----END CERTIFICATE-----";

async fn saml(h: &Harness, name: &str) -> String {
    h.client
        .sso()
        .saml()
        .create_connection(CreateConnectionRequest {
            display_name: Some(name.into()),
            identity_provider: Some("okta".into()),
        })
        .await
        .expect("create")
        .connection
        .connection_id
}

#[test]
fn saml_connections_are_managed_through_the_client() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let sso = h.client.sso();
        let created = sso
            .saml()
            .create_connection(CreateConnectionRequest {
                display_name: Some("Okta".into()),
                identity_provider: Some("okta".into()),
            })
            .await
            .expect("create");
        let c = created.connection;
        assert!(c.connection_id.starts_with("saml-connection-test-"));
        assert_eq!(c.status, "pending");
        assert_eq!(c.organization_id, ORG_ID);
        assert!(
            c.acs_url
                .ends_with(&format!("/v1/b2b/sso/callback/{}", c.connection_id))
        );
        let req = h.transport.last_to("/sdk/v1/b2b/sso/saml").expect("sent");
        assert_eq!(req.method, Method::Post);
        assert_eq!(
            serde_json::from_str::<Value>(req.body.as_deref().unwrap()).unwrap(),
            json!({"display_name": "Okta", "identity_provider": "okta"})
        );

        let id = c.connection_id.clone();
        let updated = sso
            .saml()
            .update_connection(SamlUpdateConnectionRequest {
                connection_id: id.clone(),
                idp_entity_id: Some("http://www.okta.com/exk1".into()),
                idp_sso_url: Some("https://acme.okta.com/sso/saml".into()),
                attribute_mapping: Some(BTreeMap::from([
                    ("email".into(), "email".into()),
                    ("full_name".into(), "name".into()),
                    ("groups".into(), "groups".into()),
                ])),
                x509_certificate: Some(CERT.into()),
                saml_connection_implicit_role_assignments: Some(vec![ConnectionRoleAssignment {
                    role_id: "stytch_admin".into(),
                }]),
                saml_group_implicit_role_assignments: Some(vec![GroupRoleAssignment {
                    role_id: "stytch_admin".into(),
                    group: "admins".into(),
                }]),
                ..Default::default()
            })
            .await
            .expect("update")
            .connection;
        assert_eq!(updated.status, "active");
        assert_eq!(updated.verification_certificates.len(), 1);
        assert_eq!(
            updated.saml_group_implicit_role_assignments[0].group,
            "admins"
        );
        let put = h
            .transport
            .last_to(&format!("/sdk/v1/b2b/sso/saml/{id}"))
            .expect("sent");
        assert_eq!(put.method, Method::Put);
        let body: Value = serde_json::from_str(put.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["connection_id"], id, "the whole object, id included");
        assert!(body.get("signing_private_key").is_none(), "None is omitted");
        // The organization lists it as active.
        let org = h.client.organization().get().await.expect("org");
        assert_eq!(org.organization_id, ORG_ID);

        // A second certificate, then the first deleted.
        let two = sso
            .saml()
            .update_connection(SamlUpdateConnectionRequest {
                connection_id: id.clone(),
                x509_certificate: Some(CERT2.into()),
                ..Default::default()
            })
            .await
            .expect("second certificate")
            .connection;
        let first = two.verification_certificates[0].certificate_id.clone();
        let deleted = sso
            .saml()
            .delete_verification_certificate(DeleteVerificationCertificateRequest {
                connection_id: id.clone(),
                certificate_id: first.clone(),
            })
            .await
            .expect("delete certificate");
        assert_eq!(deleted.certificate_id, first);
        let e = sso
            .saml()
            .delete_verification_certificate(DeleteVerificationCertificateRequest {
                connection_id: id.clone(),
                certificate_id: two.verification_certificates[1].certificate_id.clone(),
            })
            .await
            .expect_err("the last certificate of an active connection stays");
        assert_eq!(
            api_error_of(&e),
            (400, "cannot_delete_last_sso_verification_key".into())
        );
        let e = sso
            .saml()
            .delete_encryption_private_key(DeleteEncryptionPrivateKeyRequest {
                connection_id: id.clone(),
                private_key_id: "saml-encryption-key-test-nope".into(),
            })
            .await
            .expect_err("no such key");
        assert_eq!(
            api_error_of(&e),
            (404, "sso_verification_key_not_found".into())
        );
        assert!(
            h.transport
                .last_to(&format!(
                    "/sdk/v1/b2b/sso/saml/{id}/encryption_private_key/saml-encryption-key-test-nope"
                ))
                .is_some()
        );

        let by_url = sso
            .saml()
            .update_connection_by_url(SamlUpdateByUrlRequest {
                connection_id: id.clone(),
                metadata_url: "https://idp.example/metadata".into(),
            })
            .await
            .expect("by url");
        assert_eq!(by_url.connection.connection_id, id);

        let e = sso
            .saml()
            .update_connection(SamlUpdateConnectionRequest {
                connection_id: id.clone(),
                x509_certificate: Some("not a certificate".into()),
                ..Default::default()
            })
            .await
            .expect_err("bad certificate");
        assert_eq!(api_error_of(&e), (400, "invalid_x509_certificate".into()));

        let all = sso.get_connections().await.expect("get");
        assert_eq!(all.saml_connections.len(), 1);
        assert_eq!(all.saml_connections[0].connection_id, id);
        assert!(all.oidc_connections.is_empty());
        let gone = sso.delete_connection(&id).await.expect("delete");
        assert_eq!(gone.connection_id, id);
        let e = sso.delete_connection(&id).await.expect_err("already gone");
        assert_eq!(api_error_of(&e), (404, "sso_connection_not_found".into()));
        assert!(
            sso.get_connections()
                .await
                .unwrap()
                .saml_connections
                .is_empty()
        );
    });
}

#[test]
fn oidc_and_external_connections() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let sso = h.client.sso();
        let c = sso
            .oidc()
            .create_connection(CreateConnectionRequest::default())
            .await
            .expect("create")
            .connection;
        assert!(c.connection_id.starts_with("oidc-connection-test-"));
        let updated = sso
            .oidc()
            .update_connection(OidcUpdateConnectionRequest {
                connection_id: c.connection_id.clone(),
                issuer: Some("https://login.example".into()),
                client_id: Some("client".into()),
                client_secret: Some("secret".into()),
                authorization_url: Some("https://login.example/authorize".into()),
                token_url: Some("https://login.example/token".into()),
                userinfo_url: Some("https://login.example/userinfo".into()),
                jwks_url: Some("https://login.example/jwks".into()),
                ..Default::default()
            })
            .await
            .expect("update");
        assert_eq!(updated.connection.status, "active");
        assert!(
            updated
                .warning
                .as_deref()
                .is_some_and(|w| w.starts_with("Could not read the OpenID configuration")),
            "offline, https://login.example cannot be read: {:?}",
            updated.warning
        );
        assert!(
            !format!("{:?}", updated.connection).contains("secret\""),
            "secret redacted"
        );

        // Globex gets an external connection to Acme's OIDC connection.
        let (status, _) = h
            .call(
                Method::Post,
                &format!("/v1/b2b/organizations/{OTHER_ORG_ID}/members"),
                Some(h.backend_auth()),
                Some(json!({"email_address": "gina@globex.test", "roles": ["stytch_admin"]})),
            )
            .await;
        assert_eq!(status, 200);
        let token = h.magic_link_token("gina@globex.test", OTHER_ORG_ID).await;
        h.client
            .magic_links()
            .authenticate(leptos_stytch::MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("gina signs in");
        let ext = sso
            .external()
            .create_connection(ExternalCreateConnectionRequest {
                display_name: Some("Via Acme".into()),
                external_organization_id: ORG_ID.into(),
                external_connection_id: c.connection_id.clone(),
            })
            .await
            .expect("external")
            .connection;
        assert_eq!(ext.status, "active");
        assert_eq!(ext.organization_id, OTHER_ORG_ID);
        let e = sso
            .external()
            .create_connection(ExternalCreateConnectionRequest {
                display_name: None,
                external_organization_id: ORG_ID.into(),
                external_connection_id: c.connection_id.clone(),
            })
            .await
            .expect_err("duplicate");
        assert_eq!(
            api_error_of(&e),
            (400, "duplicate_external_sso_connection".into())
        );
        let renamed = sso
            .external()
            .update_connection(ExternalUpdateConnectionRequest {
                connection_id: ext.connection_id.clone(),
                display_name: Some("Acme login".into()),
                external_connection_implicit_role_assignments: Some(vec![
                    ConnectionRoleAssignment {
                        role_id: "stytch_admin".into(),
                    },
                ]),
                ..Default::default()
            })
            .await
            .expect("update external")
            .connection;
        assert_eq!(renamed.display_name, "Acme login");
        assert_eq!(
            renamed.external_connection_implicit_role_assignments.len(),
            1
        );
        let all = sso.get_connections().await.expect("get");
        assert_eq!(all.external_connections.len(), 1);
        assert!(all.oidc_connections.is_empty(), "Acme's are not Globex's");
    });
}

#[test]
fn managing_connections_needs_a_session_with_the_sso_permission() {
    run(async {
        let h = Harness::new().await;
        let e = h
            .client
            .sso()
            .get_connections()
            .await
            .expect_err("no session");
        assert_eq!(api_error_of(&e), (401, "unauthorized_credentials".into()));
        // A member JIT-provisioned by email has only stytch_member.
        h.login("newbie@example.com").await;
        let e = h
            .client
            .sso()
            .saml()
            .create_connection(CreateConnectionRequest::default())
            .await
            .expect_err("not an admin");
        assert_eq!(
            api_error_of(&e),
            (403, "session_authorization_error".into())
        );
    });
}

#[test]
fn discover_connections_encodes_the_email_like_the_js_sdk() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let id = saml(&h, "Acme SSO").await;
        let found = h
            .client
            .sso()
            .discover_connections("ada+sso@example.com")
            .await
            .expect("discover");
        assert_eq!(found.connections.len(), 1);
        assert_eq!(found.connections[0].connection_id, id);
        assert_eq!(found.connections[0].display_name, "Acme SSO");
        assert!(
            h.transport
                .last_to(
                    "/sdk/v1/b2b/sso/discovery/connections?email_address=ada%2Bsso%40example.com"
                )
                .is_some(),
            "{:?}",
            h.transport.paths()
        );
        let none = h
            .client
            .sso()
            .discover_connections("nobody@elsewhere.test")
            .await
            .expect("discover");
        assert!(none.connections.is_empty());
        let e = h
            .client
            .sso()
            .discover_connections("not an email")
            .await
            .expect_err("bad email");
        assert_eq!(api_error_of(&e), (400, "invalid_email".into()));
    });
}

#[test]
fn start_url_is_built_like_the_js_sdk() {
    run(async {
        let h = Harness::new().await;
        let pt = h.emulator.project().public_token;
        let url = h
            .client
            .sso()
            .start(SsoStartRequest {
                connection_id: "saml-connection-test-1".into(),
                login_redirect_url: Some("http://127.0.0.1:8080/login?x=1".into()),
                signup_redirect_url: Some("http://127.0.0.1:8080/".into()),
                provider_params: BTreeMap::from([("login_hint".into(), "ada@example.com".into())]),
            })
            .await
            .expect("url");
        assert_eq!(
            url,
            format!(
                "{BASE_URL}/v1/public/sso/start?public_token={pt}&connection_id=saml-connection-test-1\
                 &provider_login_hint=ada%40example.com\
                 &login_redirect_url=http%3A%2F%2F127.0.0.1%3A8080%2Flogin%3Fx%3D1\
                 &signup_redirect_url=http%3A%2F%2F127.0.0.1%3A8080%2F"
            )
        );
        let key = format!("stytch_sdk_state_{pt}::PKCE_VERIFIER:sso");
        assert!(
            h.store.get_item(&key).is_none(),
            "no PKCE unless the project asks"
        );
        let e = h
            .client
            .sso()
            .start(SsoStartRequest::default())
            .await
            .expect_err("no connection");
        assert!(matches!(e, StytchError::Usage { .. }), "{e:?}");
    });
}

#[test]
fn sso_sign_in_through_the_identity_provider_page() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let id = saml(&h, "Acme Okta").await;
        let router = h.emulator.router();
        let start = h
            .client
            .sso()
            .start(SsoStartRequest {
                connection_id: id.clone(),
                ..Default::default()
            })
            .await
            .expect("url");
        let app = idp::sign_in(
            &router,
            &start,
            &[("email", "carol@example.com"), ("name", "Carol")],
        )
        .await;
        assert!(
            app.starts_with(&format!("{REDIRECT}?stytch_token_type=sso&token=")),
            "{app}"
        );

        let result = h
            .client
            .authenticate_by_url(&app, 45)
            .await
            .expect("authenticates")
            .expect("a token in the URL");
        let AuthenticateByUrlResult::Sso(resp) = result else {
            panic!("expected the sso branch: {result:?}");
        };
        assert!(resp.member_authenticated);
        assert_eq!(resp.member.email_address, "carol@example.com");
        assert_eq!(resp.member.name, "Carol");
        assert_eq!(resp.member.status, "active");
        let session = resp.member_session.clone().expect("session");
        assert_eq!(session.authentication_factors[0].kind, "sso");
        assert_eq!(
            session.authentication_factors[0].delivery_method,
            "sso_saml"
        );
        // The client now holds Carol's session.
        assert_eq!(h.client.session().get_sync(), Some(session));
        assert_eq!(
            h.client.self_().get_sync().unwrap().email_address,
            "carol@example.com"
        );
        let tokens = h.client.session().get_tokens().expect("cookies");
        assert_eq!(tokens.session_token, resp.session_token);
        let sent = h
            .transport
            .last_to("/sdk/v1/b2b/sso/authenticate")
            .expect("sent");
        let body: Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["session_duration_minutes"], 45);
        assert!(body.get("pkce_code_verifier").is_none());

        // The token is single-use.
        let e = h
            .client
            .authenticate_by_url(&app, 45)
            .await
            .expect_err("reused");
        assert_eq!(api_error_of(&e), (404, "sso_token_not_found".into()));
        assert!(
            h.client.session().get_sync().is_some(),
            "a failed reuse keeps the session"
        );
    });
}

#[test]
fn sso_pkce_when_the_project_requires_it() {
    run(async {
        let seed = {
            let mut v = serde_json::to_value(seed()).unwrap();
            v["pkce_required_for_sso"] = json!(true);
            serde_json::from_value(v).unwrap()
        };
        let h = Harness::with_seed(seed, StytchB2BOptions::default()).await;
        h.login("admin@example.com").await;
        let id = saml(&h, "PKCE").await;
        let start = h
            .client
            .sso()
            .start(SsoStartRequest {
                connection_id: id,
                ..Default::default()
            })
            .await
            .expect("url");
        let pt = h.emulator.project().public_token;
        let key = format!("stytch_sdk_state_{pt}::PKCE_VERIFIER:sso");
        let stored: Value =
            serde_json::from_str(&h.store.get_item(&key).expect("pair stored")).unwrap();
        let challenge = stored["code_challenge"].as_str().unwrap();
        assert!(
            start.contains(&format!("&pkce_code_challenge={challenge}")),
            "{start}"
        );
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "admin@example.com")],
        )
        .await;
        let token = app.split("token=").nth(1).unwrap().to_owned();
        let resp = h
            .client
            .sso()
            .authenticate(SsoAuthenticateRequest {
                sso_token: token,
                ..Default::default()
            })
            .await
            .expect("verifier matches");
        assert!(resp.member_authenticated);
        let sent = h.transport.last_to("/sdk/v1/b2b/sso/authenticate").unwrap();
        let body: Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["pkce_code_verifier"], stored["code_verifier"]);
        assert!(h.store.get_item(&key).is_none(), "cleared after use");
    });
}

#[test]
fn mfa_policy_makes_sso_store_an_intermediate_session() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let id = saml(&h, "MFA").await;
        h.client
            .organization()
            .update(leptos_stytch::UpdateOrganizationRequest {
                mfa_policy: Some("REQUIRED_FOR_ALL".into()),
                ..Default::default()
            })
            .await
            .expect("policy");
        let start = h
            .client
            .sso()
            .start(SsoStartRequest {
                connection_id: id,
                ..Default::default()
            })
            .await
            .unwrap();
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "admin@example.com")],
        )
        .await;
        let Some(AuthenticateByUrlResult::Sso(resp)) = h
            .client
            .authenticate_by_url(&app, 60)
            .await
            .expect("answers")
        else {
            panic!("sso branch");
        };
        assert!(!resp.member_authenticated);
        assert!(resp.mfa_required.is_some());
        assert!(h.client.session().get_sync().is_none(), "no session yet");
        assert!(
            h.store
                .cookie_spec("stytch_intermediate_session_token")
                .is_some(),
            "the IST is kept for the second factor"
        );
    });
}

#[test]
fn an_oidc_connection_configured_by_its_issuer_signs_in_at_that_provider() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let c = h
            .client
            .sso()
            .oidc()
            .create_connection(CreateConnectionRequest::default())
            .await
            .expect("create")
            .connection;
        // The emulator's own OpenID provider, as the emulator names itself to in-process callers.
        let issuer = "http://localhost/emulator/idp";
        let updated = h
            .client
            .sso()
            .oidc()
            .update_connection(OidcUpdateConnectionRequest {
                connection_id: c.connection_id.clone(),
                issuer: Some(issuer.into()),
                client_id: Some("acme-app".into()),
                client_secret: Some("acme-secret".into()),
                ..Default::default()
            })
            .await
            .expect("update");
        assert_eq!(updated.warning.as_deref(), Some(""));
        assert_eq!(updated.connection.status, "active");
        assert_eq!(updated.connection.token_url, format!("{issuer}/oidc/token"));
        let start = h
            .client
            .sso()
            .start(SsoStartRequest {
                connection_id: c.connection_id,
                ..Default::default()
            })
            .await
            .unwrap();
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "oscar@example.com"), ("name", "Oscar")],
        )
        .await;
        let Some(AuthenticateByUrlResult::Sso(resp)) = h
            .client
            .authenticate_by_url(&app, 60)
            .await
            .expect("answers")
        else {
            panic!("sso branch: {app}");
        };
        assert!(resp.member_authenticated);
        assert_eq!(resp.member.email_address, "oscar@example.com");
        assert_eq!(resp.member.name, "Oscar");
        assert_eq!(
            resp.member_session.unwrap().authentication_factors[0].delivery_method,
            "sso_oidc"
        );
    });
}
