//! The members admin page: search with paging (`members().search`), invite
//! (`magic_links().email().invite`), edit roles (`members().update`), deactivate (`members().delete`)
//! and reactivate (`members().reactivate`). Each control needs its `stytch.member` action (`search`,
//! `create`, `update.settings.roles`, `delete`, and `create` again for reactivation) and is hidden
//! without it. Admins also get "Impersonate", a demo-only stand-in for Stytch's dashboard button: it asks
//! the emulator's control API for an impersonation link and opens it.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    Authorized, EmailInviteRequest, Member, MemberSearchFilter, RbacPolicy, SearchMembersRequest,
    SearchMembersResponse, SearchQuery, StytchB2BClient, UpdateMemberRequest,
    use_stytch_b2b_client, use_stytch_is_authorized, use_stytch_member, use_stytch_organization,
};

use crate::demo::{API_URL, InboxRefresh, Outcome, OutcomeNotice, describe};

const MEMBER: &str = "stytch.member";
/// Small on purpose, so the demo's few members already span pages.
const PAGE_SIZE: u32 = 5;
/// Every role holds this one implicitly; Stytch refuses it in an explicit role list.
const DEFAULT_ROLE: &str = "stytch_member";
const STATUSES: [&str; 4] = ["active", "invited", "pending", "deleted"];

/// The search as submitted: a fuzzy email match and a status filter (`""`: every status but
/// `deleted`, Stytch's default; `"any"`: every status).
#[derive(Debug, Clone, Default, PartialEq)]
struct Filter {
    email: String,
    status: String,
}

impl Filter {
    fn query(&self) -> Option<SearchQuery> {
        let mut operands = Vec::new();
        if !self.email.is_empty() {
            operands.push(MemberSearchFilter::MemberEmailFuzzy(self.email.clone()));
        }
        match self.status.as_str() {
            "" => {}
            "any" => operands.push(MemberSearchFilter::Statuses(
                STATUSES.iter().map(|s| (*s).to_owned()).collect(),
            )),
            one => operands.push(MemberSearchFilter::Statuses(vec![one.to_owned()])),
        }
        (!operands.is_empty()).then(|| SearchQuery::all(operands))
    }
}

/// The roles an admin can hand out: the project policy's and the organization's custom roles,
/// without the implicit `stytch_member`.
pub(crate) async fn assignable_roles(
    client: &StytchB2BClient,
    custom_roles: &[serde_json::Value],
) -> Vec<String> {
    let bootstrap = client.bootstrap_config().await;
    RbacPolicy::from_value(bootstrap.rbac_policy.as_ref())
        .map(|p| p.with_custom_roles(custom_roles).roles)
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.role_id)
        .filter(|id| id != DEFAULT_ROLE)
        .collect()
}

/// The roles assigned to the member directly (not through an email domain or SSO), which are the
/// ones `members().update { roles }` replaces.
fn explicit_roles(member: &Member) -> BTreeSet<String> {
    member
        .roles
        .iter()
        .filter(|r| r.role_id != DEFAULT_ROLE)
        .filter(|r| {
            r.sources.is_empty()
                || r.sources
                    .iter()
                    .any(|s| s["type"].as_str() == Some("direct_assignment"))
        })
        .map(|r| r.role_id.clone())
        .collect()
}

#[component]
pub fn MembersAdmin() -> impl IntoView {
    view! {
        <Authorized
            resource=MEMBER
            action="search"
            fallback=|| view! { <p class="muted" id="members-forbidden">"Your roles do not allow listing members."</p> }
        >
            <MembersPage />
        </Authorized>
    }
}

