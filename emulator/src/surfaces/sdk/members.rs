//! SDK members and self-service, organizations and invites (`/sdk/v1/b2b/...`), with RBAC
//! RBAC enforced server-side (see `rbac` and `admin`). Every call needs a live session (401
//! `unauthorized_credentials` without one, 404 `session_not_found` for a dead token); a denied
//! permission is 403 `session_authorization_error`.
//!
//! | call | path | permission |
//! |---|---|---|
//! | organization.update | PUT `/b2b/organizations/me` | `stytch.organization` per field |
//! | organization.delete | DELETE `/b2b/organizations/me` | `stytch.organization` / `delete` |
//! | members.create | POST `/b2b/organizations/members` | `stytch.member` / `create` |
//! | members.update | PUT `/b2b/organizations/members/{id}` | `stytch.member` per field (+`stytch.self` on oneself) |
//! | members.search | POST `/b2b/organizations/me/members/search` | `stytch.member` / `search` |
//! | members.delete | DELETE `/b2b/organizations/members/{id}` | `stytch.member` / `delete` (or `stytch.self`) |
//! | members.reactivate | PUT `/b2b/organizations/members/{id}/reactivate` | `stytch.member` / `create` |
//! | members.deletePassword, self.deletePassword | DELETE `/b2b/organizations/members/passwords/{password_id}` | `…delete.password` on `stytch.member`, or `stytch.self` for one's own |
//! | members.deleteMFAPhoneNumber | DELETE `/b2b/organizations/members/mfa_phone_numbers/{id}` | `update.info.delete.mfa-phone` |
//! | members.deleteMFATOTP | DELETE `/b2b/organizations/members/totp/{id}` | `update.info.delete.mfa-totp` |
//! | members.unlinkRetiredEmail | POST `/b2b/organizations/members/{id}/unlink_retired_email` | `update.info.unlink.retired-email` |
//! | members.startEmailUpdate | POST `/b2b/organizations/members/{id}/start_email_update` | `update.info.email` |
//! | self.update | PUT `/b2b/organizations/members/update` | `stytch.self` per field |
//! | self.deleteMFAPhoneNumber / deleteMFATOTP | DELETE `/b2b/organizations/members/deletePhoneNumber` / `deleteTOTP` | `stytch.self` |
//! | self.unlinkRetiredEmail / startEmailUpdate | POST `/b2b/organizations/members/unlink_retired_email` / `start_email_update` | `stytch.self` |
//! | magicLinks.email.invite | POST `/b2b/magic_links/email/invite` | `stytch.member` / `create` |

use crate::Inner;
use crate::domain::email_updates;
use crate::domain::members;
use crate::domain::members::Factor;
use crate::domain::members::MemberRow;
use crate::domain::members::Surface;
use crate::domain::organizations;
use crate::domain::rbac::Actor;
use crate::domain::search;
use crate::domain::sessions;
use crate::error::ApiResult;
use crate::surfaces::St;
use crate::surfaces::extract::JsonBody;
use crate::surfaces::extract::SdkCaller;
use crate::surfaces::sdk::ok;
use crate::surfaces::sdk::require_session;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::response::Response;
use axum::routing::delete;
use axum::routing::get;
use axum::routing::post;
use axum::routing::put;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Inner>> {
    Router::new()
        .route(M, post(member_create))
        .route(&format!("{M}/me"), get(members_me))
        .route(
            "/sdk/v1/b2b/organizations/me/members/search",
            post(member_search),
        )
        .route(&format!("{M}/update"), put(self_update))
        .route(&format!("{M}/deletePhoneNumber"), delete(self_delete_phone))
        .route(&format!("{M}/deleteTOTP"), delete(self_delete_totp))
        .route(&format!("{M}/unlink_retired_email"), post(self_unlink))
        .route(
            &format!("{M}/start_email_update"),
            post(self_start_email_update),
        )
        .route(
            &format!("{M}/passwords/{{password_id}}"),
            delete(delete_password),
        )
        .route(
            &format!("{M}/mfa_phone_numbers/{{member_id}}"),
            delete(member_delete_phone),
        )
        .route(
            &format!("{M}/totp/{{member_id}}"),
            delete(member_delete_totp),
        )
        .route(
            &format!("{M}/{{member_id}}"),
            put(member_update).delete(member_delete),
        )
        .route(
            &format!("{M}/{{member_id}}/reactivate"),
            put(member_reactivate),
        )
        .route(
            &format!("{M}/{{member_id}}/unlink_retired_email"),
            post(member_unlink),
        )
        .route(
            &format!("{M}/{{member_id}}/start_email_update"),
            post(member_start_email_update),
        )
}

