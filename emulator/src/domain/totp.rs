//! TOTP registrations (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of skew either way,
//! computed with the `totp-rs` crate).
//!
//! * **Create** makes a *pending* registration `member-totp-test-<uuid>` with a 20-byte CSPRNG
//!   secret (32 base32 characters), a `qr_code` (a `data:image/png;base64,` PNG of the
//!   `otpauth://` URI) and 10 recovery codes. It lives `expiration_minutes` (default 60,
//!   5..=1440, else 400 `invalid_expiration`) unless a code authenticates it first. A Member with
//!   an active registration → 400 `active_totp_exists`; with a live pending one → 400
//!   `pending_totp_exists` (an expired pending one is replaced).
//! * **URI**: `otpauth://totp/{issuer}:{email}?algorithm=SHA1&digits=6&period=30&secret=…&issuer=…`
//!   with issuer `"{project name} ({organization name})"`, percent-encoded (the email is not), the
//!   form of a QR code a real Stytch project produced.
//! * **Authenticate**: the first success activates a pending registration (the Member's
//!   `totp_registration_id` is set then, and its recovery codes become usable). Errors: no
//!   registration → 404 `totp_not_found`; a pending one past its expiry → 400 `expired_totp`; a code
//!   that is not 6 digits → 400 `invalid_totp_code` (one shaped like a recovery code → 400
//!   `recovery_code_used_as_totp_code`); a wrong code → 401 `unable_to_authenticate_totp`; a
//!   code of a time step already used (or older) → 400 `totp_code_already_authenticated`. Wrong
//!   codes count toward the Member's lock (`domain::lockouts`).
//! * **Delete** (member `deleteMFATOTP`, self delete TOTP) removes the registration and its
//!   recovery codes.

use crate::Inner;
use crate::domain::authentication;
use crate::domain::lockouts;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::mfa;
use crate::domain::mfa::Carry;
use crate::domain::mfa::Method;
use crate::domain::organizations::org_id;
use crate::domain::recovery_codes;
use crate::domain::sessions;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::crypto::ct_eq;
use crate::infra::ids::new_id;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;
use totp_rs::Algorithm;
use totp_rs::Secret;
use totp_rs::TOTP;

const STEP_SECS: i64 = 30;

/// A stored registration.
#[derive(Debug, Clone)]
pub struct Registration {
    pub totp_id: String,
    pub secret: String,
    pub active: bool,
    pub expires_at: i64,
}

/// What a create answers.
pub struct Created {
    pub totp_id: String,
    pub secret: String,
    pub qr_code: String,
    pub recovery_codes: Vec<String>,
}

/// Is `totp_id` an active registration of `member_id`?
pub fn belongs_to(conn: &Connection, totp_id: &str, member_id: &str) -> ApiResult<bool> {
    mfa::owned_by(
        conn,
        "SELECT member_id FROM totps WHERE totp_id = ?1 AND status = 'active'",
        totp_id,
        member_id,
    )
}

/// The Member's registration (active, or the newest pending one), in whatever state.
pub fn of_member(conn: &Connection, member_id: &str) -> ApiResult<Option<Registration>> {
    Ok(conn
        .prepare_cached(
            "SELECT totp_id, secret, status, expires_at FROM totps WHERE member_id = ?1
             ORDER BY status = 'active' DESC, created_at DESC, rowid DESC LIMIT 1",
        )?
        .query_row(params![member_id], |r| {
            Ok(Registration {
                totp_id: r.get(0)?,
                secret: r.get(1)?,
                active: r.get::<_, String>(2)? == "active",
                expires_at: r.get(3)?,
            })
        })
        .optional()?)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `otpauth://` URI an authenticator app scans.
pub fn otpauth_uri(project_name: &str, org_name: &str, email: &str, secret: &str) -> String {
    let issuer = percent_encode(&format!("{project_name} ({org_name})"));
    format!(
        "otpauth://totp/{issuer}:{email}?algorithm=SHA1&digits=6&period=30&secret={secret}&issuer={issuer}"
    )
}

/// A `data:image/png;base64,` QR code of `text`: 4 pixels per module, a 4-module quiet zone,
/// 8-bit grayscale.
pub fn qr_data_url(text: &str) -> ApiResult<String> {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| {
        tracing::error!("cannot encode a QR code: {e}");
        ApiError::internal()
    })?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
        }
    }
    let side32 = u32::try_from(side).map_err(|_| ApiError::internal())?;
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels))
        .map_err(|e| {
            tracing::error!("cannot encode a PNG: {e}");
            ApiError::internal()
        })?;
    Ok(format!(
        "data:image/png;base64,{}",
        STANDARD.encode(png_bytes)
    ))
}

