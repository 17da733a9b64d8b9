//! Surface 1: the SDK API `/sdk/v1/...`, exactly as `@stytch/vanilla-js` calls it: one file per
//! method family. Success: HTTP 200 `{"data": {request_id, status_code: 200, ...}}`; errors:
//! top-level Stytch error JSON; auth: Basic `public_token:(session_token | public_token)`.

pub mod bootstrap;
pub mod discovery;
pub mod idp;
pub mod impersonation;
pub mod magic_links;
pub mod members;
pub mod oauth;
pub mod organizations;
pub mod otps;
pub mod passwords;
pub mod recovery_codes;
pub mod scim;
pub mod sessions;
pub mod sso;
pub mod totp;

use crate::Inner;
use crate::domain::mfa::Carried;
use crate::domain::sessions::SessionRow;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::ids::request_id;
use crate::surfaces::extract;
use crate::surfaces::extract::SdkCaller;
use axum::http::HeaderMap;
use axum::response::Response;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

// ------------------------------------------------------------------ request helpers

/// `{"data": {request_id, status_code: 200, ...fields}}`.
pub fn ok(mut fields: Value) -> Response {
    if let Some(o) = fields.as_object_mut() {
        o.insert("request_id".into(), json!(request_id()));
        o.insert("status_code".into(), json!(200));
    }
    ok_data(fields, 1024)
}

/// The SDK surface's success envelope.
#[derive(Serialize)]
struct Data<T> {
    data: T,
}

/// `{"data": answer}`, for a typed answer that carries its own `request_id` and `status_code`
/// (e.g. [`crate::domain::sessions::AuthAnswer`]); `capacity`: the expected size of the body.
pub fn ok_data<T: Serialize>(answer: T, capacity: usize) -> Response {
    crate::surfaces::json_response(&Data { data: answer }, capacity)
}

/// The caller's live session and its raw token (401 without a session token, 404 for a dead one).
pub fn require_session(
    inner: &Inner,
    conn: &Connection,
    caller: &SdkCaller,
) -> ApiResult<(SessionRow, String)> {
    let token = caller.session()?.to_owned();
    let row = crate::domain::sessions::by_token(conn, &token, inner.now())?
        .ok_or_else(ApiError::session_not_found)?;
    Ok((row, token))
}

/// The SDK's [`crate::domain::mfa::Carry`]: the body's IST and the Basic header's session.
pub fn carry<'a>(
    ist: Option<&'a str>,
    caller: &'a SdkCaller,
) -> impl Fn(&Connection, i64) -> ApiResult<Carried> + 'a {
    move |conn, now| {
        Carried::sdk(
            conn,
            ist.map(str::to_string),
            caller.session_token.as_deref(),
            now,
        )
    }
}

pub fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(512)
        .collect()
}

/// Every SDK route. All but bootstrap and events need this project's public token (and, where a
/// handler asks for one, a session), checked by [`extract::authenticate_sdk`] before any handler
/// (or body extractor) runs.
pub fn routes(inner: Arc<Inner>) -> axum::Router<Arc<Inner>> {
    magic_links::routes()
        .merge(sessions::routes())
        .merge(organizations::routes())
        .merge(members::routes())
        .merge(otps::routes())
        .merge(passwords::routes())
        .merge(discovery::routes())
        .merge(totp::routes())
        .merge(recovery_codes::routes())
        .merge(impersonation::routes())
        .merge(sso::routes())
        .merge(scim::routes())
        .merge(oauth::routes())
        .merge(idp::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            inner,
            extract::authenticate_sdk,
        ))
        .merge(bootstrap::routes())
}
