//! The objects Stytch returns (protocol §5). Every struct tolerates missing fields (`#[serde(default)]`)
//! so that a newer or older server never breaks parsing; unknown fields are ignored.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::redact::debug_redacted;

/// `Deserialize` for a model whose every field is optional (missing → `Default`): the object is read as a
/// JSON `Map` and each field taken out of it and converted on its own.
///
/// Same result as `#[derive(Deserialize)] #[serde(default)]` (unknown keys ignored, a value of the wrong
/// type is an error naming the field), but much smaller in wasm: the derive compiles every model's whole
/// field-matching state machine once per deserializer, while this compiles only `Map`'s (which the SDK
/// links anyway) and one small conversion per field *type*. On the session path (member, organization,
/// session) that is about 13 kB of gzipped wasm.
macro_rules! deserialize_from_map {
    ($model:ident { $($field:ident),* $(,)? }) => {
        impl<'de> Deserialize<'de> for $model {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut object = Map::<String, Value>::deserialize(deserializer)?;
                let mut model = $model::default();
                $( take(&mut object, stringify!($field), &mut model.$field)
                    .map_err(serde::de::Error::custom)?; )*
                Ok(model)
            }
        }
    };
}

/// Moves `object[key]`, converted to `T`, into `slot`; leaves `slot` alone when the key is missing.
fn take<T: DeserializeOwned>(
    object: &mut Map<String, Value>,
    key: &str,
    slot: &mut T,
) -> Result<(), String> {
    if let Some(value) = object.remove(key) {
        *slot = serde_json::from_value(value).map_err(|e| format!("`{key}`: {e}"))?;
    }
    Ok(())
}

/// A member's session (`member_session`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberSession {
    pub member_session_id: String,
    pub member_id: String,
    pub organization_id: String,
    pub organization_slug: String,
    /// RFC 3339 timestamps, as the API sends them.
    pub started_at: String,
    pub last_accessed_at: String,
    pub expires_at: String,
    pub authentication_factors: Vec<AuthenticationFactor>,
    pub roles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_claims: Option<Map<String, Value>>,
}

deserialize_from_map!(MemberSession {
    member_session_id,
    member_id,
    organization_id,
    organization_slug,
    started_at,
    last_accessed_at,
    expires_at,
    authentication_factors,
    roles,
    custom_claims
});

/// One factor of a session. The `<x>_factor` sub-object varies by delivery method; it is kept as JSON in
/// `details`, with every other key the server sends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthenticationFactor {
    /// `type` on the wire.
    pub kind: String,
    pub delivery_method: String,
    pub last_authenticated_at: String,
    pub sequence_order: Option<String>,
    pub details: Map<String, Value>,
}

// By hand rather than `#[serde(flatten)]`: flatten buffers every field in serde's private `Content` tree and
// compiles a second deserializer for it (about 1 kB of gzipped wasm in every app). As in
// `deserialize_from_map!`, the known keys are taken out of the object; what is left is `details`.
impl<'de> Deserialize<'de> for AuthenticationFactor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut details = Map::<String, Value>::deserialize(deserializer)?;
        let mut factor = AuthenticationFactor::default();
        take(&mut details, "type", &mut factor.kind).map_err(serde::de::Error::custom)?;
        take(&mut details, "delivery_method", &mut factor.delivery_method)
            .map_err(serde::de::Error::custom)?;
        take(
            &mut details,
            "last_authenticated_at",
            &mut factor.last_authenticated_at,
        )
        .map_err(serde::de::Error::custom)?;
        take(&mut details, "sequence_order", &mut factor.sequence_order)
            .map_err(serde::de::Error::custom)?;
        factor.details = details;
        Ok(factor)
    }
}

