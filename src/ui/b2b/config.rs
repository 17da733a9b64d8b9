//! `config` and `callbacks` of `<StytchB2B>`, named after Stytch's (`authFlowType` is `auth_flow_type`).

use leptos::prelude::*;

use crate::core::error::StytchError;
use crate::core::mfa::MfaMethod;

/// A way to sign in the component offers, in the order the app lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum B2BProduct {
    /// A login link by email (`magic_link`).
    EmailMagicLinks,
    /// A 6-digit code by email (`email_otp`).
    EmailOtp,
    /// Email and password (`password`).
    Passwords,
    /// "Continue with …" buttons for [`OauthOptions::providers`] (`google_oauth`, …).
    Oauth,
}

/// An OAuth provider Stytch B2B signs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum OauthProvider {
    Google,
    Microsoft,
    HubSpot,
    Slack,
    GitHub,
}

impl OauthProvider {
    /// The provider's name in Stytch's URLs (`google`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Microsoft => "microsoft",
            Self::HubSpot => "hubspot",
            Self::Slack => "slack",
            Self::GitHub => "github",
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Google => "Google",
            Self::Microsoft => "Microsoft",
            Self::HubSpot => "HubSpot",
            Self::Slack => "Slack",
            Self::GitHub => "GitHub",
        }
    }

    /// The name of the method in an organization's `allowed_auth_methods` (`google_oauth`, …).
    pub fn auth_method(self) -> &'static str {
        match self {
            Self::Google => "google_oauth",
            Self::Microsoft => "microsoft_oauth",
            Self::HubSpot => "hubspot_oauth",
            Self::Slack => "slack_oauth",
            Self::GitHub => "github_oauth",
        }
    }

    /// Every provider, in Stytch's order.
    pub const ALL: [OauthProvider; 5] = [
        Self::Google,
        Self::Microsoft,
        Self::HubSpot,
        Self::Slack,
        Self::GitHub,
    ];
}

/// `oauthOptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OauthOptions {
    /// The buttons, in display order.
    pub providers: Vec<OauthProvider>,
    /// Where the provider sends an existing member back (the page showing `<StytchB2B>`).
    pub login_redirect_url: Option<String>,
    /// Where it sends a new member back.
    pub signup_redirect_url: Option<String>,
    /// Where it sends the Discovery flow back.
    pub discovery_redirect_url: Option<String>,
}

impl B2BProduct {
    /// The names of the methods in an organization's `allowed_auth_methods` this product stands for.
    pub fn auth_methods(self) -> &'static [&'static str] {
        match self {
            Self::EmailMagicLinks => &["magic_link"],
            Self::EmailOtp => &["email_otp"],
            Self::Passwords => &["password"],
            Self::Oauth => &[
                "google_oauth",
                "microsoft_oauth",
                "hubspot_oauth",
                "slack_oauth",
                "github_oauth",
            ],
        }
    }

    /// The product of an `allowed_auth_methods` name this component offers.
    pub fn from_auth_method(name: &str) -> Option<Self> {
        match name {
            "magic_link" => Some(Self::EmailMagicLinks),
            "email_otp" => Some(Self::EmailOtp),
            "password" => Some(Self::Passwords),
            m if OauthProvider::ALL.iter().any(|p| p.auth_method() == m) => Some(Self::Oauth),
            _ => None,
        }
    }
}

/// Where the flow starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthFlowType {
    /// Sign in to the one organization named by [`B2BLoginConfig::organization_slug`].
    #[default]
    Organization,
    /// Sign in with an email link or code first, then pick one of the email's organizations. Passwords
    /// are not offered in this flow yet.
    Discovery,
}

/// `sessionOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    /// `session_duration_minutes` of every authenticate call.
    pub session_duration_minutes: u32,
}

impl Default for SessionOptions {
    /// An hour, Stytch's default session lifetime.
    fn default() -> Self {
        Self {
            session_duration_minutes: 60,
        }
    }
}

