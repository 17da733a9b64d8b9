//! The SCIM 2.0 service provider at a SCIM connection's `base_url`,
//! `/v1/b2b/scim/{connection_id}/…` (RFC 7644), as an identity provider (Okta, Entra, any SCIM
//! client) calls it:
//!
//! | path | methods |
//! |---|---|
//! | `/ServiceProviderConfig` | GET |
//! | `/ResourceTypes`, `/ResourceTypes/{name}` | GET |
//! | `/Schemas`, `/Schemas/{id}` | GET |
//! | `/Users`, `/Groups` | GET (`filter`, `startIndex`, `count`, `attributes`, `excludedAttributes`), POST |
//! | `/Users/.search`, `/Groups/.search`, `/.search` | POST (a `SearchRequest`) |
//! | `/Users/{id}`, `/Groups/{id}` | GET (`attributes`, `excludedAttributes`), PUT, PATCH, DELETE |
//!
//! Every call needs `Authorization: Bearer {token}` with the connection's current token or, during
//! a rotation, the next one. Answers are `application/scim+json`; bodies may be sent as
//! `application/scim+json` or `application/json` (another declared type is 415). Every error on
//! this surface, an unknown path or a wrong method included, is an RFC 7644 error body
//! `{schemas, status, scimType?, detail}`, never Stytch's error JSON. Resource rules are in
//! `domain::scim_provisioning`.

use crate::Inner;
use crate::domain::organizations;
use crate::domain::scim;
use crate::domain::scim_provisioning as sp;
use crate::domain::scim_provisioning::Ctx;
use crate::domain::scim_provisioning::Page;
use crate::domain::scim_provisioning::Projection;
use crate::domain::scim_provisioning::ScimError;
use crate::domain::scim_provisioning::ScimResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::routing::any;
use axum::routing::get;
use axum::routing::post;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

const BASE: &str = "/v1/b2b/scim/{connection_id}";
const SCIM_JSON: &str = "application/scim+json";

pub fn routes() -> Router<Arc<Inner>> {
    let r = |m: MethodRouter<Arc<Inner>>| m.fallback(method_not_allowed);
    let at = |p: &str| format!("{BASE}{p}");
    Router::new()
        .route(
            &at("/ServiceProviderConfig"),
            r(get(service_provider_config)),
        )
        .route(&at("/ResourceTypes"), r(get(resource_types)))
        .route(&at("/ResourceTypes/{name}"), r(get(resource_type)))
        .route(&at("/Schemas"), r(get(schemas)))
        .route(&at("/Schemas/{id}"), r(get(schema)))
        .route(&at("/.search"), r(post(search_all)))
        .route(&at("/Users"), r(get(list_users).post(create_user)))
        .route(&at("/Users/.search"), r(post(search_users)))
        .route(
            &at("/Users/{id}"),
            r(get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user)),
        )
        .route(&at("/Groups"), r(get(list_groups).post(create_group)))
        .route(&at("/Groups/.search"), r(post(search_groups)))
        .route(
            &at("/Groups/{id}"),
            r(get(get_group)
                .put(replace_group)
                .patch(patch_group)
                .delete(delete_group)),
        )
        .route(BASE, any(not_found))
        .route(&at("/{*rest}"), any(not_found))
}

// ------------------------------------------------------------------ answers

fn answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON))],
        body.to_string(),
    )
        .into_response()
}

fn error_response(e: ScimError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = answer(status, &e.body());
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"SCIM\""),
        );
    }
    r
}

/// Is `path` under a SCIM connection's `base_url` (`/v1/b2b/scim/{connection_id}/…`)?
pub fn is_scim_path(path: &str) -> bool {
    path.strip_prefix("/v1/b2b/scim/")
        .is_some_and(|rest| !rest.is_empty())
}

/// A request refused before routing (see `infra::http::guard`), as a SCIM error.
pub fn refused(e: crate::error::ApiError) -> Response {
    error_response(ScimError::from(e))
}

async fn not_found(uri: axum::http::Uri) -> Response {
    error_response(ScimError::not_found(format!(
        "No SCIM endpoint at {}.",
        uri.path()
    )))
}

async fn method_not_allowed() -> Response {
    error_response(ScimError::new(
        405,
        None,
        "The HTTP method is not supported for this SCIM endpoint.",
    ))
}

fn unauthorized() -> ScimError {
    ScimError::new(
        401,
        None,
        "A valid bearer token for this SCIM connection is required.",
    )
}

// ------------------------------------------------------------------ requests

fn bearer(headers: &HeaderMap) -> ScimResult<&str> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unauthorized)?;
    let (scheme, token) = raw.trim().split_once(' ').ok_or_else(unauthorized)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(unauthorized());
    }
    Ok(token)
}

