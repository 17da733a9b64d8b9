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

    fn timezone(&self) -> Option<String> {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()?
            .as_string()
    }
}
