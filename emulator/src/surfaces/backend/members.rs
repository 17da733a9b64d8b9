//! Backend members: create, get, search, update, delete, reactivate
//! (`/v1/b2b/organizations/{organization_id}/members...`, `/v1/b2b/organizations/members/search`).
//!
//! * Passing `stytch_member` in `roles` → 400 `cannot_assign_default_rbac_role_id`; an unknown role
//!   → 400 `invalid_rbac_role_id`.
//! * Member sessions in `X-Stytch-Member-Session(JWT)` headers act with that Member's permissions
//!   (see `organizations`).

use crate::Inner;
use crate::domain::members;
use crate::domain::members::Surface;
use crate::domain::organizations;
use crate::domain::search;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::backend::backend_actor;
use crate::surfaces::backend::ok;
use crate::surfaces::backend::organizations::org;
use crate::surfaces::backend::sessions::nonempty;
use crate::surfaces::extract::JsonBody;
use axum::Router;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/v1/b2b/organizations/{organization_id}/members",
            post(member_create),
        )
        .route(
            "/v1/b2b/organizations/{organization_id}/member",
            get(member_get),
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

async fn member_create(
    State(inner): St,
    Path(organization_id): Path<String>,
    JsonBody(req): JsonBody<members::MemberCreate>,
) -> ApiResult<Response> {
    let now = inner.now();
    let conn = inner.conn();
    let org = organizations::get_org(&conn, &organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let row = members::create_member(&conn, &inner.seed, None, &org, req, now)?;
    Ok(ok(json!({
        "member_id": row.member_id(),
        "member": row.data,
        "organization": org,
    })))
}

#[derive(Deserialize)]
struct MemberGetQuery {
    member_id: Option<String>,
    email_address: Option<String>,
}

/// `GET /organizations/{organization_id}/member?member_id=…|email_address=…`; neither →
/// 400 `invalid_member_get_fields`.
async fn member_get(
    State(inner): St,
    Path(organization_id): Path<String>,
    q: Result<Query<MemberGetQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("Invalid query string."))?;
    let conn = inner.conn();
    let org = organizations::get_org(&conn, &organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let org_id = org["organization_id"].as_str().unwrap_or("");
    let member = match (nonempty(q.member_id), nonempty(q.email_address)) {
        (Some(id), _) => members::get_member(&conn, &id)?
            .filter(|m| m.data["organization_id"] == org["organization_id"]),
        (None, Some(email)) => {
            let email = normalize_email(&email)?;
            members::find_member(&conn, org_id, &email)?
        }
        (None, None) => {
            return Err(ApiError::new(
                ErrorType::InvalidMemberGetFields,
                "Pass member_id or email_address.",
            ));
        }
    }
    .ok_or_else(ApiError::member_not_found)?;
    Ok(ok(json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
    })))
}

/// `organization_ids` is required and non-empty (400 `member_search_organization_ids_empty`);
/// each must exist (404 `organization_not_found`).
async fn member_search(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<search::SearchReq>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let actor = backend_actor(&inner, &conn, &headers)?;
    let ids = req.organization_ids.clone().unwrap_or_default();
    if ids.is_empty() {
        return Err(ApiError::new(
            ErrorType::MemberSearchOrganizationIdsEmpty,
            "organization_ids must list at least one organization.",
        ));
    }
    let orgs = ids
        .iter()
        .map(|id| org(&conn, id))
        .collect::<ApiResult<Vec<_>>>()?;
    search::check_search(&inner.seed, actor.as_ref(), &orgs)?;
    Ok(ok(search::search(&conn, &orgs, &req)?))
}

async fn member_update(
    State(inner): St,
    headers: HeaderMap,
    Path((organization_id, member_id)): Path<(String, String)>,
    JsonBody(patch): JsonBody<members::MemberPatch>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let actor = backend_actor(&inner, &tx, &headers)?;
    let o = org(&tx, &organization_id)?;
    let target = members::live_member_in_org(&tx, &o, &member_id)?;
    let m = members::update_member(
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
    let target = members::live_member_in_org(&tx, &o, &member_id)?;
    let m = members::delete_member(&tx, &inner.seed, actor.as_ref(), &o, target, now)?;
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
    let target = members::member_in_org(&tx, &o, &member_id)?;
    let m = members::reactivate_member(&tx, &inner.seed, actor.as_ref(), &o, target, now)?;
    tx.commit()?;
    Ok(ok(json!({
        "member_id": m.member_id(),
        "member": m.data,
        "organization": o,
    })))
}
