//! The pending MFA step: what an app needs to know, after a primary factor passed and the organization (or
//! the member) requires a second one, to show the right screen without reading responses itself.
//!
//! The client records it whenever an authenticate call answers `mfa_required` with an intermediate session
//! token ([`StytchB2BClient::pending_mfa`], [`StateSnapshot::pending_mfa`], and in Leptos
//! `use_stytch_pending_mfa`), and drops it when a session is stored, on logout, or when any other state write
//! happens. [`PendingMfa::step`] applies the rules of Stytch's pre-built UI:
//! * a code was just texted (`secondary_auth_initiated: "sms_otp"`) → enter that code;
//! * otherwise the member's default method, if it is enrolled and the organization allows it, else the first
//!   enrolled method the organization allows (TOTP before SMS);
//! * nothing usable enrolled → enrol one of the allowed methods.
//!
//! # Example
//!
//! ```no_run
//! use leptos_stytch::{MfaStep, StytchB2BClient};
//!
//! fn screen(client: &StytchB2BClient) -> &'static str {
//!     match client.pending_mfa().map(|p| p.step()) {
//!         None => "no second factor due",
//!         Some(MfaStep::EnterSmsCode { .. }) => "type the code we texted you",
//!         Some(MfaStep::SendSmsCode { .. }) => "text me a code",
//!         Some(MfaStep::EnterTotpCode) => "type the code from your authenticator app",
//!         Some(MfaStep::Enroll { .. }) => "set up a second factor",
//!     }
//! }
//! ```
//!
//! [`StytchB2BClient::pending_mfa`]: super::client::StytchB2BClient::pending_mfa
//! [`StateSnapshot::pending_mfa`]: super::client::StateSnapshot::pending_mfa

use super::models::{Member, MfaRequired, Organization};

/// A second factor Stytch B2B supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MfaMethod {
    /// A 6-digit code texted to the member's phone (`sms_otp`).
    SmsOtp,
    /// A code from an authenticator app (`totp`).
    Totp,
}

impl MfaMethod {
    /// The wire name: `sms_otp` or `totp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SmsOtp => "sms_otp",
            Self::Totp => "totp",
        }
    }

    /// The method of a wire name, `None` for any other string.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "sms_otp" => Some(Self::SmsOtp),
            "totp" => Some(Self::Totp),
            _ => None,
        }
    }
}

/// The screen a pending MFA step calls for ([`PendingMfa::step`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaStep {
    /// Stytch has just texted a code to `phone_number`: ask for it (it is valid for 2 minutes).
    EnterSmsCode {
        /// Where the code went, E.164.
        phone_number: String,
    },
    /// The member has a verified phone but no code was sent yet: offer to send one.
    SendSmsCode {
        /// The member's phone, E.164.
        phone_number: String,
    },
    /// Ask for the code of the member's authenticator app (or a recovery code).
    EnterTotpCode,
    /// The member has no second factor the organization allows: set one up.
    Enroll {
        /// The methods the organization allows, in the order to offer them.
        methods: Vec<MfaMethod>,
    },
}

/// A primary factor passed; a second factor is due before a session is issued.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PendingMfa {
    /// The member who is signing in (its `member_id` and `organization_id` go into every MFA call).
    pub member: Member,
    /// The organization they are signing in to.
    pub organization: Organization,
    /// What the server said about the member's second factors.
    pub mfa_required: MfaRequired,
}

impl PendingMfa {
    /// The methods the organization allows: `allowed_mfa_methods` when `mfa_methods` is `RESTRICTED`,
    /// otherwise both (TOTP first).
    pub fn allowed_methods(&self) -> Vec<MfaMethod> {
        if self.organization.mfa_methods == "RESTRICTED" {
            let mut methods: Vec<MfaMethod> = self
                .organization
                .allowed_mfa_methods
                .iter()
                .filter_map(|m| MfaMethod::parse(m))
                .collect();
            methods.sort_by_key(|m| *m != MfaMethod::Totp);
            methods.dedup();
            methods
        } else {
            vec![MfaMethod::Totp, MfaMethod::SmsOtp]
        }
    }

    /// Whether the member has `method` set up: a TOTP registration, or a verified phone.
    pub fn is_enrolled(&self, method: MfaMethod) -> bool {
        let options = self.mfa_required.member_options.as_ref();
        match method {
            MfaMethod::Totp => {
                !self.member.totp_registration_id.is_empty()
                    || options.is_some_and(|o| !o.totp_registration_id.is_empty())
            }
            MfaMethod::SmsOtp => self.member.mfa_phone_number_verified,
        }
    }

    /// The member's phone for SMS codes, from the member or the server's `member_options`.
    pub fn phone_number(&self) -> String {
        if !self.member.mfa_phone_number.is_empty() {
            return self.member.mfa_phone_number.clone();
        }
        self.mfa_required
            .member_options
            .as_ref()
            .map(|o| o.mfa_phone_number.clone())
            .unwrap_or_default()
    }

