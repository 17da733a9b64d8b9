//! The second factor: what the login page shows while `use_stytch_pending_mfa()` is set (enter a TOTP, SMS
//! or recovery code; or enrol an authenticator app or a phone), the account page's "Second factors" card,
//! and the recovery codes shown once after an authenticator app is set up.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    MfaMethod, MfaStep, OtpSmsAuthenticateRequest, OtpSmsSendRequest, PendingMfa,
    RecoveryCodesRecoverRequest, StytchB2BClient, TotpAuthenticateRequest, TotpCreateRequest,
    use_stytch_b2b_client, use_stytch_member, use_stytch_member_session, use_stytch_pending_mfa,
};

use super::{InboxRefresh, Outcome, OutcomeNotice, describe};

/// Recovery codes that were just issued, shown once (even after the session they came with has replaced
/// the login page). Provided once by the app.
#[derive(Clone, Copy)]
pub(crate) struct FreshRecoveryCodes(pub RwSignal<Option<Vec<String>>>);

/// Who the MFA calls are for: the pending member while signing in, the logged-in one on the account page.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    organization_id: String,
    member_id: String,
}

impl Target {
    fn of(p: &PendingMfa) -> Self {
        Self {
            organization_id: p.organization.organization_id.clone(),
            member_id: p.member.member_id.clone(),
        }
    }
}

/// The screens of the challenge. `Auto` follows [`PendingMfa::step`]; the others are the user's choice.
#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Auto,
    EnrollTotp,
    EnrollSms,
    SmsCode { phone: String },
    Recovery,
}

/// Moves the keyboard focus to `input` once it is in the page: each MFA screen replaces the previous one, so
/// without this a keyboard user would start again from the top of the page.
fn focus_when_shown(input: NodeRef<leptos::html::Input>) {
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
}

/// Runs `job` unless one is running; its error goes to `outcome`.
fn run_job(
    busy: RwSignal<bool>,
    outcome: RwSignal<Outcome>,
    job: impl std::future::Future<Output = Result<Option<String>, String>> + 'static,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    outcome.set(None);
    spawn_local(async move {
        let result = job.await;
        // A success that signed in unmounts the form; these writes are then no-ops.
        outcome.set(result.transpose());
        busy.set(false);
    });
}

/// The login page's second-factor step.
#[component]
pub fn MfaChallenge() -> impl IntoView {
    let client = use_stytch_b2b_client();
    let pending = use_stytch_pending_mfa();
    let screen = RwSignal::new(Screen::Auto);
    let start_over = {
        let client = client.clone();
        move |_| client.cancel_pending_mfa()
    };
    move || {
        let Some(p) = pending.get() else {
            return ().into_any();
        };
        let target = Target::of(&p);
        let org = p.organization.organization_name.clone();
        let body = match (screen.get(), p.step()) {
            (Screen::EnrollTotp, _) => view! { <TotpEnrollment target=target /> }.into_any(),
            (Screen::EnrollSms, _) => {
                view! { <PhoneEnrollment target=target on_sent=move |phone| screen.set(Screen::SmsCode { phone }) /> }
                    .into_any()
            }
            (Screen::SmsCode { phone }, _) | (Screen::Auto, MfaStep::EnterSmsCode { phone_number: phone }) => {
                view! { <SmsCode target=target phone=phone sent=true /> }.into_any()
            }
            (Screen::Auto, MfaStep::SendSmsCode { phone_number }) => {
                view! { <SmsCode target=target phone=phone_number sent=false /> }.into_any()
            }
            (Screen::Recovery, _) => view! { <RecoveryCode target=target /> }.into_any(),
            (Screen::Auto, MfaStep::EnterTotpCode) => {
                let sms = (p.is_enrolled(MfaMethod::SmsOtp)
                    && p.allowed_methods().contains(&MfaMethod::SmsOtp))
                .then(|| p.phone_number());
                view! { <TotpCode target=target screen=screen sms_phone=sms /> }.into_any()
            }
            (Screen::Auto, MfaStep::Enroll { methods }) => view! {
                <div class="mfa-choices">
                    <p>"Set up a second factor to finish signing in."</p>
                    {methods.contains(&MfaMethod::Totp).then(|| view! {
                        <button id="mfa-enroll-totp" type="button" class="stytch-button primary" on:click=move |_| screen.set(Screen::EnrollTotp)>
                            "Use an authenticator app"
                        </button>
                    })}
                    {methods.contains(&MfaMethod::SmsOtp).then(|| view! {
                        <button id="mfa-enroll-sms" type="button" class="stytch-button" on:click=move |_| screen.set(Screen::EnrollSms)>
                            "Text me a code"
                        </button>
                    })}
                </div>
            }
            .into_any(),
        };
        view! {
            <section class="card login mfa" id="mfa" aria-labelledby="mfa-title">
                <h1 id="mfa-title">"Verify it's you"</h1>
                <p class="muted">{format!("{org} asks for a second factor.")}</p>
                {body}
                <button id="mfa-start-over" type="button" class="stytch-button link" on:click=start_over.clone()>
                    "Start over"
                </button>
            </section>
        }
        .into_any()
    }
}

