//! Sign in with an email magic link: organization slug + email.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    EmailLoginOrSignupRequest, GetBySlugRequest, StytchB2BClient, StytchError,
    use_stytch_b2b_client,
};

use super::{InboxRefresh, describe};

async fn send_link(client: StytchB2BClient, slug: String, email: String) -> Result<String, String> {
    let org = client
        .organization()
        .get_by_slug(GetBySlugRequest {
            organization_slug: slug.clone(),
        })
        .await
        .map_err(|e| describe(&e))?
        .ok_or_else(|| format!("No organization has the slug “{slug}”."))?;
    let redirect = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|o| format!("{o}/"));
    let resp = client
        .magic_links()
        .email()
        .login_or_signup(EmailLoginOrSignupRequest {
            email_address: email.clone(),
            organization_id: org.organization_id,
            login_redirect_url: redirect.clone(),
            signup_redirect_url: redirect,
            ..Default::default()
        })
        .await
        .map_err(|e: StytchError| describe(&e))?;
    let what = if resp.member_created == Some(true) {
        "A sign-up link"
    } else {
        "A login link"
    };
    Ok(format!(
        "{what} for {} is on its way to {email}. Open it from the inbox.",
        org.organization_name
    ))
}

#[component]
pub fn LoginForm() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let inbox = expect_context::<InboxRefresh>();
    let slug = RwSignal::new("acme".to_owned());
    let email = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, String>>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        outcome.set(None);
        let client = client.clone();
        spawn_local(async move {
            let result = send_link(
                client,
                slug.get_untracked().trim().to_owned(),
                email.get_untracked().trim().to_owned(),
            )
            .await;
            outcome.set(Some(result));
            pending.set(false);
            inbox.0.update(|n| *n += 1);
        });
    };

    view! {
        <form class="card login" on:submit=submit>
            <h1>"Sign in"</h1>
            <p class="muted">"We'll email you a magic link. In this demo the email lands in the inbox on the right."</p>
            <label for="login-org">"Organization"</label>
            <input id="login-org" name="organization" autocomplete="organization" required bind:value=slug />
            <label for="login-email">"Work email"</label>
            <input id="login-email" name="email" type="email" autocomplete="email" placeholder="you@example.com" required bind:value=email />
            <button id="login-submit" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                {move || if pending.get() { "Sending…" } else { "Email me a link" }}
            </button>
            {move || outcome.get().map(|r| match r {
                Ok(msg) => view! { <p id="login-status" class="notice">{msg}</p> }.into_any(),
                Err(msg) => view! { <p id="login-error" class="error" role="alert">{msg}</p> }.into_any(),
            })}
        </form>
    }
}
