//! The signed-out page: sign in to one organization (email magic link, email code or password, plus
//! "Forgot password", or an OAuth provider), with SSO, or sign in first and choose the organization
//! afterwards (discovery).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_stytch::{
    AuthenticateResponse, DiscoveredOrganization, EmailLoginOrSignupRequest, GetBySlugRequest,
    Organization, OtpEmailAuthenticateRequest, OtpEmailLoginOrSignupRequest,
    PasswordAuthenticateRequest, PasswordResetByEmailStartRequest, StytchB2BClient,
    use_stytch_b2b_client, use_stytch_pending_mfa,
};

use super::{InboxRefresh, OutcomeNotice, describe, discovery, mfa, sso};

/// Where the signed-out page is in a multi-step flow. Provided once by the app, because the page
/// that opens an emailed link (the landing) starts flows that the login form finishes.
#[derive(Clone, Copy)]
pub(crate) struct LoginFlow {
    /// The organizations found by a discovery authenticate, waiting for the user to pick one.
    pub discovered: RwSignal<Option<Discovered>>,
    /// The token of a password-reset link, waiting for the new password.
    pub reset_token: RwSignal<Option<String>>,
}

impl LoginFlow {
    pub fn new() -> Self {
        Self {
            discovered: RwSignal::new(None),
            reset_token: RwSignal::new(None),
        }
    }
}

/// The outcome of a discovery authenticate (link, code): whose organizations, and which.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Discovered {
    pub email: String,
    pub organizations: Vec<DiscoveredOrganization>,
}

/// The demo's own address with a trailing slash: where emailed links lead back to.
pub(crate) fn redirect_url() -> Option<String> {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .map(|o| format!("{o}/"))
}

/// `Ok` when the response carries a session, or when a second factor is due (the login page then shows
/// the MFA step by itself); otherwise why the organization wants another primary factor first.
pub(crate) fn signed_in(resp: &AuthenticateResponse) -> Result<(), String> {
    if resp.member_authenticated || resp.mfa_required.is_some() {
        return Ok(());
    }
    let org = &resp.organization.organization_name;
    let methods = resp
        .primary_required
        .as_ref()
        .map(|p| p.allowed_auth_methods.join(", "))
        .unwrap_or_default();
    Err(format!(
        "{org} asks you to sign in another way first (allowed: {methods})."
    ))
}

/// The ways to sign in to one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    MagicLink,
    EmailCode,
    Password,
}

impl Method {
    const ALL: [Method; 3] = [Method::MagicLink, Method::EmailCode, Method::Password];

    fn id(self) -> &'static str {
        match self {
            Method::MagicLink => "method-magic-link",
            Method::EmailCode => "method-otp",
            Method::Password => "method-password",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Method::MagicLink => "Email link",
            Method::EmailCode => "Email code",
            Method::Password => "Password",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Method::MagicLink => {
                "We'll email you a magic link. In this demo the email lands in the inbox on the right."
            }
            Method::EmailCode => {
                "We'll email you a 6-digit code. In this demo the email lands in the inbox on the right."
            }
            Method::Password => "Sign in with the password of your member account.",
        }
    }
}

/// An email code that was sent: the code input checks it against this organization and address.
#[derive(Debug, Clone, PartialEq)]
struct CodeSent {
    organization_id: String,
    email: String,
}

async fn find_org(client: &StytchB2BClient, slug: &str) -> Result<Organization, String> {
    client
        .organization()
        .get_by_slug(GetBySlugRequest {
            organization_slug: slug.to_owned(),
        })
        .await
        .map_err(|e| describe(&e))?
        .ok_or_else(|| format!("No organization has the slug “{slug}”."))
}

async fn send_link(client: StytchB2BClient, slug: String, email: String) -> Result<String, String> {
    let org = find_org(&client, &slug).await?;
    let redirect = redirect_url();
    let resp = client
        .magic_links()
        .email()
        .login_or_signup(EmailLoginOrSignupRequest {
            email_address: email.clone(),
            organization_id: org.organization_id,
            login_redirect_url: redirect.clone(),
            signup_redirect_url: redirect,
            ..Default::default()
        })
        .await
        .map_err(|e| describe(&e))?;
    let what = if resp.member_created == Some(true) {
        "A sign-up link"
    } else {
        "A login link"
    };
    Ok(format!(
        "{what} for {} is on its way to {email}. Open it from the inbox.",
        org.organization_name
    ))
}

