//! Helpers shared by the browser tests (`tests/web.rs`, `tests/web_admin.rs`): the emulator they talk to
//! (started by `scripts/test.sh` with `tests/browser-seed.json`), a clean page between tests, mounting views.

#![allow(dead_code)]

use leptos::prelude::*;
use leptos_stytch::browser::BrowserStore;
use leptos_stytch::core::platform::Store;
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
