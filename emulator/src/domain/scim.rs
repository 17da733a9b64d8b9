//! SCIM connections: one per organization, the bearer token an identity provider sends to the
//! connection's SCIM 2.0 `base_url`, its rotation, and the organization's IdP groups mapped to roles.
//!
//! * ids: `scim-connection-test-<uuid>`; `base_url` is `{emulator}/v1/b2b/scim/{connection_id}`
//!   (Microsoft Entra gets `?aadOptscim062020`, the flag Stytch's Entra guide has admins add);
//! * the bearer token is 48 alphanumeric characters, returned once (`bearer_token` on create,
//!   `next_bearer_token` on rotate start) and stored only as its SHA-256; afterwards only its last
//!   four characters are shown. It expires four years after it was minted, as the tokens of
//!   Stytch's own SDK fixtures do;
//! * rotation: start mints the next token, and both tokens authenticate until complete promotes
//!   the next one (the current one stops working) or cancel drops it. Completing or cancelling
//!   without a pending rotation is `scim_connection_not_rotating_token`; starting a second one
//!   while one is pending is `scim_connection_already_rotating_token` (Stytch documents no code for
//!   this case; the name is the emulator's);
//! * a second connection in an organization is `active_scim_connection_exists`; an unknown
//!   connection (or another organization's) is `no_active_scim_connection`;
//! * `scim_group_implicit_role_assignments` name roles of the policy and groups the identity
//!   provider pushed (`scim_group_role_assignment_group_does_not_exist` otherwise);
//! * the organization's `scim_active_connection` mirrors the connection (id, name, token's last
//!   four and expiry), `null` once it is deleted.

use crate::domain::organizations::org_id;
use crate::domain::rbac::check_roles;
use crate::domain::scim_provisioning;
use crate::domain::validation;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use crate::infra::crypto::hash_token;
use crate::infra::db::parse_stored;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use crate::seed::Seed;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

/// The identity providers a SCIM connection may name.
pub const IDENTITY_PROVIDERS: &[&str] = &[
    "cyberark",
    "generic",
    "jumpcloud",
    "microsoft-entra",
    "okta",
    "onelogin",
    "pingfederate",
    "rippling",
];

const TOKEN_LEN: usize = 48;
const TOKEN_LIFETIME_SECS: i64 = 4 * 365 * 24 * 3600;
const DEFAULT_GROUP_PAGE: usize = 100;
const MAX_GROUP_PAGE: usize = 1000;

/// A stored connection: its public object and its token hashes.
#[derive(Debug, Clone)]
pub struct ScimConnection {
    pub data: Value,
    token_hash: String,
    token_expires_at: i64,
    next_token_hash: Option<String>,
    next_token_expires_at: Option<i64>,
}

impl ScimConnection {
    pub fn id(&self) -> &str {
        self.data["connection_id"].as_str().unwrap_or("")
    }
    pub fn organization_id(&self) -> &str {
        self.data["organization_id"].as_str().unwrap_or("")
    }
    /// What the organization's `scim_active_connection` shows.
    fn summary(&self) -> Value {
        json!({
            "connection_id": self.id(),
            "display_name": self.data["display_name"],
            "bearer_token_last_four": self.data["bearer_token_last_four"],
            "bearer_token_expires_at": self.data["bearer_token_expires_at"],
        })
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorType::InvalidArgument, message)
}

pub fn no_active_connection() -> ApiError {
    ApiError::new(
        ErrorType::NoActiveScimConnection,
        "The organization has no SCIM connection with this id.",
    )
}

/// 48 CSPRNG alphanumeric characters (rejection sampling keeps them uniform).
fn mint_token() -> ApiResult<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(TOKEN_LEN);
    while out.len() < TOKEN_LEN {
        let mut buf = [0u8; 64];
        getrandom::fill(&mut buf).map_err(|e| {
            tracing::error!("CSPRNG failure: {e}");
            ApiError::internal()
        })?;
        // 248 = 4 * 62: bytes at or above it would favour the first characters.
        for b in buf.iter().filter(|b| **b < 248) {
            if out.len() == TOKEN_LEN {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
        }
    }
    Ok(out)
}

fn last_four(token: &str) -> String {
    token[token.len().saturating_sub(4)..].to_string()
}

/// `{base}/v1/b2b/scim/{connection_id}`, with Entra's compatibility flag.
pub fn base_url(base: &str, connection_id: &str, identity_provider: &str) -> String {
    let url = format!("{}/v1/b2b/scim/{connection_id}", base.trim_end_matches('/'));
    if identity_provider == "microsoft-entra" {
        format!("{url}?aadOptscim062020")
    } else {
        url
    }
}

