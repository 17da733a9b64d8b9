//! `client.organization()`: the logged-in member's organization (JS `stytch.organization`).
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::{GetBySlugRequest, UpdateOrganizationRequest};
//!
//! async fn organization() -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     let public = client
//!         .organization()
//!         .get_by_slug(GetBySlugRequest { organization_slug: "acme".into() })
//!         .await?;
//!     println!("{:?}", public.map(|o| o.organization_name));
//!     // With a session: the member's own organization, read and renamed.
//!     let organization = client.organization().get().await?;
//!     println!("{}", organization.organization_slug);
//!     client
//!         .organization()
//!         .update(UpdateOrganizationRequest {
//!             organization_name: Some("Acme, Inc.".into()),
//!             ..Default::default()
//!         })
//!         .await?;
//!     Ok(())
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::{StytchB2BClient, Unsubscribe};
use super::error::StytchError;
use super::members::MembersClient;
use super::models::{Organization, OrganizationEnvelope};
use super::platform::Method;

/// Get it with [`StytchB2BClient::organization`].
#[derive(Clone, Debug)]
pub struct OrganizationClient {
    client: StytchB2BClient,
}

/// [`OrganizationClient::get_info`].
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationInfo {
    /// The organization, `None` without a session.
    pub organization: Option<Organization>,
    /// True while the value is still the one restored from storage and not yet confirmed by Stytch.
    pub from_cache: bool,
}

/// Body of [`OrganizationClient::get_by_slug`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GetBySlugRequest {
    /// The slug to look up.
    pub organization_slug: String,
}

/// `{role_id, domain}`: members whose email has `domain` get `role_id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmailImplicitRoleAssignment {
    /// The role granted.
    pub role_id: String,
    /// The email domain whose members get it.
    pub domain: String,
}

/// Body of [`OrganizationClient::update`]: every field is optional and omitted when `None`. Each
/// field needs its own `stytch.organization` action, e.g. `organization_name` →
/// `update.info.name`, `email_allowed_domains` → `update.settings.allowed-domains`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateOrganizationRequest {
    /// The organization's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// The organization's unique URL-safe name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_slug: Option<String>,
    /// URL of the organization's logo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_logo_url: Option<String>,
    /// The SSO connection used when a login names only the organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso_default_connection_id: Option<String>,
    /// `ALL_ALLOWED`, `RESTRICTED` or `NOT_ALLOWED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso_jit_provisioning: Option<String>,
    /// With `sso_jit_provisioning` `RESTRICTED`, the connections whose users may join on first login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso_jit_provisioning_allowed_connections: Option<Vec<String>>,
    /// Email domains whose users may join by JIT provisioning or be invited when invites are `RESTRICTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_allowed_domains: Option<Vec<String>>,
    /// `RESTRICTED` or `NOT_ALLOWED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_jit_provisioning: Option<String>,
    /// `ALL_ALLOWED`, `RESTRICTED` or `NOT_ALLOWED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_invites: Option<String>,
    /// `RESTRICTED` or `NOT_ALLOWED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_tenant_jit_provisioning: Option<String>,
    /// provider (`slack`, `hubspot`, `github`) → tenant ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_oauth_tenants: Option<BTreeMap<String, Vec<String>>>,
    /// `ALL_ALLOWED` or `RESTRICTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_methods: Option<String>,
    /// With `auth_methods` `RESTRICTED`, the methods members may log in with (`sso`, `magic_link`, `password`, `google_oauth`, `email_otp`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_auth_methods: Option<Vec<String>>,
    /// `ALL_ALLOWED` or `RESTRICTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_methods: Option<String>,
    /// With `mfa_methods` `RESTRICTED`, the MFA factors members may use (`sms_otp`, `totp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_mfa_methods: Option<Vec<String>>,
    /// `OPTIONAL` or `REQUIRED_FOR_ALL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_policy: Option<String>,
    /// Replaces the roles granted by email domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rbac_email_implicit_role_assignments: Option<Vec<EmailImplicitRoleAssignment>>,
    /// `ALL_ALLOWED`, `RESTRICTED` or `NOT_ALLOWED`: which first-party connected apps members may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_party_connected_apps_allowed_type: Option<String>,
    /// With `RESTRICTED`, the first-party connected app ids allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_first_party_connected_apps: Option<Vec<String>>,
    /// `ALL_ALLOWED`, `RESTRICTED` or `NOT_ALLOWED`: which third-party connected apps members may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub third_party_connected_apps_allowed_type: Option<String>,
    /// With `RESTRICTED`, the third-party connected app ids allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_third_party_connected_apps: Option<Vec<String>>,
}

