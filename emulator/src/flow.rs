//! What every primary login factor shares: intermediate session tokens (ISTs), the org-level
//! checks a primary authentication must pass (`auth_methods`, `mfa_policy`), the step from
//! "primary factor proven" to a session or an IST, discovered organizations, member
//! provisioning and the small request helpers of the SDK surface.
//!
//! Decisions where the references are silent (semantics §2.2, §3.3, §3.4):
//! * an IST is 44 CSPRNG characters, stored as SHA-256, valid 10 minutes. It is consumed when it
//!   is exchanged (`discovery/intermediate_sessions/exchange`, `discovery/organizations/create`)
//!   or used for a step-up in an org-specific authenticate; `discovery/organizations` only reads it;
//! * an IST is either *discovery* (no organization: from a discovery authenticate) or bound to
//!   one organization (issued because that organization needs another primary factor or MFA).
//!   Using a bound IST for another organization → 400
//!   `invalid_intermediate_session_token_for_organization`; unknown, expired or used → 404
//!   `intermediate_session_not_found`; none at all where one is required → the same 404;
//! * an org-specific authenticate that carries a valid IST (step-up after `primary_required`)
//!   merges the IST's factors into the new session and consumes it. The IST must belong to the
//!   same email address (else `invalid_intermediate_session_token_for_organization`);
//! * `auth_methods: RESTRICTED`: an org-specific send/authenticate with a method outside
//!   `allowed_auth_methods` → 403 `operation_restricted_by_organization_auth_methods`
//!   (break-glass members are exempt); in discovery (exchange, session exchange, list) it gives
//!   `member_authenticated:false` + `primary_required {allowed_auth_methods}` and an IST bound to
//!   the organization;
//! * a primary factor that did not verify the email (password, or a password login of another
//!   member) is not enough to enter an organization through discovery: `primary_required` with
//!   the email-verifying methods (`email_otp`, `magic_link`) the organization allows;
//! * `mfa_policy: REQUIRED_FOR_ALL`: after the primary factor the answer is
//!   `member_authenticated:false`, `mfa_required {member_options:null,
//!   secondary_auth_initiated:null}` and an IST bound to the organization (MFA itself is not
//!   emulated yet);
//! * joining by email domain needs an email verified by the discovery factor; a join whose
//!   factor did not verify the email creates the member as `pending` and answers
//!   `primary_required`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::{Value, json};

use crate::Inner;
use crate::error::{ApiError, ApiResult};
use crate::extract::basic_auth;
use crate::models::{self, NewMember};
use crate::session::{self, SessionRow};
use crate::store::{self, MemberRow};
use crate::util::{
    ct_eq, derived_id, email_domain, hash_token, new_id, pkce_challenge, random_token, request_id,
    rfc3339,
};

pub type St = State<Arc<Inner>>;

/// IST lifetime (semantics §4).
pub const IST_LIFETIME_SECS: i64 = 10 * 60;

