//! `client.session()`: the member session (JS `stytch.session`).
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::{RevokeOptions, SessionAuthenticateOptions};
//!
//! async fn session() -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     // What the client holds locally, then the same checked with Stytch and extended to a day.
//!     println!("{:?}", client.session().get_sync().map(|s| s.expires_at));
//!     client
//!         .session()
//!         .authenticate(Some(SessionAuthenticateOptions { session_duration_minutes: Some(1440) }))
//!         .await?;
//!     // Log out.
//!     client.session().revoke(RevokeOptions::default()).await?;
//!     Ok(())
//! }
//! ```

use serde::Serialize;

use super::client::{StytchB2BClient, Unsubscribe, lock};
use super::discovery::ExchangeRequest;
use super::error::StytchError;
use super::models::{AuthenticateResponse, MemberSession, ResponseCommon, SessionTokens};
use super::platform::Method;
use super::redact::debug_redacted;
use super::url::encode_uri_component;

/// The session method family. Get it with [`StytchB2BClient::session`].
#[derive(Clone, Debug)]
pub struct SessionClient {
    client: StytchB2BClient,
}

/// [`SessionClient::get_info`].
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    /// The session, `None` without one.
    pub session: Option<MemberSession>,
    /// True while the value is still the one restored from storage and not yet confirmed by Stytch.
    pub from_cache: bool,
}

/// Options of [`SessionClient::authenticate`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionAuthenticateOptions {
    /// Extends the session to this many minutes from now (5..527040).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_duration_minutes: Option<u32>,
}

/// Body of [`SessionClient::exchange_access_token`]. `Debug` hides the token.
#[derive(Clone, PartialEq, Serialize)]
pub struct ExchangeAccessTokenRequest {
    /// An access token a connected app obtained for the member.
    pub access_token: String,
    /// How long the new session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
}

debug_redacted!(ExchangeAccessTokenRequest {
    access_token: secret,
    session_duration_minutes
});

impl Default for ExchangeAccessTokenRequest {
    /// An empty token and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            access_token: String::new(),
            session_duration_minutes: 60,
        }
    }
}

/// Body of [`SessionClient::attest`]: a token from a trusted identity provider, checked against the
/// project's token profile `profile_id`. `Debug` hides the tokens.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct AttestRequest {
    /// The trusted-auth token profile that says how to verify `token`.
    pub profile_id: String,
    /// The token (a JWT) from the trusted issuer.
    pub token: String,
    /// The organization to sign in to, when the token does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// How long the session lasts, 5 to 527040 minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_duration_minutes: Option<u32>,
    /// An existing session to add the factor to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
    /// The same, as a JWT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_jwt: Option<String>,
}

debug_redacted!(AttestRequest {
    profile_id,
    token: secret,
    organization_id,
    session_duration_minutes,
    session_token: secret,
    session_jwt: secret
});

/// Options of [`SessionClient::revoke`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevokeOptions {
    /// Clear the local session even when the revoke request fails.
    pub force_clear: bool,
}

/// Arguments of [`SessionClient::update_session`]. `Debug` shows neither token.
#[derive(Clone, PartialEq)]
pub struct UpdateSessionOptions {
    /// The opaque session token to store.
    pub session_token: String,
    /// The session JWT to store, if known.
    pub session_jwt: Option<String>,
}

debug_redacted!(UpdateSessionOptions {
    session_token: secret,
    session_jwt: secret
});

