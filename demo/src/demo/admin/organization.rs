//! Organization settings: name, slug, allowed email domains, email JIT provisioning and invites, the MFA
//! policy and methods, saved with `organization().update`. Each field is editable only with its `stytch.organization`
//! action (semantics §1.5), and only the fields that changed are sent, so a member allowed to rename
//! the organization but not to change its domains can still save.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    Organization, UpdateOrganizationRequest, use_stytch_b2b_client, use_stytch_is_authorized,
    use_stytch_organization,
};

use crate::demo::{Outcome, OutcomeNotice, describe};

const ORGANIZATION: &str = "stytch.organization";

/// The form's values, as text.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    name: String,
    slug: String,
    domains: String,
    jit: String,
    invites: String,
    mfa_policy: String,
    /// `all`, `totp` or `sms_otp`: `mfa_methods` and `allowed_mfa_methods` as one choice.
    mfa_methods: String,
}

impl Draft {
    fn of(org: &Organization) -> Self {
        Self {
            name: org.organization_name.clone(),
            slug: org.organization_slug.clone(),
            domains: org.email_allowed_domains.join(", "),
            jit: org.email_jit_provisioning.clone(),
            invites: org.email_invites.clone(),
            mfa_policy: org.mfa_policy.clone(),
            mfa_methods: mfa_methods_choice(org),
        }
    }

    /// The update for the fields that differ from `org` (all `None` when nothing changed).
    fn changes(&self, org: &Organization) -> UpdateOrganizationRequest {
        let changed = |new: &str, old: &str| (new.trim() != old).then(|| new.trim().to_owned());
        let domains = parse_domains(&self.domains);
        UpdateOrganizationRequest {
            organization_name: changed(&self.name, &org.organization_name),
            organization_slug: changed(&self.slug, &org.organization_slug),
            email_allowed_domains: (domains != org.email_allowed_domains).then_some(domains),
            email_jit_provisioning: changed(&self.jit, &org.email_jit_provisioning),
            email_invites: changed(&self.invites, &org.email_invites),
            mfa_policy: changed(&self.mfa_policy, &org.mfa_policy),
            mfa_methods: (self.mfa_methods != mfa_methods_choice(org)).then(|| {
                if self.mfa_methods == "all" {
                    "ALL_ALLOWED"
                } else {
                    "RESTRICTED"
                }
                .to_owned()
            }),
            allowed_mfa_methods: (self.mfa_methods != mfa_methods_choice(org)
                && self.mfa_methods != "all")
                .then(|| vec![self.mfa_methods.clone()]),
            ..Default::default()
        }
    }
}

/// The organization's MFA methods as one of the form's choices.
fn mfa_methods_choice(org: &Organization) -> String {
    match (org.mfa_methods.as_str(), org.allowed_mfa_methods.as_slice()) {
        ("RESTRICTED", [only]) => only.clone(),
        _ => "all".to_owned(),
    }
}

