//! `client.magic_links()`: email magic links (JS `stytch.magicLinks`).
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::{EmailLoginOrSignupRequest, MagicLinksAuthenticateRequest};
//!
//! async fn magic_link(token_from_the_link: String) -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     // Email the link…
//!     client
//!         .magic_links()
//!         .email()
//!         .login_or_signup(EmailLoginOrSignupRequest {
//!             email_address: "ada@example.com".into(),
//!             organization_id: "organization-test-…".into(),
//!             ..Default::default()
//!         })
//!         .await?;
//!     // …and, on the page it leads to, exchange its `token` for a session.
//!     let resp = client
//!         .magic_links()
//!         .authenticate(MagicLinksAuthenticateRequest {
//!             magic_links_token: token_from_the_link,
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
use super::pkce::{self, Namespace};
use super::platform::Method;
use super::redact::debug_redacted;

/// Get it with [`StytchB2BClient::magic_links`].
#[derive(Clone, Debug)]
pub struct MagicLinksClient {
    client: StytchB2BClient,
}

/// `client.magic_links().email()`.
#[derive(Clone, Debug)]
pub struct MagicLinksEmailClient {
    client: StytchB2BClient,
}

/// Body of [`MagicLinksEmailClient::login_or_signup`]. Optional fields are omitted when `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmailLoginOrSignupRequest {
    /// Where to send the magic link.
    pub email_address: String,
    /// The organization to log in to or sign up for.
    pub organization_id: String,
    /// Where the emailed link sends an existing member; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_redirect_url: Option<String>,
    /// Where the emailed link sends a member who signs up; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_redirect_url: Option<String>,
    /// Id of a custom email template for a login; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    /// Id of a custom email template for a signup; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// How long a login link stays valid, 5 to 10080 minutes; 60 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_expiration_minutes: Option<u32>,
    /// How long a signup link stays valid, 5 to 10080 minutes; 60 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_expiration_minutes: Option<u32>,
}

/// Body of [`MagicLinksEmailClient::invite`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmailInviteRequest {
    /// Who to invite; a new member is created as `invited`.
    pub email_address: String,
    /// Where the invite link sends the member; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_redirect_url: Option<String>,
    /// Id of a custom email template for the invite; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_template_id: Option<String>,
    /// The invited member's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Initial untrusted metadata of the invited member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untrusted_metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Role ids to grant the invited member besides the implicit `stytch_member`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// How long the invite link stays valid, 5 to 10080 minutes; 10080 (a week) when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_expiration_minutes: Option<u32>,
}

#[derive(Serialize)]
struct WithChallenge<'a, T: Serialize> {
    #[serde(flatten)]
    inner: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkce_code_challenge: Option<String>,
}

/// Body of [`MagicLinksClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct MagicLinksAuthenticateRequest {
    /// The `token` query parameter of the magic link.
    pub magic_links_token: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(MagicLinksAuthenticateRequest {
    magic_links_token: secret,
    session_duration_minutes,
    locale
});

impl Default for MagicLinksAuthenticateRequest {
    /// An empty token and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            magic_links_token: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

#[derive(Serialize)]
struct AuthenticateBody<'a> {
    #[serde(flatten)]
    inner: &'a MagicLinksAuthenticateRequest,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkce_code_verifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    intermediate_session_token: Option<String>,
}

impl MagicLinksClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// Email magic links for an organization.
    pub fn email(&self) -> MagicLinksEmailClient {
        MagicLinksEmailClient {
            client: self.client.clone(),
        }
    }

    /// `POST /sdk/v1/b2b/magic_links/authenticate`: exchanges the token from the link for a session (or an
    /// intermediate session when MFA is needed), sending the stored PKCE verifier and intermediate session
    /// token. Like the JS SDK it tries the `passwords` PKCE pair first (a reset link may log in), and on a
    /// PKCE error retries with the `magic_links` pair; the pair used is cleared on success.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient, token: String) -> Result<(), leptos_stytch::StytchError> {
    /// use leptos_stytch::MagicLinksAuthenticateRequest;
    /// let resp = client
    ///     .magic_links()
    ///     .authenticate(MagicLinksAuthenticateRequest { magic_links_token: token, ..Default::default() })
    ///     .await?;
    /// assert!(resp.member_authenticated);
    /// # Ok(()) }
    /// ```
    pub async fn authenticate(
        &self,
        request: MagicLinksAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let passwords_pair = pkce::get(&self.client, Namespace::Passwords);
        let first_ns = if passwords_pair.is_some() {
            Namespace::Passwords
        } else {
            Namespace::MagicLinks
        };
        let result = self.send_authenticate(&request, first_ns).await;
        match result {
            Err(StytchError::Api { error_message, .. })
                if first_ns == Namespace::Passwords
                    && error_message.to_lowercase().contains("pkce") =>
            {
                self.send_authenticate(&request, Namespace::MagicLinks)
                    .await
            }
            other => other,
        }
    }

    async fn send_authenticate(
        &self,
        request: &MagicLinksAuthenticateRequest,
        ns: Namespace,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = AuthenticateBody {
            inner: request,
            pkce_code_verifier: pkce::get(&self.client, ns).map(|p| p.code_verifier),
            intermediate_session_token: self.client.intermediate_session_token(),
        };
        let resp = self
            .client
            .authenticate_call("/b2b/magic_links/authenticate", &body)
            .await?;
        pkce::clear(&self.client, ns);
        Ok(resp)
    }
}

