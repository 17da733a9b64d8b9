//! SQLite access. Organizations and members are stored as their JSON objects plus indexed
//! key columns; tokens are stored only as SHA-256 hashes.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::models::{self, NewMember};
use crate::seed::Seed;
use crate::util::{derived_id, new_id, normalize_email, rfc3339};

/// A member row: the public Member object plus its internal email id.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub data: Value,
    pub email_id: String,
}

impl MemberRow {
    pub fn member_id(&self) -> &str {
        self.data["member_id"].as_str().unwrap_or("")
    }
    pub fn email(&self) -> &str {
        self.data["email_address"].as_str().unwrap_or("")
    }
    pub fn status(&self) -> &str {
        self.data["status"].as_str().unwrap_or("")
    }
}

fn parse(s: String) -> ApiResult<Value> {
    Ok(serde_json::from_str(&s)?)
}

/// Look an organization up by id, or by slug (Stytch accepts a slug wherever an org id is
/// expected, semantics §4).
pub fn get_org(conn: &Connection, id_or_slug: &str) -> ApiResult<Option<Value>> {
    let row: Option<String> = conn
        .prepare_cached(
            "SELECT data FROM organizations WHERE organization_id = ?1 OR slug = ?1 LIMIT 1",
        )?
        .query_row(params![id_or_slug], |r| r.get(0))
        .optional()?;
    row.map(parse).transpose()
}

/// Look an organization up by slug only.
pub fn get_org_by_slug(conn: &Connection, slug: &str) -> ApiResult<Option<Value>> {
    let row: Option<String> = conn
        .query_row(
            "SELECT data FROM organizations WHERE slug = ?1",
            params![slug],
            |r| r.get(0),
        )
        .optional()?;
    row.map(parse).transpose()
}

pub fn list_orgs(conn: &Connection) -> ApiResult<Vec<Value>> {
    let mut st = conn.prepare("SELECT data FROM organizations ORDER BY rowid")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(parse(r?)?);
    }
    Ok(out)
}

/// Insert an organization; `organization_slug_already_used` on a slug clash.
pub fn insert_org(conn: &Connection, org: &Value) -> ApiResult<()> {
    let slug = org["organization_slug"].as_str().unwrap_or("");
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM organizations WHERE slug = ?1 OR organization_id = ?1)",
        params![slug],
        |r| r.get(0),
    )?;
    if taken {
        return Err(ApiError::new(
            400,
            "organization_slug_already_used",
            "The organization_slug is already used by another organization in this project.",
        ));
    }
    conn.execute(
        "INSERT INTO organizations (organization_id, slug, data) VALUES (?1, ?2, ?3)",
        params![
            org["organization_id"].as_str().unwrap_or(""),
            slug,
            org.to_string()
        ],
    )?;
    Ok(())
}

pub fn get_member(conn: &Connection, member_id: &str) -> ApiResult<Option<MemberRow>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT data, email_id FROM members WHERE member_id = ?1")?
        .query_row(params![member_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(d, e)| {
        Ok(MemberRow {
            data: parse(d)?,
            email_id: e,
        })
    })
    .transpose()
}

/// The stored JSON of a member and of its organization (by id or slug, like [`get_org`]), read
/// together; `None` when either is missing.
pub fn owner_json(
    conn: &Connection,
    member_id: &str,
    org_id_or_slug: &str,
) -> ApiResult<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.data, o.data FROM members m, organizations o
             WHERE m.member_id = ?1 AND (o.organization_id = ?2 OR o.slug = ?2) LIMIT 1",
        )?
        .query_row(params![member_id, org_id_or_slug], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

pub fn find_member(conn: &Connection, org_id: &str, email: &str) -> ApiResult<Option<MemberRow>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT data, email_id FROM members WHERE organization_id = ?1 AND email = ?2",
        )?
        .query_row(params![org_id, email], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(d, e)| {
        Ok(MemberRow {
            data: parse(d)?,
            email_id: e,
        })
    })
    .transpose()
}

