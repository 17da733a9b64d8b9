//! The minimal app (`src/main.rs`) plus the pre-built `<StytchB2B>` login for one organization with
//! magic links, email codes and passwords: `bench/run.sh` reports what the pre-built UI adds over the
//! minimal app, beside what Stytch's `<StytchB2B>` adds over the same React app
//! (`bench/apps/react-stytch-prebuilt`). Built with the `ui` feature (prebuilt.html asks Trunk for it).

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use leptos_stytch::ui::b2b::{B2BLoginConfig, B2BProduct, StytchB2B};
    use leptos_stytch::{
        GetSessionTokens, StytchB2BClient, StytchB2BOptions, StytchB2BProvider, use_stytch_member,
    };

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
        let config = B2BLoginConfig {
            products: vec![
                B2BProduct::EmailMagicLinks,
                B2BProduct::EmailOtp,
                B2BProduct::Passwords,
            ],
            organization_slug: Some("acme".into()),
            ..Default::default()
        };
        view! {
            <StytchB2BProvider client=client>
                <MemberEmail />
                <GetSessionTokens />
                <StytchB2B config=config />
            </StytchB2BProvider>
        }
    }

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
