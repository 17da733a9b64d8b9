//! CORS for all surfaces, only for the seed's `allowed_origins` (exact match).
//!
//! Allowed origin: `Access-Control-Allow-Origin: <origin>`, `Access-Control-Allow-Credentials:
//! true`, `Vary: Origin`; a preflight (`OPTIONS` with `Access-Control-Request-Method`) is
//! answered 204 with the allowed headers/methods. A disallowed origin gets no CORS headers (its
//! preflight is still answered 204, without them, so the browser blocks the request).

use crate::Inner;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::Method;
use axum::http::StatusCode;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

const ALLOW_HEADERS: &str = "authorization, content-type, x-sdk-client, x-sdk-parent-host";

const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE";

fn add_headers(h: &mut HeaderMap, origin: HeaderValue) {
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    h.append(header::VARY, HeaderValue::from_static("Origin"));
}

pub async fn cors(State(inner): State<Arc<Inner>>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let allowed = origin
        .clone()
        .filter(|o| o.to_str().is_ok_and(|o| inner.origin_allowed(o)));
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        && origin.is_some();
    if is_preflight {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::NO_CONTENT;
        if let Some(o) = allowed {
            let h = resp.headers_mut();
            add_headers(h, o);
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
        return resp;
    }
    let mut resp = next.run(req).await;
    if let Some(o) = allowed {
        add_headers(resp.headers_mut(), o);
    }
    resp
}
