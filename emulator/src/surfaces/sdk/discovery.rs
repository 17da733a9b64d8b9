//! Discovery: magic-link discovery, `discovery/organizations` (list and create),
//! `discovery/intermediate_sessions/exchange` and `sessions/exchange`.
//!
//! Decisions where Stytch does not document the behaviour (see also `flow`):
//! * discovery magic links: `discovery_expiration_minutes` default 60, 5..=10080; the link is
//!   `<discovery_redirect_url>?stytch_token_type=discovery&token=…` (message kind
//!   `magic_link_discovery`); PKCE like org magic links (`pkce_required_for_email_magic_links`);
//! * `discovery/organizations` with an IST in the body lists all membership types; without one
//!   it uses the session of the Basic header and lists only active, pending and invited
//!   memberships; with neither → 401 `unauthorized_credentials`;
//! * `discovery/organizations/create`: the name defaults to `"<local part>'s Organization"` and the
//!   slug to a slug of the name (a random suffix is added when that derived slug is taken; an
//!   explicit taken slug → 400 `organization_slug_already_used`). The creator gets
//!   `stytch_admin`. An IST whose factor did not verify the email still creates the
//!   organization; the creator is then `pending` and the answer carries `primary_required`;
//! * `sessions/exchange` can enter an organization where the email already has an active,
//!   pending or invited member; any other organization → 404 `member_not_found` (it cannot JIT
//!   by domain). The original session stays valid.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::discovery;
use crate::domain::intermediate_sessions;
use crate::domain::members;
use crate::domain::organizations;
use crate::domain::provisioning;
use crate::domain::sessions;
use crate::domain::validation::slugify;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::crypto::random_token;
use crate::infra::ids::new_id;
use crate::seed::OrgSettings;
use crate::surfaces::St;
use crate::surfaces::extract::{JsonBody, SdkCaller};
use crate::surfaces::sdk;
use crate::surfaces::sdk::ok;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/sdk/v1/b2b/discovery/organizations", post(list))
        .route("/sdk/v1/b2b/discovery/organizations/create", post(create))
        .route(
            "/sdk/v1/b2b/discovery/intermediate_sessions/exchange",
            post(exchange),
        )
}

#[derive(Deserialize)]
struct ListReq {
    intermediate_session_token: Option<String>,
}

/// `POST /sdk/v1/b2b/discovery/organizations` → `{email_address, discovered_organizations,
/// organization_id_hint}`. Does not consume the IST.
async fn list(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<ListReq>,
) -> ApiResult<Response> {
    let has_session = caller.session_token.is_some();
    let now = inner.now();
    let conn = inner.conn();
    let ist = req.intermediate_session_token.filter(|t| !t.is_empty());
    let (grant, include_eligible) = match ist {
        Some(t) => (
            intermediate_sessions::load_ist(&conn, Some(&t), now)?.grant,
            true,
        ),
        None if has_session => {
            let (row, _) = sdk::require_session(&inner, &conn, &caller)?;
            let (member, _) = sessions::load_owner(&conn, &row)?;
            (authentication::session_grant(&row, &member), false)
        }
        None => return Err(ApiError::unauthorized()),
    };
    let orgs = discovery::discovered_organizations(&conn, &grant, include_eligible)?;
    Ok(ok(json!({
        "email_address": grant.email,
        "discovered_organizations": orgs,
        "organization_id_hint": null,
    })))
}

