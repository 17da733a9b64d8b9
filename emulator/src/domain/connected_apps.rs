//! Connected apps: the project as an OAuth 2.0 / OpenID Connect identity provider for its members.
//! A connected app is an OAuth client of the project; a member of an organization authorizes it on
//! the app's consent page (through `idp/b2b/oauth/authorize/start` and `…/submit`), and the app
//! exchanges the authorization code for tokens signed with the project's keys.
//!
//! * **Clients**: `client_type` is `first_party`, `first_party_public`, `third_party` or
//!   `third_party_public`; `*_public` clients have no secret and must use PKCE
//!   (`pkce_required_for_idp_authorization_flow`), the others authenticate to the token endpoint
//!   with their secret, stored only as its SHA-256. Ids are `connected-app-test-<uuid>`, secrets
//!   `secret-test-<44 base64url characters>`, shown once, on creation.
//! * **Validation** of an authorization request, in this order: the client exists
//!   (`connected_app_not_found`, 404: Stytch documents no name, this one is the emulator's); the
//!   organization allows it (`{first,third}_party_connected_apps_allowed_type` `ALL_ALLOWED`, or
//!   `RESTRICTED` to `allowed_{first,third}_party_connected_apps`, or `NOT_ALLOWED`:
//!   `connected_app_not_allowed_by_organization`, 403, also the emulator's name); `redirect_uri`
//!   is one of the client's (exact match,
//!   `connected_app_supplied_redirect_url_not_found_in_client`); `response_type` is `code`;
//!   `prompt` is absent or `consent`; every scope is known (`invalid_scope`).
//! * **Scopes**: `openid`, `email`, `profile`, `offline_access`, and the RBAC policy's custom
//!   `scopes` (`{scope, description, permissions[{resource_id, actions}]}`). A custom scope is
//!   grantable only when the member's roles allow every action it names; the code carries only the
//!   grantable scopes asked for.
//! * **Consent** (`consent_required`): always with `prompt=consent`; otherwise never for a
//!   first-party client (it is the project's own app), and for a third-party client unless the
//!   member already granted it every grantable scope asked for. Grants are stored per member and
//!   client (a union of what was granted) when a third-party authorization succeeds. With consent
//!   required and `consent_granted: false`, submit answers a `redirect_uri` carrying OAuth's
//!   `error=access_denied` (and `state`), and no code; without consent required the member's
//!   session is the authorization, whatever `consent_granted` says (the pre-built UI submits at
//!   once with `false`).
//! * **Codes**: single use, 10 minutes, stored hashed; bound to the client, the `redirect_uri`, the
//!   PKCE challenge, the nonce, the member and the granted scopes.
//! * **Tokens**: the access token is a JWT (`iss` = the emulator's origin, `aud` = `[project_id]`,
//!   plus the RFC 8707 `resources` asked for, `sub` = member id, `scope`, `client_id`, a random
//!   `jti`, the organization claim) living
//!   `access_token_expiry_minutes` (default 60); the ID token (with `openid`) a JWT with
//!   `aud` = client id, `nonce`, and `email`/`email_verified` (with `email`) and `name` (with
//!   `profile`), one hour; both signed with the project's key (the session JWKS). A refresh token
//!   (with `offline_access`) is opaque, stored hashed, lives 30 days and is rotated: each refresh
//!   uses it up and answers a new one (Stytch documents no lifetime; these are the emulator's).

use crate::domain::members;
use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::domain::rbac;
use crate::domain::rbac::Actor;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use crate::infra::crypto::hash_token;
use crate::infra::crypto::random_token;
use crate::infra::ids::rfc3339;
use crate::infra::keys::SigningKey;
use crate::seed::Seed;
use crate::seed::SeedConnectedApp;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use serde_json::json;

/// An authorization code lives 10 minutes.
pub const CODE_SECS: i64 = 10 * 60;
/// An ID token lives an hour.
pub const ID_TOKEN_SECS: i64 = 3600;
/// A refresh token lives 30 days (or until used).
pub const REFRESH_TOKEN_SECS: i64 = 30 * 24 * 3600;
const DEFAULT_ACCESS_TOKEN_MINUTES: i64 = 60;

