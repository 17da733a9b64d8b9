//! One-call sign-in for tests: `POST /emulator/v1/sessions` and `testing::TestEmulator::sign_in`.
//!
//! Decisions (an emulator-only feature, so none of this is Stytch's):
//! * the organization is named by `organization_id` (which, as everywhere, also accepts a slug) or
//!   by `organization_slug`, the member by `email_address` or `member_id`; exactly one of each pair
//!   → otherwise 400 `bad_request`;
//! * a new email joins only as magic-link login_or_signup would let it (`email_jit_provisioning`
//!   RESTRICTED and an allowed domain), else the same 403 that flow answers; a deleted member →
//!   400 `action_available_only_for_active_members`;
//! * `roles` replaces the member's assigned roles (checked like a backend member update);
//! * the session carries one email magic-link factor, as if the member had just followed a link,
//!   and the member becomes `active` and email-verified. The organization's `auth_methods` and
//!   `mfa_policy` are not applied: a test that signs in this way tests what comes after login,
//!   not the login policy.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::members;
use crate::domain::members::MemberPatch;
use crate::domain::members::Surface;
use crate::domain::organizations;
use crate::domain::provisioning;
use crate::domain::sessions;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::http::http_only;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

/// The body of `POST /emulator/v1/sessions`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub organization_id: Option<String>,
    pub organization_slug: Option<String>,
    pub email_address: Option<String>,
    pub member_id: Option<String>,
    pub session_duration_minutes: Option<i64>,
    pub roles: Option<Vec<String>>,
}

/// Exactly one of two optional, non-blank fields.
fn one_of<'a>(
    a: (&str, Option<&'a str>),
    b: (&str, Option<&'a str>),
) -> ApiResult<Result<&'a str, &'a str>> {
    let a_val = a.1.map(str::trim).filter(|s| !s.is_empty());
    let b_val = b.1.map(str::trim).filter(|s| !s.is_empty());
    match (a_val, b_val) {
        (Some(v), None) => Ok(Ok(v)),
        (None, Some(v)) => Ok(Err(v)),
        (None, None) => Err(ApiError::bad_request(format!(
            "One of {} or {} is required.",
            a.0, b.0
        ))),
        (Some(_), Some(_)) => Err(ApiError::bad_request(format!(
            "Give {} or {}, not both.",
            a.0, b.0
        ))),
    }
}

/// Sign a member in (see the module docs). Answers what a magic-link authenticate answers, plus
/// `member_created` and `cookies`, the session cookies a browser would hold.
pub fn sign_in(inner: &Inner, req: &SignInRequest, user_agent: &str) -> ApiResult<Value> {
    let org_ref = one_of(
        ("organization_id", req.organization_id.as_deref()),
        ("organization_slug", req.organization_slug.as_deref()),
    )?;
    let member_ref = one_of(
        ("email_address", req.email_address.as_deref()),
        ("member_id", req.member_id.as_deref()),
    )?;
    let duration = sessions::duration_minutes(req.session_duration_minutes)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let org = match org_ref {
        Ok(id) => organizations::get_org(&tx, id)?,
        Err(slug) => organizations::get_org_by_slug(&tx, slug)?,
    }
    .ok_or_else(ApiError::organization_not_found)?;
    let (mut member, created) = match member_ref {
        Ok(email) => provisioning::member_or_provision(&tx, &org, &normalize_email(email)?, now)?,
        Err(id) => {
            let m = members::member_in_org(&tx, &org, id)?;
            if m.status() == "deleted" {
                return Err(ApiError::new(
                    ErrorType::ActionAvailableOnlyForActiveMembers,
                    "This Member has been deleted.",
                ));
            }
            (m, false)
        }
    };
    if let Some(roles) = &req.roles {
        let patch = MemberPatch {
            roles: Some(roles.clone()),
            ..MemberPatch::default()
        };
        member = members::update_member(
            &tx,
            &inner.seed,
            None,
            &org,
            member,
            patch,
            Surface::Backend,
            now,
        )?;
    }
    authentication::activate(&tx, &mut member, true, now)?;
    let factor = sessions::magic_link_factor(&member.email_id, member.email(), now);
    let method_id = member.email_id.clone();
    let mut answer = authentication::issue_session(
        inner,
        &tx,
        user_agent,
        &org,
        &member,
        vec![factor],
        duration,
        now,
    )?;
    tx.commit()?;
    let cookies = http_only::session_cookies(
        answer["session_token"].as_str().unwrap_or(""),
        answer["session_jwt"].as_str().unwrap_or(""),
        now + duration * 60,
        inner.http_only.load(std::sync::atomic::Ordering::SeqCst),
    );
    if let Some(o) = answer.as_object_mut() {
        o.insert("method_id".into(), json!(method_id));
        o.insert("reset_sessions".into(), json!(false));
        o.insert("member_created".into(), json!(created));
        o.insert("cookies".into(), serde_json::to_value(cookies)?);
    }
    Ok(answer)
}
