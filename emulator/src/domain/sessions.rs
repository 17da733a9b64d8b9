//! Member sessions: creation, lookup, refresh, revoke, the MemberSession object and JWTs.
//!
//! * `member_session_id` is `session-test-<uuid>` (the docs' example form).
//! * The session token is 44 base64url CSPRNG characters; only its SHA-256 is stored.
//!   Consequently `POST /v1/b2b/sessions/authenticate` called with a `session_jwt` only answers
//!   `session_token: ""` (the emulator cannot recover the raw token).
//! * The JWT lives 5 minutes (`exp = iat + 300`) whatever the session duration.

use crate::Inner;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::members::role_ids;
use crate::domain::organizations;
use crate::domain::rbac::Actor;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::hash_token;
use crate::infra::crypto::random_token;
use crate::infra::ids::new_id;
use crate::infra::ids::request_id;
use crate::infra::ids::rfc3339;
use crate::infra::memo;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use serde_json::json;
use serde_json::value::RawValue;
use std::sync::Arc;

pub const JWT_LIFETIME_SECS: i64 = 300;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub member_session_id: String,
    pub member_id: String,
    pub organization_id: String,
    /// The `authentication_factors` array as stored (see [`SessionRow::factor_list`]).
    pub factors: Box<RawValue>,
    pub started_at: i64,
    pub last_accessed_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
    pub ip_address: String,
    pub user_agent: String,
}

impl SessionRow {
    /// The authentication factors as values.
    pub fn factor_list(&self) -> Vec<Value> {
        serde_json::from_str(self.factors.get()).unwrap_or_default()
    }

