//! Discovery: magic-link discovery, `discovery/organizations` (list and create),
//! `discovery/intermediate_sessions/exchange` and `sessions/exchange`.
//!
//! Decisions where the references are silent (see also `flow`):
//! * discovery magic links: `discovery_expiration_minutes` default 60, 5..=10080; the link is
//!   `<discovery_redirect_url>?stytch_token_type=discovery&token=…` (message kind
//!   `magic_link_discovery`); PKCE like org magic links (`pkce_required_for_email_magic_links`);
//! * `discovery/organizations` with an IST in the body lists all membership types; without one
//!   it uses the session of the Basic header and lists only active, pending and invited
//!   memberships; with neither → 401 `unauthorized_credentials`;
//! * `discovery/organizations/create`: the name defaults to "<local part>'s Organization" and the
//!   slug to a slug of the name (a random suffix is added when that derived slug is taken; an
//!   explicit taken slug → 400 `organization_slug_already_used`). The creator gets
//!   `stytch_admin`. An IST whose factor did not verify the email still creates the
//!   organization; the creator is then `pending` and the answer carries `primary_required`;
//! * `sessions/exchange` can enter an organization where the email already has an active,
//!   pending or invited member; any other organization → 404 `member_not_found` (it cannot JIT
//!   by domain, semantics §3.4). The original session stays valid.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Inner;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::flow::{self, Grant, St, ok};
use crate::models;
use crate::seed::OrgSettings;
use crate::session;
use crate::store::{self, Message};
use crate::util::{hash_token, new_id, normalize_email, random_token, slugify};

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/sdk/v1/b2b/magic_links/email/discovery/send",
            post(eml_discovery_send),
        )
        .route(
            "/sdk/v1/b2b/magic_links/discovery/authenticate",
            post(eml_discovery_authenticate),
        )
        .route("/sdk/v1/b2b/discovery/organizations", post(list))
        .route("/sdk/v1/b2b/discovery/organizations/create", post(create))
        .route(
            "/sdk/v1/b2b/discovery/intermediate_sessions/exchange",
            post(exchange),
        )
        .route("/sdk/v1/b2b/sessions/exchange", post(session_exchange))
}

#[derive(Deserialize)]
struct EmlDiscoverySendReq {
    email_address: String,
    discovery_redirect_url: Option<String>,
    #[allow(dead_code)]
    login_template_id: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
    discovery_expiration_minutes: Option<i64>,
    pkce_code_challenge: Option<String>,
}

/// `POST /sdk/v1/b2b/magic_links/email/discovery/send` → `{}`.
async fn eml_discovery_send(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<EmlDiscoverySendReq>,
) -> ApiResult<Response> {
    flow::sdk_auth(&inner, &headers)?;
    let email = normalize_email(&req.email_address)?;
    let url = flow::redirect_url(
        &inner,
        req.discovery_redirect_url.as_deref(),
        "no_discovery_redirect_urls_set",
    )?;
    let minutes = flow::expiration(req.discovery_expiration_minutes, 60, 5, 10_080)?;
    let challenge = flow::pkce_challenge_param(
        req.pkce_code_challenge,
        inner.seed.pkce_required_for_email_magic_links,
    )?;
    let now = inner.now();
    let token = random_token()?;
    let link = flow::link(&url, "discovery", &token);
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO discovery_magic_links (token_hash, email, pkce_challenge, expires_at, used, created_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5)",
        params![hash_token(&token), email, challenge, now + minutes * 60, now],
    )?;
    let body = format!(
        "Click the link below to find your organizations:\n\n{link}\n\nThis link expires in {minutes} minutes and can be used once."
    );
    store::insert_message(
        &tx,
        &Message {
            to: &email,
            kind: "magic_link_discovery",
            subject: "Log in to your organizations",
            body: &body,
            link: Some(&link),
            token: Some(&token),
            code: None,
        },
        now,
    )?;
    tx.commit()?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
struct EmlDiscoveryAuthReq {
    discovery_magic_links_token: String,
    pkce_code_verifier: Option<String>,
}

