//! The emulator as a standard OpenID provider, driven by a standard OpenID Connect client library
//! (`openidconnect`) whose HTTP goes to the in-process router: discovery, authorization code flow
//! with state, nonce and S256 PKCE through the sign-in page, the token endpoint with both client
//! authentication methods, ID token verification against the JWKS, userinfo, and the refusals.

mod common;

use common::Harness;
use common::idp::{enc, flow_of, http_client, location};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

const ISSUER: &str = "http://localhost/emulator/idp";
const REDIRECT: &str = "http://127.0.0.1:8080/oidc/callback";

struct Authorized {
    code: String,
    state: String,
}

/// Browser part: the authorization URL → the sign-in page → approve as `email` → back at the
/// client's redirect URI with `code` and `state`.
async fn sign_in(h: &Harness, auth_url: &str, email: &str) -> Authorized {
    let path = auth_url
        .strip_prefix("http://localhost")
        .expect("our issuer");
    let page = location(&h.get(path).await);
    let flow = flow_of(&page);
    let html = h.get(&page).await.text;
    assert!(html.contains("my-app asks you to sign in."), "{html}");
    let back = location(
        &h.idp_answer(&[
            ("flow", &flow),
            ("email", email),
            ("name", "Olivia"),
            ("action", "approve"),
        ])
        .await,
    );
    let query = back
        .strip_prefix(&format!("{REDIRECT}?"))
        .expect("back at the client");
    let mut code = String::new();
    let mut state = String::new();
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some(("code", v)) => code = v.to_owned(),
            Some(("state", v)) => state = v.to_owned(),
            _ => {}
        }
    }
    Authorized { code, state }
}

#[tokio::test]
async fn a_standard_oidc_client_signs_in() {
    let h = Harness::new();
    let http = http_client(&h);
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(ISSUER.into()).unwrap(), &http)
            .await
            .expect("discovery");
    assert_eq!(metadata.issuer().as_str(), ISSUER);
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("my-app".into()),
        Some(ClientSecret::new("any-secret".into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    let back = sign_in(&h, auth_url.as_str(), "olivia@example.com").await;
    assert_eq!(&back.state, csrf.secret(), "state comes back unchanged");

    let token = client
        .exchange_code(AuthorizationCode::new(back.code.clone()))
        .expect("token endpoint known")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let id_token = token.id_token().expect("an ID token");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("signature, issuer, audience, expiry and nonce verify");
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("olivia@example.com")
    );
    assert_eq!(claims.email_verified(), Some(true));
    assert_eq!(claims.issuer().as_str(), ISSUER);

    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(token.access_token().clone(), None)
        .expect("userinfo endpoint known")
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject(), claims.subject());
    assert_eq!(info.email().map(|e| e.as_str()), Some("olivia@example.com"));

    // The code is single use.
    let again = client
        .exchange_code(AuthorizationCode::new(back.code))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new("x".repeat(43)))
        .request_async(&http)
        .await;
    assert!(again.is_err(), "a used code is refused");
}