const CLIENT_TYPES: &[&str] = &[
    "first_party",
    "first_party_public",
    "third_party",
    "third_party_public",
];

/// The scopes every project has, with what the consent page says about them.
const BUILTIN_SCOPES: &[(&str, &str)] = &[
    ("openid", "Confirm who you are"),
    ("email", "See your email address"),
    ("profile", "See your name and profile"),
    (
        "offline_access",
        "Keep access to your account while you are away",
    ),
];

/// A connected app's public object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConnectedApp {
    pub client_id: String,
    pub client_type: String,
    pub client_name: String,
    pub client_description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_logo_url: Option<String>,
    pub redirect_urls: Vec<String>,
    pub post_logout_redirect_urls: Vec<String>,
    pub access_token_expiry_minutes: i64,
    pub created_at: String,
}

impl ConnectedApp {
    pub fn is_public(&self) -> bool {
        self.client_type.ends_with("_public")
    }

    pub fn is_first_party(&self) -> bool {
        self.client_type.starts_with("first_party")
    }

    /// What the consent page shows (`client` of authorize/start).
    pub fn public_info(&self) -> Value {
        let mut v = json!({
            "client_id": self.client_id,
            "client_type": self.client_type,
            "client_name": self.client_name,
            "client_description": self.client_description,
        });
        if let Some(logo) = &self.client_logo_url {
            v["client_logo_url"] = json!(logo);
        }
        v
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorType::InvalidArgument, message)
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorType::ConnectedAppNotFound,
        "No connected app of this project has this client_id.",
    )
}

fn is_http_url(u: &str) -> bool {
    (u.starts_with("http://") || u.starts_with("https://"))
        && u.len() > "https://".len()
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Stores a new connected app under `client_id`; answers it and its secret (confidential clients),
/// the only time the secret is shown.
pub fn create(
    conn: &Connection,
    client_id: &str,
    req: &SeedConnectedApp,
    now: i64,
) -> ApiResult<(ConnectedApp, Option<String>)> {
    if !CLIENT_TYPES.contains(&req.client_type.as_str()) {
        return Err(invalid(
            "client_type must be first_party, first_party_public, third_party or third_party_public.",
        ));
    }
    if req.client_name.trim().is_empty() {
        return Err(invalid("client_name is required."));
    }
    for u in req
        .redirect_urls
        .iter()
        .chain(&req.post_logout_redirect_urls)
    {
        if !is_http_url(u) {
            return Err(invalid(format!("{u:?} is not an http or https URL.")));
        }
    }
    if let Some(logo) = &req.client_logo_url
        && !is_http_url(logo)
    {
        return Err(invalid("client_logo_url must be an http or https URL."));
    }
    let minutes = req
        .access_token_expiry_minutes
        .unwrap_or(DEFAULT_ACCESS_TOKEN_MINUTES);
    if !(1..=24 * 60).contains(&minutes) {
        return Err(invalid(
            "access_token_expiry_minutes must be between 1 and 1440.",
        ));
    }
    let app = ConnectedApp {
        client_id: client_id.to_owned(),
        client_type: req.client_type.clone(),
        client_name: req.client_name.clone(),
        client_description: req.client_description.clone(),
        client_logo_url: req.client_logo_url.clone().filter(|l| !l.is_empty()),
        redirect_urls: req.redirect_urls.clone(),
        post_logout_redirect_urls: req.post_logout_redirect_urls.clone(),
        access_token_expiry_minutes: minutes,
        created_at: rfc3339(now),
    };
    let secret = if app.is_public() {
        if req.client_secret.as_deref().is_some_and(|s| !s.is_empty()) {
            return Err(invalid("A public client has no client_secret."));
        }
        None
    } else {
        match req.client_secret.clone().filter(|s| !s.is_empty()) {
            Some(s) => Some(s),
            None => Some(format!("secret-test-{}", random_token()?)),
        }
    };
    let n = conn.execute(
        "INSERT OR IGNORE INTO connected_apps (client_id, data, secret_hash, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            app.client_id,
            serde_json::to_string(&app)?,
            secret.as_deref().map(hash_token),
            now
        ],
    )?;
    if n != 1 {
        return Err(invalid("A connected app with this client_id exists."));
    }
    Ok((app, secret))
}

