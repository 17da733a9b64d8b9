//! Invites by magic link (`magicLinks.email.invite`).
//!
//!   same permission as reactivate); of an `active` one → 400 `duplicate_member_email`;
//!   `email_invites: NOT_ALLOWED`, or `RESTRICTED` with a domain outside `email_allowed_domains`
//!   → 400 `invalid_email_for_invites`;
//! * `start_email_update` supports `EMAIL_MAGIC_LINK` (default) only; the link is valid 5 minutes

use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::members::NewMember;
use crate::domain::members::check_email_free;
use crate::domain::members::save_member;
use crate::domain::members::set;
use crate::domain::messages;
use crate::domain::messages::Message;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations::org_id;
use crate::domain::rbac;
use crate::domain::rbac::Actor;
use crate::domain::rbac::check_roles;
use crate::domain::redirects::magic_link;
use crate::domain::redirects::redirect_url;
use crate::domain::validation::email_domain;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use crate::seed::Seed;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

// ------------------------------------------------------------------ invite

#[derive(Debug, Default, Deserialize)]
pub struct InviteReq {
    pub email_address: String,
    pub invite_redirect_url: Option<String>,
    #[allow(dead_code)]
    pub invite_template_id: Option<String>,
    pub name: Option<String>,
    pub untrusted_metadata: Option<Map<String, Value>>,
    #[allow(dead_code)]
    pub locale: Option<String>,
    pub roles: Option<Vec<String>>,
    pub invite_expiration_minutes: Option<i64>,
}

/// `magic_links.email.invite`: create (or re-invite) the Member as `invited` and email a link.
pub fn invite(
    conn: &Connection,
    seed: &Seed,
    actor: &Actor,
    org: &Value,
    req: InviteReq,
    now: i64,
) -> ApiResult<MemberRow> {
    rbac::check(seed, org, Some(actor), rbac::MEMBER, "create", false)?;
    let email = normalize_email(&req.email_address)?;
    let roles = req.roles.clone().unwrap_or_default();
    check_roles(seed, org, &roles)?;
    let minutes = req.invite_expiration_minutes.unwrap_or(10_080);
    if !(5..=10_080).contains(&minutes) {
        return Err(ApiError::new(
            ErrorType::InvalidExpiration,
            "invite_expiration_minutes must be between 5 and 10080.",
        ));
    }
    let policy = org["email_invites"].as_str().unwrap_or("ALL_ALLOWED");
    let domain_ok = org["email_allowed_domains"]
        .as_array()
        .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(email_domain(&email))));
    if policy == "NOT_ALLOWED" || (policy == "RESTRICTED" && !domain_ok) {
        return Err(ApiError::new(
            ErrorType::InvalidEmailForInvites,
            "This organization's email_invites setting does not allow inviting this email address.",
        ));
    }
    let url = redirect_url(
        seed,
        req.invite_redirect_url.as_deref(),
        ErrorType::NoInviteRedirectUrlsSet,
    )?;
    let oid = org_id(org).to_string();
    let member = match members::find_member(conn, &oid, &email)? {
        Some(m) if m.status() == "active" => {
            return Err(ApiError::new(
                ErrorType::DuplicateMemberEmail,
                "An active Member with that email address already exists in this organization.",
            ));
        }
        Some(mut m) => {
            set(&mut m, "status", json!("invited"));
            if let Some(n) = &req.name {
                set(&mut m, "name", json!(n));
            }
            if let Some(u) = &req.untrusted_metadata {
                set(&mut m, "untrusted_metadata", Value::Object(u.clone()));
            }
            if let Some(r) = &req.roles {
                set(&mut m, "roles", members::member_roles(r));
                set(
                    &mut m,
                    "is_admin",
                    json!(r.iter().any(|x| x == "stytch_admin")),
                );
            }
            set(&mut m, "updated_at", json!(rfc3339(now)));
            save_member(conn, &m)?;
            m
        }
        None => {
            check_email_free(conn, &oid, &email, None)?;
            let member_id = new_id("member");
            let data = members::new_member(
                &NewMember {
                    name: req.name.as_deref().unwrap_or(""),
                    roles: &roles,
                    untrusted_metadata: Value::Object(
                        req.untrusted_metadata.clone().unwrap_or_default(),
                    ),
                    ..NewMember::plain(&oid, &member_id, &email, "invited")
                },
                now,
            );
            let row = MemberRow {
                data,
                email_id: new_id("email"),
            };
            members::insert_row(conn, &row)?;
            row
        }
    };
    let token = one_time_tokens::issue(
        conn,
        &Issue {
            kind: Kind::MagicLink,
            email: &email,
            organization_id: &oid,
            member_id: member.member_id(),
            pkce_challenge: None,
            payload: None,
            lifetime_secs: minutes * 60,
        },
        now,
    )?;
    let link = magic_link(&url, &token);
    let org_name = org["organization_name"].as_str().unwrap_or("");
    messages::insert_message(
        conn,
        &Message {
            to: &email,
            kind: "magic_link_invite",
            subject: &format!("You have been invited to {org_name}"),
            body: &format!(
                "You have been invited to join {org_name}. Click the link below to accept:\n\n{link}\n\nThis link expires in {minutes} minutes and can be used once."
            ),
            link: Some(&link),
            token: Some(&token),
            code: None,
        },
        now,
    )?;
    Ok(member)
}
