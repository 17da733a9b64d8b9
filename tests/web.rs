//! Browser tests (wasm-bindgen-test in headless Chromium): the cookie/localStorage store, the client over
//! real HTTP (gloo-net, CORS with credentials) against a running emulator, and the Leptos components and
//! hooks. `scripts/test.sh` starts the emulator (seed `tests/browser-seed.json`) and sets
//! `STYTCH_TEST_API_URL`.

#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_stytch::browser::{BrowserStore, BrowserTransport};
use leptos_stytch::core::platform::{CookieSpec, HttpRequest, Method, Store, Transport};
use leptos_stytch::{
    GetSessionTokens, MagicLinksAuthenticateRequest, RevokeOptions, StytchB2BClient,
    StytchB2BOptions, StytchB2BProvider, UpdateSessionOptions, use_stytch_member_session,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn client() -> StytchB2BClient {
    StytchB2BClient::with_options(
        PUBLIC_TOKEN,
        StytchB2BOptions {
            base_url: Some(API_URL.to_owned()),
            ..Default::default()
        },
    )
}

fn find(root: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

fn click(root: &web_sys::HtmlElement, selector: &str) {
    find(root, selector)
        .expect("element to click")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
fn store_round_trips_cookies_with_encoding() {
    clean();
    let store = BrowserStore;
    store.set_cookie(&CookieSpec {
        name: "stytch_session".into(),
        value: "a=b; c%d".into(),
        expires_ms: Some(js_sys::Date::now() as i64 + 60_000),
        path: "/".into(),
        domain: None,
        secure: false,
    });
    assert_eq!(
        store.get_cookie("stytch_session").as_deref(),
        Some("a=b; c%d")
    );
    assert!(
        raw_cookies().contains("stytch_session=a%3Db%3B%20c%25d"),
        "{}",
        raw_cookies()
    );
    assert_eq!(
        store.get_cookie("stytch_session_jwt"),
        None,
        "a prefix is not a match"
    );
    store.remove_cookie("stytch_session", "/", None);
    assert_eq!(store.get_cookie("stytch_session"), None);
}

#[wasm_bindgen_test]
fn store_ignores_expired_cookies_and_uses_local_storage() {
    clean();
    let store = BrowserStore;
    store.set_cookie(&CookieSpec {
        name: "old".into(),
        value: "x".into(),
        expires_ms: Some(js_sys::Date::now() as i64 - 1_000),
        path: "/".into(),
        domain: None,
        secure: false,
    });
    assert_eq!(
        store.get_cookie("old"),
        None,
        "an expired cookie is not written"
    );
    store.set_item("k", "{\"v\":1}");
    assert_eq!(store.get_item("k").as_deref(), Some("{\"v\":1}"));
    let ls = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(ls.get_item("k").unwrap().as_deref(), Some("{\"v\":1}"));
    store.remove_item("k");
    assert_eq!(store.get_item("k"), None);
}

#[wasm_bindgen_test]
async fn get_session_tokens_renders_nothing_without_a_session_and_both_values_as_text_with_one() {
    clean();
    let c = client();
    let provided = c.clone();
    let root = mount(move || {
        let client = provided.clone();
        view! {
            <StytchB2BProvider client=client>
                <GetSessionTokens fallback=|| view! { <p class="none">"none"</p> } />
            </StytchB2BProvider>
        }
        .into_any()
    });
    assert!(
        find(&root, "[data-testid=session-token]").is_none(),
        "nothing before a click"
    );
    click(&root, "[data-testid=get-session-tokens]");
    leptos::task::tick().await;
    assert!(
        find(&root, "[data-testid=session-token]").is_none(),
        "no session: no tokens"
    );
    assert!(find(&root, ".none").is_some(), "the fallback is shown");

    // Tokens that look like HTML are shown as text, never parsed.
    c.session().update_session(UpdateSessionOptions {
        session_token: "<b>token</b>".into(),
        session_jwt: Some("header.payload.sig".into()),
    });
    click(&root, "[data-testid=get-session-tokens]");
    leptos::task::tick().await;
    let token = find(&root, "[data-testid=session-token]").expect("token shown");
    assert_eq!(token.text_content().unwrap(), "<b>token</b>");
    assert!(
        token.query_selector("b").unwrap().is_none(),
        "not rendered as HTML"
    );
    let jwt = find(&root, "[data-testid=session-jwt]").expect("jwt shown");
    assert_eq!(jwt.text_content().unwrap(), "header.payload.sig");
    assert!(find(&root, ".none").is_none());
}

#[wasm_bindgen_test]
async fn login_over_http_sets_cookies_and_the_session_signal_follows() {
    clean();
    let c = client();
    let provided = c.clone();
    let root = mount(move || {
        let client = provided.clone();
        view! {
            <StytchB2BProvider client=client>
                <SessionProbe />
            </StytchB2BProvider>
        }
        .into_any()
    });
    let text = |root: &web_sys::HtmlElement| find(root, "#probe").unwrap().text_content().unwrap();
    wait_until("the probe shows signed out", || text(&root) == "signed out").await;

    let token = magic_link_token(&c, "admin@example.com").await;
    let resp = c
        .magic_links()
        .authenticate(MagicLinksAuthenticateRequest {
            magic_links_token: token,
            ..Default::default()
        })
        .await
        .expect("authenticate over HTTP");
    let session_id = resp.member_session.unwrap().member_session_id;
    leptos::task::tick().await;
    assert_eq!(text(&root), session_id, "the signal follows login");

    let tokens = c.session().get_tokens().expect("cookies readable");
    assert_eq!(tokens.session_token, resp.session_token);
    assert!(raw_cookies().contains("stytch_session_jwt="));
    let key = format!("stytch_sdk_state_{PUBLIC_TOKEN}");
    let ls = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert!(ls.get_item(&key).unwrap().unwrap().contains(&session_id));

    // The session token now rides in the Basic header: members/me works.
    let member = c.self_().get().await.expect("members/me with the session");
    assert_eq!(member.email_address, "admin@example.com");

    c.session()
        .revoke(RevokeOptions::default())
        .await
        .expect("revoke");
    leptos::task::tick().await;
    assert_eq!(text(&root), "signed out", "the signal follows logout");
    assert!(c.session().get_tokens().is_none());
    assert!(
        !raw_cookies().contains("stytch_session"),
        "{}",
        raw_cookies()
    );
}

#[wasm_bindgen_test]
async fn a_reloaded_client_restores_the_session_from_cookies() {
    clean();
    let first = client();
    let token = magic_link_token(&first, "admin@example.com").await;
    first
        .magic_links()
        .authenticate(MagicLinksAuthenticateRequest {
            magic_links_token: token,
            ..Default::default()
        })
        .await
        .unwrap();
    // A new client on the same page storage behaves like a reload.
    let reloaded = client();
    assert!(reloaded.session().get_info().from_cache);
    wait_until("the reloaded client is initialized", || {
        reloaded.snapshot().is_initialized
    })
    .await;
    let info = reloaded.session().get_info();
    assert!(info.session.is_some());
    assert!(!info.from_cache);
    reloaded
        .session()
        .revoke(RevokeOptions::default())
        .await
        .unwrap();
}

#[component]
fn SessionProbe() -> impl IntoView {
    let session = use_stytch_member_session();
    view! {
        <span id="probe">
            {move || match session.value.get() {
                Some(s) => s.member_session_id,
                None if session.is_initialized.get() => "signed out".to_owned(),
                None => "loading".to_owned(),
            }}
        </span>
    }
}

#[wasm_bindgen_test]
async fn a_storage_event_from_another_tab_updates_this_tab() {
    clean();
    let c = client();
    wait_until("the client is initialized", || c.snapshot().is_initialized).await;
    // Another tab logged in: it wrote the state key; the browser tells us with a `storage` event.
    let key = format!("stytch_sdk_state_{PUBLIC_TOKEN}");
    let state = serde_json::json!({
        "session": {"member_session_id": "session-test-from-another-tab", "member_id": "member-test-x"},
        "member": {"member_id": "member-test-x", "email_address": "other@example.com"},
        "organization": {"organization_id": ORG_ID}
    })
    .to_string();
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(&key));
    init.set_new_value(Some(&state));
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
    assert_eq!(
        c.session().get_sync().unwrap().member_session_id,
        "session-test-from-another-tab"
    );
    // And the other tab logged out.
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(&key));
    init.set_new_value(Some("null"));
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
    assert!(c.session().get_sync().is_none());
}

#[wasm_bindgen_test]
async fn run_exclusive_serialises_tasks_with_web_locks() {
    use leptos_stytch::browser::BrowserRuntime;
    use leptos_stytch::core::platform::Runtime;
    use std::cell::RefCell;
    use std::rc::Rc;

    let log = Rc::new(RefCell::new(Vec::new()));
    let rt = BrowserRuntime;
    let task = |name: &'static str, log: Rc<RefCell<Vec<String>>>| {
        Box::pin(async move {
            log.borrow_mut().push(format!("{name} start"));
            gloo_timers::future::TimeoutFuture::new(50).await;
            log.borrow_mut().push(format!("{name} end"));
        }) as leptos_stytch::core::platform::LocalBoxFuture<'static, ()>
    };
    let a = rt.run_exclusive("test-lock", task("a", log.clone()));
    let b = rt.run_exclusive("test-lock", task("b", log.clone()));
    futures_join(a, b).await;
    assert_eq!(
        *log.borrow(),
        ["a start", "a end", "b start", "b end"],
        "b waited for a's lock"
    );
}

