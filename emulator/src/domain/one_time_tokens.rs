//! The one mechanism behind every single-use secret the emulator hands out: magic links (login,
//! signup, invite, email update), discovery magic links, password resets and email one-time
//! passcodes, SMS passcodes, impersonation tokens, SSO and OAuth tokens and the identity provider's
//! codes.
//!
//! * **Issue**: a token is 44 characters of unpadded base64url from 33 CSPRNG bytes; a code is 6
//!   CSPRNG digits. Only a SHA-256 is stored (of the token, or of a random salt and the code): the
//!   raw value exists only in the answer to the caller and in the mailbox.
//! * **Expire**: every token carries `expires_at`; an expired one never authenticates.
//! * **Count attempts** (codes): a wrong code counts against the newest code of its subject;
//!   [`OTP_MAX_ATTEMPTS`] wrong ones use it up. Issuing a code uses up the earlier codes of the same
//!   subject, so only the newest is valid.
//! * **Consume exactly once**: [`consume`] is one conditional `UPDATE … WHERE used = 0`; of any
//!   number of concurrent requests presenting the same token, exactly one sees it succeed.
//!
//! A token is bound to a subject (`email`, `organization_id` — empty for discovery — and
//! `member_id`), may carry a PKCE challenge, and may carry a payload (the new address of an email
//! update).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::{ApiError, ApiResult};
use crate::infra::crypto::{ct_eq, hash_token, random_token};

/// Wrong codes allowed per code before it is used up.
pub const OTP_MAX_ATTEMPTS: i64 = 5;

/// What a token is for. A token of one kind never authenticates a flow of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Organization magic links: login, signup, invites and email updates.
    MagicLink,
    /// Discovery magic links (email only, no organization).
    DiscoveryMagicLink,
    /// Password resets by email (organization flavour).
    PasswordReset,
    /// Password resets by email, discovery flavour (no organization).
    DiscoveryPasswordReset,
    /// Email one-time passcodes, organization or discovery flavour.
    EmailOtp,
    /// SMS one-time passcodes (MFA); the payload is the phone number.
    SmsOtp,
    /// Impersonation tokens minted by the control API; the payload is the impersonator (JSON).
    Impersonation,
    /// The `token` an SSO sign-in redirects to the app with (`stytch_token_type=sso`).
    Sso,
    /// The `token` of an organization OAuth sign-in (`stytch_token_type=oauth`).
    Oauth,
    /// The `token` of a discovery OAuth sign-in (`stytch_token_type=discovery_oauth`).
    DiscoveryOauth,
    /// The authorization code the built-in identity provider hands to the callback.
    IdpCode,
    /// An access token of the emulator's OpenID provider (for its userinfo endpoint).
    IdpAccessToken,
    /// An authorization code a connected app exchanges for tokens; the payload is the grant.
    ConnectedAppCode,
    /// A connected app's refresh token (rotated on use); the payload is the grant.
    ConnectedAppRefreshToken,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::MagicLink => "magic_link",
            Kind::DiscoveryMagicLink => "discovery_magic_link",
            Kind::PasswordReset => "password_reset",
            Kind::DiscoveryPasswordReset => "discovery_password_reset",
            Kind::EmailOtp => "email_otp",
            Kind::SmsOtp => "sms_otp",
            Kind::Impersonation => "impersonation",
            Kind::Sso => "sso",
            Kind::Oauth => "oauth",
            Kind::DiscoveryOauth => "discovery_oauth",
            Kind::IdpCode => "idp_code",
            Kind::IdpAccessToken => "idp_access_token",
            Kind::ConnectedAppCode => "connected_app_code",
            Kind::ConnectedAppRefreshToken => "connected_app_refresh_token",
        }
    }
}

/// What a new token is bound to.
pub struct Issue<'a> {
    pub kind: Kind,
    pub email: &'a str,
    /// Empty for discovery.
    pub organization_id: &'a str,
    /// Empty when the flow has no member yet (discovery).
    pub member_id: &'a str,
    pub pkce_challenge: Option<&'a str>,
    pub payload: Option<&'a str>,
    pub lifetime_secs: i64,
}

/// A stored token, found by its value or (codes) by its subject.
#[derive(Debug)]
pub struct Token {
    id: i64,
    salt: Option<String>,
    secret_hash: String,
    pub email: String,
    pub organization_id: String,
    pub member_id: String,
    pub pkce_challenge: Option<String>,
    pub payload: Option<String>,
    pub expires_at: i64,
    pub used: bool,
}

