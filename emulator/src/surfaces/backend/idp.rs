//! Backend twins of the consent page's calls, for an app that renders its own consent screen on
//! its server: `POST /v1/b2b/idp/oauth/authorize/start` and `POST /v1/b2b/idp/oauth/authorize`,
//! with the rules of `domain::connected_apps`. The member is named by exactly one of
//! `organization_id` + `member_id`, `session_token` or `session_jwt` (400
//! `too_many_session_arguments` for more, `no_session_arguments` for none); start also answers
//! `member_id`, `member` and `organization`.

use crate::Inner;
use crate::domain::connected_apps;
use crate::domain::connected_apps::AuthorizeReq;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::organizations;
use crate::domain::rbac::Actor;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::surfaces::St;
use crate::surfaces::backend::ok;
use crate::surfaces::backend::sessions::nonempty;
use crate::surfaces::backend::sessions::session_from_jwt;
use crate::surfaces::extract::JsonBody;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route("/v1/b2b/idp/oauth/authorize/start", post(authorize_start))
        .route("/v1/b2b/idp/oauth/authorize", post(authorize))
}

#[derive(Deserialize)]
struct BackendAuthorizeReq {
    #[serde(flatten)]
    req: AuthorizeReq,
    organization_id: Option<String>,
    member_id: Option<String>,
    session_token: Option<String>,
    session_jwt: Option<String>,
}

/// The member the request names, with their organization.
fn member_of(
    inner: &Inner,
    conn: &Connection,
    b: &BackendAuthorizeReq,
) -> ApiResult<(Actor, MemberRow, Value)> {
    let by_id = nonempty(b.organization_id.clone()).zip(nonempty(b.member_id.clone()));
    let token = nonempty(b.session_token.clone());
    let jwt = nonempty(b.session_jwt.clone());
    let given =
        usize::from(by_id.is_some()) + usize::from(token.is_some()) + usize::from(jwt.is_some());
    if given > 1 {
        return Err(ApiError::new(
            ErrorType::TooManySessionArguments,
            "Name the member by exactly one of organization_id + member_id, session_token or session_jwt.",
        ));
    }
    let row = if let Some(t) = token {
        sessions::by_token(conn, &t, inner.now())?.ok_or_else(ApiError::session_not_found)?
    } else if let Some(j) = jwt {
        session_from_jwt(inner, conn, &j)?
    } else if let Some((org_id, member_id)) = by_id {
        let org = organizations::get_org(conn, &org_id)?
            .filter(|o| organizations::org_id(o) == org_id)
            .ok_or_else(ApiError::organization_not_found)?;
        let member = members::live_member_in_org(conn, &org, &member_id)?;
        let actor = Actor {
            member_id: member.member_id().to_owned(),
            organization_id: org_id,
            roles: members::role_ids(&member.data),
        };
        return Ok((actor, member, org));
    } else {
        return Err(ApiError::new(
            ErrorType::NoSessionArguments,
            "Name the member by organization_id + member_id, session_token or session_jwt.",
        ));
    };
    sessions::actor_of(conn, &row)
}

async fn authorize_start(
    State(inner): St,
    JsonBody(b): JsonBody<BackendAuthorizeReq>,
) -> ApiResult<Response> {
    let conn = inner.conn();
    let (actor, member, org) = member_of(&inner, &conn, &b)?;
    let pre = connected_apps::preflight(&conn, &inner.seed, &org, &actor, &b.req)?;
    let mut answer = pre.answer();
    answer["member_id"] = json!(member.member_id());
    answer["member"] = member.data.clone();
    answer["organization"] = org;
    Ok(ok(answer))
}

async fn authorize(
    State(inner): St,
    JsonBody(b): JsonBody<BackendAuthorizeReq>,
) -> ApiResult<Response> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (actor, member, org) = member_of(&inner, &tx, &b)?;
    let s = connected_apps::submit(&tx, &inner.seed, &org, &actor, member.email(), &b.req, now)?;
    tx.commit()?;
    Ok(ok(s.answer()))
}
