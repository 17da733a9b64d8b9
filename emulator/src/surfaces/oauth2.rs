//! The project as an OAuth 2.0 authorization server and OpenID provider for its connected apps
//! (issuer: the emulator's own origin, as Stytch's is the project's domain), so a standard
//! OAuth/OIDC client library completes the flow against it:
//!
//! * `GET /.well-known/openid-configuration` and `GET /.well-known/oauth-authorization-server`:
//!   the metadata (the same document);
//! * `GET /v1/oauth2/authorize`: 302 to the project's authorization URL (the app's consent page,
//!   seed `connected_apps_authorization_url`) with the query unchanged; the page then calls
//!   `idp/b2b/oauth/authorize/start` and `…/submit`;
//! * `POST /v1/oauth2/token` and `POST /v1/public/{project_id}/oauth2/token`: the
//!   `authorization_code` and `refresh_token` grants; the body is form-encoded or JSON, the client
//!   authenticates with Basic (`client_secret_basic`) or in the body (`client_secret_post`), a
//!   public client with its `client_id` alone (and PKCE);
//! * `GET /v1/oauth2/userinfo` (Bearer access token);
//! * the keys are the session JWKS, `GET /v1/b2b/sessions/jwks/{project_id}`.
//!
//! Refusals carry OAuth's `error` and `error_description` on top of the Stytch error JSON every
//! emulator error has: `invalid_request`, `unsupported_grant_type`, `invalid_client` (401),
//! `invalid_grant` (with `idp_auth_code_not_found` 404, `idp_auth_code_expired`,
//! `idp_refresh_token_not_found` 404, `pkce_mismatch`), `invalid_scope`, `invalid_token`.

use crate::Inner;
use crate::domain::connected_apps;
use crate::domain::connected_apps::Minter;
use crate::domain::connected_apps::Refusal;
use crate::domain::connected_apps::Tokens;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::idp::redirect;
use crate::surfaces::idp_oidc::Provider;
use crate::surfaces::idp_oidc::bearer_token;
use crate::surfaces::idp_oidc::client_credentials;
use crate::surfaces::idp_oidc::form_decode;
use crate::surfaces::idp_oidc::oauth_error;
use crate::surfaces::idp_oidc::provider_metadata;
use crate::surfaces::idp_oidc::token_answer;
use crate::surfaces::sdk::sso::OwnBase;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use axum::http::Uri;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/.well-known/openid-configuration", get(metadata))
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/v1/oauth2/authorize", get(authorize))
        .route("/v1/oauth2/token", post(token))
        .route("/v1/public/{project_id}/oauth2/token", post(project_token))
        .route("/v1/oauth2/userinfo", get(userinfo))
}

async fn metadata(State(inner): St, OwnBase(base): OwnBase) -> Json<Value> {
    Json(provider_metadata(&Provider {
        issuer: &base,
        authorization_endpoint: format!("{base}/v1/oauth2/authorize"),
        token_endpoint: format!("{base}/v1/oauth2/token"),
        userinfo_endpoint: format!("{base}/v1/oauth2/userinfo"),
        jwks_uri: format!("{base}/v1/b2b/sessions/jwks/{}", inner.project.project_id),
        grant_types: &["authorization_code", "refresh_token"],
        scopes: &["openid", "email", "profile", "offline_access"],
        auth_methods: &["client_secret_basic", "client_secret_post", "none"],
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
        ],
    }))
}

async fn authorize(State(inner): St, uri: Uri) -> ApiResult<Response> {
    let page = inner
        .seed
        .connected_apps_authorization_url
        .as_deref()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "The project has no authorization URL (seed connected_apps_authorization_url).",
            )
        })?;
    match uri.query() {
        Some(q) if !q.is_empty() => {
            let sep = if page.contains('?') { '&' } else { '?' };
            redirect(&format!("{page}{sep}{q}"))
        }
        _ => redirect(page),
    }
}

