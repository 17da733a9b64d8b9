//! Redirect URLs that carry a token (`?stytch_token_type=…&token=…`, JS
//! `authenticateByUrl`): parsing (pure) and dispatching to the right authenticate call. Removing
//! the parameters from the address bar is the browser layer's job.

use super::client::StytchB2BClient;
use super::discovery::DiscoveryAuthenticateResponse;
use super::error::StytchError;
use super::impersonation::ImpersonationAuthenticateRequest;
use super::magic_links::{MagicLinksAuthenticateRequest, MagicLinksDiscoveryAuthenticateRequest};
use super::models::AuthenticateResponse;
use super::oauth::{
    OauthAuthenticateRequest, OauthAuthenticateResponse, OauthDiscoveryAuthenticateRequest,
};
use super::redact::Redacted;
use super::sso::SsoAuthenticateRequest;

/// `(stytch_token_type, token)` from a URL's query string, `None` unless both are present and
/// non-empty. Values are percent-decoded; the fragment is ignored.
///
/// ```
/// use leptos_stytch::core::url::parse_authenticate_url;
/// assert_eq!(
///     parse_authenticate_url("http://localhost/?stytch_token_type=discovery&token=abc"),
///     Some(("discovery".to_owned(), "abc".to_owned()))
/// );
/// assert_eq!(parse_authenticate_url("http://localhost/?token=abc"), None);
/// ```
pub fn parse_authenticate_url(url: &str) -> Option<(String, String)> {
    let without_fragment = url.split('#').next().unwrap_or("");
    let (_, query) = without_fragment.split_once('?')?;
    let mut token_type = None;
    let mut token = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "stytch_token_type" if token_type.is_none() => token_type = Some(v.into_owned()),
            "token" if token.is_none() => token = Some(v.into_owned()),
            _ => {}
        }
    }
    match (token_type, token) {
        (Some(tt), Some(t)) if !tt.is_empty() && !t.is_empty() => Some((tt, t)),
        _ => None,
    }
}

/// What [`StytchB2BClient::authenticate_by_url`] did. `Debug` shows no token.
#[derive(Clone, PartialEq)]
pub enum AuthenticateByUrlResult {
    /// `multi_tenant_magic_links`: `magic_links().authenticate` ran (session or IST stored).
    MagicLink(Box<AuthenticateResponse>),
    /// `discovery`: `magic_links().discovery().authenticate` ran (IST stored).
    Discovery(Box<DiscoveryAuthenticateResponse>),
    /// `multi_tenant_impersonation`: `impersonation().authenticate` ran (session stored).
    Impersonation(Box<AuthenticateResponse>),
    /// `sso`: `sso().authenticate` ran (session or IST stored).
    Sso(Box<AuthenticateResponse>),
    /// `oauth`: `oauth().authenticate` ran (session or IST stored).
    Oauth(Box<OauthAuthenticateResponse>),
    /// `discovery_oauth`: `oauth().discovery().authenticate` ran (IST stored).
    DiscoveryOauth(Box<DiscoveryAuthenticateResponse>),
    /// A token type this SDK does not authenticate by itself (e.g. `multi_tenant_passwords`, which
    /// needs a new password from the user): JS `{handled: false, tokenType, token}`.
    NotHandled {
        /// The `stytch_token_type` query parameter.
        token_type: String,
        /// The `token` query parameter.
        token: String,
    },
}

impl std::fmt::Debug for AuthenticateByUrlResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MagicLink(r) => f.debug_tuple("MagicLink").field(r).finish(),
            Self::Discovery(r) => f.debug_tuple("Discovery").field(r).finish(),
            Self::Impersonation(r) => f.debug_tuple("Impersonation").field(r).finish(),
            Self::Sso(r) => f.debug_tuple("Sso").field(r).finish(),
            Self::Oauth(r) => f.debug_tuple("Oauth").field(r).finish(),
            Self::DiscoveryOauth(r) => f.debug_tuple("DiscoveryOauth").field(r).finish(),
            Self::NotHandled { token_type, token } => f
                .debug_struct("NotHandled")
                .field("token_type", token_type)
                .field("token", &Redacted(token))
                .finish(),
        }
    }
}

impl AuthenticateByUrlResult {
    /// JS `handled`.
    pub fn handled(&self) -> bool {
        !matches!(self, Self::NotHandled { .. })
    }
}

