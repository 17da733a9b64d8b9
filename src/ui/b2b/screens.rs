//! The screens of `<StytchB2B>`, one component each.

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

// ---- shared pieces ----

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

// ---- Main and email ----

#[component]
fn Main() -> impl IntoView {
    let ctx = use_ctx();
    let org = ctx.organization.get_untracked();
    let layout = MainLayout::new(&main_products(&ctx));
    // Without an organization this is the Discovery flow's first screen.
    let title = match &org {
        Some(o) => ctx.strings.format(
            "organizationLogin.title",
            &[("organizationName", &o.organization_name)],
        ),
        None => ctx.t("login.title"),
    };
    let org_logo = org
        .as_ref()
        .map(|o| o.organization_logo_url.clone())
        .filter(|u| !u.is_empty());
    let app_logo = ctx.presentation.options.logo.clone();
    let hide_title = ctx.presentation.options.hide_header_text;
    let providers = flow::oauth_providers(
        &ctx.config.oauth_options.providers,
        org.as_ref(),
        ctx.primary_required.get_untracked().as_deref(),
    );
    let sections: Vec<MainSection> = layout
        .sections
        .into_iter()
        .filter(|s| *s != MainSection::Oauth || !providers.is_empty())
        .collect();
    let body = if sections.is_empty() {
        view! { <Text text=ctx.t("error.authPolicyNoOrg") /> }.into_any()
    } else {
        sections
            .into_iter()
            .enumerate()
            .map(|(i, section)| {
                let block = match section {
                    MainSection::Oauth => {
                        view! { <OauthButtons providers=providers.clone() /> }.into_any()
                    }
                    MainSection::Email { methods, passwords } => {
                        view! { <EmailForm methods=methods passwords=passwords /> }.into_any()
                    }
                    MainSection::Password => {
                        view! { <PasswordForm email=String::new() /> }.into_any()
                    }
                };
                view! {
                    {(i > 0).then(|| view! { <Divider /> })}
                    {block}
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="st-logos">
            // The title names the organization, so its logo is decorative.
            {org_logo.map(|src| view! { <img class="st-logo" src=src alt="" /> })}
            {app_logo.map(|l| view! { <img class="st-logo" src=l.url alt=l.alt /> })}
        </div>
        {(!hide_title).then(|| view! { <Title text=title /> })}
        {body}
    }
}

fn provider_client(ctx: &Ctx, provider: OauthProvider) -> OauthProviderClient {
    let oauth = ctx.client.oauth();
    match provider {
        OauthProvider::Google => oauth.google(),
        OauthProvider::Microsoft => oauth.microsoft(),
        OauthProvider::HubSpot => oauth.hubspot(),
        OauthProvider::Slack => oauth.slack(),
        OauthProvider::GitHub => oauth.github(),
    }
}

/// Leaves for the provider's sign-in page; it sends the browser back with a token the redirect handler
/// authenticates.
#[cfg(all(target_arch = "wasm32", not(feature = "ssr")))]
fn go_to(url: &str) -> Result<(), StytchError> {
    crate::browser::navigate(url).map_err(|_| StytchError::Usage {
        message: "the browser refused to open the provider's sign-in page".to_owned(),
    })
}

#[cfg(not(all(target_arch = "wasm32", not(feature = "ssr"))))]
fn go_to(_url: &str) -> Result<(), StytchError> {
    Err(StytchError::Usage {
        message: "OAuth sign-in needs a browser".to_owned(),
    })
}

/// "Continue with Google", …: into the organization, or (Discovery) to the email's organizations.
#[component]
fn OauthButtons(providers: Vec<OauthProvider>) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let buttons = providers
        .into_iter()
        .map(|provider| {
            let click_ctx = ctx.clone();
            let on_click = move |_| {
                let client = provider_client(&click_ctx, provider);
                let options = click_ctx.config.oauth_options.clone();
                let organization_id = Some(click_ctx.organization_id()).filter(|id| !id.is_empty());
                let done = click_ctx.clone();
                click_ctx.run(
                    busy,
                    alert,
                    async move {
                        match organization_id {
                            Some(organization_id) => {
                                client
                                    .start(OauthStartRequest {
                                        organization_id: Some(organization_id),
                                        login_redirect_url: options.login_redirect_url,
                                        signup_redirect_url: options.signup_redirect_url,
                                        ..Default::default()
                                    })
                                    .await
                            }
                            None => {
                                client
                                    .discovery()
                                    .start(OauthDiscoveryStartRequest {
                                        discovery_redirect_url: options.discovery_redirect_url,
                                        ..Default::default()
                                    })
                                    .await
                            }
                        }
                    },
                    move |url| {
                        if let Err(e) = go_to(&url) {
                            done.fail(&e, alert);
                        }
                    },
                );
            };
            let label = ctx.strings.format(
                "provider.continueWith",
                &[("display_name", provider.display_name())],
            );
            view! {
                <button
                    type="button"
                    class="st-button st-secondary"
                    id=format!("oauth-{}", provider.name())
                    disabled=move || busy.get()
                    on:click=on_click
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="st-stack">{buttons}</div>
        <Alert alert=alert />
    }
}

/// The products Main offers: the configured ones the organization allows; without an organization
/// (Discovery) the email ones.
fn main_products(ctx: &Ctx) -> Vec<B2BProduct> {
    let org = ctx.organization.get_untracked();
    let restriction = ctx.primary_required.get_untracked();
    let mut products =
        flow::effective_products(&ctx.config.products, org.as_ref(), restriction.as_deref());
    if org.is_none() {
        products.retain(|p| *p != B2BProduct::Passwords);
    }
    products
}

fn discovering(ctx: &Ctx) -> bool {
    ctx.organization.with_untracked(Option::is_none)
}

/// Sends a login link or code to `email`; `next` is the screen to open once it went out (`None` for a
/// resend).
fn send_email(
    ctx: &Ctx,
    product: B2BProduct,
    email: String,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    next: bool,
) {
    let client = ctx.client.clone();
    let organization_id = ctx.organization_id();
    let done_ctx = ctx.clone();
    let options = &ctx.config.email_magic_links_options;
    if discovering(ctx) {
        let email_address = email.clone();
        let locale = options.locale.clone();
        let link_request = EmailDiscoverySendRequest {
            email_address: email.clone(),
            discovery_redirect_url: options.discovery_redirect_url.clone(),
            login_template_id: options.login_template_id.clone(),
            locale: locale.clone(),
            ..Default::default()
        };
        ctx.run(
            busy,
            alert,
            async move {
                if product == B2BProduct::EmailOtp {
                    let request = OtpEmailDiscoverySendRequest {
                        email_address,
                        locale,
                        ..Default::default()
                    };
                    client.otps().email().discovery().send(request).await
                } else {
                    client
                        .magic_links()
                        .email()
                        .discovery()
                        .send(link_request)
                        .await
                }
            },
            move |resp| {
                let (event, screen) = if product == B2BProduct::EmailOtp {
                    (
                        StytchEventType::OtpsEmailDiscoverySend,
                        Screen::EmailOtpEntry { email },
                    )
                } else {
                    (
                        StytchEventType::MagicLinkEmailDiscoverySend,
                        Screen::EmailConfirmation { email },
                    )
                };
                done_ctx.callbacks.event(event, &resp);
                if next {
                    done_ctx.push(screen);
                }
            },
        );
        return;
    }
    match product {
        B2BProduct::EmailOtp => {
            let request = OtpEmailLoginOrSignupRequest {
                organization_id,
                email_address: email.clone(),
                locale: ctx.config.email_magic_links_options.locale.clone(),
                ..Default::default()
            };
            ctx.run(
                busy,
                alert,
                async move { client.otps().email().login_or_signup(request).await },
                move |resp| {
                    done_ctx
                        .callbacks
                        .event(StytchEventType::OtpsEmailLoginOrSignup, &resp);
                    if next {
                        done_ctx.push(Screen::EmailOtpEntry { email });
                    }
                },
            );
        }
        _ => {
            let request = EmailLoginOrSignupRequest {
                email_address: email.clone(),
                organization_id,
                login_redirect_url: options.login_redirect_url.clone(),
                signup_redirect_url: options.signup_redirect_url.clone(),
                login_template_id: options.login_template_id.clone(),
                signup_template_id: options.signup_template_id.clone(),
                locale: options.locale.clone(),
                ..Default::default()
            };
            ctx.run(
                busy,
                alert,
                async move { client.magic_links().email().login_or_signup(request).await },
                move |resp| {
                    done_ctx
                        .callbacks
                        .event(StytchEventType::MagicLinkEmailLoginOrSignup, &resp);
                    if next {
                        done_ctx.push(Screen::EmailConfirmation { email });
                    }
                },
            );
        }
    }
}

#[component]
fn EmailForm(methods: Vec<B2BProduct>, passwords: bool) -> impl IntoView {
    let ctx = use_ctx();
    let email = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let address = email.get_untracked().trim().to_owned();
        match methods.as_slice() {
            [only] => send_email(&submit_ctx, *only, address, busy, alert, true),
            _ => submit_ctx.push(Screen::EmailMethodSelection { email: address }),
        }
    };
    let password_ctx = ctx.clone();
    view! {
        <form class="st-form" on:submit=on_submit>
            <EmailField email=email alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-email-submit" label=ctx.t("button.continueWithEmail") busy=busy />
        </form>
        {passwords.then(|| view! {
            <button
                type="button"
                class="st-button st-secondary"
                id="st-use-password"
                on:click=move |_| password_ctx.push(Screen::PasswordAuthenticate {
                    email: email.get_untracked().trim().to_owned(),
                })
            >
                {password_ctx.t("button.usePassword")}
            </button>
        })}
    }
}

#[component]
fn EmailMethodSelection(email: String) -> impl IntoView {
    let ctx = use_ctx();
    let methods = MainLayout::new(&main_products(&ctx)).email_methods();
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let buttons = methods
        .into_iter()
        .map(|product| {
            let (id, label) = match product {
                B2BProduct::EmailOtp => ("st-send-code", "button.emailCode"),
                _ => ("st-send-link", "button.emailLink"),
            };
            let click_ctx = ctx.clone();
            let email = email.clone();
            view! {
                <button
                    type="button"
                    class="st-button st-secondary"
                    id=id
                    disabled=move || busy.get()
                    on:click=move |_| send_email(&click_ctx, product, email.clone(), busy, alert, true)
                >
                    {ctx.t(label)}
                </button>
            }
        })
        .collect_view();
    view! {
        <Title text=ctx.t("emailMethodSelection.title") />
        <div class="st-stack">{buttons}</div>
        <Alert alert=alert />
        <BackButton />
    }
}

#[component]
fn EmailConfirmation(email: String) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let sent =
        view! { <TextWith id="emailConfirmation.emailSent" name="email" value=email.clone() /> };
    let resend_ctx = ctx.clone();
    let resend = Callback::new(move |()| {
        send_email(
            &resend_ctx,
            B2BProduct::EmailMagicLinks,
            email.clone(),
            busy,
            alert,
            false,
        );
    });
    view! {
        <Title text=ctx.t("emailConfirmation.title") />
        {sent}
        <Text text=ctx.t("emailConfirmation.content") />
        <Alert alert=alert />
        <div class="st-stack">
            <ResendButton label=ctx.t("button.resendEmail") on_resend=resend />
            <BackButton />
        </div>
    }
}

#[component]
fn EmailOtpEntry(email: String) -> impl IntoView {
    let ctx = use_ctx();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let sent =
        view! { <TextWith id="passcode.sentConfirmation" name="email" value=email.clone() /> };
    let submit_ctx = ctx.clone();
    let submit_email = email.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let client = submit_ctx.client.clone();
        let done = submit_ctx.clone();
        if discovering(&submit_ctx) {
            let request = OtpEmailDiscoveryAuthenticateRequest {
                code: code.get_untracked().trim().to_owned(),
                email_address: submit_email.clone(),
            };
            submit_ctx.run(
                busy,
                alert,
                async move {
                    client
                        .otps()
                        .email()
                        .discovery()
                        .authenticate(request)
                        .await
                },
                move |resp| {
                    done.callbacks
                        .event(StytchEventType::OtpsEmailDiscoveryAuthenticate, &resp);
                    done.show_discovered(resp);
                },
            );
            return;
        }
        let request = OtpEmailAuthenticateRequest {
            code: code.get_untracked().trim().to_owned(),
            email_address: submit_email.clone(),
            organization_id: submit_ctx.organization_id(),
            session_duration_minutes: submit_ctx.session_minutes(),
            locale: None,
        };
        submit_ctx.run(
            busy,
            alert,
            async move { client.otps().email().authenticate(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::OtpsEmailAuthenticate, &resp);
                done.finish_primary(&resp);
            },
        );
    };
    let resend_ctx = ctx.clone();
    let resend = Callback::new(move |()| {
        send_email(
            &resend_ctx,
            B2BProduct::EmailOtp,
            email.clone(),
            busy,
            alert,
            false,
        );
    });
    view! {
        <Title text=ctx.t("passcode.title") />
        {sent}
        <form class="st-form" on:submit=on_submit>
            <CodeField code=code label_id="formField.otp.ariaLabel" alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-code-submit" label=ctx.t("passcode.submit") busy=busy />
        </form>
        <div class="st-stack">
            <ResendButton label=ctx.t("passcode.resendCode") on_resend=resend />
            <BackButton />
        </div>
    }
}

// ---- discovery ----

/// Enters a discovered organization: exchanges the intermediate session, or opens its Main screen when
/// it wants another primary method first.
fn enter_organization(
    ctx: &Ctx,
    discovered: &DiscoveredOrganization,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
) {
    match flow::discovery_choice(discovered) {
        DiscoveryChoice::PrimaryRequired(methods) => {
            ctx.organization.set(Some(discovered.organization.clone()));
            ctx.primary_required.set(Some(methods));
            ctx.reset(Screen::Main);
        }
        DiscoveryChoice::Exchange => {
            let client = ctx.client.clone();
            let request = ExchangeRequest {
                organization_id: discovered.organization.organization_id.clone(),
                session_duration_minutes: ctx.session_minutes(),
                locale: None,
            };
            let done = ctx.clone();
            ctx.run(
                busy,
                alert,
                async move {
                    client
                        .discovery()
                        .intermediate_sessions()
                        .exchange(request)
                        .await
                },
                move |resp| {
                    done.callbacks
                        .event(StytchEventType::DiscoveryIntermediateSessionExchange, &resp);
                    done.finish_primary(&resp);
                },
            );
        }
    }
}

#[component]
fn Discovery(email: String, organizations: Vec<DiscoveredOrganization>) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    if organizations.is_empty() {
        let retry_ctx = ctx.clone();
        return view! {
            <Title text=ctx.t("organizationDiscovery.noOrgs.title") />
            <TextWith id="organizationDiscovery.noOrgs.content" name="email" value=email />
            <button type="button" class="st-button st-secondary" id="st-try-another" on:click=move |_| retry_ctx.reset(Screen::Main)>
                {ctx.t("button.tryDifferentEmailAddress")}
            </button>
        }
        .into_any();
    }
    let rows = organizations
        .into_iter()
        .map(|discovered| {
            let org = &discovered.organization;
            let name = org.organization_name.clone();
            let slug = org.organization_slug.clone();
            let logo = Some(org.organization_logo_url.clone()).filter(|l| !l.is_empty());
            let initial: String = name.chars().take(1).flat_map(char::to_uppercase).collect();
            let badge = flow::membership_badge(&discovered.membership.kind).map(|id| ctx.t(id));
            let click_ctx = ctx.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="st-button st-secondary st-org"
                        data-organization-slug=slug
                        disabled=move || busy.get()
                        on:click=move |_| enter_organization(&click_ctx, &discovered, busy, alert)
                    >
                        {match logo {
                            Some(src) => view! { <img class="st-org-logo" src=src alt="" /> }.into_any(),
                            None => view! { <span class="st-org-initial" aria-hidden="true">{initial}</span> }.into_any(),
                        }}
                        <span class="st-org-name">{name}</span>
                        {badge.map(|b| view! { <span class="st-badge">{b}</span> })}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=ctx.t("organizationDiscovery.title") />
        <ul class="st-orgs" id="st-organizations">{rows}</ul>
        <Alert alert=alert />
    }
    .into_any()
}

// ---- passwords ----

/// Email and password, with "Forgot password?".
#[component]
fn PasswordForm(email: String) -> impl IntoView {
    let ctx = use_ctx();
    let email = RwSignal::new(email);
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let client = submit_ctx.client.clone();
        let request = PasswordAuthenticateRequest {
            organization_id: submit_ctx.organization_id(),
            email_address: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            session_duration_minutes: submit_ctx.session_minutes(),
            locale: submit_ctx.config.password_options.locale.clone(),
        };
        let done = submit_ctx.clone();
        submit_ctx.run(
            busy,
            alert,
            async move { client.passwords().authenticate(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::PasswordAuthenticate, &resp);
                done.finish_primary(&resp);
            },
        );
    };
    let forgot_ctx = ctx.clone();
    view! {
        <form class="st-form" on:submit=on_submit>
            <EmailField email=email alert=alert />
            <label class="st-label" for="st-password">{ctx.t("formField.password.label")}</label>
            <input
                class="st-input"
                id="st-password"
                type="password"
                autocomplete="current-password"
                required
            aria-invalid=invalid(alert)
            aria-describedby=described_by(alert)
                bind:value=password
            />
            <Alert alert=alert />
            <SubmitButton id="st-password-submit" label=ctx.t("button.continue") busy=busy />
        </form>
        <button
            type="button"
            class="st-button st-ghost"
            id="st-forgot"
            on:click=move |_| forgot_ctx.push(Screen::PasswordForgot {
                email: email.get_untracked().trim().to_owned(),
            })
        >
            {ctx.t("password.forgot.link")}
        </button>
    }
}