async fn send_code(
    client: StytchB2BClient,
    slug: String,
    email: String,
) -> Result<(CodeSent, String), String> {
    let org = find_org(&client, &slug).await?;
    client
        .otps()
        .email()
        .login_or_signup(OtpEmailLoginOrSignupRequest {
            organization_id: org.organization_id.clone(),
            email_address: email.clone(),
            ..Default::default()
        })
        .await
        .map_err(|e| describe(&e))?;
    Ok((
        CodeSent {
            organization_id: org.organization_id,
            email: email.clone(),
        },
        format!(
            "A code for {} is on its way to {email}. Enter it below.",
            org.organization_name
        ),
    ))
}

async fn check_code(client: StytchB2BClient, sent: CodeSent, code: String) -> Result<(), String> {
    let resp = client
        .otps()
        .email()
        .authenticate(OtpEmailAuthenticateRequest {
            code,
            email_address: sent.email,
            organization_id: sent.organization_id,
            ..Default::default()
        })
        .await
        .map_err(|e| describe(&e))?;
    signed_in(&resp)
}

async fn password_login(
    client: StytchB2BClient,
    slug: String,
    email: String,
    password: String,
) -> Result<(), String> {
    let org = find_org(&client, &slug).await?;
    let resp = client
        .passwords()
        .authenticate(PasswordAuthenticateRequest {
            organization_id: org.organization_id,
            email_address: email,
            password,
            ..Default::default()
        })
        .await
        .map_err(|e| describe(&e))?;
    signed_in(&resp)
}

async fn start_reset(
    client: StytchB2BClient,
    slug: String,
    email: String,
) -> Result<String, String> {
    let org = find_org(&client, &slug).await?;
    let redirect = redirect_url();
    client
        .passwords()
        .reset_by_email_start(PasswordResetByEmailStartRequest {
            organization_id: org.organization_id,
            email_address: email.clone(),
            login_redirect_url: redirect.clone(),
            reset_password_redirect_url: redirect,
            ..Default::default()
        })
        .await
        .map_err(|e| describe(&e))?;
    Ok(format!(
        "A password reset link for {} is on its way to {email}. Open it from the inbox.",
        org.organization_name
    ))
}

/// The signed-out page. Shows the organization picker while a discovery is pending, and steps
/// aside while the landing asks for a new password.
#[component]
pub fn LoginForm() -> impl IntoView {
    let flow = expect_context::<LoginFlow>();
    let mfa = use_stytch_pending_mfa();
    let discovering = RwSignal::new(false);
    let with_sso = RwSignal::new(false);
    move || {
        if mfa.with(Option::is_some) {
            view! { <mfa::MfaChallenge /> }.into_any()
        } else if flow.reset_token.with(Option::is_some) {
            ().into_any()
        } else if let Some(found) = flow.discovered.get() {
            view! { <discovery::OrganizationPicker found=found /> }.into_any()
        } else if discovering.get() {
            view! { <discovery::DiscoveryStart on_back=move || discovering.set(false) /> }
                .into_any()
        } else if with_sso.get() {
            view! { <sso::SsoStart on_back=move || with_sso.set(false) /> }.into_any()
        } else {
            view! {
                <OrganizationLogin
                    on_discover=move || discovering.set(true)
                    on_sso=move || with_sso.set(true)
                />
            }
            .into_any()
        }
    }
}

