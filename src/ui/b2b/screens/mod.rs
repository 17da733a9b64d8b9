//! The screens of `<StytchB2B>`, one component each, by step of the flow; the pieces they share live
//! here.

mod discovery;
mod email;
mod end;
mod mfa;
mod passwords;

use discovery::*;
use email::*;
use end::*;
use mfa::*;
use passwords::*;

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::core::discovery::{DiscoveredOrganization, ExchangeRequest};
use crate::core::error::StytchError;
use crate::core::magic_links::{EmailDiscoverySendRequest, EmailLoginOrSignupRequest};
use crate::core::mfa::MfaMethod;
use crate::core::oauth::{OauthDiscoveryStartRequest, OauthProviderClient, OauthStartRequest};
use crate::core::otps::{
    OtpEmailAuthenticateRequest, OtpEmailDiscoveryAuthenticateRequest,
    OtpEmailDiscoverySendRequest, OtpEmailLoginOrSignupRequest, OtpSmsAuthenticateRequest,
    OtpSmsSendRequest,
};
use crate::core::passwords::{
    PasswordAuthenticateRequest, PasswordResetByEmailRequest, PasswordResetByEmailStartRequest,
};
use crate::core::recovery_codes::RecoveryCodesRecoverRequest;
use crate::core::totp::{TotpAuthenticateRequest, TotpCreateRequest};

use super::config::{B2BProduct, OauthProvider, StytchEventType};
use super::flow::{
    self, AfterPrimary, DiscoveryChoice, ErrorKind, MainLayout, MainSection, ResetToken, Screen,
};
use super::{Ctx, use_ctx};

/// How long a resend button stays locked after an email or text went out.
const RESEND_LOCK: Duration = Duration::from_secs(15);

pub(super) fn render(screen: Screen) -> AnyView {
    match screen {
        Screen::Loading => view! { <Spinner text_id="loading.label" /> }.into_any(),
        Screen::LoggingIn => view! { <Spinner text_id="login.loading" /> }.into_any(),
        Screen::Main => view! { <Main /> }.into_any(),
        Screen::EmailMethodSelection { email } => {
            view! { <EmailMethodSelection email=email /> }.into_any()
        }
        Screen::EmailConfirmation { email } => {
            view! { <EmailConfirmation email=email /> }.into_any()
        }
        Screen::EmailOtpEntry { email } => view! { <EmailOtpEntry email=email /> }.into_any(),
        Screen::PasswordAuthenticate { email } => {
            view! { <PasswordAuthenticate email=email /> }.into_any()
        }
        Screen::PasswordForgot { email } => view! { <PasswordForgot email=email /> }.into_any(),
        Screen::PasswordResetSent { email } => {
            view! { <PasswordResetSent email=email /> }.into_any()
        }
        Screen::PasswordReset { token } => view! { <PasswordReset token=token /> }.into_any(),
        Screen::MfaEnrollSelection { methods } => {
            view! { <MfaEnrollSelection methods=methods /> }.into_any()
        }
        Screen::TotpEnroll => view! { <TotpEnroll /> }.into_any(),
        Screen::SmsEnroll => view! { <SmsEnroll /> }.into_any(),
        Screen::SmsEntry { phone_number, sent } => {
            view! { <SmsEntry phone_number=phone_number sent=sent /> }.into_any()
        }
        Screen::TotpEntry => view! { <TotpEntry /> }.into_any(),
        Screen::RecoveryCodeEntry => view! { <RecoveryCodeEntry /> }.into_any(),
        Screen::Discovery {
            email,
            organizations,
        } => view! { <Discovery email=email organizations=organizations /> }.into_any(),
        Screen::RecoveryCodeSave { codes } => view! { <RecoveryCodeSave codes=codes /> }.into_any(),
        Screen::Error { kind, can_go_back } => {
            view! { <ErrorScreen kind=kind can_go_back=can_go_back /> }.into_any()
        }
        Screen::Success => view! { <Success /> }.into_any(),
    }
}

#[component]
fn Title(text: String) -> impl IntoView {
    // Focusable from script only: screens without a field move the focus here.
    view! { <h1 class="st-title" id="st-title" tabindex="-1">{text}</h1> }
}

#[component]
fn Text(text: String) -> impl IntoView {
    view! { <p class="st-text">{text}</p> }
}

/// The catalogue's `id` with its one `{name}` placeholder filled with `value` in bold (the address a
/// message went to), as the screens of Stytch's UI show it.
#[component]
fn TextWith(id: &'static str, name: &'static str, value: String) -> impl IntoView {
    let text = use_ctx().t(id);
    let placeholder = format!("{{{name}}}");
    match text.split_once(&placeholder) {
        Some((before, after)) => view! {
            <p class="st-text">{before.to_owned()}<strong>{value}</strong>{after.to_owned()}</p>
        }
        .into_any(),
        None => view! { <p class="st-text">{text}</p> }.into_any(),
    }
}

