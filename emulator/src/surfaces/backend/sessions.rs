//! Surface 2: the backend API `/v1/b2b/...` (Basic `project_id:secret`, responses NOT wrapped:
//! `{request_id, status_code, ...}`).
//!
//! Decisions where Stytch does not document the behaviour:
//! * bad/missing credentials → 401 `unauthorized_credentials`;
//! * `sessions/authenticate` with a JWT: signature, `kid`, `iss` and `aud` must verify (else
//!   401 `unable_to_parse_session_jwt` / `jwt_invalid_issuer` / `jwt_invalid_audience`); an
//!   expired-but-genuine JWT is accepted while its session lives; a revoked,
//!   expired or unknown session → 404 `session_not_found`. The JWT path answers
//!   `session_token: ""` because only token hashes are stored;
//! * both `session_token` and `session_jwt` → 400 `too_many_session_arguments`, neither → 400
//!   `no_session_arguments`; revoke with several selectors → 400
//!   `too_many_session_revoke_arguments`, none → 400 `no_session_revoke_arguments`;
//! * `GET /sessions/jwks/{project_id}` for another project id → 404 `project_not_found`;
//! * org create without `organization_slug` derives one from the name; passing
//!   `stytch_member` in member `roles` → 400 `cannot_assign_default_rbac_role_id`, an unknown
//!   role → 400 `invalid_rbac_role_id`.

use crate::Inner;
use crate::domain::members;
use crate::domain::organizations;
use crate::domain::sessions;
use crate::domain::sessions::SessionRow;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::hash_token;
use crate::surfaces::St;
use crate::surfaces::backend::ok;
use crate::surfaces::extract::JsonBody;
use axum::Router;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/v1/b2b/sessions", get(sessions_get))
        .route("/v1/b2b/sessions/authenticate", post(sessions_authenticate))
        .route("/v1/b2b/sessions/revoke", post(sessions_revoke))
}

/// Routes anyone may call: the JWKS is public.
pub fn public_routes() -> Router<Arc<Inner>> {
    Router::new().route("/v1/b2b/sessions/jwks/{project_id}", get(jwks))
}

/// Resolve a JWT to its live session row.
pub(crate) fn session_from_jwt(
    inner: &Inner,
    conn: &rusqlite::Connection,
    jwt: &str,
) -> ApiResult<SessionRow> {
    let (sid, sub) = verified_session_claims(inner, jwt)?;
    let row = sessions::by_id(conn, &sid, inner.now())?.ok_or_else(ApiError::session_not_found)?;
    if sub.as_deref() != Some(row.member_id.as_str()) {
        return Err(ApiError::session_not_found());
    }
    Ok(row)
}

/// The session id and the `sub` of a session JWT whose signature, `kid`, `iss` and `aud` verify.
fn verified_session_claims(inner: &Inner, jwt: &str) -> ApiResult<(String, Option<String>)> {
    // Verification is a pure function of the JWT (the key and project are fixed and expiry is
    // not checked, see `SigningKey::verify`): a JWT verified before is not verified again.
    let claims = inner.verified_jwts.get_or_make(
        jwt,
        |_| true,
        || Ok(Arc::new(inner.key.verify(jwt, &inner.project.project_id)?)),
    )?;
    let sid = claims["https://stytch.com/session"]["id"]
        .as_str()
        .unwrap_or("");
    Ok((sid.to_owned(), claims["sub"].as_str().map(str::to_owned)))
}

pub fn nonempty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
struct SessionAuthReq {
    session_token: Option<String>,
    session_jwt: Option<String>,
    session_duration_minutes: Option<i64>,
}

async fn sessions_authenticate(
    State(inner): St,
    JsonBody(req): JsonBody<SessionAuthReq>,
) -> ApiResult<Response> {
    let extend = req
        .session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let now = inner.now();
    let (live, token) = match (nonempty(req.session_token), nonempty(req.session_jwt)) {
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorType::TooManySessionArguments,
                "Pass either session_token or session_jwt, not both.",
            ));
        }
        (None, None) => {
            return Err(ApiError::new(
                ErrorType::NoSessionArguments,
                "One of session_token or session_jwt is required.",
            ));
        }
        (Some(t), None) => {
            let live = sessions::authenticate_live(
                &inner,
                &hash_token(&t),
                |conn| sessions::by_token(conn, &t, now),
                extend,
                now,
            )?;
            (live, t)
        }
        (None, Some(j)) => {
            let (sid, sub) = verified_session_claims(&inner, &j)?;
            let of_sub = |row: &SessionRow| sub.as_deref() == Some(row.member_id.as_str());
            // Keyed apart from token hashes (64 hex digits), which never contain a colon.
            let live = sessions::authenticate_live(
                &inner,
                &format!("id:{sid}"),
                |conn| Ok(sessions::by_id(conn, &sid, now)?.filter(of_sub)),
                extend,
                now,
            )?;
            if !of_sub(&live.row) {
                return Err(ApiError::session_not_found());
            }
            (live, String::new())
        }
    };
    let answer = live.answer(&inner, &token)?;
    Ok(crate::surfaces::json_response(&answer, answer.size_hint()))
}