impl StytchB2BClient {
    /// Authenticates the token of a redirect URL (JS `authenticateByUrl`): `Ok(None)` when the URL
    /// carries no token; `multi_tenant_magic_links` → [`super::magic_links::MagicLinksClient::authenticate`]
    /// with `session_duration_minutes`; `discovery` →
    /// [`super::magic_links::MagicLinksDiscoveryClient::authenticate`]; `multi_tenant_impersonation` →
    /// [`super::impersonation::ImpersonationClient::authenticate`]; `sso` →
    /// [`super::sso::SsoClient::authenticate`], `oauth` → [`super::oauth::OauthClient::authenticate`]
    /// (both with `session_duration_minutes`), `discovery_oauth` →
    /// [`super::oauth::OauthDiscoveryClient::authenticate`]; any other type →
    /// [`AuthenticateByUrlResult::NotHandled`] without a request.
    pub async fn authenticate_by_url(
        &self,
        url: &str,
        session_duration_minutes: u32,
    ) -> Result<Option<AuthenticateByUrlResult>, StytchError> {
        let Some((token_type, token)) = parse_authenticate_url(url) else {
            return Ok(None);
        };
        let result = match token_type.as_str() {
            "multi_tenant_magic_links" => AuthenticateByUrlResult::MagicLink(Box::new(
                self.magic_links()
                    .authenticate(MagicLinksAuthenticateRequest {
                        magic_links_token: token,
                        session_duration_minutes,
                        locale: None,
                    })
                    .await?,
            )),
            "discovery" => AuthenticateByUrlResult::Discovery(Box::new(
                self.magic_links()
                    .discovery()
                    .authenticate(MagicLinksDiscoveryAuthenticateRequest {
                        discovery_magic_links_token: token,
                    })
                    .await?,
            )),
            "multi_tenant_impersonation" => AuthenticateByUrlResult::Impersonation(Box::new(
                self.impersonation()
                    .authenticate(ImpersonationAuthenticateRequest {
                        impersonation_token: token,
                    })
                    .await?,
            )),
            "sso" => AuthenticateByUrlResult::Sso(Box::new(
                self.sso()
                    .authenticate(SsoAuthenticateRequest {
                        sso_token: token,
                        session_duration_minutes,
                        locale: None,
                    })
                    .await?,
            )),
            "oauth" => AuthenticateByUrlResult::Oauth(Box::new(
                self.oauth()
                    .authenticate(OauthAuthenticateRequest {
                        oauth_token: token,
                        session_duration_minutes,
                        locale: None,
                    })
                    .await?,
            )),
            "discovery_oauth" => AuthenticateByUrlResult::DiscoveryOauth(Box::new(
                self.oauth()
                    .discovery()
                    .authenticate(OauthDiscoveryAuthenticateRequest {
                        discovery_oauth_token: token,
                    })
                    .await?,
            )),
            _ => AuthenticateByUrlResult::NotHandled { token_type, token },
        };
        Ok(Some(result))
    }
}

/// `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` is percent-encoded. Used for path
/// segments (ids are URL-safe already; this guards against a `/`, `?` or `#`) and query values the JS SDK
/// encodes this way.
pub(crate) fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(
            encode_uri_component("a/b?c#d e@f.-_!~*'()é"),
            "a%2Fb%3Fc%23d%20e%40f.-_!~*'()%C3%A9"
        );
    }

    #[test]
    fn parses_and_decodes() {
        assert_eq!(
            parse_authenticate_url(
                "https://app.test/cb?x=1&stytch_token_type=multi_tenant_magic_links&token=a%2Bb_c-#frag"
            ),
            Some(("multi_tenant_magic_links".into(), "a+b_c-".into()))
        );
        assert_eq!(
            parse_authenticate_url("/p?token=t&stytch_token_type=multi_tenant_passwords"),
            Some(("multi_tenant_passwords".into(), "t".into()))
        );
    }

    #[test]
    fn rejects_missing_or_empty() {
        for url in [
            "https://app.test/",
            "https://app.test/?stytch_token_type=discovery",
            "https://app.test/?stytch_token_type=&token=x",
            "https://app.test/?stytch_token_type=discovery&token=",
            "https://app.test/#?stytch_token_type=discovery&token=x",
            "%%%?token=%zz&stytch_token_type=%",
        ] {
            let r = parse_authenticate_url(url);
            assert!(r.is_none() || url.starts_with("%%%"), "{url}: {r:?}");
        }
        // Malformed escapes are kept literally, never a panic.
        assert_eq!(
            parse_authenticate_url("?stytch_token_type=a%&token=%z"),
            Some(("a%".into(), "%z".into()))
        );
    }
}
