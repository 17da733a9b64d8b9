//! SSO (`stytch.sso`): connection management for the logged-in member's organization, connection
//! discovery by email, and `sso/authenticate` (the token an SSO callback redirected with).
//!
//! | call | path | permission |
//! |---|---|---|
//! | getConnections | GET `/b2b/sso` | `stytch.sso` / `get` |
//! | deleteConnection | DELETE `/b2b/sso/{connection_id}` | `stytch.sso` / `delete` |
//! | saml/oidc/external.createConnection | POST `/b2b/sso/{saml,oidc,external}` | `stytch.sso` / `create` |
//! | saml/oidc/external.updateConnection, saml.updateConnectionByURL, saml.deleteVerificationCertificate, saml.deleteEncryptionPrivateKey | PUT/DELETE under `/b2b/sso/{saml,oidc,external}/{connection_id}` | `stytch.sso` / `update` |
//! | discoverConnections | GET `/b2b/sso/discovery/connections?email_address=` | none (public token) |
//! | authenticate | POST `/b2b/sso/authenticate` | none (the token) |
//!
//! Connection rules are in `domain::sso`. Every management call needs a session (401 / 404 as for
//! members); a connection of another organization is 404 `sso_connection_not_found`.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::oidc_rp;
use crate::domain::rbac;
use crate::domain::sessions;
use crate::domain::sso;
use crate::domain::sso_sign_in;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::infra::http_client::HttpClient;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk;
use crate::surfaces::sdk::members::with_session;
use crate::surfaces::sdk::ok;
use axum::Router;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::http::Uri;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::delete;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

const SSO: &str = "/sdk/v1/b2b/sso";

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(SSO, get(get_connections))
        .route(
            &format!("{SSO}/{{connection_id}}"),
            delete(delete_connection),
        )
        .route(&format!("{SSO}/saml"), post(saml_create))
        .route(&format!("{SSO}/saml/{{connection_id}}"), put(saml_update))
        .route(
            &format!("{SSO}/saml/{{connection_id}}/url"),
            put(saml_update_by_url),
        )
        .route(
            &format!("{SSO}/saml/{{connection_id}}/verification_certificates/{{certificate_id}}"),
            delete(saml_delete_certificate),
        )
        .route(
            &format!("{SSO}/saml/{{connection_id}}/encryption_private_key/{{private_key_id}}"),
            delete(saml_delete_encryption_key),
        )
        .route(&format!("{SSO}/oidc"), post(oidc_create))
        .route(&format!("{SSO}/oidc/{{connection_id}}"), put(oidc_update))
        .route(&format!("{SSO}/external"), post(external_create))
        .route(
            &format!("{SSO}/external/{{connection_id}}"),
            put(external_update),
        )
        .route(
            &format!("{SSO}/discovery/connections"),
            get(discover_connections),
        )
        .route(&format!("{SSO}/authenticate"), post(authenticate))
}

/// This emulator's own address as the caller reached it (`http://host:port`): the base of the
/// callback URLs a connection hands to its IdP. In-process callers that send no authority get
/// `http://localhost`.
pub fn own_base(uri: &Uri, parts_host: Option<&str>) -> String {
    let host = uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| parts_host.map(str::to_owned))
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or_else(|| "localhost".to_owned());
    format!("http://{host}")
}

/// [`own_base`] of a request.
pub struct OwnBase(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for OwnBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        Ok(OwnBase(own_base(&parts.uri, host)))
    }
}

fn sso_check(inner: &Inner, org: &Value, actor: &rbac::Actor, action: &str) -> ApiResult<()> {
    rbac::check(&inner.seed, org, Some(actor), "stytch.sso", action, false)
}

async fn get_connections(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        sso_check(&inner, &org, actor, "get")?;
        Ok(ok(sso::list_by_kind(
            tx,
            crate::domain::organizations::org_id(&org),
        )?))
    })
}

async fn delete_connection(
    State(inner): St,
    caller: SdkCaller,
    Path(connection_id): Path<String>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        sso_check(&inner, &org, actor, "delete")?;
        sso::delete(tx, &org, &connection_id)?;
        Ok(ok(json!({ "connection_id": connection_id })))
    })
}

