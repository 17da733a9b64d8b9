//! The emulator's HTTP surfaces, one folder each: the SDK API (`/sdk/v1/...`, as the JS SDK calls
//! it), the backend API (`/v1/b2b/...`, as Stytch's server SDKs call it), the control API
//! (`/emulator/v1/...`, for tests and demos), the browser-navigation endpoints of SSO and OAuth
//! (`public`) and the built-in identity provider (`/emulator/idp/...`). Handlers parse and
//! authenticate the request, call into [`crate::domain`], and shape the answer for their surface.

pub mod backend;
pub mod control;
pub mod extract;
pub mod idp;
pub mod idp_oidc;
pub mod oauth2;
pub mod public;
pub mod scim_v2;
pub mod sdk;

use crate::Inner;
use crate::error::ErrorType;
use axum::extract::State;
use std::sync::Arc;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

pub type St = State<Arc<Inner>>;

pub async fn fallback_404(uri: axum::http::Uri) -> crate::error::ApiError {
    crate::error::ApiError::new(
        ErrorType::RouteNotFound,
        format!("Route not found: {}", uri.path()),
    )
}

pub async fn fallback_405() -> crate::error::ApiError {
    crate::error::ApiError::new(
        ErrorType::MethodNotAllowed,
        "The HTTP method is not allowed for this route.",
    )
}

/// `200`, `content-type: application/json`, `body` (what axum's `Json` answers), serialized
/// into a buffer of `capacity` bytes instead of regrowing one from 128 bytes.
pub fn json_response<T: Serialize>(body: &T, capacity: usize) -> Response {
    let mut buf = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut buf, body) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            buf,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("cannot serialize an answer: {e}");
            ApiError::internal().into_response()
        }
    }
}