/// `emailMagicLinksOptions`: the email login links (and, with [`B2BProduct::EmailOtp`], the codes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailMagicLinksOptions {
    /// Where a link for an existing member leads (the page showing `<StytchB2B>`); `None`: the
    /// project's default redirect URL.
    pub login_redirect_url: Option<String>,
    /// Where a link that creates the member leads.
    pub signup_redirect_url: Option<String>,
    /// Where a Discovery-flow link leads (the page showing `<StytchB2B>`, which then lists the
    /// email's organizations).
    pub discovery_redirect_url: Option<String>,
    /// A custom email template for login links.
    pub login_template_id: Option<String>,
    /// A custom email template for sign-up links.
    pub signup_template_id: Option<String>,
    /// The language of the email (`en`, `es`, `pt-br`, `fr`, …).
    pub locale: Option<String>,
}

/// `passwordOptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordOptions {
    /// Where the reset email's login link leads.
    pub login_redirect_url: Option<String>,
    /// Where the reset link leads (the page showing `<StytchB2B>`, which then asks for the new password).
    pub reset_password_redirect_url: Option<String>,
    /// How long the reset link stays valid.
    pub reset_password_expiration_minutes: Option<u32>,
    /// A custom email template for the reset email.
    pub reset_password_template_id: Option<String>,
    /// The language of the email.
    pub locale: Option<String>,
}

/// `config` of `<StytchB2B>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct B2BLoginConfig {
    /// The ways to sign in, in display order.
    pub products: Vec<B2BProduct>,
    /// Where the flow starts.
    pub auth_flow_type: AuthFlowType,
    /// Session lifetime.
    pub session_options: SessionOptions,
    /// Email links and codes.
    pub email_magic_links_options: EmailMagicLinksOptions,
    /// Passwords.
    pub password_options: PasswordOptions,
    /// OAuth buttons.
    pub oauth_options: OauthOptions,
    /// The organization to sign in to (Organization flow).
    pub organization_slug: Option<String>,
    /// The order of the second factors offered for enrolment (`mfaProductOrder`); empty: TOTP first.
    pub mfa_product_order: Vec<MfaMethod>,
    /// The second factors offered for enrolment when the organization does not restrict them
    /// (`mfaProductInclude`); empty: both.
    pub mfa_product_include: Vec<MfaMethod>,
}

impl Default for B2BLoginConfig {
    /// Magic links into the organization named by `organization_slug` (which the app must still set).
    fn default() -> Self {
        Self {
            products: vec![B2BProduct::EmailMagicLinks],
            auth_flow_type: AuthFlowType::default(),
            session_options: SessionOptions::default(),
            email_magic_links_options: EmailMagicLinksOptions::default(),
            password_options: PasswordOptions::default(),
            oauth_options: OauthOptions::default(),
            organization_slug: None,
            mfa_product_order: Vec::new(),
            mfa_product_include: Vec::new(),
        }
    }
}

/// What the component just did, with Stytch's event names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum StytchEventType {
    OrganizationsGetBySlug,
    MagicLinkEmailLoginOrSignup,
    MagicLinkAuthenticate,
    MagicLinkEmailDiscoverySend,
    MagicLinkDiscoveryAuthenticate,
    OtpsEmailLoginOrSignup,
    OtpsEmailAuthenticate,
    OtpsEmailDiscoverySend,
    OtpsEmailDiscoveryAuthenticate,
    DiscoveryIntermediateSessionExchange,
    PasswordAuthenticate,
    PasswordResetByEmailStart,
    PasswordResetByEmail,
    SmsOtpSend,
    SmsOtpAuthenticate,
    TotpCreate,
    TotpAuthenticate,
    RecoveryCodesRecover,
    SsoAuthenticate,
    OauthAuthenticate,
    OauthDiscoveryAuthenticate,
    ImpersonationAuthenticate,
    /// The "Success!" screen appeared: the app may navigate on.
    AuthenticateFlowComplete,
}

