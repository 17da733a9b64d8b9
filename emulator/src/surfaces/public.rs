//! The browser-navigation endpoints of SSO and OAuth (no Basic auth: the browser goes there, the
//! public token travels in the query): the starts, which validate like Stytch and redirect to the
//! built-in identity provider (`surfaces::idp`) — or, for an OIDC connection with a configured IdP,
//! to that IdP's authorization endpoint (`domain::oidc_rp`) — and the callbacks the identity
//! provider returns to, which sign the member in and redirect to the app with `stytch_token_type`
//! and `token`.
//!
//! Decisions where Stytch does not document the behaviour:
//! * a start or callback that fails answers Stytch error JSON with its status (the browser shows
//!   it on the emulator's host) instead of redirecting to the app;
//! * a missing or foreign `public_token` → 401 `unauthorized_credentials`;
//! * a callback's `state` is the flow id; an unknown, expired or used one, a code that is not the
//!   flow's, or `error=access_denied` (Deny on the page) → 400 `failed_saml_response` (SAML) or
//!   `oidc_auth_code_error` (OIDC) for SSO; for OAuth an unknown or expired state → 400
//!   `oauth_invalid_state`, a used one → 400 `oauth_state_used`, Deny → 400
//!   `oauth_flow_callback_error` (`oauth_discovery_flow_callback_error` in discovery), a bad code →
//!   400 `oauth_auth_code_error`, another project's callback id → 400 `invalid_callback_id`;
//! * an OAuth provider outside google, microsoft, github, slack, hubspot → 400
//!   `invalid_oauth_provider`; `custom_scopes` (space-separated) are added to the provider's
//!   default scopes.

use crate::Inner;
use crate::domain::idp;
use crate::domain::idp::Flow;
use crate::domain::idp::FlowKind;
use crate::domain::idp::FlowProblem;
use crate::domain::oidc_rp;
use crate::domain::organizations;
use crate::domain::pkce;
use crate::domain::sso;
use crate::domain::sso_sign_in;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use crate::infra::http_client::HttpClient;
use crate::surfaces::St;
use crate::surfaces::idp::page_url;
use crate::surfaces::idp::redirect;
use crate::surfaces::sdk::sso::OwnBase;
use axum::Router;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/v1/public/sso/start", get(sso_start))
        .route("/v1/b2b/sso/callback/{connection_id}", get(sso_callback))
        .route("/v1/b2b/public/oauth/{provider}/start", get(oauth_start))
        .route(
            "/v1/b2b/public/oauth/{provider}/discovery/start",
            get(oauth_discovery_start),
        )
        .route("/v1/oauth/callback/{callback_id}", get(oauth_callback))
}

pub type Params = HashMap<String, String>;

pub fn params(q: Result<Query<Params>, QueryRejection>) -> ApiResult<Params> {
    q.map(|Query(q)| q)
        .map_err(|_| ApiError::bad_request("Invalid query string."))
}

fn param<'a>(q: &'a Params, k: &str) -> Option<&'a str> {
    q.get(k).map(String::as_str).filter(|s| !s.is_empty())
}

pub fn check_public_token(inner: &Inner, q: &Params) -> ApiResult<()> {
    match param(q, "public_token") {
        Some(pt) if ct_eq(pt, &inner.project.public_token) => Ok(()),
        _ => Err(ApiError::unauthorized()),
    }
}

/// `provider_<key>` parameters, without the prefix.
pub fn provider_params(q: &Params) -> BTreeMap<String, String> {
    q.iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("provider_")?.to_owned(), v.clone())))
        .collect()
}