// ------------------------------------------------------------------ storage

const COLUMNS: &str = "data, token_hash, token_expires_at, next_token_hash, next_token_expires_at FROM scim_connections";

type Row = (String, String, i64, Option<String>, Option<i64>);

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn from_row((data, token_hash, exp, next_hash, next_exp): Row) -> ApiResult<ScimConnection> {
    Ok(ScimConnection {
        data: parse_stored(data)?,
        token_hash,
        token_expires_at: exp,
        next_token_hash: next_hash,
        next_token_expires_at: next_exp,
    })
}

/// Any connection by id.
pub fn get(conn: &Connection, connection_id: &str) -> ApiResult<Option<ScimConnection>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} WHERE connection_id = ?1"))?
        .query_row(params![connection_id], read_row)
        .optional()?
        .map(from_row)
        .transpose()
}

/// The connection of an organization, if it has one.
pub fn for_organization(
    conn: &Connection,
    organization_id: &str,
) -> ApiResult<Option<ScimConnection>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} WHERE organization_id = ?1"))?
        .query_row(params![organization_id], read_row)
        .optional()?
        .map(from_row)
        .transpose()
}

/// Connection `connection_id` of `org`; another organization's is not revealed.
fn get_in_org(conn: &Connection, org: &Value, connection_id: &str) -> ApiResult<ScimConnection> {
    get(conn, connection_id)?
        .filter(|c| c.organization_id() == org_id(org))
        .ok_or_else(no_active_connection)
}

fn save(conn: &Connection, c: &ScimConnection, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO scim_connections (connection_id, organization_id, data, token_hash,
             token_expires_at, next_token_hash, next_token_expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (connection_id) DO UPDATE SET data = excluded.data,
             token_hash = excluded.token_hash, token_expires_at = excluded.token_expires_at,
             next_token_hash = excluded.next_token_hash,
             next_token_expires_at = excluded.next_token_expires_at",
        params![
            c.id(),
            c.organization_id(),
            c.data.to_string(),
            c.token_hash,
            c.token_expires_at,
            c.next_token_hash,
            c.next_token_expires_at,
            now
        ],
    )?;
    sync_org(conn, c.organization_id(), Some(c.summary()))
}

/// Writes the organization's `scim_active_connection`.
fn sync_org(conn: &Connection, organization_id: &str, summary: Option<Value>) -> ApiResult<()> {
    let Some(mut org) = crate::domain::organizations::get_org(conn, organization_id)? else {
        return Ok(());
    };
    if let Some(o) = org.as_object_mut() {
        o.insert(
            "scim_active_connection".into(),
            summary.unwrap_or(Value::Null),
        );
    }
    conn.execute(
        "UPDATE organizations SET data = ?2 WHERE organization_id = ?1",
        params![organization_id, org.to_string()],
    )?;
    Ok(())
}

fn set(c: &mut ScimConnection, k: &str, v: Value) {
    if let Some(o) = c.data.as_object_mut() {
        o.insert(k.into(), v);
    }
}

// ------------------------------------------------------------------ validation

// ------------------------------------------------------------------ management

#[derive(Debug, Default, Deserialize)]
pub struct CreateReq {
    pub display_name: Option<String>,
    pub identity_provider: Option<String>,
}

/// Creates the organization's connection; the answer carries the bearer token, the only time it
/// is shown.
pub fn create(
    conn: &Connection,
    org: &Value,
    req: &CreateReq,
    base: &str,
    now: i64,
) -> ApiResult<Value> {
    if for_organization(conn, org_id(org))?.is_some() {
        return Err(ApiError::new(
            ErrorType::ActiveScimConnectionExists,
            "The organization already has a SCIM connection; delete it before creating another.",
        ));
    }
    let id = new_id("scim-connection");
    let idp = validation::identity_provider(req.identity_provider.as_deref(), IDENTITY_PROVIDERS)?;
    let token = mint_token()?;
    let expires = now + TOKEN_LIFETIME_SECS;
    let c = ScimConnection {
        data: json!({
            "organization_id": org_id(org),
            "connection_id": id,
            "status": "active",
            "display_name": validation::display_name(req.display_name.as_deref())?,
            "identity_provider": idp,
            "base_url": base_url(base, &id, &idp),
            "bearer_token_last_four": last_four(&token),
            "bearer_token_expires_at": rfc3339(expires),
            "next_bearer_token_last_four": "",
            "next_bearer_token_expires_at": null,
            "scim_group_implicit_role_assignments": [],
        }),
        token_hash: hash_token(&token),
        token_expires_at: expires,
        next_token_hash: None,
        next_token_expires_at: None,
    };
    save(conn, &c, now)?;
    let mut out = c.data;
    if let Some(o) = out.as_object_mut() {
        o.insert("bearer_token".into(), json!(token));
    }
    Ok(out)
}

