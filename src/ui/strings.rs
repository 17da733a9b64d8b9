//! Every user-facing string of the pre-built UI, in one catalogue keyed by the ids of Stytch's own message
//! catalogue (`login.title`, `button.continueWithEmail`, `error.otpCodeNotFound`, …), so an app that already
//! overrides Stytch's strings can pass the same map.
//!
//! Placeholders are `{name}`, as in Stytch's ICU messages; plural and select forms are not interpreted.

use std::collections::HashMap;
use std::sync::Arc;

/// The English catalogue: `(id, text)`.
pub const CATALOGUE: &[(&str, &str)] = &[
    ("login.title", "Sign up or log in"),
    (
        "organizationDiscovery.title",
        "Select an organization to continue",
    ),
    ("organizationDiscovery.join", "Join"),
    ("organizationDiscovery.acceptInvite", "Accept invite"),
    ("organizationDiscovery.noOrgs.title", "No organizations yet"),
    (
        "organizationDiscovery.noOrgs.content",
        "{email} does not belong to any organization.",
    ),
    (
        "button.tryDifferentEmailAddress",
        "Try a different email address",
    ),
    ("organizationLogin.title", "Continue to {organizationName}"),
    ("login.loading", "Logging in..."),
    ("loading.label", "Loading"),
    ("success.title", "Success!"),
    ("login.success.content", "You are signed in."),
    ("methodDivider.text", "or"),
    ("provider.continueWith", "Continue with {display_name}"),
    ("formField.email.label", "Email"),
    ("formField.email.placeholder", "example@email.com"),
    ("formField.password.label", "Password"),
    ("formField.phone.label", "Phone number"),
    (
        "formField.phone.hint",
        "With the country code, e.g. +1 555 555 0100",
    ),
    ("formField.otp.ariaLabel", "One-time passcode"),
    ("formField.backupCode.ariaLabel", "Backup code"),
    ("button.continue", "Continue"),
    ("button.continueWithEmail", "Continue with email"),
    ("button.usePassword", "Use a password instead"),
    ("button.goBack", "Go back"),
    ("button.resendEmail", "Resend email"),
    ("button.emailLink", "Email me a login link"),
    ("button.emailCode", "Email me a login code"),
    (
        "emailMethodSelection.title",
        "Select how you'd like to continue",
    ),
    ("emailConfirmation.title", "Check your email"),
    (
        "emailConfirmation.emailSent",
        "An email was sent to {email}.",
    ),
    (
        "emailConfirmation.content",
        "Follow the link in it to sign in.",
    ),
    ("passcode.title", "Enter passcode"),
    (
        "passcode.sentConfirmation",
        "A 6-digit passcode was sent to {email}.",
    ),
    ("passcode.resendCode", "Resend code"),
    ("passcode.submit", "Verify"),
    ("password.login.title", "Log in with your password"),
    ("password.forgot.title", "Forgot your password?"),
    ("password.forgot.link", "Forgot password?"),
    (
        "password.forgot.content.organization",
        "Enter your email and we'll send you a link to set a new password.",
    ),
    ("password.forgot.submit", "Send reset link"),
    (
        "password.reset.emailSent.title",
        "Check your email for help signing in",
    ),
    (
        "password.reset.emailSent.content",
        "A link to reset your password was sent to {email}.",
    ),
    ("password.setNew.title", "Set a new password"),
    ("password.setNew.submit", "Save password"),
    ("mfa.enrollment.title", "Set up Multi-Factor Authentication"),
    (
        "mfa.enrollment.content",
        "Your organization asks for a second way to confirm it's you.",
    ),
    ("mfa.enrollment.option.totp", "Use an authenticator app"),
    ("mfa.enrollment.option.sms", "Text me a code"),
    ("mfa.totpEnrollment.title", "Scan the QR code"),
    (
        "mfa.totpEnrollment.content",
        "Add this account to your authenticator app, then enter the code it shows.",
    ),
    (
        "mfaTotpEnrollment.qrAltText",
        "QR code for your authenticator app",
    ),
    (
        "mfa.totpEnrollment.manual",
        "Or type this key into the app:",
    ),
    ("mfa.smsEnrollment.title", "Enter your phone number"),
    (
        "mfa.smsEnrollment.content",
        "We'll text a code to this number each time you sign in.",
    ),
    ("mfa.smsEnrollment.submit", "Send code"),
    (
        "mfa.smsEntry.sentTo",
        "A 6-digit code was sent to {phoneNumber}.",
    ),
    ("totp.title", "Enter verification code"),
    (
        "totp.content",
        "Enter the 6-digit code from your authenticator app.",
    ),
    ("mfa.totpEntry.switchToSms", "Text me a code instead"),
    ("mfa.totpEntry.useBackupCode", "Use a backup code"),
    ("recoveryCodes.entry.title", "Enter a backup code"),
    (
        "recoveryCodes.entry.content",
        "Each backup code works once.",
    ),
    ("recoveryCodes.save.title", "Save your backup codes"),
    (
        "recoveryCodes.save.content",
        "This is the only time you will see these codes. Keep them somewhere safe: each one signs you in once if you lose your authenticator app.",
    ),
    ("recoveryCodes.save.button.done", "Done"),
    ("recoveryCodes.save.button.download", "Download .txt file"),
    ("error.title", "Looks like there was an error!"),
    (
        "error.default",
        "Something went wrong. Try again later or contact your admin for help.",
    ),
    (
        "error.organization",
        "The organization you are looking for could not be found. Check the link or contact your admin.",
    ),
    (
        "error.eml",
        "This login link is no longer valid. Request a new one.",
    ),
    (
        "error.authPolicyNoOrg",
        "Your organization's sign-in policy does not allow any of these methods.",
    ),
    ("error.invalidEmail", "Enter a valid email address."),
    (
        "error.otpCodeNotFound",
        "Invalid passcode, please try again.",
    ),
    (
        "error.passcodeInvalid",
        "Invalid passcode, please try again.",
    ),
    (
        "recoveryCodes.entry.error.invalidCode",
        "Invalid backup code, please try again.",
    ),
    (
        "error.unauthorizedCredentials",
        "The email or password is incorrect.",
    ),
    (
        "error.breachedPassword",
        "This password appeared in a data breach. Choose another one.",
    ),
    (
        "error.userLockLimitReached",
        "Too many attempts. Wait a while before trying again.",
    ),
    (
        "error.memberPasswordNotFound",
        "No password is set for this account. Use \"Forgot password?\" to set one.",
    ),
    (
        "error.invalidPhoneNumber",
        "Enter a valid phone number with its country code.",
    ),
    (
        "error.duplicatePhoneNumber",
        "This phone number is already used by another member.",
    ),
    (
        "error.unableToAuthMagicLink",
        "This link has expired or was already used.",
    ),
    (
        "error.unauthorizedAction",
        "You are not allowed to do this.",
    ),
];

