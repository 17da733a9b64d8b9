//! Multi-factor authentication: when it applies, what `mfa_required` says, which proof of a
//! primary authentication an MFA call carries, and how a proven second factor becomes a session.
//!
//! * **When**: MFA applies to a Member when the organization's `mfa_policy` is `REQUIRED_FOR_ALL`
//!   or the Member is `mfa_enrolled`. Every primary factor (magic link, email OTP, password,
//!   discovery exchange and create, session exchange) then answers `member_authenticated:false`,
//!   an IST bound to the organization and `mfa_required`. A proof that already carries a second
//!   factor of the same Member (a live session of that Member sent with the call) satisfies MFA;
//!   the second factors of another Member (a session exchanged from another organization) do not,
//!   and they are left out of the new session.
//! * **`mfa_required.member_options`** (emulator decision, Stytch does not document the empty
//!   case): always an object `{mfa_phone_number, totp_registration_id}` with the Member's values,
//!   `""` for a factor the Member does not have, the same way the Member object shows them, so a
//!   client reads one shape.
//! * **`secondary_auth_initiated: "sms_otp"`**: when the Member has a verified MFA phone, the
//!   organization allows `sms_otp` and the Member's `default_mfa_method` is not `totp`, an SMS code
//!   is sent at once by the primary authenticate. Never from `discovery/organizations`.
//! * **Proof** on SMS, TOTP and recovery-code calls (the SDK sends the IST in the body and the
//!   session token in the Basic header; the backend takes `intermediate_session_token`,
//!   `session_token` or `session_jwt` in the body): on the backend, more than one → 400
//!   `too_many_session_arguments`. On the SDK surface an IST in the body wins over the session of
//!   the header: the SDK drops its own session when it stores an IST, so both arrive together only
//!   when an ambient session remains (an HttpOnly session cookie of an earlier login), and the IST
//!   is what the call is about. An IST must be bound to the organization (or be a discovery IST)
//!   and belong to the Member's email, else 400
//!   `invalid_intermediate_session_token_for_organization`; it must prove the primary factors the
//!   organization needs, else 400 `action_available_only_once_primary_authentication_is_met`. A
//!   session must be the Member's own, else 403 `session_authorization_error`, and not an
//!   impersonated one (400 `session_not_mutable_impersonated`: no factor can be added to it).
//!   Authenticate calls need a proof (none → 400
//!   `action_available_only_once_primary_authentication_is_met`). An SMS to the Member's verified
//!   phone (the challenge) needs one too. A call that adds a factor — TOTP create, an SMS to a
//!   phone not verified yet — needs none while the Member has no active MFA factor, and otherwise a
//!   session already carrying a second factor of the Member (else 400 `insufficient_factors`: a
//!   primary factor alone must not add a way around the factor the Member has).
//! * **Conclusion**: with an IST a new session is issued carrying the IST's primary factors and the
//!   new `SECONDARY` factor, and the IST is consumed; with a session the factor is added to that
//!   session (replacing an older factor of the same kind) and the session is extended by
//!   `session_duration_minutes` when given.
//! * **Methods**: `mfa_methods: RESTRICTED` allows only `allowed_mfa_methods`; SMS with
//!   `sms_otp` missing, or TOTP and recovery codes with `totp` missing → 403
//!   `operation_restricted_by_organization_mfa_methods`.
//! * **Enrollment**: a successful SMS or TOTP authenticate sets `mfa_enrolled` under
//!   `REQUIRED_FOR_ALL`; under `OPTIONAL`, `set_mfa_enrollment` `enroll` / `unenroll` sets or
//!   clears it (any other value → 400 `invalid_argument`). `set_default_mfa: true` makes the
//!   method the Member's `default_mfa_method`.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::intermediate_sessions::Grant;
use crate::domain::intermediate_sessions::Ist;
use crate::domain::intermediate_sessions::consume_ist;
use crate::domain::intermediate_sessions::load_ist;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::organizations;
use crate::domain::organizations::org_id;
use crate::domain::sessions;
use crate::domain::sessions::SessionRow;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::derived_id;
use crate::infra::ids::rfc3339;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

