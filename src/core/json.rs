//! Reading JSON text. Everything the SDK reads (responses, and what it caches in localStorage: the session
//! state, the bootstrap, PKCE pairs, seen cookie domains) goes text → [`Value`] → type, never text → type
//! directly.
//!
//! Why: in wasm every type's `Deserialize` is compiled once per deserializer it meets. Going through
//! `Value` means one deserializer (`Value`'s) for all of them, and serde_json's text parser is compiled
//! once, for `Value` alone. The extra pass over a few kilobytes of JSON costs microseconds; the direct
//! path cost several kilobytes of gzipped wasm per app.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses `text` as `T`.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::from_str::<Value>(text)?)
}
