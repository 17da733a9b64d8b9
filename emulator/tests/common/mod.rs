//! Shared helpers for the emulator's integration tests (in-process, no sockets).
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use stytch_emulator::{Emulator, ProjectInfo, Seed};
use tower::ServiceExt;

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    /// The body as sent (for checks on the exact bytes).
    pub text: String,
}

impl Resp {
    /// `error_type` of an error body.
    pub fn error_type(&self) -> &str {
        self.body["error_type"].as_str().unwrap_or("<none>")
    }
    /// `data` of an SDK success body.
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
}

pub fn basic(user: &str, pass: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{pass}")))
}

pub struct Harness {
    pub emu: Emulator,
    pub app: Router,
    pub project: ProjectInfo,
}

impl Harness {
    pub fn new() -> Harness {
        Self::with_seed(Seed::default())
    }

    pub fn with_seed(seed: Seed) -> Harness {
        let emu = Emulator::in_memory(seed).expect("emulator");
        let app = emu.router();
        let project = emu.project();
        Harness { emu, app, project }
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        auth: Option<String>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        if body.is_some() {
            b = b.header("content-type", "application/json");
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b
            .body(
                body.map(|s| Body::from(s.to_string()))
                    .unwrap_or_else(Body::empty),
            )
            .expect("request");
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(_) => panic!(
                    "non-JSON body ({status}): {}",
                    String::from_utf8_lossy(&bytes)
                ),
            }
        };
        Resp {
            status,
            headers,
            body,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// SDK call with `public_token:X` (X = session token or the public token).
    pub async fn sdk(
        &self,
        method: Method,
        path: &str,
        session: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let pt = &self.project.public_token;
        let auth = basic(pt, session.unwrap_or(pt));
        let body = body.map(|b| b.to_string());
        self.raw(method, path, Some(auth), body.as_deref(), &[])
            .await
    }

    /// Backend call with `project_id:secret`.
    pub async fn backend(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let auth = basic(&self.project.project_id, &self.project.secret);
        let body = body.map(|b| b.to_string());
        self.raw(method, path, Some(auth), body.as_deref(), &[])
            .await
    }

    pub async fn control(&self, method: Method, path: &str) -> Resp {
        self.raw(method, path, None, None, &[]).await
    }

    pub async fn org_id(&self, slug: &str) -> String {
        let r = self
            .control(Method::GET, "/emulator/v1/organizations")
            .await;
        r.body["organizations"]
            .as_array()
            .and_then(|a| a.iter().find(|o| o["organization_slug"] == slug))
            .and_then(|o| o["organization_id"].as_str())
            .expect("org")
            .to_string()
    }

    /// Send a login/signup magic link and return (response, token from the mailbox).
    pub async fn send_link(
        &self,
        email: &str,
        org_id: &str,
        extra: Value,
    ) -> (Resp, Option<String>) {
        let mut body = json!({"email_address": email, "organization_id": org_id});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let r = self
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/magic_links/email/login_or_signup",
                None,
                Some(body),
            )
            .await;
        let token = self.latest_token(email).await;
        (r, token)
    }

    pub async fn latest_token(&self, email: &str) -> Option<String> {
        let m = self
            .control(Method::GET, &format!("/emulator/v1/messages?to={email}"))
            .await;
        m.body["messages"][0]["token"].as_str().map(String::from)
    }

    pub async fn authenticate(&self, token: &str, extra: Value) -> Resp {
        let mut body = json!({"magic_links_token": token, "session_duration_minutes": 60});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        self.sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/authenticate",
            None,
            Some(body),
        )
        .await
    }

    /// Full login for `email` in org `slug`; returns (session_token, session_jwt, auth data).
    pub async fn login(&self, email: &str, slug: &str) -> (String, String, Value) {
        let org = self.org_id(slug).await;
        let (r, token) = self.send_link(email, &org, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let a = self.authenticate(&token.expect("token"), json!({})).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
        let d = a.data().clone();
        (
            d["session_token"].as_str().expect("st").to_string(),
            d["session_jwt"].as_str().expect("jwt").to_string(),
            d,
        )
    }
}

pub mod idp;
pub mod tcp;

impl Harness {
    /// A request with exactly these headers (nothing added) and raw body bytes. Unlike [`raw`],
    /// a body that is not JSON does not panic: `body` is then `Null` and `text` keeps it, so a
    /// test can assert that the answer *should* have been JSON.
    ///
    /// [`raw`]: Harness::raw
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.request(b.body(Body::from(body)).expect("request"))
            .await
    }

    /// Any prepared request, answered like [`send`](Harness::send).
    pub async fn request(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Basic auth for the SDK with the public token as both halves.
    pub fn sdk_public_auth(&self) -> String {
        basic(&self.project.public_token, &self.project.public_token)
    }

    /// Basic auth for the backend API.
    pub fn backend_auth(&self) -> String {
        basic(&self.project.project_id, &self.project.secret)
    }
}

/// Whether `r` is Stytch error JSON for its own status: `application/json`, `status_code`
/// equal to the HTTP status, a non-empty `error_type`. `Err` says what is wrong.
pub fn check_error_json(r: &Resp) -> Result<(), String> {
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/json") {
        return Err(format!("content-type {ct:?}, body {:?}", r.text));
    }
    if r.body["status_code"].as_u64() != Some(u64::from(r.status.as_u16())) {
        return Err(format!(
            "status_code {} != HTTP {}",
            r.body["status_code"], r.status
        ));
    }
    match r.body["error_type"].as_str() {
        Some(t) if !t.is_empty() => Ok(()),
        _ => Err(format!("no error_type in {:?}", r.text)),
    }
}

/// `Seed::default()` with extra active, verified members of `acme` that have passwords (built
/// through the seed's JSON form, the one seed files use).
pub fn seed_with_passwords(members: &[(&str, &str)]) -> Seed {
    let mut v = serde_json::to_value(Seed::default()).expect("seed json");
    let list = v["organizations"][0]["members"]
        .as_array_mut()
        .expect("members");
    for (email, password) in members {
        list.push(json!({
            "email_address": email,
            "password": password,
            "email_address_verified": true,
            "status": "active",
        }));
    }
    serde_json::from_value(v).expect("seed")
}
