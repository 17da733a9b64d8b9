//! `client.scim()`: the organization's SCIM connection (JS `stytch.scim`): the endpoint and bearer
//! token an identity provider uses to push users and groups, the token's rotation, and the roles the
//! pushed groups grant. Every call needs a member session with the `stytch.scim` permission.
//!
//! The bearer token is shown once, in the answer of [`ScimClient::create_connection`] (and the next
//! one in that of [`ScimClient::rotate_start`]); afterwards only its last four characters are.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{CreateScimConnectionRequest, StytchB2BClient, StytchError};
//!
//! async fn connect_okta(client: &StytchB2BClient) -> Result<(), StytchError> {
//!     let created = client
//!         .scim()
//!         .create_connection(CreateScimConnectionRequest {
//!             display_name: Some("Okta".into()),
//!             identity_provider: Some("okta".into()),
//!         })
//!         .await?;
//!     // Paste both into the identity provider now: the token is not shown again.
//!     let c = created.connection;
//!     println!("{} {:?}", c.base_url, c.bearer_token.is_some());
//!     Ok(())
//! }
//! ```

use serde::{Deserialize, Serialize};

use super::client::StytchB2BClient;
use super::error::StytchError;
use super::platform::Method;
use super::redact::debug_redacted;
use super::url::encode_uri_component;

/// Get it with [`StytchB2BClient::scim`].
#[derive(Clone, Debug)]
pub struct ScimClient {
    client: StytchB2BClient,
}

/// Body of [`ScimClient::create_connection`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateScimConnectionRequest {
    /// What admins see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `okta`, `microsoft-entra`, `cyberark`, `jumpcloud`, `onelogin`, `pingfederate`, `rippling`
    /// or `generic` (the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
}

/// A role the members of an identity-provider group get.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimGroupRoleAssignment {
    /// The role (of the project's RBAC policy).
    pub role_id: String,
    /// The group, as the identity provider pushed it.
    pub group_id: String,
    /// The group's name (in answers only).
    #[serde(skip_serializing)]
    pub group_name: String,
}

/// Body of [`ScimClient::update_connection`]: fields left `None` are not changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateScimConnectionRequest {
    /// The connection to update.
    pub connection_id: String,
    /// What admins see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// See [`CreateScimConnectionRequest::identity_provider`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// Roles the members of pushed groups get (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_group_implicit_role_assignments: Option<Vec<ScimGroupRoleAssignment>>,
}

/// Body of [`ScimClient::get_connection_groups`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GetScimConnectionGroupsRequest {
    /// Page size, 1 to 1000 (100 when omitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// A SCIM connection.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimConnection {
    /// Its organization.
    pub organization_id: String,
    /// `scim-connection-test-…`.
    pub connection_id: String,
    /// `active`.
    pub status: String,
    /// What admins see.
    pub display_name: String,
    /// The identity provider it is for.
    pub identity_provider: String,
    /// The SCIM 2.0 endpoint the identity provider sends users and groups to.
    pub base_url: String,
    /// The bearer token itself: only in the answer of [`ScimClient::create_connection`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<String>,
    /// The last four characters of the current bearer token.
    pub bearer_token_last_four: String,
    /// When the current token expires (RFC 3339).
    pub bearer_token_expires_at: Option<String>,
    /// The next bearer token: only in the answer of [`ScimClient::rotate_start`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_bearer_token: Option<String>,
    /// The last four characters of the next token while a rotation is pending (else empty).
    pub next_bearer_token_last_four: String,
    /// When the next token expires, while a rotation is pending.
    pub next_bearer_token_expires_at: Option<String>,
    /// Roles the members of pushed groups get.
    pub scim_group_implicit_role_assignments: Vec<ScimGroupRoleAssignment>,
}

debug_redacted!(ScimConnection {
    organization_id,
    connection_id,
    status,
    display_name,
    identity_provider,
    base_url,
    bearer_token: secret,
    bearer_token_last_four,
    bearer_token_expires_at,
    next_bearer_token: secret,
    next_bearer_token_last_four,
    next_bearer_token_expires_at,
    scim_group_implicit_role_assignments
});

/// `{connection}`: answer of create, update and the rotation calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connection as it is now.
    pub connection: ScimConnection,
}

