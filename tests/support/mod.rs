//! Native test platform: the real emulator in-process (its axum `Router` behind a [`Transport`]), an
//! in-memory cookie jar and storage, and a runtime with a manual clock so refresh timing is tested without
//! waiting.

#![allow(dead_code)]

pub mod idp;
pub mod tabs;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use http_body_util::BodyExt;
use leptos_stytch::core::platform::{
    CookieSpec, HttpRequest, HttpResponse, LocalBoxFuture, Method, Runtime, Store, Transport,
};
use leptos_stytch::{StytchB2BClient, StytchB2BOptions};
use serde_json::Value;
use stytch_emulator::{Emulator, Seed};
use tower::ServiceExt;

pub const BASE_URL: &str = "http://emulator.test";
pub const ORIGIN: &str = "http://127.0.0.1:8080";
pub const ORG_ID: &str = "organization-test-00000000-0000-4000-8000-000000000001";
pub const OTHER_ORG_ID: &str = "organization-test-00000000-0000-4000-8000-000000000002";
pub const REDIRECT: &str = "http://127.0.0.1:8080/";

/// A seed with two organizations with fixed ids: Acme (JIT for example.com, admin@example.com) and Globex
/// (no JIT, bob@globex.test).
pub fn seed() -> Seed {
    serde_json::from_value(serde_json::json!({
        "allowed_origins": [ORIGIN],
        "redirect_urls": [REDIRECT],
        "organizations": [
            {"organization_id": ORG_ID, "organization_name": "Acme", "organization_slug": "acme",
             "email_allowed_domains": ["example.com"], "email_jit_provisioning": "RESTRICTED",
             "members": [{"email_address": "admin@example.com", "name": "Ada Admin", "roles": ["stytch_admin"]}]},
            {"organization_id": OTHER_ORG_ID, "organization_name": "Globex", "organization_slug": "globex",
             "email_jit_provisioning": "NOT_ALLOWED",
             "members": [{"email_address": "bob@globex.test", "name": "Bob"}]}
        ]
    }))
    .expect("test seed is valid")
}

/// Sends requests to the emulator's router in-process and records them.
pub struct InProcessTransport {
    router: axum::Router,
    pub log: Mutex<Vec<HttpRequest>>,
    offline: Mutex<bool>,
    /// The browser's HTTP cookie jar for the API's own `Set-Cookie`s (HttpOnly mode): sent back with every
    /// request (`credentials: 'include'`), invisible to the client's `Store`.
    pub http_cookies: Arc<Mutex<BTreeMap<String, String>>>,
    /// A request path to hold until the test releases it (see [`InProcessTransport::hold`]).
    gate: Mutex<Option<(String, futures_channel::oneshot::Receiver<()>)>>,
}

impl InProcessTransport {
    pub fn new(router: axum::Router) -> Arc<Self> {
        Arc::new(Self {
            router,
            log: Mutex::new(Vec::new()),
            offline: Mutex::new(false),
            http_cookies: Arc::default(),
            gate: Mutex::new(None),
        })
    }
    /// Holds the next request to `path` (e.g. `/sdk/v1/b2b/sessions/authenticate`) in flight until the
    /// returned sender is used or dropped: a slow network, on demand.
    pub fn hold(&self, path: &str) -> futures_channel::oneshot::Sender<()> {
        let (tx, rx) = futures_channel::oneshot::channel();
        *self.gate.lock().unwrap() = Some((format!("{BASE_URL}{path}"), rx));
        tx
    }

    pub fn set_offline(&self, offline: bool) {
        *self.offline.lock().unwrap() = offline;
    }
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.log.lock().unwrap().clone()
    }
    /// Paths (without the base URL) of the requests so far.
    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.url.trim_start_matches(BASE_URL).to_owned())
            .collect()
    }
    pub fn count(&self, path: &str) -> usize {
        self.paths().iter().filter(|p| *p == path).count()
    }
    pub fn last_to(&self, path: &str) -> Option<HttpRequest> {
        self.requests()
            .into_iter()
            .rev()
            .find(|r| r.url.trim_start_matches(BASE_URL) == path)
    }
}