/// The organization's connection (`None` when it has none).
pub fn get_for_org(conn: &Connection, org: &Value) -> ApiResult<Option<Value>> {
    Ok(for_organization(conn, org_id(org))?.map(|c| c.data))
}

#[derive(Debug, Clone, Deserialize)]
pub struct GroupRoleAssignment {
    pub role_id: String,
    pub group_id: String,
}

/// `PUT /b2b/scim/{connection_id}`: the fields given replace the stored ones.
#[derive(Debug, Default, Deserialize)]
pub struct UpdateReq {
    pub display_name: Option<String>,
    pub identity_provider: Option<String>,
    pub scim_group_implicit_role_assignments: Option<Vec<GroupRoleAssignment>>,
}

pub fn update(
    conn: &Connection,
    seed: &Seed,
    org: &Value,
    connection_id: &str,
    req: UpdateReq,
    base: &str,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if let Some(v) = &req.display_name {
        set(
            &mut c,
            "display_name",
            json!(validation::display_name(Some(v))?),
        );
    }
    if let Some(v) = &req.identity_provider {
        let idp = validation::identity_provider(Some(v), IDENTITY_PROVIDERS)?;
        let url = base_url(base, connection_id, &idp);
        set(&mut c, "identity_provider", json!(idp));
        set(&mut c, "base_url", json!(url));
    }
    if let Some(assignments) = &req.scim_group_implicit_role_assignments {
        let roles: Vec<String> = assignments.iter().map(|a| a.role_id.clone()).collect();
        check_roles(seed, org, &roles)?;
        let mut out = Vec::with_capacity(assignments.len());
        for a in assignments {
            let name = group_name(conn, connection_id, &a.group_id)?.ok_or_else(|| {
                ApiError::new(
                    ErrorType::ScimGroupRoleAssignmentGroupDoesNotExist,
                    format!(
                        "No group {} has been pushed to this SCIM connection.",
                        a.group_id
                    ),
                )
            })?;
            out.push(json!({"role_id": a.role_id, "group_id": a.group_id, "group_name": name}));
        }
        set(
            &mut c,
            "scim_group_implicit_role_assignments",
            Value::Array(out),
        );
    }
    save(conn, &c, now)?;
    if req.scim_group_implicit_role_assignments.is_some() {
        scim_provisioning::resync_connection(conn, org, &c, now)?;
    }
    Ok(c.data)
}

