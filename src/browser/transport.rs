use gloo_net::http::RequestBuilder;
use web_sys::{AbortController, RequestCredentials};

use crate::core::platform::{HttpRequest, HttpResponse, LocalBoxFuture, Method, Transport};

/// `fetch` through gloo-net, with `credentials: 'include'` like Stytch's SDK (so HttpOnly session cookies
/// set by the API travel too).
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

impl Transport for BrowserTransport {
    fn send(&self, request: HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, String>> {
        Box::pin(async move {
            let method = match request.method {
                Method::Get => gloo_net::http::Method::GET,
                Method::Post => gloo_net::http::Method::POST,
                Method::Put => gloo_net::http::Method::PUT,
                Method::Delete => gloo_net::http::Method::DELETE,
            };
            let abort = AbortOnDrop(
                AbortController::new().map_err(|e| format!("no AbortController: {e:?}"))?,
            );
            let mut builder = RequestBuilder::new(&request.url)
                .method(method)
                .credentials(RequestCredentials::Include)
                .abort_signal(Some(&abort.0.signal()));
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let built = match request.body {
                Some(body) => builder.body(body),
                None => builder.build(),
            }
            .map_err(|e| e.to_string())?;
            let response = built.send().await.map_err(|e| e.to_string())?;
            let status = response.status();
            let content_type = response.headers().get("content-type");
            let body = response.text().await.map_err(|e| e.to_string())?;
            Ok(HttpResponse {
                status,
                content_type,
                body,
            })
        })
    }
}
