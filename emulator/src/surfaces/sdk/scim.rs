//! SCIM (`stytch.scim`): the logged-in member's organization's SCIM connection.
//!
//! | call | path | permission |
//! |---|---|---|
//! | createConnection | POST `/b2b/scim` | `stytch.scim` / `create` |
//! | updateConnection | PUT `/b2b/scim/{connection_id}` | `stytch.scim` / `update` |
//! | deleteConnection | DELETE `/b2b/scim/{connection_id}` | `stytch.scim` / `delete` |
//! | getConnection | GET `/b2b/scim` | `stytch.scim` / `get` |
//! | getConnectionGroups | POST `/b2b/scim/groups` | `stytch.scim` / `get` |
//! | rotateStart, rotateComplete, rotateCancel | POST `/b2b/scim/rotate/{start,complete,cancel}` | `stytch.scim` / `update` |
//!
//! Connection rules are in `domain::scim`. Every call needs a session (401 / 404 as for members).

use crate::Inner;
use crate::domain::rbac;
use crate::domain::scim;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk::members::with_session;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::sso::OwnBase;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

const SCIM: &str = "/sdk/v1/b2b/scim";

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(SCIM, get(get_connection).post(create_connection))
        .route(
            &format!("{SCIM}/{{connection_id}}"),
            put(update_connection).delete(delete_connection),
        )
        .route(&format!("{SCIM}/groups"), post(get_groups))
        .route(&format!("{SCIM}/rotate/start"), post(rotate_start))
        .route(&format!("{SCIM}/rotate/complete"), post(rotate_complete))
        .route(&format!("{SCIM}/rotate/cancel"), post(rotate_cancel))
}

fn scim_check(inner: &Inner, org: &Value, actor: &rbac::Actor, action: &str) -> ApiResult<()> {
    rbac::check(&inner.seed, org, Some(actor), "stytch.scim", action, false)
}

async fn create_connection(
    State(inner): St,
    caller: SdkCaller,
    OwnBase(base): OwnBase,
    JsonBody(req): JsonBody<scim::CreateReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        scim_check(&inner, &org, actor, "create")?;
        let c = scim::create(tx, &org, &req, &base, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn update_connection(
    State(inner): St,
    caller: SdkCaller,
    OwnBase(base): OwnBase,
    Path(connection_id): Path<String>,
    JsonBody(req): JsonBody<scim::UpdateReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        scim_check(&inner, &org, actor, "update")?;
        let c = scim::update(tx, &inner.seed, &org, &connection_id, req, &base, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn delete_connection(
    State(inner): St,
    caller: SdkCaller,
    Path(connection_id): Path<String>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        scim_check(&inner, &org, actor, "delete")?;
        scim::delete(tx, &org, &connection_id)?;
        Ok(ok(json!({ "connection_id": connection_id })))
    })
}

async fn get_connection(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        scim_check(&inner, &org, actor, "get")?;
        Ok(ok(json!({ "connection": scim::get_for_org(tx, &org)? })))
    })
}

async fn get_groups(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<scim::GroupsReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        scim_check(&inner, &org, actor, "get")?;
        Ok(ok(scim::groups(tx, &org, &req)?))
    })
}

#[derive(Deserialize)]
struct RotateReq {
    connection_id: String,
}

type Rotation = fn(&rusqlite::Connection, &Value, &str, i64) -> ApiResult<Value>;

fn rotate(
    inner: &Inner,
    caller: &SdkCaller,
    req: &RotateReq,
    step: Rotation,
) -> ApiResult<Response> {
    with_session(inner, caller, |tx, actor, _, org, now| {
        scim_check(inner, &org, actor, "update")?;
        let c = step(tx, &org, &req.connection_id, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn rotate_start(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<RotateReq>,
) -> ApiResult<Response> {
    rotate(&inner, &caller, &req, scim::rotate_start)
}

async fn rotate_complete(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<RotateReq>,
) -> ApiResult<Response> {
    rotate(&inner, &caller, &req, scim::rotate_complete)
}

async fn rotate_cancel(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<RotateReq>,
) -> ApiResult<Response> {
    rotate(&inner, &caller, &req, scim::rotate_cancel)
}