impl StytchEventType {
    /// Stytch's name, e.g. `B2B_MAGIC_LINK_AUTHENTICATE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrganizationsGetBySlug => "B2B_ORGANIZATIONS_GET_BY_SLUG",
            Self::MagicLinkEmailLoginOrSignup => "B2B_MAGIC_LINK_EMAIL_LOGIN_OR_SIGNUP",
            Self::MagicLinkAuthenticate => "B2B_MAGIC_LINK_AUTHENTICATE",
            Self::MagicLinkEmailDiscoverySend => "B2B_MAGIC_LINK_EMAIL_DISCOVERY_SEND",
            Self::MagicLinkDiscoveryAuthenticate => "B2B_MAGIC_LINK_DISCOVERY_AUTHENTICATE",
            Self::OtpsEmailLoginOrSignup => "B2B_OTPS_EMAIL_LOGIN_OR_SIGNUP",
            Self::OtpsEmailAuthenticate => "B2B_OTPS_EMAIL_AUTHENTICATE",
            Self::OtpsEmailDiscoverySend => "B2B_OTPS_EMAIL_DISCOVERY_SEND",
            Self::OtpsEmailDiscoveryAuthenticate => "B2B_OTPS_EMAIL_DISCOVERY_AUTHENTICATE",
            Self::DiscoveryIntermediateSessionExchange => {
                "B2B_DISCOVERY_INTERMEDIATE_SESSION_EXCHANGE"
            }
            Self::PasswordAuthenticate => "B2B_PASSWORD_AUTHENTICATE",
            Self::PasswordResetByEmailStart => "B2B_PASSWORD_RESET_BY_EMAIL_START",
            Self::PasswordResetByEmail => "B2B_PASSWORD_RESET_BY_EMAIL",
            Self::SmsOtpSend => "B2B_SMS_OTP_SEND",
            Self::SmsOtpAuthenticate => "B2B_SMS_OTP_AUTHENTICATE",
            Self::TotpCreate => "B2B_TOTP_CREATE",
            Self::TotpAuthenticate => "B2B_TOTP_AUTHENTICATE",
            Self::RecoveryCodesRecover => "B2B_RECOVERY_CODES_RECOVER",
            Self::SsoAuthenticate => "B2B_SSO_AUTHENTICATE",
            Self::OauthAuthenticate => "B2B_OAUTH_AUTHENTICATE",
            Self::OauthDiscoveryAuthenticate => "B2B_OAUTH_DISCOVERY_AUTHENTICATE",
            Self::ImpersonationAuthenticate => "B2B_IMPERSONATION_AUTHENTICATE",
            Self::AuthenticateFlowComplete => "AUTHENTICATE_FLOW_COMPLETE",
        }
    }
}

/// One `on_event` call: the event and the call's raw response as JSON (`{}` for
/// [`StytchEventType::AuthenticateFlowComplete`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StytchEvent {
    /// What happened.
    pub event_type: StytchEventType,
    /// The headless method's response.
    pub data: serde_json::Value,
}

/// `callbacks` of `<StytchB2B>`.
#[derive(Clone, Copy, Default)]
pub struct B2BCallbacks {
    /// After each successful call the component makes.
    pub on_event: Option<Callback<StytchEvent>>,
    /// With the error of each failed call.
    pub on_error: Option<Callback<StytchError>>,
}

impl B2BCallbacks {
    pub(crate) fn event(&self, event_type: StytchEventType, data: &impl serde::Serialize) {
        if let Some(cb) = self.on_event {
            let data = serde_json::to_value(data).unwrap_or(serde_json::Value::Null);
            cb.run(StytchEvent { event_type, data });
        }
    }

    pub(crate) fn error(&self, error: &StytchError) {
        if let Some(cb) = self.on_error {
            cb.run(error.clone());
        }
    }
}
