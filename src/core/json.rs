//! Reading JSON text. Everything the SDK reads (responses, and what it caches in localStorage: the session
//! state, the bootstrap, PKCE pairs, seen cookie domains) goes text → [`Value`] → type, never text → type
//! directly.
//!
//! Why: in wasm every type's `Deserialize` is compiled once per deserializer it meets. Going through
//! `Value` means one deserializer (`Value`'s) for all of them, and serde_json's text parser is compiled
//! once, for `Value` alone. The extra pass over a few kilobytes of JSON costs microseconds; the direct
//! path cost several kilobytes of gzipped wasm per app.

//!
//! The text → `Value` step is the platform's ([`super::host::parse_json`]): the browser's `JSON.parse` in
//! wasm, serde_json natively.

use serde::de::{DeserializeOwned, Error as _};

/// Parses `text` as `T`.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let value = super::host::parse_json(text)
        .ok_or_else(|| serde_json::Error::custom("the text is not JSON"))?;
    serde_json::from_value(value)
}
