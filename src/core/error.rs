//! One error type for every call: [`StytchError`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// The `error_type` strings Stytch's API returns that this SDK acts on or that apps commonly match.
///
/// Anything else arrives as [`ErrorType::Other`], so a new server-side type never breaks parsing. New
/// variants may be added in a minor release (a type that was `Other` gets its own name), so matches need
/// a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `unauthorized_credentials` (HTTP 401): the session or token is not valid for this call.
    UnauthorizedCredentials,
    /// `user_unauthenticated`: the call needs a session and there is none.
    UserUnauthenticated,
    /// `invalid_secret_authentication`: the credentials sent were not accepted.
    InvalidSecretAuthentication,
    /// `session_not_found`: the session is unknown, expired or revoked.
    SessionNotFound,
    /// `invalid_email`: the email address is malformed.
    InvalidEmail,
    /// `email_not_found`: no member has this email address.
    EmailNotFound,
    /// `member_not_found`.
    MemberNotFound,
    /// `organization_not_found`.
    OrganizationNotFound,
    /// `magic_link_not_found`: the magic link token is unknown.
    MagicLinkNotFound,
    /// `unable_to_auth_magic_link`: the magic link was used already or expired.
    UnableToAuthMagicLink,
    /// `pkce_mismatch`: the verifier does not match the challenge the link was sent with.
    PkceMismatch,
    /// `pkce_expected_code_verifier`: the link was sent with a challenge and no verifier came.
    PkceExpectedCodeVerifier,
    /// `invalid_pkce_code_verifier`.
    InvalidPkceCodeVerifier,
    /// `email_jit_provisioning_not_allowed`: the organization does not let new members join by email.
    EmailJitProvisioningNotAllowed,
    /// `invalid_email_for_jit_provisioning`: the email domain is not one the organization allows.
    InvalidEmailForJitProvisioning,
    /// `invalid_session_duration_minutes`: outside 5 to 527040.
    InvalidSessionDurationMinutes,
    /// `session_authorization_error` (HTTP 403): the member's roles do not grant the action.
    SessionAuthorizationError,
    /// `too_many_requests` (HTTP 429): rate limited.
    TooManyRequests,
    /// `internal_server_error` (HTTP 500).
    InternalServerError,
    /// Any other `error_type`, as sent.
    Other(String),
}

impl ErrorType {
    /// The wire string, e.g. `"session_not_found"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::UnauthorizedCredentials => "unauthorized_credentials",
            Self::UserUnauthenticated => "user_unauthenticated",
            Self::InvalidSecretAuthentication => "invalid_secret_authentication",
            Self::SessionNotFound => "session_not_found",
            Self::InvalidEmail => "invalid_email",
            Self::EmailNotFound => "email_not_found",
            Self::MemberNotFound => "member_not_found",
            Self::OrganizationNotFound => "organization_not_found",
            Self::MagicLinkNotFound => "magic_link_not_found",
            Self::UnableToAuthMagicLink => "unable_to_auth_magic_link",
            Self::PkceMismatch => "pkce_mismatch",
            Self::PkceExpectedCodeVerifier => "pkce_expected_code_verifier",
            Self::InvalidPkceCodeVerifier => "invalid_pkce_code_verifier",
            Self::EmailJitProvisioningNotAllowed => "email_jit_provisioning_not_allowed",
            Self::InvalidEmailForJitProvisioning => "invalid_email_for_jit_provisioning",
            Self::InvalidSessionDurationMinutes => "invalid_session_duration_minutes",
            Self::SessionAuthorizationError => "session_authorization_error",
            Self::TooManyRequests => "too_many_requests",
            Self::InternalServerError => "internal_server_error",
            Self::Other(s) => s,
        }
    }

    /// Parses a wire string; unknown strings become [`ErrorType::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "unauthorized_credentials" => Self::UnauthorizedCredentials,
            "user_unauthenticated" => Self::UserUnauthenticated,
            "invalid_secret_authentication" => Self::InvalidSecretAuthentication,
            "session_not_found" => Self::SessionNotFound,
            "invalid_email" => Self::InvalidEmail,
            "email_not_found" => Self::EmailNotFound,
            "member_not_found" => Self::MemberNotFound,
            "organization_not_found" => Self::OrganizationNotFound,
            "magic_link_not_found" => Self::MagicLinkNotFound,
            "unable_to_auth_magic_link" => Self::UnableToAuthMagicLink,
            "pkce_mismatch" => Self::PkceMismatch,
            "pkce_expected_code_verifier" => Self::PkceExpectedCodeVerifier,
            "invalid_pkce_code_verifier" => Self::InvalidPkceCodeVerifier,
            "email_jit_provisioning_not_allowed" => Self::EmailJitProvisioningNotAllowed,
            "invalid_email_for_jit_provisioning" => Self::InvalidEmailForJitProvisioning,
            "invalid_session_duration_minutes" => Self::InvalidSessionDurationMinutes,
            "session_authorization_error" => Self::SessionAuthorizationError,
            "too_many_requests" => Self::TooManyRequests,
            "internal_server_error" => Self::InternalServerError,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The four types after which Stytch's SDK gives a session up for lost (its
    /// `UNRECOVERABLE_ERROR_TYPES`). Any other failure of a refresh is retried.
    pub fn is_unrecoverable(&self) -> bool {
        matches!(
            self,
            Self::UnauthorizedCredentials
                | Self::UserUnauthenticated
                | Self::InvalidSecretAuthentication
                | Self::SessionNotFound
        )
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// A failed call. New kinds of failure may be added in a minor release, so matches need a `_` arm.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StytchError {
    /// Stytch (or the emulator) answered with its error JSON (`StytchAPIError` in the JS SDK).
    Api {
        /// The HTTP status, e.g. 401.
        status_code: u16,
        /// What went wrong, as a type to match on.
        error_type: ErrorType,
        /// Stytch's human-readable explanation.
        error_message: String,
        /// The page of Stytch's docs about this error.
        error_url: String,
        /// Stytch's id of the failed request, to quote to its support.
        request_id: Option<String>,
        /// Extra detail some errors carry, as sent.
        error_details: Option<serde_json::Value>,
    },
    /// The request never got a usable answer: network failure, CORS refusal, no answer within
    /// [`StytchB2BOptions::request_timeout`](crate::StytchB2BOptions::request_timeout), or a body that is
    /// not the JSON the API promises (`StytchAPIUnreachableError`). `message` keeps the transport's own
    /// text (e.g. the browser's `TypeError: Failed to fetch`).
    Unreachable {
        /// What the transport reported.
        message: String,
    },
    /// The API rejected the request's shape (`StytchAPISchemaError`), or a success body did not have
    /// the shape this SDK expects.
    Schema {
        /// What did not fit.
        message: String,
    },
    /// The SDK was called in a way that cannot work (`StytchSDKUsageError`), e.g. an empty argument.
    Usage {
        /// What was wrong with the call.
        message: String,
    },
    /// A call that needs a session was made without one (`NoCurrentSessionError`).
    NoCurrentSession,
    /// An authenticate call expected a PKCE verifier that is not in storage (`MissingPKCEError`).
    MissingPkce,
}

