//! `client.otps()`: one-time passcodes (JS `stytch.otps`): email codes as a primary factor, SMS codes as a
//! second factor (MFA).
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::{OtpEmailAuthenticateRequest, OtpEmailLoginOrSignupRequest};
//!
//! async fn email_code(code_from_the_email: String) -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     let email = "ada@example.com";
//!     let organization_id = "organization-test-…";
//!     client
//!         .otps()
//!         .email()
//!         .login_or_signup(OtpEmailLoginOrSignupRequest {
//!             email_address: email.into(),
//!             organization_id: organization_id.into(),
//!             ..Default::default()
//!         })
//!         .await?;
//!     let resp = client
//!         .otps()
//!         .email()
//!         .authenticate(OtpEmailAuthenticateRequest {
//!             code: code_from_the_email,
//!             email_address: email.into(),
//!             organization_id: organization_id.into(),
//!             ..Default::default()
//!         })
//!         .await?;
//!     println!("signed in: {}", resp.member_authenticated);
//!     Ok(())
//! }
//! ```

use serde::Serialize;

use super::body::Body;
use super::client::StytchB2BClient;
use super::discovery::DiscoveryAuthenticateResponse;
use super::error::StytchError;
use super::models::{AuthenticateResponse, MemberResponse, ResponseCommon};
use super::platform::Method;
use super::redact::debug_redacted;
use super::totp::MfaEnrollment;

/// Get it with [`StytchB2BClient::otps`].
#[derive(Clone, Debug)]
pub struct OtpsClient {
    client: StytchB2BClient,
}

/// `client.otps().email()`.
#[derive(Clone, Debug)]
pub struct OtpsEmailClient {
    client: StytchB2BClient,
}

/// `client.otps().email().discovery()`.
#[derive(Clone, Debug)]
pub struct OtpsEmailDiscoveryClient {
    client: StytchB2BClient,
}

/// `client.otps().sms()`: SMS codes as a second factor.
#[derive(Clone, Debug)]
pub struct OtpsSmsClient {
    client: StytchB2BClient,
}

/// Body of [`OtpsSmsClient::send`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OtpSmsSendRequest {
    /// The member's organization.
    pub organization_id: String,
    /// The member to text.
    pub member_id: String,
    /// The phone to text, E.164 (`+15550000000`). Needed when the member has none yet (it is linked, and
    /// verified by the first code authenticated); when it has one, it must be that one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_phone_number: Option<String>,
    /// Language of the text (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Let a trusted device skip the code (Stytch's SMS autofill).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_autofill: Option<bool>,
    /// How long an autofill session lasts, in minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autofill_session_duration_minutes: Option<u32>,
}

/// Body of [`OtpsSmsClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct OtpSmsAuthenticateRequest {
    /// The member's organization.
    pub organization_id: String,
    /// The member.
    pub member_id: String,
    /// The 6-digit code from the text.
    pub code: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Turn MFA on or off for later logins (`OPTIONAL` policy only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_mfa_enrollment: Option<MfaEnrollment>,
}

debug_redacted!(OtpSmsAuthenticateRequest {
    organization_id,
    member_id,
    code: secret,
    session_duration_minutes,
    set_mfa_enrollment
});

impl Default for OtpSmsAuthenticateRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            organization_id: String::new(),
            member_id: String::new(),
            code: String::new(),
            session_duration_minutes: 60,
            set_mfa_enrollment: None,
        }
    }
}

/// Body of [`OtpsEmailClient::login_or_signup`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OtpEmailLoginOrSignupRequest {
    /// The organization to log in to or sign up for.
    pub organization_id: String,
    /// Where to send the code.
    pub email_address: String,
    /// Id of a custom email template for a login; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    /// Id of a custom email template for a signup; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// How long a login code stays valid, 2 to 15 minutes; 10 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_expiration_minutes: Option<u32>,
    /// How long a signup code stays valid, 2 to 15 minutes; 10 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_expiration_minutes: Option<u32>,
}

