//! The login state machine without any view: the screens and their history, which sign-in methods the
//! Main screen offers, where an authenticate response leads, and what a redirect token asks for.

use crate::core::discovery::DiscoveredOrganization;
use crate::core::error::StytchError;
use crate::core::mfa::{MfaMethod, MfaStep};
use crate::core::models::{AuthenticateResponse, Organization};
use crate::ui::strings::Strings;

use super::config::{B2BProduct, OauthProvider};

/// Why the Error screen shows, each with its own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Default,
    /// A login link that failed.
    EmailMagicLink,
    /// No organization with the configured slug.
    Organization,
    /// The organization's policy leaves no primary method.
    CannotJoinOrgDueToAuthPolicy,
}

impl ErrorKind {
    pub(crate) fn string_id(self) -> &'static str {
        match self {
            Self::Default => "error.default",
            Self::EmailMagicLink => "error.eml",
            Self::Organization => "error.organization",
            Self::CannotJoinOrgDueToAuthPolicy => "error.authPolicyNoOrg",
        }
    }
}

/// One screen of the login flow, with what it needs to render.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Screen {
    /// The organization is being looked up.
    Loading,
    /// A redirect token is being authenticated.
    LoggingIn,
    Main,
    EmailMethodSelection {
        email: String,
    },
    EmailConfirmation {
        email: String,
    },
    EmailOtpEntry {
        email: String,
    },
    PasswordAuthenticate {
        email: String,
    },
    PasswordForgot {
        email: String,
    },
    PasswordResetSent {
        email: String,
    },
    /// The reset link's token, waiting for the new password.
    PasswordReset {
        token: ResetToken,
    },
    MfaEnrollSelection {
        methods: Vec<MfaMethod>,
    },
    TotpEnroll,
    SmsEnroll,
    SmsEntry {
        phone_number: String,
        /// False: the screen sends the code itself when it opens.
        sent: bool,
    },
    TotpEntry,
    RecoveryCodeEntry,
    /// The organizations of a Discovery sign-in, to pick one.
    Discovery {
        email: String,
        organizations: Vec<DiscoveredOrganization>,
    },
    /// Shown once, right after TOTP enrolment.
    RecoveryCodeSave {
        codes: Vec<String>,
    },
    Error {
        kind: ErrorKind,
        can_go_back: bool,
    },
    Success,
}

/// A password-reset token; `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ResetToken(pub String);

impl std::fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetToken(..)")
    }
}

/// The current screen and the ones "Go back" returns to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Nav {
    pub screen: Screen,
    pub history: Vec<Screen>,
}

impl Nav {
    pub(crate) fn new(screen: Screen) -> Self {
        Self {
            screen,
            history: Vec::new(),
        }
    }

    /// Opens `screen` on top of the current one (back returns here); the same screen again is a no-op.
    pub(crate) fn push(&mut self, screen: Screen) {
        if self.screen != screen {
            let previous = std::mem::replace(&mut self.screen, screen);
            self.history.push(previous);
        }
    }

    /// Opens `screen` with an empty history: the flow cannot go back past it.
    pub(crate) fn reset(&mut self, screen: Screen) {
        self.screen = screen;
        self.history.clear();
    }

    /// Returns to the previous screen, or to Main when there is none.
    pub(crate) fn back(&mut self) {
        self.screen = self.history.pop().unwrap_or(Screen::Main);
    }

    pub(crate) fn can_go_back(&self) -> bool {
        !self.history.is_empty()
    }
}

