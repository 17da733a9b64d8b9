//! `client.oauth()`: sign-in with Google, Microsoft, GitHub, Slack and HubSpot (JS `stytch.oauth`):
//! the start URLs (organization and discovery) and the authenticate calls for their tokens.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::core::oauth::{OauthAuthenticateRequest, OauthStartRequest};
//!
//! async fn google(token_from_the_redirect: Option<String>) -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     match token_from_the_redirect {
//!         None => {
//!             let url = client
//!                 .oauth()
//!                 .google()
//!                 .start(OauthStartRequest {
//!                     organization_slug: Some("acme".into()),
//!                     ..Default::default()
//!                 })
//!                 .await?;
//!             println!("navigate to {url}");
//!         }
//!         Some(oauth_token) => {
//!             let resp = client
//!                 .oauth()
//!                 .authenticate(OauthAuthenticateRequest { oauth_token, ..Default::default() })
//!                 .await?;
//!             println!("{} via {}", resp.response.member.email_address, resp.provider_type);
//!         }
//!     }
//!     Ok(())
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::body::Body;
use super::client::StytchB2BClient;
use super::discovery::DiscoveryAuthenticateResponse;
use super::error::StytchError;
use super::models::{AuthenticateResponse, authenticate_with, take};
use super::pkce::{self, Namespace};
use super::platform::Method;
use super::redact::debug_redacted;
use super::sso::{provider_pairs, query};

/// Get it with [`StytchB2BClient::oauth`].
#[derive(Clone, Debug)]
pub struct OauthClient {
    client: StytchB2BClient,
}

/// One provider: `client.oauth().google()`, `.microsoft()`, `.github()`, `.slack()`, `.hubspot()`.
#[derive(Clone, Debug)]
pub struct OauthProviderClient {
    client: StytchB2BClient,
    provider: &'static str,
}

/// `client.oauth().google().discovery()`: the provider's discovery start.
#[derive(Clone, Debug)]
pub struct OauthProviderDiscoveryClient {
    client: StytchB2BClient,
    provider: &'static str,
}

/// `client.oauth().discovery()`: the discovery authenticate.
#[derive(Clone, Debug)]
pub struct OauthDiscoveryClient {
    client: StytchB2BClient,
}

/// `client.oauth().google_one_tap()`: Google One Tap's calls (the page shows Google's prompt itself).
#[derive(Clone, Debug)]
pub struct GoogleOneTapClient {
    client: StytchB2BClient,
}

/// `client.oauth().google_one_tap().discovery()`.
#[derive(Clone, Debug)]
pub struct GoogleOneTapDiscoveryClient {
    client: StytchB2BClient,
}

/// Body of [`GoogleOneTapClient::submit`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct OneTapSubmitRequest {
    /// The `credential` Google's One Tap callback received.
    pub id_token: String,
    /// The organization to sign in to.
    pub organization_id: String,
    /// Where an existing member lands; the project's default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_redirect_url: Option<String>,
    /// Where a member created by this sign-in lands; the project's default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_redirect_url: Option<String>,
}

debug_redacted!(OneTapSubmitRequest {
    id_token: secret,
    organization_id,
    login_redirect_url,
    signup_redirect_url
});

/// Body of [`GoogleOneTapDiscoveryClient::submit`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct OneTapDiscoverySubmitRequest {
    /// The `credential` Google's One Tap callback received.
    pub id_token: String,
    /// Where the browser lands with the `discovery_oauth` token; the project's default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_redirect_url: Option<String>,
}

debug_redacted!(OneTapDiscoverySubmitRequest {
    id_token: secret,
    discovery_redirect_url
});

#[derive(Deserialize)]
struct OneTapStartResponse {
    #[serde(default)]
    google_client_id: String,
}

#[derive(Deserialize)]
struct RedirectResponse {
    redirect_url: String,
}

/// Input of [`OauthProviderClient::start`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OauthStartRequest {
    /// The organization to sign in to (takes precedence over `organization_slug`).
    pub organization_id: Option<String>,
    /// The organization's slug, when its id is not at hand.
    pub organization_slug: Option<String>,
    /// Where an existing member lands; one of the project's redirect URLs, its default when omitted.
    pub login_redirect_url: Option<String>,
    /// Where a member created by this sign-in lands; one of the project's redirect URLs, its default
    /// when omitted.
    pub signup_redirect_url: Option<String>,
    /// Scopes to ask for besides the provider's defaults.
    pub custom_scopes: Vec<String>,
    /// Extra parameters for the provider, sent as `provider_<key>=<value>` (e.g. `prompt` →
    /// `provider_prompt=select_account` for Google).
    pub provider_params: BTreeMap<String, String>,
}