/// `GET /v1/public/sso/start?public_token&connection_id|organization_id&…` → 302 to the identity
/// provider page.
async fn sso_start(
    State(inner): St,
    q: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let q = params(q)?;
    check_public_token(&inner, &q)?;
    let now = inner.now();
    let conn = inner.conn();
    let connection = match (param(&q, "connection_id"), param(&q, "organization_id")) {
        (None, None) => {
            return Err(ApiError::new(
                ErrorType::MissingSsoConnectionLocator,
                "Give connection_id or organization_id.",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorType::TooManySsoConnectionLocators,
                "Give either connection_id or organization_id, not both.",
            ));
        }
        (Some(id), None) => sso::get(&conn, id)?.ok_or_else(sso::connection_not_found)?,
        (None, Some(org)) => {
            let org =
                organizations::get_org(&conn, org)?.ok_or_else(ApiError::organization_not_found)?;
            sso::for_organization(&conn, &org)?
        }
    };
    let login = idp::allowed_redirect(
        &inner.seed,
        param(&q, "login_redirect_url"),
        ErrorType::NoMatchForProvidedSsoUrl,
        ErrorType::NoLoginRedirectUrlsSet,
    )?;
    let signup = idp::allowed_redirect(
        &inner.seed,
        param(&q, "signup_redirect_url"),
        ErrorType::NoMatchForProvidedSsoUrl,
        ErrorType::NoSignupRedirectUrlsSet,
    )?;
    let challenge = pkce::pkce_challenge_param(
        q.get("pkce_code_challenge").cloned(),
        inner.seed.pkce_required_for_sso,
    )?;
    let flow = Flow {
        kind: Some(FlowKind::Sso),
        connection_id: connection.id().to_owned(),
        organization_id: connection.organization_id().to_owned(),
        pkce_challenge: challenge,
        login_redirect_url: login,
        signup_redirect_url: signup,
        scopes: param(&q, "custom_scopes")
            .map(|s| {
                s.split([' ', '+'])
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        provider_params: provider_params(&q),
        ..Flow::default()
    };
    if oidc_rp::configured(&connection) {
        let rp = oidc_rp::new_state()?;
        let flow = Flow {
            rp: Some(rp.clone()),
            ..flow
        };
        let flow_id = idp::create_flow(&conn, &flow, now)?;
        return redirect(&oidc_rp::authorization_url(&connection, &flow_id, &rp));
    }
    let flow_id = idp::create_flow(&conn, &flow, now)?;
    redirect(&page_url(&flow_id))
}

/// `GET /v1/b2b/sso/callback/{connection_id}?code&state` (or `?error&state`): the identity
/// provider's answer → 302 to the login or signup URL with the `sso` token. A configured OIDC
/// connection's code is exchanged at its IdP (`domain::oidc_rp`) with the database unlocked.
async fn sso_callback(
    State(inner): St,
    OwnBase(own_base): OwnBase,
    Path(connection_id): Path<String>,
    q: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let q = params(q)?;
    let now = inner.now();
    let state = param(&q, "state").unwrap_or("").to_owned();
    let code = param(&q, "code").unwrap_or("").to_owned();
    let (connection, flow) = {
        let mut conn = inner.conn();
        let tx = conn.transaction()?;
        let connection = sso::get(&tx, &connection_id)?.ok_or_else(sso::connection_not_found)?;
        let failed = |message: &str| callback_failed(&connection, message);
        let flow = match idp::take_flow(&tx, &state, now)? {
            Ok(f) if f.kind == Some(FlowKind::Sso) && f.connection_id == connection_id => f,
            Ok(_) | Err(FlowProblem::Unknown) => {
                return Err(failed(
                    "The identity provider's answer does not belong to a sign-in started here.",
                ));
            }
            Err(FlowProblem::Used) => {
                return Err(failed("This identity provider answer was already used."));
            }
        };
        if param(&q, "error").is_some() {
            tx.commit()?;
            return Err(failed("The identity provider refused the sign-in."));
        }
        if flow.rp.is_none() {
            let identity = idp::redeem_code(&tx, &state, &code, now)?.ok_or_else(|| {
                failed("The identity provider's code is unknown, expired or already used.")
            })?;
            let done = sso_sign_in::complete(&tx, &flow, &identity, now)?;
            tx.commit()?;
            return redirect(&done.redirect_url);
        }
        tx.commit()?;
        (connection, flow)
    };
    let rp = flow.rp.clone().unwrap_or_default();
    let http = HttpClient {
        inner: inner.clone(),
        own_base,
    };
    let identity = oidc_rp::identity(&http, &connection, &code, &rp).await?;
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let done = sso_sign_in::complete(&tx, &flow, &identity, inner.now())?;
    tx.commit()?;
    redirect(&done.redirect_url)
}

fn callback_failed(connection: &sso::SsoConnection, message: &str) -> ApiError {
    let t = if connection.kind == sso::Kind::Oidc {
        ErrorType::OidcAuthCodeError
    } else {
        ErrorType::FailedSamlResponse
    };
    ApiError::new(t, message)
}

fn oauth_provider(provider: &str) -> ApiResult<&str> {
    crate::domain::oauth::PROVIDERS
        .iter()
        .copied()
        .find(|p| *p == provider)
        .ok_or_else(|| {
            ApiError::new(
                ErrorType::InvalidOauthProvider,
                "The OAuth provider must be one of google, microsoft, github, slack, hubspot.",
            )
        })
}

fn oauth_flow_base(inner: &Inner, provider: &str, q: &Params) -> ApiResult<Flow> {
    let mut scopes: Vec<String> = crate::domain::oauth::default_scopes(provider)
        .iter()
        .map(|s| s.to_string())
        .collect();
    for s in param(q, "custom_scopes").unwrap_or("").split(' ') {
        if !s.is_empty() && !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_owned());
        }
    }
    Ok(Flow {
        provider: provider.to_owned(),
        pkce_challenge: pkce::pkce_challenge_param(
            q.get("pkce_code_challenge").cloned(),
            inner.seed.pkce_required_for_oauth,
        )?,
        scopes,
        provider_params: provider_params(q),
        ..Flow::default()
    })
}

