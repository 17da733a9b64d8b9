//! Client options: where the API is, how long a request may take and how session cookies are written.

use std::time::Duration;

/// How long one request may wait for its answer unless [`StytchB2BOptions::request_timeout`] says
/// otherwise: 30 s. A healthy Stytch call takes well under a second, and Stytch's own server-side
/// libraries give up after about as long (stytch-ruby's `NETWORK_TIMEOUT` is 31 s); it is far below the
/// 3-minute session refresh interval, so a hung refresh gives the cross-tab refresh lock back long before
/// any tab's next refresh is due. Browsers themselves never time a `fetch` out.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Options for [`crate::StytchB2BClient::with_options`]. Every field has a default, so
/// `StytchB2BOptions { keep_session_alive: true, ..Default::default() }` reads naturally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StytchB2BOptions {
    /// Full API base URL, scheme and port kept (e.g. `http://127.0.0.1:4010` for the local emulator).
    /// Unlike the JS SDK's `customBaseUrl`, which forces `https://` and drops the port, this is used verbatim,
    /// like its undocumented `endpoints.testAPIURL`. `None` picks `https://test.stytch.com` for a public token
    /// containing `public-token-test` and `https://api.stytch.com` otherwise.
    pub base_url: Option<String>,
    /// Cookie names and attributes.
    pub cookie_options: CookieOptions,
    /// When set, the 3-minute refresh re-sends the `session_duration_minutes` of the app's last
    /// authenticate call, so the session is extended while the page is open (JS `keepSessionAlive`).
    pub keep_session_alive: bool,
    /// How long a request may wait for its answer before it is abandoned (the browser's `fetch` is aborted)
    /// and the call fails with [`StytchError::Unreachable`](crate::StytchError::Unreachable). Default
    /// [`DEFAULT_REQUEST_TIMEOUT`], 30 s; `None` waits as long as the platform does.
    pub request_timeout: Option<Duration>,
}

impl Default for StytchB2BOptions {
    fn default() -> Self {
        Self {
            base_url: None,
            cookie_options: CookieOptions::default(),
            keep_session_alive: false,
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
        }
    }
}

/// Cookie options (JS `cookieOptions`). `None` means Stytch's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieOptions {
    /// Default `stytch_session`.
    pub opaque_token_cookie_name: Option<String>,
    /// Default `stytch_session_jwt`.
    pub jwt_cookie_name: Option<String>,
    /// Default `stytch_intermediate_session_token`.
    pub ist_cookie_name: Option<String>,
    /// Default `/`.
    pub path: Option<String>,
    /// Used only with `available_to_subdomains`; default `window.location.host`.
    pub domain: Option<String>,
    /// Write cookies with a `Domain` attribute so subdomains can read them. Ignored on localhost.
    pub available_to_subdomains: bool,
}

pub(crate) const DEFAULT_SESSION_COOKIE: &str = "stytch_session";
pub(crate) const DEFAULT_JWT_COOKIE: &str = "stytch_session_jwt";
pub(crate) const DEFAULT_IST_COOKIE: &str = "stytch_intermediate_session_token";

impl CookieOptions {
    pub(crate) fn session_cookie(&self) -> &str {
        self.opaque_token_cookie_name
            .as_deref()
            .unwrap_or(DEFAULT_SESSION_COOKIE)
    }
    pub(crate) fn jwt_cookie(&self) -> &str {
        self.jwt_cookie_name
            .as_deref()
            .unwrap_or(DEFAULT_JWT_COOKIE)
    }
    pub(crate) fn ist_cookie(&self) -> &str {
        self.ist_cookie_name
            .as_deref()
            .unwrap_or(DEFAULT_IST_COOKIE)
    }
    pub(crate) fn path(&self) -> &str {
        self.path.as_deref().unwrap_or("/")
    }
}

/// The API base for a public token when no `base_url` is given.
pub(crate) fn default_base_url(public_token: &str) -> &'static str {
    if public_token.contains("public-token-test") {
        "https://test.stytch.com"
    } else {
        "https://api.stytch.com"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_tokens_go_to_the_test_host() {
        assert_eq!(
            default_base_url("public-token-test-123"),
            "https://test.stytch.com"
        );
        assert_eq!(
            default_base_url("public-token-live-123"),
            "https://api.stytch.com"
        );
    }

    #[test]
    fn cookie_names_default_to_stytchs() {
        let o = CookieOptions::default();
        assert_eq!(o.session_cookie(), "stytch_session");
        assert_eq!(o.jwt_cookie(), "stytch_session_jwt");
        assert_eq!(o.ist_cookie(), "stytch_intermediate_session_token");
        assert_eq!(o.path(), "/");
        let o = CookieOptions {
            opaque_token_cookie_name: Some("s".into()),
            path: Some("/app".into()),
            ..Default::default()
        };
        assert_eq!(o.session_cookie(), "s");
        assert_eq!(o.path(), "/app");
    }
}
