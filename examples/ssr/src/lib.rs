//! The SSR example's app, shared by the server binary (`ssr`) and the browser bundle (`hydrate`).

pub mod app;

/// The browser bundle's entry point, called by the page's hydration script.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
