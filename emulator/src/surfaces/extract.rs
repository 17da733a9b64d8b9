//! Who is calling, and what they sent, answered with Stytch error JSON instead of axum's plain
//! text rejections.
//!
//! The three callers are authenticated before any handler runs (so no handler can forget it, and
//! an unauthenticated call gets 401 before its body is looked at):
//! * SDK: [`authenticate_sdk`], a route layer on every SDK route but bootstrap and events (Basic
//!   `public_token:(session_token | public_token)`); handlers that need the session read it with
//!   [`SdkCaller`];
//! * backend: [`authenticate_backend`], a route layer on every backend route but the JWKS (Basic
//!   `project_id:secret`);
//! * control: the guard layer (`infra::http::guard`): loopback `Host`, no cross-site writes.
//!
//! Decisions (Stytch does not document these precisely):
//! * a body that is not JSON, or JSON that is not an object → 400 `bad_request`;
//! * a missing required field or a field of the wrong JSON type → 400 `bad_request` whose
//!   message names the field (`bad_request` is in the SDK's `StytchAPIErrorType` union; Stytch
//!   itself answers schema problems with a 400 of that family);
//! * an empty body is treated as `{}` (the SDK sends no body for revoke/GET/DELETE);
//! * unknown fields are ignored (the SDK adds `dfp_telemetry_id`, `captcha_token`, …);
//! * `null` is accepted for optional fields.

use crate::Inner;
use crate::error::{ApiError, ApiResult};
use crate::infra::crypto::ct_eq;
use axum::body::Bytes;
use axum::extract::FromRequest;
use axum::extract::Request;
use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::DeserializeOwned;

/// JSON body extractor with Stytch-style rejections.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large()
            } else {
                ApiError::bad_request("The request body could not be read.")
            }
        })?;
        parse_body(&bytes).map(JsonBody)
    }
}

/// Parse a request body (see module docs for the rules).
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(bytes)
            .map_err(|_| ApiError::bad_request("The request body is not valid JSON."))?
    };
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            ApiError::bad_request(format!("Invalid request body: {inner}."))
        } else {
            ApiError::bad_request(format!("Invalid value for field `{path}`: {inner}."))
        }
    })
}

/// `Authorization: Basic base64(user:pass)` → `(user, pass)`. `None` when missing/garbled.
pub fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let s = String::from_utf8(decoded).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// An authenticated SDK caller (placed by [`authenticate_sdk`]): the session token it sent, if any.
#[derive(Clone)]
pub struct SdkCaller {
    pub session_token: Option<String>,
}

impl SdkCaller {
    /// The session token the caller sent; 401 `unauthorized_credentials` without one.
    pub fn session(&self) -> ApiResult<&str> {
        self.session_token
            .as_deref()
            .ok_or_else(ApiError::unauthorized)
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SdkCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SdkCaller>()
            .cloned()
            .ok_or_else(ApiError::unauthorized)
    }
}

/// Route layer of the SDK surface: 401 `unauthorized_credentials` unless the Basic user is this
/// project's public token.
pub async fn authenticate_sdk(
    axum::extract::State(inner): axum::extract::State<std::sync::Arc<crate::Inner>>,
    mut req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match sdk_auth(&inner, req.headers()) {
        Ok(session_token) => {
            req.extensions_mut().insert(SdkCaller { session_token });
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

/// Route layer of the backend surface: 401 `unauthorized_credentials` unless the Basic
/// credentials are this project's id and secret.
pub async fn authenticate_backend(
    axum::extract::State(inner): axum::extract::State<std::sync::Arc<crate::Inner>>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match secret_auth(&inner, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// Checks the public token; returns the session token part when it is not the public token.
pub fn sdk_auth(inner: &Inner, headers: &HeaderMap) -> ApiResult<Option<String>> {
    let (user, pass) = basic_auth(headers).ok_or_else(ApiError::unauthorized)?;
    if !ct_eq(&user, &inner.project.public_token) {
        return Err(ApiError::unauthorized());
    }
    if pass.is_empty() || pass == user {
        Ok(None)
    } else {
        Ok(Some(pass))
    }
}

pub fn secret_auth(inner: &Inner, headers: &HeaderMap) -> ApiResult<()> {
    let (user, pass) = basic_auth(headers).ok_or_else(ApiError::unauthorized)?;
    let p = &inner.project;
    // Evaluate both comparisons to avoid an early-exit timing difference.
    let id_ok = ct_eq(&user, &p.project_id);
    let secret_ok = ct_eq(&pass, &p.secret);
    if id_ok && secret_ok {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}
