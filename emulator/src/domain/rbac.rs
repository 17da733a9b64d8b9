//! RBAC: the one source of truth for the project policy (served by bootstrap as `rbac_policy`)
//! and for the server-side checks of every RBAC-gated SDK/backend call.
//!
//! * Default roles `stytch_member` (every Member; `stytch.self` `*`) and `stytch_admin` (`*` on
//!   organization/member/sso/scim), then the seed's custom roles and resources; a custom role with a
//!   default id replaces the default one.
//! * A check passes if any role of the subject (the Member's roles, which are also the session's
//!   `roles`) grants the resource with the action or `*`. Roles of `organization.custom_roles` are
//!   merged into the policy (org-specific roles).
//! * A denial is **403 `session_authorization_error`**.
//! * Per-field actions of organization/member updates are [`ORG_UPDATE_FIELDS`] and
//!   [`MEMBER_UPDATE_FIELDS`].

use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::seed::RbacPermission;
use crate::seed::RbacPolicy;
use crate::seed::RbacResource;
use crate::seed::RbacRole;
use crate::seed::Seed;
use serde_json::Value;

// ------------------------------------------------------------------ helpers

pub const ORGANIZATION: &str = "stytch.organization";

pub const MEMBER: &str = "stytch.member";

pub const SELF: &str = "stytch.self";

/// Organization update: request field → action on `stytch.organization`.
pub const ORG_UPDATE_FIELDS: &[(&str, &str)] = &[
    ("organization_name", "update.info.name"),
    ("organization_slug", "update.info.slug"),
    ("organization_logo_url", "update.info.logo-url"),
    (
        "sso_default_connection_id",
        "update.settings.default-sso-connection",
    ),
    (
        "sso_jit_provisioning",
        "update.settings.sso-jit-provisioning",
    ),
    (
        "sso_jit_provisioning_allowed_connections",
        "update.settings.sso-jit-provisioning",
    ),
    ("email_allowed_domains", "update.settings.allowed-domains"),
    (
        "email_jit_provisioning",
        "update.settings.email-jit-provisioning",
    ),
    ("email_invites", "update.settings.email-invites"),
    ("auth_methods", "update.settings.allowed-auth-methods"),
    (
        "allowed_auth_methods",
        "update.settings.allowed-auth-methods",
    ),
    ("mfa_methods", "update.settings.allowed-mfa-methods"),
    ("allowed_mfa_methods", "update.settings.allowed-mfa-methods"),
    ("mfa_policy", "update.settings.mfa-policy"),
    (
        "rbac_email_implicit_role_assignments",
        "update.settings.implicit-roles",
    ),
    (
        "oauth_tenant_jit_provisioning",
        "update.settings.oauth-tenant-jit-provisioning",
    ),
    (
        "allowed_oauth_tenants",
        "update.settings.allowed-oauth-tenants",
    ),
];

/// Member update: request field → (action, also accepted on `stytch.self` when the target is the
/// caller).
pub const MEMBER_UPDATE_FIELDS: &[(&str, &str, bool)] = &[
    ("name", "update.info.name", true),
    ("untrusted_metadata", "update.info.untrusted-metadata", true),
    ("mfa_phone_number", "update.info.mfa-phone", true),
    ("mfa_enrolled", "update.settings.mfa-enrolled", true),
    (
        "default_mfa_method",
        "update.settings.default-mfa-method",
        true,
    ),
    ("is_breakglass", "update.settings.is-breakglass", false),
    ("roles", "update.settings.roles", false),
    ("email_address", "update.info.email", false),
];

/// Who is calling: the session's Member (`None` = secret-authenticated backend call without a
/// member-session header, which skips RBAC like Stytch does).
#[derive(Debug, Clone)]
pub struct Actor {
    pub member_id: String,
    pub organization_id: String,
    pub roles: Vec<String>,
}

