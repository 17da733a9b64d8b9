//! The relying-party side of an OIDC connection whose IdP is configured (issuer, client, endpoints):
//! the same code path a real IdP such as Keycloak or Okta takes, and the emulator's own OpenID
//! provider (`{emulator}/emulator/idp`) too.
//!
//! * **Start**: the browser goes to the connection's `authorization_url` with `response_type=code`,
//!   `client_id`, `redirect_uri` (the connection's callback), `scope` (`openid email profile` plus
//!   the connection's `custom_scopes`), `state` (the flow id), a fresh `nonce` and an S256 PKCE
//!   challenge whose verifier stays in the flow.
//! * **Callback**: the code is exchanged at `token_url` (`client_secret_basic`, the PKCE verifier),
//!   the ID token is verified against `jwks_url` (RS256 signature, `iss` = the connection's issuer,
//!   `aud` = its client id, expiry, `nonce`), `userinfo_url` is read when set, and the connection's
//!   `attribute_mapping` turns the claims into the identity: `email` (default claim `email`),
//!   `full_name` or `first_name` + `last_name` (default `name`, `given_name`, `family_name`),
//!   `groups` (default `groups`); the subject is `sub`. Any failure → 400 `oidc_auth_code_error`.
//! * A connection that is not configured (no issuer, client id, authorization, token or JWKS URL)
//!   signs in through the built-in page instead.

use crate::domain::idp::Identity;
use crate::domain::pkce::pkce_challenge;
use crate::domain::sso::SsoConnection;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::random_token;
use crate::infra::http_client::HttpClient;
use base64::Engine;
use openidconnect::core::{CoreClient, CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, IssuerUrl, JsonWebKeySetUrl, Nonce,
    PkceCodeVerifier, RedirectUrl, TokenResponse, TokenUrl,
};
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

/// What the flow keeps for the callback.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RpState {
    pub nonce: String,
    pub pkce_verifier: String,
}

fn text<'a>(c: &'a SsoConnection, k: &str) -> &'a str {
    c.data[k].as_str().unwrap_or("")
}

/// Does this connection sign in through its configured IdP?
pub fn configured(c: &SsoConnection) -> bool {
    c.kind == crate::domain::sso::Kind::Oidc
        && [
            "issuer",
            "client_id",
            "authorization_url",
            "token_url",
            "jwks_url",
        ]
        .iter()
        .all(|k| !text(c, k).is_empty())
}

fn enc(s: &str) -> String {
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

/// A fresh nonce and PKCE verifier.
pub fn new_state() -> ApiResult<RpState> {
    Ok(RpState {
        nonce: random_token()?,
        pkce_verifier: format!("{}{}", random_token()?, random_token()?),
    })
}

/// Where the browser goes: the IdP's authorization endpoint.
pub fn authorization_url(c: &SsoConnection, flow_id: &str, rp: &RpState) -> String {
    let mut scope = "openid email profile".to_owned();
    for s in text(c, "custom_scopes").split([' ', '+']) {
        if !s.is_empty() && !scope.split(' ').any(|x| x == s) {
            scope.push(' ');
            scope.push_str(s);
        }
    }
    let base = text(c, "authorization_url");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{sep}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&nonce={}&code_challenge={}&code_challenge_method=S256",
        enc(text(c, "client_id")),
        enc(text(c, "redirect_url")),
        enc(&scope),
        enc(flow_id),
        enc(&rp.nonce),
        pkce_challenge(&rp.pkce_verifier),
    )
}

fn failed(message: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorType::OidcAuthCodeError,
        format!("The OIDC sign-in failed: {message}"),
    )
}

