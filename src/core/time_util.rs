//! RFC 3339 <-> Unix milliseconds, for cookie expiry and the telemetry header.
//!
//! In wasm the browser's `Date` does both (no calendar code shipped): a formatted time then always carries
//! milliseconds (`toISOString`, as Stytch's SDK sends it). Natively the time crate does them.

#[cfg(not(target_arch = "wasm32"))]
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// The largest time `Date` can hold, in milliseconds either side of the epoch.
#[cfg(target_arch = "wasm32")]
const MAX_DATE_MS: i64 = 8_640_000_000_000_000;

/// Parses an RFC 3339 timestamp (as in `member_session.expires_at`) into Unix milliseconds.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Parses an RFC 3339 timestamp (as in `member_session.expires_at`) into Unix milliseconds.
#[cfg(target_arch = "wasm32")]
pub(crate) fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let ms = js_sys::Date::parse(s);
    // NaN for text that is not a date; whole milliseconds within `Date`'s range otherwise, so the cast
    // is exact.
    (!ms.is_nan()).then_some(ms as i64)
}

/// Formats Unix milliseconds as RFC 3339 UTC; an out-of-range value gives the Unix epoch.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn format_rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// Formats Unix milliseconds as RFC 3339 UTC; an out-of-range value gives the Unix epoch.
#[cfg(target_arch = "wasm32")]
pub(crate) fn format_rfc3339(ms: i64) -> String {
    // Outside `Date`'s range `toISOString` throws.
    let ms = if (-MAX_DATE_MS..=MAX_DATE_MS).contains(&ms) {
        ms
    } else {
        0
    };
    js_sys::Date::new(&(ms as f64).into())
        .to_iso_string()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = parse_rfc3339_ms("2026-11-25T21:00:00Z").unwrap();
        assert_eq!(ms, 1_795_640_400_000);
        assert_eq!(format_rfc3339(ms), "2026-11-25T21:00:00Z");
        assert_eq!(parse_rfc3339_ms("not a date"), None);
        assert_eq!(parse_rfc3339_ms(""), None);
    }
}

/// The browser half, in headless Chromium (`cargo test --target wasm32-unknown-unknown --lib`).
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn date_reads_and_writes_rfc_3339() {
        let ms = parse_rfc3339_ms("2026-11-25T21:00:00Z");
        assert_eq!(ms, Some(1_795_640_400_000));
        assert_eq!(
            parse_rfc3339_ms("2026-11-25T23:00:00.250+02:00"),
            Some(1_795_640_400_250)
        );
        assert_eq!(
            format_rfc3339(1_795_640_400_000),
            "2026-11-25T21:00:00.000Z"
        );
        assert_eq!(format_rfc3339(i64::MAX), "1970-01-01T00:00:00.000Z");
        assert_eq!(parse_rfc3339_ms("not a date"), None);
        assert_eq!(parse_rfc3339_ms(""), None);
    }
}