#[component]
fn PasswordAuthenticate(email: String) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Title text=ctx.t("password.login.title") />
        <PasswordForm email=email />
        <BackButton />
    }
}

fn send_reset(
    ctx: &Ctx,
    email: String,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    next: bool,
) {
    let options = &ctx.config.password_options;
    let request = PasswordResetByEmailStartRequest {
        organization_id: ctx.organization_id(),
        email_address: email.clone(),
        login_redirect_url: options.login_redirect_url.clone(),
        reset_password_redirect_url: options.reset_password_redirect_url.clone(),
        reset_password_expiration_minutes: options.reset_password_expiration_minutes,
        reset_password_template_id: options.reset_password_template_id.clone(),
        locale: options.locale.clone(),
        ..Default::default()
    };
    let client = ctx.client.clone();
    let done = ctx.clone();
    ctx.run(
        busy,
        alert,
        async move { client.passwords().reset_by_email_start(request).await },
        move |resp| {
            done.callbacks
                .event(StytchEventType::PasswordResetByEmailStart, &resp);
            if next {
                done.push(Screen::PasswordResetSent { email });
            }
        },
    );
}

#[component]
fn PasswordForgot(email: String) -> impl IntoView {
    let ctx = use_ctx();
    let email = RwSignal::new(email);
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        send_reset(
            &submit_ctx,
            email.get_untracked().trim().to_owned(),
            busy,
            alert,
            true,
        );
    };
    view! {
        <Title text=ctx.t("password.forgot.title") />
        <Text text=ctx.t("password.forgot.content.organization") />
        <form class="st-form" on:submit=on_submit>
            <EmailField email=email alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-forgot-submit" label=ctx.t("password.forgot.submit") busy=busy />
        </form>
        <BackButton />
    }
}