/// `POST /sdk/v1/b2b/magic_links/discovery/authenticate` → DiscoveryAuthResp. Unknown token →
/// 404 `magic_link_not_found`; used or expired → 401 `unable_to_auth_magic_link`; PKCE errors
/// as for org magic links (the token is not consumed).
async fn eml_discovery_authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<EmlDiscoveryAuthReq>,
) -> ApiResult<Response> {
    flow::sdk_auth(&inner, &headers)?;
    let now = inner.now();
    let hash = hash_token(&req.discovery_magic_links_token);
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let row: Option<(String, Option<String>, i64, i64)> = tx
        .query_row(
            "SELECT email, pkce_challenge, expires_at, used FROM discovery_magic_links WHERE token_hash = ?1",
            [&hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (email, challenge, expires_at, used) = row.ok_or_else(|| {
        ApiError::new(
            404,
            "magic_link_not_found",
            "The magic link could not be found.",
        )
    })?;
    let unable = || {
        ApiError::new(
            401,
            "unable_to_auth_magic_link",
            "The magic link could not be authenticated because it was either already used or expired. Send another magic link to this user.",
        )
    };
    if used != 0 || expires_at <= now {
        return Err(unable());
    }
    flow::pkce_verify(challenge.as_deref(), req.pkce_code_verifier.as_deref())?;
    if tx.execute(
        "UPDATE discovery_magic_links SET used = 1 WHERE token_hash = ?1 AND used = 0",
        [&hash],
    )? != 1
    {
        return Err(unable());
    }
    let grant = Grant {
        email: email.clone(),
        factors: vec![flow::email_factor(
            "magic_link",
            "email",
            &flow::discovery_email_id(&email),
            &email,
            now,
        )],
        email_verified: true,
        password_member_ids: Vec::new(),
    };
    let fields = flow::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct ListReq {
    intermediate_session_token: Option<String>,
}

/// `POST /sdk/v1/b2b/discovery/organizations` → `{email_address, discovered_organizations,
/// organization_id_hint}`. Does not consume the IST.
async fn list(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ListReq>,
) -> ApiResult<Response> {
    let has_session = flow::sdk_auth(&inner, &headers)?.is_some();
    let now = inner.now();
    let conn = inner.conn();
    let ist = req.intermediate_session_token.filter(|t| !t.is_empty());
    let (grant, include_eligible) = match ist {
        Some(t) => (flow::load_ist(&conn, Some(&t), now)?.grant, true),
        None if has_session => {
            let (row, _) = flow::require_session(&inner, &conn, &headers)?;
            let (member, _) = session::load_owner(&conn, &row)?;
            (flow::session_grant(&row, &member), false)
        }
        None => return Err(ApiError::unauthorized()),
    };
    let orgs = flow::discovered_organizations(&conn, &grant, include_eligible)?;
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
    flow::sdk_auth(&inner, &headers)?;
    let duration = session::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let ist = flow::load_ist(&tx, req.intermediate_session_token.as_deref(), now)?;
    if !ist.organization_id.is_empty() {
        return Err(flow::wrong_org_ist());
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
    if derived_slug && store::get_org_by_slug(&tx, &slug)?.is_some() {
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
    let org = models::new_organization(&settings, &new_id("organization"), now)?;
    store::insert_org(&tx, &org)?;
    let member = flow::insert_member(
        &tx,
        flow::org_id(&org),
        &email,
        &["stytch_admin".to_string()],
        "pending",
        false,
        now,
    )?;
    flow::consume_ist(&tx, &ist)?;
    let fields = flow::conclude(
        &inner, &tx, &headers, &org, member, &ist.grant, duration, now,
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
    flow::sdk_auth(&inner, &headers)?;
    let duration = session::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let ist = flow::load_ist(&tx, req.intermediate_session_token.as_deref(), now)?;
    let org =
        store::get_org(&tx, &req.organization_id)?.ok_or_else(ApiError::organization_not_found)?;
    if !ist.organization_id.is_empty() && ist.organization_id != flow::org_id(&org) {
        return Err(flow::wrong_org_ist());
    }
    let email = ist.grant.email.clone();
    let member = match store::find_member(&tx, flow::org_id(&org), &email)? {
        Some(m) if m.status() != "deleted" => m,
        Some(_) => return Err(flow::wrong_org_ist()),
        None if flow::eligible_by_domain(&tx, &org, &email)? => {
            flow::insert_member(&tx, flow::org_id(&org), &email, &[], "pending", false, now)?
        }
        None => return Err(flow::wrong_org_ist()),
    };
    flow::consume_ist(&tx, &ist)?;
    let fields = flow::conclude(
        &inner, &tx, &headers, &org, member, &ist.grant, duration, now,
    )?;
    tx.commit()?;
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct SessionExchangeReq {
    organization_id: String,
    session_duration_minutes: Option<i64>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/sessions/exchange` → AuthResp WithMFA: the session's member moves into
/// another organization of the same email.
async fn session_exchange(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SessionExchangeReq>,
) -> ApiResult<Response> {
    let duration = session::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (row, _) = flow::require_session(&inner, &tx, &headers)?;
    let (current, _) = session::load_owner(&tx, &row)?;
    let org =
        store::get_org(&tx, &req.organization_id)?.ok_or_else(ApiError::organization_not_found)?;
    let member = store::find_member(&tx, flow::org_id(&org), current.email())?
        .filter(|m| m.status() != "deleted")
        .ok_or_else(ApiError::member_not_found)?;
    let grant = flow::session_grant(&row, &current);
    let fields = flow::conclude(&inner, &tx, &headers, &org, member, &grant, duration, now)?;
    tx.commit()?;
    Ok(ok(fields))
}