    /// A session from an impersonation token (its one factor is `impersonated`).
    pub fn is_impersonated(&self) -> bool {
        // Factors are stored as compact JSON written by serde_json, so the pair has no spaces.
        self.factors.get().contains(r#""type":"impersonated""#)
    }
}

/// Validate `session_duration_minutes` (5..=527040, default 60).
pub fn duration_minutes(v: Option<i64>) -> ApiResult<i64> {
    let m = v.unwrap_or(60);
    if !(5..=527_040).contains(&m) {
        return Err(ApiError::new(
            ErrorType::InvalidSessionDurationMinutes,
            "session_duration_minutes must be between 5 and 527040.",
        ));
    }
    Ok(m)
}

/// An email magic-link factor.
pub fn magic_link_factor(email_id: &str, email: &str, now: i64) -> Value {
    let ts = rfc3339(now);
    json!({
        "type": "magic_link",
        "delivery_method": "email",
        "email_factor": {"email_id": email_id, "email_address": email},
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "PRIMARY",
    })
}

/// Create a session; returns the row and the raw token (the only time it exists).
pub fn create(
    conn: &Connection,
    member: &MemberRow,
    factor: Value,
    duration_min: i64,
    user_agent: &str,
    now: i64,
) -> ApiResult<(SessionRow, String)> {
    let token = random_token()?;
    let row = SessionRow {
        member_session_id: new_id("session"),
        member_id: member.member_id().to_string(),
        organization_id: member.data["organization_id"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        factors: serde_json::value::to_raw_value(&[factor])?,
        started_at: now,
        last_accessed_at: now,
        expires_at: now + duration_min * 60,
        revoked: false,
        ip_address: String::new(),
        user_agent: user_agent.to_string(),
    };
    conn.execute(
        "INSERT INTO sessions (member_session_id, token_hash, member_id, organization_id, factors,
            started_at, last_accessed_at, expires_at, revoked, ip_address, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)",
        params![
            row.member_session_id,
            hash_token(&token),
            row.member_id,
            row.organization_id,
            row.factors.get(),
            row.started_at,
            row.last_accessed_at,
            row.expires_at,
            row.ip_address,
            row.user_agent
        ],
    )?;
    Ok((row, token))
}

/// `SELECT` of a session row, completed by `WHERE …` (see [`row_from`]).
macro_rules! select_session {
    ($where:literal) => {
        concat!(
            "SELECT member_session_id, member_id, organization_id, factors, started_at,
                last_accessed_at, expires_at, revoked, ip_address, user_agent FROM sessions ",
            $where
        )
    };
}

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(SessionRow, String)> {
    Ok((
        SessionRow {
            member_session_id: r.get(0)?,
            member_id: r.get(1)?,
            organization_id: r.get(2)?,
            factors: Default::default(),
            started_at: r.get(4)?,
            last_accessed_at: r.get(5)?,
            expires_at: r.get(6)?,
            revoked: r.get::<_, i64>(7)? != 0,
            ip_address: r.get(8)?,
            user_agent: r.get(9)?,
        },
        r.get(3)?,
    ))
}

fn finish(found: Option<(SessionRow, String)>, now: i64) -> ApiResult<Option<SessionRow>> {
    match found {
        Some((mut row, factors)) => {
            row.factors = RawValue::from_string(factors)?;
            if row.revoked || row.expires_at <= now {
                Ok(None)
            } else {
                Ok(Some(row))
            }
        }
        None => Ok(None),
    }
}

/// A live (not revoked, not expired) session by raw token.
pub fn by_token(conn: &Connection, token: &str, now: i64) -> ApiResult<Option<SessionRow>> {
    // Hot path (every SDK call with a session): a cached prepared statement.
    let found = conn
        .prepare_cached(select_session!("WHERE token_hash = ?1"))?
        .query_row(params![hash_token(token)], row_from)
        .optional()?;
    finish(found, now)
}

/// A live session by id.
pub fn by_id(conn: &Connection, id: &str, now: i64) -> ApiResult<Option<SessionRow>> {
    let found = conn
        .prepare_cached(select_session!("WHERE member_session_id = ?1"))?
        .query_row(params![id], row_from)
        .optional()?;
    finish(found, now)
}

/// Update `last_accessed_at`, and `expires_at` when a duration is given — except for an
/// impersonated session, which cannot be extended: the duration is then ignored (the call still
/// succeeds, so an SDK that keeps sessions alive keeps working until the hour is up).
pub fn touch(
    conn: &Connection,
    row: &mut SessionRow,
    extend_min: Option<i64>,
    now: i64,
) -> ApiResult<()> {
    let expires_at = match extend_min.filter(|_| !row.is_impersonated()) {
        Some(m) => now + m * 60,
        None => row.expires_at,
    };
    // Times have whole seconds: a session touched again within the same second would be written
    // with the values it already has, so the write is skipped.
    if row.last_accessed_at == now && row.expires_at == expires_at {
        return Ok(());
    }
    row.last_accessed_at = now;
    row.expires_at = expires_at;
    conn.prepare_cached(
        "UPDATE sessions SET last_accessed_at = ?2, expires_at = ?3 WHERE member_session_id = ?1",
    )?
    .execute(params![
        row.member_session_id,
        row.last_accessed_at,
        row.expires_at
    ])?;
    Ok(())
}

pub fn revoke_id(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE sessions SET revoked = 1 WHERE member_session_id = ?1",
        params![id],
    )?;
    Ok(())
}

pub fn revoke_member(conn: &Connection, member_id: &str) -> ApiResult<()> {
    conn.execute(
        "UPDATE sessions SET revoked = 1 WHERE member_id = ?1",
        params![member_id],
    )?;
    Ok(())
}

/// What the session answers need of a session's member and organization: both objects as
/// stored, embedded verbatim (never parsed into a `Value` tree), and the few values that the
/// MemberSession and the JWT repeat.
pub struct Owner {
    pub member: Box<RawValue>,
    pub organization: Box<RawValue>,
    /// `role_id`s of the member's `roles`.
    pub roles: Vec<String>,
    pub organization_id: Option<String>,
    pub organization_slug: Option<String>,
}

/// The parts of a stored Member an [`Owner`] reads (everything else is skipped).
#[derive(Deserialize)]
struct MemberKeys {
    roles: Option<Vec<RoleKey>>,
}

#[derive(Deserialize)]
struct RoleKey {
    role_id: Option<String>,
}

/// The parts of a stored Organization an [`Owner`] reads.
#[derive(Deserialize)]
struct OrgKeys {
    organization_id: Option<String>,
    organization_slug: Option<String>,
}

impl Owner {
    /// From a Member and an Organization at hand (flows that just changed them).
    pub fn from_values(member: &Value, org: &Value) -> ApiResult<Owner> {
        OwnerJson {
            member: member.to_string(),
            org: org.to_string(),
        }
        .parse()
    }
}

