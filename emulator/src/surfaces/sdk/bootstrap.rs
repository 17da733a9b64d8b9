//! SDK bootstrap (`GET /sdk/v1/projects/bootstrap/{public_token}`: project settings, RBAC policy)
//! and the telemetry sink `POST /sdk/v1/events` (accepted and dropped).

use crate::Inner;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::crypto::ct_eq;
use crate::surfaces::St;
use crate::surfaces::sdk::ok;
use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/sdk/v1/projects/bootstrap/{public_token}", get(bootstrap))
        .route("/sdk/v1/events", post(events))
}

async fn bootstrap(State(inner): St, Path(public_token): Path<String>) -> ApiResult<Response> {
    if !ct_eq(&public_token, &inner.project.public_token) {
        return Err(ApiError::unauthorized());
    }
    let s = &inner.seed;
    Ok(ok(json!({
        "project_name": s.project.name.clone().unwrap_or_default(),
        "disable_sdk_watermark": true,
        "cname_domain": null,
        "email_domains": ["stytch.com"],
        "captcha_settings": {"enabled": false},
        "pkce_required_for_email_magic_links": s.pkce_required_for_email_magic_links,
        "pkce_required_for_password_resets": s.pkce_required_for_password_resets,
        "pkce_required_for_oauth": s.pkce_required_for_oauth,
        "pkce_required_for_sso": s.pkce_required_for_sso,
        "slug_pattern": null,
        "create_organization_enabled": true,
        "password_config": s.password_config,
        "dfp_protected_auth_enabled": false,
        "dfp_protected_auth_mode": null,
        "rbac_policy": crate::domain::rbac::policy(s),
        "siwe_required_for_crypto_wallets": false,
        "vertical": "B2B",
    })))
}

/// Telemetry sink: accepts any body, no auth, answers `{}`.
async fn events() -> Json<Value> {
    Json(json!({}))
}
