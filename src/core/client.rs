//! [`StytchB2BClient`]: the entry point, the HTTP plumbing every method family shares, and the session
//! state machine of Stytch's SDK (`withUpdateSession`, cookies, localStorage, notifications).

use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::bootstrap::BootstrapCell;
use super::error::StytchError;
use super::json;
use super::mfa::PendingMfa;
use super::models::{AuthenticateResponse, Member, Organization, SessionState};
use super::options::{StytchB2BOptions, default_base_url};
use super::platform::{CookieSpec, HttpRequest, LocalBoxFuture, Method, Runtime, Store, Transport};
use super::{
    discovery, idp, impersonation, magic_links, oauth, organization, otps, passwords, rbac,
    recovery_codes, refresh, scim, self_, session, sso, time_util, totp,
};

/// The IST cookie lives 10 minutes, as the IST itself does.
const IST_COOKIE_LIFETIME_MS: i64 = 10 * 60 * 1000;
const SDK_IDENTIFIER: &str = "leptos-stytch";
const SDK_VERSION: &str = concat!("leptos-stytch@", env!("CARGO_PKG_VERSION"));

/// The headless Stytch B2B client. Cheap to clone (an `Arc`); every clone shares one session state.
///
/// Build it with [`StytchB2BClient::new`] or [`StytchB2BClient::with_options`]: in the browser they use the
/// browser's fetch, cookies and localStorage; on the server (a server-rendered app) they build the per-request
/// client that renders the session the server resolved. Anywhere else (tests, other platforms) use
/// [`StytchB2BClient::with_platform`].
#[derive(Clone)]
pub struct StytchB2BClient {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for StytchB2BClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StytchB2BClient")
            .field("public_token", &self.inner.public_token)
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

/// A snapshot of the client's session state for listeners.
#[derive(Debug, Clone, PartialEq)]
pub struct StateSnapshot {
    /// `None` when logged out (or while only an intermediate session exists).
    pub state: Option<SessionState>,
    /// True while the state is the cached copy read at start-up and no write has happened since.
    pub from_cache: bool,
    /// True once the start-up restore has finished (the first `sessions/authenticate`, or the decision
    /// that there is nothing to restore).
    pub is_initialized: bool,
    /// Set while a primary factor has passed and the member must now pass a second one: the last
    /// authenticate answered `mfa_required` with an intermediate session token. Held in memory only
    /// (as Stytch's SDK holds it in its UI state), so a reload forgets it while the IST cookie remains.
    pub pending_mfa: Option<PendingMfa>,
}

type Listener = Arc<dyn Fn(&StateSnapshot) + Send + Sync>;

pub(crate) struct Inner {
    pub(crate) public_token: String,
    pub(crate) base_url: String,
    pub(crate) options: StytchB2BOptions,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) runtime: Arc<dyn Runtime>,
    state: Mutex<StateSnapshot>,
    listeners: Mutex<Vec<(u64, bool, Listener)>>,
    next_listener_id: Mutex<u64>,
    pub(crate) bootstrap: BootstrapCell,
    pub(crate) refresh: refresh::RefreshState,
}

/// See [`StytchB2BClient::downgrade`].
#[derive(Clone)]
pub struct WeakStytchB2BClient(std::sync::Weak<Inner>);

impl WeakStytchB2BClient {
    /// The client, unless every strong handle to it has been dropped.
    pub fn upgrade(&self) -> Option<StytchB2BClient> {
        self.0.upgrade().map(|inner| StytchB2BClient { inner })
    }
}

/// Returned by every `on_change`; call [`Unsubscribe::unsubscribe`] to stop the callbacks.
pub struct Unsubscribe {
    inner: std::sync::Weak<Inner>,
    id: u64,
}

