//! Organization and Member administration shared by the SDK surface (`sdk_admin`) and the backend
//! surface (`backend_admin`): validation, RBAC, status transitions, search.
//!
//! Decisions where the references are silent (each is also noted where it is implemented):
//! * a Member of another organization, or a `deleted` Member targeted by anything but
//!   reactivate/search → 404 `member_not_found` (no cross-tenant leak);
//! * changing `email_address` (member update, or the email-update link) retires the old address
//!   into `retired_email_addresses` (unless `unlink_email: true`) and marks the new one
//!   unverified until a verifying login; an address used by another Member → 400
//!   `duplicate_member_email`, one retired by another Member → 400 `retired_member_email`;
//! * `members.delete` sets `deleted`, revokes the Member's sessions and unused links;
//!   `reactivate` on a non-deleted Member → 404 `no_deleted_member_found_for_reactivation`, on an
//!   unverified email → 400 `email_unverified_for_reactivation`;
//! * invite of a `deleted` Member makes it `invited` again (it needs `stytch.member`/`create`, the
//!   same permission as reactivate); of an `active` one → 400 `duplicate_member_email`;
//!   `email_invites: NOT_ALLOWED`, or `RESTRICTED` with a domain outside `email_allowed_domains`
//!   → 400 `invalid_email_for_invites`;
//! * `start_email_update` supports `EMAIL_MAGIC_LINK` (default) only; the link is valid 5 minutes
//!   and completes through `magic_links/authenticate`;
//! * search: keyset pagination on `(created_at, member_id)`; the cursor is base64url JSON and
//!   opaque; a cursor that does not decode → 400 `bad_request`; `limit` outside 1..=1000 → 400
//!   `invalid_argument`; `deleted` Members are returned only when a `statuses` filter asks for them;
//! * organization update: the connected-apps fields have no documented action and need
//!   `stytch.organization` / `update.settings.connected-apps` (so only a `*` grant passes); no SSO
//!   connections are emulated, so a non-empty `sso_default_connection_id` → 400
//!   `invalid_sso_default_connection_id` and a non-empty `sso_jit_provisioning_allowed_connections`
//!   → 400 `invalid_connection_for_jit_provisioning`; `trusted_metadata` from the SDK → 401
//!   `cannot_update_trusted_metadata`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::models::{self, NewMember, role_ids};
use crate::rbac::{self, Actor};
use crate::seed::{OrgSettings, Seed};
use crate::session::{self, SessionRow};
use crate::store::{self, MemberRow, Message};
use crate::util::{email_domain, hash_token, new_id, normalize_email, random_token, rfc3339};

// ------------------------------------------------------------------ helpers

/// The Actor of a live session, with its Member and organization.
pub fn actor_of(conn: &Connection, row: &SessionRow) -> ApiResult<(Actor, MemberRow, Value)> {
    let (member, org) = session::load_owner(conn, row)?;
    let actor = Actor {
        member_id: member.member_id().to_string(),
        organization_id: row.organization_id.clone(),
        roles: role_ids(&member.data),
    };
    Ok((actor, member, org))
}

pub fn org_id(org: &Value) -> &str {
    org["organization_id"].as_str().unwrap_or("")
}

/// A Member of `org` (any status).
pub fn member_in_org(conn: &Connection, org: &Value, member_id: &str) -> ApiResult<MemberRow> {
    store::get_member(conn, member_id)?
        .filter(|m| m.data["organization_id"] == org["organization_id"])
        .ok_or_else(ApiError::member_not_found)
}

/// A non-deleted Member of `org`.
pub fn live_member_in_org(conn: &Connection, org: &Value, member_id: &str) -> ApiResult<MemberRow> {
    let m = member_in_org(conn, org, member_id)?;
    if m.status() == "deleted" {
        return Err(ApiError::member_not_found());
    }
    Ok(m)
}

fn is_self(actor: Option<&Actor>, member: &MemberRow) -> bool {
    actor.is_some_and(|a| a.member_id == member.member_id())
}

fn set(member: &mut MemberRow, key: &str, value: Value) {
    if let Some(o) = member.data.as_object_mut() {
        o.insert(key.to_string(), value);
    }
}

/// Persist a Member (JSON and the indexed email column).
pub fn save_member(conn: &Connection, m: &MemberRow) -> ApiResult<()> {
    conn.execute(
        "UPDATE members SET data = ?2, email = ?3, email_id = ?4 WHERE member_id = ?1",
        params![m.member_id(), m.data.to_string(), m.email(), m.email_id],
    )?;
    Ok(())
}

