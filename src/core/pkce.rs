//! PKCE pairs, generated and stored exactly like Stytch's `PKCEManager`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::client::{StytchB2BClient, state_key};
use super::redact::debug_redacted;

/// The PKCE namespaces of the JS SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Namespace {
    MagicLinks,
    Passwords,
    Sso,
    Oauth,
}

impl Namespace {
    fn as_str(self) -> &'static str {
        match self {
            Self::MagicLinks => "magic_links",
            Self::Passwords => "passwords",
            Self::Sso => "sso",
            Self::Oauth => "oauth",
        }
    }
}

/// What is stored under `stytch_sdk_state_<pt>::PKCE_VERIFIER:<ns>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PkcePair {
    pub code_challenge: String,
    pub code_verifier: String,
}

debug_redacted!(PkcePair {
    code_challenge,
    code_verifier: secret
});

fn key(client: &StytchB2BClient, ns: Namespace) -> String {
    format!(
        "{}::PKCE_VERIFIER:{}",
        state_key(client.public_token()),
        ns.as_str()
    )
}

/// `base64url(SHA-256(verifier))`, no padding.
pub(crate) fn challenge_for(verifier: &str) -> String {
    super::host::base64url_encode(&Sha256::digest(verifier.as_bytes()))
}

/// 16 random `u32`s, each as lowercase hex left-padded to two characters only (the JS SDK's
/// `toString(16).padStart(2, '0')`), concatenated: 32..128 characters.
fn new_verifier(client: &StytchB2BClient) -> String {
    let mut bytes = [0u8; 64];
    client.inner.runtime.fill_random(&mut bytes);
    bytes
        .chunks_exact(4)
        .map(|c| format!("{:02x}", u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

pub(crate) fn get(client: &StytchB2BClient, ns: Namespace) -> Option<PkcePair> {
    let raw = client.inner.store.get_item(&key(client, ns))?;
    super::json::parse(&raw).ok()
}

/// A new pair, stored and returned.
pub(crate) fn start(client: &StytchB2BClient, ns: Namespace) -> PkcePair {
    let code_verifier = new_verifier(client);
    let pair = PkcePair {
        code_challenge: challenge_for(&code_verifier),
        code_verifier,
    };
    if let Ok(raw) = serde_json::to_string(&pair) {
        client.inner.store.set_item(&key(client, ns), &raw);
    }
    pair
}

/// The stored pair, or a new one (magic-link login reuses an existing pair).
pub(crate) fn get_or_start(client: &StytchB2BClient, ns: Namespace) -> PkcePair {
    get(client, ns).unwrap_or_else(|| start(client, ns))
}

pub(crate) fn clear(client: &StytchB2BClient, ns: Namespace) {
    client.inner.store.remove_item(&key(client, ns));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_rfc7636_s256() {
        // RFC 7636 appendix B.
        assert_eq!(
            challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
