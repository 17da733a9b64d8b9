//! `client.organization()`: the logged-in member's organization (JS `stytch.organization`).

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
