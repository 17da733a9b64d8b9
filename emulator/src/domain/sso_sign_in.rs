//! An SSO sign-in, from the identity provider's answer at the callback to the session.
//!
//! * **Callback** (`complete`): the connection's organization is the one signed in to (for an
//!   external connection, the external connection's organization). The member is matched by email;
//!   a `deleted` one → 400 `action_available_only_for_active_members`; none → created as `pending`
//!   when `sso_jit_provisioning` allows this connection (`ALL_ALLOWED`, or `RESTRICTED` with the
//!   connection listed), else 400 `invalid_connection_for_jit_provisioning`. An organization whose
//!   `allowed_auth_methods` exclude `sso` → 403 `operation_restricted_by_organization_auth_methods`
//!   (break-glass members exempt), before any member is created.
//! * The member's `sso_registrations` gets (or updates) `{connection_id, external_id,
//!   registration_id, sso_attributes}`; a member without a name takes the IdP's. Implicit roles of
//!   the connection and of the groups the IdP sent replace the roles this connection granted before,
//!   with sources `sso_connection` / `sso_connection_group`.
//! * A single-use `sso` token (44 characters, 10 minutes, with the start's PKCE challenge) goes to
//!   the signup URL when the member was just created, else to the login URL, as
//!   `?stytch_token_type=sso&token=…`.
//! * **Authenticate**: an unknown, used or expired token → 404 `sso_token_not_found`; PKCE errors
//!   as for magic links (the token survives them). The factor is `{type: "sso", delivery_method:
//!   "sso_saml" | "sso_oidc", saml_sso_factor | oidc_sso_factor: {id, provider_id, external_id}}`;
//!   the rest (IST step-up, `mfa_required`, `primary_required`) is `authentication::conclude`.

use crate::domain::authentication;
use crate::domain::idp::Flow;
use crate::domain::idp::Identity;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::organizations;
use crate::domain::organizations::org_id;
use crate::domain::redirects;
use crate::domain::sso;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use rusqlite::Connection;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use serde_json::json;

/// What an `sso` token carries besides its subject.
#[derive(Debug, Serialize, Deserialize)]
pub struct SsoGrant {
    pub connection_id: String,
    pub delivery_method: String,
    pub registration_id: String,
    pub external_id: String,
}

/// The outcome of a callback: where the browser goes next, and what was done.
#[derive(Debug)]
pub struct Completed {
    pub redirect_url: String,
    pub token: String,
    pub member_id: String,
    pub organization_id: String,
    pub member_created: bool,
}

/// The member for `email` in `org`: `(member, created)`, created as `pending` when `may_create`
/// (the caller's JIT rule) allows it, else `refused`.
pub fn match_or_create(
    conn: &Connection,
    org: &Value,
    email: &str,
    name: &str,
    may_create: bool,
    refused: impl FnOnce() -> ApiError,
    now: i64,
) -> ApiResult<(MemberRow, bool)> {
    if let Some(m) = members::find_member(conn, org_id(org), email)? {
        if m.status() == "deleted" {
            return Err(ApiError::new(
                ErrorType::ActionAvailableOnlyForActiveMembers,
                "This Member has been deleted.",
            ));
        }
        return Ok((m, false));
    }
    if !may_create {
        return Err(refused());
    }
    let mut m = members::insert_new(conn, org_id(org), email, &[], "pending", false, now)?;
    if !name.is_empty() {
        members::set(&mut m, "name", json!(name));
        members::write_row(conn, &m)?;
    }
    Ok((m, true))
}

/// Replaces the roles `connection_id` granted the member with `granted` (`(role_id, source)`).
fn apply_implicit_roles(member: &mut MemberRow, connection_id: &str, granted: &[(String, Value)]) {
    let mut roles = member.data["roles"].as_array().cloned().unwrap_or_default();
    for r in roles.iter_mut() {
        if let Some(sources) = r["sources"].as_array_mut() {
            sources.retain(|s| s["details"]["connection_id"] != connection_id);
        }
    }
    for (role_id, source) in granted {
        match roles.iter_mut().find(|r| r["role_id"] == role_id.as_str()) {
            Some(r) => {
                if let Some(sources) = r["sources"].as_array_mut() {
                    sources.push(source.clone());
                }
            }
            None => roles.push(json!({"role_id": role_id, "sources": [source]})),
        }
    }
    roles.retain(|r| r["sources"].as_array().is_some_and(|s| !s.is_empty()));
    members::set(member, "roles", Value::Array(roles));
}