#[tokio::test]
async fn client_secret_post_and_the_refusals() {
    let h = Harness::new();
    let http = http_client(&h);
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(ISSUER.into()).unwrap(), &http)
            .await
            .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new("my-app".into()),
        Some(ClientSecret::new("any-secret".into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap())
    .set_auth_type(AuthType::RequestBody);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge.clone())
        .url();

    // Another client cannot redeem the code, nor a wrong verifier.
    let back = sign_in(&h, auth_url.as_str(), "olivia@example.com").await;
    let other = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("other-app".into()),
        Some(ClientSecret::new("x".into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let r = other
        .exchange_code(AuthorizationCode::new(back.code.clone()))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.secret().clone()))
        .request_async(&http)
        .await;
    assert!(r.is_err(), "bound to the client it was issued to");
    let r = client
        .exchange_code(AuthorizationCode::new(back.code.clone()))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new("y".repeat(43)))
        .request_async(&http)
        .await;
    assert!(r.is_err(), "PKCE verifier checked");
    // The right client, in the request body, with the right verifier.
    let token = client
        .exchange_code(AuthorizationCode::new(back.code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("client_secret_post");
    token
        .id_token()
        .expect("ID token")
        .claims(&client.id_token_verifier(), &nonce)
        .expect("verifies");

    // The raw endpoints answer OAuth errors inside Stytch error JSON.
    let form = |body: &str| {
        let h = &h;
        let body = body.to_owned();
        async move {
            h.send(
                axum::http::Method::POST,
                "/emulator/idp/oidc/token",
                &[("content-type", "application/x-www-form-urlencoded")],
                body.into_bytes(),
            )
            .await
        }
    };
    let r = form("grant_type=password&username=a&password=b").await;
    assert_eq!(r.status.as_u16(), 400);
    assert_eq!(r.body["error"], "unsupported_grant_type");
    assert_eq!(r.body["error_type"], "bad_request");
    let r = form("grant_type=authorization_code&code=nope").await;
    assert_eq!(r.status.as_u16(), 401);
    assert_eq!(r.body["error"], "invalid_client");
    let r = form("grant_type=authorization_code&code=nope&client_id=a&client_secret=b").await;
    assert_eq!(r.body["error"], "invalid_grant");
    let r = h.get("/emulator/idp/oidc/userinfo").await;
    assert_eq!(r.status.as_u16(), 401);
    assert_eq!(r.body["error"], "invalid_token");
    for bad in [
        format!("/emulator/idp/oidc/authorize?response_type=token&client_id=a&redirect_uri={}&scope=openid", enc(REDIRECT)),
        format!("/emulator/idp/oidc/authorize?response_type=code&redirect_uri={}&scope=openid", enc(REDIRECT)),
        "/emulator/idp/oidc/authorize?response_type=code&client_id=a&redirect_uri=javascript:x&scope=openid".to_owned(),
        format!("/emulator/idp/oidc/authorize?response_type=code&client_id=a&redirect_uri={}&scope=email", enc(REDIRECT)),
        format!("/emulator/idp/oidc/authorize?response_type=code&client_id=a&redirect_uri={}&scope=openid&code_challenge={}&code_challenge_method=plain", enc(REDIRECT), challenge.as_str()),
    ] {
        let r = h.get(&bad).await;
        assert_eq!(r.status.as_u16(), 400, "{bad}: {}", r.text);
    }
    let jwks = h.get("/emulator/idp/oidc/jwks").await;
    assert_eq!(jwks.body["keys"][0]["kid"], h.emu.signing_key_id());
}

/// An OIDC connection pointed at the emulator's own OpenID provider signs in through the
/// relying-party code a real IdP would use: code exchange, ID token verified against the JWKS,
/// userinfo, attribute mapping.
#[tokio::test]
async fn an_oidc_connection_signs_in_through_the_relying_party_code() {
    let h = Harness::new();
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let r = h
        .sdk(
            axum::http::Method::POST,
            "/sdk/v1/b2b/sso/oidc",
            Some(&admin),
            Some(serde_json::json!({"display_name": "Emulator OIDC"})),
        )
        .await;
    let id = r.data()["connection"]["connection_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let configure = |issuer: &str| {
        let h = &h;
        let admin = admin.clone();
        let id = id.clone();
        let issuer = issuer.to_owned();
        async move {
            let r = h
                .sdk(
                    axum::http::Method::PUT,
                    &format!("/sdk/v1/b2b/sso/oidc/{id}"),
                    Some(&admin),
                    Some(serde_json::json!({
                        "issuer": issuer,
                        "client_id": "acme-sso",
                        "client_secret": "acme-secret",
                        "authorization_url": format!("{ISSUER}/oidc/authorize"),
                        "token_url": format!("{ISSUER}/oidc/token"),
                        "userinfo_url": format!("{ISSUER}/oidc/userinfo"),
                        "jwks_url": format!("{ISSUER}/oidc/jwks"),
                    })),
                )
                .await;
            assert_eq!(r.data()["connection"]["status"], "active", "{}", r.text);
        }
    };
    configure(ISSUER).await;
    let start = format!(
        "/v1/public/sso/start?public_token={}&connection_id={id}",
        h.project.public_token
    );
    let sign_in = |email: &'static str| {
        let h = &h;
        let start = start.clone();
        let id = id.clone();
        async move {
            let authorize = location(&h.get(&start).await);
            assert!(
                authorize.starts_with(&format!(
                    "{ISSUER}/oidc/authorize?response_type=code&client_id=acme-sso"
                )),
                "{authorize}"
            );
            assert!(
                authorize.contains("code_challenge_method=S256") && authorize.contains("nonce=")
            );
            let page = location(
                &h.get(authorize.strip_prefix("http://localhost").unwrap())
                    .await,
            );
            let callback = location(
                &h.idp_answer(&[
                    ("flow", &flow_of(&page)),
                    ("email", email),
                    ("name", "Olivia Oidc"),
                    ("action", "approve"),
                ])
                .await,
            );
            assert!(
                callback.starts_with(&format!("http://localhost/v1/b2b/sso/callback/{id}?code=")),
                "{callback}"
            );
            h.get(callback.strip_prefix("http://localhost").unwrap())
                .await
        }
    };
    let app = location(&sign_in("olivia@example.com").await);
    assert!(app.contains("stytch_token_type=sso&token="), "{app}");
    let token = app.split("token=").nth(1).unwrap();
    let r = h
        .sdk(
            axum::http::Method::POST,
            "/sdk/v1/b2b/sso/authenticate",
            None,
            Some(serde_json::json!({"sso_token": token})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let d = r.data();
    assert_eq!(d["member"]["email_address"], "olivia@example.com");
    assert_eq!(d["member"]["name"], "Olivia Oidc");
    let factor = &d["member_session"]["authentication_factors"][0];
    assert_eq!(factor["delivery_method"], "sso_oidc");
    assert!(
        factor["oidc_sso_factor"]["external_id"]
            .as_str()
            .unwrap()
            .starts_with("idp-user-test-"),
        "the subject is the provider's `sub`"
    );

    // A connection that trusts another issuer refuses the provider's ID token.
    configure("http://localhost/not-this-issuer").await;
    let r = sign_in("olivia@example.com").await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.error_type(), "oidc_auth_code_error");
}

/// The relying party reaches an IdP on another address over HTTP: a second emulator, served on a
/// TCP port, is the OpenID provider of the first one's OIDC connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relying_party_reaches_another_idp_over_http() {
    let idp = stytch_emulator::Emulator::in_memory(stytch_emulator::Seed::default()).expect("idp");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let idp_router = idp.server_router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, idp_router).await;
    });
    let issuer = format!("http://{addr}/emulator/idp");

    let h = Harness::new();
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let r = h
        .sdk(
            axum::http::Method::POST,
            "/sdk/v1/b2b/sso/oidc",
            Some(&admin),
            Some(serde_json::json!({})),
        )
        .await;
    let id = r.data()["connection"]["connection_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .sdk(
            axum::http::Method::PUT,
            &format!("/sdk/v1/b2b/sso/oidc/{id}"),
            Some(&admin),
            Some(serde_json::json!({
                "issuer": issuer,
                "client_id": "acme-sso",
                "client_secret": "acme-secret",
                "authorization_url": format!("{issuer}/oidc/authorize"),
                "token_url": format!("{issuer}/oidc/token"),
                "userinfo_url": format!("{issuer}/oidc/userinfo"),
                "jwks_url": format!("{issuer}/oidc/jwks"),
            })),
        )
        .await;
    assert_eq!(r.data()["connection"]["status"], "active", "{}", r.text);

    // The browser: start at the app's emulator, sign in at the IdP emulator, back to the callback.
    let authorize = location(
        &h.get(&format!(
            "/v1/public/sso/start?public_token={}&connection_id={id}",
            h.project.public_token
        ))
        .await,
    );
    let idp_h = Harness {
        app: idp.router(),
        project: idp.project(),
        emu: idp.clone(),
    };
    let path = authorize
        .strip_prefix(&format!("http://{addr}"))
        .expect("the IdP's address");
    let page = location(&idp_h.get(path).await);
    let callback = location(
        &idp_h
            .idp_answer(&[
                ("flow", &flow_of(&page)),
                ("email", "tcp@example.com"),
                ("action", "approve"),
            ])
            .await,
    );
    let app = location(
        &h.get(callback.strip_prefix("http://localhost").unwrap())
            .await,
    );
    let token = app.split("token=").nth(1).expect("a token");
    let r = h
        .sdk(
            axum::http::Method::POST,
            "/sdk/v1/b2b/sso/authenticate",
            None,
            Some(serde_json::json!({"sso_token": token})),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.data()["member"]["email_address"], "tcp@example.com");
}