/// The two MFA methods, by their `allowed_mfa_methods` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    SmsOtp,
    Totp,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::SmsOtp => "sms_otp",
            Method::Totp => "totp",
        }
    }
}

/// Does MFA apply to `member` in `org`?
pub fn applies(org: &Value, member: &MemberRow) -> bool {
    org["mfa_policy"] == "REQUIRED_FOR_ALL" || member.data["mfa_enrolled"] == true
}

fn allows(org: &Value, method: Method) -> bool {
    org["mfa_methods"] != "RESTRICTED"
        || org["allowed_mfa_methods"]
            .as_array()
            .is_some_and(|a| a.iter().any(|m| m == method.as_str()))
}

/// 403 `operation_restricted_by_organization_mfa_methods` when the organization does not allow
/// `method`.
pub fn check_method(org: &Value, method: Method) -> ApiResult<()> {
    if allows(org, method) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorType::OperationRestrictedByOrganizationMfaMethods,
        format!(
            "This organization does not allow the {} MFA method.",
            method.as_str()
        ),
    )
    .with_details(json!({"allowed_mfa_methods": org["allowed_mfa_methods"]})))
}

pub fn phone_number(member: &MemberRow) -> &str {
    member.data["mfa_phone_number"].as_str().unwrap_or("")
}

pub fn has_verified_phone(member: &MemberRow) -> bool {
    !phone_number(member).is_empty() && member.data["mfa_phone_number_verified"] == true
}

pub fn totp_registration_id(member: &MemberRow) -> &str {
    member.data["totp_registration_id"].as_str().unwrap_or("")
}

/// A verified phone or an active TOTP registration.
pub fn has_active_factor(member: &MemberRow) -> bool {
    has_verified_phone(member) || !totp_registration_id(member).is_empty()
}

/// The `phone_id` of a Member's MFA phone: stable for that Member and number.
pub fn phone_id(member: &MemberRow, phone: &str) -> String {
    derived_id("phone-number", &[member.member_id(), phone])
}

/// `mfa_required` of an answer that needs MFA (see the module docs).
pub fn mfa_required(member: &MemberRow, sms_sent: bool) -> Value {
    json!({
        "member_options": {
            "mfa_phone_number": phone_number(member),
            "totp_registration_id": totp_registration_id(member),
        },
        "secondary_auth_initiated": if sms_sent { json!("sms_otp") } else { Value::Null },
    })
}

/// Should the primary authenticate send an SMS at once?
pub fn sends_sms_at_once(org: &Value, member: &MemberRow) -> bool {
    has_verified_phone(member)
        && allows(org, Method::SmsOtp)
        && member.data["default_mfa_method"] != "totp"
}

// ------------------------------------------------------------------ factors

fn secondary(kind: &str, delivery_method: &str, key: &str, sub: Value, now: i64) -> Value {
    let ts = rfc3339(now);
    let mut f = json!({
        "type": kind,
        "delivery_method": delivery_method,
        "last_authenticated_at": ts,
        "created_at": ts,
        "updated_at": ts,
        "sequence_order": "SECONDARY",
    });
    if let Some(o) = f.as_object_mut() {
        o.insert(key.into(), sub);
    }
    f
}

/// The factor of an SMS one-time passcode.
pub fn sms_factor(member: &MemberRow, phone: &str, now: i64) -> Value {
    secondary(
        "otp",
        "sms",
        "phone_number_factor",
        json!({"phone_id": phone_id(member, phone), "phone_number": phone}),
        now,
    )
}

/// The factor of a TOTP code.
pub fn totp_factor(totp_id: &str, now: i64) -> Value {
    secondary(
        "totp",
        "authenticator_app",
        "authenticator_app_factor",
        json!({"totp_id": totp_id}),
        now,
    )
}