/// The catalogue with the app's overrides applied. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    overrides: Arc<HashMap<String, String>>,
}

impl Strings {
    /// The English catalogue with `overrides` (id → text) taking precedence. Unknown ids are kept, so a
    /// string this version does not use yet costs nothing.
    pub fn new(overrides: HashMap<String, String>) -> Self {
        Self {
            overrides: Arc::new(overrides),
        }
    }

    /// The text of `id`; the id itself when neither the overrides nor the catalogue has it, so a
    /// missing string shows up on screen instead of vanishing.
    pub fn get(&self, id: &str) -> String {
        if let Some(text) = self.overrides.get(id) {
            return text.clone();
        }
        CATALOGUE
            .iter()
            .find(|(key, _)| *key == id)
            .map_or_else(|| id.to_owned(), |(_, text)| (*text).to_owned())
    }

    /// The text of `id` with each `{name}` replaced by its value.
    pub fn format(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(id);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_ids_are_unique() {
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }

    #[test]
    fn an_override_beats_the_catalogue_and_others_fall_through() {
        let strings = Strings::new(HashMap::from([(
            "button.continueWithEmail".to_owned(),
            "Email me".to_owned(),
        )]));
        assert_eq!(strings.get("button.continueWithEmail"), "Email me");
        assert_eq!(strings.get("button.goBack"), "Go back");
        assert_eq!(
            Strings::default().get("button.continueWithEmail"),
            "Continue with email"
        );
    }

    #[test]
    fn placeholders_are_filled_in_overrides_too() {
        let strings = Strings::new(HashMap::from([(
            "organizationLogin.title".to_owned(),
            "Sign in to {organizationName} ({organizationName})".to_owned(),
        )]));
        assert_eq!(
            strings.format("organizationLogin.title", &[("organizationName", "Acme")]),
            "Sign in to Acme (Acme)"
        );
        assert_eq!(
            Strings::default().format("emailConfirmation.emailSent", &[("email", "a@b.c")]),
            "An email was sent to a@b.c."
        );
    }

    #[test]
    fn an_unknown_id_shows_itself() {
        assert_eq!(Strings::default().get("no.such.id"), "no.such.id");
    }
}

#[cfg(test)]
mod catalogue_tests {
    use super::CATALOGUE;

    /// The views and the flow, where every id is spelled.
    const SOURCES: &[&str] = &[
        include_str!("b2b/mod.rs"),
        include_str!("b2b/flow.rs"),
        include_str!("b2b/screens/mod.rs"),
        include_str!("b2b/screens/email.rs"),
        include_str!("b2b/screens/discovery.rs"),
        include_str!("b2b/screens/passwords.rs"),
        include_str!("b2b/screens/mfa.rs"),
        include_str!("b2b/screens/end.rs"),
    ];

    /// Every string literal of the sources that looks like a catalogue id (`group.name`).
    fn ids_in_sources() -> Vec<String> {
        let mut ids = Vec::new();
        for source in SOURCES {
            for (i, literal) in source.split('"').enumerate() {
                let looks_like_id = i % 2 == 1
                    && literal.contains('.')
                    && literal.split('.').all(|part| {
                        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphabetic())
                    });
                if looks_like_id {
                    ids.push(literal.to_owned());
                }
            }
        }
        ids
    }

    #[test]
    fn every_id_the_screens_use_is_in_the_catalogue() {
        for id in ids_in_sources() {
            assert!(
                CATALOGUE.iter().any(|(key, _)| *key == id),
                "{id} is missing"
            );
        }
    }

    #[test]
    fn every_catalogue_entry_is_used() {
        let used = ids_in_sources();
        for (id, _) in CATALOGUE {
            assert!(
                used.iter().any(|u| u == id),
                "{id} is not used by any screen"
            );
        }
    }
}
