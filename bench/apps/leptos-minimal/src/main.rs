//! The smallest leptos-stytch app, for bench/: a provider, session restore on load, the member's
//! email once restored, and `<GetSessionTokens/>`. `bench/run.sh` measures its shipped bytes and its
//! time from navigation to `#member[data-restored]`, beside the same app written with `@stytch/react`.

#[cfg(target_arch = "wasm32")]
mod app;

#[cfg(target_arch = "wasm32")]
fn main() {
    use app::{MemberEmail, client};
    use leptos::prelude::*;
    use leptos_stytch::{GetSessionTokens, StytchB2BProvider};

    leptos::mount::mount_to_body(|| {
        view! {
            <StytchB2BProvider client=client()>
                <MemberEmail />
                <GetSessionTokens />
            </StytchB2BProvider>
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("a browser app: bench/run.sh builds it with Trunk");
}