#[wasm_bindgen_test]
async fn the_transport_sends_method_headers_and_body_and_reports_a_failed_fetch_as_the_browser_words_it()
 {
    use base64::Engine as _;
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{PUBLIC_TOKEN}:{PUBLIC_TOKEN}"));
    let request = |method, path: &str, body: Option<&str>| HttpRequest {
        method,
        url: format!("{API_URL}/sdk/v1{path}"),
        headers: vec![
            ("Authorization".to_owned(), format!("Basic {basic}")),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ],
        body: body.map(str::to_owned),
    };
    let bootstrap = BrowserTransport
        .send(request(
            Method::Get,
            &format!("/projects/bootstrap/{PUBLIC_TOKEN}"),
            None,
        ))
        .await
        .expect("the bootstrap answers");
    assert_eq!(bootstrap.status, 200);
    assert!(bootstrap.content_type.is_some_and(|c| c.contains("json")));
    let data: serde_json::Value = serde_json::from_str(&bootstrap.body).expect("JSON");
    assert!(data["data"]["captcha_settings"].is_object(), "{data}");

    // The server read the body (the address in it is refused) and the credentials (not a 401).
    let refused = BrowserTransport
        .send(request(
            Method::Post,
            "/b2b/magic_links/email/login_or_signup",
            Some(&format!(
                r#"{{"email_address":"not-an-email","organization_id":"{ORG_ID}"}}"#
            )),
        ))
        .await
        .expect("an error is still an answer");
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("invalid_email"), "{}", refused.body);

    // Nothing listens on the discard port: fetch rejects, and its TypeError comes back as its text.
    let failed = BrowserTransport
        .send(HttpRequest {
            method: Method::Get,
            url: "http://127.0.0.1:9/".to_owned(),
            headers: Vec::new(),
            body: None,
        })
        .await
        .expect_err("no answer");
    assert!(failed.contains("Failed to fetch"), "{failed}");
}

async fn futures_join(
    a: leptos_stytch::core::platform::LocalBoxFuture<'static, ()>,
    b: leptos_stytch::core::platform::LocalBoxFuture<'static, ()>,
) {
    let (tx, rx) = futures_channel::oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        a.await;
        let _ = tx.send(());
    });
    b.await;
    let _ = rx.await;
}