/// A stored client and the hash of its secret.
pub struct StoredApp {
    pub app: ConnectedApp,
    secret_hash: Option<String>,
}

impl StoredApp {
    /// Client authentication at the token endpoint: a confidential client's secret must match (in
    /// constant time); a public client sends none.
    pub fn authenticates(&self, secret: &str) -> bool {
        match &self.secret_hash {
            Some(h) => !secret.is_empty() && ct_eq(&hash_token(secret), h),
            None => secret.is_empty(),
        }
    }
}

pub fn get(conn: &Connection, client_id: &str) -> ApiResult<Option<StoredApp>> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT data, secret_hash FROM connected_apps WHERE client_id = ?1")?
        .query_row(params![client_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(data, secret_hash)| {
        Ok(StoredApp {
            app: serde_json::from_str(&data)?,
            secret_hash,
        })
    })
    .transpose()
}

/// One line of `scope_results`.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeResult {
    pub scope: String,
    pub description: String,
    pub is_grantable: bool,
}

/// The policy's custom scope `scope`: its description and whether `actor` may grant it.
fn custom_scope(
    seed: &Seed,
    org: &Value,
    actor: &Actor,
    scope: &str,
) -> ApiResult<Option<ScopeResult>> {
    let Some(def) = seed
        .rbac_policy
        .scopes
        .iter()
        .find(|s| s["scope"].as_str() == Some(scope))
    else {
        return Ok(None);
    };
    let mut grantable = true;
    for p in def["permissions"].as_array().into_iter().flatten() {
        let resource = p["resource_id"].as_str().unwrap_or("");
        for action in p["actions"].as_array().into_iter().flatten() {
            let action = action.as_str().unwrap_or("");
            grantable &= rbac::check(seed, org, Some(actor), resource, action, false).is_ok();
        }
    }
    Ok(Some(ScopeResult {
        scope: scope.to_owned(),
        description: def["description"].as_str().unwrap_or("").to_owned(),
        is_grantable: grantable,
    }))
}

fn scope_results(
    seed: &Seed,
    org: &Value,
    actor: &Actor,
    scopes: &[String],
) -> ApiResult<Vec<ScopeResult>> {
    let mut out: Vec<ScopeResult> = Vec::new();
    for scope in scopes.iter().flat_map(|s| s.split(' ')) {
        if scope.is_empty() || out.iter().any(|r| r.scope == scope) {
            continue;
        }
        if let Some((_, description)) = BUILTIN_SCOPES.iter().find(|(s, _)| *s == scope) {
            out.push(ScopeResult {
                scope: scope.to_owned(),
                description: (*description).to_owned(),
                is_grantable: true,
            });
        } else if let Some(r) = custom_scope(seed, org, actor, scope)? {
            out.push(r);
        } else {
            return Err(ApiError::new(
                ErrorType::InvalidScope,
                format!(
                    "The scope {scope:?} is neither a built-in scope nor one of the project's RBAC policy."
                ),
            ));
        }
    }
    Ok(out)
}

/// The body of authorize/start and authorize/submit (SDK and backend).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeReq {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub consent_granted: bool,
    #[serde(default)]
    pub resources: Option<Vec<String>>,
}

/// A validated authorization request.
pub struct Preflight {
    pub app: ConnectedApp,
    pub scope_results: Vec<ScopeResult>,
    pub consent_required: bool,
}

impl Preflight {
    /// The answer of authorize/start (without the envelope).
    pub fn answer(&self) -> Value {
        json!({
            "client": self.app.public_info(),
            "consent_required": self.consent_required,
            "scope_results": self.scope_results,
        })
    }

    fn granted(&self) -> Vec<String> {
        self.scope_results
            .iter()
            .filter(|r| r.is_grantable)
            .map(|r| r.scope.clone())
            .collect()
    }
}

fn organization_allows(org: &Value, app: &ConnectedApp) -> ApiResult<()> {
    let party = if app.is_first_party() {
        "first"
    } else {
        "third"
    };
    let allowed = match org[format!("{party}_party_connected_apps_allowed_type")].as_str() {
        Some("NOT_ALLOWED") => false,
        Some("RESTRICTED") => org[format!("allowed_{party}_party_connected_apps")]
            .as_array()
            .is_some_and(|a| a.iter().any(|id| id.as_str() == Some(&app.client_id))),
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorType::ConnectedAppNotAllowedByOrganization,
            "The organization's settings do not allow this connected app.",
        ))
    }
}

