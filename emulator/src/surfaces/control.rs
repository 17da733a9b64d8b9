//! Surface 3: the control API `/emulator/v1/...` (no auth; CORS like the SDK).
//!
//! This is the test/dev mailbox: `GET /emulator/v1/messages` is the only place a raw
//! magic-link token ever appears. `GET /emulator/v1/organizations` (an addition) lists the
//! organizations so tests and demos can find seeded ids. `POST /emulator/v1/sessions` signs a
//! member in with one call, for tests of what comes after login. `POST
//! /emulator/v1/impersonation_tokens` mints an impersonation token and its link, as Stytch's
//! Dashboard does. `POST /emulator/v1/sso/tokens` (and `…/oauth/tokens`) finish an SSO (OAuth)
//! sign-in as if the identity provider page had been answered, and return the token the app would
//! have been redirected with. `POST /emulator/v1/connected_apps` creates a connected app (an OAuth
//! client of the project), as Stytch's Dashboard does.

use crate::Inner;
use crate::domain::connected_apps;
use crate::domain::impersonation;
use crate::domain::messages;
use crate::domain::organizations;
use crate::domain::sign_in;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract;
use crate::surfaces::sdk;
use axum::Json;
use axum::Router;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/emulator/v1/messages",
            get(list_messages).delete(delete_messages),
        )
        .route("/emulator/v1/reset", post(reset))
        .route("/emulator/v1/project", get(project))
        .route("/emulator/v1/health", get(health))
        .route("/emulator/v1/organizations", get(organizations))
        .route("/emulator/v1/settings", get(settings).post(update_settings))
        .route("/emulator/v1/sessions", post(sign_in))
        .route(
            "/emulator/v1/impersonation_tokens",
            post(impersonation_token),
        )
        .route("/emulator/v1/sso/tokens", post(sso_token))
        .route("/emulator/v1/oauth/tokens", post(oauth_token))
        .route("/emulator/v1/google/id_token", post(google_id_token))
        .route("/emulator/v1/connected_apps", post(create_connected_app))
}

/// `POST /emulator/v1/connected_apps`: a new OAuth client of the project (the body is a seed's
/// `connected_apps` entry), answered with its secret, the only time it is shown.
async fn create_connected_app(
    State(inner): St,
    body: extract::JsonBody<crate::seed::SeedConnectedApp>,
) -> ApiResult<Json<Value>> {
    let req = body.0;
    let client_id = req
        .client_id
        .clone()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| crate::infra::ids::new_id("connected-app"));
    let conn = inner.conn();
    let (app, secret) = connected_apps::create(&conn, &client_id, &req, inner.now())?;
    let mut out = serde_json::to_value(&app)?;
    if let Some(secret) = secret {
        out["client_secret"] = json!(secret);
    }
    Ok(Json(json!({ "connected_app": out })))
}

/// `POST /emulator/v1/impersonation_tokens`: what Stytch's Dashboard "Impersonate Member" button
/// does (see `domain::impersonation`).
async fn impersonation_token(
    State(inner): St,
    body: extract::JsonBody<impersonation::MintRequest>,
) -> ApiResult<Json<Value>> {
    Ok(Json(impersonation::mint(&inner, &body.0)?))
}

/// `POST /emulator/v1/sessions`: a member signed in with one call (see `domain::sign_in`).
async fn sign_in(
    State(inner): St,
    headers: HeaderMap,
    body: extract::JsonBody<sign_in::SignInRequest>,
) -> ApiResult<Json<Value>> {
    let answer = sign_in::sign_in(&inner, &body.0, &sdk::user_agent(&headers))?;
    Ok(Json(answer))
}

async fn list_messages(
    State(inner): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("Invalid query string."))?;
    let conn = inner.conn();
    // An unencoded `+` in `?to=+15550000000` arrives as a space: a number of digits only is a
    // phone number, stored in E.164 with its `+`.
    let to = q
        .get("to")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.chars().all(|c| c.is_ascii_digit()) {
                format!("+{s}")
            } else {
                s
            }
        });
    let messages = messages::list_messages(&conn, to.as_deref())?;
    Ok(Json(json!({ "messages": messages })))
}

async fn delete_messages(State(inner): St) -> ApiResult<Json<Value>> {
    let conn = inner.conn();
    let n = conn.execute("DELETE FROM messages", [])?;
    Ok(Json(json!({ "deleted": n })))
}