#[component]
fn PasswordResetSent(email: String) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let text = view! { <TextWith id="password.reset.emailSent.content" name="email" value=email.clone() /> };
    let resend_ctx = ctx.clone();
    let resend =
        Callback::new(move |()| send_reset(&resend_ctx, email.clone(), busy, alert, false));
    view! {
        <Title text=ctx.t("password.reset.emailSent.title") />
        {text}
        <Alert alert=alert />
        <div class="st-stack">
            <ResendButton label=ctx.t("button.resendEmail") on_resend=resend />
            <BackButton />
        </div>
    }
}

#[component]
fn PasswordReset(token: ResetToken) -> impl IntoView {
    let ctx = use_ctx();
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let client = submit_ctx.client.clone();
        let request = PasswordResetByEmailRequest {
            password_reset_token: token.0.clone(),
            password: password.get_untracked(),
            session_duration_minutes: submit_ctx.session_minutes(),
            locale: submit_ctx.config.password_options.locale.clone(),
        };
        let done = submit_ctx.clone();
        submit_ctx.run(
            busy,
            alert,
            async move { client.passwords().reset_by_email(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::PasswordResetByEmail, &resp);
                done.finish_primary(&resp);
            },
        );
    };
    view! {
        <Title text=ctx.t("password.setNew.title") />
        <form class="st-form" on:submit=on_submit>
            <label class="st-label" for="st-new-password">{ctx.t("formField.password.label")}</label>
            <input
                class="st-input"
                id="st-new-password"
                type="password"
                autocomplete="new-password"
                required
            aria-invalid=invalid(alert)
            aria-describedby=described_by(alert)
                bind:value=password
            />
            <Alert alert=alert />
            <SubmitButton id="st-new-password-submit" label=ctx.t("password.setNew.submit") busy=busy />
        </form>
    }
}

