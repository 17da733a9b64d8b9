//! The emulator's built-in identity provider: the sign-in flows it is in the middle of, the
//! identities it has seen, and the authorization codes it hands to the callbacks.
//!
//! * a **flow** is what a start (`sso/start`, `oauth/{provider}/start`, `…/discovery/start`)
//!   validated: the connection or provider, the organization, the redirect URLs, the PKCE challenge.
//!   Its id is 44 CSPRNG characters and travels as the `state` (OIDC/OAuth) or `RelayState` (SAML)
//!   of the round trip; it lives 10 minutes and is used up by its callback, so a replayed callback
//!   fails;
//! * the **page** answers with an **identity** (email, name, groups, tenant…); the identity provider
//!   stores it behind a single-use code (the `one_time_tokens` of kind `idp_code`, 10 minutes) and
//!   sends the browser to the callback with `code` and `state`, exactly as an OpenID provider does.
//!   The callback redeems the code, so what signs a member in is always what came back through the
//!   callback URL, never the page itself;
//! * every identity that signed in through a connection or provider is remembered for that source,
//!   so the page offers it again as a one-click button.

use crate::domain::one_time_tokens::{self, Issue, Kind};
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::random_token;
use crate::seed::Seed;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;

/// A flow and an identity-provider code live 10 minutes.
pub const LIFETIME_SECS: i64 = 10 * 60;

/// What a flow will end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    Sso,
    Oauth,
    DiscoveryOauth,
    /// The emulator as a standard OpenID provider: the answer goes back to an OIDC client.
    OidcProvider,
}

/// A validated start.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Flow {
    pub kind: Option<FlowKind>,
    /// SSO: the connection named (or found through the organization).
    #[serde(default)]
    pub connection_id: String,
    /// OAuth: `google`, `microsoft`, `github`, `slack` or `hubspot`.
    #[serde(default)]
    pub provider: String,
    /// Empty for discovery.
    #[serde(default)]
    pub organization_id: String,
    pub pkce_challenge: Option<String>,
    #[serde(default)]
    pub login_redirect_url: String,
    #[serde(default)]
    pub signup_redirect_url: String,
    #[serde(default)]
    pub discovery_redirect_url: String,
    /// The scopes asked for (OAuth defaults plus `custom_scopes`).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// `provider_*` query parameters, without the prefix.
    #[serde(default)]
    pub provider_params: BTreeMap<String, String>,
    /// OpenID provider flows: the client, its redirect URI, its `state` and `nonce`.
    #[serde(default)]
    pub oidc: Option<OidcRequest>,
    /// SSO through a configured OIDC IdP: the nonce and PKCE verifier of the relying party.
    #[serde(default)]
    pub rp: Option<crate::domain::oidc_rp::RpState>,
}

/// What an OpenID Connect client asked the emulator's authorization endpoint for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OidcRequest {
    pub client_id: String,
    pub redirect_uri: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub nonce: String,
}

impl Flow {
    /// The identity-provider source the flow signs in through: a connection id or a provider.
    pub fn source(&self) -> &str {
        if self.connection_id.is_empty() {
            &self.provider
        } else {
            &self.connection_id
        }
    }
}

/// What the identity provider asserts about the person who signed in.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Identity {
    pub email: String,
    #[serde(default)]
    pub name: String,
    /// SAML/OIDC groups (for group role assignments).
    #[serde(default)]
    pub groups: Vec<String>,
    /// NameID / `sub`: stable per email unless given.
    #[serde(default)]
    pub subject: String,
    /// Google: the hosted domain (`hd`), empty for a consumer account.
    #[serde(default)]
    pub hosted_domain: String,
    /// Slack workspace, HubSpot hub, GitHub organization, Microsoft tenant.
    #[serde(default)]
    pub tenant_id: String,
}

/// Stores a validated start; returns the flow id (the `state`).
pub fn create_flow(conn: &Connection, flow: &Flow, now: i64) -> ApiResult<String> {
    let id = random_token()?;
    conn.execute(
        "INSERT INTO idp_flows (flow_id, data, expires_at, used) VALUES (?1, ?2, ?3, 0)",
        params![id, serde_json::to_string(flow)?, now + LIFETIME_SECS],
    )?;
    Ok(id)
}