impl Serialize for AuthenticationFactor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", &self.kind)?;
        map.serialize_entry("delivery_method", &self.delivery_method)?;
        map.serialize_entry("last_authenticated_at", &self.last_authenticated_at)?;
        if let Some(order) = &self.sequence_order {
            map.serialize_entry("sequence_order", order)?;
        }
        for (key, value) in &self.details {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A role held by a member, with where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberRole {
    pub role_id: String,
    pub sources: Vec<Value>,
}

deserialize_from_map!(MemberRole { role_id, sources });

/// A member of an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Member {
    pub organization_id: String,
    pub member_id: String,
    pub email_address: String,
    pub email_address_verified: bool,
    /// `pending`, `invited`, `active` or `deleted`.
    pub status: String,
    pub name: String,
    pub trusted_metadata: Value,
    pub untrusted_metadata: Value,
    pub created_at: String,
    pub updated_at: String,
    pub is_breakglass: bool,
    pub is_admin: bool,
    pub member_password_id: String,
    pub mfa_enrolled: bool,
    pub mfa_phone_number: String,
    pub mfa_phone_number_verified: bool,
    pub default_mfa_method: String,
    pub totp_registration_id: String,
    pub roles: Vec<MemberRole>,
    pub retired_email_addresses: Vec<Value>,
    pub sso_registrations: Vec<Value>,
    pub oauth_registrations: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

deserialize_from_map!(Member {
    organization_id,
    member_id,
    email_address,
    email_address_verified,
    status,
    name,
    trusted_metadata,
    untrusted_metadata,
    created_at,
    updated_at,
    is_breakglass,
    is_admin,
    member_password_id,
    mfa_enrolled,
    mfa_phone_number,
    mfa_phone_number_verified,
    default_mfa_method,
    totp_registration_id,
    roles,
    retired_email_addresses,
    sso_registrations,
    oauth_registrations,
    external_id
});

/// An organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Organization {
    pub organization_id: String,
    pub organization_name: String,
    pub organization_slug: String,
    pub organization_logo_url: String,
    pub trusted_metadata: Value,
    pub email_allowed_domains: Vec<String>,
    pub email_jit_provisioning: String,
    pub email_invites: String,
    pub sso_jit_provisioning: String,
    pub auth_methods: String,
    pub allowed_auth_methods: Vec<String>,
    pub mfa_methods: String,
    pub allowed_mfa_methods: Vec<String>,
    pub mfa_policy: String,
    pub sso_default_connection_id: Option<String>,
    pub sso_jit_provisioning_allowed_connections: Vec<String>,
    pub oauth_tenant_jit_provisioning: String,
    pub allowed_oauth_tenants: Value,
    /// `[{role_id, domain}]`.
    pub rbac_email_implicit_role_assignments: Vec<Value>,
    /// Organization-specific RBAC roles, merged into the project policy by [`crate::core::rbac`].
    pub custom_roles: Vec<Value>,
    pub created_at: String,
    pub updated_at: String,
}

deserialize_from_map!(Organization {
    organization_id,
    organization_name,
    organization_slug,
    organization_logo_url,
    trusted_metadata,
    email_allowed_domains,
    email_jit_provisioning,
    email_invites,
    sso_jit_provisioning,
    auth_methods,
    allowed_auth_methods,
    mfa_methods,
    allowed_mfa_methods,
    mfa_policy,
    sso_default_connection_id,
    sso_jit_provisioning_allowed_connections,
    oauth_tenant_jit_provisioning,
    allowed_oauth_tenants,
    rbac_email_implicit_role_assignments,
    custom_roles,
    created_at,
    updated_at
});

/// The state Stytch's SDK persists under `stytch_sdk_state_<public_token>`: `{session, member, organization}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub session: MemberSession,
    pub member: Member,
    pub organization: Organization,
}

/// A session token pair, as [`crate::core::session::SessionClient::get_tokens`] returns it. Its `Debug`
/// output shows neither token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTokens {
    pub session_token: String,
    pub session_jwt: String,
}

debug_redacted!(SessionTokens {
    session_token: secret,
    session_jwt: secret
});

/// The common part of every response.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResponseCommon {
    pub request_id: String,
    pub status_code: u16,
}

deserialize_from_map!(ResponseCommon {
    request_id,
    status_code
});

/// `{request_id, status_code, member_id, member, organization}` plus, for login_or_signup, `member_created`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_id: String,
    pub member: Member,
    pub organization: Organization,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_created: Option<bool>,
}

deserialize_from_map!(MemberResponse {
    request_id,
    status_code,
    member_id,
    member,
    organization,
    member_created
});

/// What an authenticate call returns (`B2BAuthenticateResponseWithMFA`). When `member_authenticated` is false
/// there is no `member_session`; an `intermediate_session_token` is kept for the next factor instead.
/// Its `Debug` output shows none of the three tokens.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct AuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_id: String,
    pub member: Member,
    pub organization: Organization,
    pub member_session: Option<MemberSession>,
    pub session_token: String,
    pub session_jwt: String,
    pub intermediate_session_token: String,
    pub member_authenticated: bool,
    pub mfa_required: Option<Value>,
    pub primary_required: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method_id: Option<String>,
}

deserialize_from_map!(AuthenticateResponse {
    request_id,
    status_code,
    member_id,
    member,
    organization,
    member_session,
    session_token,
    session_jwt,
    intermediate_session_token,
    member_authenticated,
    mfa_required,
    primary_required,
    method_id
});

