//! What every primary login factor shares: intermediate session tokens (ISTs), the org-level
//! checks a primary authentication must pass (`auth_methods`, `mfa_policy`), the step from
//! "primary factor proven" to a session or an IST, discovered organizations, member
//! provisioning and the small request helpers of the SDK surface.
//!
//! Decisions where Stytch does not document the behaviour:
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
//! * MFA (`mfa_policy: REQUIRED_FOR_ALL`, or an `mfa_enrolled` member): after the primary factor
//!   the answer is `member_authenticated:false`, `mfa_required` and an IST bound to the
//!   organization, unless the grant already carries a second factor of that member (see
//!   `domain::mfa`);
//! * joining by email domain needs an email verified by the discovery factor; a join whose
//!   factor did not verify the email creates the member as `pending` and answers
//!   `primary_required`.

use crate::Inner;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::intermediate_sessions::consume_ist;
use crate::domain::intermediate_sessions::create_ist;
use crate::domain::intermediate_sessions::load_ist;
use crate::domain::intermediate_sessions::wrong_org_ist;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::mfa;
use crate::domain::organizations::org_id;
use crate::domain::sessions;
use crate::domain::sessions::SessionRow;
use crate::domain::sms_otp;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::rfc3339;
use rusqlite::Connection;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

/// Expiration minutes within `min..=max` (default `default`) → 400 `invalid_expiration`.
pub fn expiration(v: Option<i64>, default: i64, min: i64, max: i64) -> ApiResult<i64> {
    let m = v.unwrap_or(default);
    if !(min..=max).contains(&m) {
        return Err(ApiError::new(
            ErrorType::InvalidExpiration,
            format!("Expiration minutes must be between {min} and {max}."),
        ));
    }
    Ok(m)
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

/// The `allowed_auth_methods` name of a factor type.
fn method_of(factor: &Value) -> Option<&'static str> {
    match factor["type"].as_str()? {
        "magic_link" => Some("magic_link"),
        "email_otp" => Some("email_otp"),
        "password" => Some("password"),
        "sso" => Some("sso"),
        "oauth" => match factor["delivery_method"].as_str()? {
            "oauth_google" => Some("google_oauth"),
            "oauth_microsoft" => Some("microsoft_oauth"),
            "oauth_github" => Some("github_oauth"),
            "oauth_slack" => Some("slack_oauth"),
            "oauth_hubspot" => Some("hubspot_oauth"),
            _ => None,
        },
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
                ErrorType::OperationRestrictedByOrganizationAuthMethods,
                format!("This organization does not allow the {method} authentication method."),
            )
            .with_details(json!({"allowed_auth_methods": allowed})))
        }
        _ => Ok(()),
    }
}

// ------------------------------------------------------------------ grants and ISTs

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

/// The auth response fields when no session is issued.
fn pending_fields(
    member: &MemberRow,
    org: &Value,
    ist: &str,
    primary: Option<Value>,
    mfa: Option<Value>,
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
        "mfa_required": mfa.unwrap_or(Value::Null),
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
    user_agent: &str,
    org: &Value,
    mut member: MemberRow,
    grant: &Grant,
    duration_min: i64,
    now: i64,
) -> ApiResult<Value> {
    if let Some(primary) = primary_requirement(org, Some(&member), grant) {
        let ist = create_ist(conn, grant, org_id(org), now)?;
        return Ok(pending_fields(&member, org, &ist, Some(primary), None));
    }
    activate(conn, &mut member, grant.email_verified, now)?;
    let (factors, mfa_done) = mfa::factors_for(conn, grant, &member)?;
    if mfa::applies(org, &member) && !mfa_done {
        let primary_only = Grant {
            factors,
            ..grant.clone()
        };
        let ist = create_ist(conn, &primary_only, org_id(org), now)?;
        let sms = mfa::sends_sms_at_once(org, &member);
        if sms {
            sms_otp::send(conn, org, &member, mfa::phone_number(&member), now)?;
        }
        let required = mfa::mfa_required(&member, sms);
        return Ok(pending_fields(&member, org, &ist, None, Some(required)));
    }
    issue_session(
        inner,
        conn,
        user_agent,
        org,
        &member,
        factors,
        duration_min,
        now,
    )
}

/// A member who passed a primary authentication becomes `active` (and email-verified when the
/// factor verified the email).
pub fn activate(
    conn: &Connection,
    member: &mut MemberRow,
    email_verified: bool,
    now: i64,
) -> ApiResult<()> {
    if let Some(o) = member.data.as_object_mut() {
        o.insert("status".into(), json!("active"));
        if email_verified {
            o.insert("email_address_verified".into(), json!(true));
        }
        o.insert("updated_at".into(), json!(rfc3339(now)));
    }
    members::write_row(conn, member)
}

/// A new session for `member` in `org` carrying `factors` (the last one is the factor that just
/// authenticated), and the fields of a successful authenticate answer: the session answer plus
/// `organization_id`, an empty IST, `member_authenticated: true` and no requirements.
#[allow(clippy::too_many_arguments)]
pub fn issue_session(
    inner: &Inner,
    conn: &Connection,
    user_agent: &str,
    org: &Value,
    member: &MemberRow,
    mut factors: Vec<Value>,
    duration_min: i64,
    now: i64,
) -> ApiResult<Value> {
    let first = factors.pop().unwrap_or(Value::Null);
    let (mut row, token) =
        sessions::create(conn, member, first.clone(), duration_min, user_agent, now)?;
    if !factors.is_empty() {
        factors.push(first);
        row.factors = serde_json::value::to_raw_value(&factors)?;
        conn.execute(
            "UPDATE sessions SET factors = ?2 WHERE member_session_id = ?1",
            params![row.member_session_id, row.factors.get()],
        )?;
    }
    session_fields(inner, org, member, &row, &token, now)
}

/// The fields of a successful authenticate answer for the live session `row` (raw token `token`,
/// `""` when unknown) with a fresh JWT.
pub fn session_fields(
    inner: &Inner,
    org: &Value,
    member: &MemberRow,
    row: &SessionRow,
    token: &str,
    now: i64,
) -> ApiResult<Value> {
    let owner = sessions::Owner::from_values(&member.data, org)?;
    let jwt = sessions::mint_jwt(inner, row, &owner, now)?;
    let mut fields = serde_json::to_value(sessions::auth_answer(row, token, &jwt, &owner))?;
    if let Some(o) = fields.as_object_mut() {
        o.insert("organization_id".into(), json!(org_id(org)));
        o.insert("intermediate_session_token".into(), json!(""));
        o.insert("member_authenticated".into(), json!(true));
        o.insert("mfa_required".into(), Value::Null);
        o.insert("primary_required".into(), Value::Null);
    }
    Ok(fields)
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
