//! The seed: project credentials and settings, RBAC policy, organizations and members.
//!
//! Every field has a default, so `{}` is a valid seed. Missing project credentials are generated
//! (`project-test-<uuid>`, `public-token-test-<uuid>`, `secret-test-<random>`); for a file DB they
//! are persisted on first start together with the whole resolved seed, which is what
//! `POST /emulator/v1/reset` restores.
//!
//! Seeded organizations and members without an explicit id get a *deterministic* id (UUIDv5 of
//! the project id + slug, or org id + email), so ids stay the same across resets.

use std::path::Path;

use serde::Deserialize;
use serde::Serialize;

use crate::error::EmulatorError;

/// Emulator seed (JSON). See the crate docs and `emulator/seeds/demo.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Seed {
    /// Project credentials and name (generated when missing).
    pub project: SeedProject,
    /// Origins allowed by CORS (exact match on `scheme://host[:port]`).
    pub allowed_origins: Vec<String>,
    /// Allowed magic-link redirect URLs; the first one is the default.
    pub redirect_urls: Vec<String>,
    /// Email magic links must carry a PKCE code challenge.
    pub pkce_required_for_email_magic_links: bool,
    /// Password resets must carry a PKCE code challenge.
    pub pkce_required_for_password_resets: bool,
    /// Reported by bootstrap (OAuth is not emulated).
    pub pkce_required_for_oauth: bool,
    /// Reported by bootstrap (SSO is not emulated).
    pub pkce_required_for_sso: bool,
    /// The LUDS password policy; `None` (the default) means zxcvbn. Bootstrap returns it as
    /// `password_config`.
    pub password_config: Option<PasswordConfig>,
    /// Set the SDK session in HttpOnly cookies and return empty tokens (Stytch's HttpOnly mode).
    pub http_only_cookies: bool,
    /// Custom roles/resources, merged after Stytch's defaults.
    pub rbac_policy: RbacPolicy,
    /// Organizations, each with its members.
    pub organizations: Vec<SeedOrganization>,
    /// Connected apps: the project's OAuth clients, for which the project is the identity provider.
    pub connected_apps: Vec<SeedConnectedApp>,
    /// The page of the app that asks a member for consent (where the authorization endpoint
    /// `GET /v1/oauth2/authorize` sends the browser, its query kept): Stytch's "Authorization URL"
    /// project setting.
    pub connected_apps_authorization_url: Option<String>,
}

/// A connected app (an OAuth client of the project), as seeded or created through
/// `POST /emulator/v1/connected_apps`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeedConnectedApp {
    /// `connected-app-test-<uuid>` when missing (derived from the name, so stable across resets).
    pub client_id: Option<String>,
    /// The confidential clients' secret; generated when missing. Stored only as its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// `first_party`, `first_party_public`, `third_party` or `third_party_public`.
    pub client_type: String,
    /// Shown on the consent page.
    pub client_name: String,
    /// Shown on the consent page.
    pub client_description: String,
    /// Shown on the consent page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_logo_url: Option<String>,
    /// Where authorization answers may go (exact match).
    pub redirect_urls: Vec<String>,
    /// Where a logout may send the browser back to (exact match).
    pub post_logout_redirect_urls: Vec<String>,
    /// Lifetime of its access tokens (default 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_expiry_minutes: Option<i64>,
}

/// Project credentials and name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeedProject {
    /// `project-test-…`; authenticates backend calls with `secret`.
    pub project_id: Option<String>,
    /// `public-token-test-…`: what the frontend SDK is configured with.
    pub public_token: Option<String>,
    /// The backend API secret.
    pub secret: Option<String>,
    /// Shown by bootstrap.
    pub name: Option<String>,
}

/// RBAC policy fragment (`roles`, `resources`, `scopes`) as in bootstrap's `rbac_policy`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RbacPolicy {
    /// Custom roles (Stytch's default roles are always there).
    pub roles: Vec<RbacRole>,
    /// Custom resources (Stytch's `stytch.*` resources are always there).
    pub resources: Vec<RbacResource>,
    /// Scopes, passed through to bootstrap as given.
    pub scopes: Vec<serde_json::Value>,
}