fn granted_before(conn: &Connection, member_id: &str, client_id: &str) -> ApiResult<Vec<String>> {
    let scopes: Option<String> = conn
        .prepare_cached(
            "SELECT scopes FROM connected_app_grants WHERE member_id = ?1 AND client_id = ?2",
        )?
        .query_row(params![member_id, client_id], |r| r.get(0))
        .optional()?;
    Ok(scopes
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Validates an authorization request of `actor` (see the module docs for the rules).
pub fn preflight(
    conn: &Connection,
    seed: &Seed,
    org: &Value,
    actor: &Actor,
    req: &AuthorizeReq,
) -> ApiResult<Preflight> {
    let app = get(conn, &req.client_id)?.ok_or_else(not_found)?.app;
    organization_allows(org, &app)?;
    if !app.redirect_urls.iter().any(|u| u == &req.redirect_uri) {
        return Err(ApiError::new(
            ErrorType::ConnectedAppSuppliedRedirectUrlNotFoundInClient,
            "redirect_uri is not one of the connected app's redirect URLs.",
        ));
    }
    if req.response_type != "code" {
        return Err(invalid(
            "response_type must be `code` (the authorization code flow).",
        ));
    }
    let prompt = req.prompt.as_deref().unwrap_or("");
    if !prompt.is_empty() && prompt != "consent" {
        return Err(invalid("prompt supports only `consent`."));
    }
    let scope_results = scope_results(seed, org, actor, &req.scopes)?;
    let consent_required = prompt == "consent"
        || (!app.is_first_party() && {
            let before = granted_before(conn, &actor.member_id, &app.client_id)?;
            scope_results
                .iter()
                .any(|r| r.is_grantable && !before.contains(&r.scope))
        });
    Ok(Preflight {
        app,
        scope_results,
        consent_required,
    })
}

/// What an authorization code (and a refresh token) stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grant {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    #[serde(default)]
    nonce: Option<String>,
    /// RFC 8707 resource indicators: added to the access token's audience.
    #[serde(default)]
    resources: Vec<String>,
}

/// `url` with `pairs` added to its query (percent-encoded).
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_owned();
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&crate::surfaces::idp_oidc::query_value(v));
        sep = '&';
    }
    out
}

/// The answer of authorize/submit: where to send the browser, and the code it carries.
pub struct Submitted {
    pub redirect_uri: String,
    pub authorization_code: Option<String>,
}

impl Submitted {
    /// `{redirect_uri, authorization_code?}` (no code on a refusal).
    pub fn answer(&self) -> Value {
        let mut v = json!({ "redirect_uri": self.redirect_uri });
        if let Some(code) = &self.authorization_code {
            v["authorization_code"] = json!(code);
        }
        v
    }
}