/// Drops the role assignments of a group the identity provider deleted.
pub fn drop_group_assignments(
    conn: &Connection,
    connection_id: &str,
    group_id: &str,
    now: i64,
) -> ApiResult<()> {
    let Some(mut c) = get(conn, connection_id)? else {
        return Ok(());
    };
    let kept: Vec<Value> = c.data["scim_group_implicit_role_assignments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["group_id"] != group_id)
        .cloned()
        .collect();
    set(
        &mut c,
        "scim_group_implicit_role_assignments",
        Value::Array(kept),
    );
    save(conn, &c, now)
}

/// Deletes the connection and its groups; the registrations it made end (see
/// `scim_provisioning`).
pub fn delete(conn: &Connection, org: &Value, connection_id: &str) -> ApiResult<()> {
    let c = get_in_org(conn, org, connection_id)?;
    scim_provisioning::forget_connection(conn, c.id())?;
    conn.execute(
        "DELETE FROM scim_connections WHERE connection_id = ?1",
        params![c.id()],
    )?;
    conn.execute(
        "DELETE FROM scim_groups WHERE connection_id = ?1",
        params![c.id()],
    )?;
    sync_org(conn, c.organization_id(), None)
}

/// Removes the connection and groups of an organization (it was deleted).
pub fn delete_organization(conn: &Connection, organization_id: &str) -> ApiResult<()> {
    scim_provisioning::delete_organization(conn, organization_id)?;
    conn.execute(
        "DELETE FROM scim_connections WHERE organization_id = ?1",
        params![organization_id],
    )?;
    conn.execute(
        "DELETE FROM scim_groups WHERE organization_id = ?1",
        params![organization_id],
    )?;
    Ok(())
}

// ------------------------------------------------------------------ rotation

/// Mints the next token; the answer carries it, the only time it is shown.
pub fn rotate_start(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.next_token_hash.is_some() {
        return Err(ApiError::new(
            ErrorType::ScimConnectionAlreadyRotatingToken,
            "A token rotation is already in progress; complete or cancel it first.",
        ));
    }
    let token = mint_token()?;
    let expires = now + TOKEN_LIFETIME_SECS;
    c.next_token_hash = Some(hash_token(&token));
    c.next_token_expires_at = Some(expires);
    set(
        &mut c,
        "next_bearer_token_last_four",
        json!(last_four(&token)),
    );
    set(
        &mut c,
        "next_bearer_token_expires_at",
        json!(rfc3339(expires)),
    );
    save(conn, &c, now)?;
    let mut out = c.data;
    if let Some(o) = out.as_object_mut() {
        o.insert("next_bearer_token".into(), json!(token));
    }
    Ok(out)
}

fn not_rotating() -> ApiError {
    ApiError::new(
        ErrorType::ScimConnectionNotRotatingToken,
        "The SCIM connection has no token rotation in progress.",
    )
}

fn clear_next(c: &mut ScimConnection) {
    c.next_token_hash = None;
    c.next_token_expires_at = None;
    set(c, "next_bearer_token_last_four", json!(""));
    set(c, "next_bearer_token_expires_at", Value::Null);
}

/// The next token becomes the current one; the old one stops working.
pub fn rotate_complete(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    let (Some(hash), Some(expires)) = (c.next_token_hash.clone(), c.next_token_expires_at) else {
        return Err(not_rotating());
    };
    c.token_hash = hash;
    c.token_expires_at = expires;
    let four = c.data["next_bearer_token_last_four"].clone();
    set(&mut c, "bearer_token_last_four", four);
    set(&mut c, "bearer_token_expires_at", json!(rfc3339(expires)));
    clear_next(&mut c);
    save(conn, &c, now)?;
    Ok(c.data)
}

/// Drops the next token; the current one stays.
pub fn rotate_cancel(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.next_token_hash.is_none() {
        return Err(not_rotating());
    }
    clear_next(&mut c);
    save(conn, &c, now)?;
    Ok(c.data)
}

// ------------------------------------------------------------------ SCIM 2.0 side

/// The connection a SCIM request with `Authorization: Bearer {token}` is for: the current token or,
/// during a rotation, the next one, unexpired. Both hashes are always compared, in constant time.
pub fn authenticate_bearer(
    conn: &Connection,
    connection_id: &str,
    token: &str,
    now: i64,
) -> ApiResult<ScimConnection> {
    let refused = || {
        ApiError::new(
            ErrorType::UnauthorizedCredentials,
            "The SCIM bearer token is not valid for this connection.",
        )
    };
    let c = get(conn, connection_id)?.ok_or_else(refused)?;
    let hash = hash_token(token);
    let current = ct_eq(&hash, &c.token_hash) && now < c.token_expires_at;
    let next = match (&c.next_token_hash, c.next_token_expires_at) {
        (Some(h), Some(exp)) => ct_eq(&hash, h) && now < exp,
        _ => false,
    };
    if current | next {
        Ok(c)
    } else {
        Err(refused())
    }
}

// ------------------------------------------------------------------ groups

fn group_name(conn: &Connection, connection_id: &str, group_id: &str) -> ApiResult<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT group_name FROM scim_groups WHERE connection_id = ?1 AND group_id = ?2",
        )?
        .query_row(params![connection_id, group_id], |r| r.get(0))
        .optional()?)
}

