//! `client.discovery()`: find the organizations of an email address and enter one (JS
//! `stytch.discovery`), plus the types every discovery authenticate returns.
//!
//! The discovery authenticates themselves live with their factor: `magic_links().discovery()`,
//! `otps().email().discovery()` and `passwords().discovery()`. They store the intermediate
//! session token (IST) in its cookie and clear any local session; the calls here send that IST.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::Body;
use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::{AuthenticateResponse, Member, Organization};
use super::platform::Method;
use super::redact::debug_redacted;

/// `primary_required`: the organization needs another primary factor first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrimaryRequired {
    pub allowed_auth_methods: Vec<String>,
}

/// `mfa_required`: the organization needs a second factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MfaRequired {
    /// `{mfa_phone_number, totp_registration_id}` when known.
    pub member_options: Option<Value>,
    /// `"sms_otp"` when an SMS was sent automatically.
    pub secondary_auth_initiated: Option<String>,
}

/// How the email relates to a discovered organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Membership {
    /// `active_member`, `pending_member`, `invited_member`, `eligible_to_join_by_email_domain` or
    /// `eligible_to_join_by_oauth_tenant`.
    #[serde(rename = "type")]
    pub kind: String,
    pub details: Option<Value>,
    /// `None` when no member exists yet (an organization one may join).
    pub member: Option<Member>,
}

/// One entry of `discovered_organizations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoveredOrganization {
    pub organization: Organization,
    pub membership: Membership,
    /// True when exchanging into this organization yields a session at once.
    pub member_authenticated: bool,
    pub primary_required: Option<PrimaryRequired>,
    pub mfa_required: Option<MfaRequired>,
}

/// What the discovery authenticates return (`DiscoveryAuthResp`). The IST is stored in its cookie; `Debug`
/// does not show it.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoveryAuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub intermediate_session_token: String,
    pub email_address: String,
    pub discovered_organizations: Vec<DiscoveredOrganization>,
    pub organization_id_hint: Option<String>,
}

debug_redacted!(DiscoveryAuthenticateResponse {
    request_id,
    status_code,
    intermediate_session_token: secret,
    email_address,
    discovered_organizations,
    organization_id_hint
});

/// [`DiscoveryOrganizationsClient::list`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoveredOrganizationsResponse {
    pub request_id: String,
    pub status_code: u16,
    pub email_address: String,
    pub discovered_organizations: Vec<DiscoveredOrganization>,
    pub organization_id_hint: Option<String>,
}

/// Body of [`DiscoveryOrganizationsClient::create`]. Every organization field is optional.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryOrganizationsCreateRequest {
    pub session_duration_minutes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_logo_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso_jit_provisioning: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_allowed_domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_jit_provisioning: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_invites: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_tenant_jit_provisioning: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_oauth_tenants: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_methods: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_auth_methods: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_policy: Option<String>,
}

impl Default for DiscoveryOrganizationsCreateRequest {
    /// No organization fields and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            session_duration_minutes: 60,
            organization_name: None,
            organization_slug: None,
            organization_logo_url: None,
            sso_jit_provisioning: None,
            email_allowed_domains: None,
            email_jit_provisioning: None,
            email_invites: None,
            oauth_tenant_jit_provisioning: None,
            allowed_oauth_tenants: None,
            auth_methods: None,
            allowed_auth_methods: None,
            mfa_policy: None,
        }
    }
}

/// Body of [`DiscoveryIntermediateSessionsClient::exchange`] (and of `session().exchange`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeRequest {
    pub organization_id: String,
    pub session_duration_minutes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl Default for ExchangeRequest {
    /// An empty organization id and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            organization_id: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// Get it with [`StytchB2BClient::discovery`].
#[derive(Clone, Debug)]
pub struct DiscoveryClient {
    client: StytchB2BClient,
}

/// `client.discovery().organizations()`.
#[derive(Clone, Debug)]
pub struct DiscoveryOrganizationsClient {
    client: StytchB2BClient,
}

/// `client.discovery().intermediate_sessions()`.
#[derive(Clone, Debug)]
pub struct DiscoveryIntermediateSessionsClient {
    client: StytchB2BClient,
}

impl DiscoveryClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// Listing and creating organizations.
    pub fn organizations(&self) -> DiscoveryOrganizationsClient {
        DiscoveryOrganizationsClient {
            client: self.client.clone(),
        }
    }

    /// Exchanging the intermediate session for a session in one organization.
    pub fn intermediate_sessions(&self) -> DiscoveryIntermediateSessionsClient {
        DiscoveryIntermediateSessionsClient {
            client: self.client.clone(),
        }
    }
}

#[derive(Serialize)]
struct NoFields {}

impl DiscoveryOrganizationsClient {
    /// `POST /sdk/v1/b2b/discovery/organizations` with `{intermediate_session_token?}` from the IST
    /// cookie; with a full session instead, the session token travels in the Basic header and only
    /// existing memberships are listed. Does not change the session state.
    pub async fn list(&self) -> Result<DiscoveredOrganizationsResponse, StytchError> {
        let body = Body::new(&NoFields {}).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .request(Method::Post, "/b2b/discovery/organizations", Some(&body))
            .await
    }

    /// `POST /sdk/v1/b2b/discovery/organizations/create` + IST: creates an organization with the
    /// caller as its first member (`stytch_admin`), then stores the session, or a new IST when
    /// the organization needs another factor.
    pub async fn create(
        &self,
        request: DiscoveryOrganizationsCreateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .authenticate_call("/b2b/discovery/organizations/create", &body)
            .await
    }
}

impl DiscoveryIntermediateSessionsClient {
    /// `POST /sdk/v1/b2b/discovery/intermediate_sessions/exchange` + IST: enters (or joins) the
    /// organization. Stores the session, or a new IST with `primary_required` / `mfa_required`.
    pub async fn exchange(
        &self,
        request: ExchangeRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .authenticate_call("/b2b/discovery/intermediate_sessions/exchange", &body)
            .await
    }
}

impl StytchB2BClient {
    /// Stores a discovery response's IST and clears the local session (JS `withUpdateSession`).
    pub(crate) fn apply_discovery_response(&self, resp: &DiscoveryAuthenticateResponse) {
        self.apply_intermediate_session(&resp.intermediate_session_token);
    }
}
