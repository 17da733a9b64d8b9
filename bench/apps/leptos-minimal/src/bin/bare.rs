//! The bare Leptos CSR baseline for bench/: mounts one empty component, nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;

    #[component]
    fn App() -> impl IntoView {
        view! { <p id="app"></p> }
    }

    leptos::mount::mount_to_body(App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("a browser app: bench/run.sh builds it with Trunk");
}
