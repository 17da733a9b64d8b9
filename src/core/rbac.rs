//! `client.rbac()`: role-based access control, evaluated locally like the JS SDK's `stytch.rbac`:
//! no network call besides the bootstrap.
//!
//! The policy is the bootstrap's `rbac_policy` with the organization's `custom_roles` merged in; the
//! subject's roles are the session's `roles`. A permission grants `(resource, action)` when its
//! `resource_id` matches and its `actions` contain the action or `"*"`. With no policy, or no
//! session, everything is denied. The server enforces the same rules (a denied call answers 403
//! `session_authorization_error`), so the local answer is a UI hint, never a security boundary.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//!
//! async fn can_edit_docs() -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     if client.rbac().is_authorized("documents", "edit").await {
//!         println!("show the edit button");
//!     }
//!     println!("{:?}", client.rbac().all_permissions().await);
//!     Ok(())
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::bootstrap::Bootstrap;
use super::client::{StateSnapshot, StytchB2BClient};

/// An RBAC policy (`rbac_policy` of the bootstrap).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacPolicy {
    /// The project's roles.
    pub roles: Vec<RbacRole>,
    /// The resources permissions refer to.
    pub resources: Vec<RbacResource>,
    /// The project's OAuth scopes and the permissions they grant.
    pub scopes: Vec<Value>,
}

/// A role and the permissions it grants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacRole {
    /// The role's id.
    pub role_id: String,
    /// A human-readable description.
    pub description: String,
    /// What the role may do.
    pub permissions: Vec<RbacPermission>,
}

/// `actions` on `resource_id`; `"*"` means every action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacPermission {
    /// The resource's id.
    pub resource_id: String,
    /// The actions allowed.
    pub actions: Vec<String>,
}

/// A resource and its actions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacResource {
    /// The resource's id.
    pub resource_id: String,
    /// A human-readable description.
    pub description: String,
    /// Every action the resource has.
    pub actions: Vec<String>,
}

/// resource_id → action → allowed.
pub type Permissions = BTreeMap<String, BTreeMap<String, bool>>;

impl RbacPolicy {
    /// Parses the bootstrap's JSON form; `None` when absent or malformed.
    pub fn from_value(value: Option<&Value>) -> Option<Self> {
        value.and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// This policy with `custom_roles` (an organization's roles, as JSON) added. A custom role with
    /// the id of a policy role replaces it.
    pub fn with_custom_roles(mut self, custom_roles: &[Value]) -> Self {
        for raw in custom_roles {
            if let Ok(role) = serde_json::from_value::<RbacRole>(raw.clone()) {
                match self.roles.iter_mut().find(|r| r.role_id == role.role_id) {
                    Some(r) => *r = role,
                    None => self.roles.push(role),
                }
            }
        }
        self
    }

    /// Does any of `roles` grant `action` (or `*`) on `resource_id`?
    pub fn is_authorized(&self, roles: &[String], resource_id: &str, action: &str) -> bool {
        self.roles
            .iter()
            .filter(|r| roles.contains(&r.role_id))
            .flat_map(|r| &r.permissions)
            .any(|p| {
                p.resource_id == resource_id && p.actions.iter().any(|a| a == action || a == "*")
            })
    }

    /// Every action of every resource of the policy, with the verdict for `roles`.
    pub fn all_permissions(&self, roles: &[String]) -> Permissions {
        self.resources
            .iter()
            .map(|res| {
                let actions = res
                    .actions
                    .iter()
                    .map(|a| (a.clone(), self.is_authorized(roles, &res.resource_id, a)))
                    .collect();
                (res.resource_id.clone(), actions)
            })
            .collect()
    }
}

/// The effective policy and roles for a state: bootstrap policy + the organization's custom roles,
/// and the session's roles. `None` without a policy or without a session.
pub fn effective(
    bootstrap: Option<&Bootstrap>,
    snapshot: &StateSnapshot,
) -> Option<(RbacPolicy, Vec<String>)> {
    let policy = RbacPolicy::from_value(bootstrap?.rbac_policy.as_ref())?;
    let state = snapshot.state.as_ref()?;
    Some((
        policy.with_custom_roles(&state.organization.custom_roles),
        state.session.roles.clone(),
    ))
}

/// The pure check used by [`RbacClient`] and `use_stytch_is_authorized`.
pub fn evaluate(
    bootstrap: Option<&Bootstrap>,
    snapshot: &StateSnapshot,
    resource_id: &str,
    action: &str,
) -> bool {
    effective(bootstrap, snapshot)
        .is_some_and(|(policy, roles)| policy.is_authorized(&roles, resource_id, action))
}

/// Get it with [`StytchB2BClient::rbac`].
#[derive(Clone, Debug)]
pub struct RbacClient {
    client: StytchB2BClient,
}

impl RbacClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// Whether the logged-in member may perform `action` on `resource_id`. Waits for the bootstrap
    /// (JS `rbac.isAuthorized`). `false` with no session or no policy.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient) {
    /// if client.rbac().is_authorized("stytch.member", "search").await {
    ///     // show the members page
    /// }
    /// # }
    /// ```
    pub async fn is_authorized(&self, resource_id: &str, action: &str) -> bool {
        let bootstrap = self.client.bootstrap_config().await;
        evaluate(
            Some(&bootstrap),
            &self.client.snapshot(),
            resource_id,
            action,
        )
    }

