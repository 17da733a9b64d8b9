//! Server rendering (`ssr` feature): the request's session, resolved through Stytch's backend API
//! (`POST /v1/b2b/sessions/authenticate`, Basic `project_id:secret`), for `<StytchB2BProvider>` and for
//! server functions.
//!
//! The call is a plain HTTP request whose answer goes through this crate's own models, the very parser the
//! browser's client uses, so the state the server renders and the state the browser later refreshes are
//! the same values. (Stytch's `stytch` crate was the other candidate: its strictly typed responses would
//! need converting into these models, re-serialized through chrono's timestamps, and for this one call it
//! brings reqwest 0.13, jsonwebtoken and aws-lc-rs, a C build. reqwest 0.12 is the version Leptos 0.8's own
//! server functions use.)

use std::fmt;
use std::time::Duration;

use leptos::prelude::use_context;

use crate::core::client::parse_response;
use crate::core::error::StytchError;
use crate::core::models::{AuthenticateResponse, SessionState};
use crate::core::options::CookieOptions;

/// How long a page render waits for Stytch before it gives up and renders "not known yet" (the browser then
/// restores the session itself).
const BACKEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Server-only Stytch configuration: the project id and secret for the backend API. Never send it to the
/// browser; build it in the server's `main` and put it in the Leptos context of every request (for
/// example with `leptos_axum::LeptosRoutes::leptos_routes_with_context`). Cheap to clone.
#[derive(Clone)]
pub struct StytchServer {
    project_id: String,
    secret: String,
    base_url: String,
    http: reqwest::Client,
}

impl fmt::Debug for StytchServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StytchServer")
            .field("project_id", &self.project_id)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl StytchServer {
    /// Stytch's API: `https://test.stytch.com` for a `project-test-…` id, `https://api.stytch.com` otherwise.
    pub fn new(project_id: impl Into<String>, secret: impl Into<String>) -> Self {
        let project_id = project_id.into();
        let base_url = if project_id.starts_with("project-test-") {
            "https://test.stytch.com"
        } else {
            "https://api.stytch.com"
        };
        Self::with_base_url(project_id, secret, base_url)
    }

    /// Another backend API host, scheme and port kept: the local emulator (`http://127.0.0.1:4010`), a proxy.
    pub fn with_base_url(
        project_id: impl Into<String>,
        secret: impl Into<String>,
        base_url: impl Into<String>,
    ) -> Self {
        Self {
            project_id: project_id.into(),
            secret: secret.into(),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .timeout(BACKEND_TIMEOUT)
                .build()
                .unwrap_or_default(),
        }
    }

    /// From `STYTCH_PROJECT_ID`, `STYTCH_SECRET` and, optionally, `STYTCH_API_URL` (the backend host).
    pub fn from_env() -> Result<Self, StytchError> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| StytchError::Usage {
                message: format!("the environment variable {name} is not set"),
            })
        };
        let (project_id, secret) = (var("STYTCH_PROJECT_ID")?, var("STYTCH_SECRET")?);
        Ok(match std::env::var("STYTCH_API_URL") {
            Ok(url) => Self::with_base_url(project_id, secret, url),
            Err(_) => Self::new(project_id, secret),
        })
    }

    /// The session a session token (preferred) or session JWT stands for, checked by Stytch: `Ok(None)` when
    /// there is none or Stytch refuses it (forged, expired, revoked), `Err` when no answer could be had (the
    /// API unreachable, this server's own credentials refused), so that an outage never reads as a logout.
    pub async fn authenticate(
        &self,
        session_token: Option<&str>,
        session_jwt: Option<&str>,
    ) -> Result<Option<SessionState>, StytchError> {
        let body = match (session_token, session_jwt) {
            (Some(token), _) => serde_json::json!({ "session_token": token }),
            (None, Some(jwt)) => serde_json::json!({ "session_jwt": jwt }),
            (None, None) => return Ok(None),
        };
        let response = self
            .http
            .post(format!("{}/v1/b2b/sessions/authenticate", self.base_url))
            .basic_auth(&self.project_id, Some(&self.secret))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|_| StytchError::unreachable("Unable to contact Stytch's backend API."))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response
            .text()
            .await
            .map_err(|_| StytchError::unreachable("Unable to read Stytch's answer."))?;
        if (200..300).contains(&status) {
            let answer: AuthenticateResponse = serde_json::from_str(&text)
                .map_err(|e| StytchError::from_serde("unexpected response shape", &e))?;
            return Ok(answer.member_session.map(|session| SessionState {
                session,
                member: answer.member,
                organization: answer.organization,
            }));
        }
        match parse_response(status, content_type.as_deref(), &text) {
            Err(error) if refuses_the_session(&error) => Ok(None),
            Err(error) => Err(error),
            Ok(_) => Err(StytchError::unreachable(
                "Invalid response from Stytch's backend API.",
            )),
        }
    }
}