/// Authenticates the call, runs `f` in one transaction and answers its result or its error.
fn run(
    inner: &Inner,
    headers: &HeaderMap,
    connection_id: &str,
    f: impl FnOnce(&Ctx<'_>) -> ScimResult<Response>,
) -> Response {
    let go = || -> ScimResult<Response> {
        let token = bearer(headers)?;
        let now = inner.now();
        let mut conn = inner.conn();
        let tx = conn.transaction()?;
        let connection =
            scim::authenticate_bearer(&tx, connection_id, token, now).map_err(|e| {
                if e.error_type == ErrorType::UnauthorizedCredentials {
                    unauthorized()
                } else {
                    ScimError::from(e)
                }
            })?;
        let org =
            organizations::get_org(&tx, connection.organization_id())?.ok_or_else(unauthorized)?;
        let ctx = Ctx {
            conn: &tx,
            connection,
            org,
            now,
        };
        let out = f(&ctx)?;
        drop(ctx);
        tx.commit()?;
        Ok(out)
    };
    go().unwrap_or_else(error_response)
}

type Body = Result<Bytes, BytesRejection>;

fn body_json(headers: &HeaderMap, body: &Body) -> ScimResult<Value> {
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("");
        let essence = ct.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case(SCIM_JSON)
            && !essence.eq_ignore_ascii_case("application/json")
        {
            return Err(ScimError::new(
                415,
                None,
                "Send the body as application/scim+json or application/json.",
            ));
        }
    }
    let body = body.as_ref().map_err(|e| {
        ScimError::new(
            e.status().as_u16(),
            Some("invalidSyntax"),
            "The body could not be read.",
        )
    })?;
    serde_json::from_slice(body)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("The body is not JSON: {e}")))
}

type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What a list (or `.search`) asks for.
struct ListQuery {
    filter: Option<scim_v2::filter::Filter>,
    page: Page,
    projection: Projection,
}

fn query_of(q: Params) -> ScimResult<Vec<(String, String)>> {
    q.map(|Query(q)| q)
        .map_err(|_| ScimError::bad("invalidSyntax", "The query string is not valid."))
}

/// `attributes` and `excludedAttributes` of a query string.
fn projection(q: &[(String, String)]) -> Projection {
    Projection::parse(param(q, "attributes"), param(q, "excludedAttributes"))
}

/// `filter`, `startIndex`, `count` and the projection, from a query string.
fn list_query(q: &[(String, String)]) -> ScimResult<ListQuery> {
    let int = |name: &str| -> ScimResult<Option<i64>> {
        param(q, name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    ScimError::bad("invalidValue", format!("{name} must be an integer."))
                })
            })
            .transpose()
    };
    build_query(
        param(q, "filter"),
        int("startIndex")?,
        int("count")?,
        projection(q),
    )
}

/// `startIndex` below 1 counts as 1; `count` below 0 as 0, above `maxResults` as `maxResults`.
fn build_query(
    filter: Option<&str>,
    start_index: Option<i64>,
    count: Option<i64>,
    projection: Projection,
) -> ScimResult<ListQuery> {
    let start_index = start_index.unwrap_or(1).max(1);
    let count = count
        .unwrap_or(sp::MAX_RESULTS as i64)
        .clamp(0, sp::MAX_RESULTS as i64);
    let filter = filter
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(sp::parse_filter)
        .transpose()?;
    Ok(ListQuery {
        filter,
        page: Page {
            start_index: usize::try_from(start_index).unwrap_or(usize::MAX),
            count: usize::try_from(count).unwrap_or(0),
        },
        projection,
    })
}

/// A `SearchRequest` body (RFC 7644 §3.4.3): the list query sent by POST.
fn search_query(body: &Value) -> ScimResult<ListQuery> {
    let names = |k: &str| -> ScimResult<Option<String>> {
        match &body[k] {
            Value::Null => Ok(None),
            Value::Array(a) => Ok(Some(
                a.iter()
                    .map(|v| {
                        v.as_str().map(str::to_owned).ok_or_else(|| {
                            ScimError::bad("invalidValue", format!("{k} must list strings."))
                        })
                    })
                    .collect::<ScimResult<Vec<_>>>()?
                    .join(","),
            )),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(ScimError::bad(
                "invalidValue",
                format!("{k} must list strings."),
            )),
        }
    };
    let int = |k: &str| -> ScimResult<Option<i64>> {
        match &body[k] {
            Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| ScimError::bad("invalidValue", format!("{k} must be an integer."))),
        }
    };
    let filter = match &body["filter"] {
        Value::Null => None,
        Value::String(f) => Some(f.as_str()),
        _ => return Err(ScimError::bad("invalidFilter", "filter must be a string.")),
    };
    let attributes = names("attributes")?;
    let excluded = names("excludedAttributes")?;
    build_query(
        filter,
        int("startIndex")?,
        int("count")?,
        Projection::parse(attributes.as_deref(), excluded.as_deref()),
    )
}

fn listed(all: Vec<Value>, q: &ListQuery) -> Response {
    ok(&sp::list_response(all, q.page, &q.projection))
}

fn path_of<T>(p: Result<Path<T>, PathRejection>) -> ScimResult<T> {
    p.map(|Path(v)| v)
        .map_err(|_| ScimError::bad("invalidSyntax", "The path is not valid."))
}

