//! Enterprise sign-in: "Sign in with SSO" (the connections an email can use, found with
//! `sso().discover_connections`), the OAuth buttons (into one organization, or discovery), the landing of their
//! redirects, and the admin page's SSO connections (`sso()` get, SAML / OIDC create and update, delete).
//!
//! Against the emulator every start leads to its built-in identity provider page, where you type the email the
//! identity provider vouches for; against Stytch the same calls lead to the real IdP or provider.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::browser::navigate;
use leptos_stytch::core::sso::DiscoveredConnection;
use leptos_stytch::{
    CreateConnectionRequest, OauthDiscoveryStartRequest, OauthStartRequest,
    OidcUpdateConnectionRequest, SsoStartRequest, StytchB2BClient, StytchError,
    use_stytch_b2b_client, use_stytch_is_authorized,
};

use super::login::redirect_url;
use super::{Outcome, OutcomeNotice, describe};

/// The OAuth providers Stytch B2B supports: id for the DOM, label, and the client's starter.
pub(crate) const PROVIDERS: [(&str, &str); 5] = [
    ("google", "Google"),
    ("microsoft", "Microsoft"),
    ("github", "GitHub"),
    ("slack", "Slack"),
    ("hubspot", "HubSpot"),
];

fn provider(client: &StytchB2BClient, id: &str) -> leptos_stytch::core::oauth::OauthProviderClient {
    let oauth = client.oauth();
    match id {
        "microsoft" => oauth.microsoft(),
        "github" => oauth.github(),
        "slack" => oauth.slack(),
        "hubspot" => oauth.hubspot(),
        _ => oauth.google(),
    }
}

/// Follows a start URL (the SDK builds it; the browser goes there).
fn go(url: Result<String, StytchError>) -> Result<(), String> {
    let url = url.map_err(|e| describe(&e))?;
    navigate(&url).map_err(|_| "The browser refused to navigate.".to_owned())
}