// ---- second factor ----

#[component]
fn MfaEnrollSelection(methods: Vec<MfaMethod>) -> impl IntoView {
    let ctx = use_ctx();
    let buttons = methods
        .into_iter()
        .map(|method| {
            let (id, label, next) = match method {
                MfaMethod::Totp => ("st-enroll-totp", "mfa.enrollment.option.totp", Screen::TotpEnroll),
                MfaMethod::SmsOtp => ("st-enroll-sms", "mfa.enrollment.option.sms", Screen::SmsEnroll),
            };
            let click_ctx = ctx.clone();
            view! {
                <button type="button" class="st-button st-secondary" id=id on:click=move |_| click_ctx.push(next.clone())>
                    {ctx.t(label)}
                </button>
            }
        })
        .collect_view();
    view! {
        <Title text=ctx.t("mfa.enrollment.title") />
        <Text text=ctx.t("mfa.enrollment.content") />
        <div class="st-stack">{buttons}</div>
    }
}

/// Creates the TOTP registration once per visit of the screen, shows its QR code and key, and checks the
/// first code; the recovery codes of the registration are shown next, once.
#[component]
fn TotpEnroll() -> impl IntoView {
    let ctx = use_ctx();
    let created = RwSignal::new(None::<(String, String, Vec<String>)>);
    let creating = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let code = RwSignal::new(String::new());
    let create_ctx = ctx.clone();
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        if asked.get_value() {
            return;
        }
        asked.set_value(true);
        let Some((member_id, organization_id)) = pending_ids(&create_ctx) else {
            return;
        };
        let client = create_ctx.client.clone();
        let done = create_ctx.clone();
        create_ctx.run(
            creating,
            alert,
            async move {
                client
                    .totp()
                    .create(TotpCreateRequest {
                        organization_id,
                        member_id,
                        expiration_minutes: None,
                    })
                    .await
            },
            move |resp| {
                done.callbacks.event(StytchEventType::TotpCreate, &resp);
                created.try_set(Some((resp.qr_code, resp.secret, resp.recovery_codes)));
            },
        );
    });
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let Some((member_id, organization_id)) = pending_ids(&submit_ctx) else {
            return;
        };
        let codes = created
            .with_untracked(|c| c.as_ref().map(|(_, _, codes)| codes.clone()))
            .unwrap_or_default();
        let client = submit_ctx.client.clone();
        let request = TotpAuthenticateRequest {
            organization_id,
            member_id,
            code: code.get_untracked().trim().to_owned(),
            session_duration_minutes: submit_ctx.session_minutes(),
            ..Default::default()
        };
        let done = submit_ctx.clone();
        submit_ctx.run(
            busy,
            alert,
            async move { client.totp().authenticate(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::TotpAuthenticate, &resp);
                if flow::after_primary(&resp) == AfterPrimary::Success && !codes.is_empty() {
                    done.reset(Screen::RecoveryCodeSave { codes });
                } else {
                    done.finish_primary(&resp);
                }
            },
        );
    };
    let qr_alt = ctx.t("mfaTotpEnrollment.qrAltText");
    let manual = ctx.t("mfa.totpEnrollment.manual");
    view! {
        <Title text=ctx.t("mfa.totpEnrollment.title") />
        <Text text=ctx.t("mfa.totpEnrollment.content") />
        {move || match created.get() {
            None => view! { <Spinner text_id="loading.label" /> }.into_any(),
            Some((qr, secret, _)) => view! {
                <img class="st-qr" id="st-totp-qr" src=qr alt=qr_alt.clone() width="180" height="180" />
                <p class="st-text">{manual.clone()}</p>
                <p class="st-secret"><code id="st-totp-secret">{flow::chunk_secret(&secret)}</code></p>
            }.into_any(),
        }}
        <form class="st-form" on:submit=on_submit>
            <CodeField code=code label_id="totp.title" alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-totp-submit" label=ctx.t("passcode.submit") busy=busy />
        </form>
        <BackButton />
    }
}

