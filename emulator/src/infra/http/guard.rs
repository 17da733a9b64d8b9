//! The first layer every request meets, before routing and before any handler reads it.
//!
//! * **DNS rebinding.** A web page on a foreign name can resolve that name to 127.0.0.1 and then
//!   read the emulator as if it were same-origin, project secret included. So every surface answers
//!   only requests whose `Host` is a loopback name (`localhost`, `*.localhost`, `127.0.0.0/8`,
//!   `[::1]`), one of the names the emulator was started for (`--host` when it is not a wildcard),
//!   or absent (in-process clients). Others get 403 `host_not_allowed`.
//! * **Cross-site writes to the control API.** A "simple" request (`text/plain` or a form, no
//!   preflight) from any web page reaches the emulator even though CORS hides the answer. A write
//!   (`POST`, `PUT`, `DELETE`, …) under `/emulator/` is refused with 403
//!   `cross_site_request_forbidden` when its `Origin` is neither allowed nor the emulator's own, or,
//!   without `Origin`, when the browser marks it `Sec-Fetch-Site: cross-site`. Tools and tests send
//!   neither header and are served.
//! * **Malformed paths.** A path with a bad percent-escape or that decodes to invalid UTF-8 gets 400
//!   `bad_request` error JSON (axum would answer plain text).
//! * **Oversized bodies.** A declared `Content-Length` over [`REQUEST_BODY_LIMIT`] gets 413
//!   `request_too_large` before the body is read; a chunked body is stopped at the same limit by
//!   the body extractor.
//!
//! Under a SCIM connection's `base_url` the refusal is an RFC 7644 error body, as everything there.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Inner;
use crate::error::{ApiError, ErrorType};

/// Largest request body any route accepts (1 MiB). SDK and backend bodies are a few kilobytes.
pub const REQUEST_BODY_LIMIT: usize = 1 << 20;

pub async fn guard(State(inner): State<Arc<Inner>>, req: Request, next: Next) -> Response {
    match check(&inner, &req) {
        Ok(()) => next.run(req).await,
        Err(e) if crate::surfaces::scim_v2::is_scim_path(req.uri().path()) => {
            crate::surfaces::scim_v2::refused(e)
        }
        Err(e) => e.into_response(),
    }
}

fn check(inner: &Inner, req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    if let Some(host) = host_name(req)
        && !host_allowed(&host, &inner.hosts)
    {
        return Err(ApiError::new(
            ErrorType::HostNotAllowed,
            "This emulator serves only loopback host names (and the --host it was started with).",
        ));
    }
    if !path_is_valid(req.uri().path()) {
        return Err(ApiError::bad_request(
            "The request path is not valid percent-encoded UTF-8.",
        ));
    }
    if req.uri().path().starts_with("/emulator/")
        && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && is_cross_site(inner, headers)
    {
        return Err(ApiError::new(
            ErrorType::CrossSiteRequestForbidden,
            "The control API does not accept writes from other sites.",
        ));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > REQUEST_BODY_LIMIT as u64) {
        return Err(ApiError::too_large());
    }
    Ok(())
}

/// The host name the request is addressed to (the URI's authority, else `Host`), lowercased,
/// without port or IPv6 brackets. `None` when neither is present.
fn host_name(req: &Request) -> Option<String> {
    let authority = match req.uri().authority() {
        Some(a) => a.as_str().to_owned(),
        None => req.headers().get(header::HOST)?.to_str().ok()?.to_owned(),
    };
    let authority = authority
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("").to_owned()
    } else {
        authority.split(':').next().unwrap_or("").to_owned()
    };
    Some(host.trim_end_matches('.').to_owned())
}

fn host_allowed(host: &str, extra: &[String]) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || extra.iter().any(|h| h.eq_ignore_ascii_case(host))
}

fn path_is_valid(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => decoded.push(b),
                None => return false,
            }
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).is_ok()
}

fn is_cross_site(inner: &Inner, headers: &HeaderMap) -> bool {
    let header_str = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match header_str("origin") {
        Some(origin) => {
            let origin = origin.trim_end_matches('/');
            let own = header_str("host").is_some_and(|host| {
                origin
                    .split_once("://")
                    .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
            });
            !own && !inner.origin_allowed(origin)
        }
        None => header_str("sec-fetch-site") == Some("cross-site"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(path_is_valid(
            "/sdk/v1/b2b/organizations/members/member-test-1"
        ));
        assert!(path_is_valid("/v1/b2b/organizations/caf%C3%A9"));
        assert!(!path_is_valid("/v1/b2b/organizations/%FF%FE"));
        assert!(!path_is_valid("/v1/b2b/organizations/%zz"));
        assert!(!path_is_valid("/v1/b2b/organizations/%4"));
    }

    #[test]
    fn hosts() {
        for ok in ["localhost", "a.localhost", "127.0.0.1", "127.1.2.3", "::1"] {
            assert!(host_allowed(ok, &[]), "{ok}");
        }
        for bad in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1",
        ] {
            assert!(!host_allowed(bad, &[]), "{bad}");
        }
        assert!(host_allowed("dev.internal", &["dev.internal".into()]));
    }
}
