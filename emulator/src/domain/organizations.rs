//! Organizations: the Organization object (every documented field), storage, update (with the
//! per-field RBAC actions) and delete.
//!
//! * organization update: the connected-apps fields have no documented action and need
//!   `stytch.organization` / `update.settings.connected-apps` (so only a `*` grant passes); a
//!   `sso_default_connection_id` that is not a connection of the organization → 400
//!   `invalid_sso_default_connection_id` (`""` clears it), and such an id in
//!   `sso_jit_provisioning_allowed_connections` → 400 `invalid_connection_for_jit_provisioning`;
//!   `trusted_metadata` from the SDK → 401 `cannot_update_trusted_metadata`.

use crate::domain::one_time_tokens;
use crate::domain::rbac;
use crate::domain::rbac::Actor;
use crate::domain::rbac::check_roles;
use crate::domain::sso;
use crate::domain::validation::COMMON_DOMAINS;
use crate::domain::validation::slugify;
use crate::domain::validation::valid_slug;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::db::parse_stored;
use crate::infra::ids::rfc3339;
use crate::seed::OrgSettings;
use crate::seed::Seed;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

fn check_enum(field: &str, value: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorType::InvalidArgument,
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
            ErrorType::OrganizationNameMissing,
            "organization_name is required.",
        ));
    }
    if name.chars().count() > 128 {
        return Err(ApiError::new(
            ErrorType::InvalidOrganizationName,
            "organization_name must be at most 128 characters.",
        ));
    }
    let slug = match s.organization_slug.as_deref() {
        Some(slug) => slug.to_string(),
        None => slugify(name),
    };
    if !valid_slug(&slug) {
        return Err(ApiError::new(
            ErrorType::InvalidOrganizationSlug,
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
            ErrorType::InvalidOrganizationExternalId,
            "organization_external_id may contain only A-Z a-z 0-9 . _ | - and be at most 128 characters.",
        ));
    }
    let mut domains: Vec<String> = Vec::new();
    for d in s.email_allowed_domains.clone().unwrap_or_default() {
        let d = d.trim().to_ascii_lowercase();
        if COMMON_DOMAINS.contains(&d.as_str()) {
            return Err(ApiError::new(
                ErrorType::OrganizationSettingsDomainTooCommon,
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
                ErrorType::OrganizationSettingsInvalidDomain,
                format!("{d} is not a valid domain."),
            ));
        }
        if domains.contains(&d) {
            return Err(ApiError::new(
                ErrorType::OrganizationSettingsDuplicateDomain,
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
            ErrorType::AllowedAuthMethodsRequiredForRestricted,
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
            ErrorType::AllowedMfaMethodsRequiredForRestricted,
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
            ErrorType::InvalidOrganizationAuthFactorSetting,
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

/// Look an organization up by id, or by slug (Stytch accepts a slug wherever an org id is
/// expected).
pub fn get_org(conn: &Connection, id_or_slug: &str) -> ApiResult<Option<Value>> {
    let row: Option<String> = conn
        .prepare_cached(
            "SELECT data FROM organizations WHERE organization_id = ?1 OR slug = ?1 LIMIT 1",
        )?
        .query_row(params![id_or_slug], |r| r.get(0))
        .optional()?;
    row.map(parse_stored).transpose()
}

/// Look an organization up by slug only.
pub fn get_org_by_slug(conn: &Connection, slug: &str) -> ApiResult<Option<Value>> {
    let row: Option<String> = conn
        .query_row(
            "SELECT data FROM organizations WHERE slug = ?1",
            params![slug],
            |r| r.get(0),
        )
        .optional()?;
    row.map(parse_stored).transpose()
}

pub fn list_orgs(conn: &Connection) -> ApiResult<Vec<Value>> {
    let mut st = conn.prepare("SELECT data FROM organizations ORDER BY rowid")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(parse_stored(r?)?);
    }
    Ok(out)
}

/// Insert an organization; `organization_slug_already_used` on a slug clash.
pub fn insert_org(conn: &Connection, org: &Value) -> ApiResult<()> {
    let slug = org["organization_slug"].as_str().unwrap_or("");
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM organizations WHERE slug = ?1 OR organization_id = ?1)",
        params![slug],
        |r| r.get(0),
    )?;
    if taken {
        return Err(ApiError::new(
            ErrorType::OrganizationSlugAlreadyUsed,
            "The organization_slug is already used by another organization in this project.",
        ));
    }
    conn.execute(
        "INSERT INTO organizations (organization_id, slug, data) VALUES (?1, ?2, ?3)",
        params![
            org["organization_id"].as_str().unwrap_or(""),
            slug,
            org.to_string()
        ],
    )?;
    Ok(())
}

pub fn org_id(org: &Value) -> &str {
    org["organization_id"].as_str().unwrap_or("")
}

// ------------------------------------------------------------------ organizations

/// Fields of an organization update. Unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct OrgPatch {
    pub organization_name: Option<String>,
    pub organization_slug: Option<String>,
    pub organization_logo_url: Option<String>,
    pub sso_default_connection_id: Option<String>,
    pub sso_jit_provisioning: Option<String>,
    pub sso_jit_provisioning_allowed_connections: Option<Vec<String>>,
    pub email_allowed_domains: Option<Vec<String>>,
    pub email_jit_provisioning: Option<String>,
    pub email_invites: Option<String>,
    pub auth_methods: Option<String>,
    pub allowed_auth_methods: Option<Vec<String>>,
    pub mfa_methods: Option<String>,
    pub allowed_mfa_methods: Option<Vec<String>>,
    pub mfa_policy: Option<String>,
    pub rbac_email_implicit_role_assignments: Option<Vec<ImplicitRole>>,
    pub oauth_tenant_jit_provisioning: Option<String>,
    pub allowed_oauth_tenants: Option<Map<String, Value>>,
    pub first_party_connected_apps_allowed_type: Option<String>,
    pub allowed_first_party_connected_apps: Option<Vec<String>>,
    pub third_party_connected_apps_allowed_type: Option<String>,
    pub allowed_third_party_connected_apps: Option<Vec<String>>,
    /// Backend only.
    pub trusted_metadata: Option<Map<String, Value>>,
    /// Backend only.
    pub organization_external_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ImplicitRole {
    pub role_id: String,
    pub domain: String,
}

impl OrgPatch {
    /// Names of the fields that are present (not absent, not null).
    fn present(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        macro_rules! p {
            ($($f:ident),*) => { $( if self.$f.is_some() { v.push(stringify!($f)); } )* };
        }
        p!(
            organization_name,
            organization_slug,
            organization_logo_url,
            sso_default_connection_id,
            sso_jit_provisioning,
            sso_jit_provisioning_allowed_connections,
            email_allowed_domains,
            email_jit_provisioning,
            email_invites,
            auth_methods,
            allowed_auth_methods,
            mfa_methods,
            allowed_mfa_methods,
            mfa_policy,
            rbac_email_implicit_role_assignments,
            oauth_tenant_jit_provisioning,
            allowed_oauth_tenants,
            first_party_connected_apps_allowed_type,
            allowed_first_party_connected_apps,
            third_party_connected_apps_allowed_type,
            allowed_third_party_connected_apps,
            trusted_metadata,
            organization_external_id
        );
        v
    }
}

fn str_of(org: &Value, k: &str) -> Option<String> {
    org[k].as_str().map(String::from)
}

fn strs_of(org: &Value, k: &str) -> Option<Vec<String>> {
    Some(
        org[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// Update an organization (RBAC per field when `actor` is set). `sdk`: the SDK surface, where
/// `trusted_metadata` and `organization_external_id` are not writable.
pub fn update_org(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    mut org: Value,
    patch: OrgPatch,
    sdk: bool,
    now: i64,
) -> ApiResult<Value> {
    if sdk && patch.trusted_metadata.is_some() {
        return Err(ApiError::new(
            ErrorType::CannotUpdateTrustedMetadata,
            "trusted_metadata cannot be updated from the SDK.",
        ));
    }
    for field in patch.present() {
        let action = rbac::ORG_UPDATE_FIELDS
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, a)| *a)
            .unwrap_or("update.settings.connected-apps");
        if sdk && field == "organization_external_id" {
            continue;
        }
        rbac::check(seed, &org, actor, rbac::ORGANIZATION, action, false)?;
    }
    let external_id = if sdk {
        None
    } else {
        patch.organization_external_id.clone()
    };
    let settings = OrgSettings {
        organization_name: patch
            .organization_name
            .clone()
            .or_else(|| str_of(&org, "organization_name")),
        organization_slug: patch
            .organization_slug
            .clone()
            .or_else(|| str_of(&org, "organization_slug")),
        organization_logo_url: patch
            .organization_logo_url
            .clone()
            .or_else(|| str_of(&org, "organization_logo_url")),
        organization_external_id: external_id.or_else(|| str_of(&org, "organization_external_id")),
        trusted_metadata: None,
        email_allowed_domains: patch
            .email_allowed_domains
            .clone()
            .or_else(|| strs_of(&org, "email_allowed_domains")),
        email_jit_provisioning: patch
            .email_jit_provisioning
            .clone()
            .or_else(|| str_of(&org, "email_jit_provisioning")),
        email_invites: patch
            .email_invites
            .clone()
            .or_else(|| str_of(&org, "email_invites")),
        sso_jit_provisioning: patch
            .sso_jit_provisioning
            .clone()
            .or_else(|| str_of(&org, "sso_jit_provisioning")),
        auth_methods: patch
            .auth_methods
            .clone()
            .or_else(|| str_of(&org, "auth_methods")),
        allowed_auth_methods: patch
            .allowed_auth_methods
            .clone()
            .or_else(|| strs_of(&org, "allowed_auth_methods")),
        mfa_methods: patch
            .mfa_methods
            .clone()
            .or_else(|| str_of(&org, "mfa_methods")),
        allowed_mfa_methods: patch
            .allowed_mfa_methods
            .clone()
            .or_else(|| strs_of(&org, "allowed_mfa_methods")),
        mfa_policy: patch
            .mfa_policy
            .clone()
            .or_else(|| str_of(&org, "mfa_policy")),
        oauth_tenant_jit_provisioning: patch
            .oauth_tenant_jit_provisioning
            .clone()
            .or_else(|| str_of(&org, "oauth_tenant_jit_provisioning")),
    };
    let id = org_id(&org).to_string();
    let valid = new_organization(&settings, &id, now)?;
    let slug = valid["organization_slug"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM organizations WHERE (slug = ?1 OR organization_id = ?1) AND organization_id != ?2)",
        params![slug, id],
        |r| r.get(0),
    )?;
    if taken {
        return Err(ApiError::new(
            ErrorType::OrganizationSlugAlreadyUsed,
            "The organization_slug is already used by another organization in this project.",
        ));
    }
    if let Some(c) = patch
        .sso_default_connection_id
        .as_deref()
        .filter(|c| !c.is_empty())
        && !sso::belongs_to(conn, &org, c)?
    {
        return Err(ApiError::new(
            ErrorType::InvalidSsoDefaultConnectionId,
            format!("{c} is not an SSO connection of this organization."),
        ));
    }
    for c in patch
        .sso_jit_provisioning_allowed_connections
        .iter()
        .flatten()
    {
        if !sso::belongs_to(conn, &org, c)? {
            return Err(ApiError::new(
                ErrorType::InvalidConnectionForJitProvisioning,
                "sso_jit_provisioning_allowed_connections may list only SSO connections of this organization.",
            ));
        }
    }
    if let Some(assignments) = &patch.rbac_email_implicit_role_assignments {
        let roles: Vec<String> = assignments.iter().map(|a| a.role_id.clone()).collect();
        check_roles(seed, &org, &roles)?;
        for a in assignments {
            let d = a.domain.trim();
            if !d.contains('.') || d.starts_with('.') || d.ends_with('.') || d.contains('@') {
                return Err(ApiError::new(
                    ErrorType::RbacInvalidDomain,
                    format!("{d} is not a valid domain."),
                ));
            }
        }
    }
    if let Some(t) = &patch.allowed_oauth_tenants {
        let ok = t.iter().all(|(k, v)| {
            ["slack", "hubspot", "github"].contains(&k.as_str())
                && v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
        });
        if !ok {
            return Err(ApiError::new(
                ErrorType::InvalidOauthAllowedTenantsFormat,
                "allowed_oauth_tenants must map slack, hubspot or github to arrays of tenant ids.",
            ));
        }
    }
    for t in [
        &patch.first_party_connected_apps_allowed_type,
        &patch.third_party_connected_apps_allowed_type,
    ]
    .into_iter()
    .flatten()
    {
        if !["ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"].contains(&t.as_str()) {
            return Err(ApiError::new(
                ErrorType::InvalidArgument,
                "connected_apps_allowed_type must be one of ALL_ALLOWED, RESTRICTED, NOT_ALLOWED.",
            ));
        }
    }
    let Some(o) = org.as_object_mut() else {
        return Err(ApiError::internal());
    };
    for k in [
        "organization_name",
        "organization_slug",
        "organization_logo_url",
        "organization_external_id",
        "email_allowed_domains",
        "email_jit_provisioning",
        "email_invites",
        "sso_jit_provisioning",
        "auth_methods",
        "allowed_auth_methods",
        "mfa_methods",
        "allowed_mfa_methods",
        "mfa_policy",
        "oauth_tenant_jit_provisioning",
    ] {
        o.insert(k.into(), valid[k].clone());
    }
    if let Some(c) = patch.sso_default_connection_id {
        let v = if c.is_empty() { Value::Null } else { json!(c) };
        o.insert("sso_default_connection_id".into(), v);
    }
    if let Some(list) = patch.sso_jit_provisioning_allowed_connections {
        o.insert(
            "sso_jit_provisioning_allowed_connections".into(),
            json!(list),
        );
    }
    if let Some(a) = patch.rbac_email_implicit_role_assignments {
        let v: Vec<Value> = a
            .into_iter()
            .map(|a| json!({"role_id": a.role_id, "domain": a.domain.trim().to_ascii_lowercase()}))
            .collect();
        o.insert(
            "rbac_email_implicit_role_assignments".into(),
            Value::Array(v),
        );
    }
    if let Some(t) = patch.allowed_oauth_tenants {
        o.insert("allowed_oauth_tenants".into(), Value::Object(t));
    }
    for (k, v) in [
        (
            "first_party_connected_apps_allowed_type",
            patch
                .first_party_connected_apps_allowed_type
                .map(Value::from),
        ),
        (
            "third_party_connected_apps_allowed_type",
            patch
                .third_party_connected_apps_allowed_type
                .map(Value::from),
        ),
        (
            "allowed_first_party_connected_apps",
            patch.allowed_first_party_connected_apps.map(Value::from),
        ),
        (
            "allowed_third_party_connected_apps",
            patch.allowed_third_party_connected_apps.map(Value::from),
        ),
    ] {
        if let Some(v) = v {
            o.insert(k.into(), v);
        }
    }
    if let Some(t) = patch.trusted_metadata.filter(|_| !sdk) {
        o.insert("trusted_metadata".into(), Value::Object(t));
    }
    o.insert("updated_at".into(), json!(rfc3339(now)));
    conn.execute(
        "UPDATE organizations SET slug = ?2, data = ?3 WHERE organization_id = ?1",
        params![id, slug, org.to_string()],
    )?;
    Ok(org)
}

/// Delete an organization with all its Members, sessions and links.
pub fn delete_org(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
) -> ApiResult<()> {
    rbac::check(seed, org, actor, rbac::ORGANIZATION, "delete", false)?;
    let id = org_id(org);
    conn.execute(
        "DELETE FROM sessions WHERE organization_id = ?1",
        params![id],
    )?;
    one_time_tokens::delete_organization(conn, id)?;
    crate::domain::totp::delete_organization(conn, id)?;
    sso::delete_organization(conn, id)?;
    crate::domain::scim::delete_organization(conn, id)?;
    conn.execute(
        "DELETE FROM members WHERE organization_id = ?1",
        params![id],
    )?;
    conn.execute(
        "DELETE FROM organizations WHERE organization_id = ?1",
        params![id],
    )?;
    Ok(())
}