/// Input of [`OauthProviderDiscoveryClient::start`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OauthDiscoveryStartRequest {
    /// Where the browser lands with the `discovery_oauth` token; the project's default when omitted.
    pub discovery_redirect_url: Option<String>,
    /// Scopes to ask for besides the provider's defaults.
    pub custom_scopes: Vec<String>,
    /// Extra parameters for the provider, sent as `provider_<key>=<value>`.
    pub provider_params: BTreeMap<String, String>,
}

/// Body of [`OauthClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct OauthAuthenticateRequest {
    /// The `token` query parameter of the redirect (`stytch_token_type=oauth`).
    pub oauth_token: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of any message this call sends (e.g. `en`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(OauthAuthenticateRequest {
    oauth_token: secret,
    session_duration_minutes,
    locale
});

impl Default for OauthAuthenticateRequest {
    /// An empty token and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            oauth_token: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// Body of [`OauthDiscoveryClient::authenticate`].
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct OauthDiscoveryAuthenticateRequest {
    /// The `token` query parameter of the redirect (`stytch_token_type=discovery_oauth`).
    pub discovery_oauth_token: String,
}

debug_redacted!(OauthDiscoveryAuthenticateRequest {
    discovery_oauth_token: secret
});

/// The provider's tokens for the signed-in user.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderValues {
    /// The provider's access token.
    pub access_token: String,
    /// The provider's refresh token, when it gives one.
    pub refresh_token: String,
    /// The provider's OpenID Connect ID token (Google, Microsoft).
    pub id_token: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// When the access token expires (RFC 3339).
    pub expires_at: Option<String>,
}

debug_redacted!(ProviderValues {
    access_token: secret,
    refresh_token: secret,
    id_token: secret,
    scopes,
    expires_at
});

/// What [`OauthClient::authenticate`] returns: the authenticate answer plus the provider's view.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OauthAuthenticateResponse {
    /// The session (or IST with `primary_required` / `mfa_required`), as for every factor.
    #[serde(flatten)]
    pub response: AuthenticateResponse,
    /// The user's id at the provider.
    pub provider_subject: String,
    /// `Google`, `Microsoft`, `GitHub`, `Slack` or `HubSpot`.
    pub provider_type: String,
    /// The provider's tokens.
    pub provider_values: ProviderValues,
}

impl<'de> Deserialize<'de> for OauthAuthenticateResponse {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (response, (provider_subject, provider_type, provider_values)) =
            authenticate_with(deserializer, |o| {
                let mut own = <(String, String, ProviderValues)>::default();
                take(o, "provider_subject", &mut own.0)?;
                take(o, "provider_type", &mut own.1)?;
                take(o, "provider_values", &mut own.2)?;
                Ok(own)
            })?;
        Ok(Self {
            response,
            provider_subject,
            provider_type,
            provider_values,
        })
    }
}

