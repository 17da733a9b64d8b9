//! Password hashing and strength policy.
//!
//! * Hashes are argon2id (PHC strings with a random salt, crate defaults); the raw password is
//!   never stored. Seeded members may carry a `password` (not strength-checked).
//! * Strength policy: LUDS when the seed sets `password_config {luds_complexity,
//!   luds_minimum_count}` (valid iff at least `luds_minimum_count` characters and
//!   `luds_complexity` of the four classes lower/upper/digit/symbol), otherwise zxcvbn (valid iff
//!   score ≥ 3, the email's parts as user inputs). Breach detection (HaveIBeenPwned) is not
//!   emulated: `breached_password` and `breach_detection_on_create` are always `false`.
//!   Passwords longer than 256 characters are refused as weak (zxcvbn cost).
//! * A new password that fails the policy → 400 `weak_password`.

use crate::Inner;
use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use argon2::Argon2;
use argon2::password_hash::PasswordHash;
use argon2::password_hash::PasswordHasher;
use argon2::password_hash::PasswordVerifier;
use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde_json::Value;
use serde_json::json;

// ------------------------------------------------------------------ hashing

/// An argon2id PHC string of `password` with a fresh random salt. Deliberately slow: call it
/// through [`hash_off_thread`] from request handlers.
pub fn hash_password(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| ApiError::internal())
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing anyone knows: what an unknown email is checked against, so that the answer
/// takes as long as for a real member and does not reveal who is one.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    let secret = crate::infra::crypto::random_token().ok()?;
    hash_password(&secret).ok()
});

/// Hashes on a blocking thread, so no async worker (and no lock) waits for argon2.
pub async fn hash_off_thread(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ApiError::internal())?
}

/// Checks `password` against `phc` on a blocking thread; with no hash (an unknown email) it checks
/// against [`DUMMY_HASH`] and answers `false`.
pub async fn verify_off_thread(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_password(&password, &phc),
        None => {
            if let Some(dummy) = DUMMY_HASH.as_deref() {
                verify_password(&password, dummy);
            }
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Stores (or replaces) a member's password hash and sets `member_password_id` on the member.
pub fn store_hash(
    conn: &Connection,
    member: &mut MemberRow,
    hash: &str,
    now: i64,
) -> ApiResult<()> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT member_password_id FROM member_passwords WHERE member_id = ?1",
            [member.member_id()],
            |r| r.get(0),
        )
        .optional()?;
    let id = existing.unwrap_or_else(|| new_id("member-password"));
    conn.execute(
        "INSERT OR REPLACE INTO member_passwords (member_id, member_password_id, hash, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![member.member_id(), id, hash, now],
    )?;
    if let Some(o) = member.data.as_object_mut() {
        o.insert("member_password_id".into(), json!(id));
        o.insert("updated_at".into(), json!(rfc3339(now)));
    }
    members::write_row(conn, member)
}

pub fn stored_hash(conn: &Connection, member_id: &str) -> ApiResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT hash FROM member_passwords WHERE member_id = ?1",
            [member_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The strength-check answer (`strengthCheck`).
pub fn strength(inner: &Inner, password: &str, email: Option<&str>) -> Value {
    let too_long = password.chars().count() > 256;
    let inputs: Vec<&str> = email
        .map(|e| {
            let mut v = vec![e];
            if let Some((local, domain)) = e.split_once('@') {
                v.push(local);
                v.push(domain);
            }
            v
        })
        .unwrap_or_default();
    let (score, warning, suggestions) = if too_long || password.is_empty() {
        (0u8, String::new(), Vec::new())
    } else {
        let e = zxcvbn::zxcvbn(password, &inputs);
        let fb = e.feedback();
        (
            u8::from(e.score()),
            fb.and_then(|f| f.warning())
                .map(|w| w.to_string())
                .unwrap_or_default(),
            fb.map(|f| {
                f.suggestions()
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
        )
    };
    let lower = password.chars().any(char::is_lowercase);
    let upper = password.chars().any(char::is_uppercase);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    let classes = [lower, upper, digit, symbol].iter().filter(|b| **b).count() as i64;
    let (policy, valid, missing_complexity, missing_characters) = match &inner.seed.password_config
    {
        Some(cfg) => {
            let mc = (i64::from(cfg.luds_complexity) - classes).max(0);
            let mch = (i64::from(cfg.luds_minimum_count) - password.chars().count() as i64).max(0);
            ("luds", mc == 0 && mch == 0 && !too_long, mc, mch)
        }
        None => ("zxcvbn", score >= 3 && !too_long, 0, 0),
    };
    json!({
        "valid_password": valid,
        "score": score,
        "breached_password": false,
        "breach_detection_on_create": false,
        "strength_policy": policy,
        "zxcvbn_feedback": {"warning": warning, "suggestions": suggestions},
        "luds_feedback": {
            "has_lower_case": lower,
            "has_upper_case": upper,
            "has_digit": digit,
            "has_symbol": symbol,
            "missing_complexity": missing_complexity,
            "missing_characters": missing_characters,
        },
    })
}

pub fn require_strong(inner: &Inner, password: &str, email: &str) -> ApiResult<()> {
    let s = strength(inner, password, Some(email));
    if s["valid_password"] == true {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorType::WeakPassword,
        "The password does not meet the project's strength policy.",
    )
    .with_details(json!({
        "strength_policy": s["strength_policy"],
        "score": s["score"],
        "zxcvbn_feedback": s["zxcvbn_feedback"],
        "luds_feedback": s["luds_feedback"],
    })))
}