/// E.164: `+` then 2..=15 digits, not starting with 0.
pub fn check_phone(p: &str) -> ApiResult<()> {
    let digits = p.strip_prefix('+').unwrap_or("");
    let ok = (2..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            400,
            "invalid_phone_number",
            "mfa_phone_number must be an E.164 phone number, e.g. +15555550100.",
        ))
    }
}

/// Fail when `email` belongs to (or was retired by) another Member of the organization.
fn check_email_free(
    conn: &Connection,
    org_id: &str,
    email: &str,
    me: Option<&str>,
) -> ApiResult<()> {
    if let Some(other) = store::find_member(conn, org_id, email)?
        && Some(other.member_id()) != me
    {
        return Err(ApiError::new(
            400,
            "duplicate_member_email",
            "A Member with that email address already exists in this organization.",
        ));
    }
    let mut st = conn.prepare("SELECT data FROM members WHERE organization_id = ?1")?;
    let rows = st.query_map(params![org_id], |r| r.get::<_, String>(0))?;
    for r in rows {
        let m: Value = serde_json::from_str(&r?)?;
        if Some(m["member_id"].as_str().unwrap_or("")) == me {
            continue;
        }
        let retired = m["retired_email_addresses"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["email_address"].as_str() == Some(email)));
        if retired {
            return Err(ApiError::new(
                400,
                "retired_member_email",
                "That email address was retired by another Member of this organization; unlink it first.",
            ));
        }
    }
    Ok(())
}

