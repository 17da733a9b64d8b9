//! Impersonation: `POST /sdk/v1/b2b/impersonation/authenticate` (see `domain::impersonation`).

use crate::Inner;
use crate::domain::impersonation;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::sdk;
use crate::surfaces::sdk::ok;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new().route("/sdk/v1/b2b/impersonation/authenticate", post(authenticate))
}

#[derive(Deserialize)]
pub struct AuthenticateReq {
    pub impersonation_token: String,
}

/// `POST /sdk/v1/b2b/impersonation/authenticate` → AuthResp WithMFA, always with a session.
async fn authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let fields =
        impersonation::authenticate(&inner, &req.impersonation_token, &sdk::user_agent(&headers))?;
    Ok(ok(fields))
}