/// A custom RBAC role.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RbacRole {
    /// The role's id, e.g. `editor`.
    pub role_id: String,
    /// What it is for.
    pub description: String,
    /// What the role may do.
    pub permissions: Vec<RbacPermission>,
}

/// The actions a role may take on one resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RbacPermission {
    /// The resource's id, e.g. `documents` or `stytch.member`.
    pub resource_id: String,
    /// Action names (`*` for all).
    pub actions: Vec<String>,
}

/// A custom RBAC resource and its actions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RbacResource {
    /// The resource's id, e.g. `documents` or `stytch.member`.
    pub resource_id: String,
    /// What it is for.
    pub description: String,
    /// Action names (`*` for all).
    pub actions: Vec<String>,
}

/// A seeded organization. Settings follow the backend "create organization" rules and
/// defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeedOrganization {
    /// The id; by default derived from the project id and slug (stable across resets).
    pub organization_id: Option<String>,
    /// Name, slug, domains, JIT and auth-method settings.
    #[serde(flatten)]
    pub settings: OrgSettings,
    /// Its members.
    pub members: Vec<SeedMember>,
}

/// Organization settings accepted by seed and by `POST /v1/b2b/organizations`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct OrgSettings {
    /// Display name.
    pub organization_name: Option<String>,
    /// Unique slug (alphanumeric and `-._~`, 2 to 128 characters).
    pub organization_slug: Option<String>,
    /// Logo URL.
    pub organization_logo_url: Option<String>,
    /// Your own id for it.
    pub organization_external_id: Option<String>,
    /// Metadata only the backend can write.
    pub trusted_metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Domains for JIT provisioning and restricted invites.
    pub email_allowed_domains: Option<Vec<String>>,
    /// `RESTRICTED` (new emails of an allowed domain may join) or `NOT_ALLOWED`.
    pub email_jit_provisioning: Option<String>,
    /// `ALL_ALLOWED`, `RESTRICTED` (allowed domains only) or `NOT_ALLOWED`.
    pub email_invites: Option<String>,
    /// Stored and reported (SSO is not emulated).
    pub sso_jit_provisioning: Option<String>,
    /// `ALL_ALLOWED` or `RESTRICTED` (to `allowed_auth_methods`).
    pub auth_methods: Option<String>,
    /// e.g. `magic_link`, `email_otp`, `password`.
    pub allowed_auth_methods: Option<Vec<String>>,
    /// `ALL_ALLOWED` or `RESTRICTED` (to `allowed_mfa_methods`).
    pub mfa_methods: Option<String>,
    /// e.g. `sms_otp`, `totp`.
    pub allowed_mfa_methods: Option<Vec<String>>,
    /// `OPTIONAL` or `REQUIRED_FOR_ALL`.
    pub mfa_policy: Option<String>,
    /// Stored and reported (OAuth is not emulated).
    pub oauth_tenant_jit_provisioning: Option<String>,
}

/// A seeded member. `roles` are role ids besides the implicit `stytch_member`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SeedMember {
    /// The id; by default derived from the organization id and email (stable across resets).
    pub member_id: Option<String>,
    /// The member's email.
    pub email_address: String,
    /// Display name.
    pub name: String,
    /// Assigned role ids, e.g. `stytch_admin`.
    pub roles: Vec<String>,
    /// `active` (default), `pending` or `invited`.
    pub status: String,
    /// Whether the email counts as verified.
    pub email_address_verified: bool,
    /// Exempt from the organization's auth-method restrictions.
    pub is_breakglass: bool,
    /// An initial password (argon2-hashed at seed time; not strength-checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A phone for SMS codes, E.164, seeded as verified (as if the member had authenticated a code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_phone_number: Option<String>,
    /// Whether MFA applies at the member's every login (also with the organization's `OPTIONAL` policy).
    pub mfa_enrolled: bool,
}

/// LUDS password policy (bootstrap `password_config`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct PasswordConfig {
    /// How many of the four classes (lower, upper, digit, symbol) are required (1..=4).
    pub luds_complexity: u32,
    /// Minimum length in characters.
    pub luds_minimum_count: u32,
}

