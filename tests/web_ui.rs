//! Browser tests of the pre-built UI (feature `ui`): `<StytchB2B>` mounted in headless Chromium against a
//! running emulator, as `scripts/test.sh` starts it (seed `tests/browser-seed.json`).

#![cfg(all(target_arch = "wasm32", feature = "ui"))]

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_stytch::ui::{B2BLoginConfig, B2BProduct, Presentation, StytchB2B, Theme};
use leptos_stytch::{
    StytchB2BClient, StytchB2BOptions, StytchB2BProvider, use_stytch_member_session,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn find(root: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

fn type_into(root: &web_sys::HtmlElement, selector: &str, text: &str) {
    let input: web_sys::HtmlInputElement = find(root, selector).expect(selector).unchecked_into();
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn click(root: &web_sys::HtmlElement, selector: &str) {
    find(root, selector)
        .expect(selector)
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

/// An app that swaps the login out the moment the session signal turns `Some`, as most apps do: the
/// component must survive its calls finishing after it was unmounted.
#[component]
fn Gate() -> impl IntoView {
    let session = use_stytch_member_session();
    let config = B2BLoginConfig {
        products: vec![B2BProduct::EmailOtp],
        organization_slug: Some("acme".to_owned()),
        ..Default::default()
    };
    let presentation = Presentation {
        theme: Theme {
            primary: "#4f46e5".into(),
            ..Theme::default()
        },
        ..Default::default()
    };
    let strings = HashMap::from([(
        "organizationLogin.title".to_owned(),
        "Welcome to {organizationName}".to_owned(),
    )]);
    move || match session.value.get() {
        Some(_) => view! { <p id="app-home">"home"</p> }.into_any(),
        None => view! {
            <StytchB2B
                config=config.clone()
                presentation=presentation.clone()
                strings=strings.clone()
            />
        }
        .into_any(),
    }
}

#[wasm_bindgen_test]
async fn an_email_code_signs_in_and_the_app_may_unmount_the_login_at_once() {
    clean();
    let client = StytchB2BClient::with_options(
        PUBLIC_TOKEN,
        StytchB2BOptions {
            base_url: Some(API_URL.to_owned()),
            ..Default::default()
        },
    );
    let root = mount(move || {
        let client = client.clone();
        view! { <StytchB2BProvider client=client><Gate /></StytchB2BProvider> }.into_any()
    });
    let title = |root: &web_sys::HtmlElement| {
        find(root, "#st-title")
            .and_then(|t| t.text_content())
            .unwrap_or_default()
    };
    wait_until("the organization's title", || {
        title(&root) == "Welcome to Acme"
    })
    .await;
    let style = find(&root, ".st-b2b")
        .unwrap()
        .get_attribute("style")
        .unwrap();
    assert!(style.contains("--st-primary: #4f46e5;"), "{style}");
    assert!(style.contains("--st-background: #ffffff;"), "{style}");
    wait_until("the email field has the focus", || {
        browser_support::document()
            .active_element()
            .is_some_and(|e| e.id() == "st-email")
    })
    .await;

    type_into(&root, "#st-email", "plain@example.com");
    click(&root, "#st-email-submit");
    wait_until("the code entry", || find(&root, "#st-code").is_some()).await;
    let resp = gloo_net::http::Request::get(&format!(
        "{API_URL}/emulator/v1/messages?to=plain@example.com"
    ))
    .send()
    .await
    .unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    let code = body["messages"][0]["code"].as_str().unwrap().to_owned();

    type_into(&root, "#st-code", &code);
    click(&root, "#st-code-submit");
    wait_until("the app's home replaces the login", || {
        find(&root, "#app-home").is_some()
    })
    .await;
    assert!(find(&root, ".st-b2b").is_none());
    // The component's own follow-up (its Success screen) lands after it was unmounted; a turn later the
    // app is still there and nothing failed.
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert!(find(&root, "#app-home").is_some());
}