/// Change a Member's email: retire the old one (unless `unlink`), new email id, unverified.
fn change_email(
    conn: &Connection,
    member: &mut MemberRow,
    new_email: &str,
    unlink: bool,
    now: i64,
) -> ApiResult<()> {
    if new_email == member.email() {
        return Ok(());
    }
    let org = member.data["organization_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    check_email_free(conn, &org, new_email, Some(member.member_id()))?;
    if !unlink {
        let old = json!({"email_id": member.email_id, "email_address": member.email()});
        if let Some(a) = member.data["retired_email_addresses"].as_array_mut() {
            a.push(old);
        } else {
            set(member, "retired_email_addresses", json!([old]));
        }
    }
    member.email_id = new_id("email");
    set(member, "email_address", json!(new_email));
    set(member, "email_address_verified", json!(false));
    set(member, "updated_at", json!(rfc3339(now)));
    Ok(())
}

fn check_roles(seed: &Seed, org: &Value, roles: &[String]) -> ApiResult<()> {
    let custom: Vec<String> = org["custom_roles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["role_id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let project_roles: Vec<String> = roles
        .iter()
        .filter(|r| !custom.contains(r))
        .cloned()
        .collect();
    models::validate_roles(seed, &project_roles)?;
    if roles.iter().any(|r| r == "stytch_member") {
        return Err(ApiError::new(
            400,
            "cannot_assign_default_rbac_role_id",
            "stytch_member is granted to every Member and cannot be assigned explicitly.",
        ));
    }
    Ok(())
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
            401,
            "cannot_update_trusted_metadata",
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
    let valid = models::new_organization(&settings, &id, now)?;
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
            400,
            "organization_slug_already_used",
            "The organization_slug is already used by another organization in this project.",
        ));
    }
    if let Some(c) = patch
        .sso_default_connection_id
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        return Err(ApiError::new(
            400,
            "invalid_sso_default_connection_id",
            format!("{c} is not an active SSO connection of this organization."),
        ));
    }
    if patch
        .sso_jit_provisioning_allowed_connections
        .as_ref()
        .is_some_and(|c| !c.is_empty())
    {
        return Err(ApiError::new(
            400,
            "invalid_connection_for_jit_provisioning",
            "sso_jit_provisioning_allowed_connections may list only active SSO connections of this organization.",
        ));
    }
    if let Some(assignments) = &patch.rbac_email_implicit_role_assignments {
        let roles: Vec<String> = assignments.iter().map(|a| a.role_id.clone()).collect();
        check_roles(seed, &org, &roles)?;
        for a in assignments {
            let d = a.domain.trim();
            if !d.contains('.') || d.starts_with('.') || d.ends_with('.') || d.contains('@') {
                return Err(ApiError::new(
                    400,
                    "rbac_invalid_domain",
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
                400,
                "invalid_oauth_allowed_tenants_format",
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
                400,
                "invalid_argument",
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
    if patch.sso_default_connection_id.is_some() {
        o.insert("sso_default_connection_id".into(), Value::Null);
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
    conn.execute(
        "DELETE FROM magic_links WHERE organization_id = ?1",
        params![id],
    )?;
    conn.execute(
        "DELETE FROM email_updates WHERE organization_id = ?1",
        params![id],
    )?;
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

// ------------------------------------------------------------------ members

/// `members.create` body (SDK and backend; `trusted_metadata` and `external_id` are backend only).
#[derive(Debug, Default, Deserialize)]
pub struct MemberCreate {
    pub email_address: String,
    pub name: Option<String>,
    pub trusted_metadata: Option<Map<String, Value>>,
    pub untrusted_metadata: Option<Map<String, Value>>,
    pub create_member_as_pending: Option<bool>,
    pub is_breakglass: Option<bool>,
    pub mfa_phone_number: Option<String>,
    pub mfa_enrolled: Option<bool>,
    pub roles: Option<Vec<String>>,
    pub external_id: Option<String>,
}

/// Create a Member (`active`, or `pending` with `create_member_as_pending`).
pub fn create_member(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    req: MemberCreate,
    now: i64,
) -> ApiResult<MemberRow> {
    rbac::check(seed, org, actor, rbac::MEMBER, "create", false)?;
    let email = normalize_email(&req.email_address)?;
    let roles = req.roles.unwrap_or_default();
    check_roles(seed, org, &roles)?;
    if let Some(p) = req.mfa_phone_number.as_deref().filter(|p| !p.is_empty()) {
        check_phone(p)?;
    }
    let oid = org_id(org).to_string();
    check_email_free(conn, &oid, &email, None)?;
    let member_id = new_id("member");
    let status = if req.create_member_as_pending.unwrap_or(false) {
        "pending"
    } else {
        "active"
    };
    let data = models::new_member(
        &NewMember {
            organization_id: &oid,
            member_id: &member_id,
            email: &email,
            name: req.name.as_deref().unwrap_or(""),
            roles: &roles,
            status,
            email_address_verified: false,
            is_breakglass: req.is_breakglass.unwrap_or(false),
            trusted_metadata: Value::Object(req.trusted_metadata.unwrap_or_default()),
            untrusted_metadata: Value::Object(req.untrusted_metadata.unwrap_or_default()),
            external_id: req.external_id.as_deref().unwrap_or(""),
            mfa_phone_number: req.mfa_phone_number.as_deref().unwrap_or(""),
            mfa_enrolled: req.mfa_enrolled.unwrap_or(false),
        },
        now,
    );
    let row = MemberRow {
        data,
        email_id: new_id("email"),
    };
    store::insert_member(conn, &row)?;
    Ok(row)
}

/// `members.update` / `self.update` body. Unknown fields (e.g. `member_id`, which the SDK repeats
/// in the body) are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct MemberPatch {
    pub name: Option<String>,
    pub untrusted_metadata: Option<Map<String, Value>>,
    pub is_breakglass: Option<bool>,
    pub mfa_phone_number: Option<String>,
    pub mfa_enrolled: Option<bool>,
    pub roles: Option<Vec<String>>,
    /// Accepted and ignored: session roles are always read live from the Member.
    #[allow(dead_code)]
    pub preserve_existing_sessions: Option<bool>,
    pub default_mfa_method: Option<String>,
    pub email_address: Option<String>,
    pub unlink_email: Option<bool>,
    /// Backend only.
    pub trusted_metadata: Option<Map<String, Value>>,
    /// Backend only.
    pub external_id: Option<String>,
}

/// Which surface an update comes from: the member fields each accepts differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `organization.members.update` (admin path).
    Sdk,
    /// `self.update`: only name, untrusted_metadata, mfa_enrolled, mfa_phone_number,
    /// default_mfa_method, each checked on `stytch.self`.
    SdkSelf,
    Backend,
}

/// Update a Member with per-field RBAC.
#[allow(clippy::too_many_arguments)]
pub fn update_member(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    mut member: MemberRow,
    mut patch: MemberPatch,
    surface: Surface,
    now: i64,
) -> ApiResult<MemberRow> {
    if surface != Surface::Backend {
        patch.trusted_metadata = None;
        patch.external_id = None;
    }
    if surface == Surface::SdkSelf {
        patch.is_breakglass = None;
        patch.roles = None;
        patch.email_address = None;
        patch.unlink_email = None;
    }
    let me = is_self(actor, &member);
    let present = [
        ("name", patch.name.is_some()),
        ("untrusted_metadata", patch.untrusted_metadata.is_some()),
        ("mfa_phone_number", patch.mfa_phone_number.is_some()),
        ("mfa_enrolled", patch.mfa_enrolled.is_some()),
        ("default_mfa_method", patch.default_mfa_method.is_some()),
        ("is_breakglass", patch.is_breakglass.is_some()),
        ("roles", patch.roles.is_some()),
        ("email_address", patch.email_address.is_some()),
    ];
    for (field, action, self_ok) in rbac::MEMBER_UPDATE_FIELDS {
        if !present.iter().any(|(f, p)| f == field && *p) {
            continue;
        }
        if surface == Surface::SdkSelf {
            rbac::check(seed, org, actor, rbac::SELF, action, false)?;
        } else {
            rbac::check(seed, org, actor, rbac::MEMBER, action, *self_ok && me)?;
        }
    }
    if let Some(p) = patch.mfa_phone_number.as_deref() {
        check_phone(p)?;
    }
    if let Some(m) = patch.default_mfa_method.as_deref()
        && !["sms_otp", "totp"].contains(&m)
    {
        return Err(ApiError::new(
            400,
            "invalid_mfa_default_method",
            "default_mfa_method must be sms_otp or totp.",
        ));
    }
    if let Some(roles) = &patch.roles {
        check_roles(seed, org, roles)?;
    }
    if let Some(e) = patch.external_id.as_deref()
        && (e.len() > 128
            || !e
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '|' | '-')))
    {
        return Err(ApiError::new(
            400,
            "invalid_argument",
            "external_id may contain only A-Z a-z 0-9 . _ | - and be at most 128 characters.",
        ));
    }
    if let Some(e) = patch.email_address.as_deref() {
        let email = normalize_email(e)?;
        change_email(
            conn,
            &mut member,
            &email,
            patch.unlink_email.unwrap_or(false),
            now,
        )?;
    }
    if let Some(n) = patch.name {
        set(&mut member, "name", json!(n));
    }
    if let Some(m) = patch.untrusted_metadata {
        set(&mut member, "untrusted_metadata", Value::Object(m));
    }
    if let Some(m) = patch.trusted_metadata {
        set(&mut member, "trusted_metadata", Value::Object(m));
    }
    if let Some(e) = patch.external_id {
        set(&mut member, "external_id", json!(e));
    }
    if let Some(b) = patch.is_breakglass {
        set(&mut member, "is_breakglass", json!(b));
    }
    if let Some(p) = patch.mfa_phone_number {
        if member.data["mfa_phone_number"].as_str() != Some(p.as_str()) {
            set(&mut member, "mfa_phone_number_verified", json!(false));
        }
        set(&mut member, "mfa_phone_number", json!(p));
    }
    if let Some(b) = patch.mfa_enrolled {
        set(&mut member, "mfa_enrolled", json!(b));
    }
    if let Some(m) = patch.default_mfa_method {
        set(&mut member, "default_mfa_method", json!(m));
    }
    if let Some(roles) = patch.roles {
        let v = models::member_roles(&roles);
        let admin = roles.iter().any(|r| r == "stytch_admin");
        set(&mut member, "roles", v);
        set(&mut member, "is_admin", json!(admin));
    }
    set(&mut member, "updated_at", json!(rfc3339(now)));
    save_member(conn, &member)?;
    Ok(member)
}

/// Delete a Member: `deleted`, sessions revoked, unused links voided. `stytch.member`/`delete`,
/// or `stytch.self`/`delete` on oneself.
pub fn delete_member(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    mut member: MemberRow,
    now: i64,
) -> ApiResult<MemberRow> {
    let me = is_self(actor, &member);
    rbac::check(seed, org, actor, rbac::MEMBER, "delete", me)?;
    set(&mut member, "status", json!("deleted"));
    set(&mut member, "updated_at", json!(rfc3339(now)));
    save_member(conn, &member)?;
    session::revoke_member(conn, member.member_id())?;
    conn.execute(
        "UPDATE magic_links SET used = 1 WHERE member_id = ?1",
        params![member.member_id()],
    )?;
    Ok(member)
}

/// Reactivate a `deleted` Member with a verified email (`stytch.member`/`create`).
pub fn reactivate_member(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    mut member: MemberRow,
    now: i64,
) -> ApiResult<MemberRow> {
    rbac::check(seed, org, actor, rbac::MEMBER, "create", false)?;
    if member.status() != "deleted" {
        return Err(ApiError::new(
            404,
            "no_deleted_member_found_for_reactivation",
            "No deleted Member with that member_id was found for reactivation.",
        ));
    }
    if member.data["email_address_verified"] != json!(true) {
        return Err(ApiError::new(
            400,
            "email_unverified_for_reactivation",
            "Only a Member with a verified email address can be reactivated.",
        ));
    }
    set(&mut member, "status", json!("active"));
    set(&mut member, "updated_at", json!(rfc3339(now)));
    save_member(conn, &member)?;
    Ok(member)
}

/// What a factor deletion removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Password,
    MfaPhone,
    Totp,
}

/// Delete a password, MFA phone or TOTP of a Member. Admin path: `stytch.member` (or the same
/// `stytch.self` action on oneself); self path (`self_path`): `stytch.self`.
#[allow(clippy::too_many_arguments)]
pub fn delete_factor(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    mut member: MemberRow,
    factor: Factor,
    self_path: bool,
    now: i64,
) -> ApiResult<MemberRow> {
    let action = match factor {
        Factor::Password => "update.info.delete.password",
        Factor::MfaPhone => "update.info.delete.mfa-phone",
        Factor::Totp => "update.info.delete.mfa-totp",
    };
    if self_path {
        rbac::check(seed, org, actor, rbac::SELF, action, false)?;
    } else {
        rbac::check(
            seed,
            org,
            actor,
            rbac::MEMBER,
            action,
            is_self(actor, &member),
        )?;
    }
    match factor {
        Factor::Password => {
            set(&mut member, "member_password_id", json!(""));
        }
        Factor::MfaPhone => {
            set(&mut member, "mfa_phone_number", json!(""));
            set(&mut member, "mfa_phone_number_verified", json!(false));
            if member.data["default_mfa_method"] == "sms_otp" {
                set(&mut member, "default_mfa_method", json!(""));
            }
        }
        Factor::Totp => {
            set(&mut member, "totp_registration_id", json!(""));
            if member.data["default_mfa_method"] == "totp" {
                set(&mut member, "default_mfa_method", json!(""));
            }
        }
    }
    set(&mut member, "updated_at", json!(rfc3339(now)));
    save_member(conn, &member)?;
    Ok(member)
}

/// The Member of `org` whose `member_password_id` is `password_id`.
pub fn member_by_password(
    conn: &Connection,
    org: &Value,
    password_id: &str,
) -> ApiResult<MemberRow> {
    let not_found = || {
        ApiError::new(
            404,
            "member_password_not_found",
            "Member password could not be found.",
        )
    };
    if password_id.is_empty() {
        return Err(not_found());
    }
    let mut st = conn.prepare("SELECT member_id FROM members WHERE organization_id = ?1")?;
    let ids: Vec<String> = st
        .query_map(params![org_id(org)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        if let Some(m) = store::get_member(conn, &id)?
            && m.status() != "deleted"
            && m.data["member_password_id"].as_str() == Some(password_id)
        {
            return Ok(m);
        }
    }
    Err(not_found())
}

#[derive(Debug, Default, Deserialize)]
pub struct UnlinkReq {
    pub email_id: Option<String>,
    pub email_address: Option<String>,
}

/// Remove a retired email (`update.info.unlink.retired-email`).
#[allow(clippy::too_many_arguments)]
pub fn unlink_retired_email(
    conn: &Connection,
    seed: &Seed,
    actor: Option<&Actor>,
    org: &Value,
    mut member: MemberRow,
    req: UnlinkReq,
    self_path: bool,
    now: i64,
) -> ApiResult<MemberRow> {
    let action = "update.info.unlink.retired-email";
    if self_path {
        rbac::check(seed, org, actor, rbac::SELF, action, false)?;
    } else {
        rbac::check(
            seed,
            org,
            actor,
            rbac::MEMBER,
            action,
            is_self(actor, &member),
        )?;
    }
    let id = req.email_id.filter(|s| !s.is_empty());
    let addr = req
        .email_address
        .filter(|s| !s.is_empty())
        .map(|a| a.trim().to_ascii_lowercase());
    if id.is_none() && addr.is_none() {
        return Err(ApiError::new(
            400,
            "retired_email_missing_email_identifiers",
            "Pass email_id or email_address.",
        ));
    }
    let list = member.data["retired_email_addresses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let matches = |e: &Value| {
        id.as_deref()
            .is_none_or(|i| e["email_id"].as_str() == Some(i))
            && addr
                .as_deref()
                .is_none_or(|a| e["email_address"].as_str() == Some(a))
    };
    if !list.iter().any(matches) {
        return Err(ApiError::new(
            404,
            "email_not_found",
            "No retired email of this Member matches.",
        ));
    }
    let kept: Vec<Value> = list.into_iter().filter(|e| !matches(e)).collect();
    set(&mut member, "retired_email_addresses", Value::Array(kept));
    set(&mut member, "updated_at", json!(rfc3339(now)));
    save_member(conn, &member)?;
    Ok(member)
}

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

/// Minutes an email-update link lives (semantics §4).
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
                400,
                "invalid_argument",
                "delivery_method must be EMAIL_MAGIC_LINK (EMAIL_OTP is not emulated).",
            ));
        }
    }
    let email = normalize_email(&req.email_address)?;
    if email == member.email() {
        return Err(ApiError::new(
            400,
            "duplicate_member_email",
            "That is already the Member's email address.",
        ));
    }
    check_email_free(conn, org_id(org), &email, Some(member.member_id()))?;
    let url = redirect(seed, req.login_redirect_url.as_deref(), "login")?;
    let token = random_token()?;
    let hash = hash_token(&token);
    conn.execute(
        "INSERT INTO magic_links (token_hash, member_id, organization_id, pkce_challenge, expires_at, used, created_at)
         VALUES (?1, ?2, ?3, NULL, ?4, 0, ?5)",
        params![hash, member.member_id(), org_id(org), now + EMAIL_UPDATE_MINUTES * 60, now],
    )?;
    conn.execute(
        "INSERT INTO email_updates (token_hash, member_id, organization_id, new_email) VALUES (?1, ?2, ?3, ?4)",
        params![hash, member.member_id(), org_id(org), email],
    )?;
    let link = with_token(&url, &token);
    let org_name = org["organization_name"].as_str().unwrap_or("");
    store::insert_message(
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

/// Called by `magic_links/authenticate` once a link is consumed: if it was an email-update link,
/// switch the Member's email (the caller then marks it verified).
pub fn complete_email_update(
    conn: &Connection,
    token_hash: &str,
    member: &mut MemberRow,
    now: i64,
) -> ApiResult<()> {
    let new_email: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT new_email FROM email_updates WHERE token_hash = ?1 AND member_id = ?2",
        params![token_hash, member.member_id()],
        |r| r.get(0),
    ))?;
    if let Some(e) = new_email {
        conn.execute(
            "DELETE FROM email_updates WHERE token_hash = ?1",
            params![token_hash],
        )?;
        change_email(conn, member, &e, false, now)?;
        save_member(conn, member)?;
    }
    Ok(())
}

