use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::platform::{LocalBoxFuture, Runtime};

/// `Date.now()`, `setTimeout` (gloo-timers), `spawn_local`, `crypto.getRandomValues`, `window.location`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserRuntime;

fn location() -> Option<web_sys::Location> {
    Some(web_sys::window()?.location())
}

impl Runtime for BrowserRuntime {
    fn now_ms(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    fn sleep(&self, ms: u64) -> LocalBoxFuture<'static, ()> {
        let ms = u32::try_from(ms).unwrap_or(u32::MAX);
        Box::pin(gloo_timers::future::TimeoutFuture::new(ms))
    }

    fn spawn(&self, task: LocalBoxFuture<'static, ()>) {
        wasm_bindgen_futures::spawn_local(task);
    }

    fn fill_random(&self, buf: &mut [u8]) {
        let crypto = web_sys::window().and_then(|w| w.crypto().ok());
        // getRandomValues takes at most 65536 bytes per call.
        for chunk in buf.chunks_mut(65536) {
            let filled = crypto
                .as_ref()
                .is_some_and(|c| c.get_random_values_with_u8_array(chunk).is_ok());
            // Without Web Crypto there is no safe randomness: fail loudly rather than mint weak PKCE verifiers.
            assert!(filled, "crypto.getRandomValues is unavailable");
        }
    }

    fn origin(&self) -> Option<String> {
        location()?.origin().ok()
    }

    fn hostname(&self) -> Option<String> {
        location()?.hostname().ok()
    }

    fn host(&self) -> Option<String> {
        location()?.host().ok()
    }

    /// Web Locks (`navigator.locks.request(name, callback)`): the lock is held until `task` finishes, and
    /// other tabs asking for the same name wait. Without Web Locks the task runs at once; the shared
    /// `verified_at` time then still keeps most duplicate refreshes away.
    fn run_exclusive(
        &self,
        name: &str,
        task: LocalBoxFuture<'static, ()>,
    ) -> LocalBoxFuture<'static, ()> {
        let locks = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
            .filter(|l| !l.is_undefined() && !l.is_null());
        let request = locks.as_ref().and_then(|l| {
            js_sys::Reflect::get(l, &"request".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        });
        match (locks, request) {
            (Some(locks), Some(request)) => {
                let callback = Closure::once_into_js(move |_lock: JsValue| {
                    wasm_bindgen_futures::future_to_promise(async move {
                        task.await;
                        Ok(JsValue::UNDEFINED)
                    })
                });
                let promise = request.call2(&locks, &JsValue::from_str(name), &callback);
                Box::pin(async move {
                    if let Ok(p) = promise.and_then(|p| p.dyn_into::<js_sys::Promise>()) {
                        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                    }
                })
            }
            _ => task,
        }
    }

    fn timezone(&self) -> Option<String> {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()?
            .as_string()
    }
}