impl Unsubscribe {
    /// Stops the callbacks; a no-op when the client is gone.
    pub fn unsubscribe(self) {
        if let Some(inner) = self.inner.upgrade() {
            lock(&inner.listeners).retain(|(id, _, _)| *id != self.id);
        }
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data half-written (every critical section
    // is a single assignment), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl StytchB2BClient {
    /// Builds a client on the given platform and starts restoring the session as Stytch's SDK does on page
    /// load: the cached state is served at once with `from_cache = true`; without a readable session cookie
    /// it is destroyed, otherwise one `sessions/authenticate` runs in the background. The bootstrap is fetched
    /// once.
    pub fn with_platform(
        public_token: impl Into<String>,
        options: StytchB2BOptions,
        transport: Arc<dyn Transport>,
        store: Arc<dyn Store>,
        runtime: Arc<dyn Runtime>,
    ) -> Self {
        let client = Self::unstarted(public_token, options, transport, store, runtime);
        client.load_cached_state();
        client.start();
        client
    }

    /// A client that has not started: nothing read from storage, no request sent, the state `None` and not
    /// initialized. A server-rendered page builds it so that the first render, on the server and in the
    /// browser, depends only on what the server resolved; see [`Self::adopt_server_state`] and
    /// `start_after_hydration` (browser only).
    pub(crate) fn unstarted(
        public_token: impl Into<String>,
        options: StytchB2BOptions,
        transport: Arc<dyn Transport>,
        store: Arc<dyn Store>,
        runtime: Arc<dyn Runtime>,
    ) -> Self {
        let public_token = public_token.into();
        let base_url = options
            .base_url
            .clone()
            .unwrap_or_else(|| default_base_url(&public_token).to_owned())
            .trim_end_matches('/')
            .to_owned();
        Self {
            inner: Arc::new(Inner {
                public_token,
                base_url,
                options,
                transport,
                store,
                runtime,
                state: Mutex::new(StateSnapshot {
                    state: None,
                    from_cache: false,
                    is_initialized: false,
                    pending_mfa: None,
                }),
                listeners: Mutex::new(Vec::new()),
                next_listener_id: Mutex::new(0),
                bootstrap: BootstrapCell::default(),
                refresh: refresh::RefreshState::default(),
            }),
        }
    }

    /// Serves the state cached in storage, flagged `from_cache`.
    fn load_cached_state(&self) {
        let cached = self
            .inner
            .store
            .get_item(&state_key(&self.inner.public_token))
            .and_then(|raw| json::parse::<Option<SessionState>>(&raw).ok())
            .flatten();
        let mut cell = lock(&self.inner.state);
        cell.from_cache = cached.is_some();
        cell.state = cached;
    }

    /// Takes the session the server resolved for this page (from the request's cookies, through Stytch's
    /// backend API) as the client's state: `from_cache` false, initialized, nothing read or written. The
    /// server renders with it, and the browser adopts the same value while hydrating, so both first
    /// renders agree.
    #[cfg(any(feature = "ssr", feature = "hydrate"))]
    pub(crate) fn adopt_server_state(&self, state: Option<SessionState>) {
        let snapshot = {
            let mut cell = lock(&self.inner.state);
            *cell = StateSnapshot {
                state,
                from_cache: false,
                is_initialized: true,
                pending_mfa: None,
            };
            cell.clone()
        };
        self.notify(&snapshot, true);
    }

    /// In the browser, once the page has hydrated: the client's own state machine takes over. A state the
    /// server resolved is stored (localStorage, refresh timer) and counts as just verified; when the server
    /// found no valid session, a session cookie it refused is removed (the intermediate session cookie is
    /// kept: a discovery or MFA step may be under way). Without a server answer, the ordinary start-up runs.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn start_after_hydration(&self) {
        let snapshot = self.snapshot();
        if !snapshot.is_initialized {
            self.load_cached_state();
            self.start();
            return;
        }
        self.listen_to_other_tabs();
        match snapshot.state {
            Some(state) => {
                refresh::mark_verified(self);
                self.set_state(Some(state));
            }
            None => {
                if self.session_token().is_some() || self.jwt().is_some() {
                    self.remove_session_cookies();
                }
                self.set_state(None);
            }
        }
        let client = self.clone();
        self.inner.runtime.spawn(Box::pin(async move {
            client.bootstrap_config().await;
        }));
    }

    /// Start-up: listen to other tabs, decide whether there is a session to restore, fetch the bootstrap.
    ///
    /// A readable session cookie is restored with one `sessions/authenticate`. Without one, the cached state
    /// is destroyed, as in the JS SDK — except with a custom `base_url` and a cached session, where the session
    /// may live in HttpOnly cookies this code cannot read: then the server is asked (the JS SDK does the same
    /// for `customBaseUrl`), and it says no if there is nothing.
    fn start(&self) {
        self.listen_to_other_tabs();
        let cached = self.snapshot().state.is_some();
        let restore =
            self.session_token().is_some() || (cached && self.inner.options.base_url.is_some());
        if !restore {
            if cached {
                self.destroy_session();
            }
            self.mark_initialized();
        }
        let client = self.clone();
        self.inner.runtime.spawn(Box::pin(async move {
            client.bootstrap_config().await;
        }));
        if restore {
            let client = self.clone();
            self.inner.runtime.spawn(Box::pin(async move {
                client.restore().await;
            }));
        }
    }

    /// A handle that does not keep the client alive (for page-lifetime event listeners).
    pub fn downgrade(&self) -> WeakStytchB2BClient {
        WeakStytchB2BClient(Arc::downgrade(&self.inner))
    }

    /// The public token this client was built with.
    pub fn public_token(&self) -> &str {
        &self.inner.public_token
    }

    /// The API base URL in use (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The session: tokens, authenticate, revoke, change notifications.
    pub fn session(&self) -> session::SessionClient {
        session::SessionClient::new(self.clone())
    }

    /// Email magic links.
    pub fn magic_links(&self) -> magic_links::MagicLinksClient {
        magic_links::MagicLinksClient::new(self.clone())
    }

    /// Email one-time passcodes.
    pub fn otps(&self) -> otps::OtpsClient {
        otps::OtpsClient::new(self.clone())
    }

    /// Passwords.
    pub fn passwords(&self) -> passwords::PasswordsClient {
        passwords::PasswordsClient::new(self.clone())
    }

    /// Single sign-on: SAML, OIDC and external connections, their sign-ins and their management.
    pub fn sso(&self) -> sso::SsoClient {
        sso::SsoClient::new(self.clone())
    }

    /// The organization's SCIM connection: its endpoint and bearer token for an identity provider,
    /// the token's rotation and the roles pushed groups grant (JS `stytch.scim`).
    pub fn scim(&self) -> scim::ScimClient {
        scim::ScimClient::new(self.clone())
    }

    /// The project as an OAuth/OIDC identity provider for its connected apps: the calls of the
    /// app's consent page (JS `stytch.idp`).
    pub fn idp(&self) -> idp::IdpClient {
        idp::IdpClient::new(self.clone())
    }

    /// OAuth: Google, Microsoft, GitHub, Slack and HubSpot sign-ins.
    pub fn oauth(&self) -> oauth::OauthClient {
        oauth::OauthClient::new(self.clone())
    }

    /// Discovery: the organizations of an email address, and entering one.
    pub fn discovery(&self) -> discovery::DiscoveryClient {
        discovery::DiscoveryClient::new(self.clone())
    }

    /// The logged-in member's organization.
    pub fn organization(&self) -> organization::OrganizationClient {
        organization::OrganizationClient::new(self.clone())
    }

    /// The logged-in member (JS `stytch.self`; `self` is a Rust keyword).
    pub fn self_(&self) -> self_::SelfClient {
        self_::SelfClient::new(self.clone())
    }

    /// Time-based one-time passcodes from an authenticator app (JS `stytch.totp`).
    pub fn totp(&self) -> totp::TotpClient {
        totp::TotpClient::new(self.clone())
    }

    /// Recovery codes: the one-time codes that stand in for a lost authenticator app (JS `stytch.recoveryCodes`).
    pub fn recovery_codes(&self) -> recovery_codes::RecoveryCodesClient {
        recovery_codes::RecoveryCodesClient::new(self.clone())
    }

    /// Impersonation: sign in as a member with a token from Stytch's dashboard (JS `stytch.impersonation`).
    pub fn impersonation(&self) -> impersonation::ImpersonationClient {
        impersonation::ImpersonationClient::new(self.clone())
    }

    /// The pending MFA step, if a primary factor has passed and a second one is due (see
    /// [`StateSnapshot::pending_mfa`]).
    pub fn pending_mfa(&self) -> Option<PendingMfa> {
        lock(&self.inner.state).pending_mfa.clone()
    }

    /// Abandons a pending MFA step ("start over"): drops it and the intermediate session token cookie. Does
    /// nothing while a session exists.
    pub fn cancel_pending_mfa(&self) {
        if self.snapshot().state.is_none() {
            self.destroy_session();
        }
    }

    /// Role-based access control, evaluated locally (JS `stytch.rbac`).
    pub fn rbac(&self) -> rbac::RbacClient {
        rbac::RbacClient::new(self.clone())
    }

    /// The current state, from-cache flag and initialization flag.
    pub fn snapshot(&self) -> StateSnapshot {
        lock(&self.inner.state).clone()
    }

    /// Calls `callback` with the full state whenever it changes (JS `onStateChange`): `None` when logged out.
    /// Not called on subscribe.
    pub fn on_state_change(
        &self,
        callback: impl Fn(Option<&SessionState>) + Send + Sync + 'static,
    ) -> Unsubscribe {
        self.add_listener(true, move |s| callback(s.state.as_ref()))
    }

    /// Calls `callback` after every state write and when start-up restore finishes, whether or not the
    /// state changed. This is what the Leptos hooks use to keep `from_cache` and `is_initialized` exact.
    pub fn subscribe(
        &self,
        callback: impl Fn(&StateSnapshot) + Send + Sync + 'static,
    ) -> Unsubscribe {
        self.add_listener(false, callback)
    }

    pub(crate) fn add_listener(
        &self,
        only_on_change: bool,
        callback: impl Fn(&StateSnapshot) + Send + Sync + 'static,
    ) -> Unsubscribe {
        let id = {
            let mut next = lock(&self.inner.next_listener_id);
            *next += 1;
            *next
        };
        lock(&self.inner.listeners).push((id, only_on_change, Arc::new(callback)));
        Unsubscribe {
            inner: Arc::downgrade(&self.inner),
            id,
        }
    }

    // ---------------------------------------------------------------- HTTP

    /// Sends `{method} {base}/sdk/v1{path}` with the JS SDK's headers and returns the `data` of a success.
    ///
    /// Only the encoding of the body and the decoding of the `data` depend on the types: the exchange itself
    /// ([`Self::exchange`]) is compiled once, not once per endpoint.
    pub(crate) async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, StytchError> {
        let body = match body {
            Some(b) => Some(
                serde_json::to_string(b)
                    .map_err(|e| StytchError::from_serde("cannot encode the request", &e))?,
            ),
            None => None,
        };
        decode(self.exchange(method, path, body).await?)
    }

    /// The untyped part of [`Self::request`]: send, then the `data` of a success or a typed error.
    ///
    /// The request is abandoned after [`StytchB2BOptions::request_timeout`]: its future is dropped, which
    /// aborts the browser's `fetch`. The timer is the core's, not the transport's, so that no transport can
    /// hold a caller (or the cross-tab refresh lock it holds) for ever.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Value, StytchError> {
        let request = self.build_request(method, path, body);
        let sent = self.inner.transport.send(request);
        let answer = match self.inner.options.request_timeout {
            Some(limit) => {
                let ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
                // In milliseconds: `Duration`'s `Debug` would link its own decimal formatting.
                before_deadline(sent, self.inner.runtime.sleep(ms))
                    .await
                    .ok_or_else(|| {
                        StytchError::unreachable(format!(
                            "{} {path} timed out: no answer within {ms} ms",
                            method.as_str()
                        ))
                    })?
            }
            None => sent.await,
        };
        let response = answer.map_err(|e| {
            StytchError::unreachable(format!("{} {path} failed: {e}", method.as_str()))
        })?;
        parse_response(
            response.status,
            response.content_type.as_deref(),
            &response.body,
        )
    }

