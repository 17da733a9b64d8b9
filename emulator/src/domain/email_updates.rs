//! Email updates (`startEmailUpdate`): `EMAIL_MAGIC_LINK` only; the link is valid 5 minutes and
//! completes through `magic_links/authenticate`.

use crate::domain::members::MemberRow;
use crate::domain::members::change_email;
use crate::domain::members::check_email_free;
use crate::domain::members::is_self;
use crate::domain::members::save_member;
use crate::domain::messages;
use crate::domain::messages::Message;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations::org_id;
use crate::domain::rbac;
use crate::domain::rbac::Actor;
use crate::domain::redirects::magic_link;
use crate::domain::redirects::redirect_url;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::seed::Seed;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
pub struct StartEmailUpdateReq {
    pub email_address: String,
    pub login_redirect_url: Option<String>,
    #[allow(dead_code)]
    pub login_template_id: Option<String>,
    #[allow(dead_code)]
    pub locale: Option<String>,
    pub delivery_method: Option<String>,
}

/// Minutes an email-update link lives.
const EMAIL_UPDATE_MINUTES: i64 = 5;

/// Send a link to the new address; authenticating it (magic_links/authenticate) switches the
/// Member's email, retiring the old one.
#[allow(clippy::too_many_arguments)]
pub fn start_email_update(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    member: &MemberRow,
    req: StartEmailUpdateReq,
    self_path: bool,
    now: i64,
) -> ApiResult<()> {
    let action = "update.info.email";
    if self_path {
        rbac::check(seed, org, actor, rbac::SELF, action, false)?;
    } else {
        rbac::check(
            seed,
            org,
            actor,
            rbac::MEMBER,
            action,
            is_self(actor, member),
        )?;
    }
    match req.delivery_method.as_deref() {
        None | Some("EMAIL_MAGIC_LINK") => {}
        Some(_) => {
            return Err(ApiError::new(
                ErrorType::InvalidArgument,
                "delivery_method must be EMAIL_MAGIC_LINK (EMAIL_OTP is not emulated).",
            ));
        }
    }
    let email = normalize_email(&req.email_address)?;
    if email == member.email() {
        return Err(ApiError::new(
            ErrorType::DuplicateMemberEmail,
            "That is already the Member's email address.",
        ));
    }
    check_email_free(conn, org_id(org), &email, Some(member.member_id()))?;
    let url = redirect_url(
        seed,
        req.login_redirect_url.as_deref(),
        ErrorType::NoLoginRedirectUrlsSet,
    )?;
    let token = one_time_tokens::issue(
        conn,
        &Issue {
            kind: Kind::MagicLink,
            email: member.email(),
            organization_id: org_id(org),
            member_id: member.member_id(),
            pkce_challenge: None,
            payload: Some(&email),
            lifetime_secs: EMAIL_UPDATE_MINUTES * 60,
        },
        now,
    )?;
    let link = magic_link(&url, &token);
    let org_name = org["organization_name"].as_str().unwrap_or("");
    messages::insert_message(
        conn,
        &Message {
            to: &email,
            kind: "email_update",
            subject: &format!("Confirm your new email address for {org_name}"),
            body: &format!(
                "Click the link below to confirm this address as your new email for {org_name}:\n\n{link}\n\nThis link expires in {EMAIL_UPDATE_MINUTES} minutes and can be used once."
            ),
            link: Some(&link),
            token: Some(&token),
            code: None,
        },
        now,
    )?;
    Ok(())
}

/// Called by `magic_links/authenticate` once an email-update link (a magic link carrying the new
/// address) is consumed: switch the Member's email (the caller then marks it verified).
pub fn complete_email_update(
    conn: &Connection,
    new_email: &str,
    member: &mut MemberRow,
    now: i64,
) -> ApiResult<()> {
    change_email(conn, member, new_email, false, now)?;
    save_member(conn, member)
}
