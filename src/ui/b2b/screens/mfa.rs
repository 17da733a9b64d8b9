//! The second factor: enrolment, TOTP, SMS and recovery codes.

use super::*;

#[component]
pub(super) fn MfaEnrollSelection(methods: Vec<MfaMethod>) -> impl IntoView {
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
pub(super) fn TotpEnroll() -> impl IntoView {
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
        let codes = created
            .with_untracked(|c| c.as_ref().map(|(_, _, codes)| codes.clone()))
            .unwrap_or_default();
        submit_totp(&submit_ctx, code, codes, busy, alert);
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

pub(super) fn send_sms(
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
pub(super) fn SmsEnroll() -> impl IntoView {
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
pub(super) fn SmsEntry(phone_number: String, sent: bool) -> impl IntoView {
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

/// Sends the authenticator app's code for the pending member. `recovery_codes` are those of a registration
/// just created: once the code signs in, they are shown (once) before the flow ends.
fn submit_totp(
    ctx: &Ctx,
    code: RwSignal<String>,
    recovery_codes: Vec<String>,
    busy: RwSignal<bool>,
    alert: RwSignal<Option<String>>,
) {
    let Some((member_id, organization_id)) = pending_ids(ctx) else {
        return;
    };
    let client = ctx.client.clone();
    let request = TotpAuthenticateRequest {
        organization_id,
        member_id,
        code: code.get_untracked().trim().to_owned(),
        session_duration_minutes: ctx.session_minutes(),
        ..Default::default()
    };
    let done = ctx.clone();
    ctx.run(
        busy,
        alert,
        async move { client.totp().authenticate(request).await },
        move |resp| {
            done.callbacks
                .event(StytchEventType::TotpAuthenticate, &resp);
            if flow::after_primary(&resp) == AfterPrimary::Success && !recovery_codes.is_empty() {
                done.reset(Screen::RecoveryCodeSave {
                    codes: recovery_codes,
                });
            } else {
                done.finish_primary(&resp);
            }
        },
    );
}

#[component]
pub(super) fn TotpEntry() -> impl IntoView {
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
        submit_totp(&submit_ctx, code, Vec::new(), busy, alert);
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
pub(super) fn RecoveryCodeEntry() -> impl IntoView {
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
pub(super) fn RecoveryCodeSave(codes: Vec<String>) -> impl IntoView {
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