/// Updating an OIDC connection with an issuer (and any client id and secret) is enough: the
/// endpoints come from the issuer's discovery document; an issuer that cannot be read leaves a
/// warning and a pending connection.
#[tokio::test]
async fn an_issuer_alone_configures_the_connection() {
    let h = Harness::new();
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let create = || {
        let h = &h;
        let admin = admin.clone();
        async move {
            let r = h
                .sdk(
                    axum::http::Method::POST,
                    "/sdk/v1/b2b/sso/oidc",
                    Some(&admin),
                    Some(serde_json::json!({})),
                )
                .await;
            r.data()["connection"]["connection_id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let update = |id: String, issuer: &'static str| {
        let h = &h;
        let admin = admin.clone();
        async move {
            h.sdk(
                axum::http::Method::PUT,
                &format!("/sdk/v1/b2b/sso/oidc/{id}"),
                Some(&admin),
                Some(serde_json::json!({"issuer": issuer, "client_id": "c", "client_secret": "s"})),
            )
            .await
        }
    };
    let id = create().await;
    let r = update(id.clone(), ISSUER).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert_eq!(r.data()["warning"], "");
    let c = &r.data()["connection"];
    assert_eq!(c["status"], "active", "{c}");
    assert_eq!(c["token_url"], format!("{ISSUER}/oidc/token"));
    assert_eq!(c["jwks_url"], format!("{ISSUER}/oidc/jwks"));
    let app = h
        .get(&format!(
            "/v1/public/sso/start?public_token={}&connection_id={id}",
            h.project.public_token
        ))
        .await;
    assert!(location(&app).starts_with(&format!("{ISSUER}/oidc/authorize?")));

    let id = create().await;
    let r = update(id, "https://idp.invalid/realms/acme").await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert!(
        r.data()["warning"].as_str().unwrap().starts_with(
            "Could not read the OpenID configuration of https://idp.invalid/realms/acme"
        ),
        "{}",
        r.text
    );
    assert_eq!(r.data()["connection"]["status"], "pending");
    assert_eq!(
        r.data()["connection"]["issuer"],
        "https://idp.invalid/realms/acme"
    );
}
