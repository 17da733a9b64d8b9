//! Driving the built-in identity provider as a browser would: follow the start's redirect, post
//! the page's form, follow the callback's redirect to the app.

use super::{Harness, Resp};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Form/query encoding of one value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `Location` of a 302 (panics on anything else).
pub fn location(r: &Resp) -> String {
    assert_eq!(
        r.status,
        StatusCode::FOUND,
        "expected a redirect: {}",
        r.text
    );
    r.headers["location"].to_str().expect("location").to_owned()
}

/// `stytch_token_type` and `token` of an app URL.
pub fn token_of(url: &str) -> (String, String) {
    let query = url.split_once('?').expect("query").1;
    let mut tt = String::new();
    let mut token = String::new();
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some(("stytch_token_type", v)) => tt = v.to_owned(),
            Some(("token", v)) => token = v.to_owned(),
            _ => {}
        }
    }
    (tt, token)
}

/// The flow id of an identity provider page URL.
pub fn flow_of(page: &str) -> String {
    page.split_once("flow=").expect("flow").1.to_owned()
}

/// `openidconnect`'s HTTP client: the emulator's router, in-process.
pub fn http_client(
    h: &Harness,
) -> impl Fn(
    openidconnect::HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, std::io::Error>>>,
> + '_ {
    move |req: openidconnect::HttpRequest| {
        let app = h.app.clone();
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let req = axum::http::Request::from_parts(parts, Body::from(body));
            let resp = app.oneshot(req).await.map_err(std::io::Error::other)?;
            let (parts, body) = resp.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(std::io::Error::other)?
                .to_bytes()
                .to_vec();
            Ok(openidconnect::HttpResponse::from_parts(parts, bytes))
        })
    }
}

impl Harness {
    /// A GET with no headers (a browser navigation to the emulator).
    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, &[], Vec::new()).await
    }

    /// Posts the identity provider's form (`fields` are `name=value` pairs, unencoded).
    pub async fn idp_answer(&self, fields: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Method::POST,
            "/emulator/idp/authorize",
            &[("content-type", "application/x-www-form-urlencoded")],
            body.into_bytes(),
        )
        .await
    }

    /// Start (a full path with query) → page → approve with `fields` → callback: the app URL the
    /// browser lands on.
    pub async fn idp_sign_in(&self, start: &str, fields: &[(&str, &str)]) -> String {
        let page = location(&self.get(start).await);
        let flow = flow_of(&page);
        let r = self.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let mut all = vec![("flow", flow.as_str()), ("action", "approve")];
        all.extend_from_slice(fields);
        let callback = location(&self.idp_answer(&all).await);
        location(&self.get(&callback).await)
    }
}
