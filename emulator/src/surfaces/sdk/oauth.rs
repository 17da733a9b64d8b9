//! OAuth (`stytch.oauth`): the authenticate calls that take the token an OAuth callback
//! redirected with, and Google One Tap's start and submits. Rules (email trust, JIT, `provider_values`) are in `domain::oauth`.
//!
//! | call | path |
//! |---|---|
//! | authenticate | POST `/b2b/oauth/authenticate` |
//! | discovery.authenticate | POST `/b2b/oauth/discovery/authenticate` |
//! | googleOneTap.start | GET `/b2b/oauth/google/onetap/start` |
//! | googleOneTap submit | POST `/b2b/oauth/google/onetap/submit` |
//! | googleOneTap.discovery submit | POST `/b2b/oauth/google/onetap/discovery/submit` |

use crate::Inner;
use crate::domain::authentication;
use crate::domain::discovery;
use crate::domain::idp;
use crate::domain::idp::Flow;
use crate::domain::idp::FlowKind;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::members;
use crate::domain::oauth;
use crate::domain::one_time_tokens::Kind;
use crate::domain::organizations;
use crate::domain::pkce;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::sdk;
use crate::surfaces::sdk::ok;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/sdk/v1/b2b/oauth/authenticate", post(authenticate))
        .route(
            "/sdk/v1/b2b/oauth/discovery/authenticate",
            post(discovery_authenticate),
        )
        .route("/sdk/v1/b2b/oauth/google/onetap/start", get(onetap_start))
        .route(
            "/sdk/v1/b2b/oauth/google/onetap/submit",
            post(onetap_submit),
        )
        .route(
            "/sdk/v1/b2b/oauth/google/onetap/discovery/submit",
            post(onetap_discovery_submit),
        )
}