/// Answer of [`ScimClient::get_connection`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetScimConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The organization's connection, `None` when it has none.
    pub connection: Option<ScimConnection>,
}

/// Answer of [`ScimClient::delete_connection`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteScimConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connection deleted.
    pub connection_id: String,
}

/// A group the identity provider pushed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScimGroup {
    /// Its organization.
    pub organization_id: String,
    /// The connection that pushed it.
    pub connection_id: String,
    /// Stytch's id of the group.
    pub group_id: String,
    /// Its name at the identity provider.
    pub group_name: String,
}

/// Answer of [`ScimClient::get_connection_groups`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetScimConnectionGroupsResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// One page of groups.
    pub scim_groups: Vec<ScimGroup>,
    /// Where the next page starts; `None` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
struct ConnectionIdBody<'a> {
    connection_id: &'a str,
}

impl ScimClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `POST /sdk/v1/b2b/scim`: the organization's connection (one per organization); the answer
    /// carries its bearer token, the only time it is shown. Needs `stytch.scim` / `create`.
    pub async fn create_connection(
        &self,
        request: CreateScimConnectionRequest,
    ) -> Result<ScimConnectionResponse, StytchError> {
        self.client
            .request(Method::Post, "/b2b/scim", Some(&request))
            .await
    }

    /// `PUT /sdk/v1/b2b/scim/{connection_id}`. Needs `stytch.scim` / `update`.
    pub async fn update_connection(
        &self,
        request: UpdateScimConnectionRequest,
    ) -> Result<ScimConnectionResponse, StytchError> {
        let path = format!("/b2b/scim/{}", encode_uri_component(&request.connection_id));
        self.client
            .request(Method::Put, &path, Some(&request))
            .await
    }

    /// `DELETE /sdk/v1/b2b/scim/{connection_id}`. Needs `stytch.scim` / `delete`.
    pub async fn delete_connection(
        &self,
        connection_id: &str,
    ) -> Result<DeleteScimConnectionResponse, StytchError> {
        let path = format!("/b2b/scim/{}", encode_uri_component(connection_id));
        self.client
            .request(Method::Delete, &path, None::<&()>)
            .await
    }

    /// `GET /sdk/v1/b2b/scim`: the organization's connection, if any. Needs `stytch.scim` / `get`.
    pub async fn get_connection(&self) -> Result<GetScimConnectionResponse, StytchError> {
        self.client
            .request(Method::Get, "/b2b/scim", None::<&()>)
            .await
    }

    /// `POST /sdk/v1/b2b/scim/groups`: one page of the groups the identity provider pushed. Needs
    /// `stytch.scim` / `get`.
    pub async fn get_connection_groups(
        &self,
        request: GetScimConnectionGroupsRequest,
    ) -> Result<GetScimConnectionGroupsResponse, StytchError> {
        self.client
            .request(Method::Post, "/b2b/scim/groups", Some(&request))
            .await
    }

    async fn rotate(
        &self,
        step: &str,
        connection_id: &str,
    ) -> Result<ScimConnectionResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                &format!("/b2b/scim/rotate/{step}"),
                Some(&ConnectionIdBody { connection_id }),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/scim/rotate/start`: mints the next bearer token, shown only in this
    /// answer; both tokens work until the rotation is completed or cancelled. Needs `stytch.scim` /
    /// `update`.
    pub async fn rotate_start(
        &self,
        connection_id: &str,
    ) -> Result<ScimConnectionResponse, StytchError> {
        self.rotate("start", connection_id).await
    }

    /// `POST /sdk/v1/b2b/scim/rotate/complete`: the next token replaces the current one. Needs
    /// `stytch.scim` / `update`.
    pub async fn rotate_complete(
        &self,
        connection_id: &str,
    ) -> Result<ScimConnectionResponse, StytchError> {
        self.rotate("complete", connection_id).await
    }

    /// `POST /sdk/v1/b2b/scim/rotate/cancel`: drops the next token; the current one stays. Needs
    /// `stytch.scim` / `update`.
    pub async fn rotate_cancel(
        &self,
        connection_id: &str,
    ) -> Result<ScimConnectionResponse, StytchError> {
        self.rotate("cancel", connection_id).await
    }
}
