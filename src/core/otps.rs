//! `client.otps()`: one-time passcodes (JS `stytch.otps`). Only email OTPs for now.

use serde::Serialize;

use super::body::Body;
use super::client::StytchB2BClient;
use super::discovery::DiscoveryAuthenticateResponse;
use super::error::StytchError;
use super::models::{AuthenticateResponse, MemberResponse, ResponseCommon};
use super::platform::Method;
use super::redact::debug_redacted;

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

/// Body of [`OtpsEmailClient::login_or_signup`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OtpEmailLoginOrSignupRequest {
    pub organization_id: String,
    pub email_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_expiration_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_expiration_minutes: Option<u32>,
}

/// Body of [`OtpsEmailClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct OtpEmailAuthenticateRequest {
    pub code: String,
    pub email_address: String,
    pub organization_id: String,
    pub session_duration_minutes: u32,
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
    pub email_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_expiration_minutes: Option<u32>,
}

/// Body of [`OtpsEmailDiscoveryClient::authenticate`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct OtpEmailDiscoveryAuthenticateRequest {
    pub code: String,
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
