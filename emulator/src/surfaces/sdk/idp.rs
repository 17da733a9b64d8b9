//! Connected apps, the member's side (`stytch.idp` of the JS SDK): the consent page's calls.
//!
//! | call | path |
//! |---|---|
//! | oauthAuthorizeStart | POST `/idp/b2b/oauth/authorize/start` → `{client, consent_required, scope_results}` |
//! | oauthAuthorizeSubmit | POST `/idp/b2b/oauth/authorize/submit` → `{redirect_uri, authorization_code?}` |
//! | oauthLogoutStart | POST `/b2b/oauth/logout/start` → `{redirect_uri, consent_required}` |
//!
//! Authorize needs the member's session (401 / 404 as for members); logout works without one.
//! The rules are in `domain::connected_apps`.

use crate::Inner;
use crate::domain::connected_apps;
use crate::domain::connected_apps::AuthorizeReq;
use crate::domain::connected_apps::LogoutReq;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk::members::with_session;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::require_session;
use crate::surfaces::sdk::sso::OwnBase;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(
            "/sdk/v1/idp/b2b/oauth/authorize/start",
            post(authorize_start),
        )
        .route(
            "/sdk/v1/idp/b2b/oauth/authorize/submit",
            post(authorize_submit),
        )
        .route("/sdk/v1/b2b/oauth/logout/start", post(logout_start))
}

async fn authorize_start(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<AuthorizeReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        let pre = connected_apps::preflight(tx, &inner.seed, &org, actor, &req)?;
        Ok(ok(pre.answer()))
    })
}

async fn authorize_submit(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<AuthorizeReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, me, org, now| {
        let s = connected_apps::submit(tx, &inner.seed, &org, actor, me.email(), &req, now)?;
        Ok(ok(s.answer()))
    })
}

async fn logout_start(
    State(inner): St,
    caller: SdkCaller,
    OwnBase(base): OwnBase,
    JsonBody(req): JsonBody<LogoutReq>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let member = match caller.session_token {
        Some(_) => Some(require_session(&inner, &conn, &caller)?.0.member_id),
        None => None,
    };
    let (redirect_uri, consent_required) =
        connected_apps::logout_start(&conn, &inner.key, &base, member.as_deref(), &req)?;
    Ok(ok(json!({
        "redirect_uri": redirect_uri,
        "consent_required": consent_required,
    })))
}