fn send_sms(
    ctx: &Ctx,
    phone_number: Option<String>,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
    next: Option<String>,
) {
    let Some((member_id, organization_id)) = pending_ids(ctx) else {
        return;
    };
    let client = ctx.client.clone();
    let request = OtpSmsSendRequest {
        organization_id,
        member_id,
        mfa_phone_number: phone_number,
        ..Default::default()
    };
    let done = ctx.clone();
    ctx.run(
        busy,
        alert,
        async move { client.otps().sms().send(request).await },
        move |resp| {
            done.callbacks.event(StytchEventType::SmsOtpSend, &resp);
            if let Some(phone_number) = next {
                done.push(Screen::SmsEntry {
                    phone_number,
                    sent: true,
                });
            }
        },
    );
}

#[component]
fn SmsEnroll() -> impl IntoView {
    let ctx = use_ctx();
    let phone = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        // Typed as the member likes (spaces, dashes); Stytch wants E.164.
        let number: String = phone
            .get_untracked()
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        send_sms(&submit_ctx, Some(number.clone()), busy, alert, Some(number));
    };
    view! {
        <Title text=ctx.t("mfa.smsEnrollment.title") />
        <Text text=ctx.t("mfa.smsEnrollment.content") />
        <form class="st-form" on:submit=on_submit>
            <label class="st-label" for="st-phone">{ctx.t("formField.phone.label")}</label>
            <input
                class="st-input"
                id="st-phone"
                type="tel"
                autocomplete="tel"
                required
                aria-invalid=invalid(alert)
                aria-describedby=move || {
                    if alert.with(Option::is_some) { "st-phone-hint st-error" } else { "st-phone-hint" }
                }
                bind:value=phone
            />
            <p class="st-hint" id="st-phone-hint">{ctx.t("formField.phone.hint")}</p>
            <Alert alert=alert />
            <SubmitButton id="st-phone-submit" label=ctx.t("mfa.smsEnrollment.submit") busy=busy />
        </form>
        <BackButton />
    }
}