/// Creates a pending registration with its recovery codes (see the module docs).
pub fn create(
    conn: &Connection,
    project_name: &str,
    org: &Value,
    member: &MemberRow,
    expiration_minutes: i64,
    now: i64,
) -> ApiResult<Created> {
    if let Some(existing) = of_member(conn, member.member_id())? {
        if existing.active {
            return Err(ApiError::new(
                ErrorType::ActiveTotpExists,
                "The member already has an active TOTP registration; delete it first.",
            ));
        }
        if existing.expires_at > now {
            return Err(ApiError::new(
                ErrorType::PendingTotpExists,
                "The member has a pending TOTP registration; authenticate it or let it expire.",
            ));
        }
        delete_registration(conn, &existing.totp_id)?;
    }
    let mut raw = [0u8; 20];
    getrandom::fill(&mut raw).map_err(|_| ApiError::internal())?;
    let Secret::Encoded(secret) = Secret::Raw(raw.to_vec()).to_encoded() else {
        return Err(ApiError::internal());
    };
    let totp_id = new_id("member-totp");
    conn.execute(
        "INSERT INTO totps (totp_id, member_id, organization_id, secret, status, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6)",
        params![
            totp_id,
            member.member_id(),
            org_id(org),
            secret,
            now + expiration_minutes * 60,
            now
        ],
    )?;
    let recovery_codes =
        recovery_codes::issue(conn, org_id(org), member.member_id(), &totp_id, now)?;
    let uri = otpauth_uri(
        project_name,
        org["organization_name"].as_str().unwrap_or(""),
        member.email(),
        &secret,
    );
    Ok(Created {
        qr_code: qr_data_url(&uri)?,
        totp_id,
        secret,
        recovery_codes,
    })
}

/// The registration a code is checked against (see the module docs for the errors).
pub fn usable(conn: &Connection, member: &MemberRow, now: i64) -> ApiResult<Registration> {
    let reg = of_member(conn, member.member_id())?.ok_or_else(|| {
        ApiError::new(
            ErrorType::TotpNotFound,
            "The member has no TOTP registration.",
        )
    })?;
    if !reg.active && reg.expires_at <= now {
        return Err(ApiError::new(
            ErrorType::ExpiredTotp,
            "The TOTP registration expired before it was authenticated; create a new one.",
        ));
    }
    Ok(reg)
}

/// The shape of a code: 400 unless it is 6 digits.
pub fn check_shape(code: &str) -> ApiResult<()> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    if recovery_codes::looks_like(code) {
        return Err(ApiError::new(
            ErrorType::RecoveryCodeUsedAsTotpCode,
            "That is a recovery code; use recovery_codes/recover for it.",
        ));
    }
    Err(ApiError::new(
        ErrorType::InvalidTotpCode,
        "A TOTP code is 6 digits.",
    ))
}

/// The time step `code` belongs to (current, previous or next), if any.
pub fn matching_step(reg: &Registration, code: &str, now: i64) -> ApiResult<Option<i64>> {
    let secret = Secret::Encoded(reg.secret.clone())
        .to_bytes()
        .map_err(|_| ApiError::internal())?;
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, secret);
    let current = now.div_euclid(STEP_SECS);
    let mut found = None;
    for step in [current - 1, current, current + 1] {
        let Ok(at) = u64::try_from(step * STEP_SECS) else {
            continue;
        };
        if ct_eq(&totp.generate(at), code) && found.is_none() {
            found = Some(step);
        }
    }
    Ok(found)
}

/// Records a successful code of `step`: refuses a step already used (replay), activates a pending
/// registration.
pub fn accept(conn: &Connection, reg: &Registration, step: i64) -> ApiResult<()> {
    let n = conn.execute(
        "UPDATE totps SET last_step = ?2, status = 'active' WHERE totp_id = ?1 AND last_step < ?2",
        params![reg.totp_id, step],
    )?;
    if n != 1 {
        return Err(ApiError::new(
            ErrorType::TotpCodeAlreadyAuthenticated,
            "This TOTP code was already used; wait for the next one.",
        ));
    }
    Ok(())
}