/// The factor of a recovery code.
pub fn recovery_code_factor(recovery_code_id: &str, now: i64) -> Value {
    secondary(
        "recovery_codes",
        "recovery_code",
        "recovery_code_factor",
        json!({"totp_recovery_code_id": recovery_code_id}),
        now,
    )
}

/// Was this second factor proven by `member` (and not by a Member of another organization)?
fn factor_of(conn: &Connection, factor: &Value, member: &MemberRow) -> ApiResult<bool> {
    Ok(match factor["type"].as_str() {
        Some("otp") => {
            let phone = factor["phone_number_factor"]["phone_number"]
                .as_str()
                .unwrap_or("");
            factor["phone_number_factor"]["phone_id"].as_str()
                == Some(phone_id(member, phone).as_str())
        }
        Some("totp") => {
            let id = factor["authenticator_app_factor"]["totp_id"]
                .as_str()
                .unwrap_or("");
            crate::domain::totp::belongs_to(conn, id, member.member_id())?
        }
        Some("recovery_codes") => {
            let id = factor["recovery_code_factor"]["totp_recovery_code_id"]
                .as_str()
                .unwrap_or("");
            crate::domain::recovery_codes::belongs_to(conn, id, member.member_id())?
        }
        _ => false,
    })
}

fn is_secondary(factor: &Value) -> bool {
    factor["sequence_order"] == "SECONDARY"
}

/// The grant's factors a session of `member` may carry: every primary factor, and the second
/// factors `member` proved. `satisfied`: at least one such second factor.
pub fn factors_for(
    conn: &Connection,
    grant: &Grant,
    member: &MemberRow,
) -> ApiResult<(Vec<Value>, bool)> {
    let mut kept = Vec::with_capacity(grant.factors.len());
    let mut satisfied = false;
    for f in &grant.factors {
        if !is_secondary(f) {
            kept.push(f.clone());
        } else if factor_of(conn, f, member)? {
            satisfied = true;
            kept.push(f.clone());
        }
    }
    Ok((kept, satisfied))
}

/// The second factors of the caller's live session when it belongs to `member` (a step-up: a
/// member who signs in again while signed in keeps the MFA they proved).
pub fn session_second_factors(
    conn: &Connection,
    session_token: Option<&str>,
    member: &MemberRow,
    now: i64,
) -> ApiResult<Vec<Value>> {
    let Some(token) = session_token else {
        return Ok(Vec::new());
    };
    match sessions::by_token(conn, token, now)? {
        Some(row) if row.member_id == member.member_id() => {
            Ok(row.factor_list().into_iter().filter(is_secondary).collect())
        }
        _ => Ok(Vec::new()),
    }
}

// ------------------------------------------------------------------ proof

/// What an MFA call proved before its second factor.
pub enum Proof {
    /// An IST left by a primary authenticate.
    Ist(Ist),
    /// A live session of the Member (step-up), with its raw token (`""` when the caller sent a
    /// JWT: only token hashes are stored).
    Session(SessionRow, String),
}

/// How a surface reads the tokens of its call inside the flow's transaction (the SDK: the body's
/// IST and the Basic header's session; the backend: the body's three fields).
pub type Carry<'a> = &'a dyn Fn(&Connection, i64) -> ApiResult<Carried>;

/// The tokens an MFA call carries: an IST and/or a session (already resolved by the surface).
pub struct Carried {
    pub ist: Option<String>,
    pub session: Option<(SessionRow, String)>,
    /// A session token or JWT was sent but names no live session.
    pub dead_session: bool,
    /// With both an IST and a session, use the IST (the SDK surface: see the module docs) instead
    /// of refusing the call.
    pub prefer_ist: bool,
}

fn not_primary() -> ApiError {
    ApiError::new(
        ErrorType::ActionAvailableOnlyOncePrimaryAuthenticationIsMet,
        "This action is available only once primary authentication is met: pass the intermediate session token or a session of this member.",
    )
}

