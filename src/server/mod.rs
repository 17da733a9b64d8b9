//! The server platform: what [`StytchB2BClient::new`] and [`StytchB2BClient::with_options`] build off the
//! browser. In a server-rendered app that is the per-request client the page renders with: it holds the
//! session the server resolved from the request's cookies (see `StytchServer`, with the `ssr` feature)
//! and sends no SDK requests of its own — the browser's client does that once the page has hydrated.
//!
//! For a client that talks to the API from native code (tests, other platforms), build one with
//! [`StytchB2BClient::with_platform`] and your own [`Transport`], [`Store`] and [`Runtime`].

#[cfg(feature = "ssr")]
mod ssr;

#[cfg(feature = "ssr")]
pub use ssr::{
    StytchServer, current_member_session, request_session_tokens, resolve_request_session,
};

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::core::client::StytchB2BClient;
use crate::core::options::StytchB2BOptions;
use crate::core::platform::{
    CookieSpec, HttpRequest, HttpResponse, LocalBoxFuture, Runtime, Store, Transport,
};

impl StytchB2BClient {
    /// The client of one server-rendered page, for Stytch's API (test or live host chosen from the token).
    ///
    /// ```
    /// let client = leptos_stytch::StytchB2BClient::new("public-token-test-…");
    /// assert!(!client.snapshot().is_initialized);
    /// ```
    pub fn new(public_token: impl Into<String>) -> Self {
        Self::with_options(public_token, StytchB2BOptions::default())
    }

    /// The client of one server-rendered page, with options. Nothing is read and nothing is sent: its state
    /// is "not known yet" until `<StytchB2BProvider>` gives it the session the server resolved.
    ///
    /// ```
    /// use leptos_stytch::{StytchB2BClient, StytchB2BOptions};
    /// let client = StytchB2BClient::with_options(
    ///     "public-token-test-…",
    ///     StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
    /// );
    /// assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    /// assert!(client.session().get_sync().is_none());
    /// ```
    pub fn with_options(public_token: impl Into<String>, options: StytchB2BOptions) -> Self {
        Self::unstarted(
            public_token,
            options,
            Arc::new(ServerTransport),
            Arc::new(ServerStore),
            Arc::new(ServerRuntime),
        )
    }
}

/// Refuses every request: SDK calls (logins, refreshes) belong to the browser, whose cookies they set.
/// A call made on the server anyway fails with [`StytchError::Unreachable`](crate::StytchError).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerTransport;

impl Transport for ServerTransport {
    fn send(&self, _request: HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, String>> {
        Box::pin(async {
            Err(
                "the server-side client sends no SDK requests; the browser's client does"
                    .to_owned(),
            )
        })
    }
}

/// No cookies and no storage: the server reads the request's cookies itself (see `StytchServer`), and a
/// page render must not leave state behind for the next request.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerStore;

impl Store for ServerStore {
    fn get_cookie(&self, _name: &str) -> Option<String> {
        None
    }
    fn set_cookie(&self, _cookie: &CookieSpec) {}
    fn remove_cookie(&self, _name: &str, _path: &str, _domain: Option<&str>) {}
    fn get_item(&self, _key: &str) -> Option<String> {
        None
    }
    fn set_item(&self, _key: &str, _value: &str) {}
    fn remove_item(&self, _key: &str) {}
}

/// System time and the OS's CSPRNG. A page render has no background work: `spawn` drops the task and
/// `sleep` never finishes (the server-side client never starts, so its refresh timers are never armed).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerRuntime;

impl Runtime for ServerRuntime {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }

    fn sleep(&self, _ms: u64) -> LocalBoxFuture<'static, ()> {
        Box::pin(std::future::pending())
    }

    fn spawn(&self, _task: LocalBoxFuture<'static, ()>) {}

    fn fill_random(&self, buf: &mut [u8]) {
        // Without OS randomness there is no safe way to mint ids or PKCE verifiers.
        getrandom::fill(buf)
            .expect("the operating system's random number generator is unavailable");
    }

    fn origin(&self) -> Option<String> {
        None
    }

    fn hostname(&self) -> Option<String> {
        None
    }

    fn host(&self) -> Option<String> {
        None
    }
}