#[component]
fn MembersPage() -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let organization = use_stytch_organization();
    let me = use_stytch_member();
    let can_edit_roles = use_stytch_is_authorized(MEMBER, "update.settings.roles");
    let can_delete = use_stytch_is_authorized(MEMBER, "delete");
    let can_reactivate = use_stytch_is_authorized(MEMBER, "create");

    let email_input = RwSignal::new(String::new());
    let status_input = RwSignal::new(String::new());
    let filter = RwSignal::new(Filter::default());
    // The cursor of every page up to the current one (`None` for the first).
    let cursors = RwSignal::new(vec![None::<String>]);
    let page = RwSignal::new(None::<Result<SearchMembersResponse, String>>);
    let loading = RwSignal::new(false);
    // Only the newest search may fill the table.
    let generation = StoredValue::new(0u32);
    let notice = RwSignal::new(Outcome::None);
    let editing = RwSignal::new(None::<String>);
    let roles = RwSignal::new(Vec::<String>::new());

    let load = move || {
        let request = SearchMembersRequest {
            cursor: cursors.with_untracked(|c| c.last().cloned().flatten()),
            limit: Some(PAGE_SIZE),
            query: filter.with_untracked(Filter::query),
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        spawn_local(async move {
            let result = client
                .get_value()
                .organization()
                .members()
                .search(request)
                .await;
            if generation.get_value() == mine {
                page.set(Some(result.map_err(|e| describe(&e))));
                loading.set(false);
            }
        });
    };
    load();
    spawn_local(async move {
        let custom = organization
            .value
            .with_untracked(|o| o.as_ref().map(|o| o.custom_roles.clone()))
            .unwrap_or_default();
        roles.set(assignable_roles(&client.get_value(), &custom).await);
    });

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        filter.set(Filter {
            email: email_input.get_untracked().trim().to_owned(),
            status: status_input.get_untracked(),
        });
        cursors.set(vec![None]);
        editing.set(None);
        load();
    };
    let next = move |_| {
        let Some(cursor) = page.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.as_ref().ok())
                .and_then(|p| p.results_metadata.next_cursor.clone())
        }) else {
            return;
        };
        cursors.update(|c| c.push(Some(cursor)));
        load();
    };
    let previous = move |_| {
        if cursors.with_untracked(Vec::len) > 1 {
            cursors.update(|c| {
                c.pop();
            });
            load();
        }
    };

    // Runs a member action, reports it and reloads the current page.
    let act = move |label: String, action: MemberAction| {
        notice.set(None);
        spawn_local(async move {
            let members = client.get_value().organization().members();
            let result = match &action {
                MemberAction::Deactivate(id) => members.delete(id).await.map(drop),
                MemberAction::Reactivate(id) => members.reactivate(id).await.map(drop),
            };
            notice.set(Some(
                result
                    .map(|()| match action {
                        MemberAction::Deactivate(_) => format!("{label} was deactivated."),
                        MemberAction::Reactivate(_) => format!("{label} was reactivated."),
                    })
                    .map_err(|e| describe(&e)),
            ));
            load();
        });
    };
    let roles_saved = Callback::new(move |result: Result<String, String>| {
        let ok = result.is_ok();
        notice.set(Some(result));
        if ok {
            editing.set(None);
            load();
        }
    });

    let my_id = move || me.value.with(|m| m.as_ref().map(|m| m.member_id.clone()));

    let row = move |m: Member| {
        let id = m.member_id.clone();
        let label = if m.name.is_empty() {
            m.email_address.clone()
        } else {
            m.name.clone()
        };
        let deleted = m.status == "deleted";
        let is_me = my_id().as_deref() == Some(id.as_str());
        let role_list = m
            .roles
            .iter()
            .map(|r| r.role_id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let editor_member = m.clone();
        let target = m.clone();
        let is_admin = me
            .value
            .with(|me| me.as_ref().is_some_and(|me| me.is_admin));
        let active = m.status == "active";
        let (edit_id, deactivate_id, reactivate_id, editor_id) =
            (id.clone(), id.clone(), id.clone(), id.clone());
        let (deactivate_label, reactivate_label) = (label.clone(), label.clone());
        view! {
            <tr class="member-row" data-member-id=id.clone() data-email=m.email_address.clone() data-status=m.status.clone()>
                <td>
                    <div class="member-name">{label}</div>
                    <div class="member-email muted">{m.email_address.clone()}</div>
                </td>
                <td><span class=format!("status status-{}", m.status)>{m.status.clone()}</span></td>
                <td class="member-roles">{role_list}</td>
                <td class="member-actions">
                    <Show when=move || can_edit_roles.get() && !deleted>
                        <button type="button" class="stytch-button small member-edit-roles" on:click={
                            let id = edit_id.clone();
                            move |_| editing.update(|e| *e = if e.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) })
                        }>"Roles"</button>
                    </Show>
                    // Deactivating oneself would end this session: that is not an admin action here.
                    <Show when=move || can_delete.get() && !deleted && !is_me>
                        <button type="button" class="stytch-button small danger member-deactivate" on:click={
                            let (id, label) = (deactivate_id.clone(), deactivate_label.clone());
                            move |_| act(label.clone(), MemberAction::Deactivate(id.clone()))
                        }>"Deactivate"</button>
                    </Show>
                    <Show when=move || is_admin && active && !is_me>
                        <button type="button" class="stytch-button small member-impersonate" title="Demo only: the emulator stands in for Stytch's dashboard" on:click={
                            let target = target.clone();
                            move |_| {
                                let target = target.clone();
                                spawn_local(async move {
                                    let Some(me) = me.value.get_untracked() else { return };
                                    match impersonation_link(&me, &target).await {
                                        Ok(url) => {
                                            if let Some(w) = web_sys::window() {
                                                let _ = w.location().assign(&url);
                                            }
                                        }
                                        Err(e) => notice.set(Some(Err(e))),
                                    }
                                });
                            }
                        }>"Impersonate (demo)"</button>
                    </Show>
                    <Show when=move || can_reactivate.get() && deleted>
                        <button type="button" class="stytch-button small member-reactivate" on:click={
                            let (id, label) = (reactivate_id.clone(), reactivate_label.clone());
                            move |_| act(label.clone(), MemberAction::Reactivate(id.clone()))
                        }>"Reactivate"</button>
                    </Show>
                </td>
            </tr>
            <Show when=move || editing.with(|e| e.as_deref() == Some(editor_id.as_str()))>
                <tr class="roles-editor-row">
                    <td colspan="4">
                        <RolesEditor
                            member=editor_member.clone()
                            choices=roles
                            is_me=is_me
                            on_saved=roles_saved
                            on_cancel=Callback::new(move |()| editing.set(None))
                        />
                    </td>
                </tr>
            </Show>
        }
    };

    view! {
        <section class="members-admin" id="members-admin">
            <h2>"Members"</h2>
            <form class="members-search" on:submit=search>
                <input
                    id="members-query"
                    type="search"
                    placeholder="Email contains… (3+ characters)"
                    aria-label="Email contains"
                    bind:value=email_input
                />
                <select
                    id="members-status-filter"
                    aria-label="Status"
                    prop:value=move || status_input.get()
                    on:change=move |ev| status_input.set(event_target_value(&ev))
                >
                    <option value="">"Current members"</option>
                    <option value="active">"Active"</option>
                    <option value="invited">"Invited"</option>
                    <option value="pending">"Pending"</option>
                    <option value="deleted">"Deactivated"</option>
                    <option value="any">"Everyone"</option>
                </select>
                <button id="members-search" type="submit" class="stytch-button small">"Search"</button>
            </form>
            <OutcomeNotice outcome=notice id="members" />
            {move || match page.get() {
                None => view! { <p class="muted">"Loading members…"</p> }.into_any(),
                Some(Err(msg)) => view! { <p id="members-search-error" class="error" role="alert">{msg}</p> }.into_any(),
                Some(Ok(result)) => {
                    let total = result.results_metadata.total;
                    let has_next = result.results_metadata.next_cursor.is_some();
                    let count = result.members.len();
                    view! {
                        {if result.members.is_empty() {
                            view! { <p class="muted" id="members-empty">"No member matches."</p> }.into_any()
                        } else {
                            view! {
                                <table class="members" id="members-table">
                                    <thead>
                                        <tr><th>"Member"</th><th>"Status"</th><th>"Roles"</th><th></th></tr>
                                    </thead>
                                    <tbody>{result.members.into_iter().map(row).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                        <div class="pager">
                            <button id="members-prev" type="button" class="stytch-button small" on:click=previous
                                disabled=move || loading.get() || cursors.with(Vec::len) <= 1>"Previous"</button>
                            <span id="members-page" class="muted">
                                {move || {
                                    let n = cursors.with(Vec::len);
                                    let first = (n - 1) * PAGE_SIZE as usize;
                                    if count == 0 {
                                        format!("Page {n} · {total} in all")
                                    } else {
                                        format!("Page {n} · {}–{} of {total}", first + 1, first + count)
                                    }
                                }}
                            </span>
                            <button id="members-next" type="button" class="stytch-button small" on:click=next
                                disabled=move || loading.get() || !has_next>"Next"</button>
                        </div>
                    }.into_any()
                }
            }}
            <Authorized resource=MEMBER action="create">
                <InviteForm on_invited=Callback::new(move |()| load()) />
            </Authorized>
        </section>
    }
}

enum MemberAction {
    Deactivate(String),
    Reactivate(String),
}

/// The link Stytch's dashboard would open: `POST /emulator/v1/impersonation_tokens` (the emulator's control
/// API; Stytch itself mints these tokens only in its dashboard).
async fn impersonation_link(me: &Member, member: &Member) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Minted {
        url: String,
    }
    let body = serde_json::json!({
        "organization_id": member.organization_id,
        "member_id": member.member_id,
        "impersonator_email_address": me.email_address,
        "reason": "Demo: an admin looks at a member's account",
    });
    let resp =
        gloo_net::http::Request::post(&format!("{API_URL}/emulator/v1/impersonation_tokens"))
            .json(&body)
            .map_err(|e| e.to_string())?
            .send()
            .await
            .map_err(|_| format!("The emulator at {API_URL} is not answering."))?;
    if !resp.ok() {
        let text = resp.text().await.unwrap_or_default();
        return Err(format!("The emulator refused: {text}"));
    }
    let minted: Minted = resp.json().await.map_err(|e| e.to_string())?;
    Ok(minted.url)
}

/// Checkboxes for the roles of the policy; saving replaces the member's explicit roles.
#[component]
fn RolesEditor(
    member: Member,
    choices: RwSignal<Vec<String>>,
    /// Editing one's own roles: the session is re-authenticated afterwards, so its roles (and every
    /// permission check on the page) follow at once.
    is_me: bool,
    on_saved: Callback<Result<String, String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let selected = RwSignal::new(explicit_roles(&member));
    let pending = RwSignal::new(false);
    let member_id = member.member_id.clone();
    let label = if member.name.is_empty() {
        member.email_address.clone()
    } else {
        member.name.clone()
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        let request = UpdateMemberRequest {
            member_id: member_id.clone(),
            roles: Some(selected.get_untracked().into_iter().collect()),
            ..Default::default()
        };
        let label = label.clone();
        spawn_local(async move {
            let client = client.get_value();
            let mut result = client
                .organization()
                .members()
                .update(request)
                .await
                .map(|_| format!("The roles of {label} were saved."))
                .map_err(|e| describe(&e));
            if result.is_ok()
                && is_me
                && let Err(e) = client.session().authenticate(None).await
            {
                result = Err(describe(&e));
            }
            pending.set(false);
            on_saved.run(result);
        });
    };

    view! {
        <form class="roles-editor" on:submit=save>
            <fieldset>
                <legend>"Roles"</legend>
                <label class="role-choice">
                    <input type="checkbox" checked disabled />
                    <span>{DEFAULT_ROLE} <span class="muted">" (every member)"</span></span>
                </label>
                <For each=move || choices.get() key=|r| r.clone() let:role>
                    {
                        let (for_checked, for_toggle) = (role.clone(), role.clone());
                        view! {
                            <label class="role-choice">
                                <input
                                    type="checkbox"
                                    id=format!("role-{role}")
                                    data-role=role.clone()
                                    prop:checked=move || selected.with(|s| s.contains(&for_checked))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.update(|s| {
                                            if on { s.insert(for_toggle.clone()); } else { s.remove(&for_toggle); }
                                        });
                                    }
                                />
                                <span>{role.clone()}</span>
                            </label>
                        }
                    }
                </For>
            </fieldset>
            <div class="row">
                <button id="roles-save" type="submit" class="stytch-button small primary" disabled=move || pending.get()>"Save roles"</button>
                <button id="roles-cancel" type="button" class="stytch-button small" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// Invites someone by email (`magic_links().email().invite`); the invitation lands in the inbox.
#[component]
fn InviteForm(on_invited: Callback<()>) -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let inbox = expect_context::<InboxRefresh>();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::None);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let address = email.get_untracked().trim().to_owned();
        let name = name.get_untracked().trim().to_owned();
        let redirect = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .map(|o| format!("{o}/"));
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = client
                .get_value()
                .magic_links()
                .email()
                .invite(EmailInviteRequest {
                    email_address: address.clone(),
                    name: (!name.is_empty()).then_some(name),
                    invite_redirect_url: redirect,
                    ..Default::default()
                })
                .await;
            let ok = result.is_ok();
            outcome.set(Some(
                result
                    .map(|_| format!("An invitation is on its way to {address}."))
                    .map_err(|e| describe(&e)),
            ));
            pending.set(false);
            if ok {
                email.set(String::new());
                inbox.0.update(|n| *n += 1);
                on_invited.run(());
            }
        });
    };

    view! {
        <form class="invite" id="invite-form" on:submit=submit>
            <h3>"Invite a member"</h3>
            <div class="row">
                <input id="invite-email" type="email" required placeholder="colleague@example.com" aria-label="Email" bind:value=email />
                <input id="invite-name" placeholder="Name (optional)" aria-label="Name" bind:value=name />
                <button id="invite-submit" type="submit" class="stytch-button small primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Sending…" } else { "Send invite" }}
                </button>
            </div>
            <OutcomeNotice outcome=outcome id="invite" />
        </form>
    }
}