/// `GET /v1/b2b/public/oauth/{provider}/start?public_token&organization_id|slug&…` → 302 to the
/// identity provider page.
async fn oauth_start(
    State(inner): St,
    Path(provider): Path<String>,
    q: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let q = params(q)?;
    check_public_token(&inner, &q)?;
    let provider = oauth_provider(&provider)?;
    let now = inner.now();
    let conn = inner.conn();
    let locator = match (param(&q, "organization_id"), param(&q, "slug")) {
        (None, None) => {
            return Err(ApiError::new(
                ErrorType::MissingOauthOrganizationLocator,
                "Give organization_id or slug.",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorType::TooManyOauthOrganizationLocators,
                "Give either organization_id or slug, not both.",
            ));
        }
        (Some(l), None) | (None, Some(l)) => l,
    };
    let org =
        organizations::get_org(&conn, locator)?.ok_or_else(ApiError::organization_not_found)?;
    let login = idp::allowed_redirect(
        &inner.seed,
        param(&q, "login_redirect_url"),
        ErrorType::NoMatchForProvidedOauthUrl,
        ErrorType::NoLoginRedirectUrlsSet,
    )?;
    let signup = idp::allowed_redirect(
        &inner.seed,
        param(&q, "signup_redirect_url"),
        ErrorType::NoMatchForProvidedOauthUrl,
        ErrorType::NoSignupRedirectUrlsSet,
    )?;
    let flow = Flow {
        kind: Some(FlowKind::Oauth),
        organization_id: organizations::org_id(&org).to_owned(),
        login_redirect_url: login,
        signup_redirect_url: signup,
        ..oauth_flow_base(&inner, provider, &q)?
    };
    let flow_id = idp::create_flow(&conn, &flow, now)?;
    redirect(&page_url(&flow_id))
}

/// `GET /v1/b2b/public/oauth/{provider}/discovery/start?public_token&discovery_redirect_url&…`.
async fn oauth_discovery_start(
    State(inner): St,
    Path(provider): Path<String>,
    q: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let q = params(q)?;
    check_public_token(&inner, &q)?;
    let provider = oauth_provider(&provider)?;
    let discovery = idp::allowed_redirect(
        &inner.seed,
        param(&q, "discovery_redirect_url"),
        ErrorType::NoMatchForProvidedOauthUrl,
        ErrorType::NoDiscoveryRedirectUrlsSet,
    )?;
    let flow = Flow {
        kind: Some(FlowKind::DiscoveryOauth),
        discovery_redirect_url: discovery,
        ..oauth_flow_base(&inner, provider, &q)?
    };
    let now = inner.now();
    let conn = inner.conn();
    let flow_id = idp::create_flow(&conn, &flow, now)?;
    redirect(&page_url(&flow_id))
}

/// `GET /v1/oauth/callback/{callback_id}?code&state` (or `?error&state`) → 302 to the login,
/// signup or discovery URL with the `oauth` / `discovery_oauth` token.
async fn oauth_callback(
    State(inner): St,
    Path(callback_id): Path<String>,
    q: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    if callback_id != crate::surfaces::idp::oauth_callback_id(&inner) {
        return Err(ApiError::new(
            ErrorType::InvalidCallbackId,
            "This is not this project's OAuth callback.",
        ));
    }
    let q = params(q)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let state = param(&q, "state").unwrap_or("");
    let flow = match idp::take_flow(&tx, state, now)? {
        Ok(f) if matches!(f.kind, Some(FlowKind::Oauth | FlowKind::DiscoveryOauth)) => f,
        Ok(_) | Err(FlowProblem::Unknown) => {
            return Err(ApiError::new(
                ErrorType::OauthInvalidState,
                "The OAuth state does not belong to a sign-in started here, or it has expired.",
            ));
        }
        Err(FlowProblem::Used) => {
            return Err(ApiError::new(
                ErrorType::OauthStateUsed,
                "This OAuth state was already used.",
            ));
        }
    };
    if param(&q, "error").is_some() {
        tx.commit()?;
        let t = if flow.kind == Some(FlowKind::DiscoveryOauth) {
            ErrorType::OauthDiscoveryFlowCallbackError
        } else {
            ErrorType::OauthFlowCallbackError
        };
        return Err(ApiError::new(t, "The OAuth provider refused the sign-in."));
    }
    let identity =
        idp::redeem_code(&tx, state, param(&q, "code").unwrap_or(""), now)?.ok_or_else(|| {
            ApiError::new(
                ErrorType::OauthAuthCodeError,
                "The OAuth provider's code is unknown, expired or already used.",
            )
        })?;
    let done = crate::domain::oauth::complete(&inner, &tx, &flow, &identity, now)?;
    tx.commit()?;
    redirect(&done.redirect_url)
}
