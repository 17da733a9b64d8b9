//! The emulator's catalogue of error types against the client's `ErrorType`: every type the emulator
//! can answer survives the client's parsing unchanged, and every type the client names is one the
//! emulator answers — except those listed here, which only Stytch's own servers send.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use leptos_stytch::ErrorType;

/// The client's named variants. `ErrorType` is `#[non_exhaustive]`, so a new variant must be added
/// here by hand; the second test then says whether the emulator sends it.
fn client_named() -> Vec<ErrorType> {
    vec![
        ErrorType::UnauthorizedCredentials,
        ErrorType::UserUnauthenticated,
        ErrorType::InvalidSecretAuthentication,
        ErrorType::SessionNotFound,
        ErrorType::InvalidEmail,
        ErrorType::EmailNotFound,
        ErrorType::MemberNotFound,
        ErrorType::OrganizationNotFound,
        ErrorType::MagicLinkNotFound,
        ErrorType::UnableToAuthMagicLink,
        ErrorType::PkceMismatch,
        ErrorType::PkceExpectedCodeVerifier,
        ErrorType::InvalidPkceCodeVerifier,
        ErrorType::EmailJitProvisioningNotAllowed,
        ErrorType::InvalidEmailForJitProvisioning,
        ErrorType::InvalidSessionDurationMinutes,
        ErrorType::SessionAuthorizationError,
        ErrorType::TooManyRequests,
        ErrorType::InternalServerError,
    ]
}

/// Named by the client, never sent by the emulator: rate limits (`too_many_requests`) and auth
/// schemes the emulator does not offer.
const ONLY_FROM_STYTCH: &[&str] = &[
    "user_unauthenticated",
    "invalid_secret_authentication",
    "invalid_pkce_code_verifier",
    "too_many_requests",
];

#[test]
fn every_emulator_error_type_round_trips_through_the_client() {
    for t in stytch_emulator::ErrorType::ALL {
        let wire = t.as_str();
        assert_eq!(ErrorType::parse(wire).as_str(), wire, "{wire}");
        assert!((400..600).contains(&t.status()), "{wire}: {}", t.status());
    }
}

#[test]
fn every_type_the_client_names_is_sent_by_the_emulator_or_listed() {
    let emulator: BTreeSet<&str> = stytch_emulator::ErrorType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    let missing: BTreeSet<String> = client_named()
        .iter()
        .map(|t| t.as_str().to_owned())
        .filter(|s| !emulator.contains(s.as_str()))
        .collect();
    let listed: BTreeSet<String> = ONLY_FROM_STYTCH.iter().map(|s| s.to_string()).collect();
    assert_eq!(missing, listed);
}

#[test]
fn the_client_knows_the_statuses_it_acts_on() {
    let status = |wire: &str| {
        stytch_emulator::ErrorType::ALL
            .iter()
            .find(|t| t.as_str() == wire)
            .map(|t| t.status())
    };
    // The session is dropped on these (the SDK's unrecoverable list): 401 and 404, as Stytch sends.
    assert_eq!(status("unauthorized_credentials"), Some(401));
    assert_eq!(status("session_not_found"), Some(404));
    assert!(ErrorType::parse("session_not_found").is_unrecoverable());
}