/// `example.com, Example.org  x.test` → `["example.com", "example.org", "x.test"]`.
fn parse_domains(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[component]
pub fn OrganizationSettings() -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let organization = use_stytch_organization();
    let can = |action: &str| use_stytch_is_authorized(ORGANIZATION, action);
    let can_name = can("update.info.name");
    let can_slug = can("update.info.slug");
    let can_domains = can("update.settings.allowed-domains");
    let can_jit = can("update.settings.email-jit-provisioning");
    let can_invites = can("update.settings.email-invites");
    let can_mfa_policy = can("update.settings.mfa-policy");
    let can_mfa_methods = can("update.settings.allowed-mfa-methods");
    let can_any = Signal::derive(move || {
        [
            can_name,
            can_slug,
            can_domains,
            can_jit,
            can_invites,
            can_mfa_policy,
            can_mfa_methods,
        ]
        .iter()
        .any(|c| c.get())
    });

    let draft = RwSignal::new(Draft::default());
    // The form follows the stored organization: filled at once, and again after every save.
    Effect::new(move |_| {
        if let Some(org) = organization.value.get() {
            draft.set(Draft::of(&org));
        }
    });
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::None);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(org) = organization.value.get_untracked() else {
            return;
        };
        let request = draft.with_untracked(|d| d.changes(&org));
        if request == UpdateOrganizationRequest::default() {
            outcome.set(Some(Ok("Nothing to save: no setting changed.".to_owned())));
            return;
        }
        pending.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = client.get_value().organization().update(request).await;
            outcome.set(Some(
                result
                    .map(|o| format!("Saved the settings of {}.", o.organization_name))
                    .map_err(|e| describe(&e)),
            ));
            pending.set(false);
        });
    };

    // One text field bound to a part of the draft.
    let text = move |id: &'static str,
                     label: &'static str,
                     allowed: Signal<bool>,
                     get: fn(&Draft) -> String,
                     set: fn(&mut Draft, String)| {
        view! {
            <label for=id>{label}</label>
            <input
                id=id
                prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))
                disabled=move || !allowed.get()
                title=move || (!allowed.get()).then_some("Your roles do not allow changing this.")
            />
        }
    };
    let choice = move |id: &'static str,
                       label: &'static str,
                       allowed: Signal<bool>,
                       options: &'static [(&'static str, &'static str)],
                       get: fn(&Draft) -> String,
                       set: fn(&mut Draft, String)| {
        view! {
            <label for=id>{label}</label>
            <select
                id=id
                prop:value=move || draft.with(get)
                on:change=move |ev| draft.update(|d| set(d, event_target_value(&ev)))
                disabled=move || !allowed.get()
                title=move || (!allowed.get()).then_some("Your roles do not allow changing this.")
            >
                {options
                    .iter()
                    .map(|(value, text)| {
                        view! {
                            <option value=*value selected=move || draft.with(get) == *value>
                                {*text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
    };

    view! {
        <form class="settings" id="org-settings" on:submit=save>
            <h2>"Organization settings"</h2>
            <Show when=move || !can_any.get()>
                <p class="muted" id="org-settings-readonly">
                    "Your roles let you see these settings but not change them."
                </p>
            </Show>
            <div class="settings-grid">
                {text("org-settings-name", "Name", can_name, |d| d.name.clone(), |d, v| d.name = v)}
                {text("org-settings-slug", "Slug", can_slug, |d| d.slug.clone(), |d, v| d.slug = v)}
                {text(
                    "org-settings-domains",
                    "Allowed email domains",
                    can_domains,
                    |d| d.domains.clone(),
                    |d, v| d.domains = v,
                )}
                {choice(
                    "org-settings-jit",
                    "Email JIT provisioning",
                    can_jit,
                    &[
                        ("RESTRICTED", "Anyone with an allowed domain may join"),
                        ("NOT_ALLOWED", "Invitation only"),
                    ],
                    |d| d.jit.clone(),
                    |d, v| d.jit = v,
                )}
                {choice(
                    "org-settings-invites",
                    "Email invites",
                    can_invites,
                    &[
                        ("ALL_ALLOWED", "Any email address"),
                        ("RESTRICTED", "Allowed domains only"),
                        ("NOT_ALLOWED", "No invites"),
                    ],
                    |d| d.invites.clone(),
                    |d, v| d.invites = v,
                )}
                {choice(
                    "org-settings-mfa-policy",
                    "Multi-factor authentication",
                    can_mfa_policy,
                    &[
                        ("OPTIONAL", "Optional: each member chooses"),
                        ("REQUIRED_FOR_ALL", "Require MFA for everyone"),
                    ],
                    |d| d.mfa_policy.clone(),
                    |d, v| d.mfa_policy = v,
                )}
                {choice(
                    "org-settings-mfa-methods",
                    "Second factors allowed",
                    can_mfa_methods,
                    &[
                        ("all", "Authenticator app or text message"),
                        ("totp", "Authenticator app only"),
                        ("sms_otp", "Text message only"),
                    ],
                    |d| d.mfa_methods.clone(),
                    |d, v| d.mfa_methods = v,
                )}
            </div>
            <Show when=move || can_any.get()>
                <button id="org-settings-save" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save settings" }}
                </button>
            </Show>
            <OutcomeNotice outcome=outcome id="org-settings" />
        </form>
    }
}
