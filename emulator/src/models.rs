//! Organization / Member JSON objects (every field of protocol §5 / semantics §6) and the
//! default RBAC policy (semantics §1.1/§1.2).

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::seed::{OrgSettings, Seed};
use crate::util::{COMMON_DOMAINS, rfc3339, slugify, valid_slug};

pub use crate::rbac::policy as rbac_policy;

fn check_enum(field: &str, value: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ApiError::new(
            400,
            "invalid_argument",
            format!("{field} must be one of {}.", allowed.join(", ")),
        ))
    }
}

/// Build a new Organization object from create settings, applying Stytch's validation and
/// defaults. `organization_slug` defaults to a slug of the name (emulator choice).
pub fn new_organization(s: &OrgSettings, organization_id: &str, now: i64) -> ApiResult<Value> {
    let name = s.organization_name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return Err(ApiError::new(
            400,
            "organization_name_missing",
            "organization_name is required.",
        ));
    }
    if name.chars().count() > 128 {
        return Err(ApiError::new(
            400,
            "invalid_organization_name",
            "organization_name must be at most 128 characters.",
        ));
    }
    let slug = match s.organization_slug.as_deref() {
        Some(slug) => slug.to_string(),
        None => slugify(name),
    };
    if !valid_slug(&slug) {
        return Err(ApiError::new(
            400,
            "invalid_organization_slug",
            "organization_slug must be 2 to 128 characters of letters, digits and -._~",
        ));
    }
    if let Some(ext) = s.organization_external_id.as_deref()
        && (ext.len() > 128
            || !ext
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '|' | '-')))
    {
        return Err(ApiError::new(
            400,
            "invalid_organization_external_id",
            "organization_external_id may contain only A-Z a-z 0-9 . _ | - and be at most 128 characters.",
        ));
    }
    let mut domains: Vec<String> = Vec::new();
    for d in s.email_allowed_domains.clone().unwrap_or_default() {
        let d = d.trim().to_ascii_lowercase();
        if COMMON_DOMAINS.contains(&d.as_str()) {
            return Err(ApiError::new(
                400,
                "organization_settings_domain_too_common",
                format!("{d} is too common to be an allowed domain."),
            ));
        }
        let ok = d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && !d.contains("..")
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !ok {
            return Err(ApiError::new(
                400,
                "organization_settings_invalid_domain",
                format!("{d} is not a valid domain."),
            ));
        }
        if domains.contains(&d) {
            return Err(ApiError::new(
                400,
                "organization_settings_duplicate_domain",
                format!("{d} is listed twice."),
            ));
        }
        domains.push(d);
    }
    let any_auth_setting = s.email_jit_provisioning.is_some()
        || s.sso_jit_provisioning.is_some()
        || s.auth_methods.is_some()
        || s.allowed_auth_methods.is_some()
        || s.mfa_methods.is_some()
        || s.allowed_mfa_methods.is_some()
        || s.mfa_policy.is_some()
        || s.oauth_tenant_jit_provisioning.is_some()
        || s.email_allowed_domains.is_some();
    let email_jit = s
        .email_jit_provisioning
        .clone()
        .unwrap_or("NOT_ALLOWED".into());
    check_enum(
        "email_jit_provisioning",
        &email_jit,
        &["RESTRICTED", "NOT_ALLOWED"],
    )?;
    let email_invites = s.email_invites.clone().unwrap_or_else(|| {
        if any_auth_setting {
            "NOT_ALLOWED".into()
        } else {
            "ALL_ALLOWED".into()
        }
    });
    check_enum(
        "email_invites",
        &email_invites,
        &["ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"],
    )?;
    let sso_jit = s
        .sso_jit_provisioning
        .clone()
        .unwrap_or("ALL_ALLOWED".into());
    check_enum(
        "sso_jit_provisioning",
        &sso_jit,
        &["ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"],
    )?;
    let auth_methods = s.auth_methods.clone().unwrap_or("ALL_ALLOWED".into());
    check_enum(
        "auth_methods",
        &auth_methods,
        &["ALL_ALLOWED", "RESTRICTED"],
    )?;
    let allowed_auth = s.allowed_auth_methods.clone().unwrap_or_default();
    for m in &allowed_auth {
        check_enum(
            "allowed_auth_methods",
            m,
            &[
                "sso",
                "magic_link",
                "email_otp",
                "password",
                "google_oauth",
                "microsoft_oauth",
                "slack_oauth",
                "github_oauth",
                "hubspot_oauth",
            ],
        )?;
    }
    if auth_methods == "RESTRICTED" && allowed_auth.is_empty() {
        return Err(ApiError::new(
            400,
            "allowed_auth_methods_required_for_restricted",
            "allowed_auth_methods must be non-empty when auth_methods is RESTRICTED.",
        ));
    }
    let mfa_methods = s.mfa_methods.clone().unwrap_or("ALL_ALLOWED".into());
    check_enum("mfa_methods", &mfa_methods, &["ALL_ALLOWED", "RESTRICTED"])?;
    let allowed_mfa = s.allowed_mfa_methods.clone().unwrap_or_default();
    for m in &allowed_mfa {
        check_enum("allowed_mfa_methods", m, &["sms_otp", "totp"])?;
    }
    if mfa_methods == "RESTRICTED" && allowed_mfa.is_empty() {
        return Err(ApiError::new(
            400,
            "allowed_mfa_methods_required_for_restricted",
            "allowed_mfa_methods must be non-empty when mfa_methods is RESTRICTED.",
        ));
    }
    let mfa_policy = s.mfa_policy.clone().unwrap_or("OPTIONAL".into());
    check_enum("mfa_policy", &mfa_policy, &["OPTIONAL", "REQUIRED_FOR_ALL"])?;
    let oauth_jit = s
        .oauth_tenant_jit_provisioning
        .clone()
        .unwrap_or("NOT_ALLOWED".into());
    check_enum(
        "oauth_tenant_jit_provisioning",
        &oauth_jit,
        &["RESTRICTED", "NOT_ALLOWED"],
    )?;
    if email_jit == "NOT_ALLOWED" && email_invites == "NOT_ALLOWED" && sso_jit == "NOT_ALLOWED" {
        return Err(ApiError::new(
            400,
            "invalid_organization_auth_factor_setting",
            "sso_jit_provisioning, email_jit_provisioning and email_invites cannot all be NOT_ALLOWED.",
        ));
    }
    let ts = rfc3339(now);
    Ok(json!({
        "organization_id": organization_id,
        "organization_name": name,
        "organization_slug": slug,
        "organization_logo_url": s.organization_logo_url.clone().unwrap_or_default(),
        "organization_external_id": s.organization_external_id.clone().unwrap_or_default(),
        "trusted_metadata": s.trusted_metadata.clone().unwrap_or_default(),
        "created_at": ts,
        "updated_at": ts,
        "sso_default_connection_id": null,
        "sso_jit_provisioning": sso_jit,
        "sso_jit_provisioning_allowed_connections": [],
        "sso_active_connections": [],
        "scim_active_connection": null,
        "email_allowed_domains": domains,
        "email_jit_provisioning": email_jit,
        "email_invites": email_invites,
        "auth_methods": auth_methods,
        "allowed_auth_methods": allowed_auth,
        "mfa_methods": mfa_methods,
        "allowed_mfa_methods": allowed_mfa,
        "mfa_policy": mfa_policy,
        "rbac_email_implicit_role_assignments": [],
        "oauth_tenant_jit_provisioning": oauth_jit,
        "allowed_oauth_tenants": {},
        "claimed_email_domains": [],
        "first_party_connected_apps_allowed_type": "ALL_ALLOWED",
        "allowed_first_party_connected_apps": [],
        "third_party_connected_apps_allowed_type": "ALL_ALLOWED",
        "allowed_third_party_connected_apps": [],
        "custom_roles": [],
    }))
}