/// The screen's error, announced when it appears.
#[component]
fn Alert(alert: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        alert
            .get()
            .map(|message| view! { <p class="st-error" role="alert" id="st-error">{message}</p> })
    }
}

#[component]
fn Spinner(text_id: &'static str) -> impl IntoView {
    let text = use_ctx().t(text_id);
    view! {
        <div class="st-loading" role="status">
            <span class="st-spinner" aria-hidden="true"></span>
            <span>{text}</span>
        </div>
    }
}

#[component]
fn Divider() -> impl IntoView {
    let text = use_ctx().t("methodDivider.text");
    view! {
        <div class="st-divider">
            <hr aria-hidden="true" />
            <span>{text}</span>
            <hr aria-hidden="true" />
        </div>
    }
}

/// "Go back", when there is somewhere to go back to.
#[component]
fn BackButton() -> impl IntoView {
    let ctx = use_ctx();
    let can = ctx.nav.with_untracked(flow::Nav::can_go_back);
    let label = ctx.t("button.goBack");
    can.then(|| {
        view! {
            <button type="button" class="st-button st-ghost" id="st-back" on:click=move |_| ctx.back()>
                {label}
            </button>
        }
    })
}

#[component]
fn SubmitButton(id: &'static str, label: String, busy: RwSignal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="st-button st-primary" id=id disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
            {label}
        </button>
    }
}

/// A button that resends an email or a text, locked for a while after each send so a member does not
/// flood their own inbox.
#[component]
fn ResendButton(label: String, on_resend: Callback<()>) -> impl IntoView {
    let locked = RwSignal::new(true);
    let lock = move || {
        locked.set(true);
        set_timeout(
            move || {
                locked.try_set(false);
            },
            RESEND_LOCK,
        );
    };
    Effect::new(move |_| lock());
    view! {
        <button
            type="button"
            class="st-button st-secondary"
            id="st-resend"
            disabled=move || locked.get()
            on:click=move |_| {
                lock();
                on_resend.run(());
            }
        >
            {label}
        </button>
    }
}

/// `aria-invalid` of a field while its screen shows an error.
fn invalid(alert: RwSignal<Option<String>>) -> impl Fn() -> &'static str + Send + Sync + Copy {
    move || {
        if alert.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    }
}

/// `aria-describedby` of a field: the screen's error while there is one.
fn described_by(
    alert: RwSignal<Option<String>>,
) -> impl Fn() -> Option<&'static str> + Send + Sync + Copy {
    move || alert.with(|a| a.as_ref().map(|_| "st-error"))
}

#[component]
fn EmailField(email: RwSignal<String>, alert: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="st-label" for="st-email">{ctx.t("formField.email.label")}</label>
        <input
            class="st-input"
            id="st-email"
            type="email"
            autocomplete="email"
            required
            aria-invalid=invalid(alert)
            aria-describedby=described_by(alert)
            placeholder=ctx.t("formField.email.placeholder")
            bind:value=email
        />
    }
}

/// A password: the member's current one (`current-password`) or a new one (`new-password`), which password
/// managers tell apart by `autocomplete`.
#[component]
fn PasswordField(
    password: RwSignal<String>,
    id: &'static str,
    autocomplete: &'static str,
    alert: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="st-label" for=id>{ctx.t("formField.password.label")}</label>
        <input
            class="st-input"
            id=id
            type="password"
            autocomplete=autocomplete
            required
            aria-invalid=invalid(alert)
            aria-describedby=described_by(alert)
            bind:value=password
        />
    }
}

/// A one-time code: digits only, offered by the browser from the message it arrived in.
#[component]
fn CodeField(
    code: RwSignal<String>,
    label_id: &'static str,
    alert: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <label class="st-label" for="st-code">{ctx.t(label_id)}</label>
        <input
            class="st-input st-code"
            id="st-code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]{6}"
            maxlength="6"
            required
            aria-invalid=invalid(alert)
            aria-describedby=described_by(alert)
            bind:value=code
        />
    }
}

fn prevent(ev: &SubmitEvent) {
    ev.prevent_default();
}

/// The pending second factor's member and organization, or the Error screen when there is none (the
/// intermediate session expired or was dropped by another tab).
fn pending_ids(ctx: &Ctx) -> Option<(String, String)> {
    match ctx.client.pending_mfa() {
        Some(p) => Some((p.member.member_id, p.organization.organization_id)),
        None => {
            ctx.reset(Screen::Error {
                kind: ErrorKind::Default,
                can_go_back: false,
            });
            None
        }
    }
}