impl SessionClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// The current session, read locally.
    pub fn get_sync(&self) -> Option<MemberSession> {
        self.client.snapshot().state.map(|s| s.session)
    }

    /// The current session and whether it is still the copy cached at start-up.
    pub fn get_info(&self) -> SessionInfo {
        let s = self.client.snapshot();
        SessionInfo {
            session: s.state.map(|s| s.session),
            from_cache: s.from_cache,
        }
    }

    /// The session token and JWT, `Some` only when **both** cookies are readable here: `None`
    /// with no session, with only an intermediate session, or when the project keeps the session in
    /// HttpOnly cookies. It does not look at the in-memory state.
    ///
    /// ```no_run
    /// # fn demo(client: leptos_stytch::StytchB2BClient) {
    /// if let Some(tokens) = client.session().get_tokens() {
    ///     // Send tokens.session_jwt to your backend.
    ///     let _ = tokens.session_jwt;
    /// }
    /// # }
    /// ```
    pub fn get_tokens(&self) -> Option<SessionTokens> {
        Some(SessionTokens {
            session_token: self.client.session_token()?,
            session_jwt: self.client.jwt()?,
        })
    }

    /// `POST /sdk/v1/b2b/sessions/authenticate` with `{session_duration_minutes?}` (`{}` without it): checks
    /// the session, re-mints the JWT and stores the result. An unrecoverable error (`session_not_found`,
    /// `unauthorized_credentials`, …) destroys the local session.
    pub async fn authenticate(
        &self,
        options: Option<SessionAuthenticateOptions>,
    ) -> Result<AuthenticateResponse, StytchError> {
        let duration = options.and_then(|o| o.session_duration_minutes);
        if duration.is_some() {
            *lock(&self.client.inner.refresh.last_session_duration) = duration;
        }
        self.authenticate_internal(duration).await
    }

    /// `authenticate` without touching the remembered duration (the refresh timer uses this). If the
    /// session changed while the request was in flight, the answer is stale: the call is repeated.
    pub(crate) async fn authenticate_internal(
        &self,
        duration: Option<u32>,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = SessionAuthenticateOptions {
            session_duration_minutes: duration,
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let before = self.current_session_id();
            let result = self
                .client
                .request::<AuthenticateResponse>(
                    Method::Post,
                    "/b2b/sessions/authenticate",
                    Some(&body),
                )
                .await;
            if self.current_session_id() != before {
                if attempts < 3 {
                    continue;
                }
                // Still racing other writes: hand the answer back, but never apply a stale one.
                return result;
            }
            return match result {
                Ok(resp) => {
                    self.client.apply_authenticate_response(&resp);
                    Ok(resp)
                }
                Err(e) => {
                    if e.is_unrecoverable() {
                        self.client.destroy_session();
                    }
                    Err(e)
                }
            };
        }
    }

    fn current_session_id(&self) -> Option<String> {
        self.get_sync().map(|s| s.member_session_id)
    }

    /// `POST /sdk/v1/b2b/sessions/revoke` (no body): ends the session on the server, then locally. The local
    /// session is also cleared on an unrecoverable error, or on any error with `force_clear`.
    pub async fn revoke(&self, options: RevokeOptions) -> Result<ResponseCommon, StytchError> {
        let result = self
            .client
            .request::<ResponseCommon>(Method::Post, "/b2b/sessions/revoke", None::<&()>)
            .await;
        let clear = match &result {
            Ok(_) => true,
            Err(e) => options.force_clear || e.is_unrecoverable(),
        };
        if clear {
            self.client.destroy_session();
        }
        result
    }

    /// Stores tokens obtained elsewhere (e.g. from your backend) in the session cookies and removes the IST
    /// cookie; nothing is put in state. Call [`SessionClient::authenticate`] afterwards to load the session.
    ///
    /// Unlike the JS SDK, which writes the literal `undefined` as the JWT when it is omitted, an omitted JWT
    /// is written as an empty cookie, which [`SessionClient::get_tokens`] treats as absent.
    pub fn update_session(&self, tokens: UpdateSessionOptions) {
        self.client.write_session_cookies(
            &tokens.session_token,
            tokens.session_jwt.as_deref().unwrap_or(""),
            None,
        );
    }

    /// `POST /sdk/v1/b2b/sessions/exchange` with `{organization_id, session_duration_minutes,
    /// locale?}`: moves the logged-in member into another organization of the same email. Stores
    /// the new session, or an IST (clearing the session) when that organization needs another
    /// factor (`primary_required` / `mfa_required`).
    pub async fn exchange(
        &self,
        request: ExchangeRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        self.client
            .authenticate_call("/b2b/sessions/exchange", &request)
            .await
    }

    /// `POST /sdk/v1/b2b/sessions/revoke/{member_id}` (no body): ends every session of that member. Needs
    /// `stytch.member` / `revoke-sessions` (or `stytch.self` for oneself, which also clears the local session).
    pub async fn revoke_for_member(&self, member_id: &str) -> Result<ResponseCommon, StytchError> {
        let path = format!("/b2b/sessions/revoke/{}", encode_uri_component(member_id));
        let resp: ResponseCommon = self
            .client
            .request(Method::Post, &path, None::<&()>)
            .await?;
        if self.client.is_self(member_id) {
            self.client.destroy_session();
        }
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/sessions/exchange_access_token`: trades a connected app's access token for a session
    /// of the same member, and stores it.
    pub async fn exchange_access_token(
        &self,
        request: ExchangeAccessTokenRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        self.client
            .authenticate_call("/b2b/sessions/exchange_access_token", &request)
            .await
    }

    /// `POST /sdk/v1/b2b/sessions/attest`: trades a trusted issuer's token for a session, and stores it.
    pub async fn attest(
        &self,
        request: AttestRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        self.client
            .authenticate_call("/b2b/sessions/attest", &request)
            .await
    }

    /// Calls `callback` with the session (or `None`) whenever it changes. Not called on subscribe.
    pub fn on_change(
        &self,
        callback: impl Fn(Option<&MemberSession>) + Send + Sync + 'static,
    ) -> Unsubscribe {
        self.client.add_listener(true, move |s| {
            callback(s.state.as_ref().map(|s| &s.session))
        })
    }
}
