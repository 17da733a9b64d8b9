//! `client.organization()`: the logged-in member's organization (JS `stytch.organization`).

use serde::{Deserialize, Serialize};

use super::client::{StytchB2BClient, Unsubscribe};
use super::error::StytchError;
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
    pub organization: Option<Organization>,
    pub from_cache: bool,
}

/// Body of [`OrganizationClient::get_by_slug`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GetBySlugRequest {
    pub organization_slug: String,
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

    /// The organization, read locally.
    pub fn get_sync(&self) -> Option<Organization> {
        self.client.snapshot().state.map(|s| s.organization)
    }

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