    /// `POST {path}` for a call that authenticates (JS `withUpdateSession`): the response's session, or its
    /// intermediate session token, is stored before it is returned.
    pub(crate) async fn authenticate_call(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
    ) -> Result<AuthenticateResponse, StytchError> {
        let resp: AuthenticateResponse = self.request(Method::Post, path, Some(body)).await?;
        self.apply_authenticate_response(&resp);
        Ok(resp)
    }

    pub(crate) fn build_request(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> HttpRequest {
        let pt = &self.inner.public_token;
        let secret = self.session_token().unwrap_or_else(|| pt.clone());
        let basic = super::host::base64_encode(format!("{pt}:{secret}").as_bytes());
        let mut headers = vec![
            ("Authorization".to_owned(), format!("Basic {basic}")),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-SDK-Client".to_owned(), self.sdk_client_header()),
        ];
        if let Some(origin) = self.inner.runtime.origin() {
            headers.push(("X-SDK-Parent-Host".to_owned(), origin));
        }
        HttpRequest {
            method,
            url: format!("{}/sdk/v1{}", self.inner.base_url, path),
            headers,
            body,
        }
    }

    /// `X-SDK-Client`: base64 of the telemetry blob the JS SDK sends, with fresh ids on every
    /// request. Only ids, time and names: nothing secret.
    fn sdk_client_header(&self) -> String {
        let rt = &self.inner.runtime;
        let snapshot = self.snapshot();
        let mut blob = serde_json::json!({
            "event_id": format!("event-id-{}", self.uuid_v4()),
            "app_session_id": format!("app-session-id-{}", self.uuid_v4()),
            "persistent_id": format!("persistent-id-{}", self.uuid_v4()),
            "client_sent_at": time_util::format_rfc3339(rt.now_ms()),
            "timezone": rt.timezone().unwrap_or_else(|| "UTC".to_owned()),
            "app": {"identifier": rt.hostname().unwrap_or_default()},
            "sdk": {"identifier": SDK_IDENTIFIER, "version": SDK_VERSION},
        });
        if let (Some(state), Value::Object(map)) = (snapshot.state, &mut blob) {
            map.insert("stytch_member_id".into(), state.member.member_id.into());
            map.insert(
                "stytch_member_session_id".into(),
                state.session.member_session_id.into(),
            );
        }
        super::host::base64_encode(blob.to_string().as_bytes())
    }

    pub(crate) fn uuid_v4(&self) -> String {
        let mut b = [0u8; 16];
        self.inner.runtime.fill_random(&mut b);
        uuid_v4_from(b)
    }

    // ---------------------------------------------------------------- cookies

    /// The opaque session token, if its cookie is readable.
    pub(crate) fn session_token(&self) -> Option<String> {
        let name = self.inner.options.cookie_options.session_cookie();
        self.inner.store.get_cookie(name).filter(|v| !v.is_empty())
    }

    pub(crate) fn jwt(&self) -> Option<String> {
        let name = self.inner.options.cookie_options.jwt_cookie();
        self.inner.store.get_cookie(name).filter(|v| !v.is_empty())
    }

    pub(crate) fn intermediate_session_token(&self) -> Option<String> {
        let name = self.inner.options.cookie_options.ist_cookie();
        self.inner.store.get_cookie(name).filter(|v| !v.is_empty())
    }

    fn is_local_host(&self) -> bool {
        let host = self.inner.runtime.hostname().unwrap_or_default();
        host == "localhost" || host == "[::1]" || host == "::1" || host.starts_with("127.")
    }

    /// Cookie attributes of `generateCookieOpts`: `SameSite=Lax`; on localhost no `Secure` and no domain;
    /// elsewhere `Secure`, and a domain only with `available_to_subdomains`.
    fn cookie(&self, name: &str, value: &str, expires_ms: Option<i64>) -> CookieSpec {
        let opts = &self.inner.options.cookie_options;
        let local = self.is_local_host();
        let domain = if !local && opts.available_to_subdomains {
            opts.domain.clone().or_else(|| self.inner.runtime.host())
        } else {
            None
        };
        if let Some(d) = &domain {
            self.remember_domain(d);
        }
        CookieSpec {
            name: name.to_owned(),
            value: value.to_owned(),
            expires_ms,
            path: opts.path().to_owned(),
            domain,
            secure: !local,
        }
    }

    fn remember_domain(&self, domain: &str) {
        let key = format!("{}::seen_domains", state_key(&self.inner.public_token));
        let mut seen: Vec<String> = self
            .inner
            .store
            .get_item(&key)
            .and_then(|raw| json::parse(&raw).ok())
            .unwrap_or_default();
        if !seen.iter().any(|d| d == domain) {
            seen.push(domain.to_owned());
            if let Ok(raw) = serde_json::to_string(&seen) {
                self.inner.store.set_item(&key, &raw);
            }
        }
    }

    /// Removes a cookie under every path and domain it may have been written with: the configured and the
    /// default path, no domain, the configured domain, the page host, and every domain in `::seen_domains`.
    fn remove_cookie_everywhere(&self, name: &str) {
        let opts = &self.inner.options.cookie_options;
        let mut paths = vec![opts.path().to_owned()];
        if opts.path() != "/" {
            paths.push("/".to_owned());
        }
        let mut domains: Vec<Option<String>> = vec![None];
        domains.extend(opts.domain.clone().map(Some));
        domains.extend(self.inner.runtime.host().map(Some));
        let key = format!("{}::seen_domains", state_key(&self.inner.public_token));
        let seen: Vec<String> = self
            .inner
            .store
            .get_item(&key)
            .and_then(|raw| json::parse(&raw).ok())
            .unwrap_or_default();
        domains.extend(seen.into_iter().map(Some));
        domains.dedup();
        for path in &paths {
            for domain in &domains {
                self.inner
                    .store
                    .remove_cookie(name, path, domain.as_deref());
            }
        }
    }

    /// Writes both session cookies and removes the IST cookie (JS `updateSession` and the SET branch of
    /// `withUpdateSession`).
    pub(crate) fn write_session_cookies(
        &self,
        session_token: &str,
        session_jwt: &str,
        expires_ms: Option<i64>,
    ) {
        let opts = &self.inner.options.cookie_options;
        let store = &self.inner.store;
        // Clear every variant first, so a flipped `available_to_subdomains` (or a changed domain or path)
        // never leaves two cookies of one name behind.
        self.remove_session_cookies();
        store.set_cookie(&self.cookie(opts.session_cookie(), session_token, expires_ms));
        store.set_cookie(&self.cookie(opts.jwt_cookie(), session_jwt, expires_ms));
        self.remove_cookie_everywhere(opts.ist_cookie());
    }

    fn remove_session_cookies(&self) {
        let opts = &self.inner.options.cookie_options;
        self.remove_cookie_everywhere(opts.session_cookie());
        self.remove_cookie_everywhere(opts.jwt_cookie());
    }

    // ---------------------------------------------------------------- state machine

    /// Applies an authenticate response (JS `withUpdateSession`):
    /// * with a `member_session`: store `{session, member, organization}`; write both cookies when both
    ///   tokens are non-empty, otherwise (HttpOnly project) remove the JS cookies; remove the IST cookie;
    /// * without one: clear the local session and keep the intermediate session token in its cookie
    ///   (10 minutes), or remove that cookie when the token is `''` (HttpOnly).
    pub(crate) fn apply_authenticate_response(&self, resp: &AuthenticateResponse) {
        match &resp.member_session {
            Some(session) => {
                refresh::mark_verified(self);
                if !resp.session_token.is_empty() && !resp.session_jwt.is_empty() {
                    let expires = time_util::parse_rfc3339_ms(&session.expires_at);
                    self.write_session_cookies(&resp.session_token, &resp.session_jwt, expires);
                } else {
                    self.remove_session_cookies();
                    self.remove_cookie_everywhere(self.inner.options.cookie_options.ist_cookie());
                }
                self.set_state(Some(SessionState {
                    session: session.clone(),
                    member: resp.member.clone(),
                    organization: resp.organization.clone(),
                }));
            }
            None => {
                let pending = resp.mfa_required.clone().map(|mfa_required| PendingMfa {
                    member: resp.member.clone(),
                    organization: resp.organization.clone(),
                    mfa_required,
                });
                self.store_intermediate_session(&resp.intermediate_session_token);
                self.write_state(None, pending, true);
            }
        }
    }

    /// Stores an IST and clears any current session (the IST branch of `withUpdateSession`).
    pub(crate) fn apply_intermediate_session(&self, ist: &str) {
        self.store_intermediate_session(ist);
        self.set_state(None);
    }

    /// The cookie half of [`Self::apply_intermediate_session`].
    fn store_intermediate_session(&self, ist: &str) {
        self.remove_session_cookies();
        let name = self.inner.options.cookie_options.ist_cookie();
        if ist.is_empty() {
            self.remove_cookie_everywhere(name);
        } else {
            let expires = self.inner.runtime.now_ms() + IST_COOKIE_LIFETIME_MS;
            self.inner
                .store
                .set_cookie(&self.cookie(name, ist, Some(expires)));
        }
    }

    /// Clears cookies (session, JWT and IST) and state; subscribers are told.
    pub(crate) fn destroy_session(&self) {
        self.remove_session_cookies();
        self.remove_cookie_everywhere(self.inner.options.cookie_options.ist_cookie());
        self.set_state(None);
    }

    /// Replaces the member in the stored state, if a session exists.
    pub(crate) fn update_member(&self, member: Member) {
        if let Some(mut state) = self.snapshot().state {
            state.member = member;
            self.set_state(Some(state));
        }
    }

    /// Replaces the member in the stored state when it is the logged-in one (a call that answers a member
    /// may be about someone else).
    pub(crate) fn update_member_if_self(&self, member: &Member) {
        if self.is_self(&member.member_id) {
            self.update_member(member.clone());
        }
    }

    /// Whether `member_id` is the logged-in member.
    pub(crate) fn is_self(&self, member_id: &str) -> bool {
        lock(&self.inner.state)
            .state
            .as_ref()
            .is_some_and(|s| s.member.member_id == member_id)
    }

    /// Replaces the organization in the stored state, if a session exists.
    pub(crate) fn update_organization(&self, organization: Organization) {
        if let Some(mut state) = self.snapshot().state {
            state.organization = organization;
            self.set_state(Some(state));
        }
    }

    /// The one place state is written: persists it, clears `from_cache`, notifies, and (re)schedules the
    /// refresh. Listeners registered with "only on change" are called when the state differs (ignoring
    /// `last_accessed_at`) or the previous state came from the cache, as in the JS SDK.
    /// Any write of the state ends a pending MFA step, except the one that starts it.
    pub(crate) fn set_state(&self, new_state: Option<SessionState>) {
        self.write_state(new_state, None, true);
    }

    /// Another tab wrote the state key (a `storage` event): apply it here without writing it back, so the
    /// UI of every tab follows a login, refresh or logout at once.
    fn apply_external_state(&self, raw: Option<String>) {
        let new_state = match raw.as_deref() {
            None | Some("null") => None,
            Some(text) => match json::parse::<Option<SessionState>>(text) {
                Ok(state) => state,
                // Not ours to understand (another SDK version?): keep what we have.
                Err(_) => return,
            },
        };
        // A login in another tab ends an MFA step here; a logout there leaves it alone (this tab's IST
        // cookie may still be good).
        let pending = match new_state {
            Some(_) => None,
            None => lock(&self.inner.state).pending_mfa.clone(),
        };
        if new_state.is_none() {
            // The other tab logged out; cookies are shared, but a copy under another path may remain.
            self.remove_session_cookies();
        }
        self.write_state(new_state, pending, false);
    }

    fn listen_to_other_tabs(&self) {
        let weak = Arc::downgrade(&self.inner);
        self.inner.store.on_external_change(
            &state_key(&self.inner.public_token),
            Box::new(move |raw| {
                if let Some(inner) = weak.upgrade() {
                    StytchB2BClient { inner }.apply_external_state(raw);
                }
            }),
        );
    }

    fn write_state(
        &self,
        new_state: Option<SessionState>,
        pending_mfa: Option<PendingMfa>,
        persist: bool,
    ) {
        let (snapshot, changed) = {
            let mut cell = lock(&self.inner.state);
            let changed = cell.from_cache
                || !same_ignoring_access_time(&cell.state, &new_state)
                || cell.pending_mfa != pending_mfa;
            cell.state = new_state;
            cell.pending_mfa = pending_mfa;
            cell.from_cache = false;
            (cell.clone(), changed)
        };
        if persist {
            let key = state_key(&self.inner.public_token);
            match serde_json::to_string(&snapshot.state) {
                Ok(raw) => self.inner.store.set_item(&key, &raw),
                Err(_) => self.inner.store.remove_item(&key),
            }
        }
        refresh::on_state_written(self, snapshot.state.is_some());
        self.notify(&snapshot, changed);
    }

    pub(crate) fn mark_initialized(&self) {
        let snapshot = {
            let mut cell = lock(&self.inner.state);
            if cell.is_initialized {
                return;
            }
            cell.is_initialized = true;
            cell.clone()
        };
        self.notify(&snapshot, false);
    }

    fn notify(&self, snapshot: &StateSnapshot, changed: bool) {
        let listeners: Vec<Listener> = lock(&self.inner.listeners)
            .iter()
            .filter(|(_, only_on_change, _)| changed || !only_on_change)
            .map(|(_, _, l)| l.clone())
            .collect();
        for listener in listeners {
            listener(snapshot);
        }
    }

    async fn restore(&self) {
        // The result is already applied by `authenticate`; an error other than an unrecoverable one keeps
        // the cached state and leaves the refresh loop to retry.
        if self.session().authenticate(None).await.is_err() && self.snapshot().state.is_some() {
            refresh::schedule_retry(self);
        }
        self.mark_initialized();
    }
}

/// The output of `work`, or `None` when `deadline` comes first (then `work` is dropped unfinished).
async fn before_deadline<T>(
    mut work: LocalBoxFuture<'static, T>,
    mut deadline: LocalBoxFuture<'static, ()>,
) -> Option<T> {
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(output) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        deadline.as_mut().poll(cx).map(|()| None)
    })
    .await
}

