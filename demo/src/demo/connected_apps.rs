//! Connected apps: the demo as the identity provider of a third-party app ("Acme Analytics", seeded in the
//! emulator). The app sends the browser to the project's authorize endpoint, which leads to this demo's
//! authorization page, `/oauth/authorize` (the project's authorization URL): the member signs in if needed,
//! sees what the app asks for (`idp().oauth_authorize_start`), allows or denies (`oauth_authorize_submit`), and
//! the browser goes back to the app with an authorization code (or an OAuth error). The app's server then
//! exchanges the code at `{api}/v1/oauth2/token` with its client secret.
//!
//! `/oauth-client/callback` stands in for the third-party app's own page, so the round trip is visible here.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::browser::navigate;
use leptos_stytch::{
    OauthAuthorizeParams, OauthAuthorizeStartResponse, StytchB2BClient, use_stytch_b2b_client,
    use_stytch_member_session, use_stytch_organization,
};

use super::{API_URL, describe, login};

/// The third-party client of the demo seed (`emulator/seeds/demo.json`).
pub(crate) const DEMO_CLIENT_ID: &str = "connected-app-test-demo";
const DEMO_CLIENT_NAME: &str = "Acme Analytics";

/// The page this demo serves at `path`, if it is one of the connected-app pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    /// `/oauth/authorize`: consent.
    Authorize,
    /// `/oauth-client/callback`: where the demo client lands.
    ClientCallback,
}

impl Page {
    pub fn from_path(path: &str) -> Option<Self> {
        match path.trim_end_matches('/') {
            "/oauth/authorize" => Some(Self::Authorize),
            "/oauth-client/callback" => Some(Self::ClientCallback),
            _ => None,
        }
    }
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

fn query() -> String {
    location()
        .and_then(|l| l.search().ok())
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_owned()
}

/// A query parameter of the current URL, decoded.
fn query_param(name: &str) -> Option<String> {
    let params = web_sys::UrlSearchParams::new_with_str(&query()).ok()?;
    params.get(name)
}

/// Where the demo client starts its sign-in: the project's authorize endpoint with the demo client's id and
/// its redirect URL on this origin.
pub(crate) fn demo_client_start_url() -> Option<String> {
    let origin = location()?.origin().ok()?;
    let params = web_sys::UrlSearchParams::new().ok()?;
    params.append("client_id", DEMO_CLIENT_ID);
    params.append("redirect_uri", &format!("{origin}/oauth-client/callback"));
    params.append("response_type", "code");
    params.append("scope", "openid email profile");
    Some(format!(
        "{API_URL}/v1/oauth2/authorize?{}",
        String::from(params.to_string())
    ))
}

/// What the authorization page shows.
#[derive(Clone)]
enum Step {
    /// Asking the API what the app is and whether consent is needed.
    Loading,
    Consent(OauthAuthorizeStartResponse),
    /// The browser is leaving for the app.
    Redirecting,
    Failed(String),
}

/// `/oauth/authorize`: sign in if needed, then consent.
#[component]
pub fn AuthorizePage() -> impl IntoView {
    let session = use_stytch_member_session();
    let params = OauthAuthorizeParams::from_query(&query()).map_err(|e| describe(&e));
    view! {
        <main class="layout single">
            <section class="primary">
                {match params {
                    Err(e) => view! {
                        <div class="card" id="authorize-invalid">
                            <h1>"This sign-in link is not valid"</h1>
                            <p class="error" role="alert">{e}</p>
                        </div>
                    }.into_any(),
                    Ok(params) => {
                        let params = StoredValue::new(params);
                        // Only signing in or out changes the page (not every session refresh).
                        let signed_in = Memo::new(move |_| session.value.with(Option::is_some));
                        (move || {
                            if signed_in.get() {
                                view! { <Consent params=params /> }.into_any()
                            } else if session.is_initialized.get() {
                                view! {
                                    <p class="card notice" id="authorize-sign-in">"Sign in to continue to the app that sent you here."</p>
                                    <login::LoginForm />
                                }.into_any()
                            } else {
                                view! { <p class="card muted">"Restoring your session…"</p> }.into_any()
                            }
                        }).into_any()
                    }
                }}
            </section>
        </main>
    }
}

#[component]
fn Consent(params: StoredValue<OauthAuthorizeParams>) -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let organization = use_stytch_organization();
    let step = RwSignal::new(Step::Loading);
    // The answers arrive after awaits, when the member may have left the page: `try_set` then drops them.
    let submit = move |granted: bool| {
        step.set(Step::Redirecting);
        let (client, params) = (client.get_value(), params.get_value());
        spawn_local(async move {
            step.try_set(finish(&client, params, granted).await);
        });
    };
    let (start_client, start_params) = (client.get_value(), params.get_value());
    spawn_local(async move {
        let start = start_client
            .idp()
            .oauth_authorize_start(start_params.start_request())
            .await;
        match start {
            // First-party apps (or consent already given) go straight back, as Stytch's pre-built UI does.
            Ok(answer) if !answer.consent_required => {
                step.try_set(Step::Redirecting);
                step.try_set(finish(&start_client, start_params, true).await);
            }
            Ok(answer) => {
                step.try_set(Step::Consent(answer));
            }
            Err(e) => {
                step.try_set(Step::Failed(describe(&e)));
            }
        }
    });
    let org_name = move || {
        organization
            .value
            .with(|o| o.as_ref().map(|o| o.organization_name.clone()))
            .unwrap_or_default()
    };
    move || {
        match step.get() {
        Step::Loading => view! { <p class="card muted" id="consent-loading">"Loading…"</p> }.into_any(),
        Step::Redirecting => view! { <p class="card muted" id="consent-redirecting">"Taking you back to the app…"</p> }.into_any(),
        Step::Failed(e) => view! {
            <div class="card" id="consent-failed">
                <h1>"The app cannot sign you in"</h1>
                <p class="error" role="alert">{e}</p>
            </div>
        }.into_any(),
        Step::Consent(answer) => {
            let app = answer.client.client_name.clone();
            view! {
                <div class="card consent" id="consent" aria-labelledby="consent-title">
                    <h1 id="consent-title">{format!("{app} wants to access your account")}</h1>
                    <p class="muted">
                        {answer.client.client_description.clone()}
                    </p>
                    <p>"It asks to sign you in with your " <strong>{org_name}</strong> " account and to:"</p>
                    <ul class="consent-scopes" id="consent-scopes">
                        {answer.scope_results.iter().filter(|s| s.is_grantable).map(|s| view! {
                            <li data-scope=s.scope.clone()>{if s.description.is_empty() { s.scope.clone() } else { s.description.clone() }}</li>
                        }).collect_view()}
                    </ul>
                    <div class="row consent-actions">
                        <button type="button" id="consent-allow" class="stytch-button primary" on:click=move |_| submit(true)>"Allow"</button>
                        <button type="button" id="consent-deny" class="stytch-button" on:click=move |_| submit(false)>"Deny"</button>
                    </div>
                </div>
            }.into_any()
        }
    }
    }
}