/// The configured products the organization lets this member use, in the configured order.
///
/// The restriction is the `primary_required.allowed_auth_methods` of an earlier response when there is
/// one, else the organization's `allowed_auth_methods` when its `auth_methods` is `RESTRICTED`. When a
/// `primary_required` restriction leaves nothing, a restricted organization offers every method it allows
/// and any other offers magic links, as Stytch's UI does, so the member is never stuck on an empty form.
pub(crate) fn effective_products(
    configured: &[B2BProduct],
    organization: Option<&Organization>,
    primary_required: Option<&[String]>,
) -> Vec<B2BProduct> {
    let org_restriction = organization
        .filter(|o| o.auth_methods == "RESTRICTED")
        .map(|o| o.allowed_auth_methods.as_slice());
    let Some(allowed) = primary_required.or(org_restriction) else {
        return dedup(configured.to_vec());
    };
    let kept: Vec<B2BProduct> = configured
        .iter()
        .copied()
        .filter(|p| {
            allowed
                .iter()
                .any(|m| p.auth_methods().contains(&m.as_str()))
        })
        .collect();
    if !kept.is_empty() || primary_required.is_none() {
        return dedup(kept);
    }
    match org_restriction {
        Some(org_allowed) => dedup(
            org_allowed
                .iter()
                .filter_map(|m| B2BProduct::from_auth_method(m))
                .collect(),
        ),
        None => vec![B2BProduct::EmailMagicLinks],
    }
}

fn dedup(products: Vec<B2BProduct>) -> Vec<B2BProduct> {
    let mut seen = Vec::with_capacity(products.len());
    for p in products {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen
}

/// The OAuth buttons to show: the configured providers the restriction allows (all of them without
/// one), in the configured order.
pub(crate) fn oauth_providers(
    configured: &[OauthProvider],
    organization: Option<&Organization>,
    primary_required: Option<&[String]>,
) -> Vec<OauthProvider> {
    let org_restriction = organization
        .filter(|o| o.auth_methods == "RESTRICTED")
        .map(|o| o.allowed_auth_methods.as_slice());
    match primary_required.or(org_restriction) {
        Some(allowed) => configured
            .iter()
            .copied()
            .filter(|p| allowed.iter().any(|m| m == p.auth_method()))
            .collect(),
        None => configured.to_vec(),
    }
}

/// One block of the Main screen; blocks are separated by an "or" divider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MainSection {
    /// The OAuth buttons.
    Oauth,
    /// One email form for links and codes, in the configured order (with both, the form asks which
    /// one to send), with "Use a password instead" when passwords are offered too.
    Email {
        methods: Vec<B2BProduct>,
        passwords: bool,
    },
    /// Passwords alone: the email-and-password form.
    Password,
}

/// What the Main screen shows, in the configured order: the email products share one form at the first
/// of their positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MainLayout {
    pub sections: Vec<MainSection>,
}

impl MainLayout {
    pub(crate) fn new(products: &[B2BProduct]) -> Self {
        let email_methods: Vec<B2BProduct> = products
            .iter()
            .copied()
            .filter(|p| matches!(p, B2BProduct::EmailMagicLinks | B2BProduct::EmailOtp))
            .collect();
        let passwords = products.contains(&B2BProduct::Passwords);
        let mut sections = Vec::new();
        let mut email_placed = false;
        for product in products {
            match product {
                B2BProduct::Oauth => sections.push(MainSection::Oauth),
                _ if email_placed => {}
                B2BProduct::Passwords if email_methods.is_empty() => {
                    email_placed = true;
                    sections.push(MainSection::Password);
                }
                _ => {
                    email_placed = true;
                    sections.push(MainSection::Email {
                        methods: email_methods.clone(),
                        passwords,
                    });
                }
            }
        }
        Self { sections }
    }