/// Authorizes (or, consent denied, refuses) the request of `actor`.
pub fn submit(
    conn: &Connection,
    seed: &Seed,
    org: &Value,
    actor: &Actor,
    member_email: &str,
    req: &AuthorizeReq,
    now: i64,
) -> ApiResult<Submitted> {
    let pre = preflight(conn, seed, org, actor, req)?;
    let challenge = crate::domain::pkce::pkce_challenge_param(req.code_challenge.clone(), false)?;
    if pre.app.is_public() && challenge.is_none() {
        return Err(ApiError::new(
            ErrorType::PkceRequiredForIdpAuthorizationFlow,
            "A public connected app must send a PKCE code_challenge.",
        ));
    }
    let state = req.state.as_deref().filter(|s| !s.is_empty());
    if pre.consent_required && !req.consent_granted {
        let mut pairs = vec![
            ("error", "access_denied"),
            ("error_description", "The member did not grant consent."),
        ];
        pairs.extend(state.map(|s| ("state", s)));
        return Ok(Submitted {
            redirect_uri: with_query(&req.redirect_uri, &pairs),
            authorization_code: None,
        });
    }
    let resources = req.resources.clone().unwrap_or_default();
    if let Some(bad) = resources
        .iter()
        .find(|r| !is_http_url(r) || r.contains('#'))
    {
        return Err(invalid(format!(
            "resource {bad:?} must be an absolute http or https URI without a fragment."
        )));
    }
    let scopes = pre.granted();
    if !pre.app.is_first_party() {
        let mut all = granted_before(conn, &actor.member_id, &pre.app.client_id)?;
        all.extend(
            scopes
                .iter()
                .filter(|s| !all.contains(s))
                .cloned()
                .collect::<Vec<_>>(),
        );
        conn.execute(
            "INSERT INTO connected_app_grants (member_id, client_id, scopes, granted_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (member_id, client_id) DO UPDATE SET scopes = excluded.scopes,
                 granted_at = excluded.granted_at",
            params![
                actor.member_id,
                pre.app.client_id,
                serde_json::to_string(&all)?,
                now
            ],
        )?;
    }
    let grant = Grant {
        client_id: pre.app.client_id.clone(),
        redirect_uri: req.redirect_uri.clone(),
        scopes,
        nonce: req.nonce.clone().filter(|n| !n.is_empty()),
        resources,
    };
    let code = one_time_tokens::issue(
        conn,
        &Issue {
            kind: Kind::ConnectedAppCode,
            email: member_email,
            organization_id: &actor.organization_id,
            member_id: &actor.member_id,
            pkce_challenge: challenge.as_deref(),
            payload: Some(&serde_json::to_string(&grant)?),
            lifetime_secs: CODE_SECS,
        },
        now,
    )?;
    let mut pairs = vec![("code", code.as_str())];
    pairs.extend(state.map(|s| ("state", s)));
    Ok(Submitted {
        redirect_uri: with_query(&req.redirect_uri, &pairs),
        authorization_code: Some(code),
    })
}

/// The body of `b2b/oauth/logout/start`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogoutReq {
    pub client_id: String,
    pub post_logout_redirect_uri: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub id_token_hint: Option<String>,
}

/// RP-initiated logout: where to send the browser afterwards, and whether to ask the member first.
/// Asking is needed unless there is no session to end, or `id_token_hint` is an ID token this
/// project issued to this client for the session's member (OpenID Connect RP-Initiated Logout lets
/// the provider skip the question then; an expired hint still identifies the member).
pub fn logout_start(
    conn: &Connection,
    key: &SigningKey,
    issuer: &str,
    session_member: Option<&str>,
    req: &LogoutReq,
) -> ApiResult<(String, bool)> {
    let app = get(conn, &req.client_id)?.ok_or_else(not_found)?.app;
    if !app
        .post_logout_redirect_urls
        .iter()
        .any(|u| u == &req.post_logout_redirect_uri)
    {
        return Err(ApiError::new(
            ErrorType::ConnectedAppSuppliedRedirectUrlNotFoundInClient,
            "post_logout_redirect_uri is not one of the connected app's post-logout redirect URLs.",
        ));
    }
    let consent_required = match session_member {
        None => false,
        Some(member_id) => req
            .id_token_hint
            .as_deref()
            .and_then(|hint| {
                key.verify_id_token(hint, issuer, &app.client_id, i64::MIN)
                    .ok()
            })
            .is_none_or(|claims| claims["sub"].as_str() != Some(member_id)),
    };
    let state = req.state.as_deref().filter(|s| !s.is_empty());
    let pairs: Vec<(&str, &str)> = state.map(|s| ("state", s)).into_iter().collect();
    Ok((
        with_query(&req.post_logout_redirect_uri, &pairs),
        consent_required,
    ))
}

/// A token-endpoint refusal: Stytch's error type and OAuth's `error`.
pub struct Refusal {
    pub error_type: ErrorType,
    pub error: &'static str,
    pub description: &'static str,
}

fn refuse(error_type: ErrorType, error: &'static str, description: &'static str) -> Refusal {
    Refusal {
        error_type,
        error,
        description,
    }
}

/// What the token endpoint answers.
#[derive(Debug, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
    pub token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// Who the tokens are minted by: the signing key, the issuer (the emulator's origin) and the
/// project.
pub struct Minter<'a> {
    pub key: &'a SigningKey,
    pub issuer: &'a str,
    pub project_id: &'a str,
}