#[component]
fn SmsEntry(phone_number: String, sent: bool) -> impl IntoView {
    let ctx = use_ctx();
    let code = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    if !sent {
        let send_ctx = ctx.clone();
        let asked = StoredValue::new(false);
        Effect::new(move |_| {
            if !asked.get_value() {
                asked.set_value(true);
                send_sms(&send_ctx, None, sending, alert, None);
            }
        });
    }
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let Some((member_id, organization_id)) = pending_ids(&submit_ctx) else {
            return;
        };
        let client = submit_ctx.client.clone();
        let request = OtpSmsAuthenticateRequest {
            organization_id,
            member_id,
            code: code.get_untracked().trim().to_owned(),
            session_duration_minutes: submit_ctx.session_minutes(),
            set_mfa_enrollment: None,
        };
        let done = submit_ctx.clone();
        submit_ctx.run(
            busy,
            alert,
            async move { client.otps().sms().authenticate(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::SmsOtpAuthenticate, &resp);
                done.finish_primary(&resp);
            },
        );
    };
    let resend_ctx = ctx.clone();
    let resend = Callback::new(move |()| send_sms(&resend_ctx, None, sending, alert, None));
    let sent_to = view! { <TextWith id="mfa.smsEntry.sentTo" name="phoneNumber" value=phone_number.clone() /> };
    view! {
        <Title text=ctx.t("passcode.title") />
        {sent_to}
        <form class="st-form" on:submit=on_submit>
            <CodeField code=code label_id="formField.otp.ariaLabel" alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-sms-submit" label=ctx.t("passcode.submit") busy=busy />
        </form>
        <div class="st-stack">
            <ResendButton label=ctx.t("passcode.resendCode") on_resend=resend />
            <BackButton />
        </div>
    }
}

