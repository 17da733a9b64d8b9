//! SDK organizations: `organizations/me` (get, update, delete) and `organizations/search` (by
//! slug, before sign-in). Update and delete check RBAC server-side (`stytch.organization` per field,
//! `delete`); see `members` for the permission table.

use crate::Inner;
use crate::domain::organizations;
use crate::domain::sessions;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk::members::with_session;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::require_session;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/sdk/v1/b2b/organizations/me",
            get(organizations_me).put(org_update).delete(org_delete),
        )
        .route(
            "/sdk/v1/b2b/organizations/search",
            post(organizations_search),
        )
}

async fn organizations_me(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &caller)?;
    let (_, org) = sessions::load_owner(&conn, &row)?;
    Ok(ok(json!({ "organization": org })))
}

#[derive(Deserialize)]
struct OrgSearchReq {
    organization_slug: String,
}

/// `organization.getBySlug`: `{organization: OrganizationBySlugMatch | null}` (200 with `null`
/// when no organization has that slug). Needs only the public token.
async fn organizations_search(
    State(inner): St,
    JsonBody(req): JsonBody<OrgSearchReq>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let org = organizations::get_org_by_slug(&conn, &req.organization_slug)?;
    let subset = org.map(|o| {
        let keys = [
            "organization_id",
            "organization_name",
            "organization_slug",
            "organization_logo_url",
            "sso_active_connections",
            "sso_default_connection_id",
            "email_jit_provisioning",
            "email_allowed_domains",
            "oauth_tenant_jit_provisioning",
            "allowed_oauth_tenants",
            "auth_methods",
            "allowed_auth_methods",
            "mfa_policy",
        ];
        Value::Object(
            keys.iter()
                .map(|k| (k.to_string(), o[*k].clone()))
                .collect(),
        )
    });
    Ok(ok(json!({ "organization": subset })))
}

async fn org_update(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(patch): JsonBody<organizations::OrgPatch>,
) -> ApiResult<Response> {
    let org = with_session(&inner, &caller, |tx, actor, _, org, now| {
        organizations::update_org(tx, &inner.seed, Some(actor), org, patch, true, now)
    })?;
    Ok(ok(json!({ "organization": org })))
}

async fn org_delete(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let id = with_session(&inner, &caller, |tx, actor, _, org, _| {
        organizations::delete_org(tx, &inner.seed, Some(actor), &org)?;
        Ok(organizations::org_id(&org).to_string())
    })?;
    Ok(ok(json!({ "organization_id": id })))
}