impl Token {
    /// Neither used nor expired.
    pub fn is_live(&self, now: i64) -> bool {
        !self.used && self.expires_at > now
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Token> {
        Ok(Token {
            id: r.get(0)?,
            salt: r.get(1)?,
            secret_hash: r.get(2)?,
            email: r.get(3)?,
            organization_id: r.get(4)?,
            member_id: r.get(5)?,
            pkce_challenge: r.get(6)?,
            payload: r.get(7)?,
            expires_at: r.get(8)?,
            used: r.get::<_, i64>(9)? != 0,
        })
    }
}

const COLUMNS: &str = "id, salt, secret_hash, email, organization_id, member_id, pkce_challenge, \
                       payload, expires_at, used";

fn insert(
    conn: &Connection,
    t: &Issue<'_>,
    salt: Option<&str>,
    secret_hash: &str,
    now: i64,
) -> ApiResult<()> {
    conn.prepare_cached(
        "INSERT INTO one_time_tokens (kind, salt, secret_hash, email, organization_id, member_id,
             pkce_challenge, payload, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        t.kind.as_str(),
        salt,
        secret_hash,
        t.email,
        t.organization_id,
        t.member_id,
        t.pkce_challenge,
        t.payload,
        now + t.lifetime_secs,
        now
    ])?;
    Ok(())
}

/// Stores a new token and returns its raw value (shown to nobody but the mailbox).
pub fn issue(conn: &Connection, t: &Issue<'_>, now: i64) -> ApiResult<String> {
    let token = random_token()?;
    insert(conn, t, None, &hash_token(&token), now)?;
    Ok(token)
}

/// Stores a new 6-digit code for its subject, using up the subject's earlier codes, and returns it.
pub fn issue_code(conn: &Connection, t: &Issue<'_>, now: i64) -> ApiResult<String> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|_| ApiError::internal())?;
    let code = format!("{:06}", u64::from_le_bytes(buf) % 1_000_000);
    let salt = random_token()?;
    conn.execute(
        "UPDATE one_time_tokens SET used = 1
         WHERE kind = ?1 AND email = ?2 AND organization_id = ?3 AND used = 0",
        params![t.kind.as_str(), t.email, t.organization_id],
    )?;
    insert(
        conn,
        t,
        Some(&salt),
        &hash_token(&format!("{salt}{code}")),
        now,
    )?;
    Ok(code)
}

/// The token of `kind` whose value is `token`, in whatever state.
pub fn find(conn: &Connection, kind: Kind, token: &str) -> ApiResult<Option<Token>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM one_time_tokens WHERE secret_hash = ?1 AND kind = ?2"
        ))?
        .query_row(params![hash_token(token), kind.as_str()], Token::from_row)
        .optional()?)
}

/// The newest code of a subject (`organization_id` empty for discovery), in whatever state.
pub fn newest_code(
    conn: &Connection,
    kind: Kind,
    email: &str,
    organization_id: &str,
) -> ApiResult<Option<Token>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM one_time_tokens
             WHERE kind = ?1 AND email = ?2 AND organization_id = ?3 ORDER BY id DESC LIMIT 1"
        ))?
        .query_row(
            params![kind.as_str(), email, organization_id],
            Token::from_row,
        )
        .optional()?)
}

/// Does `code` match this code token? A miss is counted (and the [`OTP_MAX_ATTEMPTS`]th uses the
/// code up); write it outside any transaction the caller will roll back.
pub fn check_code(conn: &Connection, token: &Token, code: &str) -> ApiResult<bool> {
    let salt = token.salt.as_deref().unwrap_or("");
    if ct_eq(&hash_token(&format!("{salt}{code}")), &token.secret_hash) {
        return Ok(true);
    }
    conn.execute(
        "UPDATE one_time_tokens SET attempts = attempts + 1,
             used = CASE WHEN attempts + 1 >= ?2 THEN 1 ELSE used END WHERE id = ?1",
        params![token.id, OTP_MAX_ATTEMPTS],
    )?;
    Ok(false)
}

/// Finds, checks and consumes a token in one step: `not_found` when there is no such token of this
/// kind; `unusable` when it is used, expired, or consumed by a concurrent request first. PKCE is
/// checked against the stored challenge before consuming, so a PKCE failure leaves the token
/// usable (the SDK retries with another namespace's verifier).
pub fn take(
    conn: &Connection,
    kind: Kind,
    token: &str,
    pkce_verifier: Option<&str>,
    now: i64,
    not_found: fn() -> ApiError,
    unusable: fn() -> ApiError,
) -> ApiResult<Token> {
    let found = find(conn, kind, token)?.ok_or_else(not_found)?;
    if !found.is_live(now) {
        return Err(unusable());
    }
    crate::domain::pkce::pkce_verify(found.pkce_challenge.as_deref(), pkce_verifier)?;
    if !consume(conn, &found)? {
        return Err(unusable());
    }
    Ok(found)
}

/// Uses the token up; `false` when another request already did (or it is gone).
pub fn consume(conn: &Connection, token: &Token) -> ApiResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE one_time_tokens SET used = 1 WHERE id = ?1 AND used = 0")?
        .execute(params![token.id])?
        == 1)
}

/// Uses up every unused token of a member (it was deleted).
pub fn revoke_member(conn: &Connection, member_id: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE one_time_tokens SET used = 1 WHERE member_id = ?1 AND used = 0",
        params![member_id],
    )?;
    Ok(())
}

/// Removes every token of an organization (it was deleted).
pub fn delete_organization(conn: &Connection, organization_id: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM one_time_tokens WHERE organization_id = ?1",
        params![organization_id],
    )?;
    Ok(())
}
