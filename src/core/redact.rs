//! `Debug` output that never shows a secret: session tokens, JWTs, intermediate session tokens,
//! magic-link, OTP and reset tokens, passwords, PKCE verifiers. Apps log requests, responses and
//! errors with `{:?}`; a token in such a log is a session anyone with the log can take over.
//!
//! One mechanism for every type: [`Redacted`] prints a secret as `[redacted]` (an empty one as `""`, so
//! a log still tells "no token" from "a token"), and [`debug_redacted!`] writes a type's `Debug` with
//! its secret fields marked `: secret`. The macro destructures the whole struct, so a field added
//! later and left out of the list is a compile error, not a silent leak.

use std::fmt;

use serde_json::Value;

/// Prints a secret without its value: `[redacted]`, or `""` when it is empty.
pub(crate) struct Redacted<'a, T: ?Sized>(pub &'a T);

const REDACTED: &str = "[redacted]";

impl fmt::Debug for Redacted<'_, str> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str(REDACTED)
        }
    }
}

impl fmt::Debug for Redacted<'_, String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Redacted(self.0.as_str()).fmt(f)
    }
}

impl fmt::Debug for Redacted<'_, Option<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => f.debug_tuple("Some").field(&Redacted(s.as_str())).finish(),
            None => f.write_str("None"),
        }
    }
}

/// A list of secrets (recovery codes) prints as its length: `[redacted; 10]`.
impl fmt::Debug for Redacted<'_, Vec<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{REDACTED}; {}]", self.0.len())
    }
}

/// `impl Debug` for a struct, printing the fields marked `: secret` through [`Redacted`]:
/// `debug_redacted!(SessionTokens { session_token: secret, session_jwt: secret });`.
macro_rules! debug_redacted {
    (@value $value:ident) => { $value };
    (@value $value:ident secret) => { &$crate::core::redact::Redacted($value) };
    ($ty:ident { $($field:ident $(: $marker:ident)?),* $(,)? }) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let Self { $($field),* } = self;
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), $crate::core::redact::debug_redacted!(@value $field $($marker)?)))*
                    .finish()
            }
        }
    };
}
pub(crate) use debug_redacted;

/// True for a JSON key whose string value is a secret in Stytch's API: every `*token*` (session, IST,
/// magic link, reset), `*jwt*`, `*password*` (the password itself; `member_password_id` is caught too,
/// harmlessly), `*verifier*`, `*secret*`, `*recovery_code*`, a connected app's `authorization_code`, an
/// OTP's `code` and a TOTP `qr_code` (it encodes the secret).
fn is_secret_key(key: &str) -> bool {
    key == "code"
        || key == "qr_code"
        || [
            "token",
            "jwt",
            "password",
            "verifier",
            "secret",
            "recovery_code",
            "authorization_code",
        ]
        .iter()
        .any(|word| key.contains(word))
}

fn redact_json(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field {
                    Value::String(s) if is_secret_key(key) && !s.is_empty() => {
                        *s = REDACTED.to_owned();
                    }
                    // A connected app's `redirect_uri` with the authorization code in its query.
                    Value::String(s) if key == "redirect_uri" && s.contains("code=") => {
                        *s = REDACTED.to_owned();
                    }
                    // `recovery_codes: ["xxxx-xxxx-xxxx", …]`
                    Value::Array(items) if is_secret_key(key) => {
                        for item in items.iter_mut() {
                            if let Value::String(s) = item {
                                *s = REDACTED.to_owned();
                            } else {
                                redact_json(item);
                            }
                        }
                    }
                    _ => redact_json(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// An HTTP body for `Debug`: JSON with the secret values replaced (see [`is_secret_key`]); anything
/// else only by its length, since there is no telling what it holds.
pub(crate) struct RedactedBody<'a>(pub &'a str);

impl fmt::Debug for RedactedBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match super::host::parse_json(self.0) {
            Some(mut json) => {
                redact_json(&mut json);
                fmt::Debug::fmt(&json.to_string(), f)
            }
            None if self.0.is_empty() => f.write_str("\"\""),
            None => write!(f, "[{} bytes, not JSON: redacted]", self.0.len()),
        }
    }
}

/// Headers as `(name, value)` pairs, with the values that carry credentials redacted: `Authorization`
/// (the session token, base64) and `Cookie`.
pub(crate) struct RedactedHeaders<'a>(pub &'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("cookie") {
                list.entry(&(name, Redacted(value.as_str())));
            } else {
                list.entry(&(name, value));
            }
        }
        list.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_body_keeps_its_shape_and_loses_its_secrets() {
        let body = r#"{"session_token":"st-1","member":{"member_password_id":"p","name":"Ada"},
            "list":[{"code":"123456"}],"session_jwt":"","status_code":200,
            "recovery_codes":["abcd-efgh-ijkl"],"qr_code":"data:image/png;base64,QR","secret":"JBSW"}"#;
        let shown = format!("{:?}", RedactedBody(body));
        for secret in [
            "st-1",
            "123456",
            "\\\"p\\\"",
            "abcd-efgh-ijkl",
            "base64,QR",
            "JBSW",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        for kept in ["Ada", "status_code", "200", "session_jwt\\\":\\\"\\\""] {
            assert!(shown.contains(kept), "{kept} missing from {shown}");
        }
    }

    #[test]
    fn a_connected_apps_code_is_hidden_also_inside_its_redirect_uri() {
        let body = r#"{"authorization_code":"code-1","redirect_uri":"https://app.example/cb?code=code-1&state=s"}"#;
        let shown = format!("{:?}", RedactedBody(body));
        assert!(!shown.contains("code-1"), "{shown}");
        let request = r#"{"redirect_uri":"https://app.example/cb","client_id":"c"}"#;
        let shown = format!("{:?}", RedactedBody(request));
        assert!(shown.contains("https://app.example/cb"), "{shown}");
    }

    #[test]
    fn a_body_that_is_not_json_shows_only_its_length() {
        assert_eq!(
            format!("{:?}", RedactedBody("token=abc")),
            "[9 bytes, not JSON: redacted]"
        );
        assert_eq!(format!("{:?}", RedactedBody("")), "\"\"");
    }
}
