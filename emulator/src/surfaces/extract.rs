//! Request extractors that answer bad input with Stytch error JSON instead of axum's plain
//! text rejections.
//!
//! Decisions (Stytch does not document these precisely):
//! * a body that is not JSON, or JSON that is not an object → 400 `bad_request`;
//! * a missing required field or a field of the wrong JSON type → 400 `bad_request` whose
//!   message names the field (`bad_request` is in the SDK's `StytchAPIErrorType` union; Stytch
//!   itself answers schema problems with a 400 of that family);
//! * an empty body is treated as `{}` (the SDK sends no body for revoke/GET/DELETE);
//! * unknown fields are ignored (the SDK adds `dfp_telemetry_id`, `captcha_token`, …);
//! * `null` is accepted for optional fields.

use crate::error::ApiError;
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
