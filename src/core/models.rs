//! The objects Stytch returns. Every struct tolerates missing fields (`#[serde(default)]`)
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
pub(crate) fn take<T: DeserializeOwned>(
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
    /// The session's id.
    pub member_session_id: String,
    /// The member the session belongs to.
    pub member_id: String,
    /// The organization the session is in.
    pub organization_id: String,
    /// That organization's slug.
    pub organization_slug: String,
    /// RFC 3339 timestamps, as the API sends them.
    pub started_at: String,
    /// When the session was last authenticated, RFC 3339.
    pub last_accessed_at: String,
    /// When the session expires unless extended, RFC 3339.
    pub expires_at: String,
    /// The factors the member proved in this session, in order.
    pub authentication_factors: Vec<AuthenticationFactor>,
    /// Every role the member holds in this session, explicit and implicit.
    pub roles: Vec<String>,
    /// Claims the backend added to the session, if any.
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
    /// Where it was delivered or checked: `email`, `sms`, `knowledge`, `oauth_google`, …
    pub delivery_method: String,
    /// When it was last proved, RFC 3339.
    pub last_authenticated_at: String,
    /// `PRIMARY` or `SECONDARY` (MFA), when the server says.
    pub sequence_order: Option<String>,
    /// Every other key, e.g. `email_factor: {email_id, email_address}`.
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
    /// The role's id.
    pub role_id: String,
    /// Why the member holds it: `[{type, details}]`, e.g. `direct_assignment` or `email_assignment`.
    pub sources: Vec<Value>,
}

deserialize_from_map!(MemberRole { role_id, sources });

/// A member of an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Member {
    /// The organization the member belongs to.
    pub organization_id: String,
    /// The member's id.
    pub member_id: String,
    /// The member's email address.
    pub email_address: String,
    /// Whether the member has proved they own the email address.
    pub email_address_verified: bool,
    /// `pending`, `invited`, `active` or `deleted`.
    pub status: String,
    /// The member's display name.
    pub name: String,
    /// Arbitrary JSON only the backend API may write.
    pub trusted_metadata: Value,
    /// Arbitrary JSON the member's own frontend may read and write.
    pub untrusted_metadata: Value,
    /// When the member was created, RFC 3339.
    pub created_at: String,
    /// When the member was last changed, RFC 3339.
    pub updated_at: String,
    /// Whether the member may log in with any method, bypassing the organization's `auth_methods` and MFA policy.
    pub is_breakglass: bool,
    /// Whether the member holds the `stytch_admin` role.
    pub is_admin: bool,
    /// Id of the member's password; empty when it has none.
    pub member_password_id: String,
    /// Whether the member must pass MFA at every login.
    pub mfa_enrolled: bool,
    /// The member's phone number for SMS MFA, E.164; empty when it has none.
    pub mfa_phone_number: String,
    /// Whether an SMS code has been authenticated for `mfa_phone_number`.
    pub mfa_phone_number_verified: bool,
    /// `sms_otp` or `totp`: the factor offered first at MFA; empty when unset.
    pub default_mfa_method: String,
    /// Id of the member's TOTP registration; empty when it has none.
    pub totp_registration_id: String,
    /// The member's roles, each with where it came from.
    pub roles: Vec<MemberRole>,
    /// Email addresses the member used before: `[{email_id, email_address}]`.
    pub retired_email_addresses: Vec<Value>,
    /// The member's SSO identities: `[{connection_id, external_id, registration_id, sso_attributes}]`.
    pub sso_registrations: Vec<Value>,
    /// The member's OAuth identities: `[{member_oauth_registration_id, provider_type, provider_subject, …}]`.
    pub oauth_registrations: Vec<Value>,
    /// The id an external system gave the member, when set.
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
    /// The organization's id.
    pub organization_id: String,
    /// The organization's display name.
    pub organization_name: String,
    /// The organization's unique URL-safe name.
    pub organization_slug: String,
    /// URL of the organization's logo; empty when it has none.
    pub organization_logo_url: String,
    /// Arbitrary JSON only the backend API may write.
    pub trusted_metadata: Value,
    /// Email domains whose users may join by JIT provisioning or be invited when invites are `RESTRICTED`.
    pub email_allowed_domains: Vec<String>,
    /// `RESTRICTED` or `NOT_ALLOWED`: whether users with an allowed email domain may join on first login.
    pub email_jit_provisioning: String,
    /// `ALL_ALLOWED`, `RESTRICTED` (to `email_allowed_domains`) or `NOT_ALLOWED`.
    pub email_invites: String,
    /// `ALL_ALLOWED`, `RESTRICTED` or `NOT_ALLOWED`: who may join on first SSO login.
    pub sso_jit_provisioning: String,
    /// `ALL_ALLOWED`, or `RESTRICTED` to `allowed_auth_methods`.
    pub auth_methods: String,
    /// With `auth_methods` `RESTRICTED`, the methods members may log in with (`sso`, `magic_link`, `password`, `google_oauth`, `email_otp`, …).
    pub allowed_auth_methods: Vec<String>,
    /// `ALL_ALLOWED`, or `RESTRICTED` to `allowed_mfa_methods`.
    pub mfa_methods: String,
    /// With `mfa_methods` `RESTRICTED`, the MFA factors members may use (`sms_otp`, `totp`).
    pub allowed_mfa_methods: Vec<String>,
    /// `OPTIONAL` or `REQUIRED_FOR_ALL`.
    pub mfa_policy: String,
    /// The SSO connection used when a login names only the organization.
    pub sso_default_connection_id: Option<String>,
    /// With `sso_jit_provisioning` `RESTRICTED`, the connections whose users may join on first login.
    pub sso_jit_provisioning_allowed_connections: Vec<String>,
    /// `RESTRICTED` or `NOT_ALLOWED`: whether users of the allowed OAuth tenants may join on first login.
    pub oauth_tenant_jit_provisioning: String,
    /// Provider (`slack`, `hubspot`, `github`) → the tenant ids whose users may join by JIT provisioning.
    pub allowed_oauth_tenants: Value,
    /// `[{role_id, domain}]`.
    pub rbac_email_implicit_role_assignments: Vec<Value>,
    /// Organization-specific RBAC roles, merged into the project policy by [`crate::core::rbac`].
    pub custom_roles: Vec<Value>,
    /// When the organization was created, RFC 3339.
    pub created_at: String,
    /// When the organization was last changed, RFC 3339.
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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionState {
    /// The member's session.
    pub session: MemberSession,
    /// The logged-in member.
    pub member: Member,
    /// The member's organization.
    pub organization: Organization,
}

