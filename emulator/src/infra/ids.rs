//! Identifiers (`<prefix>-test-<uuid>`, deterministic ones for seeded objects) and Stytch's
//! timestamp format.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `request-id-test-<uuid>`.
pub fn request_id() -> String {
    new_id("request-id")
}

/// `<prefix>-test-<uuid v4>`. The UUID's bits come from the thread's CSPRNG (`rand`'s ChaCha,
/// seeded from the OS) rather than from the OS each time: every answer carries a new request id,
/// and asking the OS is a system call per id. Ids are not secrets (tokens come from
/// `infra::crypto`).
pub fn new_id(prefix: &str) -> String {
    let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut buf = uuid::Uuid::encode_buffer();
    [prefix, "-test-", uuid.hyphenated().encode_lower(&mut buf)].concat()
}

/// Deterministic `<prefix>-test-<uuid v5>` derived from `parts` (used for seeded objects so
/// that their ids survive `POST /emulator/v1/reset`).
pub fn derived_id(prefix: &str, parts: &[&str]) -> String {
    let name = parts.join("\u{1f}");
    let u = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes());
    format!("{prefix}-test-{u}")
}

/// RFC 3339, UTC, whole seconds (`2021-12-29T12:33:09Z`), like Stytch.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}
