//! Input rules shared by every surface: emails, organization slugs, common email domains.

use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;

/// Syntactic email check (Stytch answers `invalid_email` 400 "Email format is invalid.").
/// Returns the normalised (trimmed, lowercased) address.
pub fn normalize_email(raw: &str) -> ApiResult<String> {
    let e = raw.trim().to_ascii_lowercase();
    let bad = || ApiError::new(ErrorType::InvalidEmail, "Email format is invalid.");
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

/// A connection's `identity_provider`: one of `allowed`, `generic` when absent or empty → else 400
/// `invalid_argument` listing them.
pub fn identity_provider(v: Option<&str>, allowed: &[&str]) -> ApiResult<String> {
    let idp = v.filter(|s| !s.is_empty()).unwrap_or("generic");
    if allowed.contains(&idp) {
        Ok(idp.to_string())
    } else {
        Err(ApiError::new(
            ErrorType::InvalidArgument,
            format!("identity_provider must be one of {}.", allowed.join(", ")),
        ))
    }
}

/// A connection's `display_name`, trimmed: at most 128 characters → else 400 `invalid_argument`.
pub fn display_name(v: Option<&str>) -> ApiResult<String> {
    let name = v.unwrap_or("").trim();
    if name.chars().count() > 128 {
        return Err(ApiError::new(
            ErrorType::InvalidArgument,
            "display_name must be at most 128 characters.",
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