impl OauthClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    fn provider(&self, provider: &'static str) -> OauthProviderClient {
        OauthProviderClient {
            client: self.client.clone(),
            provider,
        }
    }

    /// Google.
    pub fn google(&self) -> OauthProviderClient {
        self.provider("google")
    }

    /// Microsoft.
    pub fn microsoft(&self) -> OauthProviderClient {
        self.provider("microsoft")
    }

    /// GitHub.
    pub fn github(&self) -> OauthProviderClient {
        self.provider("github")
    }

    /// Slack.
    pub fn slack(&self) -> OauthProviderClient {
        self.provider("slack")
    }

    /// HubSpot.
    pub fn hubspot(&self) -> OauthProviderClient {
        self.provider("hubspot")
    }

    /// Google One Tap.
    pub fn google_one_tap(&self) -> GoogleOneTapClient {
        GoogleOneTapClient {
            client: self.client.clone(),
        }
    }

    /// The discovery authenticate.
    pub fn discovery(&self) -> OauthDiscoveryClient {
        OauthDiscoveryClient {
            client: self.client.clone(),
        }
    }

    /// `POST /sdk/v1/b2b/oauth/authenticate`: exchanges the token of the OAuth redirect for a
    /// session, or an intermediate session when the provider does not prove the email
    /// (`primary_required`) or MFA is needed. Sends the `oauth` PKCE verifier and the intermediate
    /// session token when there are; the pair is cleared on success.
    pub async fn authenticate(
        &self,
        request: OauthAuthenticateRequest,
    ) -> Result<OauthAuthenticateResponse, StytchError> {
        let body = Body::new(&request)
            .field(
                "pkce_code_verifier",
                pkce::get(&self.client, Namespace::Oauth).map(|p| p.code_verifier),
            )
            .field(
                "intermediate_session_token",
                self.client.intermediate_session_token(),
            );
        let resp: OauthAuthenticateResponse = self
            .client
            .request(Method::Post, "/b2b/oauth/authenticate", Some(&body))
            .await?;
        self.client.apply_authenticate_response(&resp.response);
        pkce::clear(&self.client, Namespace::Oauth);
        Ok(resp)
    }
}

impl OauthDiscoveryClient {
    /// `POST /sdk/v1/b2b/oauth/discovery/authenticate`: the token of a discovery OAuth redirect →
    /// an intermediate session (stored) and the organizations the email can enter.
    pub async fn authenticate(
        &self,
        request: OauthDiscoveryAuthenticateRequest,
    ) -> Result<DiscoveryAuthenticateResponse, StytchError> {
        let body = Body::new(&request).field(
            "pkce_code_verifier",
            pkce::get(&self.client, Namespace::Oauth).map(|p| p.code_verifier),
        );
        let resp: DiscoveryAuthenticateResponse = self
            .client
            .request(
                Method::Post,
                "/b2b/oauth/discovery/authenticate",
                Some(&body),
            )
            .await?;
        pkce::clear(&self.client, Namespace::Oauth);
        self.client.apply_discovery_response(&resp);
        Ok(resp)
    }
}

/// `https://{cname_domain}` when the project has one, else the API base (OAuth starts only).
async fn start_base(client: &StytchB2BClient) -> (String, bool) {
    let bootstrap = client.bootstrap_config().await;
    let base = match bootstrap.cname_domain.as_deref().filter(|c| !c.is_empty()) {
        Some(cname) => format!("https://{cname}"),
        None => client.base_url().to_owned(),
    };
    (base, bootstrap.pkce_required_for_oauth)
}

/// A new `oauth` PKCE pair's challenge when the project requires PKCE, else the pair is cleared.
fn challenge(client: &StytchB2BClient, required: bool) -> Option<String> {
    if required {
        Some(pkce::start(client, Namespace::Oauth).code_challenge)
    } else {
        pkce::clear(client, Namespace::Oauth);
        None
    }
}

impl OauthProviderClient {
    /// The discovery start of this provider.
    pub fn discovery(&self) -> OauthProviderDiscoveryClient {
        OauthProviderDiscoveryClient {
            client: self.client.clone(),
            provider: self.provider,
        }
    }

    /// The URL that starts a sign-in with this provider into one organization,
    /// `{cname|base}/v1/b2b/public/oauth/{provider}/start?public_token&organization_id|slug&
    /// custom_scopes&provider_<key>…&pkce_code_challenge&login_redirect_url&signup_redirect_url`,
    /// as the JS SDK builds it. When the project requires PKCE for OAuth a new pair is stored in
    /// the `oauth` namespace; otherwise any stored pair is cleared. The browser navigates to it.
    pub async fn start(&self, request: OauthStartRequest) -> Result<String, StytchError> {
        let (base, pkce_required) = start_base(&self.client).await;
        let mut pairs = vec![(
            "public_token".to_owned(),
            self.client.public_token().to_owned(),
        )];
        match (request.organization_id, request.organization_slug) {
            (Some(id), _) => pairs.push(("organization_id".to_owned(), id)),
            (None, Some(slug)) => pairs.push(("slug".to_owned(), slug)),
            (None, None) => {
                return Err(StytchError::Usage {
                    message: "oauth start needs an organization_id or an organization_slug"
                        .to_owned(),
                });
            }
        }
        if !request.custom_scopes.is_empty() {
            pairs.push(("custom_scopes".to_owned(), request.custom_scopes.join(" ")));
        }
        pairs.extend(provider_pairs(&request.provider_params));
        if let Some(c) = challenge(&self.client, pkce_required) {
            pairs.push(("pkce_code_challenge".to_owned(), c));
        }
        if let Some(u) = request.login_redirect_url {
            pairs.push(("login_redirect_url".to_owned(), u));
        }
        if let Some(u) = request.signup_redirect_url {
            pairs.push(("signup_redirect_url".to_owned(), u));
        }
        Ok(format!(
            "{base}/v1/b2b/public/oauth/{}/start?{}",
            self.provider,
            query(&pairs)
        ))
    }
}