/// Six digits from an authenticator app; links to the other ways in.
#[component]
fn TotpCode(target: Target, screen: RwSignal<Screen>, sms_phone: Option<String>) -> impl IntoView {
    let focus = NodeRef::<leptos::html::Input>::new();
    focus_when_shown(focus);
    let client = use_stytch_b2b_client();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (client, target) = (client.clone(), target.clone());
        let code = code.get_untracked().trim().to_owned();
        run_job(busy, outcome, async move {
            authenticate_totp(&client, &target, code)
                .await
                .map(|()| None)
        });
    };
    view! {
        <form id="mfa-totp-form" on:submit=submit>
            <label for="mfa-totp-code">"Code from your authenticator app"</label>
            <input node_ref=focus id="mfa-totp-code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required bind:value=code />
            <button id="mfa-totp-submit" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                {move || if busy.get() { "Checking…" } else { "Continue" }}
            </button>
            <OutcomeNotice outcome=outcome id="mfa-totp" />
            <div class="login-actions">
                <button id="mfa-use-recovery" type="button" class="stytch-button link" on:click=move |_| screen.set(Screen::Recovery)>
                    "Use a recovery code"
                </button>
                {sms_phone.map(|phone| view! {
                    <button id="mfa-use-sms" type="button" class="stytch-button link" on:click=move |_| screen.set(Screen::SmsCode { phone: phone.clone() })>
                        "Text me a code instead"
                    </button>
                })}
            </div>
        </form>
    }
}

async fn authenticate_totp(
    client: &StytchB2BClient,
    target: &Target,
    code: String,
) -> Result<(), String> {
    client
        .totp()
        .authenticate(TotpAuthenticateRequest {
            organization_id: target.organization_id.clone(),
            member_id: target.member_id.clone(),
            code,
            ..Default::default()
        })
        .await
        .map(drop)
        .map_err(|e| describe(&e))
}

/// Six digits from a text message. `sent`: Stytch has already texted one (otherwise the first click sends).
#[component]
fn SmsCode(target: Target, phone: String, sent: bool) -> impl IntoView {
    let focus = NodeRef::<leptos::html::Input>::new();
    focus_when_shown(focus);
    let client = use_stytch_b2b_client();
    let inbox = expect_context::<InboxRefresh>();
    let code = RwSignal::new(String::new());
    let sent = RwSignal::new(sent);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None);
    let send = {
        let (client, target) = (client.clone(), target.clone());
        move || {
            let (client, target) = (client.clone(), target.clone());
            run_job(busy, outcome, async move {
                send_sms(&client, &target, None).await?;
                sent.set(true);
                inbox.0.update(|n| *n += 1);
                Ok(Some(
                    "We texted you a new code. In this demo it lands in the inbox.".to_owned(),
                ))
            });
        }
    };
    let submit = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if !sent.get_untracked() {
                send();
                return;
            }
            let (client, target) = (client.clone(), target.clone());
            let code = code.get_untracked().trim().to_owned();
            run_job(busy, outcome, async move {
                client
                    .otps()
                    .sms()
                    .authenticate(OtpSmsAuthenticateRequest {
                        organization_id: target.organization_id,
                        member_id: target.member_id,
                        code,
                        ..Default::default()
                    })
                    .await
                    .map(|_| None)
                    .map_err(|e| describe(&e))
            });
        }
    };
    view! {
        <form id="mfa-sms-form" on:submit=submit>
            {move || if sent.get() {
                view! {
                    <label for="mfa-sms-code">{format!("Code texted to {phone}")}</label>
                    <input node_ref=focus id="mfa-sms-code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required bind:value=code />
                    <button id="mfa-sms-submit" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Checking…" } else { "Continue" }}
                    </button>
                }.into_any()
            } else {
                view! {
                    <button id="mfa-sms-send" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                        {format!("Text a code to {phone}")}
                    </button>
                }.into_any()
            }}
            <OutcomeNotice outcome=outcome id="mfa-sms" />
            {move || sent.get().then(|| {
                let send = send.clone();
                view! {
                    <button id="mfa-sms-resend" type="button" class="stytch-button link" disabled=move || busy.get() on:click=move |_| send()>
                        "Send a new code"
                    </button>
                }
            })}
        </form>
    }
}

