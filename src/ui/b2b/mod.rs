//! `<StytchB2B>`: Stytch's pre-built B2B login (Organization and Discovery flows), on the headless client.
//!
//! One container holds the screen history; each screen is a real `<form>` with `<label>`s, errors are
//! announced (`role="alert"`), and the focus moves to the first field of each new screen. Every call goes
//! through the client of the nearest `<StytchB2BProvider>`, so the session it issues is the app's.

mod config;
mod flow;
mod screens;

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::core::client::StytchB2BClient;
use crate::core::discovery::DiscoveryAuthenticateResponse;
use crate::core::error::StytchError;
use crate::core::impersonation::ImpersonationAuthenticateRequest;
use crate::core::magic_links::{
    MagicLinksAuthenticateRequest, MagicLinksDiscoveryAuthenticateRequest,
};
use crate::core::mfa::MfaStep;
use crate::core::models::{AuthenticateResponse, Organization};
use crate::core::oauth::{OauthAuthenticateRequest, OauthDiscoveryAuthenticateRequest};
use crate::core::organization::GetBySlugRequest;
use crate::core::sso::SsoAuthenticateRequest;
use crate::hooks::use_stytch_b2b_client;
use crate::ui::strings::Strings;
use crate::ui::theme::{Presentation, Theme};

pub use config::{
    AuthFlowType, B2BCallbacks, B2BLoginConfig, B2BProduct, EmailMagicLinksOptions, OauthOptions,
    OauthProvider, PasswordOptions, SessionOptions, StytchEvent, StytchEventType,
};
use flow::{AfterPrimary, ErrorKind, Nav, RedirectKind, Screen};

/// The stylesheet, injected with the component so an app links nothing.
const CSS: &str = include_str!("../../../style/leptos-stytch-ui.css");

/// What every screen reads: the client, the configuration and the flow's state.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub client: StytchB2BClient,
    pub config: Arc<B2BLoginConfig>,
    pub presentation: Arc<Presentation>,
    pub strings: Strings,
    pub callbacks: B2BCallbacks,
    pub nav: RwSignal<Nav>,
    pub organization: RwSignal<Option<Organization>>,
    /// `primary_required.allowed_auth_methods` of the last response, which limits Main.
    pub primary_required: RwSignal<Option<Vec<String>>>,
}

impl Ctx {
    pub(crate) fn t(&self, id: &str) -> String {
        self.strings.get(id)
    }

    // `try_` writes: a call may finish after the app has unmounted the component (apps swap it out as
    // soon as the session signal turns `Some`, which happens inside the call); the write is then dropped.
    pub(crate) fn push(&self, screen: Screen) {
        self.nav.try_update(|n| n.push(screen));
    }

    pub(crate) fn reset(&self, screen: Screen) {
        self.nav.try_update(|n| n.reset(screen));
    }

    pub(crate) fn back(&self) {
        self.nav.try_update(Nav::back);
    }

    pub(crate) fn session_minutes(&self) -> u32 {
        self.config.session_options.session_duration_minutes
    }

    pub(crate) fn organization_id(&self) -> String {
        self.organization
            .with_untracked(|o| o.as_ref().map(|o| o.organization_id.clone()))
            .unwrap_or_default()
    }

    /// Reports a failed call to `on_error` and shows it in the screen's alert.
    pub(crate) fn fail(&self, error: &StytchError, alert: RwSignal<Option<String>>) {
        self.callbacks.error(error);
        alert.try_set(Some(flow::error_text(&self.strings, error)));
    }

    /// Moves on after any authenticate call: the session is there, or another primary factor is due, or
    /// the second factor the client recorded.
    pub(crate) fn finish_primary(&self, resp: &AuthenticateResponse) {
        if !resp.organization.organization_id.is_empty() {
            self.organization.try_set(Some(resp.organization.clone()));
        }
        match flow::after_primary(resp) {
            AfterPrimary::Success => self.reset(Screen::Success),
            AfterPrimary::PrimaryRequired(methods) => {
                self.primary_required.try_set(Some(methods));
                self.reset(Screen::Main);
            }
            AfterPrimary::NoMethodAllowed => self.reset(Screen::Error {
                kind: ErrorKind::CannotJoinOrgDueToAuthPolicy,
                can_go_back: false,
            }),
            AfterPrimary::Mfa => match self.client.pending_mfa() {
                Some(pending) => {
                    let step = match pending.step() {
                        MfaStep::Enroll { methods } => MfaStep::Enroll {
                            methods: flow::enroll_methods(
                                methods,
                                pending.organization.mfa_methods == "RESTRICTED",
                                &self.config.mfa_product_include,
                                &self.config.mfa_product_order,
                            ),
                        },
                        other => other,
                    };
                    self.reset(flow::mfa_screen(step));
                }
                None => self.reset(Screen::Error {
                    kind: ErrorKind::Default,
                    can_go_back: false,
                }),
            },
        }
    }

    /// Lists the organizations a Discovery sign-in found.
    pub(crate) fn show_discovered(&self, resp: DiscoveryAuthenticateResponse) {
        self.reset(Screen::Discovery {
            email: resp.email_address,
            organizations: resp.discovered_organizations,
        });
    }

