//! Small helpers: IDs, CSPRNG tokens, hashing, time formatting, validation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{ApiError, ApiResult};

/// `request-id-test-<uuid>`.
pub fn request_id() -> String {
    format!("request-id-test-{}", uuid::Uuid::new_v4())
}

/// `<prefix>-test-<uuid v4>`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-test-{}", uuid::Uuid::new_v4())
}

/// Deterministic `<prefix>-test-<uuid v5>` derived from `parts` (used for seeded objects so
/// that their ids survive `POST /emulator/v1/reset`).
pub fn derived_id(prefix: &str, parts: &[&str]) -> String {
    let name = parts.join("\u{1f}");
    let u = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes());
    format!("{prefix}-test-{u}")
}

/// 44 characters of unpadded base64url from 33 CSPRNG bytes (Stytch's session-token format).
pub fn random_token() -> ApiResult<String> {
    let mut buf = [0u8; 33];
    getrandom::fill(&mut buf).map_err(|e| {
        eprintln!("stytch-emulator: CSPRNG failure: {e}");
        ApiError::internal()
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// Lowercase hex SHA-256: how tokens are stored (never the raw value).
pub fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// base64url-nopad(SHA-256(verifier)): the PKCE S256 challenge.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Constant-time-ish string equality for secrets.
pub fn ct_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 3339, UTC, whole seconds (`2021-12-29T12:33:09Z`), like Stytch.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Syntactic email check (Stytch answers `invalid_email` 400 "Email format is invalid.").
/// Returns the normalised (trimmed, lowercased) address.
pub fn normalize_email(raw: &str) -> ApiResult<String> {
    let e = raw.trim().to_ascii_lowercase();
    let bad = || ApiError::new(400, "invalid_email", "Email format is invalid.");
    if e.is_empty() || e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || domain.starts_with('-')
        || !domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(bad());
    }
    Ok(e)
}

/// Domain part of an already normalised email.
pub fn email_domain(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// Org slug rule: alphanumeric plus `-._~`, 2..=128 chars.
pub fn valid_slug(slug: &str) -> bool {
    (2..=128).contains(&slug.chars().count())
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
}

/// Slug derived from a name when the caller gives none (documented emulator choice).
pub fn slugify(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    let mut s: String = s.chars().take(120).collect();
    while s.len() < 2 {
        s.push('x');
    }
    s
}

/// Domains Stytch refuses in `email_allowed_domains`.
pub const COMMON_DOMAINS: &[&str] = &[
    "gmail.com",
    "aol.com",
    "yahoo.com",
    "icloud.com",
    "hotmail.com",
    "msn.com",
    "comcast.net",
    "live.com",
    "outlook.com",
    "att.net",
    "earthlink.net",
    "me.com",
    "mac.com",
    "sbcglobal.net",
    "verizon.net",
    "igmail.com",
    "hey.com",
    "laposte.net",
    "wanadoo.fr",
    "googlemail.com",
    "orange.fr",
    "rediffmail.com",
    "uol.com.br",
    "bol.com.br",
    "free.fr",
    "gmx.com",
    "gmx.de",
    "yandex.com",
    "yandex.ru",
    "ymail.com",
    "libero.it",
];

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
    fn emails() {
        assert_eq!(
            normalize_email(" Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in ["", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@b..c", "a@@b.c"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs() {
        assert!(valid_slug("acme"));
        assert!(valid_slug("a.b_c~d-e"));
        assert!(!valid_slug("a"));
        assert!(!valid_slug("has space"));
        assert_eq!(slugify("Acme Corp!"), "acme-corp");
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
    fn pkce() {
        // RFC 7636 appendix B
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