/// Tables of the login factors (appended to the crate schema).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS email_otps (
    id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    salt TEXT NOT NULL, code_hash TEXT NOT NULL, expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS member_passwords (
    member_id TEXT PRIMARY KEY, member_password_id TEXT NOT NULL, hash TEXT NOT NULL,
    created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS password_resets (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    member_id TEXT NOT NULL, pkce_challenge TEXT, expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS discovery_magic_links (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, pkce_challenge TEXT,
    expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS intermediate_sessions (
    token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, organization_id TEXT NOT NULL,
    factors TEXT NOT NULL, email_verified INTEGER NOT NULL, password_member_ids TEXT NOT NULL,
    expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
";

/// Statements that wipe these tables (for `POST /emulator/v1/reset`).
pub const RESET: &str = "DELETE FROM email_otps; DELETE FROM member_passwords;
    DELETE FROM password_resets; DELETE FROM discovery_magic_links;
    DELETE FROM intermediate_sessions;";

// ------------------------------------------------------------------ request helpers

/// `{"data": {request_id, status_code: 200, ...fields}}`.
pub fn ok(mut fields: Value) -> Response {
    if let Some(o) = fields.as_object_mut() {
        o.insert("request_id".into(), json!(request_id()));
        o.insert("status_code".into(), json!(200));
    }
    ok_data(fields, 1024)
}

/// The SDK surface's success envelope.
#[derive(Serialize)]
struct Data<T> {
    data: T,
}

/// `{"data": answer}`, for a typed answer that carries its own `request_id` and `status_code`
/// (e.g. [`session::AuthAnswer`]); `capacity`: the expected size of the body.
pub fn ok_data<T: Serialize>(answer: T, capacity: usize) -> Response {
    json_response(&Data { data: answer }, capacity)
}

/// `200`, `content-type: application/json`, `body` (what axum's `Json` answers), serialized
/// into a buffer of `capacity` bytes instead of regrowing one from 128 bytes.
pub fn json_response<T: Serialize>(body: &T, capacity: usize) -> Response {
    let mut buf = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut buf, body) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            buf,
        )
            .into_response(),
        Err(e) => {
            eprintln!("stytch-emulator: cannot serialize an answer: {e}");
            ApiError::internal().into_response()
        }
    }
}

/// Checks the public token; returns the session token part when it is not the public token.
pub fn sdk_auth(inner: &Inner, headers: &HeaderMap) -> ApiResult<Option<String>> {
    let (user, pass) = basic_auth(headers).ok_or_else(ApiError::unauthorized)?;
    if !ct_eq(&user, &inner.project.public_token) {
        return Err(ApiError::unauthorized());
    }
    if pass.is_empty() || pass == user {
        Ok(None)
    } else {
        Ok(Some(pass))
    }
}

/// The header's session token (401 when it carries none).
pub fn session_token(inner: &Inner, headers: &HeaderMap) -> ApiResult<String> {
    sdk_auth(inner, headers)?.ok_or_else(ApiError::unauthorized)
}

/// The header's live session and its raw token.
pub fn require_session(
    inner: &Inner,
    conn: &Connection,
    headers: &HeaderMap,
) -> ApiResult<(SessionRow, String)> {
    let token = session_token(inner, headers)?;
    let row =
        session::by_token(conn, &token, inner.now())?.ok_or_else(ApiError::session_not_found)?;
    Ok((row, token))
}

pub fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(512)
        .collect()
}

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

/// Expiration minutes within `min..=max` (default `default`) → 400 `invalid_expiration`.
pub fn expiration(v: Option<i64>, default: i64, min: i64, max: i64) -> ApiResult<i64> {
    let m = v.unwrap_or(default);
    if !(min..=max).contains(&m) {
        return Err(ApiError::new(
            400,
            "invalid_expiration",
            format!("Expiration minutes must be between {min} and {max}."),
        ));
    }
    Ok(m)
}

/// A PKCE challenge as sent (43 base64url characters), `None` when absent or empty;
/// `required` without one → 400 `invalid_pkce_code_challenge`.
pub fn pkce_challenge_param(c: Option<String>, required: bool) -> ApiResult<Option<String>> {
    let c = c.filter(|c| !c.is_empty());
    if let Some(c) = &c
        && (c.len() != 43
            || !c
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
    {
        return Err(ApiError::new(
            400,
            "invalid_pkce_code_challenge",
            "The PKCE code challenge must be base64url(SHA-256(verifier)) without padding.",
        ));
    }
    if required && c.is_none() {
        return Err(ApiError::new(
            400,
            "invalid_pkce_code_challenge",
            "This project requires PKCE for this flow: a code challenge is required.",
        ));
    }
    Ok(c)
}

/// Checks a verifier against a stored challenge (same rules as magic links): stored but none
/// sent → `pkce_expected_code_verifier`; wrong → `pkce_mismatch`; sent but nothing stored →
/// `pkce_did_not_expect_code_verifier`. All 400, none consumes the token.
pub fn pkce_verify(challenge: Option<&str>, verifier: Option<&str>) -> ApiResult<()> {
    let verifier = verifier.filter(|v| !v.is_empty());
    match (challenge, verifier) {
        (Some(_), None) => Err(ApiError::new(
            400,
            "pkce_expected_code_verifier",
            "This token was issued with a PKCE code challenge: a pkce code verifier is required.",
        )),
        (Some(c), Some(v)) if !ct_eq(&pkce_challenge(v), c) => Err(ApiError::new(
            400,
            "pkce_mismatch",
            "The PKCE code verifier does not match the code challenge.",
        )),
        (None, Some(_)) => Err(ApiError::new(
            400,
            "pkce_did_not_expect_code_verifier",
            "A PKCE code verifier was sent but the token was issued without a code challenge.",
        )),
        _ => Ok(()),
    }
}

pub fn org_id(org: &Value) -> &str {
    org["organization_id"].as_str().unwrap_or("")
}

// ------------------------------------------------------------------ factors

/// An authentication factor with an `email_factor` (magic link, email OTP, password).
pub fn email_factor(
    kind: &str,
    delivery_method: &str,
    email_id: &str,
    email: &str,
    now: i64,
) -> Value {
    let ts = rfc3339(now);
    json!({
        "type": kind,
        "delivery_method": delivery_method,
        "email_factor": {"email_id": email_id, "email_address": email},
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "PRIMARY",
    })
}

/// The email id used in factors before a member exists (discovery): stable per address.
pub fn discovery_email_id(email: &str) -> String {
    derived_id("email", &["discovery", email])
}

/// The `allowed_auth_methods` name of a factor type.
fn method_of(factor: &Value) -> Option<&'static str> {
    match factor["type"].as_str()? {
        "magic_link" => Some("magic_link"),
        "email_otp" => Some("email_otp"),
        "password" => Some("password"),
        _ => None,
    }
}

