//! OAuth through the in-process router, as the SDK and a browser call it: the org and discovery
//! starts, the built-in identity provider page, the project callback, `oauth/authenticate` and
//! `oauth/discovery/authenticate`, with Stytch's rules and error types.

mod common;

use axum::http::{Method, StatusCode};
use base64::Engine;
use common::Harness;
use common::Resp;
use common::idp::{enc, flow_of, location, token_of};
use serde_json::{Value, json};

struct T {
    h: Harness,
    admin: String,
    org_id: String,
}

async fn setup() -> T {
    let h = Harness::new();
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let org_id = h.org_id("acme").await;
    T { h, admin, org_id }
}

impl T {
    fn start_path(&self, provider: &str, query: &str) -> String {
        format!(
            "/v1/b2b/public/oauth/{provider}/start?public_token={}&{query}",
            self.h.project.public_token
        )
    }

    fn discovery_path(&self, provider: &str, query: &str) -> String {
        format!(
            "/v1/b2b/public/oauth/{provider}/discovery/start?public_token={}&{query}",
            self.h.project.public_token
        )
    }

    async fn sign_in(&self, provider: &str, fields: &[(&str, &str)]) -> String {
        let start = self.start_path(provider, &format!("organization_id={}", self.org_id));
        self.h.idp_sign_in(&start, fields).await
    }

