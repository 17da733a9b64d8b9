//! The built-in identity provider as a standard OpenID provider (OpenID Connect Core, authorization
//! code flow), issuer `{emulator}/emulator/idp`, so that relying-party code — a standard OIDC
//! client library, or an OIDC connection — runs against it as against Keycloak or Okta:
//!
//! * `GET /emulator/idp/.well-known/openid-configuration`: the discovery document;
//! * `GET /emulator/idp/oidc/authorize?response_type=code&client_id&redirect_uri&scope&state&nonce
//!   [&code_challenge&code_challenge_method=S256]` → the sign-in page; its answer goes to
//!   `redirect_uri?code&state` (or `?error=access_denied&state`);
//! * `POST /emulator/idp/oidc/token` (`grant_type=authorization_code`, `client_secret_basic` or
//!   `client_secret_post`) → `{access_token, token_type: "Bearer", expires_in, id_token, scope}`;
//!   the ID token is RS256 (the emulator's key, in the JWKS) with `iss`, `aud` = the client, `sub`,
//!   `email`, `email_verified`, `name`, `nonce`, `iat`, `exp`;
//! * `GET /emulator/idp/oidc/userinfo` (Bearer access token) and `GET /emulator/idp/oidc/jwks`.
//!
//! Any client id and secret are accepted; a code is bound to the client and redirect URI it was
//! issued for and to its PKCE challenge, lives 10 minutes and is used once; an access token lives
//! an hour. Errors carry OAuth's `error` / `error_description` on top of the Stytch error JSON every
//! emulator error has: `invalid_request`, `unsupported_grant_type`, `invalid_grant` (400),
//! `invalid_client` (401).

use crate::Inner;
use crate::domain::idp;
use crate::domain::idp::Flow;
use crate::domain::idp::FlowKind;
use crate::domain::idp::Identity;
use crate::domain::idp::OidcRequest;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::pkce;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::extract::basic_auth;
use crate::surfaces::idp::page_url;
use crate::surfaces::idp::redirect;
use crate::surfaces::sdk::sso::OwnBase;
use axum::Form;
use axum::Json;
use axum::Router;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

const ISSUER_PATH: &str = "/emulator/idp";
const ACCESS_TOKEN_SECS: i64 = 3600;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/emulator/idp/.well-known/openid-configuration",
            get(discovery),
        )
        .route("/emulator/idp/oidc/authorize", get(authorize))
        .route("/emulator/idp/oidc/token", post(token))
        .route("/emulator/idp/oidc/userinfo", get(userinfo))
        .route("/emulator/idp/oidc/jwks", get(jwks))
}

/// The issuer as the caller reaches the emulator.
pub fn issuer(base: &str) -> String {
    format!("{base}{ISSUER_PATH}")
}

/// A value percent-encoded for a query string.
pub fn query_value(s: &str) -> String {
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

/// `application/x-www-form-urlencoded` decoding of one value (`client_secret_basic` encodes the
/// client id and secret that way before base64).
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Stytch error JSON plus OAuth's `error` and `error_description`.
pub fn oauth_error(error_type: ErrorType, error: &str, description: &str) -> Response {
    let e = ApiError::new(error_type, description);
    let mut body = e.body();
    if let Some(o) = body.as_object_mut() {
        o.insert("error".into(), json!(error));
        o.insert("error_description".into(), json!(description));
    }
    (e.status(), Json(body)).into_response()
}

fn invalid_request(description: &str) -> Response {
    oauth_error(ErrorType::BadRequest, "invalid_request", description)
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(ErrorType::BadRequest, "invalid_grant", description)
}

fn invalid_client(description: &str) -> Response {
    oauth_error(
        ErrorType::UnauthorizedCredentials,
        "invalid_client",
        description,
    )
}

/// What an OpenID provider's discovery document says about it.
pub struct Provider<'a> {
    pub issuer: &'a str,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
    pub grant_types: &'a [&'a str],
    pub scopes: &'a [&'a str],
    pub auth_methods: &'a [&'a str],
    pub claims: &'a [&'a str],
}