async fn send_sms(
    client: &StytchB2BClient,
    target: &Target,
    phone: Option<String>,
) -> Result<(), String> {
    client
        .otps()
        .sms()
        .send(OtpSmsSendRequest {
            organization_id: target.organization_id.clone(),
            member_id: target.member_id.clone(),
            mfa_phone_number: phone,
            ..Default::default()
        })
        .await
        .map(drop)
        .map_err(|e| describe(&e))
}

/// A phone number to text codes to, then the code.
#[component]
fn PhoneEnrollment(
    target: Target,
    on_sent: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    let focus = NodeRef::<leptos::html::Input>::new();
    focus_when_shown(focus);
    let client = use_stytch_b2b_client();
    let inbox = expect_context::<InboxRefresh>();
    let phone = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None);
    let on_sent = std::sync::Arc::new(on_sent);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (client, target, on_sent) = (client.clone(), target.clone(), on_sent.clone());
        let number = phone.get_untracked().trim().to_owned();
        run_job(busy, outcome, async move {
            send_sms(&client, &target, Some(number.clone())).await?;
            inbox.0.update(|n| *n += 1);
            on_sent(number);
            Ok(None)
        });
    };
    view! {
        <form id="mfa-phone-form" on:submit=submit>
            <label for="mfa-phone">"Mobile number, with country code"</label>
            <input node_ref=focus id="mfa-phone" name="phone" type="tel" autocomplete="tel" placeholder="+15550000000" required bind:value=phone />
            <button id="mfa-phone-submit" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                {move || if busy.get() { "Sending…" } else { "Text me a code" }}
            </button>
            <OutcomeNotice outcome=outcome id="mfa-phone" />
        </form>
    }
}