/// The callback of an SSO flow: match or JIT-create the member, record the registration and
/// implicit roles, mint the `sso` token (see the module docs).
pub fn complete(
    conn: &Connection,
    flow: &Flow,
    identity: &Identity,
    now: i64,
) -> ApiResult<Completed> {
    let connection = sso::get(conn, &flow.connection_id)?.ok_or_else(sso::connection_not_found)?;
    let org = organizations::get_org(conn, connection.organization_id())?
        .ok_or_else(ApiError::organization_not_found)?;
    let source = match connection.kind {
        sso::Kind::External => {
            let id = connection.data["external_connection_id"]
                .as_str()
                .unwrap_or("");
            sso::get(conn, id)?.ok_or_else(sso::connection_not_found)?
        }
        _ => connection.clone(),
    };
    let email = normalize_email(&identity.email)?;
    let existing = members::find_member(conn, org_id(&org), &email)?;
    authentication::check_auth_method(&org, existing.as_ref(), "sso")?;
    let (mut member, created) = match_or_create(
        conn,
        &org,
        &email,
        identity.name.trim(),
        sso::jit_allowed(&org, &connection),
        || {
            ApiError::new(
                ErrorType::InvalidConnectionForJitProvisioning,
                "This organization does not allow JIT provisioning through this SSO connection.",
            )
        },
        now,
    )?;
    let delivery_method = if source.kind == sso::Kind::Oidc {
        "sso_oidc"
    } else {
        "sso_saml"
    };
    let external_id = if identity.subject.is_empty() {
        email.clone()
    } else {
        identity.subject.clone()
    };
    let mut registrations = member.data["sso_registrations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let registration_id = match registrations
        .iter()
        .find(|r| r["connection_id"] == connection.id())
    {
        Some(r) => r["registration_id"].as_str().unwrap_or("").to_owned(),
        None => new_id(if source.kind == sso::Kind::Oidc {
            "oidc-member-registration"
        } else {
            "saml-member-registration"
        }),
    };
    registrations.retain(|r| r["connection_id"] != connection.id());
    registrations.push(json!({
        "connection_id": connection.id(),
        "external_id": external_id,
        "registration_id": registration_id,
        "sso_attributes": {"email": email, "name": identity.name, "groups": identity.groups},
    }));
    members::set(
        &mut member,
        "sso_registrations",
        Value::Array(registrations),
    );
    if member.data["name"].as_str().is_none_or(str::is_empty) && !identity.name.trim().is_empty() {
        members::set(&mut member, "name", json!(identity.name.trim()));
    }
    let (conn_roles, group_roles) = match connection.kind {
        sso::Kind::External => (
            "external_connection_implicit_role_assignments",
            "external_group_implicit_role_assignments",
        ),
        _ => (
            "saml_connection_implicit_role_assignments",
            "saml_group_implicit_role_assignments",
        ),
    };
    let mut granted: Vec<(String, Value)> = Vec::new();
    for a in connection.data[conn_roles].as_array().into_iter().flatten() {
        if let Some(role) = a["role_id"].as_str() {
            granted.push((
                role.to_owned(),
                json!({"type": "sso_connection", "details": {"connection_id": connection.id()}}),
            ));
        }
    }
    for a in connection.data[group_roles]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let (Some(role), Some(group)) = (a["role_id"].as_str(), a["group"].as_str())
            && identity.groups.iter().any(|g| g == group)
        {
            granted.push((
                role.to_owned(),
                json!({"type": "sso_connection_group",
                       "details": {"connection_id": connection.id(), "group": group}}),
            ));
        }
    }
    apply_implicit_roles(&mut member, connection.id(), &granted);
    members::set(&mut member, "updated_at", json!(rfc3339(now)));
    members::write_row(conn, &member)?;
    crate::domain::idp::remember(conn, flow.source(), identity, now)?;
    let grant = SsoGrant {
        connection_id: connection.id().to_owned(),
        delivery_method: delivery_method.to_owned(),
        registration_id,
        external_id,
    };
    let token = one_time_tokens::issue(
        conn,
        &Issue {
            kind: Kind::Sso,
            email: &email,
            organization_id: org_id(&org),
            member_id: member.member_id(),
            pkce_challenge: flow.pkce_challenge.as_deref(),
            payload: Some(&serde_json::to_string(&grant)?),
            lifetime_secs: crate::domain::idp::LIFETIME_SECS,
        },
        now,
    )?;
    let url = if created {
        &flow.signup_redirect_url
    } else {
        &flow.login_redirect_url
    };
    Ok(Completed {
        redirect_url: redirects::link(url, "sso", &token),
        token,
        member_id: member.member_id().to_owned(),
        organization_id: org_id(&org).to_owned(),
        member_created: created,
    })
}

fn token_not_found() -> ApiError {
    ApiError::new(
        ErrorType::SsoTokenNotFound,
        "The SSO token could not be found, has expired or was already used.",
    )
}

/// The token of a finished SSO callback, used up: the member, its organization and the factor.
pub fn take_token(
    conn: &Connection,
    token: &str,
    pkce_verifier: Option<&str>,
    now: i64,
) -> ApiResult<(MemberRow, Value, Value)> {
    let t = one_time_tokens::take(
        conn,
        Kind::Sso,
        token,
        pkce_verifier,
        now,
        token_not_found,
        token_not_found,
    )?;
    let grant: SsoGrant = t
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(token_not_found)?;
    let member = members::get_member(conn, &t.member_id)?.ok_or_else(token_not_found)?;
    let org = organizations::get_org(conn, &t.organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let ts = rfc3339(now);
    let factor_key = if grant.delivery_method == "sso_oidc" {
        "oidc_sso_factor"
    } else {
        "saml_sso_factor"
    };
    let factor = json!({
        "type": "sso",
        "delivery_method": grant.delivery_method,
        factor_key: {
            "id": grant.registration_id,
            "provider_id": grant.connection_id,
            "external_id": grant.external_id,
        },
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "PRIMARY",
    });
    Ok((member, org, factor))
}
