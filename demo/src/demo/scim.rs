//! The admin page's directory sync (`scim()`): the organization's one SCIM connection, the base URL and bearer
//! token an identity provider (Okta, Entra, …) pushes users and groups with, the token's rotation, and the roles
//! each pushed group grants.
//!
//! A bearer token is shown once, right after `create_connection` or `rotate_start`, and only kept in this
//! page's memory until the admin dismisses it; afterwards Stytch (and the emulator) show its last four
//! characters only.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    CreateScimConnectionRequest, GetScimConnectionGroupsRequest, ScimConnection, ScimGroup,
    ScimGroupRoleAssignment, StytchB2BClient, UpdateScimConnectionRequest, use_stytch_b2b_client,
    use_stytch_is_authorized,
};

use super::admin::assignable_roles;
use super::{Outcome, OutcomeNotice, describe};

/// The identity providers a SCIM connection may name, with their labels.
const IDENTITY_PROVIDERS: [(&str, &str); 8] = [
    ("okta", "Okta"),
    ("microsoft-entra", "Microsoft Entra ID"),
    ("generic", "Other (generic SCIM 2.0)"),
    ("cyberark", "CyberArk"),
    ("jumpcloud", "JumpCloud"),
    ("onelogin", "OneLogin"),
    ("pingfederate", "PingFederate"),
    ("rippling", "Rippling"),
];

fn provider_label(id: &str) -> &str {
    IDENTITY_PROVIDERS
        .iter()
        .find(|(p, _)| *p == id)
        .map_or(id, |(_, label)| label)
}

/// A token to show once: which one it is, and the token.
#[derive(Clone)]
struct OnceToken {
    label: &'static str,
    token: String,
}

/// What the page shows: the connection (if any) and the groups its identity provider pushed.
#[derive(Clone, Default)]
struct Loaded {
    connection: Option<ScimConnection>,
    groups: Vec<ScimGroup>,
}

