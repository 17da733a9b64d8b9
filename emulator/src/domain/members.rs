//! Members: the Member object, storage, and administration shared by the SDK and backend
//! surfaces (validation, status transitions, factor deletion, retired emails).
//!
//! Decisions where Stytch does not document the behaviour (each is also noted where it is implemented):
//! * a Member of another organization, or a `deleted` Member targeted by anything but
//!   reactivate/search → 404 `member_not_found` (no cross-tenant leak);
//! * changing `email_address` (member update, or the email-update link) retires the old address
//!   into `retired_email_addresses` (unless `unlink_email: true`) and marks the new one
//!   unverified until a verifying login; an address used by another Member → 400
//!   `duplicate_member_email`, one retired by another Member → 400 `retired_member_email`;
//! * `members.delete` sets `deleted`, revokes the Member's sessions and unused links;
//!   `reactivate` on a non-deleted Member → 404 `no_deleted_member_found_for_reactivation`, on an
//!   unverified email → 400 `email_unverified_for_reactivation`;
//! * `default_mfa_method` is `""`, `sms_otp` or `totp` (else 400 `invalid_mfa_default_method`) and
//!   must name a factor the Member has (a verified MFA phone, an active TOTP registration), else
//!   400 `default_mfa_member_missing_factor`; deleting the TOTP factor removes the registration and
//!   its recovery codes;
//! * invite of a `deleted` Member makes it `invited` again (it needs `stytch.member`/`create`, the

use crate::domain::mfa;
use crate::domain::one_time_tokens;
use crate::domain::organizations::org_id;
use crate::domain::rbac;
use crate::domain::rbac::Actor;
use crate::domain::sessions;
use crate::domain::totp;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::db::parse_stored;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use crate::seed::Seed;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

/// A member row: the public Member object plus its internal email id.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub data: Value,
    pub email_id: String,
}

impl MemberRow {
    pub fn member_id(&self) -> &str {
        self.data["member_id"].as_str().unwrap_or("")
    }
    pub fn email(&self) -> &str {
        self.data["email_address"].as_str().unwrap_or("")
    }
    pub fn status(&self) -> &str {
        self.data["status"].as_str().unwrap_or("")
    }
}

pub fn get_member(conn: &Connection, member_id: &str) -> ApiResult<Option<MemberRow>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT data, email_id FROM members WHERE member_id = ?1")?
        .query_row(params![member_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(d, e)| {
        Ok(MemberRow {
            data: parse_stored(d)?,
            email_id: e,
        })
    })
    .transpose()
}

pub fn find_member(conn: &Connection, org_id: &str, email: &str) -> ApiResult<Option<MemberRow>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT data, email_id FROM members WHERE organization_id = ?1 AND email = ?2",
        )?
        .query_row(params![org_id, email], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(d, e)| {
        Ok(MemberRow {
            data: parse_stored(d)?,
            email_id: e,
        })
    })
    .transpose()
}

/// Insert a member; `duplicate_member_email` if the org already has that email.
pub fn insert_row(conn: &Connection, m: &MemberRow) -> ApiResult<()> {
    let org_id = m.data["organization_id"].as_str().unwrap_or("");
    if find_member(conn, org_id, m.email())?.is_some() {
        return Err(ApiError::new(
            ErrorType::DuplicateMemberEmail,
            "A Member with that email address already exists in this organization.",
        ));
    }
    conn.execute(
        "INSERT INTO members (member_id, organization_id, email, email_id, data)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            m.member_id(),
            org_id,
            m.email(),
            m.email_id,
            m.data.to_string()
        ],
    )?;
    Ok(())
}

pub fn write_row(conn: &Connection, m: &MemberRow) -> ApiResult<()> {
    conn.execute(
        "UPDATE members SET data = ?2 WHERE member_id = ?1",
        params![m.member_id(), m.data.to_string()],
    )?;
    Ok(())
}