/// A version 4 UUID (RFC 9562) from 16 random bytes, lowercase and hyphenated.
///
/// By hand rather than with `{:02x}` and slicing: no formatting machinery on every request.
fn uuid_v4_from(mut b: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut uuid = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        uuid.push(char::from(HEX[usize::from(byte >> 4)]));
        uuid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    uuid
}

/// `stytch_sdk_state_<public_token>`.
pub(crate) fn state_key(public_token: &str) -> String {
    format!("stytch_sdk_state_{public_token}")
}

fn same_ignoring_access_time(a: &Option<SessionState>, b: &Option<SessionState>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let mut a = a.clone();
            a.session.last_accessed_at.clear();
            let mut b = b.clone();
            b.session.last_accessed_at.clear();
            a == b
        }
        _ => false,
    }
}

/// The `data` of a success as `T`; a schema error when it does not fit.
pub(crate) fn decode<T: DeserializeOwned>(data: Value) -> Result<T, StytchError> {
    serde_json::from_value(data)
        .map_err(|e| StytchError::from_serde("unexpected response shape", &e))
}

/// Turns a response into the `data` of a success or a typed error, as Stytch's SDK reads it.
pub(crate) fn parse_response(
    status: u16,
    content_type: Option<&str>,
    body: &str,
) -> Result<Value, StytchError> {
    if (200..300).contains(&status) {
        let Some(envelope) = super::host::parse_json(body) else {
            return Err(StytchError::unreachable(
                "Invalid response from our servers.",
            ));
        };
        return match envelope {
            Value::Object(mut fields) => match fields.remove("data") {
                None | Some(Value::Null) => Err(StytchError::schema("the response has no `data`")),
                Some(data) => Ok(data),
            },
            _ => Err(StytchError::schema("the response is not a JSON object")),
        };
    }
    let is_json = content_type.is_some_and(|c| c.contains("json"));
    let parsed = if is_json {
        super::host::parse_json(body)
    } else {
        None
    };
    let Some(Value::Object(obj)) = parsed else {
        return Err(StytchError::unreachable(
            "Invalid response from our servers.",
        ));
    };
    if ["body", "params", "query"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        return Err(StytchError::schema(Value::Object(obj).to_string()));
    }
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    Err(StytchError::Api {
        status_code: obj
            .get("status_code")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(status),
        error_type: super::error::ErrorType::parse(
            &text("error_type").unwrap_or_else(|| "unknown_error".to_owned()),
        ),
        error_message: text("error_message").unwrap_or_default(),
        error_url: text("error_url").unwrap_or_default(),
        request_id: text("request_id"),
        error_details: obj.get("error_details").cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorType;

    #[test]
    fn success_returns_data() {
        let v: Value =
            parse_response(200, Some("application/json"), r#"{"data":{"a":1}}"#).unwrap();
        assert_eq!(v, serde_json::json!({"a":1}));
    }

    #[test]
    fn success_without_json_is_unreachable() {
        let r: Result<Value, _> = parse_response(200, Some("text/html"), "<html>");
        assert!(matches!(r, Err(StytchError::Unreachable { .. })));
    }

    #[test]
    fn error_json_becomes_api_error() {
        let body = r#"{"status_code":404,"request_id":"r","error_type":"session_not_found","error_message":"gone","error_url":"u"}"#;
        let r: Result<Value, _> = parse_response(404, Some("application/json"), body);
        match r {
            Err(StytchError::Api {
                status_code,
                error_type,
                error_message,
                request_id,
                ..
            }) => {
                assert_eq!(status_code, 404);
                assert_eq!(error_type, ErrorType::SessionNotFound);
                assert_eq!(error_message, "gone");
                assert_eq!(request_id.as_deref(), Some("r"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn schema_errors_and_garbage() {
        let r: Result<Value, _> = parse_response(400, Some("application/json"), r#"{"body":[]}"#);
        assert!(matches!(r, Err(StytchError::Schema { .. })));
        let r: Result<Value, _> = parse_response(502, Some("text/plain"), "Bad gateway");
        assert!(matches!(r, Err(StytchError::Unreachable { .. })));
        let r: Result<Value, _> = parse_response(500, Some("application/json"), "not json");
        assert!(matches!(r, Err(StytchError::Unreachable { .. })));
    }

    #[test]
    fn a_success_without_usable_data_is_a_schema_error() {
        for body in [r#"{"status_code":200}"#, r#"{"data":null}"#, "[1]"] {
            let r = parse_response(200, Some("application/json"), body);
            assert!(
                matches!(r, Err(StytchError::Schema { .. })),
                "{body}: {r:?}"
            );
        }
        let r: Result<crate::core::models::Member, _> = decode(serde_json::json!("x"));
        assert!(matches!(r, Err(StytchError::Schema { .. })));
        let r: Result<crate::core::models::Member, _> =
            decode(serde_json::json!({"member_id": ["not", "a", "string"]}));
        match r {
            Err(StytchError::Schema { message }) => {
                assert!(message.contains("`member_id`"), "{message}")
            }
            other => panic!("expected a schema error, got {other:?}"),
        }
        let r = parse_response(200, Some("application/json"), "{\"data\":");
        assert!(matches!(r, Err(StytchError::Unreachable { .. })));
    }

    #[test]
    fn a_uuid_carries_its_version_and_variant() {
        let bytes: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(uuid_v4_from(bytes), "00010203-0405-4607-8809-0a0b0c0d0e0f");
        assert_eq!(
            uuid_v4_from([0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
    }

    #[test]
    fn state_comparison_ignores_last_accessed_at() {
        let mut a = SessionState::default();
        a.session.last_accessed_at = "2026-01-01T00:00:00Z".into();
        let mut b = a.clone();
        b.session.last_accessed_at = "2026-01-01T00:03:00Z".into();
        assert!(same_ignoring_access_time(
            &Some(a.clone()),
            &Some(b.clone())
        ));
        b.session.expires_at = "later".into();
        assert!(!same_ignoring_access_time(&Some(a), &Some(b)));
    }
}