/// The token request's parameters: a form body, or a JSON object (strings kept, numbers and
/// booleans as their text).
fn token_params(headers: &HeaderMap, body: &[u8]) -> Option<HashMap<String, String>> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
    if json {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return None;
        };
        return Some(
            map.into_iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    Value::Number(n) => Some((k, n.to_string())),
                    Value::Bool(b) => Some((k, b.to_string())),
                    _ => None,
                })
                .collect(),
        );
    }
    let text = std::str::from_utf8(body).ok()?;
    Some(
        text.split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (form_decode(k), form_decode(v))
            })
            .collect(),
    )
}

fn refusal(r: Refusal) -> Response {
    oauth_error(r.error_type, r.error, r.description)
}

async fn project_token(
    State(inner): St,
    OwnBase(base): OwnBase,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body.map_err(|_| ApiError::too_large())?;
    if project_id != inner.project.project_id {
        return Err(ApiError::new(
            ErrorType::ProjectNotFound,
            "No project with this id is served here.",
        ));
    }
    exchange(&inner, &base, &headers, &body)
}

async fn token(
    State(inner): St,
    OwnBase(base): OwnBase,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    // An over-long body is refused as Stytch error JSON, not axum's plain-text rejection.
    let body = body.map_err(|_| ApiError::too_large())?;
    exchange(&inner, &base, &headers, &body)
}

fn exchange(inner: &Inner, base: &str, headers: &HeaderMap, body: &[u8]) -> ApiResult<Response> {
    let Some(params) = token_params(headers, body) else {
        return Ok(oauth_error(
            ErrorType::BadRequest,
            "invalid_request",
            "The token request must be form-encoded or a JSON object.",
        ));
    };
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let grant_type = get("grant_type");
    if !matches!(grant_type, "authorization_code" | "refresh_token") {
        return Ok(oauth_error(
            ErrorType::BadRequest,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token.",
        ));
    }
    let (client_id, client_secret) = client_credentials(headers, &params);
    let invalid_client = || {
        oauth_error(
            ErrorType::UnauthorizedCredentials,
            "invalid_client",
            "Client authentication failed: unknown client_id or wrong client_secret.",
        )
    };
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let Some(stored) = connected_apps::get(&tx, &client_id)? else {
        return Ok(invalid_client());
    };
    if !stored.authenticates(&client_secret) {
        return Ok(invalid_client());
    }
    let minter = Minter {
        key: &inner.key,
        issuer: base,
        project_id: &inner.project.project_id,
    };
    let answer: Result<Tokens, Refusal> = if grant_type == "authorization_code" {
        connected_apps::exchange_code(
            &tx,
            &minter,
            &stored.app,
            get("code"),
            get("redirect_uri"),
            get("code_verifier"),
            now,
        )?
    } else {
        connected_apps::refresh(
            &tx,
            &minter,
            &stored.app,
            get("refresh_token"),
            params.get("scope").map(String::as_str),
            now,
        )?
    };
    match answer {
        Ok(tokens) => {
            tx.commit()?;
            let mut body = serde_json::to_value(&tokens)?;
            body["request_id"] = json!(crate::infra::ids::request_id());
            body["status_code"] = json!(200);
            Ok(token_answer(body))
        }
        Err(r) => Ok(refusal(r)),
    }
}

async fn userinfo(
    State(inner): St,
    OwnBase(base): OwnBase,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let minter = Minter {
        key: &inner.key,
        issuer: &base,
        project_id: &inner.project.project_id,
    };
    let conn = inner.conn();
    match connected_apps::userinfo(&conn, &minter, &bearer_token(&headers), inner.now())? {
        Some(info) => Ok(Json(info).into_response()),
        None => Ok(oauth_error(
            ErrorType::UnauthorizedCredentials,
            "invalid_token",
            "The access token is missing, invalid or expired, or its member is no longer active.",
        )),
    }
}
