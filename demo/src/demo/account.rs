//! The signed-in view: member, organization, session, tokens, logout, and the admin pages (organization
//! settings, members, SSO, directory sync) behind a small tab bar.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    Authorized, GetSessionTokens, RevokeOptions, use_stytch_b2b_client, use_stytch_member,
    use_stytch_member_session, use_stytch_organization,
};

use super::admin::{MembersAdmin, OrganizationSettings};
use super::connected_apps::ConnectedAppsCard;
use super::describe;
use super::mfa::SecondFactors;
use super::scim::ScimAdmin;
use super::sso::SsoConnections;

/// The pages of the signed-in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Account,
    Organization,
    Members,
    Sso,
    Scim,
}

#[component]
pub fn Account() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let member = use_stytch_member();
    let error = RwSignal::new(None::<String>);
    let logging_out = RwSignal::new(false);
    let tab = RwSignal::new(Tab::Account);

    let logout = move |_| {
        logging_out.set(true);
        let client = client.clone();
        spawn_local(async move {
            // force_clear: the user asked to leave; leave locally even if the API is unreachable.
            if let Err(e) = client
                .session()
                .revoke(RevokeOptions { force_clear: true })
                .await
            {
                error.set(Some(describe(&e)));
            }
            logging_out.set(false);
        });
    };

    let field = |f: fn(&leptos_stytch::Member) -> String| {
        move || member.value.with(|m| m.as_ref().map(f).unwrap_or_default())
    };

    view! {
        <div class="card account">
            <div class="account-head">
                <div>
                    <h1 id="member-name">{field(|m| if m.name.is_empty() { m.email_address.clone() } else { m.name.clone() })}</h1>
                    <p class="muted" id="member-email">{field(|m| m.email_address.clone())}</p>
                </div>
                <button id="logout" type="button" class="stytch-button" on:click=logout disabled=move || logging_out.get()>
                    "Log out"
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <ImpersonationBanner />
            <nav class="tabs" role="tablist">
                <TabButton tab=tab this=Tab::Account id="tab-account" label="Account" />
                <TabButton tab=tab this=Tab::Organization id="tab-organization" label="Organization" />
                // Members without `search` never see the members page; the page guards itself too.
                <Authorized resource="stytch.member" action="search">
                    <TabButton tab=tab this=Tab::Members id="tab-members" label="Members" />
                </Authorized>
                <Authorized resource="stytch.sso" action="get">
                    <TabButton tab=tab this=Tab::Sso id="tab-sso" label="SSO" />
                </Authorized>
                <Authorized resource="stytch.scim" action="get">
                    <TabButton tab=tab this=Tab::Scim id="tab-scim" label="Directory sync" />
                </Authorized>
            </nav>
            {move || match tab.get() {
                Tab::Account => view! { <SessionFacts /> <SecondFactors /> <ConnectedAppsCard /> }.into_any(),
                Tab::Organization => view! { <OrganizationSettings /> }.into_any(),
                Tab::Members => view! { <MembersAdmin /> }.into_any(),
                Tab::Sso => view! { <SsoConnections /> }.into_any(),
                Tab::Scim => view! { <ScimAdmin /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn TabButton(
    tab: RwSignal<Tab>,
    this: Tab,
    id: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <button
            id=id
            type="button"
            role="tab"
            class="tab"
            class:active=move || tab.get() == this
            aria-selected=move || (tab.get() == this).to_string()
            on:click=move |_| tab.set(this)
        >
            {label}
        </button>
    }
}

/// Says so when the session is an impersonation (its one factor is `impersonated`), naming who opened it.
#[component]
fn ImpersonationBanner() -> impl IntoView {
    let session = use_stytch_member_session();
    let impersonator = move || {
        session.value.with(|s| {
            s.as_ref()?
                .authentication_factors
                .iter()
                .find(|f| f.kind == "impersonated")
                .map(|f| {
                    f.details
                        .get("impersonated_factor")
                        .and_then(|d| d.get("impersonator_email_address"))
                        .and_then(|e| e.as_str())
                        .unwrap_or("someone")
                        .to_owned()
                })
        })
    };
    move || {
        impersonator().map(|who| {
            view! {
                <p class="notice impersonation" id="impersonation-banner" role="status">
                    {format!("Impersonated by {who}. This session lasts at most 60 minutes and cannot be extended.")}
                </p>
            }
        })
    }
}

/// The member's organization and session, as the client stores them.
#[component]
fn SessionFacts() -> impl IntoView {
    let member = use_stytch_member();
    let organization = use_stytch_organization();
    let session = use_stytch_member_session();
    let field = |f: fn(&leptos_stytch::Member) -> String| {
        move || member.value.with(|m| m.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <dl class="facts">
            <dt>"Organization"</dt>
            <dd id="org-name">{move || organization.value.with(|o| o.as_ref().map(|o| format!("{} ({})", o.organization_name, o.organization_slug)).unwrap_or_default())}</dd>
            <dt>"Status"</dt>
            <dd id="member-status">{field(|m| m.status.clone())}</dd>
            <dt>"Roles"</dt>
            <dd id="member-roles">{move || session.value.with(|s| s.as_ref().map(|s| s.roles.join(", ")).unwrap_or_default())}</dd>
            <dt>"Session"</dt>
            <dd id="session-id" class="mono">{move || session.value.with(|s| s.as_ref().map(|s| s.member_session_id.clone()).unwrap_or_default())}</dd>
            <dt>"Expires"</dt>
            <dd id="session-expires">{move || session.value.with(|s| s.as_ref().map(|s| s.expires_at.clone()).unwrap_or_default())}</dd>
            <dt>"Factors"</dt>
            <dd id="session-factors">{move || session.value.with(|s| s.as_ref().map(|s| s.authentication_factors.iter().map(|f| format!("{} ({})", f.kind, f.delivery_method)).collect::<Vec<_>>().join(", ")).unwrap_or_default())}</dd>
            <dt>"From cache"</dt>
            <dd id="session-from-cache">{move || session.from_cache.get().to_string()}</dd>
        </dl>
    }
}

/// `<GetSessionTokens/>`, shown signed in and signed out alike: signed out it finds nothing.
#[component]
pub fn TokensCard() -> impl IntoView {
    view! {
        <div class="card">
            <h2>"Session tokens"</h2>
            <p class="muted">
                "Read from the " <code>"stytch_session"</code> " and " <code>"stytch_session_jwt"</code>
                " cookies. Send the JWT to your backend."
            </p>
            <GetSessionTokens fallback=|| {
                view! { <p id="no-tokens" class="muted">"No session tokens are readable here."</p> }
            } />
        </div>
    }
}
