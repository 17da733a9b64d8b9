//! Opening the page from an emailed link (`?stytch_token_type=…&token=…`): a magic link signs in, a
//! discovery link lists the email's organizations, a password-reset link asks for a new password, an
//! impersonation link opens the member's account; the redirects back from SSO and OAuth sign in (or, for
//! discovery OAuth, list the email's organizations).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::browser::parse_authenticate_url;
use leptos_stytch::{
    ImpersonationAuthenticateRequest, MagicLinksAuthenticateRequest,
    MagicLinksDiscoveryAuthenticateRequest, OauthAuthenticateRequest,
    OauthDiscoveryAuthenticateRequest, PasswordResetByEmailRequest, SsoAuthenticateRequest,
    StytchError, use_stytch_b2b_client,
};

use super::describe;
use super::login::{Discovered, LoginFlow, signed_in};

#[component]
pub fn MagicLinkLanding() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let flow = expect_context::<LoginFlow>();
    let status = RwSignal::new(None::<Result<String, String>>);
    // Read and strip the parameters at once, so a reload never replays the single-use token.
    if let Some(params) = parse_authenticate_url(true) {
        match params.token_type.as_str() {
            "multi_tenant_magic_links" => {
                status.set(Some(Ok("Signing you in…".to_owned())));
                spawn_local(async move {
                    let result = client
                        .magic_links()
                        .authenticate(MagicLinksAuthenticateRequest {
                            magic_links_token: params.token,
                            ..Default::default()
                        })
                        .await
                        .map_err(|e| describe(&e))
                        .and_then(|r| signed_in(&r));
                    status.set(result.err().map(|e| Err(link_failed(e))));
                });
            }
            "discovery" => {
                status.set(Some(Ok("Finding your organizations…".to_owned())));
                spawn_local(async move {
                    let result = client
                        .magic_links()
                        .discovery()
                        .authenticate(MagicLinksDiscoveryAuthenticateRequest {
                            discovery_magic_links_token: params.token,
                        })
                        .await;
                    match result {
                        Ok(resp) => {
                            flow.discovered.set(Some(Discovered {
                                email: resp.email_address,
                                organizations: resp.discovered_organizations,
                            }));
                            status.set(None);
                        }
                        Err(e) => status.set(Some(Err(link_failed(describe(&e))))),
                    }
                });
            }
            "multi_tenant_passwords" => flow.reset_token.set(Some(params.token)),
            "sso" | "oauth" => {
                status.set(Some(Ok("Signing you in…".to_owned())));
                let sso = params.token_type == "sso";
                spawn_local(async move {
                    let result = if sso {
                        client
                            .sso()
                            .authenticate(SsoAuthenticateRequest {
                                sso_token: params.token,
                                ..Default::default()
                            })
                            .await
                    } else {
                        client
                            .oauth()
                            .authenticate(OauthAuthenticateRequest {
                                oauth_token: params.token,
                                ..Default::default()
                            })
                            .await
                            .map(|r| r.response)
                    };
                    let result = result.map_err(|e| describe(&e)).and_then(|r| signed_in(&r));
                    status.set(result.err().map(|e| Err(link_failed(e))));
                });
            }
            "discovery_oauth" => {
                status.set(Some(Ok("Finding your organizations…".to_owned())));
                spawn_local(async move {
                    let result = client
                        .oauth()
                        .discovery()
                        .authenticate(OauthDiscoveryAuthenticateRequest {
                            discovery_oauth_token: params.token,
                        })
                        .await;
                    match result {
                        Ok(resp) => {
                            flow.discovered.set(Some(Discovered {
                                email: resp.email_address,
                                organizations: resp.discovered_organizations,
                            }));
                            status.set(None);
                        }
                        Err(e) => status.set(Some(Err(link_failed(describe(&e))))),
                    }
                });
            }
            "multi_tenant_impersonation" => {
                status.set(Some(Ok("Opening the member's account…".to_owned())));
                spawn_local(async move {
                    let result = client
                        .impersonation()
                        .authenticate(ImpersonationAuthenticateRequest {
                            impersonation_token: params.token,
                        })
                        .await;
                    status.set(result.err().map(|e| Err(link_failed(describe(&e)))));
                });
            }
            other => {
                status.set(Some(Err(format!(
                    "This demo does not handle `{other}` links yet."
                ))));
            }
        }
    }
    view! {
        {move || {
            status.get().map(|s| match s {
                Ok(msg) => view! { <p class="card notice" id="landing-status">{msg}</p> }.into_any(),
                Err(msg) => view! { <p class="card error" id="landing-error" role="alert">{msg}</p> }.into_any(),
            })
        }}
        <Show when=move || flow.reset_token.with(Option::is_some)>
            <ResetPasswordForm status=status />
        </Show>
    }
}

fn link_failed(reason: String) -> String {
    format!("That link did not work: {reason}")
}

/// "Choose a new password", for the token of a password-reset link (held in [`LoginFlow`]).
#[component]
fn ResetPasswordForm(
    /// Where to report an outcome that outlives this form.
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let client = use_stytch_b2b_client();
    let flow = expect_context::<LoginFlow>();
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = flow.reset_token.get_untracked() else {
            return;
        };
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let client = client.clone();
        let new_password = password.get_untracked();
        spawn_local(async move {
            let result = client
                .passwords()
                .reset_by_email(PasswordResetByEmailRequest {
                    password_reset_token: token,
                    password: new_password,
                    ..Default::default()
                })
                .await;
            match result {
                Ok(resp) => {
                    // The token is spent either way; without a session, say what is missing.
                    flow.reset_token.set(None);
                    if let Err(e) = signed_in(&resp) {
                        status.set(Some(Err(e)));
                    }
                }
                Err(e) => error.set(Some(reset_failed(&e))),
            }
            pending.set(false);
        });
    };

    view! {
        <form class="card login" id="reset-form" on:submit=submit>
            <h1>"Choose a new password"</h1>
            <p class="muted">"You opened a password reset link. Pick a new password to sign in."</p>
            <label for="reset-password">"New password"</label>
            <input id="reset-password" name="new-password" type="password" autocomplete="new-password" required bind:value=password />
            <div class="login-actions">
                <button id="reset-submit" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Set password and sign in" }}
                </button>
                <button id="reset-cancel" type="button" class="stytch-button link" on:click=move |_| flow.reset_token.set(None)>
                    "Cancel"
                </button>
            </div>
            {move || error.get().map(|e| view! { <p id="reset-error" class="error" role="alert">{e}</p> })}
        </form>
    }
}

/// The error, plus zxcvbn's advice when the password was too weak.
fn reset_failed(error: &StytchError) -> String {
    let advice = match error {
        StytchError::Api {
            error_details: Some(details),
            ..
        } => {
            let feedback = &details["zxcvbn_feedback"];
            let mut parts: Vec<&str> = Vec::new();
            if let Some(w) = feedback["warning"].as_str().filter(|w| !w.is_empty()) {
                parts.push(w);
            }
            if let Some(s) = feedback["suggestions"].as_array() {
                parts.extend(s.iter().filter_map(|v| v.as_str()));
            }
            parts.join(" ")
        }
        _ => String::new(),
    };
    if advice.is_empty() {
        describe(error)
    } else {
        format!("{} {advice}", describe(error))
    }
}
