//! The browser layer (wasm32 only): the core's [`Transport`](crate::core::platform::Transport),
//! [`Store`](crate::core::platform::Store) and [`Runtime`](crate::core::platform::Runtime) implemented with
//! gloo-net, `document.cookie`, `localStorage`, timers and `crypto.getRandomValues`, plus the browser
//! constructors of [`StytchB2BClient`].

mod runtime;
mod store;
mod transport;
mod url;

use std::sync::Arc;

pub use runtime::BrowserRuntime;
pub use store::BrowserStore;
pub use transport::BrowserTransport;
pub use url::{AuthenticateUrlParams, parse_authenticate_url};

use crate::core::client::StytchB2BClient;
use crate::core::options::StytchB2BOptions;

impl StytchB2BClient {
    /// A client for this page, talking to Stytch's API (test or live host chosen from the token).
    ///
    /// ```no_run
    /// let client = leptos_stytch::StytchB2BClient::new("public-token-test-…");
    /// ```
    pub fn new(public_token: impl Into<String>) -> Self {
        Self::with_options(public_token, StytchB2BOptions::default())
    }

    /// A client for this page with options, e.g. a local emulator as `base_url`.
    ///
    /// ```no_run
    /// use leptos_stytch::{StytchB2BClient, StytchB2BOptions};
    /// let client = StytchB2BClient::with_options(
    ///     "public-token-test-…",
    ///     StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
    /// );
    /// ```
    pub fn with_options(public_token: impl Into<String>, options: StytchB2BOptions) -> Self {
        Self::with_platform(
            public_token,
            options,
            Arc::new(BrowserTransport),
            Arc::new(BrowserStore),
            Arc::new(BrowserRuntime),
        )
    }
}
