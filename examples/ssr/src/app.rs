//! The app: a home page that signs in with a password, a member page, a server function that asks who is
//! signed in, and logout. Every page renders on the server with the member the request's cookies stand for.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use leptos_stytch::{
    Authenticated, Authorized, PasswordAuthenticateRequest, RevokeOptions, StytchB2BClient,
    StytchB2BOptions, StytchB2BProvider, use_stytch_b2b_client, use_stytch_member,
    use_stytch_member_session, use_stytch_organization,
};

/// The SDK API the browser talks to, and the project's public token (not a secret). Both builds, server and
/// browser, must agree, so they are fixed at compile time; the defaults match `emulator/seeds/ssr-example.json`
/// and scripts/ssr-example.sh.
const API_URL: &str = match option_env!("SSR_EXAMPLE_API_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:4012",
};
const PUBLIC_TOKEN: &str = "public-token-test-5a1d0c3e-0b7e-4f43-8c71-2f0e8e6a1b02";
/// Acme, the seed's organization.
const ORGANIZATION_ID: &str = "organization-test-5a1d0c3e-0000-4000-8000-000000000001";

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

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
    // True once the browser has hydrated the page (effects never run on the server).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Title text="leptos-stytch SSR example" />
        <StytchB2BProvider client=client>
            <Router>
                <nav>
                    <A href="/">"Home"</A>
                    " · "
                    <A href="/member">"Member"</A>
                </nav>
                <main data-hydrated=move || hydrated.get().to_string()>
                    // In order: the session is part of the HTML itself, readable without JavaScript.
                    // (leptos_axum 0.8 streams `PartiallyBlocked` routes out of order.)
                    <Routes fallback=|| "Not found">
                        <Route path=path!("/") view=Home ssr=SsrMode::InOrder />
                        <Route path=path!("/member") view=MemberPage ssr=SsrMode::InOrder />
                    </Routes>
                </main>
            </Router>
        </StytchB2BProvider>
    }
}

/// "signed in" / "signed out" / "loading", with the hook's flags, so a test can see what each render said.
#[component]
fn AuthState() -> impl IntoView {
    let session = use_stytch_member_session();
    let text = move || match (
        session.value.with(Option::is_some),
        session.is_initialized.get(),
    ) {
        (true, _) => "signed in",
        (false, true) => "signed out",
        (false, false) => "loading",
    };
    view! {
        <p
            id="auth-state"
            data-initialized=move || session.is_initialized.get().to_string()
            data-from-cache=move || session.from_cache.get().to_string()
        >
            {text}
        </p>
    }
}

#[component]
fn Home() -> impl IntoView {
    let member = use_stytch_member();
    view! {
        <h1>"leptos-stytch, rendered on the server"</h1>
        <AuthState />
        <Authenticated fallback=|| view! { <SignIn /> }>
            <p>
                "Signed in as "
                <strong id="member-email">{move || member.value.get().map(|m| m.email_address)}</strong>
                ". "
                <A href="/member">"Your member page"</A>
            </p>
            <Logout />
        </Authenticated>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let client = client.clone();
        let request = PasswordAuthenticateRequest {
            organization_id: ORGANIZATION_ID.to_owned(),
            email_address: email.get_untracked(),
            password: password.get_untracked(),
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            let result = client.passwords().authenticate(request).await;
            error.set(result.err().map(|e| e.to_string()));
        });
    };
    view! {
        // POST, so that a submit before the page has hydrated never puts the password in a URL.
        <form id="sign-in" method="post" on:submit=submit>
            <label>"Email " <input id="email" type="email" required bind:value=email /></label>
            <label>"Password " <input id="password" type="password" required bind:value=password /></label>
            <button type="submit">"Sign in"</button>
            {move || error.get().map(|e| view! { <p id="sign-in-error" role="alert">{e}</p> })}
        </form>
    }
}

#[component]
fn MemberPage() -> impl IntoView {
    let member = use_stytch_member();
    let organization = use_stytch_organization();
    let session = use_stytch_member_session();
    view! {
        <h1>"Member"</h1>
        <AuthState />
        <Authenticated fallback=|| {
            view! { <p id="signed-out">"You are signed out. " <a href="/">"Sign in"</a></p> }
        }>
            <dl>
                <dt>"Name"</dt>
                <dd id="member-name">{move || member.value.get().map(|m| m.name)}</dd>
                <dt>"Email"</dt>
                <dd id="member-email">{move || member.value.get().map(|m| m.email_address)}</dd>
                <dt>"Organization"</dt>
                <dd id="organization-name">
                    {move || organization.value.get().map(|o| o.organization_name)}
                </dd>
                <dt>"Session expires"</dt>
                <dd id="session-expires">{move || session.value.get().map(|s| s.expires_at)}</dd>
            </dl>
            // Same answer on the server and in the first browser render; it follows the project's RBAC
            // policy once the browser has fetched it.
            <Authorized
                resource="stytch.member"
                action="search"
                fallback=|| view! { <p id="members-denied">"Only admins may search members."</p> }
            >
                <p id="members-allowed">"You may search the organization's members."</p>
            </Authorized>
            <ServerCheck />
            <Logout />
        </Authenticated>
    }
}

/// Asks a server function who is signed in: the server verifies the request's cookie with Stytch itself.
#[component]
fn ServerCheck() -> impl IntoView {
    let ask = Action::new(|_: &()| whoami());
    view! {
        <button id="ask-server" on:click=move |_| { ask.dispatch(()); }>"Ask the server who I am"</button>
        <p id="server-says">
            {move || match ask.value().get() {
                None => String::new(),
                Some(Ok(Some(email))) => format!("The server says: {email}"),
                Some(Ok(None)) => "The server says: nobody".to_owned(),
                Some(Err(e)) => format!("The server could not tell: {e}"),
            }}
        </p>
    }
}

/// The signed-in member's email, as the server sees the request.
#[server]
pub async fn whoami() -> Result<Option<String>, ServerFnError> {
    let state = leptos_stytch::server::current_member_session()
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(state.map(|s| s.member.email_address))
}

#[component]
fn Logout() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let logout = move |_| {
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let _ = client
                .session()
                .revoke(RevokeOptions { force_clear: true })
                .await;
        });
    };
    view! { <button id="logout" on:click=logout>"Log out"</button> }
}
