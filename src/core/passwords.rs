//! `client.passwords()`: passwords (JS `stytch.passwords`).
//!
//! PKCE field names differ by method, exactly as in the JS SDK: the org reset
//! sends `code_challenge` / `code_verifier`; the discovery reset sends `pkce_code_challenge` /
//! `pkce_code_verifier`; `authenticate` and `discovery().authenticate` send `code_verifier`. All
//! use the `passwords` namespace; a challenge is sent only when the project requires PKCE for
//! password resets, a verifier whenever a pair is stored, and the pair is cleared after the call
//! that consumes it succeeds.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::{PasswordAuthenticateRequest, PasswordStrengthCheckRequest};
//!
//! async fn password_login(password: String) -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     let check = client
//!         .passwords()
//!         .strength_check(PasswordStrengthCheckRequest { password: password.clone(), email_address: None })
//!         .await?;
//!     if check.valid_password {
//!         client
//!             .passwords()
//!             .authenticate(PasswordAuthenticateRequest {
//!                 organization_id: "organization-test-…".into(),
//!                 email_address: "ada@example.com".into(),
//!                 password,
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
use super::discovery::DiscoveryAuthenticateResponse;
use super::error::StytchError;
use super::models::{AuthenticateResponse, MemberResponse, ResponseCommon};
use super::pkce::{self, Namespace};
use super::platform::Method;
use super::redact::debug_redacted;

/// Get it with [`StytchB2BClient::passwords`].
#[derive(Clone, Debug)]
pub struct PasswordsClient {
    client: StytchB2BClient,
}

/// `client.passwords().discovery()`.
#[derive(Clone, Debug)]
pub struct PasswordsDiscoveryClient {
    client: StytchB2BClient,
}

/// Body of [`PasswordsClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct PasswordAuthenticateRequest {
    /// The organization to log in to.
    pub organization_id: String,
    /// The member's email address.
    pub email_address: String,
    /// The password, sent as typed.
    pub password: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(PasswordAuthenticateRequest {
    organization_id,
    email_address,
    password: secret,
    session_duration_minutes,
    locale
});

impl Default for PasswordAuthenticateRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            organization_id: String::new(),
            email_address: String::new(),
            password: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// Body of [`PasswordsClient::reset_by_email_start`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PasswordResetByEmailStartRequest {
    /// The organization whose member resets the password.
    pub organization_id: String,
    /// Where to send the reset link.
    pub email_address: String,
    /// Where the link sends a member whose email needs verifying first; must be one of the project's redirect URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_redirect_url: Option<String>,
    /// Where the reset link sends the user to choose a new password; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_password_redirect_url: Option<String>,
    /// How long the reset link stays valid, 5 to 10080 minutes; 30 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_password_expiration_minutes: Option<u32>,
    /// Id of a custom email template for the reset email; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_password_template_id: Option<String>,
    /// Id of a custom email template sent when the email address is not verified yet; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_email_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// Body of [`PasswordsClient::reset_by_email`].