/// Roles of an organization's `custom_roles` in policy form (unparseable entries are skipped).
fn org_roles(org: &Value) -> Vec<RbacRole> {
    org["custom_roles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| serde_json::from_value::<RbacRole>(r.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The pure check: does any of `roles` grant `action` (or `*`) on `resource`?
pub fn allows(
    policy: &RbacPolicy,
    extra_roles: &[RbacRole],
    roles: &[String],
    resource: &str,
    action: &str,
) -> bool {
    policy
        .roles
        .iter()
        .chain(extra_roles)
        .filter(|r| roles.contains(&r.role_id))
        .flat_map(|r| &r.permissions)
        .any(|p| p.resource_id == resource && p.actions.iter().any(|a| a == action || a == "*"))
}

fn denied() -> ApiError {
    ApiError::new(
        ErrorType::SessionAuthorizationError,
        "The Member is not authorized to perform the requested action on that resource.",
    )
}

/// Is `actor` (if any) allowed `action` on `resource` in `org`? `self_target`: the call targets
/// the actor's own Member, so the same action on `stytch.self` also grants it.
pub fn check(
    seed: &Seed,
    org: &Value,
    actor: Option<&Actor>,
    resource: &str,
    action: &str,
    self_target: bool,
) -> ApiResult<()> {
    let Some(actor) = actor else {
        return Ok(());
    };
    if org["organization_id"].as_str() != Some(actor.organization_id.as_str()) {
        return Err(ApiError::new(
            ErrorType::SessionAuthorizationTenancyError,
            "OrganizationID in AuthorizationCheck request does not match session's Organization ID",
        ));
    }
    let p = policy(seed);
    let extra = org_roles(org);
    // `stytch.self` grants only its own actions (its `*` must not reach e.g. `update.settings.roles`).
    let is_self_action = p
        .resources
        .iter()
        .any(|r| r.resource_id == SELF && r.actions.iter().any(|a| a == action));
    let ok = allows(&p, &extra, &actor.roles, resource, action)
        || (self_target && is_self_action && allows(&p, &extra, &actor.roles, SELF, action));
    if ok { Ok(()) } else { Err(denied()) }
}

fn perm(resource_id: &str) -> RbacPermission {
    RbacPermission {
        resource_id: resource_id.into(),
        actions: vec!["*".into()],
    }
}

fn resource(id: &str, description: &str, actions: &[&str]) -> RbacResource {
    RbacResource {
        resource_id: id.into(),
        description: description.into(),
        actions: actions.iter().map(|s| s.to_string()).collect(),
    }
}

/// Stytch's default roles and resources followed by the seed's custom ones. A custom role or
/// resource with a default id replaces the default (Stytch lets you edit default permissions).
pub fn policy(seed: &Seed) -> RbacPolicy {
    let mut roles = vec![
        RbacRole {
            role_id: "stytch_member".into(),
            description: "Granted to all Members upon creation; grants permissions already implicitly granted to logged in Members via the SDK. Cannot be deleted.".into(),
            permissions: vec![perm("stytch.self")],
        },
        RbacRole {
            role_id: "stytch_admin".into(),
            description: "Granted to Members who create an organization through the Stytch discovery flow. Admins will also have the stytch_member role. Cannot be deleted.".into(),
            permissions: vec![
                perm("stytch.organization"),
                perm("stytch.member"),
                perm("stytch.sso"),
                perm("stytch.scim"),
            ],
        },
    ];
    let mut resources = vec![
        resource(
            "stytch.organization",
            "Builtin resource for Stytch organization objects",
            &[
                "update.info.name",
                "update.info.slug",
                "update.info.logo-url",
                "update.settings.allowed-auth-methods",
                "update.settings.allowed-mfa-methods",
                "update.settings.email-jit-provisioning",
                "update.settings.email-invites",
                "update.settings.allowed-domains",
                "update.settings.default-sso-connection",
                "update.settings.sso-jit-provisioning",
                "update.settings.mfa-policy",
                "update.settings.implicit-roles",
                "update.settings.oauth-tenant-jit-provisioning",
                "update.settings.allowed-oauth-tenants",
                "delete",
            ],
        ),
        resource(
            "stytch.member",
            "Builtin resource for Stytch member objects",
            &[
                "create",
                "update.info.name",
                "update.info.email",
                "update.info.untrusted-metadata",
                "update.info.mfa-phone",
                "update.info.delete.mfa-phone",
                "update.info.delete.mfa-totp",
                "update.info.delete.password",
                "update.info.unlink.retired-email",
                "update.settings.is-breakglass",
                "update.settings.mfa-enrolled",
                "update.settings.default-mfa-method",
                "update.settings.roles",
                "search",
                "delete",
                "revoke-sessions",
                "get.connected-apps",
                "revoke.connected-app",
            ],
        ),
        resource(
            "stytch.sso",
            "Builtin resource for Stytch SSO Connection objects",
            &["create", "get", "update", "delete"],
        ),
        resource(
            "stytch.scim",
            "Builtin resource for Stytch SCIM Connection objects",
            &["create", "get", "update", "delete"],
        ),
        resource(
            "stytch.self",
            "Builtin resource for the logged-in Stytch member object",
            &[
                "update.info.name",
                "update.info.untrusted-metadata",
                "update.info.mfa-phone",
                "update.info.delete.mfa-phone",
                "update.info.delete.password",
                "update.info.delete.mfa-totp",
                "update.info.email",
                "update.info.unlink.retired-email",
                "update.settings.mfa-enrolled",
                "update.settings.default-mfa-method",
                "delete",
                "revoke-sessions",
                "get.connected-apps",
                "revoke.connected-app",
            ],
        ),
    ];
    for r in &seed.rbac_policy.roles {
        match roles.iter_mut().find(|x| x.role_id == r.role_id) {
            Some(x) => *x = r.clone(),
            None => roles.push(r.clone()),
        }
    }
    for r in &seed.rbac_policy.resources {
        match resources
            .iter_mut()
            .find(|x| x.resource_id == r.resource_id)
        {
            Some(x) => *x = r.clone(),
            None => resources.push(r.clone()),
        }
    }
    RbacPolicy {
        roles,
        resources,
        scopes: seed.rbac_policy.scopes.clone(),
    }
}

pub fn check_roles(seed: &Seed, org: &Value, roles: &[String]) -> ApiResult<()> {
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
    validate_roles(seed, &project_roles)?;
    if roles.iter().any(|r| r == "stytch_member") {
        return Err(ApiError::new(
            ErrorType::CannotAssignDefaultRbacRoleId,
            "stytch_member is granted to every Member and cannot be assigned explicitly.",
        ));
    }
    Ok(())
}

/// Check that every role exists in the project policy and that none is a reserved default
/// role that cannot be assigned (`stytch_member` is implicit).
pub fn validate_roles(seed: &Seed, roles: &[String]) -> ApiResult<()> {
    let policy = crate::domain::rbac::policy(seed);
    for r in roles {
        if r == "stytch_member" {
            return Err(ApiError::new(
                ErrorType::CannotAssignDefaultRbacRoleId,
                "stytch_member is granted to every Member and cannot be assigned explicitly.",
            ));
        }
        if !policy.roles.iter().any(|x| &x.role_id == r) {
            return Err(ApiError::new(
                ErrorType::InvalidRbacRoleId,
                format!("Role {r} does not exist in the project's RBAC policy."),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn default_roles() {
        let p = policy(&Seed::default());
        let member = roles(&["stytch_member"]);
        let admin = roles(&["stytch_member", "stytch_admin"]);
        assert!(allows(&p, &[], &member, SELF, "update.info.name"));
        assert!(!allows(&p, &[], &member, MEMBER, "search"));
        assert!(!allows(&p, &[], &member, ORGANIZATION, "delete"));
        assert!(allows(&p, &[], &admin, MEMBER, "search"));
        assert!(allows(&p, &[], &admin, ORGANIZATION, "update.info.slug"));
        assert!(allows(&p, &[], &admin, "stytch.scim", "get"));
        assert!(!allows(&p, &[], &roles(&[]), SELF, "delete"));
    }

    #[test]
    fn custom_and_org_roles() {
        let mut seed = Seed::default();
        seed.rbac_policy.roles.push(RbacRole {
            role_id: "editor".into(),
            description: String::new(),
            permissions: vec![RbacPermission {
                resource_id: "docs".into(),
                actions: vec!["write".into()],
            }],
        });
        let p = policy(&seed);
        assert!(allows(&p, &[], &roles(&["editor"]), "docs", "write"));
        assert!(!allows(&p, &[], &roles(&["editor"]), "docs", "read"));
        let org = serde_json::json!({"organization_id": "o", "custom_roles": [
            {"role_id": "reader", "permissions": [{"resource_id": "docs", "actions": ["read"]}]}
        ]});
        let actor = Actor {
            member_id: "m".into(),
            organization_id: "o".into(),
            roles: roles(&["reader"]),
        };
        assert!(check(&seed, &org, Some(&actor), "docs", "read", false).is_ok());
        let e = check(&seed, &org, Some(&actor), "docs", "write", false).unwrap_err();
        assert_eq!(
            (e.status().as_u16(), e.error_type.as_str()),
            (403, "session_authorization_error")
        );
        let other = serde_json::json!({"organization_id": "x"});
        let e = check(&seed, &other, Some(&actor), "docs", "read", false).unwrap_err();
        assert_eq!(e.error_type.as_str(), "session_authorization_tenancy_error");
        assert!(check(&seed, &other, None, "docs", "read", false).is_ok());
    }

    #[test]
    fn self_target_accepts_self_actions() {
        let seed = Seed::default();
        let org = serde_json::json!({"organization_id": "o"});
        let actor = Actor {
            member_id: "m".into(),
            organization_id: "o".into(),
            roles: roles(&["stytch_member"]),
        };
        assert!(check(&seed, &org, Some(&actor), MEMBER, "update.info.name", true).is_ok());
        assert!(check(&seed, &org, Some(&actor), MEMBER, "update.info.name", false).is_err());
        assert!(
            check(
                &seed,
                &org,
                Some(&actor),
                MEMBER,
                "update.settings.roles",
                true
            )
            .is_err()
        );
    }
}
