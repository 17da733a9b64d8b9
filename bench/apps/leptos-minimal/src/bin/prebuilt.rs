//! The minimal app (`src/main.rs`) plus the pre-built `<StytchB2B>` login for one organization with
//! magic links, email codes and passwords: `bench/run.sh` reports what the pre-built UI adds over the
//! minimal app, beside what Stytch's `<StytchB2B>` adds over the same React app
//! (`bench/apps/react-stytch-prebuilt`). Built with the `ui` feature (prebuilt.html asks Trunk for it).

#[cfg(target_arch = "wasm32")]
#[path = "../app.rs"]
mod app;

#[cfg(target_arch = "wasm32")]
fn main() {
    use app::{MemberEmail, client};
    use leptos::prelude::*;
    use leptos_stytch::ui::b2b::{B2BLoginConfig, B2BProduct, StytchB2B};
    use leptos_stytch::{GetSessionTokens, StytchB2BProvider};

    leptos::mount::mount_to_body(|| {
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
            <StytchB2BProvider client=client()>
                <MemberEmail />
                <GetSessionTokens />
                <StytchB2B config=config />
            </StytchB2BProvider>
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("a browser app: bench/run.sh builds it with Trunk");
}