/// `roles` array of the Member object. `stytch_member` always comes first; every role is a
/// `direct_assignment` (semantics §1.4, inferred for stytch_member).
pub fn member_roles(extra: &[String]) -> Value {
    let mut ids: Vec<&str> = vec!["stytch_member"];
    for r in extra {
        if !ids.contains(&r.as_str()) {
            ids.push(r);
        }
    }
    Value::Array(
        ids.into_iter()
            .map(|id| {
                json!({"role_id": id, "sources": [{"type": "direct_assignment", "details": {}}]})
            })
            .collect(),
    )
}

/// Role ids of a Member object.
pub fn role_ids(member: &Value) -> Vec<String> {
    member["roles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["role_id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Inputs for a new Member.
pub struct NewMember<'a> {
    pub organization_id: &'a str,
    pub member_id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub roles: &'a [String],
    pub status: &'a str,
    pub email_address_verified: bool,
    pub is_breakglass: bool,
    pub trusted_metadata: Value,
    pub untrusted_metadata: Value,
    pub external_id: &'a str,
    pub mfa_phone_number: &'a str,
    pub mfa_enrolled: bool,
}

/// A full Member object with Stytch's defaults.
pub fn new_member(m: &NewMember<'_>, now: i64) -> Value {
    let ts = rfc3339(now);
    let roles = member_roles(m.roles);
    let is_admin = role_ids(&json!({ "roles": roles }))
        .iter()
        .any(|r| r == "stytch_admin");
    json!({
        "organization_id": m.organization_id,
        "member_id": m.member_id,
        "email_address": m.email,
        "email_address_verified": m.email_address_verified,
        "status": m.status,
        "name": m.name,
        "trusted_metadata": m.trusted_metadata,
        "untrusted_metadata": m.untrusted_metadata,
        "sso_registrations": [],
        "oauth_registrations": [],
        "member_password_id": "",
        "totp_registration_id": "",
        "is_breakglass": m.is_breakglass,
        "is_admin": is_admin,
        "mfa_enrolled": m.mfa_enrolled,
        "mfa_phone_number": m.mfa_phone_number,
        "mfa_phone_number_verified": false,
        "default_mfa_method": "",
        "retired_email_addresses": [],
        "roles": roles,
        "scim_registration": null,
        "external_id": m.external_id,
        "is_locked": false,
        "lock_created_at": null,
        "lock_expires_at": null,
        "created_at": ts,
        "updated_at": ts,
    })
}

/// Check that every role exists in the project policy and that none is a reserved default
/// role that cannot be assigned (`stytch_member` is implicit).
pub fn validate_roles(seed: &Seed, roles: &[String]) -> ApiResult<()> {
    let policy = rbac_policy(seed);
    for r in roles {
        if r == "stytch_member" {
            return Err(ApiError::new(
                400,
                "cannot_assign_default_rbac_role_id",
                "stytch_member is granted to every Member and cannot be assigned explicitly.",
            ));
        }
        if !policy.roles.iter().any(|x| &x.role_id == r) {
            return Err(ApiError::new(
                400,
                "invalid_rbac_role_id",
                format!("Role {r} does not exist in the project's RBAC policy."),
            ));
        }
    }
    Ok(())
}