async fn saml_create(
    State(inner): St,
    caller: SdkCaller,
    OwnBase(base): OwnBase,
    JsonBody(req): JsonBody<sso::CreateReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "create")?;
        let c = sso::create_saml(tx, &org, &req, &base, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn saml_update(
    State(inner): St,
    caller: SdkCaller,
    Path(connection_id): Path<String>,
    JsonBody(req): JsonBody<sso::SamlUpdate>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "update")?;
        let c = sso::update_saml(tx, &inner.seed, &org, &connection_id, req, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

#[derive(Deserialize)]
struct ByUrlReq {
    metadata_url: String,
}

async fn saml_update_by_url(
    State(inner): St,
    caller: SdkCaller,
    Path(connection_id): Path<String>,
    JsonBody(req): JsonBody<ByUrlReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "update")?;
        let c = sso::update_saml_by_url(tx, &org, &connection_id, &req.metadata_url, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn saml_delete_certificate(
    State(inner): St,
    caller: SdkCaller,
    Path((connection_id, certificate_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "update")?;
        sso::delete_verification_certificate(tx, &org, &connection_id, &certificate_id, now)?;
        Ok(ok(json!({ "certificate_id": certificate_id })))
    })
}

async fn saml_delete_encryption_key(
    State(inner): St,
    caller: SdkCaller,
    Path((connection_id, private_key_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "update")?;
        sso::delete_encryption_private_key(tx, &org, &connection_id, &private_key_id, now)?;
        Ok(ok(json!({ "private_key_id": private_key_id })))
    })
}

async fn oidc_create(
    State(inner): St,
    caller: SdkCaller,
    OwnBase(base): OwnBase,
    JsonBody(req): JsonBody<sso::CreateReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "create")?;
        let c = sso::create_oidc(tx, &org, &req, &base, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

/// `PUT /b2b/sso/oidc/{connection_id}`. A new issuer is looked up at its
/// `/.well-known/openid-configuration` (with the database unlocked), and the endpoints the request
/// leaves out are taken from it; when that fails, the update still applies and `warning` says why.
async fn oidc_update(
    State(inner): St,
    caller: SdkCaller,
    OwnBase(base): OwnBase,
    Path(connection_id): Path<String>,
    JsonBody(mut req): JsonBody<sso::OidcUpdate>,
) -> ApiResult<Response> {
    let current = with_session(&inner, &caller, |tx, actor, _, org, _| {
        sso_check(&inner, &org, actor, "update")?;
        let c = sso::get_in_org(tx, &org, &connection_id)?;
        if c.kind != sso::Kind::Oidc {
            return Err(sso::connection_not_found());
        }
        Ok(c.data["issuer"].as_str().unwrap_or("").to_owned())
    })?;
    let mut warning = String::new();
    if let Some(issuer) = req
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
        && issuer != current
    {
        let http = HttpClient {
            inner: inner.clone(),
            own_base: base,
        };
        match oidc_rp::discover(&http, issuer).await {
            Ok(d) => {
                for (field, found) in [
                    (&mut req.authorization_url, d.authorization_url),
                    (&mut req.token_url, d.token_url),
                    (&mut req.userinfo_url, d.userinfo_url),
                    (&mut req.jwks_url, d.jwks_url),
                ] {
                    if field.is_none() {
                        *field = found;
                    }
                }
            }
            Err(e) => warning = e,
        }
    }
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "update")?;
        let c = sso::update_oidc(tx, &org, &connection_id, req, now)?;
        Ok(ok(json!({ "connection": c, "warning": warning })))
    })
}

async fn external_create(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<sso::ExternalCreateReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "create")?;
        let c = sso::create_external(tx, &inner.seed, &org, &req, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn external_update(
    State(inner): St,
    caller: SdkCaller,
    Path(connection_id): Path<String>,
    JsonBody(req): JsonBody<sso::ExternalUpdate>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        sso_check(&inner, &org, actor, "update")?;
        let c = sso::update_external(tx, &inner.seed, &org, &connection_id, req, now)?;
        Ok(ok(json!({ "connection": c })))
    })
}

async fn discover_connections(
    State(inner): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("Invalid query string."))?;
    let email = normalize_email(q.get("email_address").map(String::as_str).unwrap_or(""))?;
    let conn = inner.conn();
    let connections = sso::discover(&conn, &email)?;
    Ok(ok(json!({ "connections": connections })))
}

#[derive(Deserialize)]
struct AuthenticateReq {
    sso_token: String,
    session_duration_minutes: Option<i64>,
    pkce_code_verifier: Option<String>,
    intermediate_session_token: Option<String>,
    #[allow(dead_code)]
    locale: Option<String>,
}

/// `POST /sdk/v1/b2b/sso/authenticate`: the token of an SSO callback → a session, or an IST with
/// `mfa_required` / `primary_required` (see `domain::sso_sign_in`).
async fn authenticate(
    State(inner): St,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AuthenticateReq>,
) -> ApiResult<Response> {
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (member, org, factor) =
        sso_sign_in::take_token(&tx, &req.sso_token, req.pkce_code_verifier.as_deref(), now)?;
    authentication::check_auth_method(&org, Some(&member), "sso")?;
    let mut factors = authentication::step_up_factors(
        &tx,
        req.intermediate_session_token.as_deref(),
        &org,
        &member,
        now,
    )?;
    authentication::merge_factor(&mut factors, factor);
    let grant = Grant {
        email: member.email().to_string(),
        factors,
        email_verified: true,
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
        o.insert("reset_session".into(), json!(false));
    }
    Ok(ok(fields))
}