/// A TOTP registration: the QR code (and the secret, for typing), then the app's first code. The recovery
/// codes that come with it are shown once afterwards.
#[component]
fn TotpEnrollment(target: Target) -> impl IntoView {
    let focus = NodeRef::<leptos::html::Input>::new();
    focus_when_shown(focus);
    let client = use_stytch_b2b_client();
    let fresh = expect_context::<FreshRecoveryCodes>();
    let created = RwSignal::new(None::<(String, String, Vec<String>)>);
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None);
    {
        let (client, target) = (client.clone(), target.clone());
        run_job(busy, outcome, async move {
            let resp = client
                .totp()
                .create(TotpCreateRequest {
                    organization_id: target.organization_id,
                    member_id: target.member_id,
                    expiration_minutes: None,
                })
                .await
                .map_err(|e| describe(&e))?;
            created.set(Some((resp.qr_code, resp.secret, resp.recovery_codes)));
            Ok(None)
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((_, _, codes)) = created.get_untracked() else {
            return;
        };
        let (client, target) = (client.clone(), target.clone());
        let code = code.get_untracked().trim().to_owned();
        run_job(busy, outcome, async move {
            authenticate_totp(&client, &target, code).await?;
            fresh.0.set(Some(codes));
            Ok(Some("Your authenticator app is set up.".to_owned()))
        });
    };
    view! {
        <form id="mfa-totp-enroll" on:submit=submit>
            {move || created.get().map(|(qr, secret, _)| view! {
                <p>"Scan this code with your authenticator app, then type the 6 digits it shows."</p>
                <img id="mfa-totp-qr" class="qr" src=qr alt="QR code to add this account to an authenticator app" width="180" height="180" />
                <p class="muted">"Can't scan it? Type this key: " <code id="mfa-totp-secret" class="mono">{secret}</code></p>
                <label for="mfa-totp-code">"Code from your authenticator app"</label>
                <input node_ref=focus id="mfa-totp-code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required bind:value=code />
                <button id="mfa-totp-submit" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Checking…" } else { "Continue" }}
                </button>
            })}
            <OutcomeNotice outcome=outcome id="mfa-totp" />
        </form>
    }
}

/// One of the ten recovery codes instead of the app.
#[component]
fn RecoveryCode(target: Target) -> impl IntoView {
    let focus = NodeRef::<leptos::html::Input>::new();
    focus_when_shown(focus);
    let client = use_stytch_b2b_client();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (client, target) = (client.clone(), target.clone());
        let code = code.get_untracked().trim().to_lowercase();
        run_job(busy, outcome, async move {
            client
                .recovery_codes()
                .recover(RecoveryCodesRecoverRequest {
                    organization_id: target.organization_id,
                    member_id: target.member_id,
                    recovery_code: code,
                    ..Default::default()
                })
                .await
                .map(|_| None)
                .map_err(|e| describe(&e))
        });
    };
    view! {
        <form id="mfa-recovery-form" on:submit=submit>
            <label for="mfa-recovery-code">"Recovery code"</label>
            <input node_ref=focus id="mfa-recovery-code" name="recovery_code" autocomplete="off" placeholder="xxxx-xxxx-xxxx" required bind:value=code />
            <button id="mfa-recovery-submit" type="submit" class="stytch-button primary" disabled=move || busy.get()>
                {move || if busy.get() { "Checking…" } else { "Continue" }}
            </button>
            <OutcomeNotice outcome=outcome id="mfa-recovery" />
        </form>
    }
}

/// The recovery codes, once: copy, download, and a button that confirms they are saved.
#[component]
pub fn SaveRecoveryCodes() -> impl IntoView {
    let fresh = expect_context::<FreshRecoveryCodes>();
    let copied = RwSignal::new(false);
    let codes = move || fresh.0.get().unwrap_or_default();
    let text = move || codes().join("\n");
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text());
            copied.set(true);
        }
    };
    view! {
        <section class="card" id="recovery-codes-card" aria-labelledby="recovery-codes-title">
            <h1 id="recovery-codes-title">"Save your recovery codes"</h1>
            <p>"Each code signs you in once if you lose your authenticator app. They are shown only now."</p>
            <ol id="recovery-codes" class="recovery-codes mono">
                {move || codes().into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
            </ol>
            <div class="login-actions">
                <button id="recovery-codes-copy" type="button" class="stytch-button" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <a id="recovery-codes-download" class="stytch-button" download="recovery-codes.txt"
                    href=move || format!("data:text/plain;charset=utf-8,{}", data_url_text(&text()))>
                    "Download"
                </a>
                <button id="recovery-codes-done" type="button" class="stytch-button primary" on:click=move |_| fresh.0.set(None)>
                    "I saved them"
                </button>
            </div>
        </section>
    }
}

/// Percent-encodes text for a `data:` URL (codes are `[0-9a-z-]` and newlines, so only `\n` needs it).
fn data_url_text(text: &str) -> String {
    text.replace('\n', "%0A")
}