async fn reset(State(inner): St) -> ApiResult<Json<Value>> {
    inner.reset()?;
    Ok(Json(json!({ "ok": true })))
}

async fn project(State(inner): St) -> Json<Value> {
    Json(json!(inner.project))
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn organizations(State(inner): St) -> ApiResult<Json<Value>> {
    let conn = inner.conn();
    let orgs = organizations::list_orgs(&conn)?;
    Ok(Json(json!({ "organizations": orgs })))
}

/// Project settings that can change at run time (reset restores the seed's).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsUpdate {
    http_only_cookies: Option<bool>,
}

fn settings_json(inner: &Inner) -> Json<Value> {
    Json(json!({
        "http_only_cookies": inner.http_only.load(std::sync::atomic::Ordering::SeqCst)
    }))
}

async fn settings(State(inner): St) -> Json<Value> {
    settings_json(&inner)
}

async fn update_settings(State(inner): St, body: extract::JsonBody<SettingsUpdate>) -> Json<Value> {
    if let Some(v) = body.0.http_only_cookies {
        inner
            .http_only
            .store(v, std::sync::atomic::Ordering::SeqCst);
    }
    settings_json(&inner)
}

/// `POST /emulator/v1/sso/tokens`: what the identity provider page would have asserted.
#[derive(serde::Deserialize)]
struct SsoTokenRequest {
    connection_id: String,
    email_address: String,
    name: Option<String>,
    groups: Option<Vec<String>>,
    external_id: Option<String>,
    login_redirect_url: Option<String>,
    signup_redirect_url: Option<String>,
    pkce_code_challenge: Option<String>,
}

/// Runs the SSO callback's code for `connection_id` with the given identity (no page, no
/// redirects): `{token, redirect_url, member_id, organization_id, member_created}`. The redirect
/// URLs and PKCE challenge are checked as `sso/start` checks them.
async fn sso_token(
    State(inner): St,
    body: extract::JsonBody<SsoTokenRequest>,
) -> ApiResult<Json<Value>> {
    use crate::domain::idp;
    use crate::error::ErrorType;
    let req = body.0;
    let login_redirect_url = idp::allowed_redirect(
        &inner.seed,
        req.login_redirect_url.as_deref(),
        ErrorType::NoMatchForProvidedSsoUrl,
        ErrorType::NoLoginRedirectUrlsSet,
    )?;
    let signup_redirect_url = idp::allowed_redirect(
        &inner.seed,
        req.signup_redirect_url.as_deref(),
        ErrorType::NoMatchForProvidedSsoUrl,
        ErrorType::NoSignupRedirectUrlsSet,
    )?;
    let pkce_challenge = crate::domain::pkce::pkce_challenge_param(req.pkce_code_challenge, false)?;
    let flow = idp::Flow {
        kind: Some(idp::FlowKind::Sso),
        connection_id: req.connection_id,
        pkce_challenge,
        login_redirect_url,
        signup_redirect_url,
        ..idp::Flow::default()
    };
    let email = crate::domain::validation::normalize_email(&req.email_address)?;
    let identity = idp::Identity {
        subject: req
            .external_id
            .unwrap_or_else(|| idp::default_subject(flow.source(), &email)),
        email,
        name: req.name.unwrap_or_default(),
        groups: req.groups.unwrap_or_default(),
        ..idp::Identity::default()
    };
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let done = crate::domain::sso_sign_in::complete(&tx, &flow, &identity, now)?;
    tx.commit()?;
    Ok(Json(json!({
        "token": done.token,
        "redirect_url": done.redirect_url,
        "member_id": done.member_id,
        "organization_id": done.organization_id,
        "member_created": done.member_created,
    })))
}

/// `POST /emulator/v1/oauth/tokens`: what an OAuth provider would have reported.
#[derive(serde::Deserialize)]
struct OauthTokenRequest {
    provider: String,
    /// The organization (id or slug) of an org flow; absent: a discovery flow.
    organization_id: Option<String>,
    email_address: String,
    name: Option<String>,
    provider_subject: Option<String>,
    hosted_domain: Option<String>,
    tenant_id: Option<String>,
    login_redirect_url: Option<String>,
    signup_redirect_url: Option<String>,
    discovery_redirect_url: Option<String>,
    pkce_code_challenge: Option<String>,
}

