//! Who may join an organization: JIT provisioning by email domain, the domain rules.
//!
//! * joining by email domain needs an email verified by the discovery factor; a join whose
//!   factor did not verify the email creates the member as `pending` and answers
//!   `primary_required`.

use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::members::insert_new;
use crate::domain::organizations::org_id;
use crate::domain::validation::email_domain;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use rusqlite::Connection;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

// ------------------------------------------------------------------ members

/// The member for `email` in `org`, created as `pending` when the organization's email JIT
/// rules allow it (same rules as magic-link login_or_signup). Returns `(member, created)`.
/// A deleted member → 400 `action_available_only_for_active_members`.
pub fn member_or_provision(
    conn: &Connection,
    org: &Value,
    email: &str,
    now: i64,
) -> ApiResult<(MemberRow, bool)> {
    let oid = org_id(org);
    if let Some(m) = members::find_member(conn, oid, email)? {
        if m.status() == "deleted" {
            return Err(ApiError::new(
                ErrorType::ActionAvailableOnlyForActiveMembers,
                "This Member has been deleted.",
            ));
        }
        return Ok((m, false));
    }
    if org["email_jit_provisioning"] != "RESTRICTED" {
        return Err(ApiError::new(
            ErrorType::EmailJitProvisioningNotAllowed,
            "This organization does not allow JIT provisioning by email.",
        ));
    }
    if !domain_allowed(org, email) {
        return Err(ApiError::new(
    ErrorType::InvalidEmailForJitProvisioning,
            "The email domain is not one of the organization's allowed domains for JIT provisioning.",
        )
        .with_details(json!({
            "email_address": email,
            "email_domain": email_domain(email),
            "email_allowed_domains": org["email_allowed_domains"],
        })));
    }
    Ok((
        insert_new(conn, oid, email, &[], "pending", false, now)?,
        true,
    ))
}

fn domain_allowed(org: &Value, email: &str) -> bool {
    let domain = email_domain(email);
    org["email_allowed_domains"]
        .as_array()
        .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(domain)))
}

// ------------------------------------------------------------------ discovery

/// Is `org` joinable by `email`'s domain: JIT RESTRICTED, the domain allowed,
/// and at least one member with a verified email on that domain.
pub fn eligible_by_domain(conn: &Connection, org: &Value, email: &str) -> ApiResult<bool> {
    if org["email_jit_provisioning"] != "RESTRICTED" || !domain_allowed(org, email) {
        return Ok(false);
    }
    let pattern = format!("%@{}", email_domain(email));
    let mut st =
        conn.prepare("SELECT data FROM members WHERE organization_id = ?1 AND email LIKE ?2")?;
    let rows: Vec<String> = st
        .query_map(params![org_id(org), pattern], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for d in rows {
        let m: Value = serde_json::from_str(&d)?;
        if m["email_address_verified"] == true && m["status"] != "deleted" {
            return Ok(true);
        }
    }
    Ok(false)
}
