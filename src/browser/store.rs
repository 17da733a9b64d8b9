use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlDocument;

use crate::core::platform::{CookieSpec, Store};

/// `document.cookie` and `window.localStorage`. Values are URI-encoded like js-cookie does, so cookies
/// written by Stytch's JS SDK and by this crate read the same. Storage failures (private mode, quota) are
/// ignored: the session then lives only in memory and cookies.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserStore;

fn document() -> Option<HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<HtmlDocument>()
        .ok()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(s)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| s.to_owned())
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

fn cookie_string(
    name: &str,
    value: &str,
    expires: &str,
    path: &str,
    domain: Option<&str>,
    secure: bool,
) -> String {
    let mut c = format!(
        "{}={}; path={path}; SameSite=Lax",
        encode(name),
        encode(value)
    );
    if !expires.is_empty() {
        c.push_str("; expires=");
        c.push_str(expires);
    }
    if let Some(d) = domain {
        c.push_str("; domain=");
        c.push_str(d);
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

impl Store for BrowserStore {
    fn get_cookie(&self, name: &str) -> Option<String> {
        let all = document()?.cookie().ok()?;
        all.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (decode(k) == name).then(|| decode(v))
        })
    }

    fn set_cookie(&self, cookie: &CookieSpec) {
        let expires = cookie
            .expires_ms
            .map(|ms| String::from(js_sys::Date::new(&(ms as f64).into()).to_utc_string()))
            .unwrap_or_default();
        let s = cookie_string(
            &cookie.name,
            &cookie.value,
            &expires,
            &cookie.path,
            cookie.domain.as_deref(),
            cookie.secure,
        );
        if let Some(doc) = document() {
            let _ = doc.set_cookie(&s);
        }
    }

    fn remove_cookie(&self, name: &str, path: &str, domain: Option<&str>) {
        let s = cookie_string(
            name,
            "",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            path,
            domain,
            false,
        );
        if let Some(doc) = document() {
            let _ = doc.set_cookie(&s);
        }
    }

    fn get_item(&self, key: &str) -> Option<String> {
        storage()?.get_item(key).ok().flatten()
    }

    fn set_item(&self, key: &str, value: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, value);
        }
    }

    fn remove_item(&self, key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    /// The window's `storage` event, which browsers fire in every tab but the writer's.
    fn on_external_change(&self, key: &str, callback: Box<dyn Fn(Option<String>) + Send + Sync>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let key = key.to_owned();
        let listener =
            Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
                // `key` is null when another tab cleared all of localStorage.
                match event.key() {
                    Some(k) if k == key => callback(event.new_value()),
                    None => callback(None),
                    Some(_) => {}
                }
            });
        let _ =
            window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        // Lives as long as the page, like the client it serves.
        listener.forget();
    }
}
