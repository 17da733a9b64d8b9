//! Backend surface (`/v1/b2b/...`, Basic `project_id:secret`, responses not wrapped) for
//! organization update/delete and member search/update/delete/reactivate (semantics §5).
//!
//! With only the secret no RBAC check is made. With `X-Stytch-Member-Session: <token>` or
//! `X-Stytch-Member-SessionJWT: <jwt>` the call runs with that Member's permissions, exactly like
//! the SDK surface (an unknown or dead session there → 404 `session_not_found`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{post, put};
use serde_json::{Value, json};

use crate::Inner;
use crate::admin::{self, Surface};
use crate::backend::{ok, secret_auth, session_from_jwt};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::rbac::Actor;
use crate::session;
use crate::store;

type St = State<Arc<Inner>>;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/v1/b2b/organizations/{organization_id}",
            put(org_update).delete(org_delete),
        )
        .route("/v1/b2b/organizations/members/search", post(member_search))
        .route(
            "/v1/b2b/organizations/{organization_id}/members/{member_id}",
            put(member_update).delete(member_delete),
        )
        .route(
            "/v1/b2b/organizations/{organization_id}/members/{member_id}/reactivate",
            put(member_reactivate),
        )
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
    secret_auth(inner, headers)?;
    let row = if let Some(t) = header(headers, "x-stytch-member-session") {
        session::by_token(conn, t, inner.now())?.ok_or_else(ApiError::session_not_found)?
    } else if let Some(j) = header(headers, "x-stytch-member-sessionjwt") {
        session_from_jwt(inner, conn, j)?
    } else {
        return Ok(None);
    };
    Ok(Some(admin::actor_of(conn, &row)?.0))
}

fn org(conn: &rusqlite::Connection, id: &str) -> ApiResult<Value> {
    store::get_org(conn, id)?.ok_or_else(ApiError::organization_not_found)
}

async fn org_update(
    State(inner): St,
    headers: HeaderMap,
    Path(organization_id): Path<String>,
    JsonBody(patch): JsonBody<admin::OrgPatch>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    let o = admin::update_org(&tx, &inner.seed, actor.as_ref(), o, patch, false, now)?;
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
    admin::delete_org(&tx, &inner.seed, actor.as_ref(), &o)?;
    tx.commit()?;
    Ok(ok(json!({ "organization_id": admin::org_id(&o) })))
}

/// `organization_ids` is required and non-empty (400 `member_search_organization_ids_empty`);
/// each must exist (404 `organization_not_found`).
async fn member_search(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<admin::SearchReq>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let actor = backend_actor(&inner, &conn, &headers)?;
    let ids = req.organization_ids.clone().unwrap_or_default();
    if ids.is_empty() {
        return Err(ApiError::new(
            400,
            "member_search_organization_ids_empty",
            "organization_ids must list at least one organization.",
        ));
    }
    let orgs = ids
        .iter()
        .map(|id| org(&conn, id))
        .collect::<ApiResult<Vec<_>>>()?;
    admin::check_search(&inner.seed, actor.as_ref(), &orgs)?;
    Ok(ok(admin::search(&conn, &orgs, &req)?))
}

async fn member_update(
    State(inner): St,
    headers: HeaderMap,
    Path((organization_id, member_id)): Path<(String, String)>,
    JsonBody(patch): JsonBody<admin::MemberPatch>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    let target = admin::live_member_in_org(&tx, &o, &member_id)?;
    let m = admin::update_member(
        &tx,
        &inner.seed,
        actor.as_ref(),
        &o,
        target,
        patch,
        Surface::Backend,
        now,
    )?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": m.member_id(),
        "member": m.data,
        "organization": o,
    })))
}

async fn member_delete(
    State(inner): St,
    headers: HeaderMap,
    Path((organization_id, member_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    let target = admin::live_member_in_org(&tx, &o, &member_id)?;
    let m = admin::delete_member(&tx, &inner.seed, actor.as_ref(), &o, target, now)?;
    tx.commit()?;
    Ok(ok(json!({ "member_id": m.member_id() })))
}

async fn member_reactivate(
    State(inner): St,
    headers: HeaderMap,
    Path((organization_id, member_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    let target = admin::member_in_org(&tx, &o, &member_id)?;
    let m = admin::reactivate_member(&tx, &inner.seed, actor.as_ref(), &o, target, now)?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": m.member_id(),
        "member": m.data,
        "organization": o,
    })))
}
