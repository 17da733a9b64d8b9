use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestInit};

use crate::core::platform::{HttpRequest, HttpResponse, LocalBoxFuture, Transport};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, windows and workers alike.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_request(request: &web_sys::Request) -> js_sys::Promise;
}

/// `fetch` with `credentials: 'include'` like Stytch's SDK (so HttpOnly session cookies set by the API
/// travel too), straight through web-sys: a wrapper such as gloo-net would add its own method parsing and
/// error types to the wasm.
///
/// Every fetch carries an `AbortController`'s signal and is aborted when its future is dropped: the core
/// drops it when the request timeout elapses, so a hung request frees its connection, not only its caller.
/// The error text of a failed fetch (e.g. `TypeError: Failed to fetch`) is handed back as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserTransport;

/// Aborts the fetch when dropped. Aborting one that has finished (body read) does nothing.
struct AbortOnDrop(AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What JavaScript threw or rejected with, as its `toString()` gives it (`TypeError: Failed to fetch`).
fn js_error_text(error: JsValue) -> String {
    if let Some(text) = error.as_string() {
        return text;
    }
    if error.is_object() {
        return String::from(error.unchecked_into::<js_sys::Object>().to_string());
    }
    "fetch failed".to_owned()
}

async fn send(request: HttpRequest) -> Result<HttpResponse, JsValue> {
    let abort = AbortOnDrop(AbortController::new()?);
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_credentials(RequestCredentials::Include);
    init.set_signal(Some(&abort.0.signal()));
    let headers = web_sys::Headers::new()?;
    for (name, value) in &request.headers {
        headers.append(name, value)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let fetch_request = web_sys::Request::new_with_str_and_init(&request.url, &init)?;
    let response: web_sys::Response = JsFuture::from(fetch_with_request(&fetch_request))
        .await?
        .dyn_into()?;
    let status = response.status();
    let content_type = response.headers().get("content-type")?;
    let body = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status,
        content_type,
        body,
    })
}

impl Transport for BrowserTransport {
    fn send(&self, request: HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, String>> {
        Box::pin(async move { send(request).await.map_err(js_error_text) })
    }
}