    /// The same check against the bootstrap fetched so far or cached in localStorage (JS
    /// `rbac.isAuthorizedSync`); `false` when neither exists yet.
    pub fn is_authorized_sync(&self, resource_id: &str, action: &str) -> bool {
        evaluate(
            self.client.bootstrap_sync().as_ref(),
            &self.client.snapshot(),
            resource_id,
            action,
        )
    }

    /// resource → action → allowed, over every resource and action of the policy (JS
    /// `rbac.allPermissions`). Every action is `false` without a session; empty without a policy.
    pub async fn all_permissions(&self) -> Permissions {
        let bootstrap = self.client.bootstrap_config().await;
        let Some(policy) = RbacPolicy::from_value(bootstrap.rbac_policy.as_ref()) else {
            return Permissions::new();
        };
        let snapshot = self.client.snapshot();
        match &snapshot.state {
            Some(state) => policy
                .with_custom_roles(&state.organization.custom_roles)
                .all_permissions(&state.session.roles),
            None => policy.all_permissions(&[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::models::SessionState;
    use serde_json::json;

    fn policy() -> Value {
        json!({
            "roles": [
                {"role_id": "stytch_member", "permissions": [{"resource_id": "stytch.self", "actions": ["*"]}]},
                {"role_id": "stytch_admin", "permissions": [{"resource_id": "stytch.member", "actions": ["*"]}]},
                {"role_id": "editor", "permissions": [{"resource_id": "docs", "actions": ["read", "write"]}]}
            ],
            "resources": [
                {"resource_id": "docs", "actions": ["read", "write", "delete"]},
                {"resource_id": "stytch.member", "actions": ["search", "delete"]}
            ]
        })
    }

    fn snapshot(roles: &[&str], custom_roles: Vec<Value>) -> StateSnapshot {
        let mut state = SessionState::default();
        state.session.roles = roles.iter().map(|s| s.to_string()).collect();
        state.organization.custom_roles = custom_roles;
        StateSnapshot {
            state: Some(state),
            from_cache: false,
            is_initialized: true,
            pending_mfa: None,
        }
    }

    fn bootstrap(p: Option<Value>) -> Bootstrap {
        Bootstrap {
            rbac_policy: p,
            ..Bootstrap::default()
        }
    }

    #[test]
    fn roles_wildcards_and_denials() {
        let b = bootstrap(Some(policy()));
        let member = snapshot(&["stytch_member"], vec![]);
        assert!(evaluate(
            Some(&b),
            &member,
            "stytch.self",
            "update.info.name"
        ));
        assert!(!evaluate(Some(&b), &member, "stytch.member", "search"));
        let admin = snapshot(&["stytch_member", "stytch_admin"], vec![]);
        assert!(evaluate(Some(&b), &admin, "stytch.member", "search"));
        let editor = snapshot(&["editor"], vec![]);
        assert!(evaluate(Some(&b), &editor, "docs", "write"));
        assert!(!evaluate(Some(&b), &editor, "docs", "delete"));
        assert!(!evaluate(Some(&b), &editor, "other", "write"));
    }

    #[test]
    fn no_policy_or_no_session_denies() {
        let member = snapshot(&["stytch_member"], vec![]);
        assert!(!evaluate(None, &member, "stytch.self", "delete"));
        assert!(!evaluate(
            Some(&bootstrap(None)),
            &member,
            "stytch.self",
            "delete"
        ));
        let logged_out = StateSnapshot {
            state: None,
            from_cache: false,
            is_initialized: true,
            pending_mfa: None,
        };
        assert!(!evaluate(
            Some(&bootstrap(Some(policy()))),
            &logged_out,
            "stytch.self",
            "delete"
        ));
    }

    #[test]
    fn custom_roles_are_merged() {
        let b = bootstrap(Some(policy()));
        let s = snapshot(
            &["auditor"],
            vec![
                json!({"role_id": "auditor", "permissions": [{"resource_id": "docs", "actions": ["read"]}]}),
            ],
        );
        assert!(evaluate(Some(&b), &s, "docs", "read"));
        assert!(!evaluate(Some(&b), &s, "docs", "write"));
        // A custom role with a policy role's id replaces it.
        let s = snapshot(
            &["editor"],
            vec![
                json!({"role_id": "editor", "permissions": [{"resource_id": "docs", "actions": ["delete"]}]}),
            ],
        );
        assert!(evaluate(Some(&b), &s, "docs", "delete"));
        assert!(!evaluate(Some(&b), &s, "docs", "read"));
    }

    #[test]
    fn all_permissions_covers_policy_resources() {
        let p = RbacPolicy::from_value(Some(&policy())).unwrap();
        let perms = p.all_permissions(&["editor".to_owned()]);
        assert!(perms["docs"]["read"]);
        assert!(!perms["docs"]["delete"]);
        assert!(!perms["stytch.member"]["search"]);
        assert_eq!(perms.len(), 2);
    }
}
