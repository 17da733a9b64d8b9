//! The mailbox: every email and text message the emulator "sent", readable through
//! `GET /emulator/v1/messages`. It is the only place a raw token or code ever appears. Emails have
//! `channel: "email"`; texts have `channel: "sms"`, `kind: "sms"`, the E.164 number in `to` and
//! their passcode in `code`.

use crate::error::ApiResult;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use rusqlite::Connection;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

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
    insert(conn, "email", m, now)
}

/// A text message to `phone` (E.164) carrying `code`.
pub fn insert_text(
    conn: &Connection,
    phone: &str,
    body: &str,
    code: &str,
    now: i64,
) -> ApiResult<()> {
    let m = Message {
        to: phone,
        kind: "sms",
        subject: "",
        body,
        link: None,
        token: None,
        code: Some(code),
    };
    insert(conn, "sms", &m, now)
}

fn insert(conn: &Connection, channel: &str, m: &Message<'_>, now: i64) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO messages (message_id, to_addr, channel, kind, subject, body, link, token, code, created_at)
         VALUES (?1, ?2, ?10, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            new_id("message"),
            m.to,
            m.kind,
            m.subject,
            m.body,
            m.link,
            m.token,
            m.code,
            now,
            channel
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