impl Default for SeedMember {
    fn default() -> Self {
        SeedMember {
            member_id: None,
            email_address: String::new(),
            name: String::new(),
            roles: Vec::new(),
            status: "active".into(),
            email_address_verified: false,
            is_breakglass: false,
            mfa_phone_number: None,
            mfa_enrolled: false,
            password: None,
        }
    }
}

impl Default for Seed {
    /// A usable local project: generated credentials, origins/redirects for
    /// `http://127.0.0.1:8080` and `http://localhost:8080` (the demo's), plus the defaults of
    /// Stytch's own test projects (origin `http://localhost:3000`, redirect
    /// `http://localhost:3000/authenticate` for every type), so an app written against Stytch
    /// runs here unchanged; and the "Acme" organization
    /// (slug `acme`, domain `example.com`, JIT RESTRICTED) with `admin@example.com` (stytch_admin).
    fn default() -> Self {
        Seed {
            project: SeedProject::default(),
            allowed_origins: vec![
                "http://127.0.0.1:8080".into(),
                "http://localhost:8080".into(),
                "http://localhost:3000".into(),
            ],
            redirect_urls: vec![
                "http://127.0.0.1:8080/".into(),
                "http://localhost:8080/".into(),
                "http://localhost:3000/authenticate".into(),
            ],
            pkce_required_for_email_magic_links: false,
            pkce_required_for_password_resets: false,
            pkce_required_for_oauth: false,
            pkce_required_for_sso: false,
            password_config: None,
            http_only_cookies: false,
            rbac_policy: RbacPolicy::default(),
            connected_apps: Vec::new(),
            connected_apps_authorization_url: None,
            organizations: vec![SeedOrganization {
                organization_id: None,
                settings: OrgSettings {
                    organization_name: Some("Acme".into()),
                    organization_slug: Some("acme".into()),
                    email_allowed_domains: Some(vec!["example.com".into()]),
                    email_jit_provisioning: Some("RESTRICTED".into()),
                    email_invites: Some("ALL_ALLOWED".into()),
                    auth_methods: Some("ALL_ALLOWED".into()),
                    allowed_auth_methods: Some(vec![]),
                    ..OrgSettings::default()
                },
                members: vec![SeedMember {
                    email_address: "admin@example.com".into(),
                    name: "Ada Admin".into(),
                    roles: vec!["stytch_admin".into()],
                    ..SeedMember::default()
                }],
            }],
        }
    }
}

impl Seed {
    /// Read a JSON seed file.
    pub fn from_file(path: &Path) -> Result<Seed, EmulatorError> {
        let text = std::fs::read_to_string(path)?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Fill in generated project credentials.
    pub(crate) fn resolved(mut self) -> Result<Seed, EmulatorError> {
        let p = &mut self.project;
        if p.project_id.as_deref().is_none_or(str::is_empty) {
            p.project_id = Some(format!("project-test-{}", uuid::Uuid::new_v4()));
        }
        if p.public_token.as_deref().is_none_or(str::is_empty) {
            p.public_token = Some(format!("public-token-test-{}", uuid::Uuid::new_v4()));
        }
        if p.secret.as_deref().is_none_or(str::is_empty) {
            let t = crate::infra::crypto::random_token()
                .map_err(|_| EmulatorError::Key("CSPRNG unavailable".into()))?;
            p.secret = Some(format!("secret-test-{t}"));
        }
        if p.name.as_deref().is_none_or(str::is_empty) {
            p.name = Some("Local project".into());
        }
        // A confidential client's generated secret must survive a reset, so it is resolved into
        // the stored seed as the project secret is.
        for app in &mut self.connected_apps {
            if !app.client_type.ends_with("_public")
                && app.client_secret.as_deref().is_none_or(str::is_empty)
            {
                let t = crate::infra::crypto::random_token()
                    .map_err(|_| EmulatorError::Key("CSPRNG unavailable".into()))?;
                app.client_secret = Some(format!("secret-test-{t}"));
            }
        }
        Ok(self)
    }
}