#[derive(Deserialize)]
struct RevokeReq {
    member_session_id: Option<String>,
    session_token: Option<String>,
    session_jwt: Option<String>,
    member_id: Option<String>,
}

async fn sessions_revoke(
    State(inner): St,
    JsonBody(req): JsonBody<RevokeReq>,
) -> ApiResult<Response> {
    let sel = [
        nonempty(req.member_session_id),
        nonempty(req.session_token),
        nonempty(req.session_jwt),
        nonempty(req.member_id),
    ];
    let count = sel.iter().filter(|s| s.is_some()).count();
    if count == 0 {
        return Err(ApiError::new(
            ErrorType::NoSessionRevokeArguments,
            "One of member_session_id, session_token, session_jwt or member_id is required.",
        ));
    }
    if count > 1 {
        return Err(ApiError::new(
            ErrorType::TooManySessionRevokeArguments,
            "Pass exactly one of member_session_id, session_token, session_jwt or member_id.",
        ));
    }
    let now = inner.now();
    let conn = inner.conn();
    let [sid, tok, jwt, mid] = sel;
    if let Some(sid) = sid {
        let row = sessions::by_id(&conn, &sid, now)?.ok_or_else(ApiError::session_not_found)?;
        sessions::revoke_id(&conn, &row.member_session_id)?;
    } else if let Some(t) = tok {
        let row = sessions::by_token(&conn, &t, now)?.ok_or_else(ApiError::session_not_found)?;
        sessions::revoke_id(&conn, &row.member_session_id)?;
    } else if let Some(j) = jwt {
        let row = session_from_jwt(&inner, &conn, &j)?;
        sessions::revoke_id(&conn, &row.member_session_id)?;
    } else if let Some(m) = mid {
        members::get_member(&conn, &m)?.ok_or_else(ApiError::member_not_found)?;
        sessions::revoke_member(&conn, &m)?;
    }
    Ok(ok(json!({})))
}

async fn jwks(State(inner): St, Path(project_id): Path<String>) -> ApiResult<Response> {
    if project_id != inner.project.project_id {
        return Err(ApiError::new(
            ErrorType::ProjectNotFound,
            "Project could not be found.",
        ));
    }
    Ok(ok(json!({ "keys": [inner.key.jwk()] })))
}

#[derive(Deserialize)]
struct SessionsGetQuery {
    organization_id: Option<String>,
    member_id: Option<String>,
}

/// `GET /sessions?organization_id=…&member_id=…` → the member's live sessions.
async fn sessions_get(
    State(inner): St,
    q: Result<Query<SessionsGetQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("Invalid query string."))?;
    let (Some(org_id), Some(member_id)) = (nonempty(q.organization_id), nonempty(q.member_id))
    else {
        return Err(ApiError::bad_request(
            "organization_id and member_id are required query parameters.",
        ));
    };
    let now = inner.now();
    let conn = inner.conn();
    let org =
        organizations::get_org(&conn, &org_id)?.ok_or_else(ApiError::organization_not_found)?;
    let member = members::get_member(&conn, &member_id)?
        .filter(|m| m.data["organization_id"] == org["organization_id"])
        .ok_or_else(ApiError::member_not_found)?;
    let ids: Vec<String> = {
        let mut st = conn.prepare(
            "SELECT member_session_id FROM sessions WHERE member_id = ?1 AND revoked = 0
             AND expires_at > ?2 ORDER BY started_at DESC",
        )?;
        let rows = st.query_map(rusqlite::params![member_id, now], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut rows = Vec::new();
    for id in ids {
        rows.extend(sessions::by_id(&conn, &id, now)?);
    }
    let owner = sessions::Owner::from_values(&member.data, &org)?;
    let sessions: Vec<_> = rows
        .iter()
        .map(|row| sessions::session_json(row, &owner))
        .collect();
    Ok(ok(json!({ "member_sessions": sessions })))
}