/// A 4xx about the session itself. A 429 is a rate limit, and these error types are about this server's
/// own credentials (its project id or secret): none of those says anything about the member's session.
fn refuses_the_session(error: &StytchError) -> bool {
    const SERVER_CREDENTIALS: [&str; 3] = [
        "unauthorized_credentials",
        "invalid_secret_authentication",
        "invalid_project_id_authentication",
    ];
    match error {
        StytchError::Api {
            status_code,
            error_type,
            ..
        } => {
            (400..500).contains(status_code)
                && *status_code != 429
                && !SERVER_CREDENTIALS.contains(&error_type.as_str())
        }
        _ => false,
    }
}

/// The session token and JWT cookies of a request, under the names `cookie_options` gives (Stytch's defaults
/// otherwise). HttpOnly cookies are read the same way: the server sees them all.
pub fn request_session_tokens(
    parts: &http::request::Parts,
    cookie_options: &CookieOptions,
) -> (Option<String>, Option<String>) {
    let (token_name, jwt_name) = (cookie_options.session_cookie(), cookie_options.jwt_cookie());
    let (mut token, mut jwt) = (None, None);
    let pairs = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='));
    for (name, value) in pairs {
        // Cookie values are URI-encoded by the browser client (like js-cookie).
        let value = percent_decode(value);
        if value.is_empty() {
            continue;
        }
        if name == token_name && token.is_none() {
            token = Some(value);
        } else if name == jwt_name && jwt.is_none() {
            jwt = Some(value);
        }
    }
    (token, jwt)
}

fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The current request's session, from its cookies and the [`StytchServer`] in the Leptos context: what
/// `<StytchB2BProvider>` renders with. `Err` without a `StytchServer` or request in context, or when Stytch
/// could not answer.
pub async fn resolve_request_session(
    cookie_options: &CookieOptions,
) -> Result<Option<SessionState>, StytchError> {
    let server = use_context::<StytchServer>().ok_or_else(|| StytchError::Usage {
        message: "no StytchServer in the Leptos context: provide one for every request \
                  (e.g. with leptos_routes_with_context)"
            .to_owned(),
    })?;
    let parts = use_context::<http::request::Parts>().ok_or_else(|| StytchError::Usage {
        message: "no request in the Leptos context (http::request::Parts, as leptos_axum provides)"
            .to_owned(),
    })?;
    let (token, jwt) = request_session_tokens(&parts, cookie_options);
    server.authenticate(token.as_deref(), jwt.as_deref()).await
}

/// In a server function: the signed-in member's session, member and organization, verified by Stytch for
/// this very request (a revoked session is refused at once), or `None`. Uses Stytch's default cookie names;
/// call [`resolve_request_session`] for custom ones.
///
/// ```no_run
/// use leptos::prelude::*;
///
/// #[server]
/// pub async fn my_email() -> Result<Option<String>, ServerFnError> {
///     let state = leptos_stytch::server::current_member_session()
///         .await
///         .map_err(|e| ServerFnError::new(e.to_string()))?;
///     Ok(state.map(|s| s.member.email_address))
/// }
/// ```
pub async fn current_member_session() -> Result<Option<SessionState>, StytchError> {
    resolve_request_session(&CookieOptions::default()).await
}
