//! The browser layer (wasm32 only): the core's [`Transport`](crate::core::platform::Transport),
//! [`Store`](crate::core::platform::Store) and [`Runtime`](crate::core::platform::Runtime) implemented with
//! `fetch`, `document.cookie`, `localStorage`, timers and `crypto.getRandomValues`, plus the browser
//! constructors of [`StytchB2BClient`].

mod runtime;
mod store;
mod transport;
mod url;

use std::sync::Arc;

pub use runtime::BrowserRuntime;
pub use store::BrowserStore;
pub use transport::BrowserTransport;
pub use url::{AuthenticateUrlParams, navigate, parse_authenticate_url};

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
    ///
    /// The client listens to `storage` events (state changes in other tabs), and to `visibilitychange` and
    /// `online`: a tab that comes back with an expired JWT, or back online, refreshes at once.
    ///
    /// With the `hydrate` feature (the browser half of a server-rendered app) the client reads nothing from
    /// localStorage or cookies while the page hydrates: `<StytchB2BProvider>` hands it the session the server
    /// rendered with, and the client starts right after hydration (the task runs once the synchronous
    /// hydration pass has returned).
    pub fn with_options(public_token: impl Into<String>, options: StytchB2BOptions) -> Self {
        let (transport, store, runtime) = (
            Arc::new(BrowserTransport),
            Arc::new(BrowserStore),
            Arc::new(BrowserRuntime),
        );
        let client = if cfg!(feature = "hydrate") {
            let client = Self::unstarted(public_token, options, transport, store, runtime.clone());
            let starting = client.clone();
            crate::core::platform::Runtime::spawn(
                &*runtime,
                Box::pin(async move { starting.start_after_hydration() }),
            );
            client
        } else {
            Self::with_platform(public_token, options, transport, store, runtime)
        };
        listen_for_page_activity(&client);
        client
    }
}

fn listen_for_page_activity(client: &StytchB2BClient) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Some(window) = web_sys::window() else {
        return;
    };
    let weak = client.downgrade();
    let on_active = Closure::<dyn Fn()>::new(move || {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if let (true, Some(client)) = (visible, weak.upgrade()) {
            client.on_page_active();
        }
    });
    let f = on_active.as_ref().unchecked_ref();
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", f);
    }
    let _ = window.add_event_listener_with_callback("online", f);
    // Page-lifetime listeners; they hold only a weak reference to the client.
    on_active.forget();
}
