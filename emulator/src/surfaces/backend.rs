//! Surface 2: the backend API `/v1/b2b/...` as Stytch's server SDKs call it: Basic
//! `project_id:secret`, responses not wrapped (`{request_id, status_code, ...}`).

pub mod idp;
pub mod members;
pub mod mfa;
pub mod organizations;
pub mod sessions;

use crate::Inner;
use crate::domain::rbac::Actor;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::ids::request_id;
use crate::surfaces::backend::sessions::session_from_jwt;
use crate::surfaces::extract;
use axum::Json;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::Response;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

/// `{request_id, status_code: 200, ...fields}`.
pub(crate) fn ok(mut fields: Value) -> Response {
    if let Some(o) = fields.as_object_mut() {
        o.insert("request_id".into(), json!(request_id()));
        o.insert("status_code".into(), json!(200));
    }
    Json(fields).into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Checks the secret, then resolves the optional member-session header to an Actor.
fn backend_actor(
    inner: &Inner,
    conn: &rusqlite::Connection,
    headers: &HeaderMap,
) -> ApiResult<Option<Actor>> {
    extract::secret_auth(inner, headers)?;
    let row = if let Some(t) = header(headers, "x-stytch-member-session") {
        crate::domain::sessions::by_token(conn, t, inner.now())?
            .ok_or_else(ApiError::session_not_found)?
    } else if let Some(j) = header(headers, "x-stytch-member-sessionjwt") {
        session_from_jwt(inner, conn, j)?
    } else {
        return Ok(None);
    };
    Ok(Some(crate::domain::sessions::actor_of(conn, &row)?.0))
}

/// Every backend route. All but the JWKS need the project secret, checked by
/// [`extract::authenticate_backend`] before any handler (or body extractor) runs.
pub fn routes(inner: Arc<Inner>) -> axum::Router<Arc<Inner>> {
    organizations::routes()
        .merge(members::routes())
        .merge(sessions::routes())
        .merge(mfa::routes())
        .merge(idp::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            inner,
            extract::authenticate_backend,
        ))
        .merge(sessions::public_routes())
}
