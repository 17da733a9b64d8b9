//! A plain HTTP client that finishes an SSO or OAuth sign-in through the emulator's identity
//! provider page, as a browser without JavaScript would: follow the start's redirect, read the
//! page, post its form, follow the callback's redirect to the app's URL.

use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::BASE_URL;

/// What the "browser" got back.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// `GET` (or, with `form`, a form `POST`) of an emulator URL (absolute on [`BASE_URL`] or a path).
pub async fn browse(router: &axum::Router, url: &str, form: Option<String>) -> Page {
    let path = url
        .strip_prefix(BASE_URL)
        .or_else(|| url.strip_prefix("http://localhost"))
        .unwrap_or(url);
    let mut b = axum::http::Request::builder().uri(path);
    b = match &form {
        Some(_) => b
            .method("POST")
            .header("content-type", "application/x-www-form-urlencoded"),
        None => b.method("GET"),
    };
    let req = b
        .body(Body::from(form.unwrap_or_default()))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Page {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Is `url` on the emulator (a path, the test base URL, or the `localhost` the emulator names itself
/// by when a request carries no host)?
fn on_emulator(url: &str) -> bool {
    url.starts_with('/') || url.starts_with(BASE_URL) || url.starts_with("http://localhost/")
}

/// Follows the emulator's redirects from `url` until one leaves it (or `stop` matches); returns
/// that location.
async fn follow(router: &axum::Router, mut url: String, stop: impl Fn(&str) -> bool) -> String {
    for _ in 0..5 {
        let page = browse(router, &url, None).await;
        assert_eq!(page.status, 302, "{url}: {}", page.body);
        url = page.location.expect("a redirect");
        if stop(&url) || !on_emulator(&url) {
            return url;
        }
    }
    panic!("too many redirects, last {url}");
}

/// Start URL → (the emulator's redirects, including an OIDC connection's authorization endpoint)
/// → identity provider page → its form with `fields` (plus the flow and "approve") → callback:
/// the app URL the browser is sent to. Panics (a failed test) on any other answer.
pub async fn sign_in(router: &axum::Router, start_url: &str, fields: &[(&str, &str)]) -> String {
    let page_url = follow(router, start_url.to_owned(), |u| {
        u.starts_with("/emulator/idp/authorize?flow=")
    })
    .await;
    let page = browse(router, &page_url, None).await;
    assert_eq!(page.status, 200, "page: {}", page.body);
    assert!(page.body.contains(r#"name="email""#), "{}", page.body);
    let flow = page_url.split_once("flow=").expect("flow").1;
    let mut form = format!("flow={}&action=approve", encode(flow));
    for (k, v) in fields {
        form.push_str(&format!("&{k}={}", encode(v)));
    }
    let answer = browse(router, "/emulator/idp/authorize", Some(form)).await;
    assert_eq!(answer.status, 302, "answer: {}", answer.body);
    let callback = answer.location.expect("redirect to the callback");
    follow(router, callback, |_| false).await
}