/// Runs the OAuth callback's code (no page, no redirects): `{token, redirect_url, member_id,
/// organization_id, member_created}` (`discovery_oauth` token without `organization_id`). Google's
/// `hd` is taken as given (absent: a consumer account).
async fn oauth_token(
    State(inner): St,
    body: extract::JsonBody<OauthTokenRequest>,
) -> ApiResult<Json<Value>> {
    use crate::domain::idp;
    use crate::error::ErrorType;
    let req = body.0;
    let provider = crate::domain::oauth::PROVIDERS
        .iter()
        .find(|p| **p == req.provider)
        .ok_or_else(|| {
            ApiError::new(
                ErrorType::InvalidOauthProvider,
                "provider must be one of google, microsoft, github, slack, hubspot.",
            )
        })?;
    let redirect = |url: Option<&str>, missing| {
        idp::allowed_redirect(
            &inner.seed,
            url,
            ErrorType::NoMatchForProvidedOauthUrl,
            missing,
        )
    };
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let mut flow = idp::Flow {
        provider: provider.to_string(),
        pkce_challenge: crate::domain::pkce::pkce_challenge_param(req.pkce_code_challenge, false)?,
        scopes: crate::domain::oauth::default_scopes(provider)
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..idp::Flow::default()
    };
    match req.organization_id.as_deref() {
        Some(o) => {
            let org =
                organizations::get_org(&tx, o)?.ok_or_else(ApiError::organization_not_found)?;
            flow.kind = Some(idp::FlowKind::Oauth);
            flow.organization_id = organizations::org_id(&org).to_owned();
            flow.login_redirect_url = redirect(
                req.login_redirect_url.as_deref(),
                ErrorType::NoLoginRedirectUrlsSet,
            )?;
            flow.signup_redirect_url = redirect(
                req.signup_redirect_url.as_deref(),
                ErrorType::NoSignupRedirectUrlsSet,
            )?;
        }
        None => {
            flow.kind = Some(idp::FlowKind::DiscoveryOauth);
            flow.discovery_redirect_url = redirect(
                req.discovery_redirect_url.as_deref(),
                ErrorType::NoDiscoveryRedirectUrlsSet,
            )?;
        }
    }
    let email = crate::domain::validation::normalize_email(&req.email_address)?;
    let identity = idp::Identity {
        subject: req
            .provider_subject
            .unwrap_or_else(|| idp::default_subject(flow.source(), &email)),
        email,
        name: req.name.unwrap_or_default(),
        hosted_domain: req.hosted_domain.unwrap_or_default(),
        tenant_id: req.tenant_id.unwrap_or_default(),
        ..idp::Identity::default()
    };
    let done = crate::domain::oauth::complete(&inner, &tx, &flow, &identity, now)?;
    tx.commit()?;
    Ok(Json(json!({
        "token": done.token,
        "redirect_url": done.redirect_url,
        "member_id": done.member_id,
        "organization_id": done.organization_id,
        "member_created": done.member_created,
    })))
}

/// `POST /emulator/v1/google/id_token`: the credential Google One Tap would hand the page.
#[derive(serde::Deserialize)]
struct GoogleIdTokenRequest {
    email_address: String,
    name: Option<String>,
    hosted_domain: Option<String>,
    provider_subject: Option<String>,
}

/// `{id_token, google_client_id}`: an ID token for the project's One Tap client, signed as the
/// emulator's `onetap/submit` expects (no `hd` unless `hosted_domain` is given).
async fn google_id_token(
    State(inner): St,
    body: extract::JsonBody<GoogleIdTokenRequest>,
) -> ApiResult<Json<Value>> {
    use crate::domain::idp;
    let req = body.0;
    let email = crate::domain::validation::normalize_email(&req.email_address)?;
    let identity = idp::Identity {
        subject: req
            .provider_subject
            .unwrap_or_else(|| idp::default_subject("google", &email)),
        email,
        name: req.name.unwrap_or_default(),
        hosted_domain: req.hosted_domain.unwrap_or_default(),
        ..idp::Identity::default()
    };
    let id_token = crate::domain::oauth::mint_google_id_token(&inner, &identity, inner.now())?;
    Ok(Json(json!({
        "id_token": id_token,
        "google_client_id": crate::domain::oauth::google_client_id(&inner),
    })))
}