async fn load(client: &StytchB2BClient) -> Result<Loaded, String> {
    let scim = client.scim();
    let connection = scim
        .get_connection()
        .await
        .map_err(|e| describe(&e))?
        .connection;
    let mut groups = Vec::new();
    if connection.is_some() {
        let mut cursor = None;
        loop {
            let page = scim
                .get_connection_groups(GetScimConnectionGroupsRequest {
                    limit: Some(100),
                    cursor,
                })
                .await
                .map_err(|e| describe(&e))?;
            groups.extend(page.scim_groups);
            match page.next_cursor.filter(|c| !c.is_empty()) {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(Loaded { connection, groups })
}

#[component]
pub fn ScimAdmin() -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let can_get = use_stytch_is_authorized("stytch.scim", "get");
    view! {
        <section class="settings scim-admin" id="scim-admin" aria-labelledby="scim-admin-title">
            <h2 id="scim-admin-title">"Directory sync (SCIM)"</h2>
            <p class="muted">
                "Give your identity provider the base URL and bearer token below: the users it pushes become members, deactivated users are removed, and its groups can grant roles."
            </p>
            <Show
                when=move || can_get.get()
                fallback=|| view! { <p class="muted" id="scim-forbidden">"Your roles do not allow seeing the SCIM connection."</p> }
            >
                <ScimConnectionPanel client=client />
            </Show>
        </section>
    }
}

#[component]
fn ScimConnectionPanel(client: StoredValue<StytchB2BClient>) -> impl IntoView {
    let can_create = use_stytch_is_authorized("stytch.scim", "create");
    let can_update = use_stytch_is_authorized("stytch.scim", "update");
    let can_delete = use_stytch_is_authorized("stytch.scim", "delete");
    let loaded = RwSignal::new(None::<Result<Loaded, String>>);
    let once = RwSignal::new(None::<OnceToken>);
    let outcome = RwSignal::new(Outcome::None);
    let roles = RwSignal::new(Vec::<String>::new());
    let reload = move || {
        spawn_local(async move {
            loaded.set(Some(load(&client.get_value()).await));
        });
    };
    reload();
    spawn_local(async move {
        roles.set(assignable_roles(&client.get_value(), &[]).await);
    });

    // Every change answers the whole connection: show a new token once, then reload (groups included).
    let apply =
        move |result: Result<leptos_stytch::ScimConnectionResponse, leptos_stytch::StytchError>,
              done: &'static str| {
            match result {
                Ok(answer) => {
                    let c = answer.connection;
                    if let Some(token) = c.bearer_token.filter(|t| !t.is_empty()) {
                        once.set(Some(OnceToken {
                            label: "Bearer token",
                            token,
                        }));
                    } else if let Some(token) = c.next_bearer_token.filter(|t| !t.is_empty()) {
                        once.set(Some(OnceToken {
                            label: "New bearer token",
                            token,
                        }));
                    }
                    outcome.set(Some(Ok(done.to_owned())));
                }
                Err(e) => outcome.set(Some(Err(describe(&e)))),
            }
            reload();
        };

    let rotate = move |step: &'static str, id: String| {
        outcome.set(None);
        spawn_local(async move {
            let scim = client.get_value().scim();
            let (result, done) = match step {
                "start" => (
                    scim.rotate_start(&id).await,
                    "Rotation started: both tokens work until you complete it.",
                ),
                "complete" => (
                    scim.rotate_complete(&id).await,
                    "Rotation complete: only the new token works now.",
                ),
                _ => (
                    scim.rotate_cancel(&id).await,
                    "Rotation cancelled: the new token no longer works.",
                ),
            };
            if step != "start" {
                once.set(None);
            }
            apply(result, done);
        });
    };
    let delete = move |id: String| {
        outcome.set(None);
        spawn_local(async move {
            let result = client.get_value().scim().delete_connection(&id).await;
            once.set(None);
            outcome.set(Some(
                result
                    .map(|_| "Deleted the SCIM connection.".to_owned())
                    .map_err(|e| describe(&e)),
            ));
            reload();
        });
    };

    view! {
        {move || once.get().map(|t| view! { <OnceTokenNotice token=t on_dismiss=move || once.set(None) /> })}
        {move || match loaded.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" id="scim-load-error">{e}</p> }.into_any(),
            Some(Ok(Loaded { connection: None, .. })) => view! {
                <p class="muted" id="scim-none">"No SCIM connection yet."</p>
                <Show when=move || can_create.get()>
                    <CreateForm client=client on_done=Callback::new(move |r| apply(r, "Created the SCIM connection.")) />
                </Show>
            }.into_any(),
            Some(Ok(Loaded { connection: Some(c), groups })) => {
                let id = c.connection_id.clone();
                let (rotate_id, complete_id, cancel_id, delete_id) = (id.clone(), id.clone(), id.clone(), id.clone());
                let rotating = !c.next_bearer_token_last_four.is_empty();
                view! {
                    <dl class="facts scim-facts" id="scim-connection" data-connection-id=c.connection_id.clone()>
                        <dt>"Name"</dt><dd id="scim-name">{c.display_name.clone()}</dd>
                        <dt>"Identity provider"</dt><dd id="scim-provider">{provider_label(&c.identity_provider).to_owned()}</dd>
                        <dt>"Base URL"</dt>
                        <dd><code class="mono" id="scim-base-url">{c.base_url.clone()}</code> " " <CopyButton text=c.base_url.clone() label="Copy base URL" /></dd>
                        <dt>"Bearer token"</dt>
                        <dd id="scim-token-last-four">
                            "…" <span class="mono">{c.bearer_token_last_four.clone()}</span>
                            {c.bearer_token_expires_at.clone().map(|at| view! { <span class="muted">" expires " {at}</span> })}
                        </dd>
                        {rotating.then(|| view! {
                            <dt>"New token"</dt>
                            <dd id="scim-next-token-last-four">"…" <span class="mono">{c.next_bearer_token_last_four.clone()}</span> <span class="muted">" (rotation pending)"</span></dd>
                        })}
                    </dl>
                    <div class="row scim-actions">
                        <Show when=move || can_update.get() && !rotating>
                            <button type="button" id="scim-rotate-start" class="stytch-button small" on:click={
                                let id = rotate_id.clone();
                                move |_| rotate("start", id.clone())
                            }>"Rotate token"</button>
                        </Show>
                        <Show when=move || can_update.get() && rotating>
                            <button type="button" id="scim-rotate-complete" class="stytch-button small primary" on:click={
                                let id = complete_id.clone();
                                move |_| rotate("complete", id.clone())
                            }>"Complete rotation"</button>
                            <button type="button" id="scim-rotate-cancel" class="stytch-button small" on:click={
                                let id = cancel_id.clone();
                                move |_| rotate("cancel", id.clone())
                            }>"Cancel rotation"</button>
                        </Show>
                        <Show when=move || can_delete.get()>
                            <button type="button" id="scim-delete" class="stytch-button small danger" on:click={
                                let id = delete_id.clone();
                                move |_| delete(id.clone())
                            }>"Delete connection"</button>
                        </Show>
                    </div>
                    <GroupRoles client=client connection=c groups=groups roles=roles can_update=can_update
                        on_done=Callback::new(move |r| apply(r, "Saved the group roles.")) />
                }.into_any()
            }
        }}
        <OutcomeNotice outcome=outcome id="scim-admin" />
    }
}

/// A secret shown once, with a copy button, until the admin says they saved it.
#[component]
fn OnceTokenNotice(
    token: OnceToken,
    on_dismiss: impl Fn() + 'static + Clone + Send + Sync,
) -> impl IntoView {
    view! {
        <div class="notice once-token" id="scim-once-token" role="status">
            <p>
                <strong>{token.label}</strong>
                ": copy it into your identity provider now. It is not shown again."
            </p>
            <p><code class="mono" id="scim-bearer-token">{token.token.clone()}</code> " " <CopyButton text=token.token.clone() label="Copy token" /></p>
            <button type="button" id="scim-token-saved" class="stytch-button small" on:click=move |_| on_dismiss()>"I saved it"</button>
        </div>
    }
}