async fn members_me(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    let conn = inner.conn();
    let (row, _) = require_session(&inner, &conn, &caller)?;
    let (member, org) = sessions::load_owner(&conn, &row)?;
    Ok(ok(json!({
        "member_id": row.member_id,
        "member": member.data,
        "organization": org,
    })))
}

const M: &str = "/sdk/v1/b2b/organizations/members";

/// `{member_id, member, organization}`.
pub fn member_resp(m: &MemberRow, org: &Value) -> Response {
    ok(json!({"member_id": m.member_id(), "member": m.data, "organization": org}))
}

/// Runs `f` in a transaction with the caller's Actor, own Member and organization.
pub fn with_session<T>(
    inner: &Inner,
    caller: &SdkCaller,
    f: impl FnOnce(&rusqlite::Transaction<'_>, &Actor, MemberRow, Value, i64) -> ApiResult<T>,
) -> ApiResult<T> {
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (row, _) = require_session(inner, &tx, caller)?;
    let (actor, me, org) = crate::domain::sessions::actor_of(&tx, &row)?;
    let out = f(&tx, &actor, me, org, now)?;
    tx.commit()?;
    Ok(out)
}

async fn member_create(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(mut req): JsonBody<members::MemberCreate>,
) -> ApiResult<Response> {
    // Backend-only fields are not accepted from the SDK.
    req.trusted_metadata = None;
    req.external_id = None;
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        let m = members::create_member(tx, &inner.seed, Some(actor), &org, req, now)?;
        Ok(member_resp(&m, &org))
    })
}

async fn member_update(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
    JsonBody(patch): JsonBody<members::MemberPatch>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        let target = members::live_member_in_org(tx, &org, &member_id)?;
        let m = members::update_member(
            tx,
            &inner.seed,
            Some(actor),
            &org,
            target,
            patch,
            Surface::Sdk,
            now,
        )?;
        Ok(member_resp(&m, &org))
    })
}

async fn self_update(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(patch): JsonBody<members::MemberPatch>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, me, org, now| {
        let m = members::update_member(
            tx,
            &inner.seed,
            Some(actor),
            &org,
            me,
            patch,
            Surface::SdkSelf,
            now,
        )?;
        Ok(member_resp(&m, &org))
    })
}

async fn member_search(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<search::SearchReq>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, _| {
        let orgs = [org];
        search::check_search(&inner.seed, Some(actor), &orgs)?;
        Ok(ok(search::search(tx, &orgs, &req)?))
    })
}

async fn member_delete(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        let target = members::live_member_in_org(tx, &org, &member_id)?;
        let m = members::delete_member(tx, &inner.seed, Some(actor), &org, target, now)?;
        Ok(ok(json!({ "member_id": m.member_id() })))
    })
}

async fn member_reactivate(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        let target = members::member_in_org(tx, &org, &member_id)?;
        let m = members::reactivate_member(tx, &inner.seed, Some(actor), &org, target, now)?;
        Ok(member_resp(&m, &org))
    })
}