    /// The screen to show now (see the [module docs](self)).
    pub fn step(&self) -> MfaStep {
        if self.mfa_required.secondary_auth_initiated.as_deref() == Some("sms_otp") {
            return MfaStep::EnterSmsCode {
                phone_number: self.phone_number(),
            };
        }
        let allowed = self.allowed_methods();
        let usable = |m: &MfaMethod| self.is_enrolled(*m);
        let preferred = MfaMethod::parse(&self.member.default_mfa_method)
            .filter(|m| allowed.contains(m) && usable(m));
        match preferred.or_else(|| allowed.iter().copied().find(usable)) {
            Some(MfaMethod::Totp) => MfaStep::EnterTotpCode,
            Some(MfaMethod::SmsOtp) => MfaStep::SendSmsCode {
                phone_number: self.phone_number(),
            },
            None => MfaStep::Enroll { methods: allowed },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::models::MfaMemberOptions;

    fn pending(member: Member, organization: Organization, initiated: Option<&str>) -> PendingMfa {
        PendingMfa {
            member,
            organization,
            mfa_required: MfaRequired {
                member_options: None,
                secondary_auth_initiated: initiated.map(str::to_owned),
            },
        }
    }

    fn member(totp: bool, phone_verified: bool, default: &str) -> Member {
        Member {
            member_id: "member-test-1".into(),
            totp_registration_id: if totp {
                "member-totp-test-1".into()
            } else {
                String::new()
            },
            mfa_phone_number: if phone_verified {
                "+15550001111".into()
            } else {
                String::new()
            },
            mfa_phone_number_verified: phone_verified,
            default_mfa_method: default.into(),
            ..Default::default()
        }
    }

    fn org(restricted_to: Option<&[&str]>) -> Organization {
        match restricted_to {
            Some(methods) => Organization {
                mfa_methods: "RESTRICTED".into(),
                allowed_mfa_methods: methods.iter().map(|m| (*m).to_owned()).collect(),
                ..Default::default()
            },
            None => Organization {
                mfa_methods: "ALL_ALLOWED".into(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_code_just_texted_comes_first() {
        let p = pending(member(true, true, "totp"), org(None), Some("sms_otp"));
        assert_eq!(
            p.step(),
            MfaStep::EnterSmsCode {
                phone_number: "+15550001111".into()
            }
        );
    }

    #[test]
    fn the_default_method_wins_when_enrolled_and_allowed() {
        let p = pending(member(true, true, "sms_otp"), org(None), None);
        assert_eq!(
            p.step(),
            MfaStep::SendSmsCode {
                phone_number: "+15550001111".into()
            }
        );
        // Without a default, TOTP comes before SMS.
        let p = pending(member(true, true, ""), org(None), None);
        assert_eq!(p.step(), MfaStep::EnterTotpCode);
    }

    #[test]
    fn a_default_the_organization_forbids_is_passed_over() {
        let p = pending(member(true, true, "totp"), org(Some(&["sms_otp"])), None);
        assert_eq!(
            p.step(),
            MfaStep::SendSmsCode {
                phone_number: "+15550001111".into()
            }
        );
    }

    #[test]
    fn nothing_usable_enrolled_means_enrolment_of_the_allowed_methods() {
        let p = pending(member(false, false, ""), org(None), None);
        assert_eq!(
            p.step(),
            MfaStep::Enroll {
                methods: vec![MfaMethod::Totp, MfaMethod::SmsOtp]
            }
        );
        // A phone linked but never verified is not a factor; unknown method names are ignored.
        let mut m = member(false, false, "");
        m.mfa_phone_number = "+15550002222".into();
        let p = pending(m, org(Some(&["sms_otp", "carrier_pigeon"])), None);
        assert_eq!(
            p.step(),
            MfaStep::Enroll {
                methods: vec![MfaMethod::SmsOtp]
            }
        );
        // TOTP enrolled but only SMS allowed: enrol SMS.
        let p = pending(member(true, false, ""), org(Some(&["sms_otp"])), None);
        assert_eq!(
            p.step(),
            MfaStep::Enroll {
                methods: vec![MfaMethod::SmsOtp]
            }
        );
    }

    #[test]
    fn member_options_count_when_the_member_object_lacks_them() {
        let mut p = pending(member(false, false, ""), org(None), None);
        p.mfa_required.member_options = Some(MfaMemberOptions {
            mfa_phone_number: "+15550003333".into(),
            totp_registration_id: "member-totp-test-2".into(),
        });
        assert!(p.is_enrolled(MfaMethod::Totp));
        assert_eq!(p.step(), MfaStep::EnterTotpCode);
        assert_eq!(p.phone_number(), "+15550003333");
    }

    #[test]
    fn method_names_round_trip() {
        for m in [MfaMethod::SmsOtp, MfaMethod::Totp] {
            assert_eq!(MfaMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(MfaMethod::parse("SMS_OTP"), None);
    }
}
