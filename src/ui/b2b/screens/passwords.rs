//! Password login, "Forgot password?" and the new-password form.

use super::*;

/// Email and password, with "Forgot password?".
#[component]
pub(super) fn PasswordForm(email: String) -> impl IntoView {
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
            <PasswordField password=password id="st-password" autocomplete="current-password" alert=alert />
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
pub(super) fn PasswordAuthenticate(email: String) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Title text=ctx.t("password.login.title") />
        <PasswordForm email=email />
        <BackButton />
    }
}

pub(super) fn send_reset(
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
pub(super) fn PasswordForgot(email: String) -> impl IntoView {
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
pub(super) fn PasswordResetSent(email: String) -> impl IntoView {
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
pub(super) fn PasswordReset(token: ResetToken) -> impl IntoView {
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
            <PasswordField password=password id="st-new-password" autocomplete="new-password" alert=alert />
            <Alert alert=alert />
            <SubmitButton id="st-new-password-submit" label=ctx.t("password.setNew.submit") busy=busy />
        </form>
    }
}
