//! The objects Stytch returns (protocol §5). Every struct tolerates missing fields (`#[serde(default)]`)
//! so that a newer or older server never breaks parsing; unknown fields are ignored.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A member's session (`member_session`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberSession {
    pub member_session_id: String,
    pub member_id: String,
    pub organization_id: String,
    pub organization_slug: String,
    /// RFC 3339 timestamps, as the API sends them.
    pub started_at: String,
    pub last_accessed_at: String,
    pub expires_at: String,
    pub authentication_factors: Vec<AuthenticationFactor>,
    pub roles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_claims: Option<Map<String, Value>>,
}

/// One factor of a session. The `<x>_factor` sub-object varies by delivery method; it is kept as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthenticationFactor {
    #[serde(rename = "type")]
    pub kind: String,
    pub delivery_method: String,
    pub last_authenticated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_order: Option<String>,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// A role held by a member, with where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberRole {
    pub role_id: String,
    pub sources: Vec<Value>,
}

/// A member of an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    pub organization_id: String,
    pub member_id: String,
    pub email_address: String,
    pub email_address_verified: bool,
    /// `pending`, `invited`, `active` or `deleted`.
    pub status: String,
    pub name: String,
    pub trusted_metadata: Value,
    pub untrusted_metadata: Value,
    pub created_at: String,
    pub updated_at: String,
    pub is_breakglass: bool,
    pub is_admin: bool,
    pub member_password_id: String,
    pub mfa_enrolled: bool,
    pub mfa_phone_number: String,
    pub mfa_phone_number_verified: bool,
    pub default_mfa_method: String,
    pub totp_registration_id: String,
    pub roles: Vec<MemberRole>,
    pub retired_email_addresses: Vec<Value>,
    pub sso_registrations: Vec<Value>,
    pub oauth_registrations: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// An organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Organization {
    pub organization_id: String,
    pub organization_name: String,
    pub organization_slug: String,
    pub organization_logo_url: String,
    pub trusted_metadata: Value,
    pub email_allowed_domains: Vec<String>,
    pub email_jit_provisioning: String,
    pub email_invites: String,
    pub sso_jit_provisioning: String,
    pub auth_methods: String,
    pub allowed_auth_methods: Vec<String>,
    pub mfa_methods: String,
    pub allowed_mfa_methods: Vec<String>,
    pub mfa_policy: String,
    pub sso_default_connection_id: Option<String>,
    pub sso_jit_provisioning_allowed_connections: Vec<String>,
    pub oauth_tenant_jit_provisioning: String,
    pub allowed_oauth_tenants: Value,
    /// `[{role_id, domain}]`.
    pub rbac_email_implicit_role_assignments: Vec<Value>,
    /// Organization-specific RBAC roles, merged into the project policy by [`crate::core::rbac`].
    pub custom_roles: Vec<Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// The state Stytch's SDK persists under `stytch_sdk_state_<public_token>`: `{session, member, organization}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub session: MemberSession,
    pub member: Member,
    pub organization: Organization,
}

/// A session token pair, as [`crate::core::session::SessionClient::get_tokens`] returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTokens {
    pub session_token: String,
    pub session_jwt: String,
}

/// The common part of every response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResponseCommon {
    pub request_id: String,
    pub status_code: u16,
}

/// `{request_id, status_code, member_id, member, organization}` plus, for login_or_signup, `member_created`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_id: String,
    pub member: Member,
    pub organization: Organization,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_created: Option<bool>,
}

/// What an authenticate call returns (`B2BAuthenticateResponseWithMFA`). When `member_authenticated` is false
/// there is no `member_session`; an `intermediate_session_token` is kept for the next factor instead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_id: String,
    pub member: Member,
    pub organization: Organization,
    pub member_session: Option<MemberSession>,
    pub session_token: String,
    pub session_jwt: String,
    pub intermediate_session_token: String,
    pub member_authenticated: bool,
    pub mfa_required: Option<Value>,
    pub primary_required: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method_id: Option<String>,
}

/// `{organization}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct OrganizationEnvelope {
    pub organization: Organization,
}

/// `{member}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct MemberEnvelope {
    pub member: Member,
}