fn created(resource: &Value) -> Response {
    let mut r = answer(StatusCode::CREATED, resource);
    if let Some(loc) = resource["meta"]["location"]
        .as_str()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        r.headers_mut().insert(header::LOCATION, loc);
    }
    r
}

fn ok(body: &Value) -> Response {
    answer(StatusCode::OK, body)
}

fn list(resources: Vec<Value>) -> Value {
    json!({
        "schemas": [sp::LIST_SCHEMA],
        "totalResults": resources.len(),
        "startIndex": 1,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

// ------------------------------------------------------------------ discovery

async fn service_provider_config(
    State(inner): St,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&sp::service_provider_config(ctx.base())))
    })
}

async fn resource_types(
    State(inner): St,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&list(sp::resource_types(ctx.base()))))
    })
}

async fn resource_type(
    State(inner): St,
    headers: HeaderMap,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (cid, name) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        sp::resource_types(ctx.base())
            .into_iter()
            .find(|r| r["id"] == name.as_str())
            .map(|r| ok(&r))
            .ok_or_else(|| ScimError::not_found(format!("No ResourceType {name}.")))
    })
}

async fn schemas(
    State(inner): St,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&list(sp::schemas(ctx.base())?)))
    })
}

async fn schema(
    State(inner): St,
    headers: HeaderMap,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        sp::schemas(ctx.base())?
            .into_iter()
            .find(|s| s["id"] == id.as_str())
            .map(|s| ok(&s))
            .ok_or_else(|| ScimError::not_found(format!("No Schema {id}.")))
    })
}

// ------------------------------------------------------------------ resources

async fn list_users(State(inner): St, headers: HeaderMap, p: One, q: Params) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let q = list_query(&query_of(q)?)?;
        Ok(listed(sp::find_users(ctx, q.filter.as_ref())?, &q))
    })
}

async fn search_users(State(inner): St, headers: HeaderMap, p: One, body: Body) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let q = search_query(&body_json(&headers, &body)?)?;
        Ok(listed(sp::find_users(ctx, q.filter.as_ref())?, &q))
    })
}

/// `POST /.search`: Users and Groups alike.
async fn search_all(State(inner): St, headers: HeaderMap, p: One, body: Body) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let q = search_query(&body_json(&headers, &body)?)?;
        let mut all = sp::find_users(ctx, q.filter.as_ref())?;
        all.extend(sp::find_groups(ctx, q.filter.as_ref())?);
        Ok(listed(all, &q))
    })
}

async fn list_groups(State(inner): St, headers: HeaderMap, p: One, q: Params) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let q = list_query(&query_of(q)?)?;
        Ok(listed(sp::find_groups(ctx, q.filter.as_ref())?, &q))
    })
}

async fn search_groups(State(inner): St, headers: HeaderMap, p: One, body: Body) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let q = search_query(&body_json(&headers, &body)?)?;
        Ok(listed(sp::find_groups(ctx, q.filter.as_ref())?, &q))
    })
}

type One = Result<Path<String>, PathRejection>;
type Two = Result<Path<(String, String)>, PathRejection>;

async fn create_user(State(inner): St, headers: HeaderMap, p: One, body: Body) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(created(&sp::create_user(ctx, body_json(&headers, &body)?)?))
    })
}

async fn get_user(State(inner): St, headers: HeaderMap, p: Two, q: Params) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let projection = projection(&query_of(q)?);
        Ok(ok(&projection.apply(sp::get_user(ctx, &id)?)))
    })
}

async fn replace_user(State(inner): St, headers: HeaderMap, p: Two, body: Body) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&sp::replace_user(
            ctx,
            &id,
            body_json(&headers, &body)?,
        )?))
    })
}

async fn patch_user(State(inner): St, headers: HeaderMap, p: Two, body: Body) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&sp::patch_user(ctx, &id, body_json(&headers, &body)?)?))
    })
}

async fn delete_user(State(inner): St, headers: HeaderMap, p: Two) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        sp::delete_user(ctx, &id)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

async fn create_group(State(inner): St, headers: HeaderMap, p: One, body: Body) -> Response {
    let cid = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(created(&sp::create_group(
            ctx,
            body_json(&headers, &body)?,
        )?))
    })
}

async fn get_group(State(inner): St, headers: HeaderMap, p: Two, q: Params) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        let projection = projection(&query_of(q)?);
        Ok(ok(&projection.apply(sp::get_group(ctx, &id)?)))
    })
}

async fn replace_group(State(inner): St, headers: HeaderMap, p: Two, body: Body) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&sp::replace_group(
            ctx,
            &id,
            body_json(&headers, &body)?,
        )?))
    })
}

async fn patch_group(State(inner): St, headers: HeaderMap, p: Two, body: Body) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        Ok(ok(&sp::patch_group(ctx, &id, body_json(&headers, &body)?)?))
    })
}

async fn delete_group(State(inner): St, headers: HeaderMap, p: Two) -> Response {
    let (cid, id) = path_of(p).unwrap_or_default();
    run(&inner, &headers, &cid, |ctx| {
        sp::delete_group(ctx, &id)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