/// The stored JSON of a session's member and organization. Read while holding the database;
/// [`OwnerJson::parse`], the costly part, can wait until it is released.
#[derive(Clone)]
pub struct OwnerJson {
    member: String,
    org: String,
}

impl OwnerJson {
    /// The current member and organization of a session, read fresh from the database (a
    /// session whose member or organization vanished is "not found").
    pub fn load(conn: &Connection, row: &SessionRow) -> ApiResult<OwnerJson> {
        let (member, org) = members::owner_json(conn, &row.member_id, &row.organization_id)?
            .ok_or_else(ApiError::session_not_found)?;
        Ok(OwnerJson { member, org })
    }

    /// [`OwnerJson::parse`], answered from `memo` while the member's and the organization's
    /// JSON are byte-identical to the ones last parsed for this member.
    pub fn parse_memo(self, memo: &ParsedOwners, member_id: &str) -> ApiResult<Arc<Owner>> {
        memo.get_or_make(
            member_id,
            |o| o.member.get() == self.member && o.organization.get() == self.org,
            || Ok(Arc::new(self.clone().parse()?)),
        )
    }

    /// Embed both objects as they are; read the member's role ids and the organization's id and
    /// slug with typed structs that skip everything else.
    pub fn parse(self) -> ApiResult<Owner> {
        let keys: MemberKeys = serde_json::from_str(&self.member)?;
        let org_keys: OrgKeys = serde_json::from_str(&self.org)?;
        Ok(Owner {
            member: RawValue::from_string(self.member)?,
            organization: RawValue::from_string(self.org)?,
            roles: keys
                .roles
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.role_id)
                .collect(),
            organization_id: org_keys.organization_id,
            organization_slug: org_keys.organization_slug,
        })
    }
}

/// `custom_claims`: always `{}`.
#[derive(Serialize)]
struct NoClaims {}

/// The MemberSession object (fields in the order Stytch's sorted JSON has them).
#[derive(Serialize)]
pub struct MemberSession<'a> {
    authentication_factors: &'a RawValue,
    custom_claims: NoClaims,
    expires_at: String,
    last_accessed_at: String,
    member_id: &'a str,
    member_session_id: &'a str,
    organization_id: &'a str,
    organization_slug: Option<&'a str>,
    roles: &'a [String],
    started_at: String,
}

/// The MemberSession object of `row` (its member and organization in `owner`).
pub fn session_json<'a>(row: &'a SessionRow, owner: &'a Owner) -> MemberSession<'a> {
    MemberSession {
        authentication_factors: &row.factors,
        custom_claims: NoClaims {},
        expires_at: rfc3339(row.expires_at),
        last_accessed_at: rfc3339(row.last_accessed_at),
        member_id: &row.member_id,
        member_session_id: &row.member_session_id,
        organization_id: &row.organization_id,
        organization_slug: owner.organization_slug.as_deref(),
        roles: &owner.roles,
        started_at: rfc3339(row.started_at),
    }
}

/// The claims of a session JWT. Keys in sorted order, so that the text serialized from this is
/// exactly the text of the same claims as a `Value` (what [`keys::SigningKey::sign`]
/// signs).
#[derive(Serialize)]
struct Claims<'a> {
    aud: [&'a str; 1],
    exp: i64,
    #[serde(rename = "https://stytch.com/organization")]
    organization: OrgClaims<'a>,
    #[serde(rename = "https://stytch.com/session")]
    session: SessionClaims<'a>,
    iat: i64,
    iss: String,
    nbf: i64,
    sub: &'a str,
}

#[derive(Serialize)]
struct OrgClaims<'a> {
    organization_id: Option<&'a str>,
    slug: Option<&'a str>,
}

#[derive(Serialize)]
struct SessionClaims<'a> {
    attributes: Attributes<'a>,
    authentication_factors: &'a RawValue,
    expires_at: String,
    id: &'a str,
    last_accessed_at: String,
    roles: &'a [String],
    started_at: String,
}

#[derive(Serialize)]
struct Attributes<'a> {
    ip_address: &'a str,
    user_agent: &'a str,
}

/// The last [`Owner`] parsed for each member (see [`OwnerJson::parse_memo`]).
pub type ParsedOwners = memo::Memo<Arc<Owner>>;