/// Checks what the call carries against `org` and `member` (see the module docs). `required`:
/// the call needs a proof.
pub fn proof(
    conn: &Connection,
    carried: Carried,
    org: &Value,
    member: &MemberRow,
    required: bool,
    now: i64,
) -> ApiResult<Option<Proof>> {
    let ist = carried.ist.filter(|t| !t.is_empty());
    if carried.dead_session && ist.is_none() {
        return Err(ApiError::session_not_found());
    }
    let session = carried
        .session
        .filter(|_| !(carried.prefer_ist && ist.is_some()));
    let found = match (ist, session) {
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorType::TooManySessionArguments,
                "Pass either an intermediate session token or a session, not both.",
            ));
        }
        (Some(token), None) => {
            let ist = load_ist(conn, Some(&token), now)?;
            if (!ist.organization_id.is_empty() && ist.organization_id != org_id(org))
                || ist.grant.email != member.email()
            {
                return Err(ApiError::new(
                    ErrorType::InvalidIntermediateSessionTokenForOrganization,
                    "The intermediate session token was issued to another member or organization.",
                ));
            }
            if authentication::primary_requirement(org, Some(member), &ist.grant).is_some() {
                return Err(not_primary());
            }
            Some(Proof::Ist(ist))
        }
        (None, Some((row, token))) => {
            if row.member_id != member.member_id() {
                return Err(ApiError::new(
                    ErrorType::SessionAuthorizationError,
                    "The session belongs to another member.",
                ));
            }
            if row.is_impersonated() {
                return Err(ApiError::new(
                    ErrorType::SessionNotMutableImpersonated,
                    "An impersonated session cannot take another factor.",
                ));
            }
            Some(Proof::Session(row, token))
        }
        (None, None) => None,
    };
    if required && found.is_none() {
        return Err(not_primary());
    }
    Ok(found)
}

/// A call that adds a factor (TOTP create, an SMS to a phone that is not verified yet): a proof is
/// optional while the Member has no active MFA factor; once it has one, the proof must be a session
/// that already carries a second factor of the Member, else 400 `insufficient_factors` — a primary
/// factor alone must not be able to add a way past the factor the Member has.
pub fn proof_for_new_factor(
    conn: &Connection,
    carried: Carried,
    org: &Value,
    member: &MemberRow,
    now: i64,
) -> ApiResult<Option<Proof>> {
    if !has_active_factor(member) {
        return proof(conn, carried, org, member, false, now);
    }
    let found = proof(conn, carried, org, member, true, now)?;
    if let Some(Proof::Session(row, _)) = &found {
        for f in row.factor_list().iter().filter(|f| is_secondary(f)) {
            if factor_of(conn, f, member)? {
                return Ok(found);
            }
        }
    }
    Err(ApiError::new(
        ErrorType::InsufficientFactors,
        "The member already has an MFA factor: adding another needs a session that carries it.",
    ))
}

/// The proof of an SMS call: the challenge of a verified phone needs a proof; a phone not verified
/// yet is a new factor ([`proof_for_new_factor`]). `required`: the call needs a proof in any case
/// (authenticate).
pub fn proof_for_sms(
    conn: &Connection,
    carried: Carried,
    org: &Value,
    member: &MemberRow,
    required: bool,
    now: i64,
) -> ApiResult<Option<Proof>> {
    let found = if has_verified_phone(member) {
        proof(conn, carried, org, member, true, now)?
    } else {
        proof_for_new_factor(conn, carried, org, member, now)?
    };
    if required && found.is_none() {
        return Err(not_primary());
    }
    Ok(found)
}