    /// Runs one call: `busy` while it runs, the alert cleared first (so a repeated error is announced
    /// again) and filled on failure, `done` with the result on success.
    pub(crate) fn run<T: 'static>(
        &self,
        busy: RwSignal<bool>,
        alert: RwSignal<Option<String>>,
        call: impl std::future::Future<Output = Result<T, StytchError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        alert.set(None);
        let ctx = self.clone();
        spawn_local(async move {
            let result = call.await;
            busy.try_set(false);
            match result {
                Ok(value) => done(value),
                Err(e) => ctx.fail(&e, alert),
            }
        });
    }
}

pub(crate) fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Stytch's pre-built B2B login (`<StytchB2B>`): the organization's sign-in methods (or, in the Discovery
/// flow, the email's organizations after a link or code), the emailed link or code, passwords, the
/// redirect back from an emailed link, and the second factor the organization asks for. It never navigates: it ends on a "Success!" screen and emits
/// [`StytchEventType::AuthenticateFlowComplete`], and the app moves on (for example when
/// `use_stytch_member_session()` turns `Some`).
///
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_stytch::ui::{B2BLoginConfig, B2BProduct, StytchB2B};
///
/// #[component]
/// fn Login() -> impl IntoView {
///     let config = B2BLoginConfig {
///         products: vec![B2BProduct::EmailMagicLinks, B2BProduct::Passwords],
///         organization_slug: Some("acme".into()),
///         ..Default::default()
///     };
///     view! { <StytchB2B config=config /> }
/// }
/// ```
#[component]
pub fn StytchB2B(
    /// Which methods, which flow, redirect URLs and session length.
    config: B2BLoginConfig,
    /// Theme tokens and display options; light by default.
    #[prop(optional)]
    presentation: Presentation,
    /// Overrides of the catalogue's strings, by Stytch's ids (see [`crate::ui::strings::CATALOGUE`]).
    #[prop(optional)]
    strings: HashMap<String, String>,
    /// `on_event` and `on_error`.
    #[prop(optional)]
    callbacks: B2BCallbacks,
) -> impl IntoView {
    let style = presentation.theme.css_vars();
    let dark = presentation.dark_theme.as_ref().map(Theme::dark_mode_rule);
    let (dark_key, dark_rule) = dark.unzip();
    let ctx = Ctx {
        client: use_stytch_b2b_client(),
        config: Arc::new(config),
        presentation: Arc::new(presentation),
        strings: Strings::new(strings),
        callbacks,
        nav: RwSignal::new(Nav::new(Screen::Loading)),
        organization: RwSignal::new(None),
        primary_required: RwSignal::new(None),
    };
    provide_context(ctx.clone());

    // Effects run only in the browser: the redirect token and the organization are read there, once.
    let started = StoredValue::new(false);
    let start_ctx = ctx.clone();
    Effect::new(move |_| {
        if !started.get_value() {
            started.set_value(true);
            start(&start_ctx);
        }
    });

    let root = NodeRef::<leptos::html::Div>::new();
    let screen = Memo::new(move |_| ctx.nav.with(|n| n.screen.clone()));
    Effect::new(move |_| {
        screen.track();
        if let Some(root) = root.get() {
            request_animation_frame(move || focus_first_field(&root));
        }
    });

    view! {
        <div class="st-b2b" style=style data-st-dark=dark_key node_ref=root>
            <style>{CSS}</style>
            {dark_rule.map(|rule| view! { <style>{rule}</style> })}
            <div class="st-card">{move || screens::render(screen.get())}</div>
        </div>
    }
}

/// Where the flow begins: a redirect token in the URL first (whatever the flow type), else the
/// organization of the Organization flow.
fn start(ctx: &Ctx) {
    if let Some((token_type, token)) = take_redirect_token()
        && authenticate_redirect(ctx, &token_type, token)
    {
        return;
    }
    match ctx.config.auth_flow_type {
        AuthFlowType::Discovery => ctx.reset(Screen::Main),
        AuthFlowType::Organization => load_organization(ctx),
    }
}

fn load_organization(ctx: &Ctx) {
    let organization_error = Screen::Error {
        kind: ErrorKind::Organization,
        can_go_back: false,
    };
    let Some(slug) = ctx
        .config
        .organization_slug
        .clone()
        .filter(|s| !s.is_empty())
    else {
        ctx.reset(organization_error);
        return;
    };
    let ctx = ctx.clone();
    spawn_local(async move {
        let result = ctx
            .client
            .organization()
            .get_by_slug(GetBySlugRequest {
                organization_slug: slug,
            })
            .await;
        match result {
            Ok(Some(org)) => {
                ctx.callbacks
                    .event(StytchEventType::OrganizationsGetBySlug, &org);
                ctx.organization.try_set(Some(org));
                ctx.reset(Screen::Main);
            }
            Ok(None) => ctx.reset(organization_error),
            Err(e) => {
                ctx.callbacks.error(&e);
                ctx.reset(organization_error);
            }
        }
    });
}

/// Authenticates the token of a redirect back; false when the token is not one this component handles
/// (the normal start follows).
fn authenticate_redirect(ctx: &Ctx, token_type: &str, token: String) -> bool {
    let minutes = ctx.session_minutes();
    let client = ctx.client.clone();
    let kind = flow::redirect_kind(token_type);
    let (event, error_kind) = match kind {
        RedirectKind::Unknown => return false,
        RedirectKind::PasswordReset => {
            ctx.reset(Screen::PasswordReset {
                token: flow::ResetToken(token),
            });
            return true;
        }
        RedirectKind::DiscoveryMagicLink | RedirectKind::DiscoveryOauth => {
            authenticate_discovery_redirect(ctx, kind, token);
            return true;
        }
        RedirectKind::MagicLink => (
            StytchEventType::MagicLinkAuthenticate,
            ErrorKind::EmailMagicLink,
        ),
        RedirectKind::Sso => (StytchEventType::SsoAuthenticate, ErrorKind::Default),
        RedirectKind::Oauth => (StytchEventType::OauthAuthenticate, ErrorKind::Default),
        RedirectKind::Impersonation => (
            StytchEventType::ImpersonationAuthenticate,
            ErrorKind::Default,
        ),
    };
    ctx.reset(Screen::LoggingIn);
    let ctx = ctx.clone();
    spawn_local(async move {
        let result = match kind {
            RedirectKind::Sso => {
                client
                    .sso()
                    .authenticate(SsoAuthenticateRequest {
                        sso_token: token,
                        session_duration_minutes: minutes,
                        locale: None,
                    })
                    .await
            }
            RedirectKind::Oauth => client
                .oauth()
                .authenticate(OauthAuthenticateRequest {
                    oauth_token: token,
                    session_duration_minutes: minutes,
                    ..Default::default()
                })
                .await
                .map(|r| r.response),
            RedirectKind::Impersonation => {
                client
                    .impersonation()
                    .authenticate(ImpersonationAuthenticateRequest {
                        impersonation_token: token,
                    })
                    .await
            }
            _ => {
                client
                    .magic_links()
                    .authenticate(MagicLinksAuthenticateRequest {
                        magic_links_token: token,
                        session_duration_minutes: minutes,
                        locale: None,
                    })
                    .await
            }
        };
        match result {
            Ok(resp) => {
                ctx.callbacks.event(event, &resp);
                ctx.finish_primary(&resp);
            }
            Err(e) => {
                ctx.callbacks.error(&e);
                ctx.reset(Screen::Error {
                    kind: error_kind,
                    can_go_back: false,
                });
            }
        }
    });
    true
}

/// A Discovery-flow token: its organizations, or the Error screen.
fn authenticate_discovery_redirect(ctx: &Ctx, kind: RedirectKind, token: String) {
    ctx.reset(Screen::LoggingIn);
    let ctx = ctx.clone();
    spawn_local(async move {
        let client = ctx.client.clone();
        let (event, error_kind, result) = if kind == RedirectKind::DiscoveryOauth {
            let result = client
                .oauth()
                .discovery()
                .authenticate(OauthDiscoveryAuthenticateRequest {
                    discovery_oauth_token: token,
                })
                .await;
            (
                StytchEventType::OauthDiscoveryAuthenticate,
                ErrorKind::Default,
                result,
            )
        } else {
            let result = client
                .magic_links()
                .discovery()
                .authenticate(MagicLinksDiscoveryAuthenticateRequest {
                    discovery_magic_links_token: token,
                })
                .await;
            (
                StytchEventType::MagicLinkDiscoveryAuthenticate,
                ErrorKind::EmailMagicLink,
                result,
            )
        };
        match result {
            Ok(resp) => {
                ctx.callbacks.event(event, &resp);
                ctx.show_discovered(resp);
            }
            Err(e) => {
                ctx.callbacks.error(&e);
                ctx.reset(Screen::Error {
                    kind: error_kind,
                    can_go_back: false,
                });
            }
        }
    });
}

/// The redirect token of the current URL, removed from the address bar before anything is sent, so a
/// reload cannot replay it.
#[cfg(all(target_arch = "wasm32", not(feature = "ssr")))]
fn take_redirect_token() -> Option<(String, String)> {
    crate::browser::parse_authenticate_url(true).map(|p| (p.token_type, p.token))
}

#[cfg(not(all(target_arch = "wasm32", not(feature = "ssr"))))]
fn take_redirect_token() -> Option<(String, String)> {
    None
}

/// Focuses the screen's first field still to fill in (every field is `required`, so an empty one is
/// `:invalid`), else its first field, else its heading, so keyboard and screen-reader users start where
/// the new screen does.
fn focus_first_field(root: &leptos::web_sys::HtmlDivElement) {
    use leptos::wasm_bindgen::JsCast;
    let target = [
        "input:invalid:not([disabled])",
        "input:not([type=hidden]):not([disabled]), select, textarea",
        "h1",
    ]
    .into_iter()
    .find_map(|selector| root.query_selector(selector).ok().flatten());
    if let Some(el) = target.and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
