use leptos::prelude::*;
use leptos_stytch::{
    GetSessionTokens, StytchB2BClient, StytchB2BOptions, StytchB2BProvider, use_stytch_member,
};

#[component]
fn App() -> impl IntoView {
    // Stytch itself: StytchB2BClient::new("public-token-test-…").
    // The local emulator: a full base URL, scheme and port kept.
    let client = StytchB2BClient::with_options(
        "public-token-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01",
        StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
    );
    view! {
        <StytchB2BProvider client=client>
            <Greeting/>
            <GetSessionTokens/>
        </StytchB2BProvider>
    }
}

#[component]
fn Greeting() -> impl IntoView {
    let member = use_stytch_member();
    move || match member.value.get() {
        Some(m) => format!("Hello, {}", m.email_address),
        None if member.is_initialized.get() => "Please sign in".to_owned(),
        None => "…".to_owned(),
    }
}