fn sign(key: &SigningKey, claims: &Value) -> ApiResult<String> {
    key.sign_json(&claims.to_string())
        .ok_or_else(ApiError::internal)
}

/// Access, ID and refresh tokens for `grant` of the member `member_id`.
fn mint(
    conn: &Connection,
    m: &Minter<'_>,
    app: &ConnectedApp,
    member_id: &str,
    grant: &Grant,
    now: i64,
) -> ApiResult<Result<Tokens, Refusal>> {
    let member = members::get_member(conn, member_id)?.filter(|m| m.status() == "active");
    let Some(member) = member else {
        return Ok(Err(refuse(
            ErrorType::MemberNotFound,
            "invalid_grant",
            "The member who granted this authorization is no longer active.",
        )));
    };
    let org_id = member.data["organization_id"].as_str().unwrap_or("");
    let slug = crate::domain::organizations::get_org(conn, org_id)?
        .and_then(|o| o["organization_slug"].as_str().map(String::from))
        .unwrap_or_default();
    let org_claim = json!({ "organization_id": org_id, "slug": slug });
    let scope = grant.scopes.join(" ");
    let expires_in = app.access_token_expiry_minutes * 60;
    let access_token = sign(
        m.key,
        &json!({
            "iss": m.issuer,
            "aud": std::iter::once(m.project_id)
                .chain(grant.resources.iter().map(String::as_str))
                .collect::<Vec<_>>(),
            "sub": member_id,
            "client_id": app.client_id,
            "scope": scope,
            "iat": now,
            "nbf": now,
            "exp": now + expires_in,
            "jti": uuid::Uuid::new_v4().to_string(),
            "https://stytch.com/organization": org_claim,
        }),
    )?;
    let has = |s: &str| grant.scopes.iter().any(|g| g == s);
    let id_token = if has("openid") {
        let mut claims = json!({
            "iss": m.issuer,
            "aud": app.client_id,
            "sub": member_id,
            "iat": now,
            "exp": now + ID_TOKEN_SECS,
            "https://stytch.com/organization": org_claim,
        });
        if let Some(nonce) = &grant.nonce {
            claims["nonce"] = json!(nonce);
        }
        if has("email") {
            claims["email"] = json!(member.email());
            claims["email_verified"] = member.data["email_address_verified"].clone();
        }
        if has("profile") {
            claims["name"] = member.data["name"].clone();
        }
        Some(sign(m.key, &claims)?)
    } else {
        None
    };
    let refresh_token = if has("offline_access") {
        let stored = Grant {
            nonce: None,
            ..grant.clone()
        };
        Some(one_time_tokens::issue(
            conn,
            &Issue {
                kind: Kind::ConnectedAppRefreshToken,
                email: member.email(),
                organization_id: org_id,
                member_id,
                pkce_challenge: None,
                payload: Some(&serde_json::to_string(&stored)?),
                lifetime_secs: REFRESH_TOKEN_SECS,
            },
            now,
        )?)
    } else {
        None
    };
    Ok(Ok(Tokens {
        access_token,
        expires_in,
        refresh_token,
        scope,
        token_type: "bearer",
        id_token,
    }))
}

fn grant_of(token: &one_time_tokens::Token) -> ApiResult<Grant> {
    token
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(ApiError::internal)
}

