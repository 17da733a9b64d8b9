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
    let path = url.strip_prefix(BASE_URL).unwrap_or(url);
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

/// Start URL → identity provider page → its form with `fields` (plus the flow and "approve") →
/// callback: the app URL the browser is sent to. Panics (a failed test) on any other answer.
pub async fn sign_in(router: &axum::Router, start_url: &str, fields: &[(&str, &str)]) -> String {
    let start = browse(router, start_url, None).await;
    assert_eq!(start.status, 302, "start: {}", start.body);
    let page_url = start.location.expect("redirect to the identity provider");
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
    let back = browse(router, &callback, None).await;
    assert_eq!(back.status, 302, "callback: {}", back.body);
    back.location.expect("redirect to the app")
}