impl OauthProviderDiscoveryClient {
    /// The URL that starts a discovery sign-in with this provider,
    /// `{cname|base}/v1/b2b/public/oauth/{provider}/discovery/start?public_token&custom_scopes&
    /// provider_<key>…&pkce_code_challenge&discovery_redirect_url`. PKCE as for
    /// [`OauthProviderClient::start`].
    pub async fn start(&self, request: OauthDiscoveryStartRequest) -> Result<String, StytchError> {
        let (base, pkce_required) = start_base(&self.client).await;
        let mut pairs = vec![(
            "public_token".to_owned(),
            self.client.public_token().to_owned(),
        )];
        if !request.custom_scopes.is_empty() {
            pairs.push(("custom_scopes".to_owned(), request.custom_scopes.join(" ")));
        }
        pairs.extend(provider_pairs(&request.provider_params));
        if let Some(c) = challenge(&self.client, pkce_required) {
            pairs.push(("pkce_code_challenge".to_owned(), c));
        }
        if let Some(u) = request.discovery_redirect_url {
            pairs.push(("discovery_redirect_url".to_owned(), u));
        }
        Ok(format!(
            "{base}/v1/b2b/public/oauth/{}/discovery/start?{}",
            self.provider,
            query(&pairs)
        ))
    }
}

impl GoogleOneTapClient {
    /// `GET /sdk/v1/b2b/oauth/google/onetap/start`: the project's Google client id to initialise
    /// Google's One Tap with; `None` when the project has none (the JS SDK then fails with
    /// `oauth_config_not_found`).
    pub async fn client_id(&self) -> Result<Option<String>, StytchError> {
        let resp: OneTapStartResponse = self
            .client
            .request(Method::Get, "/b2b/oauth/google/onetap/start", None::<&()>)
            .await?;
        Ok(Some(resp.google_client_id).filter(|id| !id.is_empty()))
    }

    /// `POST /sdk/v1/b2b/oauth/google/onetap/submit`: hands Google's credential to Stytch and
    /// returns the URL to send the browser to (it carries the `oauth` token). PKCE as for the
    /// OAuth starts (`pkce_code_challenge` in the body).
    pub async fn submit(&self, request: OneTapSubmitRequest) -> Result<String, StytchError> {
        let (_, required) = start_base(&self.client).await;
        let body =
            Body::new(&request).field("pkce_code_challenge", challenge(&self.client, required));
        let resp: RedirectResponse = self
            .client
            .request(Method::Post, "/b2b/oauth/google/onetap/submit", Some(&body))
            .await?;
        Ok(resp.redirect_url)
    }

    /// The discovery submit.
    pub fn discovery(&self) -> GoogleOneTapDiscoveryClient {
        GoogleOneTapDiscoveryClient {
            client: self.client.clone(),
        }
    }
}

impl GoogleOneTapDiscoveryClient {
    /// `POST /sdk/v1/b2b/oauth/google/onetap/discovery/submit`: the URL to send the browser to,
    /// carrying the `discovery_oauth` token.
    pub async fn submit(
        &self,
        request: OneTapDiscoverySubmitRequest,
    ) -> Result<String, StytchError> {
        let (_, required) = start_base(&self.client).await;
        let body =
            Body::new(&request).field("pkce_code_challenge", challenge(&self.client, required));
        let resp: RedirectResponse = self
            .client
            .request(
                Method::Post,
                "/b2b/oauth/google/onetap/discovery/submit",
                Some(&body),
            )
            .await?;
        Ok(resp.redirect_url)
    }
}
