//! Helpers shared by the browser tests (`tests/web.rs`, `tests/web_admin.rs`): the emulator they talk to
//! (started by `scripts/test.sh` with `tests/browser-seed.json`), a clean page between tests, mounting views.

#![allow(dead_code)]

use leptos::prelude::*;
use leptos_stytch::browser::BrowserStore;
use leptos_stytch::core::platform::Store;
use leptos_stytch::{EmailLoginOrSignupRequest, StytchB2BClient};
use wasm_bindgen::JsCast;

pub const API_URL: &str = match option_env!("STYTCH_TEST_API_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:4011",
};
pub const PUBLIC_TOKEN: &str = "public-token-test-00000000-0000-4000-8000-0000000000aa";
pub const ORG_ID: &str = "organization-test-00000000-0000-4000-8000-0000000000a1";

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn raw_cookies() -> String {
    document()
        .dyn_into::<web_sys::HtmlDocument>()
        .unwrap()
        .cookie()
        .unwrap()
}

/// Every test starts with no cookies, no storage and none of the earlier tests' views. (The body itself is
/// left alone: the test runner reports through an element in it.)
pub fn clean() {
    let store = BrowserStore;
    for pair in raw_cookies().split(';') {
        if let Some((name, _)) = pair.trim().split_once('=') {
            store.remove_cookie(name, "/", None);
        }
    }
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    while let Some(root) = document().query_selector(".test-root").unwrap() {
        root.remove();
    }
}

pub fn mount(view: impl Fn() -> AnyView + 'static) -> web_sys::HtmlElement {
    let root = document().create_element("div").unwrap();
    root.set_class_name("test-root");
    document().body().unwrap().append_child(&root).unwrap();
    let root: web_sys::HtmlElement = root.unchecked_into();
    let handle = leptos::mount::mount_to(root.clone(), view);
    handle.forget();
    root
}

/// Polls `condition` every 25 ms; panics naming `what` when it is still false after 5 s.
pub async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..200 {
        if condition() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(25).await;
    }
    panic!("within 5 s: {what}");
}

/// Sends `email` a magic link for the seed's organization and reads its token from the emulator's
/// outbox (control API).
pub async fn magic_link_token(client: &StytchB2BClient, email: &str) -> String {
    client
        .magic_links()
        .email()
        .login_or_signup(EmailLoginOrSignupRequest {
            email_address: email.to_owned(),
            organization_id: ORG_ID.to_owned(),
            ..Default::default()
        })
        .await
        .expect("login_or_signup over HTTP");
    let resp = gloo_net::http::Request::get(&format!("{API_URL}/emulator/v1/messages?to={email}"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    body["messages"][0]["token"].as_str().unwrap().to_owned()
}
