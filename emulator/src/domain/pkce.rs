//! PKCE (S256) for magic links, password resets and later OAuth/SSO: the challenge given at the
//! start and the verifier checked at authenticate. PKCE failures do not consume the token (the SDK
//! retries with another PKCE namespace after a "pkce" error).

use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Digest;
use sha2::Sha256;

/// A PKCE challenge as sent (43 base64url characters), `None` when absent or empty;
/// `required` without one → 400 `invalid_pkce_code_challenge`.
pub fn pkce_challenge_param(c: Option<String>, required: bool) -> ApiResult<Option<String>> {
    let c = c.filter(|c| !c.is_empty());
    if let Some(c) = &c
        && (c.len() != 43
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
    {
        return Err(ApiError::new(
            ErrorType::InvalidPkceCodeChallenge,
            "The PKCE code challenge must be base64url(SHA-256(verifier)) without padding.",
        ));
    }
    if required && c.is_none() {
        return Err(ApiError::new(
            ErrorType::InvalidPkceCodeChallenge,
            "This project requires PKCE for this flow: a code challenge is required.",
        ));
    }
    Ok(c)
}

/// Checks a verifier against a stored challenge (same rules as magic links): stored but none
/// sent → `pkce_expected_code_verifier`; wrong → `pkce_mismatch`; sent but nothing stored →
/// `pkce_did_not_expect_code_verifier`. All 400, none consumes the token.
pub fn pkce_verify(challenge: Option<&str>, verifier: Option<&str>) -> ApiResult<()> {
    let verifier = verifier.filter(|v| !v.is_empty());
    match (challenge, verifier) {
        (Some(_), None) => Err(ApiError::new(
            ErrorType::PkceExpectedCodeVerifier,
            "This token was issued with a PKCE code challenge: a pkce code verifier is required.",
        )),
        (Some(c), Some(v)) if !ct_eq(&pkce_challenge(v), c) => Err(ApiError::new(
            ErrorType::PkceMismatch,
            "The PKCE code verifier does not match the code challenge.",
        )),
        (None, Some(_)) => Err(ApiError::new(
            ErrorType::PkceDidNotExpectCodeVerifier,
            "A PKCE code verifier was sent but the token was issued without a code challenge.",
        )),
        _ => Ok(()),
    }
}

/// base64url-nopad(SHA-256(verifier)): the PKCE S256 challenge.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge() {
        // RFC 7636 appendix B
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