// As `deserialize_from_map!`, but each of the three keys is required: without one it is not a state.
impl<'de> Deserialize<'de> for SessionState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = Map::<String, Value>::deserialize(deserializer)?;
        for key in ["session", "member", "organization"] {
            if !object.contains_key(key) {
                return Err(serde::de::Error::missing_field(key));
            }
        }
        let mut state = SessionState::default();
        take(&mut object, "session", &mut state.session).map_err(serde::de::Error::custom)?;
        take(&mut object, "member", &mut state.member).map_err(serde::de::Error::custom)?;
        take(&mut object, "organization", &mut state.organization)
            .map_err(serde::de::Error::custom)?;
        Ok(state)
    }
}

/// A session token pair, as [`crate::core::session::SessionClient::get_tokens`] returns it. Its `Debug`
/// output shows neither token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTokens {
    /// The opaque session token (`stytch_session` cookie).
    pub session_token: String,
    /// The session JWT (`stytch_session_jwt` cookie), valid for 5 minutes.
    pub session_jwt: String,
}

debug_redacted!(SessionTokens {
    session_token: secret,
    session_jwt: secret
});

/// The common part of every response.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResponseCommon {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
}

deserialize_from_map!(ResponseCommon {
    request_id,
    status_code
});

/// `{request_id, status_code, member_id, member, organization}` plus, for login_or_signup, `member_created`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The member the call was about.
    pub member_id: String,
    /// That member after the call.
    pub member: Member,
    /// The member's organization.
    pub organization: Organization,
    /// Whether the call created the member (login_or_signup only).
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

/// `primary_required`: the organization needs another primary factor first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrimaryRequired {
    /// The primary methods the organization accepts.
    pub allowed_auth_methods: Vec<String>,
}

deserialize_from_map!(PrimaryRequired {
    allowed_auth_methods
});

/// `mfa_required.member_options`: the second factors the member already has.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MfaMemberOptions {
    /// The member's phone number for SMS codes, E.164; empty when it has none.
    pub mfa_phone_number: String,
    /// Id of the member's TOTP registration; empty when it has none.
    pub totp_registration_id: String,
}