/// The organization and Member of an MFA call: a live Member of the organization who is `active`.
pub fn target(
    conn: &Connection,
    organization_id: &str,
    member_id: &str,
) -> ApiResult<(Value, MemberRow)> {
    let org = organizations::get_org(conn, organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    let member = members::live_member_in_org(conn, &org, member_id)?;
    if member.status() != "active" {
        return Err(ApiError::new(
            ErrorType::ActionAvailableOnlyForActiveMembers,
            "MFA factors are available only to active members.",
        ));
    }
    Ok((org, member))
}

/// The enrollment effects of a successful SMS or TOTP authenticate (see the module docs).
pub fn enroll(
    org: &Value,
    member: &mut MemberRow,
    set_mfa_enrollment: Option<&str>,
    set_default: Option<Method>,
) -> ApiResult<()> {
    if org["mfa_policy"] == "REQUIRED_FOR_ALL" {
        members::set(member, "mfa_enrolled", json!(true));
    } else {
        match set_mfa_enrollment.filter(|s| !s.is_empty()) {
            Some("enroll") => members::set(member, "mfa_enrolled", json!(true)),
            Some("unenroll") => members::set(member, "mfa_enrolled", json!(false)),
            Some(_) => {
                return Err(ApiError::new(
                    ErrorType::InvalidArgument,
                    "set_mfa_enrollment must be enroll or unenroll.",
                ));
            }
            None => {}
        }
    }
    if let Some(m) = set_default {
        members::set(member, "default_mfa_method", json!(m.as_str()));
    }
    Ok(())
}

/// A proven second factor: the session answer (see the module docs). `member` is written first.
#[allow(clippy::too_many_arguments)]
pub fn conclude(
    inner: &Inner,
    conn: &Connection,
    user_agent: &str,
    org: &Value,
    member: &mut MemberRow,
    proof: Proof,
    factor: Value,
    duration_min: Option<i64>,
    now: i64,
) -> ApiResult<Value> {
    members::set(member, "updated_at", json!(rfc3339(now)));
    members::write_row(conn, member)?;
    match proof {
        Proof::Ist(ist) => {
            consume_ist(conn, &ist)?;
            let mut factors: Vec<Value> = ist
                .grant
                .factors
                .into_iter()
                .filter(|f| !is_secondary(f))
                .collect();
            factors.push(factor);
            authentication::issue_session(
                inner,
                conn,
                user_agent,
                org,
                member,
                factors,
                duration_min.unwrap_or(60),
                now,
            )
        }
        Proof::Session(mut row, token) => {
            let mut factors = row.factor_list();
            authentication::merge_factor(&mut factors, factor);
            row.factors = serde_json::value::to_raw_value(&factors)?;
            conn.execute(
                "UPDATE sessions SET factors = ?2 WHERE member_session_id = ?1",
                params![row.member_session_id, row.factors.get()],
            )?;
            sessions::touch(conn, &mut row, duration_min, now)?;
            authentication::session_fields(inner, org, member, &row, &token, now)
        }
    }
}

impl Carried {
    /// What an SDK call carries: the body's IST and the session of the Basic header.
    pub fn sdk(
        conn: &Connection,
        ist: Option<String>,
        session_token: Option<&str>,
        now: i64,
    ) -> ApiResult<Carried> {
        let (session, dead_session) = match session_token {
            None => (None, false),
            Some(t) => match sessions::by_token(conn, t, now)? {
                Some(row) => (Some((row, t.to_string())), false),
                None => (None, true),
            },
        };
        Ok(Carried {
            ist,
            session,
            dead_session,
            prefer_ist: true,
        })
    }
}

/// Whether a second-factor row (TOTP registration, recovery code) with this id belongs to
/// `member_id`: `sql` selects the owning `member_id` by id.
pub fn owned_by(conn: &Connection, sql: &str, id: &str, member_id: &str) -> ApiResult<bool> {
    if id.is_empty() {
        return Ok(false);
    }
    let owner: Option<String> = conn
        .prepare_cached(sql)?
        .query_row(params![id], |r| r.get(0))
        .optional()?;
    Ok(owner.as_deref() == Some(member_id))
}