#[derive(Deserialize)]
struct AuthenticateReq {
    oauth_token: String,
    session_duration_minutes: Option<i64>,
    pkce_code_verifier: Option<String>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/oauth/authenticate` → a session, or an IST with `primary_required` (a provider
/// that does not prove the email) or `mfa_required`, plus `provider_subject`, `provider_type` and
/// `provider_values`.
async fn authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let taken = oauth::take_token(
        &tx,
        Kind::Oauth,
        &req.oauth_token,
        req.pkce_code_verifier.as_deref(),
        now,
    )?;
    let member =
        members::get_member(&tx, &taken.member_id)?.ok_or_else(ApiError::member_not_found)?;
    let org = organizations::get_org(&tx, &taken.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let g = &taken.grant;
    authentication::check_auth_method(&org, Some(&member), &format!("{}_oauth", g.provider))?;
    let mut factors = authentication::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    authentication::merge_factor(&mut factors, oauth::factor(g, &member.email_id, now));
    let grant = Grant {
        email: member.email().to_string(),
        factors,
        email_verified: g.email_verified,
        password_member_ids: Vec::new(),
    };
    let mut fields = authentication::conclude(
        &inner,
        &tx,
        &sdk::user_agent(&headers),
        &org,
        member,
        &grant,
        duration,
        now,
    )?;
    tx.commit()?;
    if let Some(o) = fields.as_object_mut() {
        o.insert("provider_subject".into(), json!(g.provider_subject));
        o.insert(
            "provider_type".into(),
            json!(oauth::provider_type(&g.provider)),
        );
        o.insert("provider_values".into(), g.provider_values.clone());
        o.insert("reset_sessions".into(), json!(false));
    }
    Ok(ok(fields))
}

#[derive(Deserialize)]
struct DiscoveryAuthenticateReq {
    discovery_oauth_token: String,
    pkce_code_verifier: Option<String>,
}

/// `POST /sdk/v1/b2b/oauth/discovery/authenticate` → a discovery IST and the organizations.
async fn discovery_authenticate(
    State(inner): St,
    JsonBody(req): JsonBody<DiscoveryAuthenticateReq>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let taken = oauth::take_token(
        &tx,
        Kind::DiscoveryOauth,
        &req.discovery_oauth_token,
        req.pkce_code_verifier.as_deref(),
        now,
    )?;
    let email_id = discovery::discovery_email_id(&taken.email);
    let grant = Grant {
        email: taken.email.clone(),
        factors: vec![oauth::factor(&taken.grant, &email_id, now)],
        email_verified: taken.grant.email_verified,
        password_member_ids: Vec::new(),
    };
    let fields = discovery::discovery_response(&tx, &grant, now)?;
    tx.commit()?;
    Ok(ok(fields))
}

/// `GET /sdk/v1/b2b/oauth/google/onetap/start` → `{google_client_id}`.
async fn onetap_start(State(inner): St) -> Response {
    ok(json!({ "google_client_id": oauth::google_client_id(&inner) }))
}

#[derive(Deserialize)]
struct OnetapSubmitReq {
    id_token: String,
    organization_id: String,
    login_redirect_url: Option<String>,
    signup_redirect_url: Option<String>,
    pkce_code_challenge: Option<String>,
}

fn google_flow(inner: &Inner, challenge: Option<String>) -> ApiResult<Flow> {
    Ok(Flow {
        provider: "google".to_owned(),
        pkce_challenge: pkce::pkce_challenge_param(challenge, inner.seed.pkce_required_for_oauth)?,
        scopes: oauth::default_scopes("google")
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..Flow::default()
    })
}

/// `POST /sdk/v1/b2b/oauth/google/onetap/submit` → `{redirect_url}` with the `oauth` token.
async fn onetap_submit(
    State(inner): St,
    JsonBody(req): JsonBody<OnetapSubmitReq>,
) -> ApiResult<Response> {
    let now = inner.now();
    let identity = oauth::identity_from_google_id_token(&inner, &req.id_token, now)?;
    let mut flow = google_flow(&inner, req.pkce_code_challenge)?;
    flow.kind = Some(FlowKind::Oauth);
    flow.login_redirect_url = idp::allowed_redirect(
        &inner.seed,
        req.login_redirect_url.as_deref(),
        ErrorType::NoMatchForProvidedOauthUrl,
        ErrorType::NoLoginRedirectUrlsSet,
    )?;
    flow.signup_redirect_url = idp::allowed_redirect(
        &inner.seed,
        req.signup_redirect_url.as_deref(),
        ErrorType::NoMatchForProvidedOauthUrl,
        ErrorType::NoSignupRedirectUrlsSet,
    )?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org = organizations::get_org(&tx, &req.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    flow.organization_id = organizations::org_id(&org).to_owned();
    let done = oauth::complete(&inner, &tx, &flow, &identity, now)?;
    tx.commit()?;
    Ok(ok(json!({ "redirect_url": done.redirect_url })))
}

#[derive(Deserialize)]
struct OnetapDiscoverySubmitReq {
    id_token: String,
    discovery_redirect_url: Option<String>,
    pkce_code_challenge: Option<String>,
}

/// `POST /sdk/v1/b2b/oauth/google/onetap/discovery/submit` → `{redirect_url}` with the
/// `discovery_oauth` token.
async fn onetap_discovery_submit(
    State(inner): St,
    JsonBody(req): JsonBody<OnetapDiscoverySubmitReq>,
) -> ApiResult<Response> {
    let now = inner.now();
    let identity = oauth::identity_from_google_id_token(&inner, &req.id_token, now)?;
    let mut flow = google_flow(&inner, req.pkce_code_challenge)?;
    flow.kind = Some(FlowKind::DiscoveryOauth);
    flow.discovery_redirect_url = idp::allowed_redirect(
        &inner.seed,
        req.discovery_redirect_url.as_deref(),
        ErrorType::NoMatchForProvidedOauthUrl,
        ErrorType::NoDiscoveryRedirectUrlsSet,
    )?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let done = oauth::complete(&inner, &tx, &flow, &identity, now)?;
    tx.commit()?;
    Ok(ok(json!({ "redirect_url": done.redirect_url })))
}
