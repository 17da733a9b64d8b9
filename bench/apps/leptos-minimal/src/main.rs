//! The smallest leptos-stytch app, for bench/: a provider, session restore on load, the member's
//! email once restored, and `<GetSessionTokens/>`. `bench/run.sh` measures its shipped bytes and its
//! time from navigation to `#member[data-restored]`, beside the same app written with `@stytch/react`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use leptos_stytch::{
        GetSessionTokens, StytchB2BClient, StytchB2BOptions, StytchB2BProvider, use_stytch_member,
    };

    /// The bench emulator (bench/seed.json, started by bench/run.sh).
    const API_URL: &str = "http://127.0.0.1:4020";
    const PUBLIC_TOKEN: &str = "public-token-test-8f0c2a1e-3b4d-4e5f-9a6b-7c8d9e0f1a2b";

    #[component]
    fn App() -> impl IntoView {
        let client = StytchB2BClient::with_options(
            PUBLIC_TOKEN,
            StytchB2BOptions {
                base_url: Some(API_URL.into()),
                ..Default::default()
            },
        );
        view! {
            <StytchB2BProvider client=client>
                <MemberEmail />
                <GetSessionTokens />
            </StytchB2BProvider>
        }
    }

    /// The member's email, marked `data-restored` once the server has confirmed the session.
    #[component]
    fn MemberEmail() -> impl IntoView {
        let member = use_stytch_member();
        move || match member.value.get() {
            Some(m) if !member.from_cache.get() => {
                view! { <p id="member" data-restored="">{m.email_address}</p> }.into_any()
            }
            _ => view! { <p id="member">"…"</p> }.into_any(),
        }
    }

    leptos::mount::mount_to_body(App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("a browser app: bench/run.sh builds it with Trunk");
}