/// Mint a fresh 5-minute session JWT.
pub fn mint_jwt(inner: &Inner, row: &SessionRow, owner: &Owner, now: i64) -> ApiResult<String> {
    let project_id = inner.project.project_id.as_str();
    let claims = serde_json::to_string(&Claims {
        aud: [project_id],
        exp: now + JWT_LIFETIME_SECS,
        organization: OrgClaims {
            organization_id: owner.organization_id.as_deref(),
            slug: owner.organization_slug.as_deref(),
        },
        session: SessionClaims {
            attributes: Attributes {
                ip_address: &row.ip_address,
                user_agent: &row.user_agent,
            },
            authentication_factors: &row.factors,
            expires_at: rfc3339(row.expires_at),
            id: &row.member_session_id,
            last_accessed_at: rfc3339(row.last_accessed_at),
            roles: &owner.roles,
            started_at: rfc3339(row.started_at),
        },
        iat: now,
        iss: format!("stytch.com/{project_id}"),
        nbf: now,
        sub: &row.member_id,
    })?;
    inner.key.sign_json(&claims).ok_or_else(ApiError::internal)
}

/// A live session as an authentication read it, touched, with its member and organization: kept
/// (in [`Snapshots`]) to answer the next authentication of the same session while the database
/// is exactly as it was then.
pub struct LiveSession {
    pub row: SessionRow,
    pub owner: Arc<Owner>,
    /// [`db_version`] right after the read.
    version: (u64, i64),
    /// Its JWT and its MemberSession, written as JSON (see [`LiveSession::answer`]).
    written: std::sync::OnceLock<Written>,
}

struct Written {
    jwt: Box<RawValue>,
    member_session: Box<RawValue>,
}

impl LiveSession {
    /// The [`AuthAnswer`] for this session with a JWT from [`mint_jwt`] at its `last_accessed_at`,
    /// which is the `now` of the authentication that returned it (a snapshot is only used within
    /// that second). The JWT and the MemberSession are pure functions of the session, its owner
    /// and that second, so the first ones are kept for the repeats, already written as JSON: the
    /// JWT is the longest string of the answer, which serde_json's escaping scans byte by byte,
    /// and the MemberSession formats three timestamps.
    pub fn answer<'a>(&'a self, inner: &Inner, token: &'a str) -> ApiResult<AuthAnswer<'a>> {
        let written = match self.written.get() {
            Some(written) => written,
            None => {
                let jwt = mint_jwt(inner, &self.row, &self.owner, self.row.last_accessed_at)?;
                let written = Written {
                    jwt: RawValue::from_string(serde_json::to_string(&jwt)?)?,
                    member_session: serde_json::value::to_raw_value(&session_json(
                        &self.row,
                        &self.owner,
                    ))?,
                };
                self.written.get_or_init(|| written)
            }
        };
        Ok(AuthAnswer {
            member: &self.owner.member,
            member_id: &self.row.member_id,
            member_session: Prewritten::Json(&written.member_session),
            organization: &self.owner.organization,
            request_id: request_id(),
            session_jwt: Prewritten::Json(&written.jwt),
            session_token: token,
            status_code: 200,
        })
    }
}

/// The last [`LiveSession`] read for each session (see [`authenticate_live`]), by token hash or
/// session id.
pub type Snapshots = memo::Memo<Arc<LiveSession>>;

/// Changes whenever the database may have changed: rows written through this connection
/// (`total_changes` counts every INSERT, UPDATE and DELETE, rolled back or not) and commits by
/// any other connection to the same file (`PRAGMA data_version`).
fn db_version(conn: &Connection) -> ApiResult<(u64, i64)> {
    let data_version = conn
        .prepare_cached("PRAGMA data_version")?
        .query_row([], |r| r.get(0))?;
    Ok((conn.total_changes(), data_version))
}

