//! `/prebuilt`: the same sign-in to Acme as the home page, but with the library's pre-built
//! `<StytchB2B>` (feature `ui`) instead of hand-built forms; its events are listed below it.
//! `/prebuilt/discovery`: its Discovery flow (an email link or code, then the email's organizations).

use leptos::prelude::*;
use leptos_stytch::ui::{
    AuthFlowType, B2BCallbacks, B2BLoginConfig, B2BProduct, EmailMagicLinksOptions, OauthOptions,
    OauthProvider, PasswordOptions, Presentation, StytchB2B, StytchEvent, StytchEventType, Theme,
};
use leptos_stytch::{StytchError, use_stytch_member};

use super::{InboxRefresh, describe, inbox};

/// This page's own address: emailed links lead back here, where `<StytchB2B>` finishes the sign-in.
fn here() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    Some(format!(
        "{}{}",
        location.origin().ok()?,
        location.pathname().ok()?
    ))
}

#[component]
pub fn PrebuiltPage(discovery: bool) -> impl IntoView {
    let refresh = expect_context::<InboxRefresh>().0;
    let events = RwSignal::new(Vec::<&'static str>::new());
    let last_error = RwSignal::new(None::<String>);
    let member = use_stytch_member();
    let config = B2BLoginConfig {
        products: vec![
            B2BProduct::Oauth,
            B2BProduct::EmailMagicLinks,
            B2BProduct::EmailOtp,
            B2BProduct::Passwords,
        ],
        auth_flow_type: if discovery {
            AuthFlowType::Discovery
        } else {
            AuthFlowType::Organization
        },
        organization_slug: Some("acme".to_owned()),
        email_magic_links_options: EmailMagicLinksOptions {
            login_redirect_url: here(),
            signup_redirect_url: here(),
            discovery_redirect_url: here(),
            ..Default::default()
        },
        oauth_options: OauthOptions {
            providers: vec![OauthProvider::Google, OauthProvider::Microsoft],
            login_redirect_url: here(),
            signup_redirect_url: here(),
            discovery_redirect_url: here(),
        },
        password_options: PasswordOptions {
            login_redirect_url: here(),
            reset_password_redirect_url: here(),
            ..Default::default()
        },
        ..Default::default()
    };
    // Light by default, dark when the reader's system is.
    let presentation = Presentation {
        dark_theme: Some(Theme::dark()),
        ..Default::default()
    };
    let callbacks = B2BCallbacks {
        on_event: Some(Callback::new(move |e: StytchEvent| {
            let sent_mail = matches!(
                e.event_type,
                StytchEventType::MagicLinkEmailLoginOrSignup
                    | StytchEventType::MagicLinkEmailDiscoverySend
                    | StytchEventType::OtpsEmailLoginOrSignup
                    | StytchEventType::OtpsEmailDiscoverySend
                    | StytchEventType::PasswordResetByEmailStart
                    | StytchEventType::SmsOtpSend
            );
            if sent_mail {
                refresh.update(|n| *n += 1);
            }
            events.update(|list| list.push(e.event_type.as_str()));
        })),
        on_error: Some(Callback::new(move |e: StytchError| {
            last_error.set(Some(describe(&e)));
        })),
    };
    view! {
        <main class="layout">
            <section class="primary">
                <StytchB2B config=config presentation=presentation callbacks=callbacks />
                <div class="card" id="prebuilt-status">
                    <h2>"What the app sees"</h2>
                    {move || match member.value.get() {
                        Some(m) => view! { <p>"Signed in as " <strong id="prebuilt-member">{m.email_address}</strong></p> }.into_any(),
                        None => view! { <p class="muted" id="prebuilt-signed-out">"Nobody is signed in."</p> }.into_any(),
                    }}
                    <h3>"on_event"</h3>
                    <ol id="prebuilt-events">
                        {move || events.get().into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}
                    </ol>
                    {move || last_error.get().map(|e| view! { <p class="muted">"on_error: " <span id="prebuilt-last-error">{e}</span></p> })}
                </div>
            </section>
            <aside class="secondary">
                <inbox::Inbox />
            </aside>
        </main>
    }
}