#[derive(Deserialize)]
struct CreateReq {
    intermediate_session_token: Option<String>,
    session_duration_minutes: Option<i64>,
    organization_name: Option<String>,
    organization_slug: Option<String>,
    organization_logo_url: Option<String>,
    sso_jit_provisioning: Option<String>,
    email_allowed_domains: Option<Vec<String>>,
    email_jit_provisioning: Option<String>,
    email_invites: Option<String>,
    oauth_tenant_jit_provisioning: Option<String>,
    #[allow(dead_code)]
    allowed_oauth_tenants: Option<Value>,
    auth_methods: Option<String>,
    allowed_auth_methods: Option<Vec<String>>,
    mfa_policy: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/discovery/organizations/create` → AuthResp WithMFA. Consumes the IST.
async fn create(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CreateReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let ist = intermediate_sessions::load_ist(&tx, req.intermediate_session_token.as_deref(), now)?;
    if !ist.organization_id.is_empty() {
        return Err(intermediate_sessions::wrong_org_ist());
    }
    let email = ist.grant.email.clone();
    let local = email.split('@').next().unwrap_or("member");
    let name = req
        .organization_name
        .clone()
        .unwrap_or_else(|| format!("{local}'s Organization"));
    let derived_slug = req.organization_slug.is_none();
    let mut slug = req
        .organization_slug
        .clone()
        .unwrap_or_else(|| slugify(&name));
    if derived_slug && organizations::get_org_by_slug(&tx, &slug)?.is_some() {
        let suffix: String = random_token()?
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(6)
            .collect();
        slug = format!("{slug}-{}", suffix.to_ascii_lowercase());
    }
    let settings = OrgSettings {
        organization_name: Some(name),
        organization_slug: Some(slug),
        organization_logo_url: req.organization_logo_url,
        email_allowed_domains: req.email_allowed_domains,
        email_jit_provisioning: req.email_jit_provisioning,
        email_invites: req.email_invites,
        sso_jit_provisioning: req.sso_jit_provisioning,
        auth_methods: req.auth_methods,
        allowed_auth_methods: req.allowed_auth_methods,
        mfa_policy: req.mfa_policy,
        oauth_tenant_jit_provisioning: req.oauth_tenant_jit_provisioning,
        ..OrgSettings::default()
    };
    let org = organizations::new_organization(&settings, &new_id("organization"), now)?;
    organizations::insert_org(&tx, &org)?;
    let member = members::insert_new(
        &tx,
        organizations::org_id(&org),
        &email,
        &["stytch_admin".to_string()],
        "pending",
        false,
        now,
    )?;
    intermediate_sessions::consume_ist(&tx, &ist)?;
    let fields = authentication::conclude(
        &inner,
        &tx,
        &sdk::user_agent(&headers),
        &org,
        member,
        &ist.grant,
        duration,
        now,
    )?;
    tx.commit()?;
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct ExchangeReq {
    intermediate_session_token: Option<String>,
    organization_id: String,
    session_duration_minutes: Option<i64>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/discovery/intermediate_sessions/exchange` → AuthResp WithMFA. Enters an
/// organization where the email has a member, or joins one by email domain; consumes the IST.
async fn exchange(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ExchangeReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let ist = intermediate_sessions::load_ist(&tx, req.intermediate_session_token.as_deref(), now)?;
    let org = organizations::get_org(&tx, &req.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    if !ist.organization_id.is_empty() && ist.organization_id != organizations::org_id(&org) {
        return Err(intermediate_sessions::wrong_org_ist());
    }
    let email = ist.grant.email.clone();
    let member = match members::find_member(&tx, organizations::org_id(&org), &email)? {
        Some(m) if m.status() != "deleted" => m,
        Some(_) => return Err(intermediate_sessions::wrong_org_ist()),
        None if provisioning::eligible_by_domain(&tx, &org, &email)? => members::insert_new(
            &tx,
            organizations::org_id(&org),
            &email,
            &[],
            "pending",
            false,
            now,
        )?,
        None => return Err(intermediate_sessions::wrong_org_ist()),
    };
    intermediate_sessions::consume_ist(&tx, &ist)?;
    let fields = authentication::conclude(
        &inner,
        &tx,
        &sdk::user_agent(&headers),
        &org,
        member,
        &ist.grant,
        duration,
        now,
    )?;
    tx.commit()?;
    Ok(ok(fields))
}
