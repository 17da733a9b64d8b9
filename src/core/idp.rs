//! `client.idp()`: the project as an OAuth 2.0 / OpenID Connect identity provider for its connected
//! apps (JS `stytch.idp`). These are the calls of the app's **consent page** (the project's
//! "Authorization URL"): an app sends the signed-in member there with an OAuth authorization request;
//! the page checks it ([`IdpClient::oauth_authorize_start`]), asks the member when consent is needed,
//! and answers it ([`IdpClient::oauth_authorize_submit`]), then sends the browser to the
//! `redirect_uri` it gets back (with the authorization code, or with OAuth's `error`). The app's
//! server then exchanges the code at the token endpoint; that leg does not involve this client.
//!
//! [`OauthAuthorizeParams::from_query`] reads the page's query as Stytch's pre-built
//! `B2BIdentityProvider` does.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{OauthAuthorizeParams, StytchB2BClient, StytchError};
//!
//! /// What the consent page does with `?client_id=…&redirect_uri=…&scope=…&state=…`; returns where
//! /// to send the browser.
//! async fn authorize(client: &StytchB2BClient, query: &str) -> Result<String, StytchError> {
//!     let params = OauthAuthorizeParams::from_query(query)?;
//!     let start = client.idp().oauth_authorize_start(params.start_request()).await?;
//!     // With consent_required, show start.client.client_name and start.scope_results and ask.
//!     let granted = !start.consent_required || ask_the_member();
//!     let submitted = client
//!         .idp()
//!         .oauth_authorize_submit(params.submit_request(granted))
//!         .await?;
//!     Ok(submitted.redirect_uri)
//! }
//! # fn ask_the_member() -> bool { true }
//! ```

use serde::{Deserialize, Serialize};

use super::client::StytchB2BClient;
use super::error::StytchError;
use super::platform::Method;
use super::redact::debug_redacted;

/// Get it with [`StytchB2BClient::idp`].
#[derive(Clone, Debug)]
pub struct IdpClient {
    client: StytchB2BClient,
}

/// Body of [`IdpClient::oauth_authorize_start`]: the OAuth authorization request the page received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OauthAuthorizeStartRequest {
    /// The connected app.
    pub client_id: String,
    /// Where the answer goes: one of the app's redirect URLs.
    pub redirect_uri: String,
    /// `code`.
    pub response_type: String,
    /// The scopes asked for (`openid`, `email`, `profile`, `offline_access`, the RBAC policy's).
    pub scopes: Vec<String>,
    /// `consent` to ask the member even when they granted it before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
}

/// The connected app, as the consent page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectedAppClientInfo {
    /// Its client id.
    pub client_id: String,
    /// `first_party`, `first_party_public`, `third_party` or `third_party_public`.
    pub client_type: String,
    /// Its name.
    pub client_name: String,
    /// What it is.
    pub client_description: String,
    /// Its logo.
    pub client_logo_url: Option<String>,
}

/// One scope asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScopeResult {
    /// The scope.
    pub scope: String,
    /// What granting it allows (for the consent page).
    pub description: String,
    /// Whether the member may grant it (a custom scope needs the permissions it names).
    pub is_grantable: bool,
}

/// Answer of [`IdpClient::oauth_authorize_start`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OauthAuthorizeStartResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The app asking.
    pub client: ConnectedAppClientInfo,
    /// Whether to ask the member (else submit at once).
    pub consent_required: bool,
    /// Each scope asked for.
    pub scope_results: Vec<ScopeResult>,
}

/// Body of [`IdpClient::oauth_authorize_submit`]: the request again, and the member's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OauthAuthorizeSubmitRequest {
    /// See [`OauthAuthorizeStartRequest::client_id`].
    pub client_id: String,
    /// See [`OauthAuthorizeStartRequest::redirect_uri`].
    pub redirect_uri: String,
    /// See [`OauthAuthorizeStartRequest::response_type`].
    pub response_type: String,
    /// See [`OauthAuthorizeStartRequest::scopes`].
    pub scopes: Vec<String>,
    /// See [`OauthAuthorizeStartRequest::prompt`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The app's `state`, sent back with the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The app's `nonce`, put in the ID token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The app's PKCE S256 challenge (required for public apps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    /// The member's answer (ignored when no consent was required).
    pub consent_granted: bool,
    /// RFC 8707 resource indicators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<String>>,
}

/// Answer of [`IdpClient::oauth_authorize_submit`]. `Debug` shows neither the code nor the
/// `redirect_uri` that carries it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OauthAuthorizeSubmitResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// Where to send the browser: the app's `redirect_uri` with `code` and `state`, or with
    /// `error=access_denied` when the member refused.
    pub redirect_uri: String,
    /// The authorization code (`None` when refused).
    pub authorization_code: Option<String>,
}

debug_redacted!(OauthAuthorizeSubmitResponse {
    request_id,
    status_code,
    redirect_uri: secret,
    authorization_code: secret
});

/// Body of [`IdpClient::oauth_logout_start`]: an app's RP-initiated logout request. `Debug` hides
/// the ID token.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct OauthLogoutStartRequest {
    /// The connected app.
    pub client_id: String,
    /// Where to send the browser afterwards: one of the app's post-logout redirect URLs.
    pub post_logout_redirect_uri: String,
    /// The app's `state`, sent back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// An ID token the project issued to the app for this member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_hint: Option<String>,
}