#[derive(Clone, PartialEq, Serialize)]
pub struct PasswordResetByEmailRequest {
    /// The `token` query parameter of the reset link.
    pub password_reset_token: String,
    /// The new password.
    pub password: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(PasswordResetByEmailRequest {
    password_reset_token: secret,
    password: secret,
    session_duration_minutes,
    locale
});

impl Default for PasswordResetByEmailRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            password_reset_token: String::new(),
            password: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// Body of [`PasswordsClient::reset_by_existing_password`].
#[derive(Clone, PartialEq, Serialize)]
pub struct PasswordResetByExistingPasswordRequest {
    /// The member's organization.
    pub organization_id: String,
    /// The member's email address.
    pub email_address: String,
    /// The current password.
    pub existing_password: String,
    /// The new password.
    pub new_password: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(PasswordResetByExistingPasswordRequest {
    organization_id,
    email_address,
    existing_password: secret,
    new_password: secret,
    session_duration_minutes,
    locale
});

impl Default for PasswordResetByExistingPasswordRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            organization_id: String::new(),
            email_address: String::new(),
            existing_password: String::new(),
            new_password: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// Body of [`PasswordsClient::reset_by_session`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct PasswordResetBySessionRequest {
    /// The new password for the logged-in member.
    pub password: String,
}

debug_redacted!(PasswordResetBySessionRequest { password: secret });

/// Body of [`PasswordsClient::strength_check`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct PasswordStrengthCheckRequest {
    /// The password to check.
    pub password: String,
    /// The user's email address, so a password built from it scores lower.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

debug_redacted!(PasswordStrengthCheckRequest {
    password: secret,
    email_address
});

/// What [`PasswordsClient::strength_check`] returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordStrengthCheckResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// Whether the password meets the project's policy.
    pub valid_password: bool,
    /// The zxcvbn score, 0 to 4; a password is valid from 3.
    pub score: u8,
    /// Whether the password appears in a known breach (HaveIBeenPwned).
    pub breached_password: bool,
    /// Whether breached passwords are refused when set.
    pub breach_detection_on_create: bool,
    /// `"zxcvbn"` or `"luds"`.
    pub strength_policy: String,
    /// `{warning, suggestions[]}`.
    pub zxcvbn_feedback: Value,
    /// `{has_lower_case, has_upper_case, has_digit, has_symbol, missing_complexity, missing_characters}`.
    pub luds_feedback: Value,
}

/// Body of [`PasswordsDiscoveryClient::authenticate`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct PasswordDiscoveryAuthenticateRequest {
    /// The user's email address.
    pub email_address: String,
    /// The password, sent as typed.
    pub password: String,
}

debug_redacted!(PasswordDiscoveryAuthenticateRequest {
    email_address,
    password: secret
});

/// Body of [`PasswordsDiscoveryClient::reset_by_email_start`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PasswordDiscoveryResetByEmailStartRequest {
    /// Where to send the reset link.
    pub email_address: String,
    /// Where the emailed link sends the user to pick an organization; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_redirect_url: Option<String>,
    /// Where the reset link sends the user to choose a new password; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_password_redirect_url: Option<String>,
    /// How long the reset link stays valid, 5 to 10080 minutes; 30 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_password_expiration_minutes: Option<u32>,
    /// Id of a custom email template for the reset email; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_password_template_id: Option<String>,
    /// Id of a custom email template sent when the email address is not verified yet; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_email_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// Body of [`PasswordsDiscoveryClient::reset_by_email`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct PasswordDiscoveryResetByEmailRequest {
    /// The `token` query parameter of the reset link.
    pub password_reset_token: String,
    /// The new password.
    pub password: String,
}

debug_redacted!(PasswordDiscoveryResetByEmailRequest {
    password_reset_token: secret,
    password: secret
});

