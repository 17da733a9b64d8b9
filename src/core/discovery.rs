//! `client.discovery()`: find the organizations of an email address and enter one (JS
//! `stytch.discovery`), plus the types every discovery authenticate returns.
//!
//! The discovery authenticates themselves live with their factor: `magic_links().discovery()`,
//! `otps().email().discovery()` and `passwords().discovery()`. They store the intermediate
//! session token (IST) in its cookie and clear any local session; the calls here send that IST.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::ExchangeRequest;
//!
//! async fn pick_organization() -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     // After a discovery authenticate (e.g. `magic_links().discovery().authenticate`) stored an IST:
//!     let found = client.discovery().organizations().list().await?;
//!     if let Some(first) = found.discovered_organizations.first() {
//!         client
//!             .discovery()
//!             .intermediate_sessions()
//!             .exchange(ExchangeRequest {
//!                 organization_id: first.organization.organization_id.clone(),
//!                 ..Default::default()
//!             })
//!             .await?;
//!     }
//!     Ok(())
//! }
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::Body;
use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::{AuthenticateResponse, Member, MfaRequired, Organization, PrimaryRequired};
use super::platform::Method;
use super::redact::debug_redacted;

/// How the email relates to a discovered organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Membership {
    /// `active_member`, `pending_member`, `invited_member`, `eligible_to_join_by_email_domain` or
    /// `eligible_to_join_by_oauth_tenant`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Method-specific details, e.g. the matching domain or OAuth tenant.
    pub details: Option<Value>,
    /// `None` when no member exists yet (an organization one may join).
    pub member: Option<Member>,
}

/// One entry of `discovered_organizations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoveredOrganization {
    /// The organization.
    pub organization: Organization,
    /// How the email address relates to it.
    pub membership: Membership,
    /// True when exchanging into this organization yields a session at once.
    pub member_authenticated: bool,
    /// Set when entering needs a different primary factor first.
    pub primary_required: Option<PrimaryRequired>,
    /// Set when entering needs a second factor.
    pub mfa_required: Option<MfaRequired>,
}

/// What the discovery authenticates return (`DiscoveryAuthResp`). The IST is stored in its cookie; `Debug`
/// does not show it.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoveryAuthenticateResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The IST to list, create or enter organizations with (valid 10 minutes).
    pub intermediate_session_token: String,
    /// The email address that was proved.
    pub email_address: String,
    /// The organizations the email address belongs to or may join.
    pub discovered_organizations: Vec<DiscoveredOrganization>,
    /// The organization the user most likely wants, when Stytch can tell.
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
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The email address of the IST or session.
    pub email_address: String,
    /// The organizations the email address belongs to or may join.
    pub discovered_organizations: Vec<DiscoveredOrganization>,
    /// The organization the user most likely wants, when Stytch can tell.
    pub organization_id_hint: Option<String>,
}

/// Body of [`DiscoveryOrganizationsClient::create`]. Every organization field is optional.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryOrganizationsCreateRequest {
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// The new organization's display name; derived from the email domain when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// The new organization's unique URL-safe name; derived from the name when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_slug: Option<String>,
    /// URL of the organization's logo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_logo_url: Option<String>,
    /// `ALL_ALLOWED`, `RESTRICTED` or `NOT_ALLOWED`: who may join on first SSO login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso_jit_provisioning: Option<String>,
    /// Email domains whose users may join by JIT provisioning or be invited when invites are `RESTRICTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_allowed_domains: Option<Vec<String>>,
    /// `RESTRICTED` or `NOT_ALLOWED`: whether users with an allowed email domain may join on first login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_jit_provisioning: Option<String>,
    /// `ALL_ALLOWED`, `RESTRICTED` (to `email_allowed_domains`) or `NOT_ALLOWED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_invites: Option<String>,
    /// `RESTRICTED` or `NOT_ALLOWED`: whether users of the allowed OAuth tenants may join on first login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_tenant_jit_provisioning: Option<String>,
    /// Provider (`slack`, `hubspot`, `github`) → the tenant ids whose users may join by JIT provisioning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_oauth_tenants: Option<Value>,
    /// `ALL_ALLOWED`, or `RESTRICTED` to `allowed_auth_methods`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_methods: Option<String>,
    /// With `auth_methods` `RESTRICTED`, the methods members may log in with (`sso`, `magic_link`, `password`, `google_oauth`, `email_otp`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_auth_methods: Option<Vec<String>>,
    /// `OPTIONAL` or `REQUIRED_FOR_ALL`.
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
    /// The organization to enter.
    pub organization_id: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
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