debug_redacted!(OauthLogoutStartRequest {
    client_id,
    post_logout_redirect_uri,
    state,
    id_token_hint: secret
});

/// Answer of [`IdpClient::oauth_logout_start`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OauthLogoutStartResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// Where to send the browser once the session is revoked.
    pub redirect_uri: String,
    /// Whether to ask the member before logging out.
    pub consent_required: bool,
}

/// An OAuth authorization request as the consent page's URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OauthAuthorizeParams {
    /// `client_id` (required).
    pub client_id: String,
    /// `redirect_uri` (required).
    pub redirect_uri: String,
    /// `response_type`; `code` when absent (some apps omit it).
    pub response_type: String,
    /// `scope` split on spaces; `openid email profile` when absent.
    pub scopes: Vec<String>,
    /// `code_challenge`.
    pub code_challenge: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `prompt`.
    pub prompt: Option<String>,
    /// Every `resource` (RFC 8707; the parameter may repeat).
    pub resources: Vec<String>,
}

impl OauthAuthorizeParams {
    /// Reads an authorize page's query string (with or without its `?`; values percent-decoded, the
    /// first of a repeated parameter wins but `resource`, which is a list). A missing or empty
    /// `client_id` or `redirect_uri` is [`StytchError::Usage`], as the pre-built UI refuses such a
    /// page.
    ///
    /// ```
    /// use leptos_stytch::OauthAuthorizeParams;
    /// let p = OauthAuthorizeParams::from_query("?client_id=app&redirect_uri=https%3A%2F%2Fa.example%2Fcb").unwrap();
    /// assert_eq!(p.response_type, "code");
    /// assert_eq!(p.scopes, ["openid", "email", "profile"]);
    /// assert!(OauthAuthorizeParams::from_query("client_id=app").is_err());
    /// ```
    pub fn from_query(query: &str) -> Result<OauthAuthorizeParams, StytchError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let query = query.split('#').next().unwrap_or("");
        let mut first: Vec<(String, String)> = Vec::new();
        let mut resources = Vec::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if k == "resource" {
                resources.push(v.into_owned());
            } else if !first.iter().any(|(seen, _)| *seen == k) {
                first.push((k.into_owned(), v.into_owned()));
            }
        }
        let get = |key: &str| {
            first
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let required = |key: &str| {
            get(key).ok_or_else(|| StytchError::Usage {
                message: format!("Required parameter is missing: {key}"),
            })
        };
        let scope = get("scope").unwrap_or_else(|| "openid email profile".to_owned());
        Ok(OauthAuthorizeParams {
            client_id: required("client_id")?,
            redirect_uri: required("redirect_uri")?,
            response_type: get("response_type").unwrap_or_else(|| "code".to_owned()),
            scopes: scope
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            code_challenge: get("code_challenge"),
            state: get("state"),
            nonce: get("nonce"),
            prompt: get("prompt"),
            resources,
        })
    }

    /// The body of [`IdpClient::oauth_authorize_start`].
    pub fn start_request(&self) -> OauthAuthorizeStartRequest {
        OauthAuthorizeStartRequest {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            response_type: self.response_type.clone(),
            scopes: self.scopes.clone(),
            prompt: self.prompt.clone(),
        }
    }

    /// The body of [`IdpClient::oauth_authorize_submit`] with the member's answer.
    pub fn submit_request(&self, consent_granted: bool) -> OauthAuthorizeSubmitRequest {
        OauthAuthorizeSubmitRequest {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            response_type: self.response_type.clone(),
            scopes: self.scopes.clone(),
            prompt: self.prompt.clone(),
            state: self.state.clone(),
            nonce: self.nonce.clone(),
            code_challenge: self.code_challenge.clone(),
            consent_granted,
            resources: (!self.resources.is_empty()).then(|| self.resources.clone()),
        }
    }
}

impl IdpClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `POST /sdk/v1/idp/b2b/oauth/authorize/start`: checks the authorization request for the
    /// signed-in member (the client, its redirect URL, the scopes) and says whether to ask them.
    /// Needs a member session.
    pub async fn oauth_authorize_start(
        &self,
        request: OauthAuthorizeStartRequest,
    ) -> Result<OauthAuthorizeStartResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/idp/b2b/oauth/authorize/start",
                Some(&request),
            )
            .await
    }

    /// `POST /sdk/v1/idp/b2b/oauth/authorize/submit`: the member's answer; the `redirect_uri` to
    /// send the browser to carries the authorization code (or OAuth's `error`). Needs a member
    /// session.
    pub async fn oauth_authorize_submit(
        &self,
        request: OauthAuthorizeSubmitRequest,
    ) -> Result<OauthAuthorizeSubmitResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/idp/b2b/oauth/authorize/submit",
                Some(&request),
            )
            .await
    }

    /// `POST /sdk/v1/b2b/oauth/logout/start`: where to send the browser after an app's logout
    /// request, and whether to ask the member first. Revoking the session is the page's next step
    /// (`session().revoke`).
    pub async fn oauth_logout_start(
        &self,
        request: OauthLogoutStartRequest,
    ) -> Result<OauthLogoutStartResponse, StytchError> {
        self.client
            .request(Method::Post, "/b2b/oauth/logout/start", Some(&request))
            .await
    }
}