/// Sign in to one organization, chosen by its slug, with the method picked in the switcher.
#[component]
fn OrganizationLogin(
    on_discover: impl Fn() + Send + Sync + 'static,
    on_sso: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let client = use_stytch_b2b_client();
    let inbox = expect_context::<InboxRefresh>();
    let method = RwSignal::new(Method::MagicLink);
    let slug = RwSignal::new("acme".to_owned());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let code_sent = RwSignal::new(None::<CodeSent>);
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, String>>);

    // Runs one request at a time; `Ok(Some(msg))` is shown as a notice, `Ok(None)` means the
    // session changed and the page moves on by itself.
    let run = Callback::new(move |job: Job| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        outcome.set(None);
        let client = client.clone();
        let slug = slug.get_untracked().trim().to_owned();
        let email = email.get_untracked().trim().to_owned();
        spawn_local(async move {
            let sends_email = matches!(job, Job::SendLink | Job::SendCode | Job::Reset);
            let result = match job {
                Job::SendLink => send_link(client, slug, email).await.map(Some),
                Job::SendCode => match send_code(client, slug, email).await {
                    Ok((sent, msg)) => {
                        code_sent.set(Some(sent));
                        Ok(Some(msg))
                    }
                    Err(e) => Err(e),
                },
                Job::CheckCode(sent, c) => check_code(client, sent, c).await.map(|()| None),
                Job::Password(p) => password_login(client, slug, email, p).await.map(|()| None),
                Job::Reset => start_reset(client, slug, email).await.map(Some),
            };
            // A success that signed in unmounts this form; these writes are then no-ops.
            outcome.set(result.transpose());
            pending.set(false);
            if sends_email {
                inbox.0.update(|n| *n += 1);
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run.run(match method.get_untracked() {
            Method::MagicLink => Job::SendLink,
            Method::EmailCode => match code_sent.get_untracked() {
                Some(sent) => Job::CheckCode(sent, code.get_untracked().trim().to_owned()),
                None => Job::SendCode,
            },
            Method::Password => Job::Password(password.get_untracked()),
        });
    };
    let switch_to = move |m: Method| {
        method.set(m);
        code_sent.set(None);
        code.set(String::new());
        outcome.set(None);
    };

    let slug_signal: Signal<String> = slug.into();
    view! {
        <form class="card login" id="login-form" on:submit=submit>
            <h1>"Sign in"</h1>
            <div class="method-switcher" role="tablist" aria-label="Sign-in method">
                {Method::ALL
                    .into_iter()
                    .map(|m| {
                        view! {
                            <button
                                id=m.id()
                                type="button"
                                role="tab"
                                class="method-tab"
                                aria-selected=move || (method.get() == m).to_string()
                                on:click=move |_| switch_to(m)
                            >
                                {m.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="muted">{move || method.get().hint()}</p>
            <label for="login-org">"Organization"</label>
            <input id="login-org" name="organization" autocomplete="organization" required bind:value=slug />
            <label for="login-email">"Work email"</label>
            <input id="login-email" name="email" type="email" autocomplete="email" placeholder="you@example.com" required bind:value=email />
            {move || match method.get() {
                Method::MagicLink => view! {
                    <button id="login-submit" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Sending…" } else { "Email me a link" }}
                    </button>
                }.into_any(),
                Method::EmailCode => view! {
                    <Show
                        when=move || code_sent.with(Option::is_some)
                        fallback=move || view! {
                            <button id="otp-send" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                                {move || if pending.get() { "Sending…" } else { "Email me a code" }}
                            </button>
                        }
                    >
                        <label for="login-code">"Code from the email"</label>
                        <input id="login-code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required bind:value=code />
                        <div class="login-actions">
                            <button id="otp-verify" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                                {move || if pending.get() { "Checking…" } else { "Sign in" }}
                            </button>
                            <button id="otp-resend" type="button" class="stytch-button" disabled=move || pending.get() on:click=move |_| {
                                code.set(String::new());
                                run.run(Job::SendCode);
                            }>
                                "Send a new code"
                            </button>
                        </div>
                    </Show>
                }.into_any(),
                Method::Password => view! {
                    <label for="login-password">"Password"</label>
                    <input id="login-password" name="password" type="password" autocomplete="current-password" required bind:value=password />
                    <div class="login-actions">
                        <button id="password-submit" type="submit" class="stytch-button primary" disabled=move || pending.get()>
                            {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                        <button id="password-forgot" type="button" class="stytch-button link" disabled=move || pending.get() on:click=move |_| run.run(Job::Reset)>
                            "Forgot password?"
                        </button>
                    </div>
                }.into_any(),
            }}
            <OutcomeNotice outcome=outcome id="login" />
            <p class="or-divider muted">"or"</p>
            <sso::OauthButtons organization_slug=slug_signal />
            <div class="login-alt">
                <span class="muted">"Not sure which organization?"</span>
                <button id="discovery-start" type="button" class="stytch-button link" on:click=move |_| on_discover()>
                    "Sign in without choosing an organization"
                </button>
                <span class="muted">"Your company uses single sign-on?"</span>
                <button id="sso-start" type="button" class="stytch-button link" on:click=move |_| on_sso()>
                    "Sign in with SSO"
                </button>
            </div>
        </form>
    }
}

/// One request of [`OrganizationLogin`].
#[derive(Debug, Clone)]
enum Job {
    SendLink,
    SendCode,
    CheckCode(CodeSent, String),
    Password(String),
    Reset,
}
