//! `client.impersonation()`: sign in as a member with an impersonation token (JS `stytch.impersonation`).
//!
//! Stytch mints these tokens only in its dashboard ("Impersonate Member"), which opens the project's login
//! redirect URL with `?stytch_token_type=multi_tenant_impersonation&token=…`;
//! [`StytchB2BClient::authenticate_by_url`] handles that URL. The emulator mints them through its control API.
//! The session lasts 60 minutes, cannot be extended, and carries one `impersonated` factor naming the
//! impersonator.
//!
//! # Example
//!
//! ```no_run
//! use leptos_stytch::{ImpersonationAuthenticateRequest, StytchB2BClient, StytchError};
//!
//! async fn impersonate(client: &StytchB2BClient, token: String) -> Result<(), StytchError> {
//!     let resp = client
//!         .impersonation()
//!         .authenticate(ImpersonationAuthenticateRequest { impersonation_token: token })
//!         .await?;
//!     println!("acting as {}", resp.member.email_address);
//!     Ok(())
//! }
//! ```

use serde::Serialize;

use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::AuthenticateResponse;
use super::redact::debug_redacted;

/// Get it with [`StytchB2BClient::impersonation`].
#[derive(Clone, Debug)]
pub struct ImpersonationClient {
    client: StytchB2BClient,
}

/// Body of [`ImpersonationClient::authenticate`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct ImpersonationAuthenticateRequest {
    /// The single-use token from the impersonation link (valid 5 minutes).
    pub impersonation_token: String,
}

debug_redacted!(ImpersonationAuthenticateRequest {
    impersonation_token: secret
});

impl ImpersonationClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `POST /sdk/v1/b2b/impersonation/authenticate`: exchanges the token for a session as the member and
    /// stores it.
    pub async fn authenticate(
        &self,
        request: ImpersonationAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        self.client
            .authenticate_call("/b2b/impersonation/authenticate", &request)
            .await
    }
}
