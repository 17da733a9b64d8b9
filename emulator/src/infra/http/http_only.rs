//! HttpOnly session cookies, a project setting (seed `http_only_cookies`, or at run time
//! `POST /emulator/v1/settings {"http_only_cookies": true}`), for the SDK surface only.
//!
//! Stytch's HttpOnly mode: the API sets the session in `HttpOnly` cookies and returns the
//! tokens as `""`, so browser code never sees them; the SDK then keeps its state, removes its own cookies and
//! relies on `credentials: 'include'`. This layer does exactly that around the ordinary handlers:
//! * request: when the Basic header carries no session (`public_token:public_token`), the session token is
//!   taken from the `stytch_session` cookie; a JSON body without `intermediate_session_token` gets the one
//!   from the `stytch_intermediate_session_token` cookie;
//! * response: non-empty `session_token` / `session_jwt` / `intermediate_session_token` in `data` are
//!   moved into `Set-Cookie: …; HttpOnly; Path=/; SameSite=Lax; Max-Age=…` and blanked; a full session
//!   clears the IST cookie; a successful revoke clears the session cookies.
//!
//! The cookies carry Stytch's default names; a client configured with other cookie names does not matter
//! here, since it cannot read them anyway. No `Domain` (host-only) and no `Secure`, which suits
//! `http://127.0.0.1` (cookies ignore ports, so a page on :8080 and the emulator on :4010 share them).

use crate::Inner;
use crate::error::ApiError;
use crate::infra::http::guard::REQUEST_BODY_LIMIT;
use crate::surfaces::extract::basic_auth;
use axum::body::Body;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header;
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

const SESSION_COOKIE: &str = "stytch_session";

const JWT_COOKIE: &str = "stytch_session_jwt";

/// A cookie as a browser holds it, in the shape Playwright's `BrowserContext.addCookies` takes
/// once a `url` or a `domain` is added (the emulator cannot know which site the test opens).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserCookie {
    /// `stytch_session` or `stytch_session_jwt` (the SDK's default names).
    pub name: String,
    /// The session token or the session JWT.
    pub value: String,
    /// Always `/`.
    pub path: String,
    /// Unix seconds when the session expires (the SDK gives both cookies the session's expiry).
    pub expires: i64,
    /// `true` only when the project is in HttpOnly mode (then the API sets the cookies itself).
    pub http_only: bool,
    /// Always `false`: the emulator and the apps it serves run on plain `http://` loopback.
    pub secure: bool,
    /// Always `Lax`, as the SDK and the HttpOnly mode set them.
    pub same_site: String,
}

/// The session cookies a browser holds after a login that issued `token` and `jwt`.
pub fn session_cookies(
    token: &str,
    jwt: &str,
    expires: i64,
    http_only: bool,
) -> Vec<BrowserCookie> {
    [(SESSION_COOKIE, token), (JWT_COOKIE, jwt)]
        .into_iter()
        .map(|(name, value)| BrowserCookie {
            name: name.to_owned(),
            value: value.to_owned(),
            path: "/".to_owned(),
            expires,
            http_only,
            secure: false,
            same_site: "Lax".to_owned(),
        })
        .collect()
}

const IST_COOKIE: &str = "stytch_intermediate_session_token";

const IST_LIFETIME_SECS: i64 = 600;

fn request_cookies(req: &Request) -> HashMap<String, String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect()
}

fn set_cookie(name: &str, value: &str, max_age: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        max_age.max(0)
    ))
    .ok()
}

pub async fn layer(State(inner): State<Arc<Inner>>, mut req: Request, next: Next) -> Response {
    if !inner.http_only.load(Ordering::SeqCst) || !req.uri().path().starts_with("/sdk/v1/") {
        return next.run(req).await;
    }
    let is_revoke = req.uri().path() == "/sdk/v1/b2b/sessions/revoke";
    let cookies = request_cookies(&req);

    if let (Some(token), Some((pt, secret))) =
        (cookies.get(SESSION_COOKIE), basic_auth(req.headers()))
        && secret == pt
        && let Ok(v) = HeaderValue::from_str(&format!(
            "Basic {}",
            STANDARD.encode(format!("{pt}:{token}"))
        ))
    {
        req.headers_mut().insert(header::AUTHORIZATION, v);
    }

    if let Some(ist) = cookies.get(IST_COOKIE) {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, REQUEST_BODY_LIMIT).await else {
            return ApiError::too_large().into_response();
        };
        let body = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(mut map)) if !map.contains_key("intermediate_session_token") => {
                map.insert(
                    "intermediate_session_token".into(),
                    Value::String(ist.clone()),
                );
                Body::from(Value::Object(map).to_string())
            }
            _ => Body::from(bytes),
        };
        req = Request::from_parts(parts, body);
        req.headers_mut().remove(header::CONTENT_LENGTH);
    }

    let response = next.run(req).await;
    if !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The answer is the emulator's own (bounded by what it stores), so it is read whole: a limit
    // here could only turn a large success into a broken one.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return ApiError::internal().into_response(),
    };
    let mut json: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    let mut cookies_out = Vec::new();
    if let Some(data) = json.get_mut("data").and_then(Value::as_object_mut) {
        let session_max_age = data
            .get("member_session")
            .and_then(|s| s.get("expires_at"))
            .and_then(Value::as_str)
            .and_then(|e| {
                time::OffsetDateTime::parse(e, &time::format_description::well_known::Rfc3339).ok()
            })
            .map(|e| e.unix_timestamp() - inner.now());
        for (field, cookie, max_age) in [
            ("session_token", SESSION_COOKIE, session_max_age),
            ("session_jwt", JWT_COOKIE, session_max_age),
            (
                "intermediate_session_token",
                IST_COOKIE,
                Some(IST_LIFETIME_SECS),
            ),
        ] {
            let Some(Value::String(v)) = data.get_mut(field) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            cookies_out.extend(set_cookie(cookie, v, max_age.unwrap_or(IST_LIFETIME_SECS)));
            v.clear();
        }
        if session_max_age.is_some() {
            cookies_out.extend(set_cookie(IST_COOKIE, "", 0));
        }
    }
    if is_revoke {
        cookies_out.extend(set_cookie(SESSION_COOKIE, "", 0));
        cookies_out.extend(set_cookie(JWT_COOKIE, "", 0));
    }
    for c in cookies_out {
        parts.headers.append(header::SET_COOKIE, c);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json.to_string()))
}