impl Transport for InProcessTransport {
    fn send(&self, request: HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, String>> {
        self.log.lock().unwrap().push(request.clone());
        let offline = *self.offline.lock().unwrap();
        let router = self.router.clone();
        let gate = {
            let mut g = self.gate.lock().unwrap();
            match g.take() {
                Some((url, rx)) if url == request.url => Some(rx),
                other => {
                    *g = other;
                    None
                }
            }
        };
        let jar = self.http_cookies.clone();
        let mut request = request;
        let cookie_header: Vec<String> = jar
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !cookie_header.is_empty() {
            request
                .headers
                .push(("Cookie".to_owned(), cookie_header.join("; ")));
        }
        Box::pin(async move {
            if let Some(rx) = gate {
                let _ = rx.await;
            }
            if offline {
                return Err("Failed to fetch".to_owned());
            }
            let (response, set_cookies) = send_raw_with_cookies(&router, request).await?;
            let mut jar = jar.lock().unwrap();
            for c in set_cookies {
                let Some((pair, attrs)) = c.split_once(';').or(Some((c.as_str(), ""))) else {
                    continue;
                };
                let Some((name, value)) = pair.split_once('=') else {
                    continue;
                };
                if attrs.contains("Max-Age=0") || value.is_empty() {
                    jar.remove(name);
                } else {
                    jar.insert(name.to_owned(), value.to_owned());
                }
            }
            Ok(response)
        })
    }
}

pub async fn send_raw(router: &axum::Router, request: HttpRequest) -> Result<HttpResponse, String> {
    send_raw_with_cookies(router, request).await.map(|(r, _)| r)
}

/// Like [`send_raw`], also returning the response's `Set-Cookie` headers.
pub async fn send_raw_with_cookies(
    router: &axum::Router,
    request: HttpRequest,
) -> Result<(HttpResponse, Vec<String>), String> {
    let mut builder = axum::http::Request::builder()
        .method(request.method.as_str())
        .uri(request.url.trim_start_matches(BASE_URL))
        .header("origin", ORIGIN);
    for (k, v) in &request.headers {
        builder = builder.header(k, v);
    }
    let req = builder
        .body(Body::from(request.body.unwrap_or_default()))
        .map_err(|e| e.to_string())?;
    let resp = router
        .clone()
        .oneshot(req)
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let set_cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((
        HttpResponse {
            status,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        },
        set_cookies,
    ))
}

/// (name, path, domain): what identifies a cookie in a browser jar.
pub type CookieKey = (String, String, Option<String>);

/// Cookies keyed by (name, path, domain), like a browser jar; localStorage as a map.
#[derive(Default)]
pub struct MemoryStore {
    pub cookies: Mutex<BTreeMap<CookieKey, CookieSpec>>,
    pub items: Mutex<BTreeMap<String, String>>,
}

impl MemoryStore {
    pub fn cookie_spec(&self, name: &str) -> Option<CookieSpec> {
        self.cookies
            .lock()
            .unwrap()
            .values()
            .find(|c| c.name == name)
            .cloned()
    }
    pub fn cookie_names(&self) -> Vec<String> {
        self.cookies
            .lock()
            .unwrap()
            .values()
            .map(|c| c.name.clone())
            .collect()
    }
}

impl Store for MemoryStore {
    fn get_cookie(&self, name: &str) -> Option<String> {
        self.cookie_spec(name).map(|c| c.value)
    }
    fn set_cookie(&self, cookie: &CookieSpec) {
        self.cookies.lock().unwrap().insert(
            (
                cookie.name.clone(),
                cookie.path.clone(),
                cookie.domain.clone(),
            ),
            cookie.clone(),
        );
    }
    fn remove_cookie(&self, name: &str, path: &str, domain: Option<&str>) {
        self.cookies.lock().unwrap().remove(&(
            name.to_owned(),
            path.to_owned(),
            domain.map(str::to_owned),
        ));
    }
    fn get_item(&self, key: &str) -> Option<String> {
        self.items.lock().unwrap().get(key).cloned()
    }
    fn set_item(&self, key: &str, value: &str) {
        self.items
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.to_owned());
    }
    fn remove_item(&self, key: &str) {
        self.items.lock().unwrap().remove(key);
    }
}