/// Body of [`OtpsEmailClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct OtpEmailAuthenticateRequest {
    /// The one-time code from the email.
    pub code: String,
    /// The address the code was sent to.
    pub email_address: String,
    /// The organization the code was sent for.
    pub organization_id: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(OtpEmailAuthenticateRequest {
    code: secret,
    email_address,
    organization_id,
    session_duration_minutes,
    locale
});

impl Default for OtpEmailAuthenticateRequest {
    /// Empty strings and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            code: String::new(),
            email_address: String::new(),
            organization_id: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// Body of [`OtpsEmailDiscoveryClient::send`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OtpEmailDiscoverySendRequest {
    /// Where to send the code.
    pub email_address: String,
    /// Id of a custom email template for the code email; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// How long the code stays valid, 2 to 15 minutes; 10 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_expiration_minutes: Option<u32>,
}

/// Body of [`OtpsEmailDiscoveryClient::authenticate`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct OtpEmailDiscoveryAuthenticateRequest {
    /// The one-time code from the email.
    pub code: String,
    /// The address the code was sent to.
    pub email_address: String,
}

debug_redacted!(OtpEmailDiscoveryAuthenticateRequest {
    code: secret,
    email_address
});

impl OtpsClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// Email one-time passcodes.
    pub fn email(&self) -> OtpsEmailClient {
        OtpsEmailClient {
            client: self.client.clone(),
        }
    }

    /// SMS one-time passcodes (a second factor).
    pub fn sms(&self) -> OtpsSmsClient {
        OtpsSmsClient {
            client: self.client.clone(),
        }
    }
}

impl OtpsSmsClient {
    /// `POST /sdk/v1/b2b/otps/sms/send` + IST: texts a 6-digit code, valid 2 minutes, to the member's phone
    /// (a new send replaces the previous code).
    pub async fn send(&self, request: OtpSmsSendRequest) -> Result<ResponseCommon, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .request(Method::Post, "/b2b/otps/sms/send", Some(&body))
            .await
    }

    /// `POST /sdk/v1/b2b/otps/sms/authenticate` + IST: checks the code (verifying the phone) and stores the
    /// session it returns.
    pub async fn authenticate(
        &self,
        request: OtpSmsAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .authenticate_call("/b2b/otps/sms/authenticate", &body)
            .await
    }
}

impl OtpsEmailClient {
    /// `POST /sdk/v1/b2b/otps/email/login_or_signup`: emails a 6-digit code to a member of the
    /// organization (creating a pending member when the organization's JIT rules allow).
    pub async fn login_or_signup(
        &self,
        request: OtpEmailLoginOrSignupRequest,
    ) -> Result<MemberResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/b2b/otps/email/login_or_signup",
                Some(&request),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/otps/email/authenticate` + IST: exchanges the code for a session (or an
    /// intermediate session when the organization needs another factor) and stores it.
    pub async fn authenticate(
        &self,
        request: OtpEmailAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "intermediate_session_token",
            self.client.intermediate_session_token(),
        );
        self.client
            .authenticate_call("/b2b/otps/email/authenticate", &body)
            .await
    }

    /// Discovery: a code that is not tied to an organization.
    pub fn discovery(&self) -> OtpsEmailDiscoveryClient {
        OtpsEmailDiscoveryClient {
            client: self.client.clone(),
        }
    }
}

impl OtpsEmailDiscoveryClient {
    /// `POST /sdk/v1/b2b/otps/email/discovery/send`: emails a discovery code.
    pub async fn send(
        &self,
        request: OtpEmailDiscoverySendRequest,
    ) -> Result<ResponseCommon, StytchError> {
        self.client
            .request(
                Method::Post,
                "/b2b/otps/email/discovery/send",
                Some(&request),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/otps/email/discovery/authenticate`: checks the code and returns the
    /// email's organizations; the intermediate session token is stored (any session is cleared).
    pub async fn authenticate(
        &self,
        request: OtpEmailDiscoveryAuthenticateRequest,
    ) -> Result<DiscoveryAuthenticateResponse, StytchError> {
        let resp: DiscoveryAuthenticateResponse = self
            .client
            .request(
                Method::Post,
                "/b2b/otps/email/discovery/authenticate",
                Some(&request),
            )
            .await?;
        self.client.apply_discovery_response(&resp);
        Ok(resp)
    }
}