/// Copies a text to the clipboard (the user can also select it: it is rendered as text).
#[component]
fn CopyButton(text: String, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _promise = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <button type="button" class="stytch-button small copy" aria-label=label on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}

#[component]
fn CreateForm(
    client: StoredValue<StytchB2BClient>,
    on_done: Callback<Result<leptos_stytch::ScimConnectionResponse, leptos_stytch::StytchError>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let provider = RwSignal::new("okta".to_owned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let display_name = name.get_untracked().trim().to_owned();
        let identity_provider = provider.get_untracked();
        spawn_local(async move {
            let result = client
                .get_value()
                .scim()
                .create_connection(CreateScimConnectionRequest {
                    display_name: (!display_name.is_empty()).then_some(display_name),
                    identity_provider: Some(identity_provider),
                })
                .await;
            name.set(String::new());
            on_done.run(result);
        });
    };
    view! {
        <form class="invite" id="scim-create" on:submit=submit>
            <h3>"New SCIM connection"</h3>
            <div class="row">
                <input id="scim-create-name" aria-label="Display name" placeholder="Acme Okta" bind:value=name />
                <select id="scim-create-provider" aria-label="Identity provider" on:change=move |ev| provider.set(event_target_value(&ev))>
                    {IDENTITY_PROVIDERS.iter().map(|(id, label)| view! {
                        <option value=*id selected=*id == "okta">{*label}</option>
                    }).collect_view()}
                </select>
                <button id="scim-create-submit" type="submit" class="stytch-button small primary">"Create"</button>
            </div>
        </form>
    }
}

/// The groups the identity provider pushed, each with the role its members get (or none).
#[component]
fn GroupRoles(
    client: StoredValue<StytchB2BClient>,
    connection: ScimConnection,
    groups: Vec<ScimGroup>,
    roles: RwSignal<Vec<String>>,
    can_update: Signal<bool>,
    on_done: Callback<Result<leptos_stytch::ScimConnectionResponse, leptos_stytch::StytchError>>,
) -> impl IntoView {
    if groups.is_empty() {
        return view! {
            <p class="muted" id="scim-groups-none">"No groups yet: they appear here once your identity provider pushes them."</p>
        }
        .into_any();
    }
    // One role per group in this page (Stytch allows several; the list is kept as a whole on save).
    let initial: BTreeMap<String, String> = connection
        .scim_group_implicit_role_assignments
        .iter()
        .map(|a| (a.group_id.clone(), a.role_id.clone()))
        .collect();
    let choice = RwSignal::new(initial);
    let connection_id = connection.connection_id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let assignments = choice
            .get_untracked()
            .into_iter()
            .filter(|(_, role)| !role.is_empty())
            .map(|(group_id, role_id)| ScimGroupRoleAssignment {
                role_id,
                group_id,
                group_name: String::new(),
            })
            .collect();
        let request = UpdateScimConnectionRequest {
            connection_id: connection_id.clone(),
            scim_group_implicit_role_assignments: Some(assignments),
            ..Default::default()
        };
        spawn_local(async move {
            on_done.run(client.get_value().scim().update_connection(request).await);
        });
    };
    view! {
        <form id="scim-groups" on:submit=save>
            <h3>"Groups and roles"</h3>
            <table class="members" id="scim-groups-table">
                <thead><tr><th>"Group"</th><th>"Role its members get"</th></tr></thead>
                <tbody>
                    {groups.into_iter().map(|g| {
                        let select_id = format!("scim-group-role-{}", g.group_id);
                        let gid = StoredValue::new(g.group_id.clone());
                        let current = move || choice.with(|c| gid.with_value(|g| c.get(g).cloned()).unwrap_or_default());
                        let gid_set = g.group_id.clone();
                        view! {
                            <tr class="scim-group" data-group-id=g.group_id.clone()>
                                <td><label for=select_id.clone() class="member-name">{g.group_name.clone()}</label></td>
                                <td>
                                    <select id=select_id class="scim-group-role" disabled=move || !can_update.get()
                                        on:change=move |ev| {
                                            let role = event_target_value(&ev);
                                            choice.update(|c| { c.insert(gid_set.clone(), role); });
                                        }>
                                        <option value="" selected=move || current().is_empty()>"No role"</option>
                                        {move || roles.get().into_iter().map(|r| {
                                            let selected = current() == r;
                                            view! { <option value=r.clone() selected=selected>{r.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || can_update.get()>
                <button id="scim-groups-save" type="submit" class="stytch-button small primary">"Save group roles"</button>
            </Show>
        </form>
    }
    .into_any()
}
