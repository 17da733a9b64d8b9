use leptos::prelude::*;

use crate::core::models::SessionTokens;
use crate::hooks::use_stytch_b2b_client;

/// A button that reads [`client.session().get_tokens()`](crate::core::session::SessionClient::get_tokens)
/// when clicked and shows the session token and JWT, as text (never as HTML).
///
/// Before the first click it shows only the button. After a click with no readable tokens (logged out, an
/// intermediate session, or HttpOnly cookies) it shows `fallback`, which renders nothing by default.
/// Must be used inside [`StytchB2BProvider`](crate::StytchB2BProvider).
#[component]
pub fn GetSessionTokens(
    /// The button's text.
    #[prop(optional, into)]
    label: Option<String>,
    /// Shown after a click that found no tokens.
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    let client = use_stytch_b2b_client();
    // `None` until clicked; then the result of `get_tokens()`.
    let tokens = RwSignal::new(None::<Option<SessionTokens>>);
    let label = label.unwrap_or_else(|| "Get Session Tokens".to_owned());
    view! {
        <div class="stytch-get-session-tokens">
            <button
                type="button"
                class="stytch-button"
                data-testid="get-session-tokens"
                on:click=move |_| tokens.set(Some(client.session().get_tokens()))
            >
                {label}
            </button>
            {move || match tokens.get() {
                Some(Some(t)) => {
                    view! {
                        <dl class="stytch-tokens">
                            <dt>"Session token"</dt>
                            <dd data-testid="session-token">{t.session_token}</dd>
                            <dt>"Session JWT"</dt>
                            <dd data-testid="session-jwt">{t.session_jwt}</dd>
                        </dl>
                    }
                        .into_any()
                }
                Some(None) => fallback.run(),
                None => ().into_any(),
            }}
        </div>
    }
}
