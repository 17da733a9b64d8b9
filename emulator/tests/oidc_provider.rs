//! The emulator as a standard OpenID provider, driven by a standard OpenID Connect client library
//! (`openidconnect`) whose HTTP goes to the in-process router: discovery, authorization code flow
//! with state, nonce and S256 PKCE through the sign-in page, the token endpoint with both client
//! authentication methods, ID token verification against the JWKS, userinfo, and the refusals.

mod common;

use axum::body::Body;
use common::Harness;
use common::idp::{enc, flow_of, location};
use http_body_util::BodyExt;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use tower::ServiceExt;

const ISSUER: &str = "http://localhost/emulator/idp";
const REDIRECT: &str = "http://127.0.0.1:8080/oidc/callback";

/// `openidconnect`'s HTTP client: the emulator's router, in-process.
fn http_client(
    h: &Harness,
) -> impl Fn(
    openidconnect::HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, std::io::Error>>>,
> + '_ {
    move |req: openidconnect::HttpRequest| {
        let app = h.app.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let req = axum::http::Request::from_parts(parts, Body::from(body));
            let resp = app.oneshot(req).await.map_err(std::io::Error::other)?;
            let (parts, body) = resp.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(std::io::Error::other)?
                .to_bytes()
                .to_vec();
            Ok(openidconnect::HttpResponse::from_parts(parts, bytes))
        })
    }
}

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