fn redirect(seed: &Seed, url: Option<&str>, kind: &'static str) -> ApiResult<String> {
    let urls = &seed.redirect_urls;
    match url {
        Some(u) if urls.iter().any(|x| x == u) => Ok(u.to_string()),
        Some(_) => Err(ApiError::new(
            400,
            "no_match_for_provided_magic_link_url",
            "The redirect URL is not one of the project's allowed redirect URLs.",
        )),
        None => urls.first().cloned().ok_or_else(|| {
            if kind == "invite" {
                ApiError::new(
                    400,
                    "no_invite_redirect_urls_set",
                    "No invite redirect URL is configured.",
                )
            } else {
                ApiError::new(
                    400,
                    "no_login_redirect_urls_set",
                    "No login redirect URL is configured.",
                )
            }
        }),
    }
}

fn with_token(url: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}stytch_token_type=multi_tenant_magic_links&token={token}")
}

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
            400,
            "invalid_expiration",
            "invite_expiration_minutes must be between 5 and 10080.",
        ));
    }
    let policy = org["email_invites"].as_str().unwrap_or("ALL_ALLOWED");
    let domain_ok = org["email_allowed_domains"]
        .as_array()
        .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(email_domain(&email))));
    if policy == "NOT_ALLOWED" || (policy == "RESTRICTED" && !domain_ok) {
        return Err(ApiError::new(
            400,
            "invalid_email_for_invites",
            "This organization's email_invites setting does not allow inviting this email address.",
        ));
    }
    let url = redirect(seed, req.invite_redirect_url.as_deref(), "invite")?;
    let oid = org_id(org).to_string();
    let member = match store::find_member(conn, &oid, &email)? {
        Some(m) if m.status() == "active" => {
            return Err(ApiError::new(
                400,
                "duplicate_member_email",
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
                set(&mut m, "roles", models::member_roles(r));
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
            let data = models::new_member(
                &NewMember {
                    organization_id: &oid,
                    member_id: &member_id,
                    email: &email,
                    name: req.name.as_deref().unwrap_or(""),
                    roles: &roles,
                    status: "invited",
                    email_address_verified: false,
                    is_breakglass: false,
                    trusted_metadata: json!({}),
                    untrusted_metadata: Value::Object(
                        req.untrusted_metadata.clone().unwrap_or_default(),
                    ),
                    external_id: "",
                    mfa_phone_number: "",
                    mfa_enrolled: false,
                },
                now,
            );
            let row = MemberRow {
                data,
                email_id: new_id("email"),
            };
            store::insert_member(conn, &row)?;
            row
        }
    };
    let token = random_token()?;
    conn.execute(
        "INSERT INTO magic_links (token_hash, member_id, organization_id, pkce_challenge, expires_at, used, created_at)
         VALUES (?1, ?2, ?3, NULL, ?4, 0, ?5)",
        params![hash_token(&token), member.member_id(), oid, now + minutes * 60, now],
    )?;
    let link = with_token(&url, &token);
    let org_name = org["organization_name"].as_str().unwrap_or("");
    store::insert_message(
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

// ------------------------------------------------------------------ search

#[derive(Debug, Default, Deserialize)]
pub struct SearchReq {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub query: Option<SearchQuery>,
    /// Backend only.
    pub organization_ids: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    pub operator: String,
    #[serde(default)]
    pub operands: Vec<Value>,
}

enum Filter {
    Ids(Vec<String>),
    Emails(Vec<String>),
    EmailFuzzy(String),
    Breakglass(bool),
    Statuses(Vec<String>),
    Phones(Vec<String>),
    PhoneFuzzy(String),
    PasswordExists(bool),
    Roles(Vec<String>),
}

fn search_err(t: &'static str, m: impl Into<String>) -> ApiError {
    ApiError::new(400, t, m)
}

fn parse_filter(op: &Value) -> ApiResult<Filter> {
    let name = match op.get("filter_name") {
        None | Some(Value::Null) => {
            return Err(search_err(
                "member_search_missing_filter_name",
                "Each operand needs a filter_name.",
            ));
        }
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(search_err(
                "member_search_filter_name_must_be_string",
                "filter_name must be a string.",
            ));
        }
    };
    let value = match op.get("filter_value") {
        None | Some(Value::Null) => {
            return Err(search_err(
                "member_search_missing_filter_value",
                format!("The {name} filter needs a filter_value."),
            ));
        }
        Some(v) => v,
    };
    let strings = || -> ApiResult<Vec<String>> {
        value
            .as_array()
            .and_then(|a| {
                a.iter()
                    .map(|x| x.as_str().map(String::from))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                search_err(
                    "member_search_expected_array_of_strings",
                    format!("The {name} filter expects an array of strings."),
                )
            })
    };
    let boolean = || -> ApiResult<bool> {
        value.as_bool().ok_or_else(|| {
            search_err(
                "member_search_expected_boolean",
                format!("The {name} filter expects a boolean."),
            )
        })
    };
    let fuzzy = |too_short: &'static str| -> ApiResult<String> {
        let s = value.as_str().ok_or_else(|| {
            search_err(
                "member_search_expected_string",
                format!("The {name} filter expects a string."),
            )
        })?;
        if s.chars().count() < 3 {
            return Err(search_err(
                too_short,
                format!("The {name} filter needs at least 3 characters."),
            ));
        }
        Ok(s.to_lowercase())
    };
    Ok(match name {
        "member_ids" => Filter::Ids(strings()?),
        "member_emails" => Filter::Emails(
            strings()?
                .iter()
                .map(|e| e.trim().to_ascii_lowercase())
                .collect(),
        ),
        "member_email_fuzzy" => {
            Filter::EmailFuzzy(fuzzy("member_search_member_email_fuzzy_too_short")?)
        }
        "member_is_breakglass" => Filter::Breakglass(boolean()?),
        "statuses" => {
            let s = strings()?;
            if let Some(bad) = s
                .iter()
                .find(|x| !["active", "pending", "invited", "deleted"].contains(&x.as_str()))
            {
                return Err(search_err(
                    "search_invalid_status_filter",
                    format!("{bad} is not a Member status (active, pending, invited, deleted)."),
                ));
            }
            Filter::Statuses(s)
        }
        "member_mfa_phone_numbers" => Filter::Phones(strings()?),
        "member_mfa_phone_number_fuzzy" => Filter::PhoneFuzzy(fuzzy(
            "member_search_member_mfa_phone_number_fuzzy_too_short",
        )?),
        "member_password_exists" => Filter::PasswordExists(boolean()?),
        "member_roles" => Filter::Roles(strings()?),
        other => {
            return Err(search_err(
                "member_search_filter_name_not_recognized",
                format!("{other} is not a member search filter."),
            ));
        }
    })
}

fn matches(f: &Filter, m: &Value) -> bool {
    let s = |k: &str| m[k].as_str().unwrap_or("").to_string();
    match f {
        Filter::Ids(v) => v.contains(&s("member_id")),
        Filter::Emails(v) => v.contains(&s("email_address")),
        Filter::EmailFuzzy(q) => s("email_address").to_lowercase().contains(q.as_str()),
        Filter::Breakglass(b) => m["is_breakglass"].as_bool() == Some(*b),
        Filter::Statuses(v) => v.contains(&s("status")),
        Filter::Phones(v) => v.contains(&s("mfa_phone_number")),
        Filter::PhoneFuzzy(q) => s("mfa_phone_number").contains(q.as_str()),
        Filter::PasswordExists(b) => s("member_password_id").is_empty() != *b,
        Filter::Roles(v) => role_ids(m).iter().any(|r| v.contains(r)),
    }
}

fn encode_cursor(m: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json!({"c": m["created_at"], "m": m["member_id"]}).to_string())
}

