//! RS256 signing key: generated with the `rsa` crate, persisted (PKCS#1 DER) in the DB, served
//! as JWKS, and used to mint / verify session JWTs with `jsonwebtoken`.

use std::sync::{Arc, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

use crate::error::{ApiError, EmulatorError};

/// The project's signing key.
pub struct SigningKey {
    pub kid: String,
    pub der: Vec<u8>,
    pub n: String,
    pub e: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generate a fresh 2048-bit key with `kid` = `jwk-test-<uuid>`.
    pub fn generate() -> Result<SigningKey, EmulatorError> {
        let mut rng = rand::rngs::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, 2048)
            .map_err(|e| EmulatorError::Key(e.to_string()))?;
        let der = key
            .to_pkcs1_der()
            .map_err(|e| EmulatorError::Key(e.to_string()))?
            .as_bytes()
            .to_vec();
        Self::from_der(crate::util::new_id("jwk"), der)
    }

    /// Rebuild from the stored PKCS#1 DER.
    pub fn from_der(kid: String, der: Vec<u8>) -> Result<SigningKey, EmulatorError> {
        let key = rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map_err(|e| EmulatorError::Key(e.to_string()))?;
        let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        let encoding = EncodingKey::from_rsa_der(&der);
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| EmulatorError::Key(e.to_string()))?;
        Ok(SigningKey {
            kid,
            der,
            n,
            e,
            encoding,
            decoding,
        })
    }

    /// A process-wide key shared by in-memory emulators (tests start many of them and key
    /// generation is the slowest thing the emulator does).
    pub fn shared() -> Result<Arc<SigningKey>, EmulatorError> {
        static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
        if let Some(k) = KEY.get() {
            return Ok(k.clone());
        }
        let k = Arc::new(Self::generate()?);
        Ok(KEY.get_or_init(|| k).clone())
    }

    /// One JWK as Stytch serves it.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": self.n,
            "e": self.e,
            "key_ops": ["verify"],
            "x5c": [],
            "x5tS256": "",
        })
    }

    /// Sign `claims` as `{alg: RS256, typ: JWT, kid}`.
    pub fn sign(&self, claims: &Value) -> Option<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("JWT".into());
        header.kid = Some(self.kid.clone());
        match jsonwebtoken::encode(&header, claims, &self.encoding) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("stytch-emulator: JWT signing failed: {e}");
                None
            }
        }
    }

    /// Verify signature, `kid`, `iss` and `aud`. Expiry is deliberately NOT enforced here:
    /// per Stytch, `sessions/authenticate` accepts an expired JWT whose signature and
    /// underlying session are still valid (semantics §4). The caller then checks the session.
    pub fn verify(&self, jwt: &str, project_id: &str) -> Result<Value, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let unparsable = || {
            ApiError::new(
                401,
                "unable_to_parse_session_jwt",
                "The session JWT could not be parsed or its signature is invalid.",
            )
        };
        let header = jsonwebtoken::decode_header(jwt).map_err(|_| unparsable())?;
        if header.kid.as_deref() != Some(self.kid.as_str()) || header.alg != Algorithm::RS256 {
            return Err(unparsable());
        }
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_nbf = false;
        v.set_audience(&[project_id]);
        v.set_issuer(&[format!("stytch.com/{project_id}")]);
        v.set_required_spec_claims(&["sub", "aud", "iss", "exp"]);
        match jsonwebtoken::decode::<Value>(jwt, &self.decoding, &v) {
            Ok(d) => Ok(d.claims),
            Err(e) => Err(match e.kind() {
                ErrorKind::InvalidAudience => ApiError::new(
                    401,
                    "jwt_invalid_audience",
                    "The session JWT's audience is not this project.",
                ),
                ErrorKind::InvalidIssuer => ApiError::new(
                    401,
                    "jwt_invalid_issuer",
                    "The session JWT's issuer is not this project.",
                ),
                ErrorKind::MissingRequiredClaim(_) => ApiError::new(
                    401,
                    "jwt_invalid_claims",
                    "The session JWT lacks a required claim.",
                ),
                _ => unparsable(),
            }),
        }
    }
}
