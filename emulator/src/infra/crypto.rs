//! Secrets: CSPRNG tokens, how tokens are stored (SHA-256, never the raw value) and constant-time
//! comparison.

use crate::error::ApiError;
use crate::error::ApiResult;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Digest;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// 44 characters of unpadded base64url from 33 CSPRNG bytes (Stytch's session-token format).
pub fn random_token() -> ApiResult<String> {
    let mut buf = [0u8; 33];
    getrandom::fill(&mut buf).map_err(|e| {
        tracing::error!("CSPRNG failure: {e}");
        ApiError::internal()
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// Lowercase hex SHA-256: how tokens are stored (never the raw value).
pub fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Constant-time equality for secrets (the length of the expected value may leak; its content
/// does not).
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape() {
        let t = random_token().unwrap();
        assert_eq!(t.len(), 44);
        assert!(
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(t, random_token().unwrap());
    }

    #[test]
    fn token_hash_is_lowercase_hex_sha256() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(ct_eq("secret-abc", "secret-abc"));
        assert!(!ct_eq("secret-abc", "secret-abd"));
        assert!(!ct_eq("secret-abc", "secret-ab"));
        assert!(!ct_eq("", "x"));
    }
}
