//! RS256 signing key: generated with the `rsa` crate, persisted (PKCS#1 DER) in the DB, served
//! as JWKS, and used to mint / verify session JWTs with `jsonwebtoken`.

use crate::error::ApiError;
use crate::error::EmulatorError;
use crate::error::ErrorType;
use crate::infra::ids;
use crate::infra::memo::Memo;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::EncodingKey;
use jsonwebtoken::Validation;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::Value;
use serde_json::json;
use std::sync::Arc;
use std::sync::OnceLock;

/// The project's signing key.
pub struct SigningKey {
    pub kid: String,
    pub der: Vec<u8>,
    pub n: String,
    pub e: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// `base64url` of this key's JWT header, the same for every JWT it signs.
    header: String,
    /// Recently signed claims (their JSON text → JWT). The header is fixed per key and RS256
    /// (PKCS#1 v1.5) is deterministic, so the same claims always get the same JWT: answering a
    /// repeat from here is byte-identical to signing again, without the milliseconds of RSA (and
    /// without encoding the message again). Claims carry second-precision times, so repeats
    /// happen when one session is authenticated several times within a second.
    signed: Memo<String>,
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
        Self::from_der(ids::new_id("jwk"), der)
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
        let header =
            URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT", "kid": kid}).to_string());
        Ok(SigningKey {
            header,
            kid,
            der,
            n,
            e,
            encoding,
            decoding,
            signed: Memo::default(),
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

    /// Sign the claims given as JSON text, as `{alg: RS256, typ: JWT, kid}` (a repeat of recent
    /// claims is answered from [`SigningKey::signed`]).
    pub fn sign_json(&self, claims: &str) -> Option<String> {
        let signed = self.signed.get_or_make(
            claims,
            |_| true,
            || {
                let message = format!("{}.{}", self.header, URL_SAFE_NO_PAD.encode(claims));
                let signature = jsonwebtoken::crypto::sign(
                    message.as_bytes(),
                    &self.encoding,
                    Algorithm::RS256,
                )
                .map_err(|e| {
                    tracing::error!("JWT signing failed: {e}");
                    ApiError::internal()
                })?;
                Ok(format!("{message}.{signature}"))
            },
        );
        signed.ok()
    }

    /// Verify signature, `kid`, `iss` and `aud`. Expiry is deliberately NOT enforced here:
    /// per Stytch, `sessions/authenticate` accepts an expired JWT whose signature and
    /// underlying session are still valid. The caller then checks the session.
    pub fn verify(&self, jwt: &str, project_id: &str) -> Result<Value, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let unparsable = || {
            ApiError::new(
                ErrorType::UnableToParseSessionJwt,
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
                    ErrorType::JwtInvalidAudience,
                    "The session JWT's audience is not this project.",
                ),
                ErrorKind::InvalidIssuer => ApiError::new(
                    ErrorType::JwtInvalidIssuer,
                    "The session JWT's issuer is not this project.",
                ),
                ErrorKind::MissingRequiredClaim(_) => ApiError::new(
                    ErrorType::JwtInvalidClaims,
                    "The session JWT lacks a required claim.",
                ),
                _ => unparsable(),
            }),
        }
    }

    /// Verify an ID token this key signed for `issuer` and `audience` (the emulator's stand-in for a
    /// provider's credential, e.g. Google One Tap's): signature, `kid`, `iss`, `aud`, and `exp`
    /// against `now` (the emulator clock, not the system's).
    pub fn verify_id_token(
        &self,
        jwt: &str,
        issuer: &str,
        audience: &str,
        now: i64,
    ) -> Result<Value, ApiError> {
        use jsonwebtoken::errors::ErrorKind;
        let invalid = || {
            ApiError::new(
                ErrorType::IdTokenInvalid,
                "The ID token could not be parsed or its signature is invalid.",
            )
        };
        let header = jsonwebtoken::decode_header(jwt).map_err(|_| invalid())?;
        if header.kid.as_deref() != Some(self.kid.as_str()) || header.alg != Algorithm::RS256 {
            return Err(invalid());
        }
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_nbf = false;
        v.set_audience(&[audience]);
        v.set_issuer(&[issuer]);
        v.set_required_spec_claims(&["sub", "aud", "iss", "exp"]);
        let claims = match jsonwebtoken::decode::<Value>(jwt, &self.decoding, &v) {
            Ok(d) => d.claims,
            Err(e) => {
                return Err(match e.kind() {
                    ErrorKind::InvalidAudience => ApiError::new(
                        ErrorType::IdTokenIncorrectAudience,
                        "The ID token was issued for another client.",
                    ),
                    _ => invalid(),
                });
            }
        };
        if claims["exp"].as_i64().is_none_or(|exp| exp <= now) {
            return Err(ApiError::new(
                ErrorType::IdTokenExpired,
                "The ID token has expired.",
            ));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(iat: i64) -> Value {
        json!({"sub": "member-test-1", "aud": ["project-test-1"], "iss": "stytch.com/project-test-1",
               "iat": iat, "nbf": iat, "exp": iat + 300})
    }

    #[test]
    fn signed_jwts_verify_and_repeats_come_from_the_memo() -> Result<(), Box<dyn std::error::Error>>
    {
        let key = SigningKey::shared()?;
        let first = key
            .sign_json(&claims(1_700_000_000).to_string())
            .ok_or("signing failed")?;
        let header = jsonwebtoken::decode_header(&first)?;
        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        assert_eq!(header.kid.as_deref(), Some(key.kid.as_str()));
        let verified = key
            .verify(&first, "project-test-1")
            .map_err(|e| format!("{e:?}"))?;
        assert_eq!(verified["iat"], 1_700_000_000);

        assert_eq!(
            key.sign_json(&claims(1_700_000_000).to_string()).as_deref(),
            Some(first.as_str())
        );

        let other = key
            .sign_json(&claims(1_700_000_001).to_string())
            .ok_or("signing failed")?;
        assert_ne!(other, first);
        assert!(key.verify(&other, "project-test-1").is_ok());
        Ok(())
    }

    #[test]
    fn a_memoized_signature_is_the_one_rsa_gives() -> Result<(), Box<dyn std::error::Error>> {
        let key = SigningKey::shared()?;
        let jwt = key
            .sign_json(&claims(1_600_000_000).to_string())
            .ok_or("signing failed")?;
        let (message, signature) = jwt.rsplit_once('.').ok_or("no signature")?;
        let fresh =
            jsonwebtoken::crypto::sign(message.as_bytes(), &key.encoding, Algorithm::RS256)?;
        assert_eq!(signature, fresh);
        Ok(())
    }

    #[test]
    fn id_tokens_are_checked_for_audience_issuer_and_expiry()
    -> Result<(), Box<dyn std::error::Error>> {
        let key = SigningKey::shared()?;
        let token = |aud: &str, iss: &str, exp: i64| {
            key.sign_json(
                &json!({"sub": "u", "aud": aud, "iss": iss, "iat": 0, "exp": exp}).to_string(),
            )
            .ok_or("signing failed")
        };
        let iss = "https://accounts.google.com";
        let ok = key.verify_id_token(&token("client", iss, 1_000)?, iss, "client", 999);
        assert_eq!(ok.map_err(|e| format!("{e:?}"))?["sub"], "u");
        let kind = |r: Result<Value, ApiError>| r.err().map(|e| e.error_type);
        assert_eq!(
            kind(key.verify_id_token(&token("other", iss, 1_000)?, iss, "client", 999)),
            Some(ErrorType::IdTokenIncorrectAudience)
        );
        assert_eq!(
            kind(key.verify_id_token(&token("client", iss, 1_000)?, iss, "client", 1_000)),
            Some(ErrorType::IdTokenExpired)
        );
        assert_eq!(
            kind(key.verify_id_token(
                &token("client", "https://evil.example", 1_000)?,
                iss,
                "client",
                999
            )),
            Some(ErrorType::IdTokenInvalid)
        );
        assert_eq!(
            kind(key.verify_id_token("not.a.jwt", iss, "client", 0)),
            Some(ErrorType::IdTokenInvalid)
        );
        Ok(())
    }
}
