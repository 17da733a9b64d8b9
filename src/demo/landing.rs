//! Finishes a login when the page is opened from a magic link (`?stytch_token_type=…&token=…`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::browser::parse_authenticate_url;
use leptos_stytch::{MagicLinksAuthenticateRequest, use_stytch_b2b_client};

use super::describe;

#[component]
pub fn MagicLinkLanding() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let status = RwSignal::new(None::<Result<String, String>>);
    // Read and strip the parameters at once, so a reload never replays the single-use token.
    if let Some(params) = parse_authenticate_url(true) {
        if params.token_type == "multi_tenant_magic_links" {
            status.set(Some(Ok("Signing you in…".to_owned())));
            spawn_local(async move {
                let result = client
                    .magic_links()
                    .authenticate(MagicLinksAuthenticateRequest {
                        magic_links_token: params.token,
                        ..Default::default()
                    })
                    .await;
                status.set(match result {
                    Ok(_) => None,
                    Err(e) => Some(Err(format!("That link did not work: {}", describe(&e)))),
                });
            });
        } else {
            status.set(Some(Err(format!(
                "This demo does not handle `{}` links yet.",
                params.token_type
            ))));
        }
    }
    move || {
        status.get().map(|s| match s {
            Ok(msg) => view! { <p class="card notice" id="landing-status">{msg}</p> }.into_any(),
            Err(msg) => {
                view! { <p class="card error" id="landing-error" role="alert">{msg}</p> }.into_any()
            }
        })
    }
}