/// The `authorization_code` grant: the code (live, unused, this client's), its `redirect_uri`
/// and PKCE verifier.
pub fn exchange_code(
    conn: &Connection,
    m: &Minter<'_>,
    app: &ConnectedApp,
    code: &str,
    redirect_uri: &str,
    code_verifier: &str,
    now: i64,
) -> ApiResult<Result<Tokens, Refusal>> {
    let unknown = || {
        refuse(
            ErrorType::IdpAuthCodeNotFound,
            "invalid_grant",
            "The authorization code is unknown or was already used.",
        )
    };
    let Some(token) = one_time_tokens::find(conn, Kind::ConnectedAppCode, code)? else {
        return Ok(Err(unknown()));
    };
    if token.used {
        return Ok(Err(unknown()));
    }
    if token.expires_at <= now {
        return Ok(Err(refuse(
            ErrorType::IdpAuthCodeExpired,
            "invalid_grant",
            "The authorization code has expired.",
        )));
    }
    let grant = grant_of(&token)?;
    if grant.client_id != app.client_id {
        return Ok(Err(unknown()));
    }
    if grant.redirect_uri != redirect_uri {
        return Ok(Err(refuse(
            ErrorType::ConnectedAppSuppliedRedirectUrlNotFoundInClient,
            "invalid_grant",
            "redirect_uri does not match the authorization request.",
        )));
    }
    if let Some(challenge) = &token.pkce_challenge {
        let ok = !code_verifier.is_empty()
            && ct_eq(
                &crate::domain::pkce::pkce_challenge(code_verifier),
                challenge,
            );
        if !ok {
            return Ok(Err(refuse(
                ErrorType::PkceMismatch,
                "invalid_grant",
                "code_verifier does not match the code challenge.",
            )));
        }
    }
    if !one_time_tokens::consume(conn, &token)? {
        return Ok(Err(unknown()));
    }
    mint(conn, m, app, &token.member_id, &grant, now)
}

/// The `refresh_token` grant: uses the refresh token up and answers new tokens (and a new refresh
/// token). `scope`, when given, may only narrow what was granted.
pub fn refresh(
    conn: &Connection,
    m: &Minter<'_>,
    app: &ConnectedApp,
    refresh_token: &str,
    scope: Option<&str>,
    now: i64,
) -> ApiResult<Result<Tokens, Refusal>> {
    let unknown = || {
        refuse(
            ErrorType::IdpRefreshTokenNotFound,
            "invalid_grant",
            "The refresh token is unknown, expired or was already used.",
        )
    };
    let Some(token) = one_time_tokens::find(conn, Kind::ConnectedAppRefreshToken, refresh_token)?
        .filter(|t| t.is_live(now))
    else {
        return Ok(Err(unknown()));
    };
    let mut grant = grant_of(&token)?;
    if grant.client_id != app.client_id {
        return Ok(Err(unknown()));
    }
    if let Some(scope) = scope.filter(|s| !s.trim().is_empty()) {
        let asked: Vec<String> = scope
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if asked.iter().any(|s| !grant.scopes.contains(s)) {
            return Ok(Err(refuse(
                ErrorType::InvalidScope,
                "invalid_scope",
                "A refresh may not ask for a scope that was not granted.",
            )));
        }
        grant.scopes = asked;
    }
    if !one_time_tokens::consume(conn, &token)? {
        return Ok(Err(unknown()));
    }
    mint(conn, m, app, &token.member_id, &grant, now)
}

/// The claims of a live access token this project issued (for the userinfo endpoint), and what its
/// member's userinfo shows.
pub fn userinfo(
    conn: &Connection,
    m: &Minter<'_>,
    access_token: &str,
    now: i64,
) -> ApiResult<Option<Value>> {
    let Ok(claims) = m
        .key
        .verify_id_token(access_token, m.issuer, m.project_id, now)
    else {
        return Ok(None);
    };
    let Some(member_id) = claims["sub"].as_str() else {
        return Ok(None);
    };
    let Some(member) = members::get_member(conn, member_id)?.filter(|m| m.status() == "active")
    else {
        return Ok(None);
    };
    let scopes: Vec<&str> = claims["scope"].as_str().unwrap_or("").split(' ').collect();
    let mut info = json!({ "sub": member_id });
    if scopes.contains(&"email") {
        info["email"] = json!(member.email());
        info["email_verified"] = member.data["email_address_verified"].clone();
    }
    if scopes.contains(&"profile") {
        info["name"] = member.data["name"].clone();
    }
    Ok(Some(info))
}

/// Creates the seed's connected apps (ids derived from the project and name when not given).
pub fn apply_seed(conn: &Connection, seed: &Seed, now: i64) -> ApiResult<()> {
    let project_id = seed.project.project_id.as_deref().unwrap_or("");
    for app in &seed.connected_apps {
        let client_id = app.client_id.clone().unwrap_or_else(|| {
            crate::infra::ids::derived_id("connected-app", &[project_id, &app.client_name])
        });
        create(conn, &client_id, app, now)?;
    }
    Ok(())
}
