//! What the core needs from the platform it runs on: a [`Transport`] for HTTP, a [`Store`] for cookies and
//! key-value storage, and a [`Runtime`] for time, timers, tasks and randomness.
//!
//! The browser layer (`crate::browser`) implements them with web-sys; native tests implement
//! them over the emulator's in-process router. Nothing here knows about the browser.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::redact::{RedactedBody, RedactedHeaders};

/// A boxed future that need not be `Send` (browser futures never are).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// HTTP methods the SDK uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method as HTTP spells it, e.g. `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// A request as the core builds it: absolute URL, headers, optional JSON body. `Debug` shows neither
/// the `Authorization` header (it carries the session token) nor the secrets in the body.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of a header, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body.as_deref().map(RedactedBody))
            .finish()
    }
}

/// A response as the transport hands it back. `Debug` shows no secret of the body (session tokens).
#[derive(Clone, PartialEq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as text.
    pub body: String,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body", &RedactedBody(&self.body))
            .finish()
    }
}

/// Sends HTTP requests. The browser transport sends them with `credentials: 'include'`.
pub trait Transport: Send + Sync {
    /// Sends one request. `Err` is a network-level failure (no response at all), carried as a message.
    fn send(&self, request: HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, String>>;
}

/// A cookie to write, with the attributes Stytch's SDK sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSpec {
    /// The cookie's name.
    pub name: String,
    /// The cookie's value.
    pub value: String,
    /// Absolute expiry, Unix milliseconds; `None` writes a session cookie.
    pub expires_ms: Option<i64>,
    /// The `Path` attribute.
    pub path: String,
    /// The `Domain` attribute; `None` for a host-only cookie.
    pub domain: Option<String>,
    /// Whether to set `Secure` (every host but localhost over http).
    pub secure: bool,
}

/// Cookies and key-value storage (`document.cookie` and `localStorage` in the browser).
pub trait Store: Send + Sync {
    /// A cookie's value, if one is readable by this code.
    fn get_cookie(&self, name: &str) -> Option<String>;
    /// Writes a cookie (`SameSite=Lax` always).
    fn set_cookie(&self, cookie: &CookieSpec);
    /// Removes a cookie written with this path and domain.
    fn remove_cookie(&self, name: &str, path: &str, domain: Option<&str>);
    /// A stored value (`localStorage.getItem`).
    fn get_item(&self, key: &str) -> Option<String>;
    /// Stores a value (`localStorage.setItem`).
    fn set_item(&self, key: &str, value: &str);
    /// Removes a stored value (`localStorage.removeItem`).
    fn remove_item(&self, key: &str);
    /// Calls `callback` with the new value whenever **another tab** changes `key` (the `storage` event).
    /// Writes by this tab are not reported. Platforms without tabs need not implement it.
    fn on_external_change(&self, key: &str, callback: Box<dyn Fn(Option<String>) + Send + Sync>) {
        let _ = (key, callback);
    }
}

/// Time, timers, tasks, randomness and the page's location.
pub trait Runtime: Send + Sync {
    /// Wall-clock time, Unix milliseconds.
    fn now_ms(&self) -> i64;
    /// A future that resolves after `ms` milliseconds.
    fn sleep(&self, ms: u64) -> LocalBoxFuture<'static, ()>;
    /// Runs a future to completion in the background.
    fn spawn(&self, task: LocalBoxFuture<'static, ()>);
    /// Fills `buf` from a CSPRNG.
    fn fill_random(&self, buf: &mut [u8]);
    /// `window.location.origin`, sent as `X-SDK-Parent-Host`.
    fn origin(&self) -> Option<String>;
    /// `window.location.hostname` (no port), used for the `Secure` decision and telemetry.
    fn hostname(&self) -> Option<String>;
    /// `window.location.host` (with port): the cookie domain when `available_to_subdomains` is set.
    fn host(&self) -> Option<String>;
    /// Runs `task` while holding the cross-tab lock `name` (Web Locks in the browser), so at most one tab
    /// runs a task of that name at a time. The default runs it at once: fine where there is one tab.
    fn run_exclusive(
        &self,
        name: &str,
        task: LocalBoxFuture<'static, ()>,
    ) -> LocalBoxFuture<'static, ()> {
        let _ = name;
        task
    }
    /// The IANA time zone for the `X-SDK-Client` blob.
    fn timezone(&self) -> Option<String> {
        None
    }
}
