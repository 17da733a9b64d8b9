//! Request bodies built from a caller's request struct plus fields the SDK adds itself (the
//! intermediate session token, PKCE challenges and verifiers under their per-flow names).

use serde::Serialize;
use serde_json::{Map, Value};

/// `inner`'s fields followed by `extra` (absent values are omitted, never sent as `null`).
#[derive(Serialize)]
pub(crate) struct Body<'a, T: Serialize> {
    #[serde(flatten)]
    inner: &'a T,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl<'a, T: Serialize> Body<'a, T> {
    pub(crate) fn new(inner: &'a T) -> Self {
        Self {
            inner,
            extra: Map::new(),
        }
    }

    /// Adds `name` when `value` is `Some`.
    pub(crate) fn field(mut self, name: &str, value: Option<String>) -> Self {
        if let Some(v) = value {
            self.extra.insert(name.to_owned(), Value::String(v));
        }
        self
    }
}