fn decode_cursor(c: &str) -> ApiResult<(String, String)> {
    let bad = || ApiError::bad_request("The cursor is not valid.");
    let bytes = URL_SAFE_NO_PAD.decode(c.trim()).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    match (v["c"].as_str(), v["m"].as_str()) {
        (Some(c), Some(m)) => Ok((c.to_string(), m.to_string())),
        _ => Err(bad()),
    }
}

/// Search the Members of `orgs`. Returns `{members, results_metadata, organizations}`.
pub fn search(conn: &Connection, orgs: &[Value], req: &SearchReq) -> ApiResult<Value> {
    let limit = req.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(
            400,
            "invalid_argument",
            "limit must be between 1 and 1000.",
        ));
    }
    let after = req
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()?;
    let (and, filters) = match &req.query {
        None => (true, Vec::new()),
        Some(q) => {
            let and = match q.operator.as_str() {
                "AND" => true,
                "OR" => false,
                _ => {
                    return Err(ApiError::new(
                        400,
                        "invalid_argument",
                        "query.operator must be AND or OR.",
                    ));
                }
            };
            (
                and,
                q.operands
                    .iter()
                    .map(parse_filter)
                    .collect::<ApiResult<Vec<_>>>()?,
            )
        }
    };
    let wants_deleted = filters
        .iter()
        .any(|f| matches!(f, Filter::Statuses(v) if v.iter().any(|s| s == "deleted")));
    let mut found: Vec<Value> = Vec::new();
    for org in orgs {
        let mut st = conn.prepare("SELECT data FROM members WHERE organization_id = ?1")?;
        let rows = st.query_map(params![org_id(org)], |r| r.get::<_, String>(0))?;
        for r in rows {
            let m: Value = serde_json::from_str(&r?)?;
            if m["status"] == "deleted" && !wants_deleted {
                continue;
            }
            let ok = filters.is_empty()
                || if and {
                    filters.iter().all(|f| matches(f, &m))
                } else {
                    filters.iter().any(|f| matches(f, &m))
                };
            if ok {
                found.push(m);
            }
        }
    }
    let key = |m: &Value| {
        (
            m["created_at"].as_str().unwrap_or("").to_string(),
            m["member_id"].as_str().unwrap_or("").to_string(),
        )
    };
    found.sort_by_key(key);
    let total = found.len();
    let rest: Vec<Value> = match after {
        Some(a) => found.into_iter().filter(|m| key(m) > a).collect(),
        None => found,
    };
    let limit = usize::try_from(limit).unwrap_or(100);
    let more = rest.len() > limit;
    let page: Vec<Value> = rest.into_iter().take(limit).collect();
    let next = if more {
        page.last().map(encode_cursor)
    } else {
        None
    };
    let organizations: Map<String, Value> = orgs
        .iter()
        .map(|o| (org_id(o).to_string(), o.clone()))
        .collect();
    Ok(json!({
        "members": page,
        "results_metadata": {"total": total, "next_cursor": next},
        "organizations": organizations,
    }))
}

/// Check the search permission in every organization searched.
pub fn check_search(seed: &Seed, actor: Option<&Actor>, orgs: &[Value]) -> ApiResult<()> {
    for org in orgs {
        rbac::check(seed, org, actor, rbac::MEMBER, "search", false)?;
    }
    Ok(())
}