debug_redacted!(AuthenticateResponse {
    request_id,
    status_code,
    member_id,
    member,
    organization,
    member_session,
    session_token: secret,
    session_jwt: secret,
    intermediate_session_token: secret,
    member_authenticated,
    mfa_required,
    primary_required,
    method_id
});

/// `{organization}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct OrganizationEnvelope {
    pub organization: Organization,
}

deserialize_from_map!(OrganizationEnvelope { organization });

/// `{member}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct MemberEnvelope {
    pub member: Member,
}

deserialize_from_map!(MemberEnvelope { member });

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_model_takes_known_keys_ignores_unknown_ones_and_defaults_missing_ones() {
        let member: Member = serde_json::from_value(json!({
            "member_id": "member-test-1",
            "email_address": "a@example.com",
            "email_address_verified": true,
            "trusted_metadata": {"tier": 2},
            "roles": [{"role_id": "stytch_admin", "sources": [{"type": "direct_assignment"}]}],
            "external_id": null,
            "a_field_from_a_newer_server": [1, 2, 3],
        }))
        .unwrap_or_default();
        assert_eq!(member.member_id, "member-test-1");
        assert_eq!(member.email_address, "a@example.com");
        assert!(member.email_address_verified);
        assert_eq!(member.trusted_metadata, json!({"tier": 2}));
        assert_eq!(member.roles.len(), 1);
        assert_eq!(member.roles[0].role_id, "stytch_admin");
        assert_eq!(member.external_id, None);
        assert_eq!(member.status, "", "missing → default");
        assert!(!member.is_admin);
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_naming_the_field() {
        let err = serde_json::from_str::<Member>(r#"{"member_id": "m", "is_admin": "yes"}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`is_admin`"), "{err}");
        let err = serde_json::from_str::<AuthenticateResponse>(r#"{"member": {"roles": 3}}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`roles`"), "{err}");
        assert!(serde_json::from_str::<Organization>("[]").is_err());
    }

    #[test]
    fn an_optional_session_is_none_when_null_or_absent() {
        let parsed = |v: Value| serde_json::from_value::<AuthenticateResponse>(v).ok();
        let with = parsed(json!({"member_session": {"member_session_id": "s1", "roles": ["r"]}}));
        assert_eq!(
            with.and_then(|r| r.member_session)
                .map(|s| (s.member_session_id, s.roles)),
            Some(("s1".to_owned(), vec!["r".to_owned()]))
        );
        let null = parsed(json!({"member_session": null, "member_authenticated": false}));
        assert_eq!(null.map(|r| r.member_session), Some(None));
        assert_eq!(parsed(json!({})).map(|r| r.member_session), Some(None));
    }

    #[test]
    fn a_factor_keeps_its_type_and_every_other_key_and_round_trips() {
        let wire = json!({
            "type": "magic_link",
            "delivery_method": "email",
            "last_authenticated_at": "2026-11-26T00:00:00Z",
            "email_factor": {"email_id": "email-test-1", "email_address": "a@example.com"},
        });
        let factor: AuthenticationFactor = serde_json::from_value(wire.clone()).unwrap_or_default();
        assert_eq!(factor.kind, "magic_link");
        assert_eq!(factor.delivery_method, "email");
        assert_eq!(factor.sequence_order, None);
        assert_eq!(factor.details.len(), 1);
        assert_eq!(factor.details["email_factor"]["email_id"], "email-test-1");
        assert_eq!(serde_json::to_value(&factor).ok(), Some(wire));
        assert!(serde_json::from_value::<AuthenticationFactor>(json!({"type": 1})).is_err());
    }

    #[test]
    fn the_cached_state_round_trips_through_its_json() {
        let state: SessionState = serde_json::from_value(json!({
            "session": {"member_session_id": "s1", "authentication_factors": [
                {"type": "password", "delivery_method": "knowledge", "last_authenticated_at": "t",
                 "sequence_order": "PRIMARY"}]},
            "member": {"member_id": "m1", "roles": [{"role_id": "r", "sources": []}]},
            "organization": {"organization_id": "o1", "sso_default_connection_id": null},
        }))
        .unwrap_or_default();
        assert_eq!(
            state.session.authentication_factors[0]
                .sequence_order
                .as_deref(),
            Some("PRIMARY")
        );
        let again = serde_json::to_string(&state)
            .ok()
            .and_then(|text| serde_json::from_str::<SessionState>(&text).ok());
        assert_eq!(again, Some(state));
    }
}
