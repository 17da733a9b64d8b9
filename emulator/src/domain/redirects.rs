//! Redirect URLs: only the project's allowed URLs (exact match) are accepted, and links carry
//! `stytch_token_type` and `token` as Stytch's do.

use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::seed::Seed;

/// A redirect URL from the project's allow-list (exact match); without one, the first allowed URL.
/// `missing` is the error when none is configured (`no_login_redirect_urls_set`, …).
pub fn redirect_url(seed: &Seed, url: Option<&str>, missing: ErrorType) -> ApiResult<String> {
    let urls = &seed.redirect_urls;
    match url {
        Some(u) if urls.iter().any(|x| x == u) => Ok(u.to_string()),
        Some(_) => Err(ApiError::new(
            ErrorType::NoMatchForProvidedMagicLinkUrl,
            "The redirect URL is not one of the project's allowed redirect URLs.",
        )),
        None => urls
            .first()
            .cloned()
            .ok_or_else(|| ApiError::new(missing, "No redirect URL of this kind is configured.")),
    }
}

/// `url` + `stytch_token_type` + `token` query parameters.
pub fn link(url: &str, token_type: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}stytch_token_type={token_type}&token={token}")
}

/// An organization magic link (login, signup, invite, email update).
pub fn magic_link(url: &str, token: &str) -> String {
    link(url, "multi_tenant_magic_links", token)
}