impl StytchError {
    /// The API `error_type`, when this is an [`StytchError::Api`] error.
    pub fn error_type(&self) -> Option<&ErrorType> {
        match self {
            Self::Api { error_type, .. } => Some(error_type),
            _ => None,
        }
    }

    /// True for the API errors that mean the session is gone for good (see [`ErrorType::is_unrecoverable`]).
    pub fn is_unrecoverable(&self) -> bool {
        self.error_type().is_some_and(ErrorType::is_unrecoverable)
    }

    pub(crate) fn unreachable(message: impl Into<String>) -> Self {
        Self::Unreachable {
            message: message.into(),
        }
    }

    pub(crate) fn schema(message: impl Into<String>) -> Self {
        Self::Schema {
            message: message.into(),
        }
    }

    /// A schema error from serde: `context`, then serde's own text (which field, what was expected).
    pub(crate) fn from_serde(context: &str, error: &serde_json::Error) -> Self {
        Self::schema(format!("{context}: {error}"))
    }
}

impl fmt::Display for StytchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Same layout as the JS SDK's StytchAPIError message.
            Self::Api {
                status_code,
                error_type,
                error_message,
                error_url,
                ..
            } => write!(
                f,
                "[{status_code}] {error_type}\n{error_message}\nSee {error_url} for more information."
            ),
            Self::Unreachable { message } => write!(f, "Stytch API unreachable: {message}"),
            Self::Schema { message } => write!(f, "Stytch API schema error: {message}"),
            Self::Usage { message } => write!(f, "Stytch SDK usage error: {message}"),
            Self::NoCurrentSession => f.write_str("There is no active Stytch session"),
            Self::MissingPkce => f.write_str("No PKCE code verifier is stored for this flow"),
        }
    }
}

impl std::error::Error for StytchError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_type_round_trips_known_and_unknown_strings() {
        for s in ["session_not_found", "pkce_mismatch", "brand_new_type"] {
            assert_eq!(ErrorType::parse(s).as_str(), s);
        }
        assert_eq!(
            ErrorType::parse("brand_new_type"),
            ErrorType::Other("brand_new_type".into())
        );
    }

    #[test]
    fn only_the_four_sdk_types_are_unrecoverable() {
        let unrecoverable = [
            "unauthorized_credentials",
            "user_unauthenticated",
            "invalid_secret_authentication",
            "session_not_found",
        ];
        for s in unrecoverable {
            assert!(ErrorType::parse(s).is_unrecoverable(), "{s}");
        }
        for s in ["too_many_requests", "internal_server_error", "x"] {
            assert!(!ErrorType::parse(s).is_unrecoverable(), "{s}");
        }
    }
}