/// A runtime whose clock moves only when the test says so. Tasks run on the test's `LocalSet`.
pub struct ManualRuntime {
    clock: Arc<Clock>,
    pub hostname: String,
    /// Named async locks shared by every tab on this runtime, like Web Locks in one browser.
    locks: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Default)]
struct Clock {
    now: Mutex<i64>,
    wakers: Mutex<Vec<Waker>>,
}

impl ManualRuntime {
    pub fn new() -> Arc<Self> {
        Self::with_hostname("127.0.0.1")
    }
    pub fn with_hostname(hostname: &str) -> Arc<Self> {
        let clock = Arc::new(Clock::default());
        *clock.now.lock().unwrap() = 1_795_640_400_000;
        Arc::new(Self {
            clock,
            hostname: hostname.to_owned(),
            locks: Mutex::default(),
        })
    }
    /// Moves the clock without running any timer, like a laptop asleep or a throttled background tab.
    pub fn advance_silently(&self, ms: i64) {
        *self.clock.now.lock().unwrap() += ms;
    }

    /// Moves the clock forward and lets every task that can run, run.
    pub async fn advance(&self, ms: i64) {
        *self.clock.now.lock().unwrap() += ms;
        let wakers: Vec<Waker> = self.clock.wakers.lock().unwrap().drain(..).collect();
        for w in wakers {
            w.wake();
        }
        settle().await;
    }
}

struct Sleep {
    deadline: i64,
    clock: Arc<Clock>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if *self.clock.now.lock().unwrap() >= self.deadline {
            Poll::Ready(())
        } else {
            self.clock.wakers.lock().unwrap().push(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Runtime for ManualRuntime {
    fn now_ms(&self) -> i64 {
        *self.clock.now.lock().unwrap()
    }
    fn sleep(&self, ms: u64) -> LocalBoxFuture<'static, ()> {
        let deadline = self.now_ms() + i64::try_from(ms).unwrap();
        Box::pin(Sleep {
            deadline,
            clock: self.clock.clone(),
        })
    }
    fn spawn(&self, task: LocalBoxFuture<'static, ()>) {
        tokio::task::spawn_local(task);
    }
    fn run_exclusive(
        &self,
        name: &str,
        task: LocalBoxFuture<'static, ()>,
    ) -> LocalBoxFuture<'static, ()> {
        let lock = self
            .locks
            .lock()
            .unwrap()
            .entry(name.to_owned())
            .or_default()
            .clone();
        Box::pin(async move {
            let _held = lock.lock().await;
            task.await;
        })
    }
    fn fill_random(&self, buf: &mut [u8]) {
        getrandom::fill(buf).expect("OS randomness");
    }
    fn origin(&self) -> Option<String> {
        Some(ORIGIN.to_owned())
    }
    fn hostname(&self) -> Option<String> {
        Some(self.hostname.clone())
    }
    fn host(&self) -> Option<String> {
        Some(format!("{}:8080", self.hostname))
    }
}

/// Lets spawned tasks and in-process requests run to quiescence.
pub async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

/// One emulator plus one client on the test platform.
pub struct Harness {
    pub emulator: Emulator,
    pub transport: Arc<InProcessTransport>,
    pub store: Arc<MemoryStore>,
    pub runtime: Arc<ManualRuntime>,
    pub client: StytchB2BClient,
}

impl Harness {
    pub async fn new() -> Self {
        Self::with_seed(seed(), StytchB2BOptions::default()).await
    }

    pub async fn with_seed(seed: Seed, options: StytchB2BOptions) -> Self {
        let emulator = Emulator::in_memory(seed).expect("emulator starts");
        let transport = InProcessTransport::new(emulator.router());
        let store = Arc::new(MemoryStore::default());
        let runtime = ManualRuntime::new();
        let client = Self::client_on(&emulator, &transport, &store, &runtime, options);
        settle().await;
        Self {
            emulator,
            transport,
            store,
            runtime,
            client,
        }
    }