fn delete_registration(conn: &Connection, totp_id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM totps WHERE totp_id = ?1", params![totp_id])?;
    conn.execute(
        "DELETE FROM recovery_codes WHERE totp_id = ?1",
        params![totp_id],
    )?;
    Ok(())
}

/// Removes every registration of a Member and their recovery codes.
pub fn delete_member(conn: &Connection, member_id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM totps WHERE member_id = ?1", params![member_id])?;
    conn.execute(
        "DELETE FROM recovery_codes WHERE member_id = ?1",
        params![member_id],
    )?;
    Ok(())
}

/// Removes every registration of an organization (it was deleted).
pub fn delete_organization(conn: &Connection, organization_id: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM totps WHERE organization_id = ?1",
        params![organization_id],
    )?;
    conn.execute(
        "DELETE FROM recovery_codes WHERE organization_id = ?1",
        params![organization_id],
    )?;
    Ok(())
}

/// A TOTP create: `{member_id, member, organization, totp_registration_id, secret, qr_code,
/// recovery_codes}`.
pub fn create_flow(
    inner: &Inner,
    organization_id: &str,
    member_id: &str,
    expiration_minutes: Option<i64>,
    carry: Carry<'_>,
) -> ApiResult<Value> {
    let minutes = authentication::expiration(expiration_minutes, 60, 5, 1440)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, member) = mfa::target(&tx, organization_id, member_id)?;
    mfa::check_method(&org, Method::Totp)?;
    mfa::proof_for_new_factor(&tx, carry(&tx, now)?, &org, &member, now)?;
    let project_name = inner.seed.project.name.as_deref().unwrap_or("Stytch");
    let created = create(&tx, project_name, &org, &member, minutes, now)?;
    tx.commit()?;
    Ok(json!({
        "member_id": member.member_id(),
        "member": member.data,
        "organization": org,
        "totp_registration_id": created.totp_id,
        "secret": created.secret,
        "qr_code": created.qr_code,
        "recovery_codes": created.recovery_codes,
    }))
}

/// What a TOTP authenticate asks for besides its tokens.
pub struct AuthenticateRequest<'a> {
    pub organization_id: &'a str,
    pub member_id: &'a str,
    pub code: &'a str,
    pub session_duration_minutes: Option<i64>,
    pub set_mfa_enrollment: Option<&'a str>,
    pub set_default_mfa: bool,
}

/// A TOTP authenticate: the fields of the session answer.
pub fn authenticate_flow(
    inner: &Inner,
    user_agent: &str,
    req: &AuthenticateRequest<'_>,
    carry: Carry<'_>,
) -> ApiResult<Value> {
    let duration = req
        .session_duration_minutes
        .map(|m| sessions::duration_minutes(Some(m)))
        .transpose()?;
    let code = req.code.trim();
    check_shape(code)?;
    let now = inner.now();
    let mut conn = inner.conn();
    let tx = conn.transaction()?;
    let (org, mut member) = mfa::target(&tx, req.organization_id, req.member_id)?;
    mfa::check_method(&org, Method::Totp)?;
    let proof = mfa::proof(&tx, carry(&tx, now)?, &org, &member, true, now)?
        .ok_or_else(ApiError::internal)?;
    lockouts::check(&tx, &mut member, now)?;
    let reg = usable(&tx, &member, now)?;
    let Some(step) = matching_step(&reg, code, now)? else {
        // The failure must count even though the call fails: outside the transaction.
        drop(tx);
        lockouts::record_failure(&conn, &mut member, now)?;
        return Err(ApiError::new(
            ErrorType::UnableToAuthenticateTotp,
            "The TOTP code is incorrect.",
        ));
    };
    accept(&tx, &reg, step)?;
    lockouts::record_success(&tx, &mut member)?;
    members::set(&mut member, "totp_registration_id", json!(reg.totp_id));
    mfa::enroll(
        &org,
        &mut member,
        req.set_mfa_enrollment,
        req.set_default_mfa.then_some(Method::Totp),
    )?;
    let factor = mfa::totp_factor(&reg.totp_id, now);
    let fields = mfa::conclude(
        inner,
        &tx,
        user_agent,
        &org,
        &mut member,
        proof,
        factor,
        duration,
        now,
    )?;
    tx.commit()?;
    Ok(fields)
}
