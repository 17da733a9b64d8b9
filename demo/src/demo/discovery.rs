//! Discovery: prove the email first (link or code), then enter one of its organizations or create a
//! new one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    DiscoveredOrganization, DiscoveryOrganizationsCreateRequest, EmailDiscoverySendRequest,
    ExchangeRequest, OtpEmailDiscoveryAuthenticateRequest, OtpEmailDiscoverySendRequest,
    use_stytch_b2b_client,
};

use super::login::{Discovered, LoginFlow, redirect_url, signed_in};
use super::sso;
use super::{InboxRefresh, OutcomeNotice, describe};

/// The first step: an email, then a discovery link or code.
#[component]
pub fn DiscoveryStart(on_back: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let client = use_stytch_b2b_client();
    let inbox = expect_context::<InboxRefresh>();
    let flow = expect_context::<LoginFlow>();
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // The address a discovery code went to; the code input checks codes against it.
    let code_sent_to = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, String>>);

    let run = Callback::new(move |job: Job| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        outcome.set(None);
        let client = client.clone();
        let address = email.get_untracked().trim().to_owned();
        spawn_local(async move {
            let result = match job {
                Job::SendLink => client
                    .magic_links()
                    .email()
                    .discovery()
                    .send(EmailDiscoverySendRequest {
                        email_address: address.clone(),
                        discovery_redirect_url: redirect_url(),
                        ..Default::default()
                    })
                    .await
                    .map(|_| {
                        Some(format!(
                            "A sign-in link is on its way to {address}. Open it from the inbox."
                        ))
                    }),
                Job::SendCode => client
                    .otps()
                    .email()
                    .discovery()
                    .send(OtpEmailDiscoverySendRequest {
                        email_address: address.clone(),
                        ..Default::default()
                    })
                    .await
                    .map(|_| {
                        code_sent_to.set(Some(address.clone()));
                        Some(format!(
                            "A code is on its way to {address}. Enter it below."
                        ))
                    }),
                Job::CheckCode(to, code) => client
                    .otps()
                    .email()
                    .discovery()
                    .authenticate(OtpEmailDiscoveryAuthenticateRequest {
                        code,
                        email_address: to,
                    })
                    .await
                    .map(|resp| {
                        // Unmounts this form in favour of the organization picker.
                        flow.discovered.set(Some(Discovered {
                            email: resp.email_address,
                            organizations: resp.discovered_organizations,
                        }));
                        None
                    }),
            };
            let sent_email = matches!(result, Ok(Some(_)));
            outcome.set(result.map_err(|e| describe(&e)).transpose());
            pending.set(false);
            if sent_email {
                inbox.0.update(|n| *n += 1);
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run.run(match code_sent_to.get_untracked() {
            Some(to) => Job::CheckCode(to, code.get_untracked().trim().to_owned()),
            None => Job::SendLink,
        });
    };

    view! {
        <form class="card login" id="discovery-form" on:submit=submit>
            <h1>"Sign in, then choose your organization"</h1>
            <p class="muted">
                "Prove your email once; we'll list the organizations you belong to or may join, and you can create a new one."
            </p>
            <label for="discovery-email">"Work email"</label>
            <input id="discovery-email" name="email" type="email" autocomplete="email" placeholder="you@example.com" required bind:value=email />
            <Show
                when=move || code_sent_to.with(Option::is_some)
                fallback=move || view! {
                    <div class="login-actions">
                        <button id="discovery-send-link" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                            "Email me a link"
                        </button>
                        <button id="discovery-send-code" type="button" class="stytch-button" disabled=move || pending.get()
                            on:click=move |_| run.run(Job::SendCode)>
                            "Email me a code"
                        </button>
                    </div>
                }
            >
                <label for="discovery-code">"Code from the email"</label>
                <input id="discovery-code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required bind:value=code />
                <div class="login-actions">
                    <button id="discovery-verify" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Checking…" } else { "Continue" }}
                    </button>
                    <button id="discovery-resend" type="button" class="stytch-button" disabled=move || pending.get()
                        on:click=move |_| {
                            code.set(String::new());
                            run.run(Job::SendCode);
                        }>
                        "Send a new code"
                    </button>
                </div>
            </Show>
            <OutcomeNotice outcome=outcome id="discovery" />
            <p class="or-divider muted">"or"</p>
            <sso::OauthButtons />
            <div class="login-alt">
                <button id="discovery-back" type="button" class="stytch-button link" on:click=move |_| on_back()>
                    "← Sign in to a specific organization"
                </button>
            </div>
        </form>
    }
}

/// One request of [`DiscoveryStart`].
#[derive(Debug, Clone)]
enum Job {
    SendLink,
    SendCode,
    CheckCode(String, String),
}

/// How the email relates to an organization, in words.
fn membership_label(org: &DiscoveredOrganization) -> String {
    match org.membership.kind.as_str() {
        "active_member" => "Member".to_owned(),
        "pending_member" => "Pending member".to_owned(),
        "invited_member" => "Invited".to_owned(),
        "eligible_to_join_by_email_domain" => "You can join with your email domain".to_owned(),
        "eligible_to_join_by_oauth_tenant" => "You can join with your OAuth tenant".to_owned(),
        other => other.replace('_', " "),
    }
}

/// The second step: the discovered organizations to enter, and a form to create a new one.
#[component]
pub fn OrganizationPicker(found: Discovered) -> impl IntoView {
    let client = use_stytch_b2b_client();
    let flow = expect_context::<LoginFlow>();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let new_name = RwSignal::new(String::new());
    let new_slug = RwSignal::new(String::new());

    let run = Callback::new(move |target: Target| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let client = client.clone();
        spawn_local(async move {
            let result = match target {
                Target::Existing(organization_id) => {
                    client
                        .discovery()
                        .intermediate_sessions()
                        .exchange(ExchangeRequest {
                            organization_id,
                            ..Default::default()
                        })
                        .await
                }
                Target::New { name, slug } => {
                    client
                        .discovery()
                        .organizations()
                        .create(DiscoveryOrganizationsCreateRequest {
                            organization_name: Some(name),
                            organization_slug: (!slug.is_empty()).then_some(slug),
                            ..Default::default()
                        })
                        .await
                }
            };
            match result.map_err(|e| describe(&e)).and_then(|r| signed_in(&r)) {
                // Signed in: the account replaces the login page.
                Ok(()) => flow.discovered.set(None),
                Err(e) => error.set(Some(e)),
            }
            pending.set(false);
        });
    });

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run.run(Target::New {
            name: new_name.get_untracked().trim().to_owned(),
            slug: new_slug.get_untracked().trim().to_owned(),
        });
    };

    let email = found.email.clone();
    let organizations = found.organizations;
    view! {
        <div class="card login picker" id="organization-picker">
            <h1>"Choose an organization"</h1>
            <p class="muted">"Email verified: " <strong id="discovered-email">{email}</strong></p>
            {if organizations.is_empty() {
                view! { <p id="discovered-none" class="muted">"No organization knows this email yet. Create one below."</p> }.into_any()
            } else {
                view! {
                    <ul class="discovered-orgs" id="discovered-orgs">
                        {organizations.into_iter().map(|d| {
                            let label = membership_label(&d);
                            let action = if d.membership.member.is_some() { "Continue" } else { "Join" };
                            let org = d.organization;
                            let id = org.organization_id;
                            let slug = org.organization_slug;
                            let slug_attr = slug.clone();
                            view! {
                                <li class="discovered-org" data-org-slug=slug_attr>
                                    <div>
                                        <div class="discovered-org-name">{org.organization_name}</div>
                                        <div class="muted discovered-org-membership">{label} " · " <code>{slug}</code></div>
                                    </div>
                                    <button type="button" class="stytch-button primary small discovered-org-enter"
                                        disabled=move || pending.get()
                                        on:click=move |_| run.run(Target::Existing(id.clone()))>
                                        {action}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || error.get().map(|e| view! { <p id="picker-error" class="error" role="alert">{e}</p> })}
            <form class="create-org" id="create-org-form" on:submit=create>
                <h2>"Create a new organization"</h2>
                <p class="muted">"You become its first admin."</p>
                <label for="create-org-name">"Organization name"</label>
                <input id="create-org-name" name="organization_name" required bind:value=new_name />
                <label for="create-org-slug">"Slug (optional)"</label>
                <input id="create-org-slug" name="organization_slug" placeholder="derived from the name" bind:value=new_slug />
                <button id="create-org-submit" type="submit" class="stytch-button" disabled=move || pending.get()>
                    "Create organization"
                </button>
            </form>
            <div class="login-alt">
                <button id="discovery-cancel" type="button" class="stytch-button link" on:click=move |_| flow.discovered.set(None)>
                    "← Start over"
                </button>
            </div>
        </div>
    }
}

/// Where [`OrganizationPicker`] sends the user.
#[derive(Debug, Clone)]
enum Target {
    Existing(String),
    New { name: String, slug: String },
}
