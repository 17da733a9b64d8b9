//! What the core takes from the platform it is compiled for rather than from a [`Runtime`] object: reading
//! JSON text and base64 (RFC 3339 timestamps are in `time_util`). The JavaScript host already has both
//! (`JSON.parse`, `btoa`/`atob`), so the wasm build uses them and ships no parser or codec of its own;
//! natively (tests, server rendering) serde_json and base64 do the same jobs.
//!
//! Both halves give the same results for what the SDK reads and writes, with differences inherent to the
//! browser's parser only in numbers: a JavaScript number is a double, so an integer beyond 2^53 (which
//! Stytch's API does not send) arrives rounded in wasm, exactly as in Stytch's own JavaScript SDK; and a
//! whole number written as a decimal (`2.0`, `2e3`) reads as the integer, as JavaScript sees it.
//!
//! [`Runtime`]: super::platform::Runtime

use serde_json::Value;

/// Parses JSON text; `None` when it is not JSON (or nests arrays and objects more than 127 deep, serde_json's
/// limit).
pub(crate) fn parse_json(text: &str) -> Option<Value> {
    imp::parse_json(text)
}

/// Standard base64 with padding (RFC 4648 §4), as HTTP Basic credentials use it.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    imp::base64_encode(bytes)
}

/// URL-safe base64 without padding (RFC 4648 §5), as JWTs and PKCE use it.
pub(crate) fn base64url_encode(bytes: &[u8]) -> String {
    imp::base64_encode(bytes)
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// Decodes URL-safe base64 without padding; `None` when `text` is not that.
pub(crate) fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    // Only the URL-safe alphabet: `atob` would also skip whitespace, which the crate refuses.
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let mut standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    imp::base64_decode(&standard)
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde_json::Value;

    pub(super) fn parse_json(text: &str) -> Option<Value> {
        serde_json::from_str(text).ok()
    }

    pub(super) fn base64_encode(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }

    pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
        STANDARD.decode(text).ok()
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use js_sys::{Array, JsString, Object};
    use serde_json::{Map, Number, Value};
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::{JsCast, JsValue};

    #[wasm_bindgen]
    extern "C" {
        /// The global `btoa` (windows and workers alike): base64 of a string of byte-valued characters.
        #[wasm_bindgen(catch)]
        fn btoa(data: &str) -> Result<String, JsValue>;
        /// The global `atob`: the inverse, failing on anything that is not base64.
        #[wasm_bindgen(catch)]
        fn atob(data: &str) -> Result<String, JsValue>;
    }

    /// serde_json's nesting limit: deeper text is refused there, so it is here too.
    const MAX_DEPTH: usize = 127;

    /// 2^64 and 2^63: the whole numbers serde_json reads as integers lie in [-2^63, 2^64).
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

    pub(super) fn parse_json(text: &str) -> Option<Value> {
        let parsed = js_sys::JSON::parse(text).ok()?;
        from_js(&parsed, 0)
    }

    pub(super) fn base64_encode(bytes: &[u8]) -> String {
        // `btoa` takes each character as one byte; every char made from a u8 is below U+0100.
        let binary: String = bytes.iter().copied().map(char::from).collect();
        btoa(&binary).unwrap_or_default()
    }

    pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
        let binary = atob(text).ok()?;
        // `atob` answers one character per byte, each below U+0100.
        binary.chars().map(|c| u8::try_from(c).ok()).collect()
    }

    /// The `Value` of what `JSON.parse` returned: only null, booleans, numbers, strings, arrays and plain
    /// objects can occur.
    fn from_js(value: &JsValue, depth: usize) -> Option<Value> {
        if let Some(s) = value.as_string() {
            return Some(Value::String(s));
        }
        if let Some(n) = value.as_f64() {
            return Some(number(n));
        }
        if let Some(b) = value.as_bool() {
            return Some(Value::Bool(b));
        }
        if value.is_null() {
            return Some(Value::Null);
        }
        if depth >= MAX_DEPTH {
            return None;
        }
        if Array::is_array(value) {
            let array: &Array = value.unchecked_ref();
            return array
                .iter()
                .map(|item| from_js(&item, depth + 1))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array);
        }
        let mut map = Map::new();
        for entry in Object::entries(value.unchecked_ref()).iter() {
            let entry: Array = entry.unchecked_into();
            let key: JsString = entry.get(0).unchecked_into();
            map.insert(String::from(key), from_js(&entry.get(1), depth + 1)?);
        }
        Some(Value::Object(map))
    }

    /// A whole number as serde_json reads it from text (an integer, when one holds it); anything else as a
    /// double.
    fn number(n: f64) -> Value {
        // The casts are exact: `n` is whole and in the integer type's range.
        if n.fract() == 0.0 && (0.0..TWO_POW_64).contains(&n) {
            Value::Number(Number::from(n as u64))
        } else if n.fract() == 0.0 && (-TWO_POW_63..0.0).contains(&n) {
            Value::Number(Number::from(n as i64))
        } else {
            Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
    }
}

