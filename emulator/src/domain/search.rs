//! Organization and Member administration shared by the SDK surface (`sdk_admin`) and the backend
//! surface (`backend_admin`): validation, RBAC, status transitions, search.
//!
//! Decisions where Stytch does not document the behaviour (each is also noted where it is implemented):
//! * a Member of another organization, or a `deleted` Member targeted by anything but
//!   reactivate/search → 404 `member_not_found` (no cross-tenant leak);
//! * changing `email_address` (member update, or the email-update link) retires the old address
//!   into `retired_email_addresses` (unless `unlink_email: true`) and marks the new one
//!   unverified until a verifying login; an address used by another Member → 400
//!   `duplicate_member_email`, one retired by another Member → 400 `retired_member_email`;
//! * `members.delete` sets `deleted`, revokes the Member's sessions and unused links;
//!   `reactivate` on a non-deleted Member → 404 `no_deleted_member_found_for_reactivation`, on an
//!   unverified email → 400 `email_unverified_for_reactivation`;
//! * invite of a `deleted` Member makes it `invited` again (it needs `stytch.member`/`create`, the
//!   same permission as reactivate); of an `active` one → 400 `duplicate_member_email`;
//!   `email_invites: NOT_ALLOWED`, or `RESTRICTED` with a domain outside `email_allowed_domains`
//!   → 400 `invalid_email_for_invites`;
//! * `start_email_update` supports `EMAIL_MAGIC_LINK` (default) only; the link is valid 5 minutes
//!   and completes through `magic_links/authenticate`;
//! * search: keyset pagination on `(created_at, member_id)`; the cursor is base64url JSON and
//!   opaque; a cursor that does not decode → 400 `bad_request`; `limit` outside 1..=1000 → 400
//!   `invalid_argument`; `deleted` Members are returned only when a `statuses` filter asks for them;
//! * organization update: the connected-apps fields have no documented action and need
//!   `stytch.organization` / `update.settings.connected-apps` (so only a `*` grant passes); no SSO
//!   connections are emulated, so a non-empty `sso_default_connection_id` → 400
//!   `invalid_sso_default_connection_id` and a non-empty `sso_jit_provisioning_allowed_connections`
//!   → 400 `invalid_connection_for_jit_provisioning`; `trusted_metadata` from the SDK → 401
//!   `cannot_update_trusted_metadata`.

use crate::domain::members::role_ids;
use crate::domain::organizations::org_id;
use crate::domain::rbac;
use crate::domain::rbac::Actor;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::seed::Seed;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::Connection;
use rusqlite::params;
use serde::Deserialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

// ------------------------------------------------------------------ search

#[derive(Debug, Default, Deserialize)]
pub struct SearchReq {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub query: Option<SearchQuery>,
    /// Backend only.
    pub organization_ids: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    pub operator: String,
    #[serde(default)]
    pub operands: Vec<Value>,
}

enum Filter {
    Ids(Vec<String>),
    Emails(Vec<String>),
    EmailFuzzy(String),
    Breakglass(bool),
    Statuses(Vec<String>),
    Phones(Vec<String>),
    PhoneFuzzy(String),
    PasswordExists(bool),
    Roles(Vec<String>),
}

fn search_err(t: ErrorType, m: impl Into<String>) -> ApiError {
    ApiError::new(t, m)
}

fn parse_filter(op: &Value) -> ApiResult<Filter> {
    let name = match op.get("filter_name") {
        None | Some(Value::Null) => {
            return Err(search_err(
                ErrorType::MemberSearchMissingFilterName,
                "Each operand needs a filter_name.",
            ));
        }
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(search_err(
                ErrorType::MemberSearchFilterNameMustBeString,
                "filter_name must be a string.",
            ));
        }
    };
    let value = match op.get("filter_value") {
        None | Some(Value::Null) => {
            return Err(search_err(
                ErrorType::MemberSearchMissingFilterValue,
                format!("The {name} filter needs a filter_value."),
            ));
        }
        Some(v) => v,
    };
    let strings = || -> ApiResult<Vec<String>> {
        value
            .as_array()
            .and_then(|a| {
                a.iter()
                    .map(|x| x.as_str().map(String::from))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                search_err(
                    ErrorType::MemberSearchExpectedArrayOfStrings,
                    format!("The {name} filter expects an array of strings."),
                )
            })
    };
    let boolean = || -> ApiResult<bool> {
        value.as_bool().ok_or_else(|| {
            search_err(
                ErrorType::MemberSearchExpectedBoolean,
                format!("The {name} filter expects a boolean."),
            )
        })
    };
    let fuzzy = |too_short: ErrorType| -> ApiResult<String> {
        let s = value.as_str().ok_or_else(|| {
            search_err(
                ErrorType::MemberSearchExpectedString,
                format!("The {name} filter expects a string."),
            )
        })?;
        if s.chars().count() < 3 {
            return Err(search_err(
                too_short,
                format!("The {name} filter needs at least 3 characters."),
            ));
        }
        Ok(s.to_lowercase())
    };
    Ok(match name {
        "member_ids" => Filter::Ids(strings()?),
        "member_emails" => Filter::Emails(
            strings()?
                .iter()
                .map(|e| e.trim().to_ascii_lowercase())
                .collect(),
        ),
        "member_email_fuzzy" => {
            Filter::EmailFuzzy(fuzzy(ErrorType::MemberSearchMemberEmailFuzzyTooShort)?)
        }
        "member_is_breakglass" => Filter::Breakglass(boolean()?),
        "statuses" => {
            let s = strings()?;
            if let Some(bad) = s
                .iter()
                .find(|x| !["active", "pending", "invited", "deleted"].contains(&x.as_str()))
            {
                return Err(search_err(
                    ErrorType::SearchInvalidStatusFilter,
                    format!("{bad} is not a Member status (active, pending, invited, deleted)."),
                ));
            }
            Filter::Statuses(s)
        }
        "member_mfa_phone_numbers" => Filter::Phones(strings()?),
        "member_mfa_phone_number_fuzzy" => Filter::PhoneFuzzy(fuzzy(
            ErrorType::MemberSearchMemberMfaPhoneNumberFuzzyTooShort,
        )?),
        "member_password_exists" => Filter::PasswordExists(boolean()?),
        "member_roles" => Filter::Roles(strings()?),
        other => {
            return Err(search_err(
                ErrorType::MemberSearchFilterNameNotRecognized,
                format!("{other} is not a member search filter."),
            ));
        }
    })
}

