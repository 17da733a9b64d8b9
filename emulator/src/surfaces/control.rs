//! Surface 3: the control API `/emulator/v1/...` (no auth; CORS like the SDK).
//!
//! This is the test/dev mailbox: `GET /emulator/v1/messages` is the only place a raw
//! magic-link token ever appears. `GET /emulator/v1/organizations` (an addition) lists the
//! organizations so tests and demos can find seeded ids. `POST /emulator/v1/sessions` signs a
//! member in with one call, for tests of what comes after login. `POST
//! /emulator/v1/impersonation_tokens` mints an impersonation token and its link, as Stytch's
//! Dashboard does.

use crate::Inner;
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