/// The discovery document (OpenID Connect Discovery 1.0, RFC 8414) of an authorization-code
/// provider signing RS256 ID tokens with S256 PKCE.
pub fn provider_metadata(p: &Provider<'_>) -> Value {
    json!({
        "issuer": p.issuer,
        "authorization_endpoint": p.authorization_endpoint,
        "token_endpoint": p.token_endpoint,
        "userinfo_endpoint": p.userinfo_endpoint,
        "jwks_uri": p.jwks_uri,
        "response_types_supported": ["code"],
        "grant_types_supported": p.grant_types,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": p.scopes,
        "token_endpoint_auth_methods_supported": p.auth_methods,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": p.claims,
    })
}

/// A token endpoint's success answer: never cached (RFC 6749 section 5.1).
pub fn token_answer(body: Value) -> Response {
    (
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        Json(body),
    )
        .into_response()
}

async fn discovery(OwnBase(base): OwnBase) -> Json<Value> {
    let iss = issuer(&base);
    Json(provider_metadata(&Provider {
        issuer: &iss,
        authorization_endpoint: format!("{iss}/oidc/authorize"),
        token_endpoint: format!("{iss}/oidc/token"),
        userinfo_endpoint: format!("{iss}/oidc/userinfo"),
        jwks_uri: format!("{iss}/oidc/jwks"),
        grant_types: &["authorization_code"],
        scopes: &["openid", "email", "profile", "groups"],
        auth_methods: &["client_secret_basic", "client_secret_post"],
        claims: &[
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "nonce",
            "email",
            "email_verified",
            "name",
            "groups",
        ],
    }))
}

async fn jwks(State(inner): St) -> Json<Value> {
    Json(json!({ "keys": [inner.key.jwk()] }))
}

async fn authorize(
    State(inner): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("Invalid query string."))?;
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("response_type") != "code" {
        return Err(ApiError::bad_request(
            "response_type must be `code` (authorization code flow).",
        ));
    }
    let client_id = get("client_id");
    let redirect_uri = get("redirect_uri");
    if client_id.is_empty() {
        return Err(ApiError::bad_request("client_id is required."));
    }
    if !(redirect_uri.starts_with("http://") || redirect_uri.starts_with("https://")) {
        return Err(ApiError::bad_request(
            "redirect_uri must be an http or https URL.",
        ));
    }
    if !get("scope").split(' ').any(|s| s == "openid") {
        return Err(ApiError::bad_request("scope must include `openid`."));
    }
    let challenge = q.get("code_challenge").cloned().filter(|c| !c.is_empty());
    if challenge.is_some() && !matches!(get("code_challenge_method"), "S256") {
        return Err(ApiError::new(
            ErrorType::InvalidPkceCodeChallenge,
            "Only code_challenge_method=S256 is supported.",
        ));
    }
    let flow = Flow {
        kind: Some(FlowKind::OidcProvider),
        provider: format!("oidc-client:{client_id}"),
        pkce_challenge: pkce::pkce_challenge_param(challenge, false)?,
        scopes: get("scope")
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        oidc: Some(OidcRequest {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            state: get("state").to_owned(),
            nonce: get("nonce").to_owned(),
        }),
        ..Flow::default()
    };
    let conn = inner.conn();
    let flow_id = idp::create_flow(&conn, &flow, inner.now())?;
    redirect(&page_url(&flow_id))
}

/// The client's credentials: `client_secret_basic`, else `client_secret_post`.
pub fn client_credentials(headers: &HeaderMap, form: &HashMap<String, String>) -> (String, String) {
    match basic_auth(headers) {
        Some((id, secret)) => (form_decode(&id), form_decode(&secret)),
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        ),
    }
}

