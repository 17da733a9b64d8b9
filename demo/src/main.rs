//! The demo app (built by Trunk from `index.html`): magic-link login against the local emulator, the
//! emulator's inbox, the member and session, `<GetSessionTokens/>`, logout.

#[cfg(target_arch = "wasm32")]
mod demo;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(demo::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The demo runs in the browser: `scripts/demo.sh` builds it with Trunk and serves it."
    );
}