/// The stored JSON of a member and of its organization (by id or slug, like [`get_org`]), read
/// together; `None` when either is missing.
pub fn owner_json(
    conn: &Connection,
    member_id: &str,
    org_id_or_slug: &str,
) -> ApiResult<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.data, o.data FROM members m, organizations o
             WHERE m.member_id = ?1 AND (o.organization_id = ?2 OR o.slug = ?2) LIMIT 1",
        )?
        .query_row(params![member_id, org_id_or_slug], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// `roles` array of the Member object. `stytch_member` always comes first; every role is a
/// `direct_assignment` (inferred for stytch_member).
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

impl<'a> NewMember<'a> {
    /// A member with no name, roles, metadata or MFA settings, email unverified: what every way in
    /// starts from (`..NewMember::plain(…)` for the rest).
    pub fn plain(
        organization_id: &'a str,
        member_id: &'a str,
        email: &'a str,
        status: &'a str,
    ) -> Self {
        Self {
            organization_id,
            member_id,
            email,
            name: "",
            roles: &[],
            status,
            email_address_verified: false,
            is_breakglass: false,
            trusted_metadata: json!({}),
            untrusted_metadata: json!({}),
            external_id: "",
            mfa_phone_number: "",
            mfa_enrolled: false,
        }
    }
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

pub fn insert_new(
    conn: &Connection,
    org_id: &str,
    email: &str,
    roles: &[String],
    status: &str,
    verified: bool,
    now: i64,
) -> ApiResult<MemberRow> {
    let member_id = new_id("member");
    let data = new_member(
        &NewMember {
            roles,
            email_address_verified: verified,
            ..NewMember::plain(org_id, &member_id, email, status)
        },
        now,
    );
    let row = MemberRow {
        data,
        email_id: new_id("email"),
    };
    insert_row(conn, &row)?;
    Ok(row)
}

/// Non-deleted members with this email, across organizations.
pub fn members_by_email(conn: &Connection, email: &str) -> ApiResult<Vec<MemberRow>> {
    let mut st = conn.prepare("SELECT member_id FROM members WHERE email = ?1 ORDER BY rowid")?;
    let ids: Vec<String> = st
        .query_map([email], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(m) = get_member(conn, &id)?
            && m.status() != "deleted"
        {
            out.push(m);
        }
    }
    Ok(out)
}

/// A Member of `org` (any status).
pub fn member_in_org(conn: &Connection, org: &Value, member_id: &str) -> ApiResult<MemberRow> {
    get_member(conn, member_id)?
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

pub fn is_self(actor: Option<&Actor>, member: &MemberRow) -> bool {
    actor.is_some_and(|a| a.member_id == member.member_id())
}

pub fn set(member: &mut MemberRow, key: &str, value: Value) {
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
            ErrorType::InvalidPhoneNumber,
            "mfa_phone_number must be an E.164 phone number, e.g. +15555550100.",
        ))
    }
}

/// Fail when `email` belongs to (or was retired by) another Member of the organization.
pub fn check_email_free(
    conn: &Connection,
    org_id: &str,
    email: &str,
    me: Option<&str>,
) -> ApiResult<()> {
    if let Some(other) = find_member(conn, org_id, email)?
        && Some(other.member_id()) != me
    {
        return Err(ApiError::new(
            ErrorType::DuplicateMemberEmail,
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
                ErrorType::RetiredMemberEmail,
                "That email address was retired by another Member of this organization; unlink it first.",
            ));
        }
    }
    Ok(())
}

/// Change a Member's email: retire the old one (unless `unlink`), new email id, unverified.
pub fn change_email(
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
    rbac::check_roles(seed, org, &roles)?;
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
    let data = new_member(
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
    insert_row(conn, &row)?;
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
        && !["", "sms_otp", "totp"].contains(&m)
    {
        return Err(ApiError::new(
            ErrorType::InvalidMfaDefaultMethod,
            "default_mfa_method must be sms_otp, totp or empty.",
        ));
    }
    if let Some(roles) = &patch.roles {
        rbac::check_roles(seed, org, roles)?;
    }
    if let Some(e) = patch.external_id.as_deref()
        && (e.len() > 128
            || !e
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '|' | '-')))
    {
        return Err(ApiError::new(
            ErrorType::InvalidArgument,
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
        // The default must be a factor the Member has: a verified phone, or an active TOTP.
        let has = match m.as_str() {
            "sms_otp" => mfa::has_verified_phone(&member),
            "totp" => !mfa::totp_registration_id(&member).is_empty(),
            _ => true,
        };
        if !has {
            return Err(ApiError::new(
                ErrorType::DefaultMfaMemberMissingFactor,
                format!("The member has no {m} factor to make the default."),
            ));
        }
        set(&mut member, "default_mfa_method", json!(m));
    }
    if let Some(roles) = patch.roles {
        let v = member_roles(&roles);
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
    sessions::revoke_member(conn, member.member_id())?;
    one_time_tokens::revoke_member(conn, member.member_id())?;
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
            ErrorType::NoDeletedMemberFoundForReactivation,
            "No deleted Member with that member_id was found for reactivation.",
        ));
    }
    if member.data["email_address_verified"] != json!(true) {
        return Err(ApiError::new(
            ErrorType::EmailUnverifiedForReactivation,
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
            // The hash goes too: a deleted password no longer logs in.
            conn.execute(
                "DELETE FROM member_passwords WHERE member_id = ?1",
                params![member.member_id()],
            )?;
        }
        Factor::MfaPhone => {
            set(&mut member, "mfa_phone_number", json!(""));
            set(&mut member, "mfa_phone_number_verified", json!(false));
            if member.data["default_mfa_method"] == "sms_otp" {
                set(&mut member, "default_mfa_method", json!(""));
            }
        }
        Factor::Totp => {
            totp::delete_member(conn, member.member_id())?;
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
            ErrorType::MemberPasswordNotFound,
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
        if let Some(m) = get_member(conn, &id)?
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
            ErrorType::RetiredEmailMissingEmailIdentifiers,
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
            ErrorType::EmailNotFound,
            "No retired email of this Member matches.",
        ));
    }
    let kept: Vec<Value> = list.into_iter().filter(|e| !matches(e)).collect();
    set(&mut member, "retired_email_addresses", Value::Array(kept));
    set(&mut member, "updated_at", json!(rfc3339(now)));
    save_member(conn, &member)?;
    Ok(member)
}