async fn token(
    State(inner): St,
    OwnBase(base): OwnBase,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> ApiResult<Response> {
    let Ok(Form(form)) = form else {
        return Ok(invalid_request(
            "The token request must be application/x-www-form-urlencoded.",
        ));
    };
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return Ok(oauth_error(
            ErrorType::BadRequest,
            "unsupported_grant_type",
            "Only grant_type=authorization_code is supported.",
        ));
    }
    let (client_id, client_secret) = client_credentials(&headers, &form);
    if client_id.is_empty() || client_secret.is_empty() {
        return Ok(invalid_client(
            "Client authentication (client_secret_basic or client_secret_post) is required.",
        ));
    }
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let code = form.get("code").map(String::as_str).unwrap_or("");
    let Some(stored) = one_time_tokens::find(&tx, Kind::IdpCode, code)?.filter(|t| t.is_live(now))
    else {
        return Ok(invalid_grant(
            "The code is unknown, expired or already used.",
        ));
    };
    let flow_id = stored.organization_id.clone();
    let flow = idp::live_flow(&tx, &flow_id, now)?;
    let Some((flow, request)) = flow.and_then(|f| {
        let r = f.oidc.clone()?;
        (f.kind == Some(FlowKind::OidcProvider)).then_some((f, r))
    }) else {
        return Ok(invalid_grant(
            "The code was not issued by this authorization endpoint.",
        ));
    };
    if client_id != request.client_id {
        return Ok(invalid_client("The code was issued to another client."));
    }
    if form.get("redirect_uri").map(String::as_str) != Some(request.redirect_uri.as_str()) {
        return Ok(invalid_grant(
            "redirect_uri does not match the authorization request.",
        ));
    }
    if let Some(challenge) = &flow.pkce_challenge {
        let verifier = form.get("code_verifier").map(String::as_str).unwrap_or("");
        if verifier.is_empty()
            || !crate::infra::crypto::ct_eq(&pkce::pkce_challenge(verifier), challenge)
        {
            return Ok(invalid_grant(
                "code_verifier does not match the code challenge.",
            ));
        }
    }
    if !one_time_tokens::consume(&tx, &stored)? || idp::take_flow(&tx, &flow_id, now)?.is_err() {
        return Ok(invalid_grant("The code was already used."));
    }
    let identity: Identity = stored
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(ApiError::internal)?;
    let access_token = one_time_tokens::issue(
        &tx,
        &Issue {
            kind: Kind::IdpAccessToken,
            email: &identity.email,
            organization_id: &client_id,
            member_id: "",
            pkce_challenge: None,
            payload: Some(&serde_json::to_string(&identity)?),
            lifetime_secs: ACCESS_TOKEN_SECS,
        },
        now,
    )?;
    let mut claims = json!({
        "iss": issuer(&base),
        "sub": identity.subject,
        "aud": client_id,
        "iat": now,
        "exp": now + ACCESS_TOKEN_SECS,
        "auth_time": now,
        "email": identity.email,
        "email_verified": true,
        "name": identity.name,
    });
    if !request.nonce.is_empty() {
        claims["nonce"] = json!(request.nonce);
    }
    if !identity.groups.is_empty() {
        claims["groups"] = json!(identity.groups);
    }
    let id_token = inner
        .key
        .sign_json(&claims.to_string())
        .ok_or_else(ApiError::internal)?;
    tx.commit()?;
    Ok(token_answer(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECS,
        "id_token": id_token,
        "scope": flow.scopes.join(" "),
    })))
}

/// The `Authorization: Bearer` token (RFC 6750), empty when there is none.
pub fn bearer_token(headers: &HeaderMap) -> String {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split_once(' ')
                .filter(|(s, _)| s.eq_ignore_ascii_case("bearer"))
        })
        .map(|(_, t)| t.trim().to_owned())
        .unwrap_or_default()
}

async fn userinfo(State(inner): St, headers: HeaderMap) -> ApiResult<Response> {
    let bearer = bearer_token(&headers);
    let conn = inner.conn();
    let token = one_time_tokens::find(&conn, Kind::IdpAccessToken, &bearer)?
        .filter(|t| t.is_live(inner.now()));
    let Some(identity) = token.and_then(|t| {
        t.payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<Identity>(p).ok())
    }) else {
        return Ok(oauth_error(
            ErrorType::UnauthorizedCredentials,
            "invalid_token",
            "The access token is unknown or expired.",
        ));
    };
    Ok(Json(json!({
        "sub": identity.subject,
        "email": identity.email,
        "email_verified": true,
        "name": identity.name,
        "groups": identity.groups,
    }))
    .into_response())
}