/// The same cases on both targets: natively with `cargo test`, in headless Chromium with
/// `cargo test --target wasm32-unknown-unknown --lib`, so the browser half is held to serde_json's and
/// base64's answers.
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[test]
    fn json_text_becomes_the_value_serde_json_reads() {
        let text = r#"{"s":"a\"\u00e9\ud83d\ude00","t":true,"f":false,"n":null,"i":-42,"u":1795640400,
            "x":-1.5,"a":[1,[],{}],"o":{"k":{"deep":["v"]}},"":0}"#;
        let value = parse_json(text);
        assert_eq!(
            value,
            Some(
                json!({"s": "a\"é😀", "t": true, "f": false, "n": null, "i": -42, "u": 1_795_640_400_u64,
                "x": -1.5, "a": [1, [], {}], "o": {"k": {"deep": ["v"]}}, "": 0})
            )
        );
        let value = value.unwrap_or_default();
        assert!(value["u"].is_u64() && value["i"].is_i64() && value["x"].is_f64());
        // Where a double cannot tell, the value is still the same number.
        let numbers = parse_json("[2e3, 9007199254740993]").unwrap_or_default();
        assert_eq!(numbers[0].as_f64(), Some(2000.0));
        let big = numbers[1].as_u64().unwrap_or_default();
        assert!(big.abs_diff(9_007_199_254_740_993) <= 1, "{big}");
        assert_eq!(parse_json("[]"), Some(json!([])));
        assert_eq!(parse_json(r#""text""#), Some(json!("text")));
    }

    #[test]
    fn what_is_not_json_is_none() {
        for text in [
            "", "{", "{\"a\":}", "[1,]", "nul", "{'a':1}", "<html>", "1 2",
        ] {
            assert_eq!(parse_json(text), None, "{text}");
        }
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse_json(&nested(127)).is_some());
        assert_eq!(
            parse_json(&nested(128)),
            None,
            "deeper than serde_json's limit"
        );
    }

    #[test]
    fn base64_matches_rfc_4648() {
        // RFC 4648 §10 test vectors.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            let url = encoded.trim_end_matches('=');
            assert_eq!(base64url_encode(plain.as_bytes()), url);
            assert_eq!(base64url_decode(url), Some(plain.as_bytes().to_vec()));
        }
        let bytes = [0xfb, 0xff, 0xbf, 0x00, 0x80, 0xfe];
        assert_eq!(base64_encode(&bytes), "+/+/AID+");
        assert_eq!(base64url_encode(&bytes), "-_-_AID-");
        assert_eq!(base64url_decode("-_-_AID-"), Some(bytes.to_vec()));
        assert_eq!(
            base64_encode("é".as_bytes()),
            "w6k=",
            "bytes, not characters"
        );
    }

    #[test]
    fn base64url_refuses_other_alphabets_and_broken_lengths() {
        for text in [
            "+/+/",
            "Zg==",
            "Z",
            "Zm9vY",
            "!!!",
            "Zm 9v",
            "Zm9v    YmFy",
            "Zm9v\nYmFy",
        ] {
            assert_eq!(base64url_decode(text), None, "{text}");
        }
    }
}
