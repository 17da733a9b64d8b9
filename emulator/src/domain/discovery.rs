//! Discovery: the organizations an email can enter, and what the discovery answers carry.

use crate::domain::authentication::primary_requirement;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::intermediate_sessions::create_ist;
use crate::domain::members;
use crate::domain::mfa;
use crate::domain::organizations;
use crate::domain::organizations::org_id;
use crate::domain::provisioning::eligible_by_domain;
use crate::domain::validation::email_domain;
use crate::error::ApiResult;
use crate::infra::ids::derived_id;
use rusqlite::Connection;
use serde_json::Value;
use serde_json::json;

/// `discovered_organizations` for `grant.email`. `include_eligible` is true with an IST and
/// false with a session.
pub fn discovered_organizations(
    conn: &Connection,
    grant: &Grant,
    include_eligible: bool,
) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for org in organizations::list_orgs(conn)? {
        let member = members::find_member(conn, org_id(&org), &grant.email)?;
        let (kind, member) = match member {
            Some(m) => match m.status() {
                "active" => ("active_member", Some(m)),
                "pending" => ("pending_member", Some(m)),
                "invited" => ("invited_member", Some(m)),
                _ => continue,
            },
            None if include_eligible && eligible_by_domain(conn, &org, &grant.email)? => {
                ("eligible_to_join_by_email_domain", None)
            }
            None => continue,
        };
        let primary = primary_requirement(&org, member.as_ref(), grant);
        // MFA is never started from a discovery answer (no SMS is sent here).
        let mfa = match (&primary, &member) {
            (None, Some(m)) if mfa::applies(&org, m) && !mfa::factors_for(conn, grant, m)?.1 => {
                Some(mfa::mfa_required(m, false))
            }
            (None, None) if org["mfa_policy"] == "REQUIRED_FOR_ALL" => Some(json!({
                "member_options": {"mfa_phone_number": "", "totp_registration_id": ""},
                "secondary_auth_initiated": null,
            })),
            _ => None,
        };
        let details = if kind == "eligible_to_join_by_email_domain" {
            json!({"domain": email_domain(&grant.email)})
        } else {
            Value::Null
        };
        out.push(json!({
            "organization": org,
            "membership": {
                "type": kind,
                "details": details,
                "member": member.as_ref().map(|m| m.data.clone()),
            },
            "member_authenticated": primary.is_none() && mfa.is_none(),
            "primary_required": primary,
            "mfa_required": mfa,
        }));
    }
    Ok(out)
}

/// The answer of a discovery authenticate: a new discovery IST plus the organizations.
pub fn discovery_response(conn: &Connection, grant: &Grant, now: i64) -> ApiResult<Value> {
    let ist = create_ist(conn, grant, "", now)?;
    Ok(json!({
        "intermediate_session_token": ist,
        "email_address": grant.email,
        "discovered_organizations": discovered_organizations(conn, grant, true)?,
        "organization_id_hint": null,
    }))
}

/// The email id used in factors before a member exists (discovery): stable per address.
pub fn discovery_email_id(email: &str) -> String {
    derived_id("email", &["discovery", email])
}