/// "Continue with …" buttons. With `organization_slug`, each signs in to that organization; without, it is
/// discovery (sign in first, pick the organization after).
#[component]
pub fn OauthButtons(
    /// The organization to sign in to; `None` for discovery.
    #[prop(optional, into)]
    organization_slug: Option<Signal<String>>,
) -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let outcome = RwSignal::new(Outcome::None);
    let start = move |id: &'static str| {
        outcome.set(None);
        let client = client.get_value();
        let slug = organization_slug.map(|s| s.get_untracked().trim().to_owned());
        spawn_local(async move {
            let p = provider(&client, id);
            let url = match slug {
                Some(slug) => {
                    p.start(OauthStartRequest {
                        organization_slug: Some(slug),
                        login_redirect_url: redirect_url(),
                        signup_redirect_url: redirect_url(),
                        ..Default::default()
                    })
                    .await
                }
                None => {
                    p.discovery()
                        .start(OauthDiscoveryStartRequest {
                            discovery_redirect_url: redirect_url(),
                            ..Default::default()
                        })
                        .await
                }
            };
            if let Err(e) = go(url) {
                outcome.set(Some(Err(e)));
            }
        });
    };
    let prefix = if organization_slug.is_some() {
        "oauth"
    } else {
        "discovery-oauth"
    };
    view! {
        <div class="oauth-buttons" role="group" aria-label="Continue with a provider">
            {PROVIDERS
                .into_iter()
                .map(|(id, label)| {
                    view! {
                        <button id=format!("{prefix}-{id}") type="button" class="stytch-button oauth" on:click=move |_| start(id)>
                            {format!("Continue with {label}")}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <OutcomeNotice outcome=outcome id=prefix />
    }
}

/// "Sign in with SSO": the email's connections, one button each.
#[component]
pub fn SsoStart(on_back: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let email = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<DiscoveredConnection>>);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::None);
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        outcome.set(None);
        let address = email.get_untracked().trim().to_owned();
        spawn_local(async move {
            match client
                .get_value()
                .sso()
                .discover_connections(&address)
                .await
            {
                Ok(resp) if resp.connections.is_empty() => {
                    found.set(None);
                    outcome.set(Some(Err(format!("No SSO connection knows {address}."))));
                }
                Ok(resp) => found.set(Some(resp.connections)),
                Err(e) => outcome.set(Some(Err(describe(&e)))),
            }
            busy.set(false);
        });
    };
    let start = move |connection_id: String| {
        outcome.set(None);
        let client = client.get_value();
        spawn_local(async move {
            let url = client
                .sso()
                .start(SsoStartRequest {
                    connection_id,
                    login_redirect_url: redirect_url(),
                    signup_redirect_url: redirect_url(),
                    ..Default::default()
                })
                .await;
            if let Err(e) = go(url) {
                outcome.set(Some(Err(e)));
            }
        });
    };
    view! {
        <form class="card login" id="sso-form" on:submit=find>
            <h1>"Sign in with SSO"</h1>
            <p class="muted">"Your organization's identity provider signs you in. In this demo it is the emulator's own page."</p>
            <label for="sso-email">"Work email"</label>
            <input id="sso-email" name="email" type="email" autocomplete="email" placeholder="you@example.com" required bind:value=email />
            <button id="sso-find" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                {move || if busy.get() { "Looking…" } else { "Find my SSO connection" }}
            </button>
            {move || found.get().map(|list| view! {
                <ul class="discovered-orgs" id="sso-connections">
                    {list.into_iter().map(|c| {
                        let id = c.connection_id.clone();
                        view! {
                            <li class="discovered-org sso-connection" data-connection-id=c.connection_id.clone()>
                                <div>
                                    <div class="discovered-org-name">{c.display_name.clone()}</div>
                                    <p class="discovered-org-membership muted">{c.identity_provider.clone()}</p>
                                </div>
                                <button type="button" class="stytch-button small primary sso-connection-start" on:click=move |_| start(id.clone())>
                                    "Continue"
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <OutcomeNotice outcome=outcome id="sso" />
            <div class="login-alt">
                <button id="sso-back" type="button" class="stytch-button link" on:click=move |_| on_back()>
                    "Back to other ways to sign in"
                </button>
            </div>
        </form>
    }
}

/// One connection as the admin page lists it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    kind: &'static str,
    connection_id: String,
    display_name: String,
    status: String,
    /// What to give the identity provider: the ACS URL (SAML) or the redirect URL (OIDC).
    callback: String,
    issuer: String,
}

async fn load_rows(client: &StytchB2BClient) -> Result<Vec<Row>, String> {
    let resp = client
        .sso()
        .get_connections()
        .await
        .map_err(|e| describe(&e))?;
    let saml = resp.saml_connections.into_iter().map(|c| Row {
        kind: "SAML",
        connection_id: c.connection_id,
        display_name: c.display_name,
        status: c.status,
        callback: c.acs_url,
        issuer: c.idp_entity_id,
    });
    let oidc = resp.oidc_connections.into_iter().map(|c| Row {
        kind: "OIDC",
        connection_id: c.connection_id,
        display_name: c.display_name,
        status: c.status,
        callback: c.redirect_url,
        issuer: c.issuer,
    });
    Ok(saml.chain(oidc).collect())
}

/// The admin page's SSO connections.
#[component]
pub fn SsoConnections() -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let can_create = use_stytch_is_authorized("stytch.sso", "create");
    let can_update = use_stytch_is_authorized("stytch.sso", "update");
    let can_delete = use_stytch_is_authorized("stytch.sso", "delete");
    let rows = RwSignal::new(None::<Result<Vec<Row>, String>>);
    let outcome = RwSignal::new(Outcome::None);
    let new_name = RwSignal::new(String::new());
    let new_kind = RwSignal::new("saml".to_owned());
    let editing = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            rows.set(Some(load_rows(&client.get_value()).await));
        });
    };
    reload();

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        outcome.set(None);
        let name = new_name.get_untracked().trim().to_owned();
        let kind = new_kind.get_untracked();
        spawn_local(async move {
            let client = client.get_value();
            let request = CreateConnectionRequest {
                display_name: (!name.is_empty()).then(|| name.clone()),
                identity_provider: None,
            };
            let result = if kind == "oidc" {
                client
                    .sso()
                    .oidc()
                    .create_connection(request)
                    .await
                    .map(drop)
            } else {
                client
                    .sso()
                    .saml()
                    .create_connection(request)
                    .await
                    .map(drop)
            };
            outcome.set(Some(
                result
                    .map(|()| format!("Created the {} connection “{name}”.", kind.to_uppercase()))
                    .map_err(|e| describe(&e)),
            ));
            new_name.set(String::new());
            reload();
        });
    };
    let delete = move |id: String| {
        outcome.set(None);
        spawn_local(async move {
            let result = client.get_value().sso().delete_connection(&id).await;
            outcome.set(Some(
                result
                    .map(|_| "Deleted.".to_owned())
                    .map_err(|e| describe(&e)),
            ));
            reload();
        });
    };
    let saved = Callback::new(move |result: Result<String, String>| {
        let ok = result.is_ok();
        outcome.set(Some(result));
        if ok {
            editing.set(None);
            reload();
        }
    });

    view! {
        <section class="settings sso-admin" id="sso-admin" aria-labelledby="sso-admin-title">
            <h2 id="sso-admin-title">"SSO connections"</h2>
            <p class="muted">
                "Members sign in through these with “Sign in with SSO”. A new connection needs no settings here: the emulator's identity provider page signs its users in."
            </p>
            {move || match rows.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted" id="sso-none">"No connections yet."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="members" id="sso-table">
                        <thead><tr><th>"Connection"</th><th>"Type"</th><th>"Status"</th><th></th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| {
                                let (del_id, edit_id, editor_id) = (r.connection_id.clone(), r.connection_id.clone(), r.connection_id.clone());
                                let oidc = r.kind == "OIDC";
                                let row = r.clone();
                                view! {
                                    <tr class="sso-row" data-connection-id=r.connection_id.clone() data-kind=r.kind>
                                        <td>
                                            <div class="member-name">{r.display_name.clone()}</div>
                                            <div class="member-email muted mono">{r.connection_id.clone()}</div>
                                            <div class="muted sso-callback">"Give the IdP: " <code class="mono">{r.callback.clone()}</code></div>
                                        </td>
                                        <td>{r.kind}</td>
                                        <td><span class=format!("status status-{}", r.status)>{r.status.clone()}</span></td>
                                        <td class="member-actions">
                                            <Show when=move || oidc && can_update.get()>
                                                <button type="button" class="stytch-button small sso-edit" on:click={
                                                    let id = edit_id.clone();
                                                    move |_| editing.update(|e| *e = if e.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) })
                                                }>"Configure"</button>
                                            </Show>
                                            <Show when=move || can_delete.get()>
                                                <button type="button" class="stytch-button small danger sso-delete" on:click={
                                                    let id = del_id.clone();
                                                    move |_| delete(id.clone())
                                                }>"Delete"</button>
                                            </Show>
                                        </td>
                                    </tr>
                                    <Show when=move || editing.with(|e| e.as_deref() == Some(editor_id.as_str()))>
                                        <tr><td colspan="4"><OidcEditor row=row.clone() on_saved=saved /></td></tr>
                                    </Show>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <Show when=move || can_create.get()>
                <form class="invite" id="sso-create" on:submit=create>
                    <h3>"New connection"</h3>
                    <div class="row">
                    <input id="sso-create-name" aria-label="Display name" placeholder="Acme Okta" bind:value=new_name />
                    <select id="sso-create-kind" aria-label="Type" on:change=move |ev| new_kind.set(event_target_value(&ev))>
                        <option value="saml" selected>"SAML"</option>
                        <option value="oidc">"OIDC"</option>
                    </select>
                    <button id="sso-create-submit" type="submit" class="stytch-button small primary">"Create"</button>
                    </div>
                </form>
            </Show>
            <OutcomeNotice outcome=outcome id="sso-admin" />
        </section>
    }
}

/// The issuer and client of an OIDC connection (any OpenID provider, e.g. the emulator's own at
/// `{emulator}/emulator/idp`, or Keycloak).
#[component]
fn OidcEditor(row: Row, on_saved: Callback<Result<String, String>>) -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let issuer = RwSignal::new(row.issuer.clone());
    let client_id = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let id = row.connection_id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = OidcUpdateConnectionRequest {
            connection_id: id.clone(),
            issuer: Some(issuer.get_untracked().trim().to_owned()),
            client_id: Some(client_id.get_untracked().trim().to_owned()),
            client_secret: Some(secret.get_untracked()),
            ..Default::default()
        };
        spawn_local(async move {
            let result = client
                .get_value()
                .sso()
                .oidc()
                .update_connection(request)
                .await;
            on_saved.run(
                result
                    .map(|_| "Saved the connection.".to_owned())
                    .map_err(|e| describe(&e)),
            );
        });
    };
    view! {
        <form class="settings-grid oidc-editor" id="oidc-editor" on:submit=submit>
            <label for="oidc-issuer">"Issuer"</label>
            <input id="oidc-issuer" type="url" required bind:value=issuer />
            <label for="oidc-client-id">"Client id"</label>
            <input id="oidc-client-id" required bind:value=client_id />
            <label for="oidc-client-secret">"Client secret"</label>
            <input id="oidc-client-secret" type="password" autocomplete="off" required bind:value=secret />
            <span></span>
            <button id="oidc-save" type="submit" class="stytch-button small primary">"Save"</button>
        </form>
    }
}