    pub fn client_on(
        emulator: &Emulator,
        transport: &Arc<InProcessTransport>,
        store: &Arc<MemoryStore>,
        runtime: &Arc<ManualRuntime>,
        options: StytchB2BOptions,
    ) -> StytchB2BClient {
        StytchB2BClient::with_platform(
            emulator.project().public_token,
            StytchB2BOptions {
                base_url: Some(BASE_URL.to_owned()),
                ..options
            },
            transport.clone(),
            store.clone(),
            runtime.clone(),
        )
    }

    /// A second client (a page reload) on the same cookies and storage.
    pub async fn reload(&self) -> StytchB2BClient {
        Self::client_on(
            &self.emulator,
            &self.transport,
            &self.store,
            &self.runtime,
            StytchB2BOptions::default(),
        )
    }

    /// Calls the emulator's control or backend API directly.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<String>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(a) = auth {
            headers.push(("Authorization".to_owned(), a));
        }
        let resp = send_raw(
            &self.emulator.router(),
            HttpRequest {
                method,
                url: format!("{BASE_URL}{path}"),
                headers,
                body: body.map(|b| b.to_string()),
            },
        )
        .await
        .expect("in-process request");
        (
            resp.status,
            serde_json::from_str(&resp.body).unwrap_or(Value::Null),
        )
    }

    pub fn backend_auth(&self) -> String {
        use base64::Engine as _;
        let p = self.emulator.project();
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", p.project_id, p.secret))
        )
    }

    /// The newest message sent to `to`, from the control API.
    pub async fn last_message(&self, to: &str) -> Value {
        let (status, body) = self
            .call(
                Method::Get,
                &format!("/emulator/v1/messages?to={to}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, 200);
        body["messages"][0].clone()
    }

    /// Sends a magic link to `email` in `org` and returns its token, read from the control API.
    pub async fn magic_link_token(&self, email: &str, org: &str) -> String {
        self.client
            .magic_links()
            .email()
            .login_or_signup(leptos_stytch::EmailLoginOrSignupRequest {
                email_address: email.to_owned(),
                organization_id: org.to_owned(),
                ..Default::default()
            })
            .await
            .expect("login_or_signup");
        let msg = self.last_message(email).await;
        msg["token"]
            .as_str()
            .expect("message carries the token")
            .to_owned()
    }

    /// A full magic-link login; returns the response.
    pub async fn login(&self, email: &str) -> leptos_stytch::AuthenticateResponse {
        let token = self.magic_link_token(email, ORG_ID).await;
        self.client
            .magic_links()
            .authenticate(leptos_stytch::MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("magic link authenticates")
    }
}

/// Runs an async test body on a current-thread runtime inside a `LocalSet` (the client's tasks are `!Send`).
pub fn run<F: Future<Output = ()>>(f: F) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, f);
}

/// `(status, error_type)` of a Stytch API error; panics on any other error.
pub fn api_error_of(e: &leptos_stytch::StytchError) -> (u16, String) {
    match e {
        leptos_stytch::StytchError::Api {
            status_code,
            error_type,
            ..
        } => (*status_code, error_type.as_str().to_owned()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// `(status, error_type)` of a call that must fail with a Stytch API error.
pub fn api_error<T: std::fmt::Debug>(r: Result<T, leptos_stytch::StytchError>) -> (u16, String) {
    match r {
        Err(e) => api_error_of(&e),
        Ok(v) => panic!("expected an API error, got {v:?}"),
    }
}

/// The JSON body of the newest request to `path` (under `/sdk/v1`).
pub fn body_to(h: &Harness, path: &str) -> Value {
    let req = h
        .transport
        .last_to(&format!("/sdk/v1{path}"))
        .unwrap_or_else(|| panic!("no request to {path}"));
    serde_json::from_str(req.body.as_deref().unwrap_or("{}")).expect("JSON body")
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}
