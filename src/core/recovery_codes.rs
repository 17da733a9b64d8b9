//! `client.recovery_codes()`: the ten single-use codes that come with a TOTP registration and stand in for a
//! lost authenticator app (JS `stytch.recoveryCodes`).
//!
//! # Example
//!
//! ```no_run
//! use leptos_stytch::{RecoveryCodesRecoverRequest, StytchB2BClient, StytchError};
//!
//! async fn lost_my_phone(client: &StytchB2BClient, code: String) -> Result<(), StytchError> {
//!     let pending = client.pending_mfa().expect("MFA is due");
//!     let resp = client
//!         .recovery_codes()
//!         .recover(RecoveryCodesRecoverRequest {
//!             organization_id: pending.organization.organization_id,
//!             member_id: pending.member.member_id,
//!             recovery_code: code,
//!             ..Default::default()
//!         })
//!         .await?;
//!     println!("{} recovery codes left", resp.recovery_codes_remaining);
//!     // Signed in: get a fresh set of ten.
//!     let fresh = client.recovery_codes().rotate().await?;
//!     assert_eq!(fresh.recovery_codes.len(), 10);
//!     Ok(())
//! }
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Map;

use super::body::Body;
use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::{AuthenticateResponse, authenticate_with, take};
use super::platform::Method;
use super::redact::debug_redacted;

/// Get it with [`StytchB2BClient::recovery_codes`].
#[derive(Clone, Debug)]
pub struct RecoveryCodesClient {
    client: StytchB2BClient,
}

/// Body of [`RecoveryCodesClient::recover`].
#[derive(Clone, PartialEq, Serialize)]
pub struct RecoveryCodesRecoverRequest {
    /// The member's organization.
    pub organization_id: String,
    /// The member.
    pub member_id: String,
    /// One of the member's unused recovery codes, `xxxx-xxxx-xxxx`.
    pub recovery_code: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
}

debug_redacted!(RecoveryCodesRecoverRequest {
    organization_id,
    member_id,
    recovery_code: secret,
    session_duration_minutes
});

impl Default for RecoveryCodesRecoverRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            organization_id: String::new(),
            member_id: String::new(),
            recovery_code: String::new(),
            session_duration_minutes: 60,
        }
    }
}

/// What [`RecoveryCodesClient::recover`] returns: an authenticate answer and the count of codes left.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecoveryCodesRecoverResponse {
    /// The session (stored by the client), member and organization.
    #[serde(flatten)]
    pub authenticate: AuthenticateResponse,
    /// How many unused recovery codes the member has left.
    pub recovery_codes_remaining: u32,
}

impl<'de> Deserialize<'de> for RecoveryCodesRecoverResponse {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (authenticate, recovery_codes_remaining) = authenticate_with(deserializer, |o| {
            let mut remaining = 0;
            take(o, "recovery_codes_remaining", &mut remaining)?;
            Ok(remaining)
        })?;
        Ok(Self {
            authenticate,
            recovery_codes_remaining,
        })
    }
}

/// What [`RecoveryCodesClient::get`] and [`RecoveryCodesClient::rotate`] return. `Debug` hides the codes.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecoveryCodesResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The member's unused recovery codes.
    pub recovery_codes: Vec<String>,
}

debug_redacted!(RecoveryCodesResponse {
    request_id,
    status_code,
    recovery_codes: secret
});

impl RecoveryCodesClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `POST /sdk/v1/b2b/recovery_codes/recover` + IST: spends one recovery code as the second factor and
    /// stores the session it returns.
    pub async fn recover(
        &self,
        request: RecoveryCodesRecoverRequest,
    ) -> Result<RecoveryCodesRecoverResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        let resp: RecoveryCodesRecoverResponse = self
            .client
            .request(Method::Post, "/b2b/recovery_codes/recover", Some(&body))
            .await?;
        self.client.apply_authenticate_response(&resp.authenticate);
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/recovery_codes/rotate` with `{}`: replaces the logged-in member's ten codes with
    /// ten new ones (the old ones stop working).
    pub async fn rotate(&self) -> Result<RecoveryCodesResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/b2b/recovery_codes/rotate",
                Some(&Map::new()),
            )
            .await
    }

    /// `GET /sdk/v1/b2b/recovery_codes`: the logged-in member's unused codes.
    pub async fn get(&self) -> Result<RecoveryCodesResponse, StytchError> {
        self.client
            .request(Method::Get, "/b2b/recovery_codes", None::<&()>)
            .await
    }
}