/// The live session that `find` looks up (`key` names it: the same key, the same session),
/// touched with `extend` as [`touch`] does, with its current member and organization.
///
/// Why a snapshot: the three statements of a session read (session, touch, member and
/// organization) were the largest part of a `sessions/authenticate` (callgrind: 15% of its
/// instructions; more with the JWT and MemberSession the snapshot then keeps). A repeat within
/// the same second finds nothing to write, and while the database has not changed since the last
/// read of this session, the same statements would read the same rows: the snapshot answers
/// instead, after the same liveness check against `now`.
pub fn authenticate_live(
    inner: &Inner,
    key: &str,
    find: impl FnOnce(&Connection) -> ApiResult<Option<SessionRow>>,
    extend: Option<i64>,
    now: i64,
) -> ApiResult<Arc<LiveSession>> {
    let conn = inner.conn();
    let version = db_version(&conn)?;
    let unchanged = |live: &Arc<LiveSession>| {
        let row = &live.row;
        let expires_at = match extend.filter(|_| !row.is_impersonated()) {
            Some(m) => now + m * 60,
            None => row.expires_at,
        };
        live.version == version
            && row.last_accessed_at == now
            && row.expires_at == expires_at
            && row.expires_at > now
    };
    inner.sessions_read.get_or_make(key, unchanged, || {
        let mut row = find(&conn)?.ok_or_else(ApiError::session_not_found)?;
        touch(&conn, &mut row, extend, now)?;
        let owner = OwnerJson::load(&conn, &row)?;
        let version = db_version(&conn)?;
        let owner = owner.parse_memo(&inner.owners, &row.member_id)?;
        Ok(Arc::new(LiveSession {
            row,
            owner,
            version,
            written: Default::default(),
        }))
    })
}

/// Load a session's member and organization (a session whose member vanished is "not found").
pub fn load_owner(conn: &Connection, row: &SessionRow) -> ApiResult<(MemberRow, Value)> {
    let member =
        members::get_member(conn, &row.member_id)?.ok_or_else(ApiError::session_not_found)?;
    let org = organizations::get_org(conn, &row.organization_id)?
        .ok_or_else(ApiError::session_not_found)?;
    Ok((member, org))
}

/// The answer of a session authentication: `{member, member_id, member_session, organization,
/// request_id, session_jwt, session_token, status_code: 200}`, keys in the (sorted) order the
/// other answers have. The SDK surface wraps it as `{"data": …}` (`surfaces::sdk::ok_data`).
#[derive(Serialize)]
pub struct AuthAnswer<'a> {
    member: &'a RawValue,
    member_id: &'a str,
    member_session: Prewritten<'a, MemberSession<'a>>,
    organization: &'a RawValue,
    request_id: String,
    session_jwt: Prewritten<'a, &'a str>,
    session_token: &'a str,
    status_code: u16,
}

/// A field of an [`AuthAnswer`]: the value, or the same already written as JSON.
enum Prewritten<'a, T> {
    Value(T),
    Json(&'a RawValue),
}

impl<T: Serialize> Serialize for Prewritten<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Prewritten::Value(value) => value.serialize(serializer),
            Prewritten::Json(json) => json.serialize(serializer),
        }
    }
}

impl AuthAnswer<'_> {
    /// About the size of the serialized answer.
    pub fn size_hint(&self) -> usize {
        self.member.get().len()
            + self.organization.get().len()
            + match &self.member_session {
                Prewritten::Value(session) => session.authentication_factors.get().len(),
                Prewritten::Json(json) => json.get().len(),
            }
            + match self.session_jwt {
                Prewritten::Value(jwt) => jwt.len(),
                Prewritten::Json(json) => json.get().len(),
            }
            + 1024
    }
}

/// See [`AuthAnswer`].
pub fn auth_answer<'a>(
    row: &'a SessionRow,
    token: &'a str,
    jwt: &'a str,
    owner: &'a Owner,
) -> AuthAnswer<'a> {
    AuthAnswer {
        member: &owner.member,
        member_id: &row.member_id,
        member_session: Prewritten::Value(session_json(row, owner)),
        organization: &owner.organization,
        request_id: request_id(),
        session_jwt: Prewritten::Value(jwt),
        session_token: token,
        status_code: 200,
    }
}

/// The Actor of a live session, with its Member and organization.
pub fn actor_of(conn: &Connection, row: &SessionRow) -> ApiResult<(Actor, MemberRow, Value)> {
    let (member, org) = load_owner(conn, row)?;
    let actor = Actor {
        member_id: member.member_id().to_string(),
        organization_id: row.organization_id.clone(),
        roles: role_ids(&member.data),
    };
    Ok((actor, member, org))
}