/// Insert a member; `duplicate_member_email` if the org already has that email.
pub fn insert_member(conn: &Connection, m: &MemberRow) -> ApiResult<()> {
    let org_id = m.data["organization_id"].as_str().unwrap_or("");
    if find_member(conn, org_id, m.email())?.is_some() {
        return Err(ApiError::new(
            400,
            "duplicate_member_email",
            "A Member with that email address already exists in this organization.",
        ));
    }
    conn.execute(
        "INSERT INTO members (member_id, organization_id, email, email_id, data)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            m.member_id(),
            org_id,
            m.email(),
            m.email_id,
            m.data.to_string()
        ],
    )?;
    Ok(())
}

pub fn update_member(conn: &Connection, m: &MemberRow) -> ApiResult<()> {
    conn.execute(
        "UPDATE members SET data = ?2 WHERE member_id = ?1",
        params![m.member_id(), m.data.to_string()],
    )?;
    Ok(())
}

/// A message the emulator "sent" (visible through the control API).
pub struct Message<'a> {
    pub to: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub token: Option<&'a str>,
    pub code: Option<&'a str>,
}

pub fn insert_message(conn: &Connection, m: &Message<'_>, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO messages (message_id, to_addr, channel, kind, subject, body, link, token, code, created_at)
         VALUES (?1, ?2, 'email', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            new_id("message"),
            m.to,
            m.kind,
            m.subject,
            m.body,
            m.link,
            m.token,
            m.code,
            now
        ],
    )?;
    Ok(())
}

/// Messages newest first, optionally only those sent to `to` (case-insensitive).
pub fn list_messages(conn: &Connection, to: Option<&str>) -> ApiResult<Vec<Value>> {
    let mut st = conn.prepare(
        "SELECT message_id, to_addr, channel, kind, subject, body, link, token, code, created_at
         FROM messages WHERE (?1 IS NULL OR to_addr = lower(?1)) ORDER BY seq DESC",
    )?;
    let rows = st.query_map(params![to], |r| {
        Ok(json!({
            "message_id": r.get::<_, String>(0)?,
            "to": r.get::<_, String>(1)?,
            "channel": r.get::<_, String>(2)?,
            "kind": r.get::<_, String>(3)?,
            "subject": r.get::<_, String>(4)?,
            "body": r.get::<_, String>(5)?,
            "link": r.get::<_, Option<String>>(6)?,
            "token": r.get::<_, Option<String>>(7)?,
            "code": r.get::<_, Option<String>>(8)?,
            "created_at": rfc3339(r.get::<_, i64>(9)?),
        }))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Create the seed's organizations and members.
pub fn apply_seed(conn: &Connection, seed: &Seed, now: i64) -> ApiResult<()> {
    let project_id = seed.project.project_id.as_deref().unwrap_or("");
    for o in &seed.organizations {
        let slug_hint = o
            .settings
            .organization_slug
            .clone()
            .or_else(|| o.settings.organization_name.clone())
            .unwrap_or_default();
        let org_id = o
            .organization_id
            .clone()
            .unwrap_or_else(|| derived_id("organization", &[project_id, &slug_hint]));
        let org = models::new_organization(&o.settings, &org_id, now)?;
        insert_org(conn, &org)?;
        for m in &o.members {
            let email = normalize_email(&m.email_address)?;
            let roles: Vec<String> = m
                .roles
                .iter()
                .filter(|r| *r != "stytch_member")
                .cloned()
                .collect();
            models::validate_roles(seed, &roles)?;
            if !["active", "pending", "invited"].contains(&m.status.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "member status must be active, pending or invited, not {}",
                    m.status
                )));
            }
            let member_id = m
                .member_id
                .clone()
                .unwrap_or_else(|| derived_id("member", &[&org_id, &email]));
            let data = models::new_member(
                &NewMember {
                    organization_id: &org_id,
                    member_id: &member_id,
                    email: &email,
                    name: &m.name,
                    roles: &roles,
                    status: &m.status,
                    email_address_verified: m.email_address_verified,
                    is_breakglass: m.is_breakglass,
                    trusted_metadata: json!({}),
                    untrusted_metadata: json!({}),
                    external_id: "",
                    mfa_phone_number: "",
                    mfa_enrolled: false,
                },
                now,
            );
            let email_id = derived_id("email", &[&member_id, &email]);
            let mut row = MemberRow { data, email_id };
            insert_member(conn, &row)?;
            if let Some(pw) = &m.password {
                crate::sdk_passwords::set_password(conn, &mut row, pw, now)?;
            }
        }
    }
    Ok(())
}