/// Submits the member's answer and sends the browser back to the app; what to show if that fails.
async fn finish(client: &StytchB2BClient, params: OauthAuthorizeParams, granted: bool) -> Step {
    match client
        .idp()
        .oauth_authorize_submit(params.submit_request(granted))
        .await
    {
        Ok(answer) => match navigate(&answer.redirect_uri) {
            Ok(()) => Step::Redirecting,
            Err(_) => Step::Failed("The browser did not leave for the app.".to_owned()),
        },
        Err(e) => Step::Failed(describe(&e)),
    }
}

/// `/oauth-client/callback`: the demo client's landing, standing in for the third-party app.
#[component]
pub fn ClientCallback() -> impl IntoView {
    let code = query_param("code");
    let error = query_param("error");
    view! {
        <main class="layout single">
            <section class="primary">
                <div class="card" id="client-callback">
                    <p class="muted">{format!("{DEMO_CLIENT_NAME}, a third-party app (demo)")}</p>
                    {match (code, error) {
                        (Some(_), _) => view! {
                            <h1 id="client-callback-result">"Authorization code received"</h1>
                            <p>
                                "The app's server now exchanges it, with its client secret, at "
                                <code class="mono">{format!("{API_URL}/v1/oauth2/token")}</code>
                                " for an access token and an ID token."
                            </p>
                        }.into_any(),
                        (None, Some(e)) => view! {
                            <h1 id="client-callback-result">"Access was not granted"</h1>
                            <p class="error" role="alert" id="client-callback-error">{e}</p>
                        }.into_any(),
                        (None, None) => view! {
                            <h1 id="client-callback-result">"Nothing to do"</h1>
                        }.into_any(),
                    }}
                    <p><a href="/" class="stytch-button">"Back to the demo"</a></p>
                </div>
            </section>
        </main>
    }
}

/// On the account page: start the demo client's sign-in, as its "Sign in with Acme" button would.
#[component]
pub fn ConnectedAppsCard() -> impl IntoView {
    view! {
        <section class="settings" id="connected-apps" aria-labelledby="connected-apps-title">
            <h2 id="connected-apps-title">"Connected apps"</h2>
            <p class="muted">
                {format!("{DEMO_CLIENT_NAME} is a third-party app that signs its users in with this organization's accounts (OAuth 2.0 / OpenID Connect, the emulator as authorization server).")}
            </p>
            {demo_client_start_url().map(|url| view! {
                <a id="connected-app-start" class="stytch-button small" href=url>{format!("Sign in to {DEMO_CLIENT_NAME}")}</a>
            })}
        </section>
    }
}