/// The account page's second factors: the authenticator app, the phone, the recovery codes.
#[component]
pub fn SecondFactors() -> impl IntoView {
    let client = StoredValue::new(use_stytch_b2b_client());
    let member = use_stytch_member();
    let session = use_stytch_member_session();
    let fresh = expect_context::<FreshRecoveryCodes>();
    let adding = RwSignal::new(None::<MfaMethod>);
    // A factor authenticated with the session is added to it: the adder has done its job.
    Effect::new(move |before: Option<usize>| {
        let factors = session
            .value
            .with(|s| s.as_ref().map_or(0, |s| s.authentication_factors.len()));
        if before.is_some_and(|n| n != factors) {
            adding.set(None);
        }
        factors
    });
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None);
    let target = move || {
        member.value.with(|m| {
            m.as_ref().map(|m| Target {
                organization_id: m.organization_id.clone(),
                member_id: m.member_id.clone(),
            })
        })
    };
    let remove = move |method: MfaMethod| {
        let client = client.get_value();
        run_job(busy, outcome, async move {
            let result = match method {
                MfaMethod::Totp => client.self_().delete_mfa_totp().await,
                MfaMethod::SmsOtp => client.self_().delete_mfa_phone_number().await,
            };
            result.map_err(|e| describe(&e))?;
            Ok(Some("Removed.".to_owned()))
        });
    };
    let rotate = move |_| {
        let client = client.get_value();
        run_job(busy, outcome, async move {
            let resp = client
                .recovery_codes()
                .rotate()
                .await
                .map_err(|e| describe(&e))?;
            fresh.0.set(Some(resp.recovery_codes));
            Ok(None)
        });
    };
    view! {
        <section class="factors" id="second-factors" aria-labelledby="second-factors-title">
            <h2 id="second-factors-title">"Second factors"</h2>
            {move || member.value.get().map(|m| {
                let has_totp = !m.totp_registration_id.is_empty();
                let phone = (!m.mfa_phone_number.is_empty()).then(|| m.mfa_phone_number.clone());
                view! {
                    <dl class="facts">
                        <dt>"Authenticator app"</dt>
                        <dd id="factor-totp">
                            {if has_totp { "On" } else { "Off" }}
                            {if has_totp {
                                view! { <button id="factor-totp-remove" type="button" class="stytch-button small" disabled=move || busy.get() on:click=move |_| remove(MfaMethod::Totp)>"Remove"</button> }.into_any()
                            } else {
                                view! { <button id="factor-totp-add" type="button" class="stytch-button small" on:click=move |_| adding.set(Some(MfaMethod::Totp))>"Set up"</button> }.into_any()
                            }}
                        </dd>
                        <dt>"Text message"</dt>
                        <dd id="factor-sms">
                            {match &phone {
                                Some(p) if m.mfa_phone_number_verified => p.clone(),
                                Some(p) => format!("{p} (not verified)"),
                                None => "Off".to_owned(),
                            }}
                            {if phone.is_some() {
                                view! { <button id="factor-sms-remove" type="button" class="stytch-button small" disabled=move || busy.get() on:click=move |_| remove(MfaMethod::SmsOtp)>"Remove"</button> }.into_any()
                            } else {
                                view! { <button id="factor-sms-add" type="button" class="stytch-button small" on:click=move |_| adding.set(Some(MfaMethod::SmsOtp))>"Add a phone"</button> }.into_any()
                            }}
                        </dd>
                        <dt>"MFA at every login"</dt>
                        <dd id="factor-enrolled">{if m.mfa_enrolled { "Yes" } else { "No" }}</dd>
                    </dl>
                    {has_totp.then(|| view! {
                        <button id="recovery-codes-rotate" type="button" class="stytch-button small" disabled=move || busy.get() on:click=rotate>
                            "New recovery codes"
                        </button>
                    })}
                }
            })}
            <OutcomeNotice outcome=outcome id="factors" />
            {move || match (adding.get(), target()) {
                (Some(MfaMethod::Totp), Some(t)) => view! { <TotpEnrollment target=t /> }.into_any(),
                (Some(MfaMethod::SmsOtp), Some(t)) => view! { <AddPhone target=t /> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}

/// The account page's phone: send to the new number, then its code (which adds the factor to the session).
#[component]
fn AddPhone(target: Target) -> impl IntoView {
    let sent_to = RwSignal::new(None::<String>);
    move || {
        match sent_to.get() {
        None => view! { <PhoneEnrollment target=target.clone() on_sent=move |p| sent_to.set(Some(p)) /> }.into_any(),
        Some(phone) => view! { <SmsCode target=target.clone() phone=phone sent=true /> }.into_any(),
    }
    }
}