#[derive(Debug, Default, Deserialize)]
pub struct GroupsReq {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// `{scim_groups, next_cursor}`: the groups of the organization's connection by `group_id`, from
/// `cursor` (the first id of the page) on.
pub fn groups(conn: &Connection, org: &Value, req: &GroupsReq) -> ApiResult<Value> {
    let c = for_organization(conn, org_id(org))?.ok_or_else(no_active_connection)?;
    let limit = match req.limit {
        None => DEFAULT_GROUP_PAGE,
        Some(n) if (1..=MAX_GROUP_PAGE as i64).contains(&n) => n as usize,
        Some(_) => {
            return Err(invalid(format!(
                "limit must be between 1 and {MAX_GROUP_PAGE}."
            )));
        }
    };
    let mut st = conn.prepare_cached(
        "SELECT group_id, group_name FROM scim_groups WHERE connection_id = ?1 AND group_id >= ?2
         ORDER BY group_id LIMIT ?3",
    )?;
    let mut rows: Vec<(String, String)> = st
        .query_map(
            params![
                c.id(),
                req.cursor.as_deref().unwrap_or(""),
                (limit + 1) as i64
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<_, _>>()?;
    let next_cursor = if rows.len() > limit {
        rows.pop().map(|(id, _)| id)
    } else {
        None
    };
    let groups: Vec<Value> = rows
        .into_iter()
        .map(|(group_id, group_name)| {
            json!({
                "organization_id": c.organization_id(),
                "connection_id": c.id(),
                "group_id": group_id,
                "group_name": group_name,
            })
        })
        .collect();
    Ok(json!({ "scim_groups": groups, "next_cursor": next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::infra::db::migrate(&mut conn).unwrap();
        conn
    }

    fn org() -> Value {
        json!({"organization_id": "organization-test-1"})
    }

    fn created(conn: &Connection) -> (String, String) {
        let c = create(conn, &org(), &CreateReq::default(), "http://emu", NOW).unwrap();
        (
            c["connection_id"].as_str().unwrap().to_owned(),
            c["bearer_token"].as_str().unwrap().to_owned(),
        )
    }

    fn accepts(conn: &Connection, id: &str, token: &str, now: i64) -> bool {
        authenticate_bearer(conn, id, token, now).is_ok()
    }

    #[test]
    fn tokens_are_48_alphanumerics_and_distinct() {
        let a = mint_token().unwrap();
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, mint_token().unwrap());
    }

    #[test]
    fn only_the_hash_is_stored() {
        let conn = db();
        let (id, token) = created(&conn);
        let row: String = conn
            .query_row(
                "SELECT data || token_hash FROM scim_connections WHERE connection_id = ?1",
                params![id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!row.contains(&token));
        assert!(row.contains(&last_four(&token)));
    }

    #[test]
    fn bearer_accepts_current_and_pending_tokens_only() {
        let conn = db();
        let (id, old) = created(&conn);
        assert!(accepts(&conn, &id, &old, NOW));
        assert!(!accepts(&conn, &id, "not-the-token", NOW));
        assert!(!accepts(&conn, "scim-connection-test-other", &old, NOW));
        // An unexpired token only.
        assert!(!accepts(&conn, &id, &old, NOW + TOKEN_LIFETIME_SECS));

        let started = rotate_start(&conn, &org(), &id, NOW + 10).unwrap();
        let new = started["next_bearer_token"].as_str().unwrap().to_owned();
        assert!(accepts(&conn, &id, &old, NOW + 20));
        assert!(accepts(&conn, &id, &new, NOW + 20));

        rotate_cancel(&conn, &org(), &id, NOW + 30).unwrap();
        assert!(accepts(&conn, &id, &old, NOW + 40));
        assert!(!accepts(&conn, &id, &new, NOW + 40));

        let started = rotate_start(&conn, &org(), &id, NOW + 50).unwrap();
        let new = started["next_bearer_token"].as_str().unwrap().to_owned();
        let done = rotate_complete(&conn, &org(), &id, NOW + 60).unwrap();
        assert_eq!(done["bearer_token_last_four"], last_four(&new));
        assert!(!accepts(&conn, &id, &old, NOW + 70));
        assert!(accepts(&conn, &id, &new, NOW + 70));
        // The promoted token keeps the expiry it was minted with.
        assert!(!accepts(&conn, &id, &new, NOW + 50 + TOKEN_LIFETIME_SECS));
    }

    #[test]
    fn group_assignments_name_pushed_groups() {
        let conn = db();
        let (id, _) = created(&conn);
        conn.execute(
            "INSERT INTO scim_groups (group_id, connection_id, organization_id, group_name, created_at)
             VALUES ('g1', ?1, 'organization-test-1', 'Engineering', 0)",
            params![id],
        )
        .unwrap();
        let seed = Seed::default();
        let req = |group: &str| UpdateReq {
            scim_group_implicit_role_assignments: Some(vec![GroupRoleAssignment {
                role_id: "stytch_admin".into(),
                group_id: group.into(),
            }]),
            ..UpdateReq::default()
        };
        let c = update(&conn, &seed, &org(), &id, req("g1"), "http://emu", NOW).unwrap();
        assert_eq!(
            c["scim_group_implicit_role_assignments"],
            json!([{"role_id": "stytch_admin", "group_id": "g1", "group_name": "Engineering"}])
        );
        let e = update(&conn, &seed, &org(), &id, req("g2"), "http://emu", NOW).unwrap_err();
        assert_eq!(
            e.error_type,
            ErrorType::ScimGroupRoleAssignmentGroupDoesNotExist
        );
        let listed = groups(&conn, &org(), &GroupsReq::default()).unwrap();
        assert_eq!(listed["scim_groups"][0]["group_name"], "Engineering");
        assert_eq!(listed["next_cursor"], Value::Null);
    }
}
