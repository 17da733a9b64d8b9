//! Identifiers (`<prefix>-test-<uuid>`, deterministic ones for seeded objects) and Stytch's
//! timestamp format.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `request-id-test-<uuid>`.
pub fn request_id() -> String {
    format!("request-id-test-{}", uuid::Uuid::new_v4())
}

/// `<prefix>-test-<uuid v4>`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-test-{}", uuid::Uuid::new_v4())
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