/// Adds `factor`, replacing an older one of the same type and delivery method.
pub fn merge_factor(factors: &mut Vec<Value>, factor: Value) {
    factors.retain(|f| {
        !(f["type"] == factor["type"] && f["delivery_method"] == factor["delivery_method"])
    });
    factors.push(factor);
}

// ------------------------------------------------------------------ org checks

fn restricted_methods(org: &Value) -> Option<Vec<String>> {
    if org["auth_methods"] != "RESTRICTED" {
        return None;
    }
    Some(
        org["allowed_auth_methods"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

fn is_breakglass(member: Option<&MemberRow>) -> bool {
    member.is_some_and(|m| m.data["is_breakglass"] == true)
}

/// Org-specific flows: 403 `operation_restricted_by_organization_auth_methods` when the
/// organization restricts its methods and `method` is not among them (break-glass exempt).
pub fn check_auth_method(org: &Value, member: Option<&MemberRow>, method: &str) -> ApiResult<()> {
    match restricted_methods(org) {
        Some(allowed) if !is_breakglass(member) && !allowed.iter().any(|m| m == method) => {
            Err(ApiError::new(
                403,
                "operation_restricted_by_organization_auth_methods",
                format!("This organization does not allow the {method} authentication method."),
            )
            .with_details(json!({"allowed_auth_methods": allowed})))
        }
        _ => Ok(()),
    }
}

// ------------------------------------------------------------------ grants and ISTs

/// What a caller has proven so far: the factors, for which email, and whether that email is
/// verified (or, for password logins, which members' passwords matched).
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub email: String,
    pub factors: Vec<Value>,
    pub email_verified: bool,
    pub password_member_ids: Vec<String>,
}

/// A stored IST.
#[derive(Debug, Clone)]
pub struct Ist {
    pub token_hash: String,
    /// `""` for a discovery IST.
    pub organization_id: String,
    pub grant: Grant,
}

/// Stores a new IST; returns the raw token.
pub fn create_ist(
    conn: &Connection,
    grant: &Grant,
    organization_id: &str,
    now: i64,
) -> ApiResult<String> {
    let token = random_token()?;
    conn.execute(
        "INSERT INTO intermediate_sessions (token_hash, email, organization_id, factors,
            email_verified, password_member_ids, expires_at, used, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
        params![
            hash_token(&token),
            grant.email,
            organization_id,
            Value::Array(grant.factors.clone()).to_string(),
            grant.email_verified,
            json!(grant.password_member_ids).to_string(),
            now + IST_LIFETIME_SECS,
            now
        ],
    )?;
    Ok(token)
}

fn ist_not_found() -> ApiError {
    ApiError::new(
        404,
        "intermediate_session_not_found",
        "The intermediate session token could not be found, has expired or was already used.",
    )
}

pub fn wrong_org_ist() -> ApiError {
    ApiError::new(
        400,
        "invalid_intermediate_session_token_for_organization",
        "The intermediate session token cannot be used for this organization.",
    )
}

/// A live IST by raw token (404 `intermediate_session_not_found` otherwise).
pub fn load_ist(conn: &Connection, token: Option<&str>, now: i64) -> ApiResult<Ist> {
    let token = token.filter(|t| !t.is_empty()).ok_or_else(ist_not_found)?;
    let hash = hash_token(token);
    type Row = (String, String, String, bool, String, i64, i64);
    let row: Option<Row> = conn
        .query_row(
            "SELECT email, organization_id, factors, email_verified, password_member_ids,
                    expires_at, used FROM intermediate_sessions WHERE token_hash = ?1",
            [&hash],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    let (email, organization_id, factors, email_verified, pw, expires_at, used) =
        row.ok_or_else(ist_not_found)?;
    if used != 0 || expires_at <= now {
        return Err(ist_not_found());
    }
    let factors = match serde_json::from_str::<Value>(&factors)? {
        Value::Array(a) => a,
        _ => Vec::new(),
    };
    Ok(Ist {
        token_hash: hash,
        organization_id,
        grant: Grant {
            email,
            factors,
            email_verified,
            password_member_ids: serde_json::from_str(&pw)?,
        },
    })
}

/// Marks an IST used (single use); a concurrent second use → `intermediate_session_not_found`.
pub fn consume_ist(conn: &Connection, ist: &Ist) -> ApiResult<()> {
    let n = conn.execute(
        "UPDATE intermediate_sessions SET used = 1 WHERE token_hash = ?1 AND used = 0",
        [&ist.token_hash],
    )?;
    if n != 1 {
        return Err(ist_not_found());
    }
    Ok(())
}

/// An org-specific authenticate with an optional IST (step-up): validates it for `org` and
/// `member`, consumes it, and returns its factors to merge.
pub fn step_up_factors(
    conn: &Connection,
    ist: Option<&str>,
    org: &Value,
    member: &MemberRow,
    now: i64,
) -> ApiResult<Vec<Value>> {
    let Some(token) = ist.filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    let ist = load_ist(conn, Some(token), now)?;
    if (!ist.organization_id.is_empty() && ist.organization_id != org_id(org))
        || ist.grant.email != member.email()
    {
        return Err(wrong_org_ist());
    }
    consume_ist(conn, &ist)?;
    Ok(ist.grant.factors)
}

// ------------------------------------------------------------------ conclusion

/// Email-verifying methods the organization allows (for `primary_required`).
fn verifying_methods(org: &Value) -> Vec<String> {
    let all = ["email_otp", "magic_link"];
    match restricted_methods(org) {
        Some(allowed) => {
            let v: Vec<String> = all
                .iter()
                .filter(|m| allowed.iter().any(|a| a == *m))
                .map(|m| m.to_string())
                .collect();
            if v.is_empty() { allowed } else { v }
        }
        None => all.iter().map(|m| m.to_string()).collect(),
    }
}

/// `None` when the grant is a sufficient primary authentication for `member` in `org`,
/// otherwise the `primary_required` object.
pub fn primary_requirement(
    org: &Value,
    member: Option<&MemberRow>,
    grant: &Grant,
) -> Option<Value> {
    if let Some(allowed) = restricted_methods(org)
        && !is_breakglass(member)
        && !grant
            .factors
            .iter()
            .filter_map(method_of)
            .any(|m| allowed.iter().any(|a| a == m))
    {
        return Some(json!({ "allowed_auth_methods": allowed }));
    }
    let verified = grant.email_verified
        || member.is_some_and(|m| {
            grant
                .password_member_ids
                .iter()
                .any(|id| id == m.member_id())
        });
    if !verified {
        return Some(json!({ "allowed_auth_methods": verifying_methods(org) }));
    }
    None
}

fn mfa_required(org: &Value) -> bool {
    org["mfa_policy"] == "REQUIRED_FOR_ALL"
}

/// The auth response fields when no session is issued.
fn pending_fields(
    member: &MemberRow,
    org: &Value,
    ist: &str,
    primary: Option<Value>,
    mfa: bool,
) -> Value {
    json!({
        "member_id": member.member_id(),
        "member_session": null,
        "session_token": "",
        "session_jwt": "",
        "member": member.data,
        "organization": org,
        "organization_id": org_id(org),
        "intermediate_session_token": ist,
        "member_authenticated": false,
        "mfa_required": if mfa { json!({"member_options": null, "secondary_auth_initiated": null}) } else { Value::Null },
        "primary_required": primary.unwrap_or(Value::Null),
    })
}

/// Turns a proven primary factor into the answer of an authenticate call: a session, or an IST
/// bound to `org` with `primary_required` / `mfa_required` (see the module docs). On success
/// the member becomes `active` (and email-verified when the grant verified the email).
#[allow(clippy::too_many_arguments)]
pub fn conclude(
    inner: &Inner,
    conn: &Connection,
    headers: &HeaderMap,
    org: &Value,
    mut member: MemberRow,
    grant: &Grant,
    duration_min: i64,
    now: i64,
) -> ApiResult<Value> {
    if let Some(primary) = primary_requirement(org, Some(&member), grant) {
        let ist = create_ist(conn, grant, org_id(org), now)?;
        return Ok(pending_fields(&member, org, &ist, Some(primary), false));
    }
    if let Some(o) = member.data.as_object_mut() {
        o.insert("status".into(), json!("active"));
        if grant.email_verified {
            o.insert("email_address_verified".into(), json!(true));
        }
        o.insert("updated_at".into(), json!(rfc3339(now)));
    }
    store::update_member(conn, &member)?;
    if mfa_required(org) {
        let ist = create_ist(conn, grant, org_id(org), now)?;
        return Ok(pending_fields(&member, org, &ist, None, true));
    }
    let mut factors = grant.factors.clone();
    let first = factors.pop().unwrap_or(Value::Null);
    let (mut row, token) = session::create(
        conn,
        &member,
        first.clone(),
        duration_min,
        &user_agent(headers),
        now,
    )?;
    if !factors.is_empty() {
        factors.push(first);
        row.factors = serde_json::value::to_raw_value(&factors)?;
        conn.execute(
            "UPDATE sessions SET factors = ?2 WHERE member_session_id = ?1",
            params![row.member_session_id, row.factors.get()],
        )?;
    }
    let owner = session::Owner::from_values(&member.data, org)?;
    let jwt = session::mint_jwt(inner, &row, &owner, now)?;
    let mut fields = serde_json::to_value(session::auth_answer(&row, &token, &jwt, &owner))?;
    if let Some(o) = fields.as_object_mut() {
        o.insert("organization_id".into(), json!(org_id(org)));
        o.insert("intermediate_session_token".into(), json!(""));
        o.insert("member_authenticated".into(), json!(true));
        o.insert("mfa_required".into(), Value::Null);
        o.insert("primary_required".into(), Value::Null);
    }
    Ok(fields)
}

// ------------------------------------------------------------------ members

/// The member for `email` in `org`, created as `pending` when the organization's email JIT
/// rules allow it (same rules as magic-link login_or_signup). Returns `(member, created)`.
/// A deleted member → 400 `action_available_only_for_active_members`.
pub fn member_or_provision(
    conn: &Connection,
    org: &Value,
    email: &str,
    now: i64,
) -> ApiResult<(MemberRow, bool)> {
    let oid = org_id(org);
    if let Some(m) = store::find_member(conn, oid, email)? {
        if m.status() == "deleted" {
            return Err(ApiError::new(
                400,
                "action_available_only_for_active_members",
                "This Member has been deleted.",
            ));
        }
        return Ok((m, false));
    }
    if org["email_jit_provisioning"] != "RESTRICTED" {
        return Err(ApiError::new(
            403,
            "email_jit_provisioning_not_allowed",
            "This organization does not allow JIT provisioning by email.",
        ));
    }
    if !domain_allowed(org, email) {
        return Err(ApiError::new(
            403,
            "invalid_email_for_jit_provisioning",
            "The email domain is not one of the organization's allowed domains for JIT provisioning.",
        )
        .with_details(json!({
            "email_address": email,
            "email_domain": email_domain(email),
            "email_allowed_domains": org["email_allowed_domains"],
        })));
    }
    Ok((
        insert_member(conn, oid, email, &[], "pending", false, now)?,
        true,
    ))
}

fn domain_allowed(org: &Value, email: &str) -> bool {
    let domain = email_domain(email);
    org["email_allowed_domains"]
        .as_array()
        .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(domain)))
}

pub fn insert_member(
    conn: &Connection,
    org_id: &str,
    email: &str,
    roles: &[String],
    status: &str,
    verified: bool,
    now: i64,
) -> ApiResult<MemberRow> {
    let member_id = new_id("member");
    let data = models::new_member(
        &NewMember {
            organization_id: org_id,
            member_id: &member_id,
            email,
            name: "",
            roles,
            status,
            email_address_verified: verified,
            is_breakglass: false,
            trusted_metadata: json!({}),
            untrusted_metadata: json!({}),
            external_id: "",
            mfa_phone_number: "",
            mfa_enrolled: false,
        },
        now,
    );
    let row = MemberRow {
        data,
        email_id: new_id("email"),
    };
    store::insert_member(conn, &row)?;
    Ok(row)
}

/// Non-deleted members with this email, across organizations.
pub fn members_by_email(conn: &Connection, email: &str) -> ApiResult<Vec<MemberRow>> {
    let mut st = conn.prepare("SELECT member_id FROM members WHERE email = ?1 ORDER BY rowid")?;
    let ids: Vec<String> = st
        .query_map([email], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(m) = store::get_member(conn, &id)?
            && m.status() != "deleted"
        {
            out.push(m);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ discovery

/// Is `org` joinable by `email`'s domain (semantics §3.4): JIT RESTRICTED, the domain allowed,
/// and at least one member with a verified email on that domain.
pub fn eligible_by_domain(conn: &Connection, org: &Value, email: &str) -> ApiResult<bool> {
    if org["email_jit_provisioning"] != "RESTRICTED" || !domain_allowed(org, email) {
        return Ok(false);
    }
    let pattern = format!("%@{}", email_domain(email));
    let mut st =
        conn.prepare("SELECT data FROM members WHERE organization_id = ?1 AND email LIKE ?2")?;
    let rows: Vec<String> = st
        .query_map(params![org_id(org), pattern], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for d in rows {
        let m: Value = serde_json::from_str(&d)?;
        if m["email_address_verified"] == true && m["status"] != "deleted" {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `discovered_organizations` for `grant.email`. `include_eligible` is true with an IST and
/// false with a session (semantics §3.4).
pub fn discovered_organizations(
    conn: &Connection,
    grant: &Grant,
    include_eligible: bool,
) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for org in store::list_orgs(conn)? {
        let member = store::find_member(conn, org_id(&org), &grant.email)?;
        let (kind, member) = match member {
            Some(m) => match m.status() {
                "active" => ("active_member", Some(m)),
                "pending" => ("pending_member", Some(m)),
                "invited" => ("invited_member", Some(m)),
                _ => continue,
            },
            None if include_eligible && eligible_by_domain(conn, &org, &grant.email)? => {
                ("eligible_to_join_by_email_domain", None)
            }
            None => continue,
        };
        let primary = primary_requirement(&org, member.as_ref(), grant);
        let mfa = primary.is_none() && mfa_required(&org);
        let details = if kind == "eligible_to_join_by_email_domain" {
            json!({"domain": email_domain(&grant.email)})
        } else {
            Value::Null
        };
        out.push(json!({
            "organization": org,
            "membership": {
                "type": kind,
                "details": details,
                "member": member.as_ref().map(|m| m.data.clone()),
            },
            "member_authenticated": primary.is_none() && !mfa,
            "primary_required": primary,
            "mfa_required": if mfa { json!({"member_options": null, "secondary_auth_initiated": null}) } else { Value::Null },
        }));
    }
    Ok(out)
}

/// The answer of a discovery authenticate: a new discovery IST plus the organizations.
pub fn discovery_response(conn: &Connection, grant: &Grant, now: i64) -> ApiResult<Value> {
    let ist = create_ist(conn, grant, "", now)?;
    Ok(json!({
        "intermediate_session_token": ist,
        "email_address": grant.email,
        "discovered_organizations": discovered_organizations(conn, grant, true)?,
        "organization_id_hint": null,
    }))
}

/// The grant a live session represents (for `discovery/organizations` and `sessions/exchange`).
pub fn session_grant(row: &SessionRow, member: &MemberRow) -> Grant {
    let factors = row.factor_list();
    let email_verified = factors
        .iter()
        .any(|f| matches!(f["type"].as_str(), Some("magic_link" | "email_otp")));
    let password = factors.iter().any(|f| f["type"] == "password");
    Grant {
        email: member.email().to_string(),
        factors,
        email_verified,
        password_member_ids: if password {
            vec![member.member_id().to_string()]
        } else {
            Vec::new()
        },
    }
}