/// A flow that can still be answered: `None` when unknown, expired or used.
pub fn live_flow(conn: &Connection, flow_id: &str, now: i64) -> ApiResult<Option<Flow>> {
    let row: Option<(String, i64, i64)> = conn
        .prepare_cached("SELECT data, expires_at, used FROM idp_flows WHERE flow_id = ?1")?
        .query_row(params![flow_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match row {
        Some((data, expires_at, 0)) if expires_at > now => Ok(Some(serde_json::from_str(&data)?)),
        _ => Ok(None),
    }
}

/// Why a flow could not be taken.
pub enum FlowProblem {
    Unknown,
    Used,
}

/// Uses the flow up (its callback arrived); exactly one caller succeeds.
pub fn take_flow(
    conn: &Connection,
    flow_id: &str,
    now: i64,
) -> ApiResult<Result<Flow, FlowProblem>> {
    let row: Option<(String, i64, i64)> = conn
        .prepare_cached("SELECT data, expires_at, used FROM idp_flows WHERE flow_id = ?1")?
        .query_row(params![flow_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((data, expires_at, used)) = row else {
        return Ok(Err(FlowProblem::Unknown));
    };
    if used != 0 {
        return Ok(Err(FlowProblem::Used));
    }
    if expires_at <= now {
        return Ok(Err(FlowProblem::Unknown));
    }
    let n = conn.execute(
        "UPDATE idp_flows SET used = 1 WHERE flow_id = ?1 AND used = 0",
        params![flow_id],
    )?;
    if n != 1 {
        return Ok(Err(FlowProblem::Used));
    }
    Ok(Ok(serde_json::from_str(&data)?))
}

/// Stores `identity` for flow `flow_id` behind a new single-use code.
pub fn issue_code(
    conn: &Connection,
    flow_id: &str,
    identity: &Identity,
    now: i64,
) -> ApiResult<String> {
    one_time_tokens::issue(
        conn,
        &Issue {
            kind: Kind::IdpCode,
            email: &identity.email,
            organization_id: flow_id,
            member_id: "",
            pkce_challenge: None,
            payload: Some(&serde_json::to_string(identity)?),
            lifetime_secs: LIFETIME_SECS,
        },
        now,
    )
}

/// Redeems a code issued for `flow_id`; `None` when it is unknown, used, expired or another
/// flow's.
pub fn redeem_code(
    conn: &Connection,
    flow_id: &str,
    code: &str,
    now: i64,
) -> ApiResult<Option<Identity>> {
    let Some(token) = one_time_tokens::find(conn, Kind::IdpCode, code)? else {
        return Ok(None);
    };
    if !token.is_live(now) || token.organization_id != flow_id {
        return Ok(None);
    }
    if !one_time_tokens::consume(conn, &token)? {
        return Ok(None);
    }
    Ok(token
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok()))
}

/// Remembers that `email` signed in through `source`.
pub fn remember(conn: &Connection, source: &str, identity: &Identity, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO idp_identities (source, email, name, last_used) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (source, email) DO UPDATE SET name = excluded.name, last_used = excluded.last_used",
        params![source, identity.email, identity.name, now],
    )?;
    Ok(())
}

/// The identities seen for `source`, most recent first: `(email, name)`.
pub fn seen(conn: &Connection, source: &str) -> ApiResult<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT email, name FROM idp_identities WHERE source = ?1 ORDER BY last_used DESC, email LIMIT 20",
    )?;
    let rows = st
        .query_map(params![source], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A stable subject for an email at a source, as an IdP keeps one user id per account.
pub fn default_subject(source: &str, email: &str) -> String {
    crate::infra::ids::derived_id("idp-user", &[source, email])
}

/// A redirect URL the project allows (exact match); without one, the first allowed URL.
/// `mismatch` when not allowed, `missing` when none is configured.
pub fn allowed_redirect(
    seed: &Seed,
    url: Option<&str>,
    mismatch: ErrorType,
    missing: ErrorType,
) -> ApiResult<String> {
    let urls = &seed.redirect_urls;
    match url.filter(|u| !u.is_empty()) {
        Some(u) if urls.iter().any(|x| x == u) => Ok(u.to_string()),
        Some(_) => Err(ApiError::new(
            mismatch,
            "The redirect URL is not one of the project's allowed redirect URLs.",
        )),
        None => urls
            .first()
            .cloned()
            .ok_or_else(|| ApiError::new(missing, "No redirect URL of this kind is configured.")),
    }
}
