//! Main (the organization's or Discovery's sign-in methods and OAuth buttons) and the email link and
//! code screens.

use super::*;

#[component]
pub(super) fn Main() -> impl IntoView {
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

pub(super) fn provider_client(ctx: &Ctx, provider: OauthProvider) -> OauthProviderClient {
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
pub(super) fn go_to(url: &str) -> Result<(), StytchError> {
    crate::browser::navigate(url).map_err(|_| StytchError::Usage {
        message: "the browser refused to open the provider's sign-in page".to_owned(),
    })
}

#[cfg(not(all(target_arch = "wasm32", not(feature = "ssr"))))]
pub(super) fn go_to(_url: &str) -> Result<(), StytchError> {
    Err(StytchError::Usage {
        message: "OAuth sign-in needs a browser".to_owned(),
    })
}

/// "Continue with Google", …: into the organization, or (Discovery) to the email's organizations.
#[component]
pub(super) fn OauthButtons(providers: Vec<OauthProvider>) -> impl IntoView {
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
pub(super) fn main_products(ctx: &Ctx) -> Vec<B2BProduct> {
    let org = ctx.organization.get_untracked();
    let restriction = ctx.primary_required.get_untracked();
    let mut products =
        flow::effective_products(&ctx.config.products, org.as_ref(), restriction.as_deref());
    if org.is_none() {
        products.retain(|p| *p != B2BProduct::Passwords);
    }
    products
}

pub(super) fn discovering(ctx: &Ctx) -> bool {
    ctx.organization.with_untracked(Option::is_none)
}

/// Sends a login link or code to `email`; `next` is the screen to open once it went out (`None` for a
/// resend).
pub(super) fn send_email(
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
pub(super) fn EmailForm(methods: Vec<B2BProduct>, passwords: bool) -> impl IntoView {
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
pub(super) fn EmailMethodSelection(email: String) -> impl IntoView {
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
pub(super) fn EmailConfirmation(email: String) -> impl IntoView {
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
pub(super) fn EmailOtpEntry(email: String) -> impl IntoView {
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