impl PasswordsClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    fn ist(&self) -> Option<String> {
        self.client.intermediate_session_token()
    }

    fn verifier(&self) -> Option<String> {
        pkce::get(&self.client, Namespace::Passwords).map(|p| p.code_verifier)
    }

    /// A challenge when the project requires PKCE for password resets (a new pair each time).
    async fn challenge(&self) -> Option<String> {
        let bootstrap = self.client.bootstrap_config().await;
        bootstrap
            .pkce_required_for_password_resets
            .then(|| pkce::start(&self.client, Namespace::Passwords).code_challenge)
    }

    /// `POST /sdk/v1/b2b/passwords/authenticate` + IST + `code_verifier`: logs in with a
    /// password; stores the session (or an IST when the organization needs another factor).
    pub async fn authenticate(
        &self,
        request: PasswordAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request)
            .field("code_verifier", self.verifier())
            .field("intermediate_session_token", self.ist());
        let resp = self
            .client
            .authenticate_call("/b2b/passwords/authenticate", &body)
            .await?;
        pkce::clear(&self.client, Namespace::Passwords);
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/passwords/email/reset/start` (+ `code_challenge` when required): emails
    /// a reset link (`?stytch_token_type=multi_tenant_passwords&token=…`).
    pub async fn reset_by_email_start(
        &self,
        request: PasswordResetByEmailStartRequest,
    ) -> Result<MemberResponse, StytchError> {
        let body = Body::new(&request).field("code_challenge", self.challenge().await);
        self.client
            .request(
                Method::Post,
                "/b2b/passwords/email/reset/start",
                Some(&body),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/passwords/email/reset` + IST + `code_verifier`: sets the new password
    /// from the emailed token and stores the session. The PKCE pair is then cleared.
    pub async fn reset_by_email(
        &self,
        request: PasswordResetByEmailRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request)
            .field("code_verifier", self.verifier())
            .field("intermediate_session_token", self.ist());
        let resp = self
            .client
            .authenticate_call("/b2b/passwords/email/reset", &body)
            .await?;
        pkce::clear(&self.client, Namespace::Passwords);
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/passwords/existing_password/reset`: changes the password given the
    /// current one; the member's other sessions are revoked and a new session is stored.
    pub async fn reset_by_existing_password(
        &self,
        request: PasswordResetByExistingPasswordRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        self.client
            .authenticate_call("/b2b/passwords/existing_password/reset", &request)
            .await
    }

    /// `POST /sdk/v1/b2b/passwords/session/reset`: sets the password of the logged-in member
    /// (the session must be fresh); the other sessions are revoked, this one is kept and stored.
    pub async fn reset_by_session(
        &self,
        request: PasswordResetBySessionRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        self.client
            .authenticate_call("/b2b/passwords/session/reset", &request)
            .await
    }

    /// `POST /sdk/v1/b2b/passwords/strength_check`: scores a candidate password under the
    /// project's policy (zxcvbn or LUDS).
    pub async fn strength_check(
        &self,
        request: PasswordStrengthCheckRequest,
    ) -> Result<PasswordStrengthCheckResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/b2b/passwords/strength_check",
                Some(&request),
            )
            .await
    }

    /// Passwords without an organization: discovery.
    pub fn discovery(&self) -> PasswordsDiscoveryClient {
        PasswordsDiscoveryClient {
            client: self.client.clone(),
        }
    }
}

impl PasswordsDiscoveryClient {
    fn passwords(&self) -> PasswordsClient {
        PasswordsClient::new(self.client.clone())
    }

    /// `POST /sdk/v1/b2b/passwords/discovery/authenticate` + `code_verifier`: checks the password
    /// against the email's members and returns its organizations; the IST is stored.
    pub async fn authenticate(
        &self,
        request: PasswordDiscoveryAuthenticateRequest,
    ) -> Result<DiscoveryAuthenticateResponse, StytchError> {
        let body = Body::new(&request).field("code_verifier", self.passwords().verifier());
        let resp: DiscoveryAuthenticateResponse = self
            .client
            .request(
                Method::Post,
                "/b2b/passwords/discovery/authenticate",
                Some(&body),
            )
            .await?;
        pkce::clear(&self.client, Namespace::Passwords);
        self.client.apply_discovery_response(&resp);
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/passwords/discovery/reset/start` (+ `pkce_code_challenge` when
    /// required): emails a reset link.
    pub async fn reset_by_email_start(
        &self,
        request: PasswordDiscoveryResetByEmailStartRequest,
    ) -> Result<ResponseCommon, StytchError> {
        let body =
            Body::new(&request).field("pkce_code_challenge", self.passwords().challenge().await);
        self.client
            .request(
                Method::Post,
                "/b2b/passwords/discovery/reset/start",
                Some(&body),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/passwords/discovery/reset` + IST + `pkce_code_verifier`: sets the new
    /// password and returns the email's organizations; the IST is stored, the pair cleared.
    pub async fn reset_by_email(
        &self,
        request: PasswordDiscoveryResetByEmailRequest,
    ) -> Result<DiscoveryAuthenticateResponse, StytchError> {
        let passwords = self.passwords();
        let body = Body::new(&request)
            .field("pkce_code_verifier", passwords.verifier())
            .field("intermediate_session_token", passwords.ist());
        let resp: DiscoveryAuthenticateResponse = self
            .client
            .request(Method::Post, "/b2b/passwords/discovery/reset", Some(&body))
            .await?;
        pkce::clear(&self.client, Namespace::Passwords);
        self.client.apply_discovery_response(&resp);
        Ok(resp)
    }
}
