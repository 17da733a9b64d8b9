//! `client.totp()`: time-based one-time passcodes from an authenticator app (JS `stytch.totp`).
//!
//! Both calls send the intermediate session token when one is held: right after a primary factor, when the
//! organization requires MFA, the member enrols (`create`) or proves (`authenticate`) the second factor with it.
//! With a session instead (the session token goes in the `Authorization` header), a member adds TOTP to
//! their account.
//!
//! # Example
//!
//! ```no_run
//! use leptos_stytch::{StytchB2BClient, StytchError, TotpAuthenticateRequest, TotpCreateRequest};
//!
//! async fn enrol(client: &StytchB2BClient, code_from_the_app: String) -> Result<(), StytchError> {
//!     let pending = client.pending_mfa().expect("a primary factor passed and MFA is due");
//!     let created = client
//!         .totp()
//!         .create(TotpCreateRequest {
//!             organization_id: pending.organization.organization_id.clone(),
//!             member_id: pending.member.member_id.clone(),
//!             expiration_minutes: None,
//!         })
//!         .await?;
//!     // Show created.qr_code as an <img src>, and created.recovery_codes once.
//!     let _ = (&created.qr_code, &created.recovery_codes);
//!     client
//!         .totp()
//!         .authenticate(TotpAuthenticateRequest {
//!             organization_id: pending.organization.organization_id,
//!             member_id: pending.member.member_id,
//!             code: code_from_the_app,
//!             ..Default::default()
//!         })
//!         .await?;
//!     Ok(())
//! }
//! ```

use serde::{Deserialize, Serialize};

use super::body::Body;
use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::{AuthenticateResponse, Member, Organization};
use super::platform::Method;
use super::redact::debug_redacted;

/// Get it with [`StytchB2BClient::totp`].
#[derive(Clone, Debug)]
pub struct TotpClient {
    client: StytchB2BClient,
}

/// Body of [`TotpClient::create`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TotpCreateRequest {
    /// The member's organization.
    pub organization_id: String,
    /// The member who gets the registration.
    pub member_id: String,
    /// How long the registration may stay unconfirmed, 5 to 1440 minutes; 60 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_minutes: Option<u32>,
}

/// What [`TotpClient::create`] returns. The secret, QR code and recovery codes are shown once: Stytch never
/// returns them again (recovery codes excepted, see [`crate::core::recovery_codes`]). `Debug` shows none of them.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TotpCreateResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The member.
    pub member_id: String,
    /// The member after the call.
    pub member: Member,
    /// The member's organization.
    pub organization: Organization,
    /// Id of the new (pending until its first code is authenticated) registration.
    pub totp_registration_id: String,
    /// The shared secret, base32, for apps that take it typed in.
    pub secret: String,
    /// A `data:image/png;base64,…` QR code of the `otpauth://` URI, for an `<img src>`.
    pub qr_code: String,
    /// Ten single-use codes that stand in for the app.
    pub recovery_codes: Vec<String>,
}

debug_redacted!(TotpCreateResponse {
    request_id,
    status_code,
    member_id,
    member,
    organization,
    totp_registration_id,
    secret: secret,
    qr_code: secret,
    recovery_codes: secret
});

/// `set_mfa_enrollment` of an MFA authenticate: with the `OPTIONAL` MFA policy, whether this success turns
/// MFA on (`enroll`) or off (`unenroll`) for the member's later logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MfaEnrollment {
    /// Require MFA at the member's later logins.
    Enroll,
    /// Stop requiring it.
    Unenroll,
}

/// Body of [`TotpClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct TotpAuthenticateRequest {
    /// The member's organization.
    pub organization_id: String,
    /// The member.
    pub member_id: String,
    /// The 6-digit code the app shows now.
    pub code: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Turn MFA on or off for later logins (`OPTIONAL` policy only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_mfa_enrollment: Option<MfaEnrollment>,
    /// Make TOTP the member's default second factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_default_mfa: Option<bool>,
}

debug_redacted!(TotpAuthenticateRequest {
    organization_id,
    member_id,
    code: secret,
    session_duration_minutes,
    set_mfa_enrollment,
    set_default_mfa
});

impl Default for TotpAuthenticateRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            organization_id: String::new(),
            member_id: String::new(),
            code: String::new(),
            session_duration_minutes: 60,
            set_mfa_enrollment: None,
            set_default_mfa: None,
        }
    }
}

impl TotpClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `POST /sdk/v1/b2b/totp` + IST: creates a TOTP registration for the member. The logged-in member's
    /// stored copy is updated when it is the one enrolled.
    pub async fn create(
        &self,
        request: TotpCreateRequest,
    ) -> Result<TotpCreateResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        let resp: TotpCreateResponse = self
            .client
            .request(Method::Post, "/b2b/totp", Some(&body))
            .await?;
        self.client.update_member_if_self(&resp.member);
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/totp/authenticate` + IST: checks the app's code (the first success confirms a new
    /// registration) and stores the session it returns.
    pub async fn authenticate(
        &self,
        request: TotpAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .authenticate_call("/b2b/totp/authenticate", &body)
            .await
    }
}
