//! CORS for all surfaces, through `tower-http`: credentialed, and only for the project's allowed
//! origins (the seed's, the defaults, `--allow-origin`; exact match). An allowed origin gets
//! `Access-Control-Allow-Origin: <origin>` and `Access-Control-Allow-Credentials: true`; a preflight
//! also gets the headers the SDKs send and the methods the surfaces use. Any other origin gets no CORS
//! headers, so the browser keeps the answer from the page.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::Inner;

pub fn layer(inner: Arc<Inner>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|o| inner.origin_allowed(o))
        }))
        .allow_credentials(true)
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-sdk-client"),
            HeaderName::from_static("x-sdk-parent-host"),
        ])
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .max_age(Duration::from_secs(600))
}