/// The middle part of a (verified) JWT as JSON.
fn payload(jwt: &str) -> Option<Value> {
    let part = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Code exchange, ID token verification, userinfo and attribute mapping (see the module docs).
pub async fn identity(
    http: &HttpClient,
    c: &SsoConnection,
    code: &str,
    rp: &RpState,
) -> ApiResult<Identity> {
    let send = |req: openidconnect::HttpRequest| {
        let http = http.clone();
        async move { http.send(req).await }
    };
    let jwks_url = JsonWebKeySetUrl::new(text(c, "jwks_url").to_owned()).map_err(failed)?;
    let jwks = CoreJsonWebKeySet::fetch_async(&jwks_url, &send)
        .await
        .map_err(failed)?;
    let client = CoreClient::new(
        ClientId::new(text(c, "client_id").to_owned()),
        IssuerUrl::new(text(c, "issuer").to_owned()).map_err(failed)?,
        jwks,
    )
    .set_client_secret(ClientSecret::new(text(c, "client_secret").to_owned()))
    .set_auth_uri(AuthUrl::new(text(c, "authorization_url").to_owned()).map_err(failed)?)
    .set_token_uri(TokenUrl::new(text(c, "token_url").to_owned()).map_err(failed)?)
    .set_redirect_uri(RedirectUrl::new(text(c, "redirect_url").to_owned()).map_err(failed)?);
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(rp.pkce_verifier.clone()))
        .request_async(&send)
        .await
        .map_err(failed)?;
    let id_token = token
        .id_token()
        .ok_or_else(|| failed("the token response has no ID token"))?;
    let verified = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(rp.nonce.clone()))
        .map_err(failed)?;
    let subject = verified.subject().as_str().to_owned();
    let mut claims = payload(&id_token.to_string()).unwrap_or(Value::Null);
    let userinfo_url = text(c, "userinfo_url");
    if !userinfo_url.is_empty() {
        let req = axum::http::Request::builder()
            .method("GET")
            .uri(userinfo_url)
            .header(
                "authorization",
                format!(
                    "Bearer {}",
                    openidconnect::OAuth2TokenResponse::access_token(&token).secret()
                ),
            )
            .header("accept", "application/json")
            .body(Vec::new())
            .map_err(failed)?;
        let resp = http.send(req).await.map_err(failed)?;
        if !resp.status().is_success() {
            return Err(failed(format!("userinfo answered {}", resp.status())));
        }
        let info: Value = serde_json::from_slice(resp.body()).map_err(failed)?;
        if info["sub"].as_str().is_some_and(|s| s != subject) {
            return Err(failed("userinfo is about another subject"));
        }
        if let (Some(base), Some(extra)) = (claims.as_object_mut(), info.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    let mapping = &c.data["attribute_mapping"];
    let claim = |key: &str, default: &str| -> String {
        let name = mapping[key].as_str().unwrap_or(default);
        claims[name].as_str().unwrap_or("").trim().to_owned()
    };
    let email = claim("email", "email");
    if email.is_empty() {
        return Err(failed("the IdP sent no email"));
    }
    let full = claim("full_name", "name");
    let name = if full.is_empty() {
        format!(
            "{} {}",
            claim("first_name", "given_name"),
            claim("last_name", "family_name")
        )
        .trim()
        .to_owned()
    } else {
        full
    };
    let groups_claim = mapping["groups"].as_str().unwrap_or("groups");
    let groups = claims[groups_claim]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Ok(Identity {
        email,
        name,
        groups,
        subject,
        ..Identity::default()
    })
}

/// The endpoints of an issuer's discovery document.
pub struct Discovered {
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
}

/// `{issuer}/.well-known/openid-configuration`, checked by `openidconnect` (its `issuer` must be
/// this issuer). `Err` is the warning to show.
pub async fn discover(http: &HttpClient, issuer: &str) -> Result<Discovered, String> {
    let send = |req: openidconnect::HttpRequest| {
        let http = http.clone();
        async move { http.send(req).await }
    };
    let warn = |e: &dyn std::error::Error| {
        let mut message = format!("Could not read the OpenID configuration of {issuer}: {e}");
        let mut source = e.source();
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        message
    };
    let url = IssuerUrl::new(issuer.to_owned()).map_err(|e| warn(&e))?;
    let m = CoreProviderMetadata::discover_async(url, &send)
        .await
        .map_err(|e| warn(&e))?;
    Ok(Discovered {
        authorization_url: Some(m.authorization_endpoint().as_str().to_owned()),
        token_url: m.token_endpoint().map(|u| u.as_str().to_owned()),
        userinfo_url: m.userinfo_endpoint().map(|u| u.as_str().to_owned()),
        jwks_url: Some(m.jwks_uri().as_str().to_owned()),
    })
}
