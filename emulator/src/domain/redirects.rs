//! Redirect URLs: only the project's allowed URLs (exact match) are accepted, and links carry
//! `stytch_token_type` and `token` as Stytch's do.

use crate::Inner;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::seed::Seed;

/// A redirect URL from the seed's allow-list (the first is the default).
pub fn redirect_url(
    inner: &Inner,
    url: Option<&str>,
    error_type: &'static str,
) -> ApiResult<String> {
    let urls = &inner.seed.redirect_urls;
    match url {
        Some(u) if urls.iter().any(|x| x == u) => Ok(u.to_string()),
        Some(_) => Err(ApiError::new(
            400,
            "no_match_for_provided_magic_link_url",
            "The redirect URL is not one of the project's allowed redirect URLs.",
        )),
        None => urls
            .first()
            .cloned()
            .ok_or_else(|| ApiError::new(400, error_type, "No redirect URL is configured.")),
    }
}

/// `url` + `stytch_token_type` + `token` query parameters.
pub fn link(url: &str, token_type: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}stytch_token_type={token_type}&token={token}")
}

pub fn redirect(seed: &Seed, url: Option<&str>, kind: &'static str) -> ApiResult<String> {
    let urls = &seed.redirect_urls;
    match url {
        Some(u) if urls.iter().any(|x| x == u) => Ok(u.to_string()),
        Some(_) => Err(ApiError::new(
            400,
            "no_match_for_provided_magic_link_url",
            "The redirect URL is not one of the project's allowed redirect URLs.",
        )),
        None => urls.first().cloned().ok_or_else(|| {
            if kind == "invite" {
                ApiError::new(
                    400,
                    "no_invite_redirect_urls_set",
                    "No invite redirect URL is configured.",
                )
            } else {
                ApiError::new(
                    400,
                    "no_login_redirect_urls_set",
                    "No login redirect URL is configured.",
                )
            }
        }),
    }
}

pub fn with_token(url: &str, token: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}stytch_token_type=multi_tenant_magic_links&token={token}")
}