deserialize_from_map!(MfaMemberOptions {
    mfa_phone_number,
    totp_registration_id
});

/// `mfa_required`: the organization (or the member) needs a second factor before a session is issued.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MfaRequired {
    /// The member's enrolled second factors; `None` when the server does not say.
    pub member_options: Option<MfaMemberOptions>,
    /// `"sms_otp"` when the server has just texted the member a code.
    pub secondary_auth_initiated: Option<String>,
}

deserialize_from_map!(MfaRequired {
    member_options,
    secondary_auth_initiated
});

/// What an authenticate call returns (`B2BAuthenticateResponseWithMFA`). When `member_authenticated` is false
/// there is no `member_session`; an `intermediate_session_token` is kept for the next factor instead.
/// Its `Debug` output shows none of the three tokens.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct AuthenticateResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The member who authenticated.
    pub member_id: String,
    /// That member.
    pub member: Member,
    /// The organization they authenticated into.
    pub organization: Organization,
    /// The new session; `None` when another factor is needed first.
    pub member_session: Option<MemberSession>,
    /// The opaque session token; empty without a session or when cookies are HttpOnly.
    pub session_token: String,
    /// The session JWT; empty without a session or when cookies are HttpOnly.
    pub session_jwt: String,
    /// The IST for the next factor when `member_authenticated` is false; empty otherwise.
    pub intermediate_session_token: String,
    /// Whether the member now has a session (no further factor needed).
    pub member_authenticated: bool,
    /// Set when a second factor is needed: [`crate::core::mfa::PendingMfa`] says which screen to show.
    pub mfa_required: Option<MfaRequired>,
    /// Set when the organization needs a different primary factor.
    pub primary_required: Option<PrimaryRequired>,
    /// Id of the email or method used, for magic links and OTPs.
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

/// Reads an authenticate answer that carries fields of its own next to the [`AuthenticateResponse`] ones (OAuth's
/// provider fields, recovery's count): `extra` takes those out of the object with [`take`], the rest is read as
/// the authenticate answer. By hand rather than `#[serde(flatten)]`, for the reason given at
/// [`AuthenticationFactor`]'s `Deserialize`.
pub(crate) fn authenticate_with<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    extra: impl FnOnce(&mut Map<String, Value>) -> Result<T, String>,
) -> Result<(AuthenticateResponse, T), D::Error> {
    let mut object = Map::<String, Value>::deserialize(deserializer)?;
    let own = extra(&mut object).map_err(serde::de::Error::custom)?;
    let response = AuthenticateResponse::deserialize(Value::Object(object))
        .map_err(serde::de::Error::custom)?;
    Ok((response, own))
}

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
    fn an_authenticate_answer_with_extra_fields_reads_both_and_names_a_bad_one() {
        #[derive(Debug)]
        struct Recover(AuthenticateResponse, u32);
        impl<'de> Deserialize<'de> for Recover {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let (a, n) = authenticate_with(d, |o| {
                    let mut n = 0;
                    take(o, "recovery_codes_remaining", &mut n)?;
                    Ok(n)
                })?;
                Ok(Recover(a, n))
            }
        }
        let r: Recover = serde_json::from_value(json!({
            "member_id": "member-test-1", "member_authenticated": true, "recovery_codes_remaining": 9
        }))
        .expect("reads");
        assert_eq!(
            (r.0.member_id.as_str(), r.0.member_authenticated, r.1),
            ("member-test-1", true, 9)
        );
        let e = serde_json::from_value::<Recover>(json!({"recovery_codes_remaining": "nine"}))
            .expect_err("a string is not a count");
        assert!(e.to_string().contains("recovery_codes_remaining"), "{e}");
    }

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
    fn a_cached_state_needs_all_three_parts() {
        let full = json!({"session": {}, "member": {"member_id": "m1"}, "organization": {}});
        let state = serde_json::from_value::<SessionState>(full.clone()).ok();
        assert_eq!(state.map(|s| s.member.member_id), Some("m1".to_owned()));
        for key in ["session", "member", "organization"] {
            let mut partial = full.clone();
            partial.as_object_mut().map(|o| o.remove(key));
            let err = serde_json::from_value::<SessionState>(partial).err();
            assert!(err.is_some_and(|e| e.to_string().contains(key)), "{key}");
        }
        let err = serde_json::from_value::<SessionState>(
            json!({"session": 1, "member": {}, "organization": {}}),
        );
        assert!(err.is_err());
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