#[component]
fn TotpEntry() -> impl IntoView {
    let ctx = use_ctx();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let sms = ctx.client.pending_mfa().filter(|p| {
        p.is_enrolled(MfaMethod::SmsOtp) && p.allowed_methods().contains(&MfaMethod::SmsOtp)
    });
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let Some((member_id, organization_id)) = pending_ids(&submit_ctx) else {
            return;
        };
        let client = submit_ctx.client.clone();
        let request = TotpAuthenticateRequest {
            organization_id,
            member_id,
            code: code.get_untracked().trim().to_owned(),
            session_duration_minutes: submit_ctx.session_minutes(),
            ..Default::default()
        };
        let done = submit_ctx.clone();
        submit_ctx.run(
            busy,
            alert,
            async move { client.totp().authenticate(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::TotpAuthenticate, &resp);
                done.finish_primary(&resp);
            },
        );
    };
    let sms_ctx = ctx.clone();
    let backup_ctx = ctx.clone();
    view! {
        <Title text=ctx.t("totp.title") />
        <Text text=ctx.t("totp.content") />
        <form class="st-form" on:submit=on_submit>
            <CodeField code=code label_id="totp.title" alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-totp-submit" label=ctx.t("passcode.submit") busy=busy />
        </form>
        <div class="st-stack">
            {sms.map(|p| {
                let phone_number = p.phone_number();
                view! {
                    <button type="button" class="st-button st-ghost" id="st-switch-sms" on:click=move |_| sms_ctx.push(Screen::SmsEntry {
                        phone_number: phone_number.clone(),
                        sent: false,
                    })>
                        {sms_ctx.t("mfa.totpEntry.switchToSms")}
                    </button>
                }
            })}
            <button type="button" class="st-button st-ghost" id="st-use-backup" on:click=move |_| backup_ctx.push(Screen::RecoveryCodeEntry)>
                {ctx.t("mfa.totpEntry.useBackupCode")}
            </button>
        </div>
    }
}