    async fn authenticate(&self, body: Value) -> Resp {
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/oauth/authenticate",
                None,
                Some(body),
            )
            .await
    }

    async fn update_org(&self, body: Value) {
        let r = self
            .h
            .sdk(
                Method::PUT,
                "/sdk/v1/b2b/organizations/me",
                Some(&self.admin),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }

    async fn add_member(&self, email: &str) {
        let r = self
            .h
            .backend(
                Method::POST,
                &format!("/v1/b2b/organizations/{}/members", self.org_id),
                Some(json!({"email_address": email})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
}

fn jwt_claims(jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let dec = |p: &str| -> Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .expect("base64url"),
        )
        .expect("json")
    };
    (dec(parts[0]), dec(parts[1]))
}

#[tokio::test]
async fn google_workspace_login_gives_a_session_and_provider_values() {
    let t = setup().await;
    let start = t.start_path(
        "google",
        &format!(
            "organization_id={}&custom_scopes={}&provider_prompt=select_account",
            t.org_id,
            enc("https://www.googleapis.com/auth/calendar.readonly")
        ),
    );
    let page = location(&t.h.get(&start).await);
    let html = t.h.get(&page).await.text;
    assert!(html.contains("Sign in with Google"));
    assert!(html.contains(r#"name="hosted_domain""#));
    let flow = flow_of(&page);
    let callback = location(
        &t.h.idp_answer(&[
            ("flow", &flow),
            ("email", "admin@example.com"),
            ("name", "Ada"),
            ("action", "approve"),
        ])
        .await,
    );
    let cb_prefix = "/v1/oauth/callback/oauth-callback-test-";
    assert!(callback.starts_with(cb_prefix), "{callback}");
    let app = location(&t.h.get(&callback).await);
    assert!(
        app.starts_with("http://127.0.0.1:8080/?stytch_token_type=oauth&token="),
        "{app}"
    );
    let (tt, token) = token_of(&app);
    assert_eq!(tt, "oauth");

    let r = t
        .authenticate(json!({"oauth_token": token, "session_duration_minutes": 60}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["member_authenticated"], true);
    assert_eq!(d["provider_type"], "Google");
    let subject = d["provider_subject"].as_str().unwrap();
    assert!(!subject.is_empty());
    let v = &d["provider_values"];
    assert_eq!(v["access_token"].as_str().unwrap().len(), 44);
    assert_eq!(v["refresh_token"].as_str().unwrap().len(), 44);
    assert_ne!(v["access_token"], v["refresh_token"]);
    assert_eq!(
        v["scopes"],
        json!([
            "openid",
            "email",
            "profile",
            "https://www.googleapis.com/auth/calendar.readonly"
        ])
    );
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'));
    let (header, claims) = jwt_claims(v["id_token"].as_str().unwrap());
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], t.h.emu.signing_key_id());
    assert_eq!(claims["iss"], "https://accounts.google.com");
    assert_eq!(claims["email"], "admin@example.com");
    assert_eq!(claims["hd"], "example.com");
    assert_eq!(claims["sub"], subject);
    let factor = &d["member_session"]["authentication_factors"][0];
    assert_eq!(factor["type"], "oauth");
    assert_eq!(factor["delivery_method"], "oauth_google");
    assert_eq!(factor["google_oauth_factor"]["provider_subject"], subject);
    let reg = &d["member"]["oauth_registrations"][0];
    assert_eq!(reg["provider_type"], "Google");
    assert_eq!(reg["provider_subject"], subject);
    assert_eq!(
        factor["google_oauth_factor"]["id"],
        reg["member_oauth_registration_id"]
    );
    // Single use.
    let r = t.authenticate(json!({"oauth_token": token})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "oauth_token_not_found");
    // The identity is offered on the next page.
    let page = location(&t.h.get(&start).await);
    assert!(
        t.h.get(&page)
            .await
            .text
            .contains("Ada &lt;admin@example.com&gt;")
    );
}

#[tokio::test]
async fn providers_that_do_not_prove_the_email_need_another_primary_factor() {
    let t = setup().await;
    t.add_member("ann@gmail.com").await;
    for (provider, email) in [
        ("google", "ann@gmail.com"),
        ("github", "admin@example.com"),
        ("slack", "admin@example.com"),
        ("hubspot", "admin@example.com"),
    ] {
        let app = t.sign_in(provider, &[("email", email)]).await;
        let r = t
            .authenticate(json!({"oauth_token": token_of(&app).1}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{provider}: {}", r.text);
        let d = r.data();
        assert_eq!(d["member_authenticated"], false, "{provider}");
        assert_eq!(d["member_session"], Value::Null, "{provider}");
        assert!(!d["intermediate_session_token"].as_str().unwrap().is_empty());
        assert_eq!(
            d["primary_required"]["allowed_auth_methods"],
            json!(["email_otp", "magic_link"]),
            "{provider}"
        );
    }
    // Microsoft proves it.
    let app = t
        .sign_in("microsoft", &[("email", "admin@example.com")])
        .await;
    let r = t
        .authenticate(json!({"oauth_token": token_of(&app).1}))
        .await;
    assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
    assert_eq!(
        r.data()["member_session"]["authentication_factors"][0]["delivery_method"],
        "oauth_microsoft"
    );
}

#[tokio::test]
async fn jit_by_email_domain_and_by_oauth_tenant() {
    let t = setup().await;
    // A verified provider and an allowed domain: signed up at the signup URL, then a session.
    let start = t.start_path(
        "microsoft",
        &format!(
            "organization_id={}&signup_redirect_url={}",
            t.org_id,
            enc("http://localhost:3000/authenticate")
        ),
    );
    let app =
        t.h.idp_sign_in(&start, &[("email", "mia@example.com"), ("name", "Mia")])
            .await;
    assert!(
        app.starts_with("http://localhost:3000/authenticate?stytch_token_type=oauth"),
        "{app}"
    );
    let r = t
        .authenticate(json!({"oauth_token": token_of(&app).1}))
        .await;
    assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
    assert_eq!(r.data()["member"]["name"], "Mia");
    assert_eq!(r.data()["member"]["status"], "active");
    // Another domain: refused.
    let start = t.start_path("microsoft", &format!("organization_id={}", t.org_id));
    let page = location(&t.h.get(&start).await);
    let cb = location(
        &t.h.idp_answer(&[
            ("flow", &flow_of(&page)),
            ("email", "sam@other.test"),
            ("action", "approve"),
        ])
        .await,
    );
    let r = t.h.get(&cb).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_type(), "invalid_email_for_jit_provisioning");
    // Slack with tenant JIT: the listed workspace may join.
    t.update_org(json!({
        "oauth_tenant_jit_provisioning": "RESTRICTED",
        "allowed_oauth_tenants": {"slack": ["T0123"]},
    }))
    .await;
    let try_slack = |tenant: &'static str, email: &'static str| {
        let t = &t;
        async move {
            let start = t.start_path("slack", &format!("organization_id={}", t.org_id));
            let page = location(&t.h.get(&start).await);
            assert!(t.h.get(&page).await.text.contains(r#"name="tenant_id""#));
            let cb = location(
                &t.h.idp_answer(&[
                    ("flow", &flow_of(&page)),
                    ("email", email),
                    ("tenant_id", tenant),
                    ("action", "approve"),
                ])
                .await,
            );
            t.h.get(&cb).await
        }
    };
    let r = try_slack("T9999", "sam@other.test").await;
    assert_eq!(r.error_type(), "invalid_oauth_tenant_for_jit_provisioning");
    let app = location(&try_slack("T0123", "sam@other.test").await);
    assert!(app.contains("stytch_token_type=oauth"), "{app}");
    let r = t
        .authenticate(json!({"oauth_token": token_of(&app).1}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member"]["email_address"], "sam@other.test");
    assert!(
        r.data()["primary_required"].is_object(),
        "Slack does not prove the email"
    );
    // No JIT at all.
    t.update_org(json!({"oauth_tenant_jit_provisioning": "NOT_ALLOWED", "email_jit_provisioning": "NOT_ALLOWED"}))
        .await;
    let r = try_slack("T0123", "tom@other.test").await;
    assert_eq!(r.error_type(), "oauth_tenant_jit_provisioning_not_allowed");
}

#[tokio::test]
async fn allowed_auth_methods_restrict_the_providers() {
    let t = setup().await;
    t.update_org(json!({"auth_methods": "RESTRICTED", "allowed_auth_methods": ["google_oauth", "magic_link"]}))
        .await;
    let app = t.sign_in("google", &[("email", "admin@example.com")]).await;
    let r = t
        .authenticate(json!({"oauth_token": token_of(&app).1}))
        .await;
    assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
    let start = t.start_path("github", &format!("organization_id={}", t.org_id));
    let page = location(&t.h.get(&start).await);
    let cb = location(
        &t.h.idp_answer(&[
            ("flow", &flow_of(&page)),
            ("email", "admin@example.com"),
            ("action", "approve"),
        ])
        .await,
    );
    let r = t.h.get(&cb).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        r.error_type(),
        "operation_restricted_by_organization_auth_methods"
    );
}

#[tokio::test]
async fn discovery_oauth_then_exchange_into_an_organization() {
    let t = setup().await;
    let start = t.discovery_path("google", "");
    let app =
        t.h.idp_sign_in(&start, &[("email", "admin@example.com")])
            .await;
    assert!(
        app.starts_with("http://127.0.0.1:8080/?stytch_token_type=discovery_oauth&token="),
        "{app}"
    );
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/oauth/discovery/authenticate",
            None,
            Some(json!({"discovery_oauth_token": token_of(&app).1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["email_address"], "admin@example.com");
    let ist = d["intermediate_session_token"].as_str().unwrap().to_owned();
    let orgs = d["discovered_organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["organization"]["organization_id"], t.org_id);
    assert_eq!(orgs[0]["membership"]["type"], "active_member");
    assert_eq!(orgs[0]["member_authenticated"], true);
    let r = t
        .h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/discovery/intermediate_sessions/exchange",
            None,
            Some(json!({"intermediate_session_token": ist, "organization_id": t.org_id, "session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member_authenticated"], true);
    assert_eq!(
        r.data()["member_session"]["authentication_factors"][0]["delivery_method"],
        "oauth_google"
    );
    // Reused token.
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/oauth/discovery/authenticate",
            None,
            Some(json!({"discovery_oauth_token": token_of(&app).1})),
        )
        .await;
    assert_eq!(r.error_type(), "oauth_token_not_found");
}

#[tokio::test]
async fn oauth_starts_validate_like_stytch() {
    let t = setup().await;
    let pt = t.h.project.public_token.clone();
    let org = t.org_id.clone();
    let evil = enc("https://evil.example/");
    let cases = [
        (
            format!("/v1/b2b/public/oauth/google/start?organization_id={org}"),
            401,
            "unauthorized_credentials",
        ),
        (
            format!("/v1/b2b/public/oauth/myspace/start?public_token={pt}&organization_id={org}"),
            400,
            "invalid_oauth_provider",
        ),
        (
            format!("/v1/b2b/public/oauth/google/start?public_token={pt}"),
            400,
            "missing_oauth_organization_locator",
        ),
        (
            format!(
                "/v1/b2b/public/oauth/google/start?public_token={pt}&organization_id={org}&slug=acme"
            ),
            400,
            "too_many_oauth_organization_locators",
        ),
        (
            format!("/v1/b2b/public/oauth/google/start?public_token={pt}&slug=nope"),
            404,
            "organization_not_found",
        ),
        (
            format!(
                "/v1/b2b/public/oauth/google/start?public_token={pt}&slug=acme&login_redirect_url={evil}"
            ),
            400,
            "no_match_for_provided_oauth_url",
        ),
        (
            format!(
                "/v1/b2b/public/oauth/google/start?public_token={pt}&slug=acme&pkce_code_challenge=x"
            ),
            400,
            "invalid_pkce_code_challenge",
        ),
        (
            format!(
                "/v1/b2b/public/oauth/github/discovery/start?public_token={pt}&discovery_redirect_url={evil}"
            ),
            400,
            "no_match_for_provided_oauth_url",
        ),
        (
            format!("/v1/b2b/public/oauth/myspace/discovery/start?public_token={pt}"),
            400,
            "invalid_oauth_provider",
        ),
        (
            "/v1/oauth/callback/oauth-callback-test-other?code=x&state=y".to_owned(),
            400,
            "invalid_callback_id",
        ),
    ];
    for (path, status, error_type) in cases {
        let r = t.h.get(&path).await;
        assert_eq!(r.status.as_u16(), status, "{path}: {}", r.text);
        assert_eq!(r.error_type(), error_type, "{path}");
    }
    // By slug works too.
    let r = t.h.get(&t.start_path("hubspot", "slug=acme")).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
}

#[tokio::test]
async fn oauth_callback_errors() {
    let t = setup().await;
    for (start, deny_error) in [
        (
            t.start_path("google", "slug=acme"),
            "oauth_flow_callback_error",
        ),
        (
            t.discovery_path("google", ""),
            "oauth_discovery_flow_callback_error",
        ),
    ] {
        let page = location(&t.h.get(&start).await);
        let cb = location(
            &t.h.idp_answer(&[("flow", &flow_of(&page)), ("action", "deny")])
                .await,
        );
        let r = t.h.get(&cb).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.error_type(), deny_error);
        // The state is used up.
        let r = t.h.get(&cb).await;
        assert_eq!(r.error_type(), "oauth_state_used");
    }
    let page = location(&t.h.get(&t.start_path("google", "slug=acme")).await);
    let flow = flow_of(&page);
    let cb = location(
        &t.h.idp_answer(&[
            ("flow", &flow),
            ("email", "admin@example.com"),
            ("action", "approve"),
        ])
        .await,
    );
    let base = cb.split('?').next().unwrap().to_owned();
    let r = t.h.get(&format!("{base}?code=forged&state={flow}")).await;
    assert_eq!(r.error_type(), "oauth_auth_code_error");
    let r = t.h.get(&format!("{base}?code=forged&state=unknown")).await;
    assert_eq!(r.error_type(), "oauth_invalid_state");
    // The page and its form expire with the flow.
    t.h.emu
        .advance_clock(std::time::Duration::from_secs(11 * 60));
    let r = t.h.get(&page).await;
    assert_eq!(r.error_type(), "bad_request");
}

#[tokio::test]
async fn oauth_pkce() {
    let t = setup().await;
    let verifier = "f".repeat(80);
    let challenge = {
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let start = t.start_path(
        "google",
        &format!("slug=acme&pkce_code_challenge={challenge}"),
    );
    let app =
        t.h.idp_sign_in(&start, &[("email", "admin@example.com")])
            .await;
    let token = token_of(&app).1;
    let r = t.authenticate(json!({"oauth_token": token})).await;
    assert_eq!(r.error_type(), "pkce_expected_code_verifier");
    let r = t
        .authenticate(json!({"oauth_token": token, "pkce_code_verifier": "0".repeat(80)}))
        .await;
    assert_eq!(r.error_type(), "pkce_mismatch");
    let r = t
        .authenticate(json!({"oauth_token": token, "pkce_code_verifier": verifier}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn control_api_mints_oauth_tokens() {
    let t = setup().await;
    let mint = |body: Value| {
        let h = &t.h;
        async move {
            h.raw(
                Method::POST,
                "/emulator/v1/oauth/tokens",
                None,
                Some(&body.to_string()),
                &[],
            )
            .await
        }
    };
    let r = mint(json!({"provider": "google", "organization_id": "acme", "email_address": "admin@example.com", "hosted_domain": "example.com"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["member_created"], false);
    let token = r.body["token"].as_str().unwrap().to_owned();
    assert!(
        r.body["redirect_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("stytch_token_type=oauth&token={token}"))
    );
    let a = t.authenticate(json!({"oauth_token": token})).await;
    assert_eq!(a.data()["member_authenticated"], true, "{}", a.text);
    let r = mint(json!({"provider": "github", "email_address": "admin@example.com"})).await;
    assert!(
        r.body["redirect_url"]
            .as_str()
            .unwrap()
            .contains("stytch_token_type=discovery_oauth")
    );
    let r = mint(json!({"provider": "myspace", "email_address": "admin@example.com"})).await;
    assert_eq!(r.error_type(), "invalid_oauth_provider");
}

#[tokio::test]
async fn google_one_tap_start_and_submit() {
    let t = setup().await;
    let r =
        t.h.sdk(
            Method::GET,
            "/sdk/v1/b2b/oauth/google/onetap/start",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let client_id = r.data()["google_client_id"].as_str().unwrap().to_owned();
    assert!(
        client_id.ends_with(".apps.googleusercontent.com"),
        "{client_id}"
    );
    let mint = |body: Value| {
        let h = &t.h;
        async move {
            let r = h
                .raw(
                    Method::POST,
                    "/emulator/v1/google/id_token",
                    None,
                    Some(&body.to_string()),
                    &[],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.body["id_token"].as_str().unwrap().to_owned()
        }
    };
    let credential =
        mint(json!({"email_address": "admin@example.com", "hosted_domain": "example.com"})).await;
    let (_, claims) = jwt_claims(&credential);
    assert_eq!(claims["aud"], client_id);
    assert_eq!(claims["iss"], "https://accounts.google.com");

    let submit = |path: &'static str, body: Value| {
        let h = &t.h;
        async move { h.sdk(Method::POST, path, None, Some(body)).await }
    };
    let r = submit(
        "/sdk/v1/b2b/oauth/google/onetap/submit",
        json!({"id_token": credential, "organization_id": t.org_id}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let url = r.data()["redirect_url"].as_str().unwrap();
    let (tt, token) = token_of(url);
    assert_eq!(tt, "oauth");
    let a = t.authenticate(json!({"oauth_token": token})).await;
    assert_eq!(a.data()["member_authenticated"], true, "{}", a.text);
    assert_eq!(a.data()["provider_type"], "Google");

    // Discovery, with a consumer account (no hd: the email is not proved).
    let credential = mint(json!({"email_address": "admin@example.com"})).await;
    let r = submit(
        "/sdk/v1/b2b/oauth/google/onetap/discovery/submit",
        json!({"id_token": credential}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        token_of(r.data()["redirect_url"].as_str().unwrap()).0,
        "discovery_oauth"
    );

    // Forged, expired, or for another client.
    let r = submit(
        "/sdk/v1/b2b/oauth/google/onetap/submit",
        json!({"id_token": "a.b.c", "organization_id": t.org_id}),
    )
    .await;
    assert_eq!(r.error_type(), "id_token_invalid");
    let (_, session_jwt, _) = t.h.login("admin@example.com", "acme").await;
    let r = submit(
        "/sdk/v1/b2b/oauth/google/onetap/submit",
        json!({"id_token": session_jwt, "organization_id": t.org_id}),
    )
    .await;
    assert_eq!(
        r.error_type(),
        "id_token_invalid",
        "a Stytch session JWT is no Google credential"
    );
    t.h.emu
        .advance_clock(std::time::Duration::from_secs(2 * 3600));
    let r = submit(
        "/sdk/v1/b2b/oauth/google/onetap/submit",
        json!({"id_token": credential, "organization_id": t.org_id}),
    )
    .await;
    assert_eq!(r.error_type(), "id_token_expired");
}