impl MagicLinksEmailClient {
    /// `POST /sdk/v1/b2b/magic_links/email/invite`: invites someone to the logged-in member's
    /// organization (the member becomes `invited` until it follows the link). Needs a session with
    /// `stytch.member` / `create`.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient) -> Result<(), leptos_stytch::StytchError> {
    /// use leptos_stytch::EmailInviteRequest;
    /// let invited = client
    ///     .magic_links()
    ///     .email()
    ///     .invite(EmailInviteRequest { email_address: "new@example.com".into(), ..Default::default() })
    ///     .await?;
    /// assert_eq!(invited.member.status, "invited");
    /// # Ok(()) }
    /// ```
    pub async fn invite(&self, request: EmailInviteRequest) -> Result<MemberResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/b2b/magic_links/email/invite",
                Some(&request),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/magic_links/email/login_or_signup`: emails a login link to an existing member or a
    /// signup link to a new one (if the organization's JIT settings allow). When the project requires PKCE
    /// for magic links, a `pkce_code_challenge` is sent, reusing a stored pair if there is one.
    pub async fn login_or_signup(
        &self,
        request: EmailLoginOrSignupRequest,
    ) -> Result<MemberResponse, StytchError> {
        let bootstrap = self.client.bootstrap_config().await;
        let pkce_code_challenge = bootstrap
            .pkce_required_for_email_magic_links
            .then(|| pkce::get_or_start(&self.client, Namespace::MagicLinks).code_challenge);
        let body = WithChallenge {
            inner: &request,
            pkce_code_challenge,
        };
        self.client
            .request(
                Method::Post,
                "/b2b/magic_links/email/login_or_signup",
                Some(&body),
            )
            .await
    }
}

/// `client.magic_links().email().discovery()`.
#[derive(Clone, Debug)]
pub struct MagicLinksEmailDiscoveryClient {
    client: StytchB2BClient,
}

/// `client.magic_links().discovery()`.
#[derive(Clone, Debug)]
pub struct MagicLinksDiscoveryClient {
    client: StytchB2BClient,
}

/// Body of [`MagicLinksEmailDiscoveryClient::send`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmailDiscoverySendRequest {
    /// Where to send the discovery link.
    pub email_address: String,
    /// Where the emailed link sends the user to pick an organization; must be one of the project's redirect URLs, its default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_redirect_url: Option<String>,
    /// Id of a custom email template for the discovery email; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// How long the link stays valid, 5 to 10080 minutes; 60 when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_expiration_minutes: Option<u32>,
}

/// Body of [`MagicLinksDiscoveryClient::authenticate`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct MagicLinksDiscoveryAuthenticateRequest {
    /// The `token` query parameter of the discovery link.
    pub discovery_magic_links_token: String,
}

debug_redacted!(MagicLinksDiscoveryAuthenticateRequest {
    discovery_magic_links_token: secret
});

impl MagicLinksClient {
    /// Discovery magic links (not tied to an organization).
    pub fn discovery(&self) -> MagicLinksDiscoveryClient {
        MagicLinksDiscoveryClient {
            client: self.client.clone(),
        }
    }
}

impl MagicLinksEmailClient {
    /// Discovery: a link that finds the email's organizations.
    pub fn discovery(&self) -> MagicLinksEmailDiscoveryClient {
        MagicLinksEmailDiscoveryClient {
            client: self.client.clone(),
        }
    }
}

impl MagicLinksEmailDiscoveryClient {
    /// `POST /sdk/v1/b2b/magic_links/email/discovery/send`: emails a discovery link
    /// (`?stytch_token_type=discovery&token=…`). When the project requires PKCE for magic links a
    /// `pkce_code_challenge` is sent, reusing a stored `magic_links` pair if there is one.
    pub async fn send(
        &self,
        request: EmailDiscoverySendRequest,
    ) -> Result<ResponseCommon, StytchError> {
        let bootstrap = self.client.bootstrap_config().await;
        let pkce_code_challenge = bootstrap
            .pkce_required_for_email_magic_links
            .then(|| pkce::get_or_start(&self.client, Namespace::MagicLinks).code_challenge);
        let body = WithChallenge {
            inner: &request,
            pkce_code_challenge,
        };
        self.client
            .request(
                Method::Post,
                "/b2b/magic_links/email/discovery/send",
                Some(&body),
            )
            .await
    }
}

impl MagicLinksDiscoveryClient {
    /// `POST /sdk/v1/b2b/magic_links/discovery/authenticate` + `pkce_code_verifier`: exchanges the
    /// discovery link's token for the email's organizations. The intermediate session token is
    /// stored (any local session is cleared) and the `magic_links` PKCE pair is cleared.
    pub async fn authenticate(
        &self,
        request: MagicLinksDiscoveryAuthenticateRequest,
    ) -> Result<DiscoveryAuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "pkce_code_verifier",
            pkce::get(&self.client, Namespace::MagicLinks).map(|p| p.code_verifier),
        );
        let resp: DiscoveryAuthenticateResponse = self
            .client
            .request(
                Method::Post,
                "/b2b/magic_links/discovery/authenticate",
                Some(&body),
            )
            .await?;
        pkce::clear(&self.client, Namespace::MagicLinks);
        self.client.apply_discovery_response(&resp);
        Ok(resp)
    }
}