fn matches(f: &Filter, m: &Value) -> bool {
    let s = |k: &str| m[k].as_str().unwrap_or("").to_string();
    match f {
        Filter::Ids(v) => v.contains(&s("member_id")),
        Filter::Emails(v) => v.contains(&s("email_address")),
        Filter::EmailFuzzy(q) => s("email_address").to_lowercase().contains(q.as_str()),
        Filter::Breakglass(b) => m["is_breakglass"].as_bool() == Some(*b),
        Filter::Statuses(v) => v.contains(&s("status")),
        Filter::Phones(v) => v.contains(&s("mfa_phone_number")),
        Filter::PhoneFuzzy(q) => s("mfa_phone_number").contains(q.as_str()),
        Filter::PasswordExists(b) => s("member_password_id").is_empty() != *b,
        Filter::Roles(v) => role_ids(m).iter().any(|r| v.contains(r)),
    }
}

fn encode_cursor(m: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json!({"c": m["created_at"], "m": m["member_id"]}).to_string())
}

fn decode_cursor(c: &str) -> ApiResult<(String, String)> {
    let bad = || ApiError::bad_request("The cursor is not valid.");
    let bytes = URL_SAFE_NO_PAD.decode(c.trim()).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    match (v["c"].as_str(), v["m"].as_str()) {
        (Some(c), Some(m)) => Ok((c.to_string(), m.to_string())),
        _ => Err(bad()),
    }
}

/// Search the Members of `orgs`. Returns `{members, results_metadata, organizations}`.
pub fn search(conn: &Connection, orgs: &[Value], req: &SearchReq) -> ApiResult<Value> {
    let limit = req.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(
            ErrorType::InvalidArgument,
            "limit must be between 1 and 1000.",
        ));
    }
    let after = req
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()?;
    let (and, filters) = match &req.query {
        None => (true, Vec::new()),
        Some(q) => {
            let and = match q.operator.as_str() {
                "AND" => true,
                "OR" => false,
                _ => {
                    return Err(ApiError::new(
                        ErrorType::InvalidArgument,
                        "query.operator must be AND or OR.",
                    ));
                }
            };
            (
                and,
                q.operands
                    .iter()
                    .map(parse_filter)
                    .collect::<ApiResult<Vec<_>>>()?,
            )
        }
    };
    let wants_deleted = filters
        .iter()
        .any(|f| matches!(f, Filter::Statuses(v) if v.iter().any(|s| s == "deleted")));
    let mut found: Vec<Value> = Vec::new();
    for org in orgs {
        let mut st = conn.prepare("SELECT data FROM members WHERE organization_id = ?1")?;
        let rows = st.query_map(params![org_id(org)], |r| r.get::<_, String>(0))?;
        for r in rows {
            let m: Value = serde_json::from_str(&r?)?;
            if m["status"] == "deleted" && !wants_deleted {
                continue;
            }
            let ok = filters.is_empty()
                || if and {
                    filters.iter().all(|f| matches(f, &m))
                } else {
                    filters.iter().any(|f| matches(f, &m))
                };
            if ok {
                found.push(m);
            }
        }
    }
    let key = |m: &Value| {
        (
            m["created_at"].as_str().unwrap_or("").to_string(),
            m["member_id"].as_str().unwrap_or("").to_string(),
        )
    };
    found.sort_by_key(key);
    let total = found.len();
    let rest: Vec<Value> = match after {
        Some(a) => found.into_iter().filter(|m| key(m) > a).collect(),
        None => found,
    };
    let limit = usize::try_from(limit).unwrap_or(100);
    let more = rest.len() > limit;
    let page: Vec<Value> = rest.into_iter().take(limit).collect();
    let next = if more {
        page.last().map(encode_cursor)
    } else {
        None
    };
    let organizations: Map<String, Value> = orgs
        .iter()
        .map(|o| (org_id(o).to_string(), o.clone()))
        .collect();
    Ok(json!({
        "members": page,
        "results_metadata": {"total": total, "next_cursor": next},
        "organizations": organizations,
    }))
}

/// Check the search permission in every organization searched.
pub fn check_search(seed: &Seed, actor: Option<&Actor>, orgs: &[Value]) -> ApiResult<()> {
    for org in orgs {
        rbac::check(seed, org, actor, rbac::MEMBER, "search", false)?;
    }
    Ok(())
}
