//! The demo app. Everything Stytch-related goes through the library's public API; only the inbox talks
//! to the emulator's control API directly, standing in for the user's mailbox.

mod account;
mod admin;
mod connected_apps;
mod discovery;
mod inbox;
mod landing;
mod login;
mod mfa;
mod prebuilt;
mod scim;
mod sso;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_stytch::{
    StytchB2BClient, StytchB2BOptions, StytchB2BProvider, StytchError, use_stytch_member_session,
};

/// From `Leptos.toml` `[demo]`, baked in by build.rs.
pub(crate) const API_URL: &str = env!("STYTCH_DEMO_API_URL");
const PUBLIC_TOKEN: &str = env!("STYTCH_DEMO_PUBLIC_TOKEN");

/// Bumped whenever the demo sends an email, so the inbox reloads at once.
#[derive(Clone, Copy)]
pub(crate) struct InboxRefresh(pub RwSignal<u32>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let client = StytchB2BClient::with_options(
        PUBLIC_TOKEN,
        StytchB2BOptions {
            base_url: Some(API_URL.to_owned()),
            ..Default::default()
        },
    );
    provide_context(InboxRefresh(RwSignal::new(0)));
    provide_context(login::LoginFlow::new());
    provide_context(mfa::FreshRecoveryCodes(RwSignal::new(None)));
    view! {
        <Title text="leptos-stytch demo" />
        <StytchB2BProvider client=client>
            <header class="topbar">
                <span class="brand">"leptos-stytch"</span>
                <span class="tagline">"Stytch B2B for Leptos, against the local emulator at " {API_URL}</span>
            </header>
            {match connected_apps::Page::from_path(&current_path()) {
                None if current_path() == "/prebuilt" => view! { <prebuilt::PrebuiltPage discovery=false /> }.into_any(),
                None if current_path() == "/prebuilt/discovery" => view! { <prebuilt::PrebuiltPage discovery=true /> }.into_any(),
                Some(connected_apps::Page::Authorize) => view! { <connected_apps::AuthorizePage /> }.into_any(),
                Some(connected_apps::Page::ClientCallback) => view! { <connected_apps::ClientCallback /> }.into_any(),
                None => view! {
                    <main class="layout">
                        <section class="primary">
                            <landing::MagicLinkLanding />
                            <AuthGate />
                            <account::TokensCard />
                        </section>
                        <aside class="secondary">
                            <inbox::Inbox />
                        </aside>
                    </main>
                }.into_any(),
            }}
        </StytchB2BProvider>
    }
}

/// The path of the page the browser opened (the demo's pages are chosen by it, once, at start).
fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// Login form when signed out, account when signed in, a placeholder while the session is restored; new
/// recovery codes before anything else, until the member has saved them.
#[component]
fn AuthGate() -> impl IntoView {
    let session = use_stytch_member_session();
    let fresh_codes = expect_context::<mfa::FreshRecoveryCodes>().0;
    move || {
        if fresh_codes.with(Option::is_some) {
            view! { <mfa::SaveRecoveryCodes /> }.into_any()
        } else if session.value.with(Option::is_some) {
            view! { <account::Account /> }.into_any()
        } else if session.is_initialized.get() {
            view! { <login::LoginForm /> }.into_any()
        } else {
            view! { <p class="card muted" id="restoring">"Restoring your session…"</p> }.into_any()
        }
    }
}

/// An action's result for the user: a notice or a readable error (`None` before the first action).
pub(crate) type Outcome = Option<Result<String, String>>;

/// A form's [`Outcome`]: a notice with id `{id}-status`, or an alert with id `{id}-error`.
#[component]
pub(crate) fn OutcomeNotice(outcome: RwSignal<Outcome>, id: &'static str) -> impl IntoView {
    move || {
        outcome.get().map(|r| match r {
            Ok(msg) => view! { <p id=format!("{id}-status") class="notice">{msg}</p> }.into_any(),
            Err(msg) => view! { <p id=format!("{id}-error") class="error" role="alert">{msg}</p> }
                .into_any(),
        })
    }
}

/// A readable one-line message for an error.
pub(crate) fn describe(error: &StytchError) -> String {
    match error {
        StytchError::Api {
            error_type,
            error_message,
            ..
        } => format!("{error_message} ({error_type})"),
        other => other.to_string(),
    }
}
