//! Backend organizations: create, get, update, delete (`/v1/b2b/organizations...`).
//!
//! * org create without `organization_slug` derives one from the name.
//! * With only the secret no RBAC check is made. With `X-Stytch-Member-Session: <token>` or
//!   `X-Stytch-Member-SessionJWT: <jwt>` the call runs with that Member's permissions, exactly like
//!   the SDK surface (an unknown or dead session there → 404 `session_not_found`).

use crate::Inner;
use crate::domain::organizations;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::ids::new_id;
use crate::seed::OrgSettings;
use crate::surfaces::St;
use crate::surfaces::backend::backend_actor;
use crate::surfaces::backend::ok;
use crate::surfaces::extract::JsonBody;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/v1/b2b/organizations", post(org_create))
        .route(
            "/v1/b2b/organizations/{organization_id}",
            get(org_get).put(org_update).delete(org_delete),
        )
}

async fn org_create(State(inner): St, JsonBody(req): JsonBody<OrgSettings>) -> ApiResult<Response> {
    let org = organizations::new_organization(&req, &new_id("organization"), inner.now())?;
    let conn = inner.conn();
    organizations::insert_org(&conn, &org)?;
    Ok(ok(json!({ "organization": org })))
}

async fn org_get(State(inner): St, Path(organization_id): Path<String>) -> ApiResult<Response> {
    let conn = inner.conn();
    let org = organizations::get_org(&conn, &organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    Ok(ok(json!({ "organization": org })))
}

pub fn org(conn: &rusqlite::Connection, id: &str) -> ApiResult<Value> {
    organizations::get_org(conn, id)?.ok_or_else(ApiError::organization_not_found)
}

async fn org_update(
    State(inner): St,
    headers: HeaderMap,
    Path(organization_id): Path<String>,
    JsonBody(patch): JsonBody<organizations::OrgPatch>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    let o = organizations::update_org(&tx, &inner.seed, actor.as_ref(), o, patch, false, now)?;
    tx.commit()?;
    Ok(ok(json!({ "organization": o })))
}

async fn org_delete(
    State(inner): St,
    headers: HeaderMap,
    Path(organization_id): Path<String>,
) -> ApiResult<Response> {
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    organizations::delete_org(&tx, &inner.seed, actor.as_ref(), &o)?;
    tx.commit()?;
    Ok(ok(json!({ "organization_id": organizations::org_id(&o) })))
}