/// What [`OrganizationClient::delete`] returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteOrganizationResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The deleted organization's id.
    pub organization_id: String,
}

#[derive(Deserialize)]
struct BySlugEnvelope {
    #[serde(default)]
    organization: Option<Organization>,
}

impl OrganizationClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `GET /sdk/v1/b2b/organizations/me`: fetches the organization and updates the stored state.
    pub async fn get(&self) -> Result<Organization, StytchError> {
        let resp: OrganizationEnvelope = self
            .client
            .request(Method::Get, "/b2b/organizations/me", None::<&()>)
            .await?;
        self.client.update_organization(resp.organization.clone());
        Ok(resp.organization)
    }

    /// `POST /sdk/v1/b2b/organizations/search` with `{organization_slug}`: the public part of an organization
    /// (id, name, slug, logo, auth settings), or `None` when no organization has that slug. Needs no session:
    /// this is how a login page finds the `organization_id` to send a magic link for.
    pub async fn get_by_slug(
        &self,
        request: GetBySlugRequest,
    ) -> Result<Option<Organization>, StytchError> {
        let resp: BySlugEnvelope = self
            .client
            .request(Method::Post, "/b2b/organizations/search", Some(&request))
            .await?;
        Ok(resp.organization)
    }

    /// `PUT /sdk/v1/b2b/organizations/me`: updates the given settings of the logged-in member's
    /// organization and stores the result. Each field needs its `stytch.organization` action.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient) -> Result<(), leptos_stytch::StytchError> {
    /// use leptos_stytch::UpdateOrganizationRequest;
    /// let org = client
    ///     .organization()
    ///     .update(UpdateOrganizationRequest { organization_name: Some("Acme Inc".into()), ..Default::default() })
    ///     .await?;
    /// assert_eq!(org.organization_name, "Acme Inc");
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        request: UpdateOrganizationRequest,
    ) -> Result<Organization, StytchError> {
        let resp: OrganizationEnvelope = self
            .client
            .request(Method::Put, "/b2b/organizations/me", Some(&request))
            .await?;
        self.client.update_organization(resp.organization.clone());
        Ok(resp.organization)
    }

    /// `DELETE /sdk/v1/b2b/organizations/me`: deletes the organization with all its members, and
    /// destroys the local session. Needs `stytch.organization` / `delete`.
    pub async fn delete(&self) -> Result<DeleteOrganizationResponse, StytchError> {
        let resp: DeleteOrganizationResponse = self
            .client
            .request(Method::Delete, "/b2b/organizations/me", None::<&()>)
            .await?;
        self.client.destroy_session();
        Ok(resp)
    }

    /// Administration of the organization's members (JS `organization.members`).
    pub fn members(&self) -> MembersClient {
        MembersClient::new(self.client.clone())
    }

    /// The organization, read locally.
    pub fn get_sync(&self) -> Option<Organization> {
        self.client.snapshot().state.map(|s| s.organization)
    }

    /// The organization, read locally, and whether it is still the copy restored from storage.
    pub fn get_info(&self) -> OrganizationInfo {
        let s = self.client.snapshot();
        OrganizationInfo {
            organization: s.state.map(|s| s.organization),
            from_cache: s.from_cache,
        }
    }

    /// Calls `callback` with the organization (or `None`) whenever the state changes.
    pub fn on_change(
        &self,
        callback: impl Fn(Option<&Organization>) + Send + Sync + 'static,
    ) -> Unsubscribe {
        self.client.add_listener(true, move |s| {
            callback(s.state.as_ref().map(|s| &s.organization))
        })
    }
}
