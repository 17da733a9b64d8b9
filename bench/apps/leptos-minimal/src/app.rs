//! What the minimal app and the pre-built one share: the client of the bench emulator and the member's
//! email, so that the two differ only by `<StytchB2B>`.

use leptos::prelude::*;
use leptos_stytch::{StytchB2BClient, StytchB2BOptions, use_stytch_member};

/// The bench emulator (bench/seed.json, started by bench/run.sh).
const API_URL: &str = "http://127.0.0.1:4020";
const PUBLIC_TOKEN: &str = "public-token-test-8f0c2a1e-3b4d-4e5f-9a6b-7c8d9e0f1a2b";

pub fn client() -> StytchB2BClient {
    StytchB2BClient::with_options(
        PUBLIC_TOKEN,
        StytchB2BOptions {
            base_url: Some(API_URL.into()),
            ..Default::default()
        },
    )
}

/// The member's email, marked `data-restored` once the server has confirmed the session.
#[component]
pub fn MemberEmail() -> impl IntoView {
    let member = use_stytch_member();
    move || match member.value.get() {
        Some(m) if !member.from_cache.get() => {
            view! { <p id="member" data-restored="">{m.email_address}</p> }.into_any()
        }
        _ => view! { <p id="member">"…"</p> }.into_any(),
    }
}