    /// The links and codes of the email form.
    pub(crate) fn email_methods(&self) -> Vec<B2BProduct> {
        self.sections
            .iter()
            .find_map(|s| match s {
                MainSection::Email { methods, .. } => Some(methods.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// Where an authenticate response leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AfterPrimary {
    /// A session was issued.
    Success,
    /// The organization wants another primary factor first: Main, limited to these methods.
    PrimaryRequired(Vec<String>),
    /// A second factor is due: the client now holds the pending MFA step.
    Mfa,
    /// A primary factor is required but none is allowed.
    NoMethodAllowed,
}

pub(crate) fn after_primary(resp: &AuthenticateResponse) -> AfterPrimary {
    if resp.member_authenticated || resp.member_session.is_some() {
        return AfterPrimary::Success;
    }
    match &resp.primary_required {
        Some(p) if p.allowed_auth_methods.is_empty() => AfterPrimary::NoMethodAllowed,
        Some(p) => AfterPrimary::PrimaryRequired(p.allowed_auth_methods.clone()),
        None => AfterPrimary::Mfa,
    }
}

/// The second factors to offer for enrolment: the organization's restriction when it has one, else the
/// app's `include` (empty: all the organization allows), ordered by the app's `order` (methods it does
/// not list keep their place after the listed ones).
pub(crate) fn enroll_methods(
    allowed: Vec<MfaMethod>,
    organization_restricted: bool,
    include: &[MfaMethod],
    order: &[MfaMethod],
) -> Vec<MfaMethod> {
    let mut methods = allowed;
    if !organization_restricted && !include.is_empty() {
        methods.retain(|m| include.contains(m));
    }
    methods.sort_by_key(|m| order.iter().position(|o| o == m).unwrap_or(order.len()));
    methods
}

/// The first MFA screen for the pending step.
pub(crate) fn mfa_screen(step: MfaStep) -> Screen {
    match step {
        MfaStep::EnterTotpCode => Screen::TotpEntry,
        MfaStep::EnterSmsCode { phone_number } => Screen::SmsEntry {
            phone_number,
            sent: true,
        },
        MfaStep::SendSmsCode { phone_number } => Screen::SmsEntry {
            phone_number,
            sent: false,
        },
        MfaStep::Enroll { methods } => match methods.as_slice() {
            [MfaMethod::Totp] => Screen::TotpEnroll,
            [MfaMethod::SmsOtp] => Screen::SmsEnroll,
            [] => Screen::Error {
                kind: ErrorKind::Default,
                can_go_back: false,
            },
            _ => Screen::MfaEnrollSelection { methods },
        },
    }
}

/// What a redirect back (`?stytch_token_type=…&token=…`) asks the component to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectKind {
    MagicLink,
    PasswordReset,
    Sso,
    Oauth,
    Impersonation,
    /// `discovery`: a Discovery-flow email link.
    DiscoveryMagicLink,
    /// `discovery_oauth`: back from an OAuth provider in the Discovery flow.
    DiscoveryOauth,
    Unknown,
}

pub(crate) fn redirect_kind(token_type: &str) -> RedirectKind {
    match token_type {
        "multi_tenant_magic_links" => RedirectKind::MagicLink,
        "multi_tenant_passwords" => RedirectKind::PasswordReset,
        "sso" => RedirectKind::Sso,
        "oauth" => RedirectKind::Oauth,
        "multi_tenant_impersonation" => RedirectKind::Impersonation,
        "discovery" => RedirectKind::DiscoveryMagicLink,
        "discovery_oauth" => RedirectKind::DiscoveryOauth,
        _ => RedirectKind::Unknown,
    }
}

/// What picking a discovered organization does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DiscoveryChoice {
    /// Exchange the intermediate session for one in this organization.
    Exchange,
    /// The organization wants one of these primary methods first: its Main screen, limited to them.
    PrimaryRequired(Vec<String>),
}

pub(crate) fn discovery_choice(org: &DiscoveredOrganization) -> DiscoveryChoice {
    match &org.primary_required {
        Some(p) => DiscoveryChoice::PrimaryRequired(p.allowed_auth_methods.clone()),
        None => DiscoveryChoice::Exchange,
    }
}

/// The badge of a discovered organization the email is not an active member of yet.
pub(crate) fn membership_badge(kind: &str) -> Option<&'static str> {
    match kind {
        "invited_member" => Some("organizationDiscovery.acceptInvite"),
        "pending_member"
        | "eligible_to_join_by_email_domain"
        | "eligible_to_join_by_oauth_tenant" => Some("organizationDiscovery.join"),
        _ => None,
    }
}

/// The text to show for a failed call: the catalogue's for the error types it knows, else Stytch's own
/// `error_message`.
pub(crate) fn error_text(strings: &Strings, error: &StytchError) -> String {
    let StytchError::Api {
        error_type,
        error_message,
        ..
    } = error
    else {
        return strings.get("error.default");
    };
    let id = match error_type.as_str() {
        "invalid_email" | "invalid_email_address" => "error.invalidEmail",
        "otp_code_not_found" | "unable_to_auth_otp_code" => "error.otpCodeNotFound",
        // A wrong, spent or mistyped authenticator-app code reads the same to the member.
        "unable_to_authenticate_totp"
        | "invalid_totp_code"
        | "totp_code_already_authenticated"
        | "recovery_code_used_as_totp_code" => "error.passcodeInvalid",
        "invalid_recovery_code"
        | "unable_to_authenticate_recovery_code"
        | "totp_code_used_as_recovery_code" => "recoveryCodes.entry.error.invalidCode",
        "unauthorized_credentials" => "error.unauthorizedCredentials",
        "breached_password" => "error.breachedPassword",
        "user_lock_limit_reached" => "error.userLockLimitReached",
        "member_password_not_found" | "no_user_password" => "error.memberPasswordNotFound",
        "invalid_phone_number" => "error.invalidPhoneNumber",
        "duplicate_member_phone_number" => "error.duplicatePhoneNumber",
        "unable_to_auth_magic_link" => "error.unableToAuthMagicLink",
        "unauthorized_action" => "error.unauthorizedAction",
        _ => return error_message.clone(),
    };
    strings.get(id)
}

/// A TOTP secret in groups of four, as it is easiest to type.
pub(crate) fn chunk_secret(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::models::{MemberSession, PrimaryRequired};
    use B2BProduct::*;

    fn org(auth_methods: &str, allowed: &[&str]) -> Organization {
        Organization {
            auth_methods: auth_methods.into(),
            allowed_auth_methods: allowed.iter().map(|m| (*m).to_owned()).collect(),
            ..Default::default()
        }
    }

    fn strings(methods: &[&str]) -> Vec<String> {
        methods.iter().map(|m| (*m).to_owned()).collect()
    }

    #[test]
    fn products_keep_the_configured_order_without_restriction() {
        let all = org("ALL_ALLOWED", &["password"]);
        assert_eq!(
            effective_products(&[Passwords, EmailOtp, EmailMagicLinks], Some(&all), None),
            vec![Passwords, EmailOtp, EmailMagicLinks]
        );
        assert_eq!(
            effective_products(&[EmailOtp, EmailOtp, Passwords], None, None),
            vec![EmailOtp, Passwords]
        );
    }

    #[test]
    fn a_restricted_organization_filters_the_configured_products() {
        let restricted = org("RESTRICTED", &["password", "sso", "magic_link"]);
        assert_eq!(
            effective_products(
                &[EmailOtp, Passwords, EmailMagicLinks],
                Some(&restricted),
                None
            ),
            vec![Passwords, EmailMagicLinks]
        );
        // Nothing configured is allowed and no primary factor was asked for: nothing to offer.
        let sso_only = org("RESTRICTED", &["sso"]);
        assert!(effective_products(&[EmailOtp], Some(&sso_only), None).is_empty());
    }

    #[test]
    fn primary_required_beats_the_organization_and_never_leaves_nothing() {
        let restricted = org("RESTRICTED", &["email_otp", "password"]);
        let required = strings(&["password"]);
        assert_eq!(
            effective_products(&[EmailOtp, Passwords], Some(&restricted), Some(&required)),
            vec![Passwords]
        );
        // Nothing configured remains: a restricted org offers all it allows, in its own order.
        let sso = strings(&["sso"]);
        assert_eq!(
            effective_products(&[EmailMagicLinks], Some(&restricted), Some(&sso)),
            vec![EmailOtp, Passwords]
        );
        // Any other org falls back to magic links.
        let open = org("ALL_ALLOWED", &[]);
        assert_eq!(
            effective_products(&[Passwords], Some(&open), Some(&sso)),
            vec![EmailMagicLinks]
        );
    }

    #[test]
    fn main_combines_links_codes_and_passwords_into_one_email_form() {
        let layout = MainLayout::new(&[Passwords, EmailOtp, EmailMagicLinks]);
        assert_eq!(
            layout.sections,
            vec![MainSection::Email {
                methods: vec![EmailOtp, EmailMagicLinks],
                passwords: true
            }]
        );
        assert_eq!(layout.email_methods(), vec![EmailOtp, EmailMagicLinks]);
        assert_eq!(
            MainLayout::new(&[Passwords]).sections,
            vec![MainSection::Password]
        );
    }

    #[test]
    fn oauth_buttons_keep_their_place_around_the_email_form() {
        // Stytch's example: OAuth, then the email form at the first email position.
        let layout = MainLayout::new(&[Oauth, Passwords, EmailMagicLinks, EmailOtp]);
        assert_eq!(
            layout.sections,
            vec![
                MainSection::Oauth,
                MainSection::Email {
                    methods: vec![EmailMagicLinks, EmailOtp],
                    passwords: true
                }
            ]
        );
        let after = MainLayout::new(&[EmailOtp, Oauth]);
        assert_eq!(after.sections[1], MainSection::Oauth);
    }

    #[test]
    fn oauth_providers_follow_the_restriction() {
        use OauthProvider::*;
        let configured = [GitHub, Google, Microsoft];
        assert_eq!(
            oauth_providers(&configured, None, None),
            configured.to_vec()
        );
        let restricted = org("RESTRICTED", &["google_oauth", "github_oauth", "password"]);
        assert_eq!(
            oauth_providers(&configured, Some(&restricted), None),
            vec![GitHub, Google]
        );
        // An OAuth method counts for the Oauth product.
        assert_eq!(
            effective_products(&[Oauth, EmailOtp], Some(&restricted), None),
            vec![Oauth]
        );
        let required = strings(&["microsoft_oauth"]);
        assert_eq!(
            oauth_providers(&configured, Some(&restricted), Some(&required)),
            vec![Microsoft]
        );
    }

    #[test]
    fn history_pushes_pops_and_resets() {
        let mut nav = Nav::new(Screen::Main);
        let email = || "a@example.com".to_owned();
        nav.push(Screen::EmailMethodSelection { email: email() });
        nav.push(Screen::EmailOtpEntry { email: email() });
        nav.push(Screen::EmailOtpEntry { email: email() });
        assert_eq!(nav.history.len(), 2);
        nav.back();
        assert_eq!(nav.screen, Screen::EmailMethodSelection { email: email() });
        nav.reset(Screen::TotpEntry);
        assert!(!nav.can_go_back());
        nav.back();
        assert_eq!(nav.screen, Screen::Main);
    }

    #[test]
    fn an_authenticate_response_leads_to_success_primary_or_mfa() {
        let session = AuthenticateResponse {
            member_authenticated: true,
            member_session: Some(MemberSession::default()),
            ..Default::default()
        };
        assert_eq!(after_primary(&session), AfterPrimary::Success);
        let primary = AuthenticateResponse {
            primary_required: Some(PrimaryRequired {
                allowed_auth_methods: strings(&["password"]),
            }),
            ..Default::default()
        };
        assert_eq!(
            after_primary(&primary),
            AfterPrimary::PrimaryRequired(strings(&["password"]))
        );
        let none_allowed = AuthenticateResponse {
            primary_required: Some(PrimaryRequired::default()),
            ..Default::default()
        };
        assert_eq!(after_primary(&none_allowed), AfterPrimary::NoMethodAllowed);
        assert_eq!(
            after_primary(&AuthenticateResponse::default()),
            AfterPrimary::Mfa
        );
    }

    #[test]
    fn the_mfa_step_picks_the_screen() {
        assert_eq!(mfa_screen(MfaStep::EnterTotpCode), Screen::TotpEntry);
        assert_eq!(
            mfa_screen(MfaStep::SendSmsCode {
                phone_number: "+15550001111".into()
            }),
            Screen::SmsEntry {
                phone_number: "+15550001111".into(),
                sent: false
            }
        );
        assert_eq!(
            mfa_screen(MfaStep::Enroll {
                methods: vec![MfaMethod::SmsOtp]
            }),
            Screen::SmsEnroll
        );
        assert_eq!(
            mfa_screen(MfaStep::Enroll {
                methods: vec![MfaMethod::Totp, MfaMethod::SmsOtp]
            }),
            Screen::MfaEnrollSelection {
                methods: vec![MfaMethod::Totp, MfaMethod::SmsOtp]
            }
        );
    }

    #[test]
    fn enrolment_follows_the_organization_then_the_apps_include_and_order() {
        use MfaMethod::{SmsOtp, Totp};
        let both = || vec![Totp, SmsOtp];
        assert_eq!(enroll_methods(both(), false, &[], &[]), vec![Totp, SmsOtp]);
        assert_eq!(
            enroll_methods(both(), false, &[], &[SmsOtp]),
            vec![SmsOtp, Totp]
        );
        assert_eq!(enroll_methods(both(), false, &[SmsOtp], &[]), vec![SmsOtp]);
        // An organization's restriction wins over the app's include.
        assert_eq!(enroll_methods(vec![Totp], true, &[SmsOtp], &[]), vec![Totp]);
        assert_eq!(
            enroll_methods(both(), true, &[SmsOtp], &[SmsOtp, Totp]),
            vec![SmsOtp, Totp]
        );
    }

    #[test]
    fn redirect_token_types_map_to_their_flows() {
        let cases = [
            ("multi_tenant_magic_links", RedirectKind::MagicLink),
            ("multi_tenant_passwords", RedirectKind::PasswordReset),
            ("sso", RedirectKind::Sso),
            ("oauth", RedirectKind::Oauth),
            ("multi_tenant_impersonation", RedirectKind::Impersonation),
            ("discovery", RedirectKind::DiscoveryMagicLink),
            ("discovery_oauth", RedirectKind::DiscoveryOauth),
            ("magic_links", RedirectKind::Unknown),
        ];
        for (token_type, kind) in cases {
            assert_eq!(redirect_kind(token_type), kind, "{token_type}");
        }
    }

    #[test]
    fn known_api_errors_use_the_catalogue_others_stytchs_message() {
        let strings = Strings::default();
        let api = |error_type: &str, message: &str| StytchError::Api {
            status_code: 400,
            error_type: crate::core::error::ErrorType::parse(error_type),
            error_message: message.into(),
            error_url: String::new(),
            request_id: None,
            error_details: None,
        };
        assert_eq!(
            error_text(&strings, &api("otp_code_not_found", "raw")),
            "Invalid passcode, please try again."
        );
        assert_eq!(
            error_text(&strings, &api("unable_to_auth_otp_code", "raw")),
            "Invalid passcode, please try again."
        );
        assert_eq!(
            error_text(&strings, &api("totp_code_already_authenticated", "raw")),
            "Invalid passcode, please try again."
        );
        assert_eq!(
            error_text(&strings, &api("invalid_recovery_code", "raw")),
            "Invalid backup code, please try again."
        );
        assert_eq!(
            error_text(&strings, &api("organization_not_found", "No such org.")),
            "No such org."
        );
    }

    #[test]
    fn a_discovered_organization_is_entered_or_asks_for_its_primary_method() {
        let member = DiscoveredOrganization::default();
        assert_eq!(discovery_choice(&member), DiscoveryChoice::Exchange);
        let strict = DiscoveredOrganization {
            primary_required: Some(PrimaryRequired {
                allowed_auth_methods: strings(&["password"]),
            }),
            ..Default::default()
        };
        assert_eq!(
            discovery_choice(&strict),
            DiscoveryChoice::PrimaryRequired(strings(&["password"]))
        );
        assert_eq!(membership_badge("active_member"), None);
        assert_eq!(
            membership_badge("invited_member"),
            Some("organizationDiscovery.acceptInvite")
        );
        assert_eq!(
            membership_badge("eligible_to_join_by_email_domain"),
            Some("organizationDiscovery.join")
        );
    }

    #[test]
    fn secrets_are_shown_in_groups_of_four() {
        assert_eq!(chunk_secret("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