#[component]
fn RecoveryCodeEntry() -> impl IntoView {
    let ctx = use_ctx();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let alert = RwSignal::new(None);
    let submit_ctx = ctx.clone();
    let on_submit = move |ev: SubmitEvent| {
        prevent(&ev);
        let Some((member_id, organization_id)) = pending_ids(&submit_ctx) else {
            return;
        };
        let client = submit_ctx.client.clone();
        let request = RecoveryCodesRecoverRequest {
            organization_id,
            member_id,
            recovery_code: code.get_untracked().trim().to_owned(),
            session_duration_minutes: submit_ctx.session_minutes(),
        };
        let done = submit_ctx.clone();
        submit_ctx.run(
            busy,
            alert,
            async move { client.recovery_codes().recover(request).await },
            move |resp| {
                done.callbacks
                    .event(StytchEventType::RecoveryCodesRecover, &resp);
                done.finish_primary(&resp.authenticate);
            },
        );
    };
    view! {
        <Title text=ctx.t("recoveryCodes.entry.title") />
        <Text text=ctx.t("recoveryCodes.entry.content") />
        <form class="st-form" on:submit=on_submit>
            <label class="st-label" for="st-recovery-code">{ctx.t("formField.backupCode.ariaLabel")}</label>
            <input
                class="st-input st-code"
                id="st-recovery-code"
                type="text"
                autocomplete="off"
                spellcheck="false"
                required
                aria-invalid=invalid(alert)
                aria-describedby=described_by(alert)
                bind:value=code
            />
            <Alert alert=alert />
            <SubmitButton id="st-recovery-submit" label=ctx.t("button.continue") busy=busy />
        </form>
        <BackButton />
    }
}

/// The recovery codes of a new TOTP registration: the only time they are shown.
#[component]
fn RecoveryCodeSave(codes: Vec<String>) -> impl IntoView {
    let ctx = use_ctx();
    let org_slug = ctx
        .organization
        .with_untracked(|o| o.as_ref().map(|o| o.organization_slug.clone()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "stytch".to_owned());
    let file: String = form_urlencoded::byte_serialize(codes.join("\n").as_bytes()).collect();
    // `byte_serialize` writes spaces as `+`, which a data URL would keep.
    let href = format!("data:text/plain;charset=utf-8,{}", file.replace('+', "%20"));
    let done_ctx = ctx.clone();
    view! {
        <Title text=ctx.t("recoveryCodes.save.title") />
        <Text text=ctx.t("recoveryCodes.save.content") />
        <ul class="st-codes" id="st-recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <div class="st-stack">
            <a class="st-button st-secondary" id="st-recovery-download" href=href download=format!("{org_slug}-backup-codes.txt")>
                {ctx.t("recoveryCodes.save.button.download")}
            </a>
            <button type="button" class="st-button st-primary" id="st-recovery-done" on:click=move |_| done_ctx.reset(Screen::Success)>
                {ctx.t("recoveryCodes.save.button.done")}
            </button>
        </div>
    }
}

// ---- end states ----

#[component]
fn ErrorScreen(kind: ErrorKind, can_go_back: bool) -> impl IntoView {
    let ctx = use_ctx();
    let back_ctx = ctx.clone();
    view! {
        <Title text=ctx.t("error.title") />
        <p class="st-text" role="alert" id="st-error">{ctx.t(kind.string_id())}</p>
        {can_go_back.then(|| view! {
            <button type="button" class="st-button st-secondary" id="st-back" on:click=move |_| back_ctx.reset(Screen::Main)>
                {back_ctx.t("button.goBack")}
            </button>
        })}
    }
}

#[component]
fn Success() -> impl IntoView {
    let ctx = use_ctx();
    let callbacks = ctx.callbacks;
    Effect::new(move |_| {
        callbacks.event(
            StytchEventType::AuthenticateFlowComplete,
            &serde_json::json!({}),
        );
    });
    view! {
        <div class="st-success" aria-hidden="true">"✓"</div>
        <Title text=ctx.t("success.title") />
        <p class="st-text st-center">{ctx.t("login.success.content")}</p>
    }
}
