//! `client.self_()`: the logged-in member (JS `stytch.self`).

use super::client::{StytchB2BClient, Unsubscribe};
use super::error::StytchError;
use super::models::{Member, MemberEnvelope};
use super::platform::Method;

/// Get it with [`StytchB2BClient::self_`].
#[derive(Clone, Debug)]
pub struct SelfClient {
    client: StytchB2BClient,
}

/// [`SelfClient::get_info`].
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInfo {
    pub member: Option<Member>,
    pub from_cache: bool,
}

impl SelfClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `GET /sdk/v1/b2b/organizations/members/me`: fetches the member and updates the stored state.
    pub async fn get(&self) -> Result<Member, StytchError> {
        let resp: MemberEnvelope = self
            .client
            .request(Method::Get, "/b2b/organizations/members/me", None::<&()>)
            .await?;
        self.client.update_member(resp.member.clone());
        Ok(resp.member)
    }

    /// The member, read locally.
    pub fn get_sync(&self) -> Option<Member> {
        self.client.snapshot().state.map(|s| s.member)
    }

    pub fn get_info(&self) -> MemberInfo {
        let s = self.client.snapshot();
        MemberInfo {
            member: s.state.map(|s| s.member),
            from_cache: s.from_cache,
        }
    }

    /// Calls `callback` with the member (or `None`) whenever the state changes.
    pub fn on_change(
        &self,
        callback: impl Fn(Option<&Member>) + Send + Sync + 'static,
    ) -> Unsubscribe {
        self.client
            .add_listener(true, move |s| callback(s.state.as_ref().map(|s| &s.member)))
    }
}