/// Shared by `members.deletePassword` and `self.deletePassword` (same path): the permission is
/// `stytch.member`, or `stytch.self` when the password is the caller's own.
async fn delete_password(
    State(inner): St,
    caller: SdkCaller,
    Path(password_id): Path<String>,
) -> ApiResult<Response> {
    with_session(&inner, &caller, |tx, actor, _, org, now| {
        let target = members::member_by_password(tx, &org, &password_id)?;
        let m = members::delete_factor(
            tx,
            &inner.seed,
            Some(actor),
            &org,
            target,
            Factor::Password,
            false,
            now,
        )?;
        Ok(member_resp(&m, &org))
    })
}

fn delete_factor_of(
    inner: &Inner,
    caller: &SdkCaller,
    member_id: Option<&str>,
    factor: Factor,
) -> ApiResult<Response> {
    with_session(inner, caller, |tx, actor, me, org, now| {
        let (target, self_path) = match member_id {
            Some(id) => (members::live_member_in_org(tx, &org, id)?, false),
            None => (me, true),
        };
        let m = members::delete_factor(
            tx,
            &inner.seed,
            Some(actor),
            &org,
            target,
            factor,
            self_path,
            now,
        )?;
        Ok(member_resp(&m, &org))
    })
}

async fn member_delete_phone(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
) -> ApiResult<Response> {
    delete_factor_of(&inner, &caller, Some(&member_id), Factor::MfaPhone)
}

async fn member_delete_totp(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
) -> ApiResult<Response> {
    delete_factor_of(&inner, &caller, Some(&member_id), Factor::Totp)
}

async fn self_delete_phone(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    delete_factor_of(&inner, &caller, None, Factor::MfaPhone)
}

async fn self_delete_totp(State(inner): St, caller: SdkCaller) -> ApiResult<Response> {
    delete_factor_of(&inner, &caller, None, Factor::Totp)
}

fn unlink(
    inner: &Inner,
    caller: &SdkCaller,
    member_id: Option<&str>,
    req: members::UnlinkReq,
) -> ApiResult<Response> {
    with_session(inner, caller, |tx, actor, me, org, now| {
        let (target, self_path) = match member_id {
            Some(id) => (members::live_member_in_org(tx, &org, id)?, false),
            None => (me, true),
        };
        let m = members::unlink_retired_email(
            tx,
            &inner.seed,
            Some(actor),
            &org,
            target,
            req,
            self_path,
            now,
        )?;
        Ok(ok(json!({
            "member_id": m.member_id(),
            "organization_id": organizations::org_id(&org),
            "member": m.data,
            "organization": org,
        })))
    })
}

async fn member_unlink(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
    JsonBody(req): JsonBody<members::UnlinkReq>,
) -> ApiResult<Response> {
    unlink(&inner, &caller, Some(&member_id), req)
}

async fn self_unlink(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<members::UnlinkReq>,
) -> ApiResult<Response> {
    unlink(&inner, &caller, None, req)
}

fn start_email_update(
    inner: &Inner,
    caller: &SdkCaller,
    member_id: Option<&str>,
    req: email_updates::StartEmailUpdateReq,
) -> ApiResult<Response> {
    with_session(inner, caller, |tx, actor, me, org, now| {
        let (target, self_path) = match member_id {
            Some(id) => (members::live_member_in_org(tx, &org, id)?, false),
            None => (me, true),
        };
        email_updates::start_email_update(
            tx,
            &inner.seed,
            Some(actor),
            &org,
            &target,
            req,
            self_path,
            now,
        )?;
        Ok(member_resp(&target, &org))
    })
}

async fn member_start_email_update(
    State(inner): St,
    caller: SdkCaller,
    Path(member_id): Path<String>,
    JsonBody(req): JsonBody<email_updates::StartEmailUpdateReq>,
) -> ApiResult<Response> {
    start_email_update(&inner, &caller, Some(&member_id), req)
}

async fn self_start_email_update(
    State(inner): St,
    caller: SdkCaller,
    JsonBody(req): JsonBody<email_updates::StartEmailUpdateReq>,
) -> ApiResult<Response> {
    start_email_update(&inner, &caller, None, req)
}
