//! Property test over every route of the router: random methods, path parameters (valid,
//! random unicode, bad percent-encoding), query strings, auth (none, SDK public token, SDK
//! session, backend secret, garbage), content types and bodies (random bytes, random JSON,
//! numbers where strings go, 10k-deep nesting, multi-megabyte strings). The emulator must never
//! answer 5xx or panic, every 4xx must be Stytch error JSON, and it must be healthy afterwards.
//!
//! The route list is kept here (from the `.route(` calls and `emulator/README.md`);
//! `every_listed_route_exists` fails when a listed route disappears, so the list cannot rot
//! silently. Cases are generated from a fixed seed, so a run is reproducible.

mod common;

use std::panic::AssertUnwindSafe;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp, basic, check_error_json};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};

const CASES: u32 = 3000;

const ROUTES: &[(&str, &str)] = &[
    // SDK
    ("GET", "/sdk/v1/projects/bootstrap/{public_token}"),
    ("POST", "/sdk/v1/events"),
    ("POST", "/sdk/v1/b2b/magic_links/email/login_or_signup"),
    ("POST", "/sdk/v1/b2b/magic_links/authenticate"),
    ("POST", "/sdk/v1/b2b/magic_links/email/invite"),
    ("POST", "/sdk/v1/b2b/magic_links/email/discovery/send"),
    ("POST", "/sdk/v1/b2b/magic_links/discovery/authenticate"),
    ("POST", "/sdk/v1/b2b/sessions/authenticate"),
    ("POST", "/sdk/v1/b2b/sessions/revoke"),
    ("POST", "/sdk/v1/b2b/sessions/exchange"),
    ("GET", "/sdk/v1/b2b/organizations/me"),
    ("PUT", "/sdk/v1/b2b/organizations/me"),
    ("DELETE", "/sdk/v1/b2b/organizations/me"),
    ("POST", "/sdk/v1/b2b/organizations/search"),
    ("GET", "/sdk/v1/b2b/organizations/members/me"),
    ("POST", "/sdk/v1/b2b/organizations/members"),
    ("POST", "/sdk/v1/b2b/organizations/me/members/search"),
    ("PUT", "/sdk/v1/b2b/organizations/members/update"),
    (
        "DELETE",
        "/sdk/v1/b2b/organizations/members/deletePhoneNumber",
    ),
    ("DELETE", "/sdk/v1/b2b/organizations/members/deleteTOTP"),
    (
        "POST",
        "/sdk/v1/b2b/organizations/members/unlink_retired_email",
    ),
    (
        "POST",
        "/sdk/v1/b2b/organizations/members/start_email_update",
    ),
    (
        "DELETE",
        "/sdk/v1/b2b/organizations/members/passwords/{password_id}",
    ),
    (
        "DELETE",
        "/sdk/v1/b2b/organizations/members/mfa_phone_numbers/{member_id}",
    ),
    (
        "DELETE",
        "/sdk/v1/b2b/organizations/members/totp/{member_id}",
    ),
    ("PUT", "/sdk/v1/b2b/organizations/members/{member_id}"),
    ("DELETE", "/sdk/v1/b2b/organizations/members/{member_id}"),
    (
        "PUT",
        "/sdk/v1/b2b/organizations/members/{member_id}/reactivate",
    ),
    (
        "POST",
        "/sdk/v1/b2b/organizations/members/{member_id}/unlink_retired_email",
    ),
    (
        "POST",
        "/sdk/v1/b2b/organizations/members/{member_id}/start_email_update",
    ),
    ("POST", "/sdk/v1/b2b/discovery/organizations"),
    ("POST", "/sdk/v1/b2b/discovery/organizations/create"),
    (
        "POST",
        "/sdk/v1/b2b/discovery/intermediate_sessions/exchange",
    ),
    ("POST", "/sdk/v1/b2b/otps/email/login_or_signup"),
    ("POST", "/sdk/v1/b2b/otps/email/authenticate"),
    ("POST", "/sdk/v1/b2b/otps/email/discovery/send"),
    ("POST", "/sdk/v1/b2b/otps/email/discovery/authenticate"),
    ("POST", "/sdk/v1/b2b/passwords/authenticate"),
    ("POST", "/sdk/v1/b2b/passwords/email/reset/start"),
    ("POST", "/sdk/v1/b2b/passwords/email/reset"),
    ("POST", "/sdk/v1/b2b/passwords/existing_password/reset"),
    ("POST", "/sdk/v1/b2b/passwords/session/reset"),
    ("POST", "/sdk/v1/b2b/passwords/strength_check"),
    ("POST", "/sdk/v1/b2b/passwords/discovery/authenticate"),
    ("POST", "/sdk/v1/b2b/passwords/discovery/reset/start"),
    ("POST", "/sdk/v1/b2b/passwords/discovery/reset"),
    ("POST", "/sdk/v1/b2b/otps/sms/send"),
    ("POST", "/sdk/v1/b2b/otps/sms/authenticate"),
    ("POST", "/sdk/v1/b2b/totp"),
    ("POST", "/sdk/v1/b2b/totp/authenticate"),
    ("POST", "/sdk/v1/b2b/recovery_codes/recover"),
    ("POST", "/sdk/v1/b2b/recovery_codes/rotate"),
    ("GET", "/sdk/v1/b2b/recovery_codes"),
    ("POST", "/sdk/v1/b2b/impersonation/authenticate"),
    ("POST", "/sdk/v1/b2b/sessions/revoke/{member_id}"),
    ("POST", "/sdk/v1/b2b/sessions/exchange_access_token"),
    ("POST", "/sdk/v1/b2b/sessions/attest"),
    // Backend
    ("GET", "/sdk/v1/b2b/sso"),
    ("DELETE", "/sdk/v1/b2b/sso/{connection_id}"),
    ("POST", "/sdk/v1/b2b/sso/saml"),
    ("PUT", "/sdk/v1/b2b/sso/saml/{connection_id}"),
    ("PUT", "/sdk/v1/b2b/sso/saml/{connection_id}/url"),
    (
        "DELETE",
        "/sdk/v1/b2b/sso/saml/{connection_id}/verification_certificates/{certificate_id}",
    ),
    (
        "DELETE",
        "/sdk/v1/b2b/sso/saml/{connection_id}/encryption_private_key/{private_key_id}",
    ),
    ("POST", "/sdk/v1/b2b/sso/oidc"),
    ("PUT", "/sdk/v1/b2b/sso/oidc/{connection_id}"),
    ("POST", "/sdk/v1/b2b/sso/external"),
    ("PUT", "/sdk/v1/b2b/sso/external/{connection_id}"),
    ("GET", "/sdk/v1/b2b/sso/discovery/connections"),
    ("POST", "/sdk/v1/b2b/sso/authenticate"),
    ("POST", "/sdk/v1/b2b/scim"),
    ("GET", "/sdk/v1/b2b/scim"),
    ("PUT", "/sdk/v1/b2b/scim/{connection_id}"),
    ("DELETE", "/sdk/v1/b2b/scim/{connection_id}"),
    ("POST", "/sdk/v1/b2b/scim/groups"),
    ("POST", "/sdk/v1/b2b/scim/rotate/start"),
    ("POST", "/sdk/v1/b2b/scim/rotate/complete"),
    ("POST", "/sdk/v1/b2b/scim/rotate/cancel"),
    ("POST", "/sdk/v1/idp/b2b/oauth/authorize/start"),
    ("POST", "/sdk/v1/idp/b2b/oauth/authorize/submit"),
    ("POST", "/sdk/v1/b2b/oauth/logout/start"),
    ("POST", "/v1/b2b/idp/oauth/authorize/start"),
    ("POST", "/v1/b2b/idp/oauth/authorize"),
    ("GET", "/.well-known/openid-configuration"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("GET", "/v1/oauth2/authorize"),
    ("POST", "/v1/oauth2/token"),
    ("POST", "/v1/public/{project_id}/oauth2/token"),
    ("GET", "/v1/oauth2/userinfo"),
    ("GET", "/v1/public/sso/start"),
    ("GET", "/v1/b2b/sso/callback/{connection_id}"),
    ("GET", "/emulator/idp/authorize"),
    ("POST", "/emulator/idp/authorize"),
    ("GET", "/emulator/idp/.well-known/openid-configuration"),
    ("GET", "/emulator/idp/oidc/authorize"),
    ("POST", "/emulator/idp/oidc/token"),
    ("GET", "/emulator/idp/oidc/userinfo"),
    ("GET", "/emulator/idp/oidc/jwks"),
    ("GET", "/v1/b2b/public/oauth/{provider}/start"),
    ("GET", "/v1/b2b/public/oauth/{provider}/discovery/start"),
    ("GET", "/v1/oauth/callback/{callback_id}"),
    ("POST", "/sdk/v1/b2b/oauth/authenticate"),
    ("POST", "/sdk/v1/b2b/oauth/discovery/authenticate"),
    ("GET", "/sdk/v1/b2b/oauth/google/onetap/start"),
    ("POST", "/sdk/v1/b2b/oauth/google/onetap/submit"),
    ("POST", "/sdk/v1/b2b/oauth/google/onetap/discovery/submit"),
    ("POST", "/v1/b2b/organizations"),
    ("GET", "/v1/b2b/organizations/{organization_id}"),
    ("PUT", "/v1/b2b/organizations/{organization_id}"),
    ("DELETE", "/v1/b2b/organizations/{organization_id}"),
    ("POST", "/v1/b2b/organizations/{organization_id}/members"),
    ("GET", "/v1/b2b/organizations/{organization_id}/member"),
    ("POST", "/v1/b2b/organizations/members/search"),
    (
        "PUT",
        "/v1/b2b/organizations/{organization_id}/members/{member_id}",
    ),
    (
        "DELETE",
        "/v1/b2b/organizations/{organization_id}/members/{member_id}",
    ),
    (
        "PUT",
        "/v1/b2b/organizations/{organization_id}/members/{member_id}/reactivate",
    ),
    ("GET", "/v1/b2b/sessions"),
    ("POST", "/v1/b2b/sessions/authenticate"),
    ("POST", "/v1/b2b/sessions/revoke"),
    ("GET", "/v1/b2b/sessions/jwks/{project_id}"),
    ("POST", "/v1/b2b/otps/sms/send"),
    ("POST", "/v1/b2b/otps/sms/authenticate"),
    ("POST", "/v1/b2b/totp"),
    ("POST", "/v1/b2b/totp/authenticate"),
    ("POST", "/v1/b2b/recovery_codes/recover"),
    ("POST", "/v1/b2b/recovery_codes/rotate"),
    (
        "GET",
        "/v1/b2b/recovery_codes/{organization_id}/{member_id}",
    ),
    ("POST", "/v1/b2b/impersonation/authenticate"),
    // SCIM 2.0 at a connection's base_url (errors are SCIM error bodies, see `check_scim_error`)
    (
        "GET",
        "/v1/b2b/scim/{scim_connection_id}/ServiceProviderConfig",
    ),
    ("GET", "/v1/b2b/scim/{scim_connection_id}/ResourceTypes"),
    (
        "GET",
        "/v1/b2b/scim/{scim_connection_id}/ResourceTypes/{type_name}",
    ),
    ("GET", "/v1/b2b/scim/{scim_connection_id}/Schemas"),
    (
        "GET",
        "/v1/b2b/scim/{scim_connection_id}/Schemas/{schema_id}",
    ),
    ("GET", "/v1/b2b/scim/{scim_connection_id}/Users"),
    ("POST", "/v1/b2b/scim/{scim_connection_id}/Users"),
    ("POST", "/v1/b2b/scim/{scim_connection_id}/Users/.search"),
    ("POST", "/v1/b2b/scim/{scim_connection_id}/.search"),
    ("GET", "/v1/b2b/scim/{scim_connection_id}/Users/{user_id}"),
    ("PUT", "/v1/b2b/scim/{scim_connection_id}/Users/{user_id}"),
    ("PATCH", "/v1/b2b/scim/{scim_connection_id}/Users/{user_id}"),
    (
        "DELETE",
        "/v1/b2b/scim/{scim_connection_id}/Users/{user_id}",
    ),
    ("GET", "/v1/b2b/scim/{scim_connection_id}/Groups"),
    ("POST", "/v1/b2b/scim/{scim_connection_id}/Groups"),
    ("POST", "/v1/b2b/scim/{scim_connection_id}/Groups/.search"),
    ("GET", "/v1/b2b/scim/{scim_connection_id}/Groups/{group_id}"),
    ("PUT", "/v1/b2b/scim/{scim_connection_id}/Groups/{group_id}"),
    (
        "PATCH",
        "/v1/b2b/scim/{scim_connection_id}/Groups/{group_id}",
    ),
    (
        "DELETE",
        "/v1/b2b/scim/{scim_connection_id}/Groups/{group_id}",
    ),
    // Control
    ("GET", "/emulator/v1/messages"),
    ("DELETE", "/emulator/v1/messages"),
    ("POST", "/emulator/v1/reset"),
    ("GET", "/emulator/v1/project"),
    ("GET", "/emulator/v1/health"),
    ("GET", "/emulator/v1/organizations"),
    ("GET", "/emulator/v1/settings"),
    ("POST", "/emulator/v1/settings"),
    ("POST", "/emulator/v1/sessions"),
    ("POST", "/emulator/v1/impersonation_tokens"),
    ("POST", "/emulator/v1/sso/tokens"),
    ("POST", "/emulator/v1/oauth/tokens"),
    ("POST", "/emulator/v1/google/id_token"),
    ("POST", "/emulator/v1/connected_apps"),
];

/// Field names the handlers read, so random bodies reach past "missing field".
const FIELDS: &[&str] = &[
    "email_address",
    "organization_id",
    "organization_slug",
    "organization_name",
    "organization_ids",
    "member_id",
    "password",
    "existing_password",
    "new_password",
    "password_reset_token",
    "magic_links_token",
    "discovery_magic_links_token",
    "session_token",
    "session_jwt",
    "session_duration_minutes",
    "session_custom_claims",
    "intermediate_session_token",
    "code",
    "code_verifier",
    "pkce_code_challenge",
    "pkce_code_verifier",
    "code_challenge",
    "login_redirect_url",
    "signup_redirect_url",
    "discovery_redirect_url",
    "reset_password_redirect_url",
    "invite_redirect_url",
    "login_expiration_minutes",
    "signup_expiration_minutes",
    "reset_password_expiration_minutes",
    "name",
    "roles",
    "trusted_metadata",
    "untrusted_metadata",
    "mfa_phone_number",
    "mfa_enrolled",
    "email_allowed_domains",
    "email_jit_provisioning",
    "allowed_auth_methods",
    "auth_methods",
    "mfa_policy",
    "limit",
    "cursor",
    "query",
    "operator",
    "operands",
    "filter_name",
    "filter_value",
    "http_only_cookies",
    "locale",
    "create_member_as_pending",
    "is_breakglass",
    "external_id",
    "member_session_id",
    "mfa_methods",
    "allowed_mfa_methods",
    "default_mfa_method",
    "set_mfa_enrollment",
    "set_default_mfa",
    "expiration_minutes",
    "recovery_code",
    "impersonation_token",
    "impersonator_email_address",
    "reason",
    "access_token",
    "profile_id",
    "token",
    "connection_id",
    "display_name",
    "identity_provider",
    "idp_entity_id",
    "idp_sso_url",
    "x509_certificate",
    "attribute_mapping",
    "metadata_url",
    "saml_encryption_private_key",
    "signing_private_key",
    "saml_connection_implicit_role_assignments",
    "saml_group_implicit_role_assignments",
    "external_organization_id",
    "external_connection_id",
    "issuer",
    "client_id",
    "client_secret",
    "sso_token",
    "oauth_token",
    "discovery_oauth_token",
    "custom_scopes",
    "public_token",
    "state",
    "flow",
    "email",
    "action",
    "groups",
    "error",
    "provider",
    "slug",
    "hosted_domain",
    "tenant_id",
    "id_token",
    "response_type",
    "redirect_uri",
    "scope",
    "nonce",
    "code_challenge_method",
    "grant_type",
    "scopes",
    "prompt",
    "code_challenge",
    "consent_granted",
    "resources",
    "post_logout_redirect_uri",
    "id_token_hint",
    "refresh_token",
    "client_type",
    "client_name",
    "redirect_urls",
    "access_token_expiry_minutes",
    "schemas",
    "userName",
    "active",
    "emails",
    "displayName",
    "members",
    "Operations",
    "filter",
    "attributes",
    "excludedAttributes",
    "startIndex",
    "count",
    "op",
    "path",
    "value",
];

/// What a case may use from the live emulator.
#[derive(Clone)]
struct Ctx {
    public_token: String,
    project_id: String,
    secret: String,
    org_id: String,
    member_id: String,
    password_id: String,
    session: String,
    connection_id: String,
    scim_connection_id: String,
    scim_token: String,
    scim_user_id: String,
    scim_group_id: String,
}

#[derive(Debug, Clone)]
enum Param {
    Valid,
    Random(String),
    Raw(&'static str),
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    SdkPublic,
    SdkSession,
    Backend,
    BackendWrongSecret,
    ScimBearer,
    Basic(String, String),
    Header(Vec<u8>),
}

#[derive(Debug, Clone)]
enum BodyKind {
    Empty,
    Bytes(Vec<u8>),
    Json(Value),
    Object(Map<String, Value>),
    Deep {
        depth: usize,
        objects: bool,
        in_field: bool,
    },
    Huge {
        bytes: usize,
        field: &'static str,
    },
}

#[derive(Debug, Clone)]
struct Case {
    route: usize,
    method: Option<&'static str>,
    params: Vec<Param>,
    query: Option<String>,
    auth: Auth,
    content_type: Option<&'static str>,
    body: BodyKind,
    extra: Vec<(&'static str, String)>,
}

const MALFORMED: &[&str] = &[
    "%zz", "%FF%FE", "%", "%C0%AF", "%E2%82", "%00", "a%2Fb", "..%2F..", "%2e%2e", "%25zz",
];

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn json_value(ctx: &Ctx) -> impl Strategy<Value = Value> + use<> {
    let useful = prop_oneof![
        Just(json!(ctx.org_id)),
        Just(json!(ctx.member_id)),
        Just(json!(ctx.session)),
        Just(json!("admin@example.com")),
        Just(json!("new@example.com")),
        Just(json!("http://localhost:8080/")),
        Just(json!("acme")),
        Just(json!("stytch_admin")),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        useful,
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    proptest::sample::select(FIELDS).prop_map(String::from),
                    "\\PC{0,12}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn case(ctx: &Ctx) -> impl Strategy<Value = Case> + use<> {
    let param = prop_oneof![
        6 => Just(Param::Valid),
        2 => "\\PC{0,30}".prop_map(Param::Random),
        1 => any::<String>().prop_map(Param::Random),
        2 => proptest::sample::select(MALFORMED).prop_map(Param::Raw),
    ];
    let query = prop_oneof![
        4 => Just(None),
        2 => proptest::collection::vec(
            (proptest::sample::select(FIELDS), "\\PC{0,20}"),
            0..4
        )
        .prop_map(|kv| Some(
            kv.iter()
                .map(|(k, v)| format!("{}={}", k, encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        )),
        1 => proptest::sample::select(MALFORMED).prop_map(|m| Some(format!("to={m}&member_id={m}"))),
    ];
    let auth = prop_oneof![
        2 => Just(Auth::None),
        3 => Just(Auth::SdkPublic),
        3 => Just(Auth::SdkSession),
        3 => Just(Auth::Backend),
        1 => Just(Auth::BackendWrongSecret),
        3 => Just(Auth::ScimBearer),
        1 => ("\\PC{0,20}", "\\PC{0,20}").prop_map(|(u, p)| Auth::Basic(u, p)),
        1 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(Auth::Header),
    ];
    let content_type = prop_oneof![
        6 => Just(Some("application/json")),
        1 => Just(None),
        1 => Just(Some("text/plain")),
        1 => Just(Some("application/x-www-form-urlencoded")),
        1 => Just(Some("multipart/form-data; boundary=x")),
        1 => Just(Some("application/json; charset=utf-16")),
    ];
    let body = prop_oneof![
        2 => Just(BodyKind::Empty),
        2 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(BodyKind::Bytes),
        2 => json_value(ctx).prop_map(BodyKind::Json),
        6 => proptest::collection::btree_map(
            proptest::sample::select(FIELDS).prop_map(String::from),
            json_value(ctx),
            0..8
        )
        .prop_map(|m| BodyKind::Object(m.into_iter().collect())),
        1 => (
            proptest::sample::select(&[64usize, 127, 128, 129, 1000, 10_000][..]),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(depth, objects, in_field)| BodyKind::Deep { depth, objects, in_field }),
        1 => (
            proptest::sample::select(&[64usize << 10, 600 << 10, 1_200 << 10, 2_500 << 10][..]),
            proptest::sample::select(FIELDS)
        )
            .prop_map(|(bytes, field)| BodyKind::Huge { bytes, field }),
    ];
    let method = prop_oneof![
        8 => Just(None),
        1 => proptest::sample::select(&["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"][..])
            .prop_map(Some),
    ];
    let extra = proptest::collection::vec(
        prop_oneof![
            Just(("origin", "http://localhost:8080".to_string())),
            Just(("origin", "http://evil.example".to_string())),
            Just(("sec-fetch-site", "cross-site".to_string())),
            Just(("access-control-request-method", "POST".to_string())),
            "\\PC{0,40}".prop_map(|v| ("cookie", format!("stytch_session={v}"))),
            "\\PC{0,40}".prop_map(|v| ("cookie", format!("stytch_intermediate_session_token={v}"))),
            Just(("x-sdk-client", "not base64 at all".to_string())),
        ],
        0..3,
    );
    (
        0..ROUTES.len(),
        method,
        proptest::collection::vec(param, 2),
        query,
        auth,
        content_type,
        body,
        extra,
    )
        .prop_map(
            |(route, method, params, query, auth, content_type, body, extra)| Case {
                route,
                method,
                params,
                query,
                auth,
                content_type,
                body,
                extra,
            },
        )
}

fn path_for(template: &str, ctx: &Ctx, params: &[Param]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut i = 0;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .expect("template");
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..end];
        let valid = match name {
            "public_token" => &ctx.public_token,
            "organization_id" => &ctx.org_id,
            "member_id" => &ctx.member_id,
            "password_id" => &ctx.password_id,
            "project_id" => &ctx.project_id,
            "connection_id" => &ctx.connection_id,
            "certificate_id" | "private_key_id" | "callback_id" => &ctx.connection_id,
            "provider" => "google",
            "scim_connection_id" => &ctx.scim_connection_id,
            "type_name" => "User",
            "schema_id" => "urn:ietf:params:scim:schemas:core:2.0:User",
            "user_id" => &ctx.scim_user_id,
            "group_id" => &ctx.scim_group_id,
            other => panic!("unknown placeholder {other}"),
        };
        match params.get(i).unwrap_or(&Param::Valid) {
            Param::Valid => out.push_str(valid),
            Param::Random(s) => out.push_str(&encode(s)),
            Param::Raw(s) => out.push_str(s),
        }
        i += 1;
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn body_bytes(body: &BodyKind) -> Vec<u8> {
    match body {
        BodyKind::Empty => Vec::new(),
        BodyKind::Bytes(b) => b.clone(),
        BodyKind::Json(v) => v.to_string().into_bytes(),
        BodyKind::Object(m) => Value::Object(m.clone()).to_string().into_bytes(),
        BodyKind::Deep {
            depth,
            objects,
            in_field,
        } => {
            let (open, close) = if *objects {
                (r#"{"a":"#, "}")
            } else {
                ("[", "]")
            };
            let nested = format!("{}1{}", open.repeat(*depth), close.repeat(*depth));
            if *in_field {
                format!(r#"{{"email_address":{nested},"organization_id":{nested}}}"#).into_bytes()
            } else {
                nested.into_bytes()
            }
        }
        BodyKind::Huge { bytes, field } => json!({ *field: "x".repeat(*bytes) })
            .to_string()
            .into_bytes(),
    }
}

/// Send one case; `None` when the case cannot even be expressed as an HTTP request.
async fn run_case(h: &Harness, ctx: &Ctx, c: &Case) -> Option<(String, Resp)> {
    let (route_method, template) = ROUTES[c.route];
    let method = c.method.unwrap_or(route_method);
    let mut path = path_for(template, ctx, &c.params);
    if let Some(q) = &c.query {
        path = format!("{path}?{q}");
    }
    let auth = match &c.auth {
        Auth::None => None,
        Auth::SdkPublic => Some(basic(&ctx.public_token, &ctx.public_token).into_bytes()),
        Auth::SdkSession => Some(basic(&ctx.public_token, &ctx.session).into_bytes()),
        Auth::Backend => Some(basic(&ctx.project_id, &ctx.secret).into_bytes()),
        Auth::BackendWrongSecret => Some(basic(&ctx.project_id, "secret-test-wrong").into_bytes()),
        Auth::ScimBearer => Some(format!("Bearer {}", ctx.scim_token).into_bytes()),
        Auth::Basic(u, p) => Some(basic(u, p).into_bytes()),
        Auth::Header(raw) => Some(raw.clone()),
    };
    let mut b = axum::http::Request::builder()
        .method(Method::from_bytes(method.as_bytes()).ok()?)
        .uri(&path);
    if let Some(a) = auth {
        b = b.header(
            "authorization",
            axum::http::HeaderValue::from_bytes(&a).ok()?,
        );
    }
    if let Some(ct) = c.content_type {
        b = b.header("content-type", ct);
    }
    for (k, v) in &c.extra {
        b = b.header(*k, axum::http::HeaderValue::from_str(v).ok()?);
    }
    let req = b.body(axum::body::Body::from(body_bytes(&c.body))).ok()?;
    let label = format!("{method} {template}");
    Some((label, h.request(req).await))
}

/// Whether `r` is an RFC 7644 error body for its own status, as `application/scim+json`.
fn check_scim_error(r: &Resp) -> Result<(), String> {
    let ct = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct != "application/scim+json" {
        return Err(format!("SCIM error with content-type {ct:?}"));
    }
    if r.body["schemas"] != json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
        || r.body["status"] != r.status.as_str()
        || r.body["detail"].as_str().is_none()
    {
        return Err(format!("not a SCIM error body: {}", r.text));
    }
    Ok(())
}

#[test]
fn every_listed_route_exists() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let h = Harness::new();
        let mut missing = Vec::new();
        for (method, template) in ROUTES {
            // Placeholders filled with a harmless value; no auth, so nothing is changed
            // except by the control API.
            let path = template
                .split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let r = h
                .send(
                    Method::from_bytes(method.as_bytes()).expect("method"),
                    &path,
                    &[],
                    Vec::new(),
                )
                .await;
            // The SCIM surface answers its own 404/405 bodies, and 401 before any route logic.
            let scim_missing =
                template.contains("{scim_connection_id}") && matches!(r.status.as_u16(), 404 | 405);
            if scim_missing || ["route_not_found", "method_not_allowed"].contains(&r.error_type()) {
                missing.push(format!("{method} {template} → {}", r.error_type()));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    });
}

#[test]
fn fuzz_every_route() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let h = Harness::new();
    let ctx = rt.block_on(async {
        let (session, _, auth) = h.login("admin@example.com", "acme").await;
        let org_id = h.org_id("acme").await;
        let r = h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/sso/saml",
                Some(&session),
                Some(json!({"display_name": "Fuzz"})),
            )
            .await;
        let connection_id = r.data()["connection"]["connection_id"]
            .as_str()
            .expect("connection id")
            .to_string();
        let r = h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/scim",
                Some(&session),
                Some(json!({"display_name": "Fuzz SCIM"})),
            )
            .await;
        let scim = &r.data()["connection"];
        let scim_connection_id = scim["connection_id"].as_str().expect("scim id").to_owned();
        let scim_token = scim["bearer_token"].as_str().expect("token").to_owned();
        let scim_post = |what: &'static str, body: Value| {
            let (h, cid, token) = (&h, scim_connection_id.clone(), scim_token.clone());
            async move {
                let r = h
                    .send(
                        Method::POST,
                        &format!("/v1/b2b/scim/{cid}/{what}"),
                        &[
                            ("authorization", &format!("Bearer {token}")),
                            ("content-type", "application/scim+json"),
                        ],
                        body.to_string().into_bytes(),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                r.body["id"].as_str().expect("id").to_owned()
            }
        };
        let scim_user_id = scim_post("Users", json!({"userName": "scim@example.com"})).await;
        let scim_group_id = scim_post(
            "Groups",
            json!({"displayName": "Fuzzers", "members": [{"value": scim_user_id}]}),
        )
        .await;
        Ctx {
            public_token: h.project.public_token.clone(),
            project_id: h.project.project_id.clone(),
            secret: h.project.secret.clone(),
            org_id,
            member_id: auth["member_id"].as_str().expect("member id").to_string(),
            password_id: "member-password-test-00000000-0000-4000-8000-000000000000".into(),
            session,
            connection_id,
            scim_connection_id,
            scim_token,
            scim_user_id,
            scim_group_id,
        }
    });
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let mut sent = 0usize;
    let mut skipped = 0usize;
    let mut five_xx = 0usize;
    let mut panics = 0usize;
    let mut violations: Vec<String> = Vec::new();
    // Cases are drawn one by one (no shrinking): every violation is tallied, so one run
    // reports all of them and the figures, instead of stopping at the first.
    let strategy = case(&ctx);
    for _ in 0..CASES {
        let c = strategy.new_tree(&mut runner).expect("case").current();
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| rt.block_on(run_case(&h, &ctx, &c))));
        match outcome {
            Err(_) => {
                panics += 1;
                violations.push(format!("panic on {c:?}"));
            }
            Ok(None) => skipped += 1,
            Ok(Some((label, r))) => {
                sent += 1;
                let problem = if r.status.is_server_error() {
                    five_xx += 1;
                    Some(format!("{}", r.status))
                } else if r.status.is_client_error() && c.method != Some("HEAD") {
                    if label.contains("/v1/b2b/scim/{scim_connection_id}") {
                        check_scim_error(&r).err()
                    } else {
                        check_error_json(&r).err()
                    }
                } else {
                    None
                };
                if let Some(p) = problem {
                    let case = format!("{c:?}");
                    let case: String = case.chars().take(300).collect();
                    violations.push(format!("{label}: {p} (case {case})"));
                }
            }
        }
    }
    eprintln!(
        "fuzz_routes: {sent} requests fuzzed over {} routes ({skipped} cases not expressible as HTTP), {five_xx} 5xx, {panics} panics, {} violations",
        ROUTES.len(),
        violations.len()
    );

    // Still healthy, and still works: a reset and a full login.
    rt.block_on(async {
        let r = h.control(Method::GET, "/emulator/v1/health").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, json!({"status": "ok"}));
        let r = h.control(Method::POST, "/emulator/v1/reset").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        h.login("admin@example.com", "acme").await;
    });

    let mut kinds: Vec<String> = violations
        .iter()
        .map(|v| v.split(" (case").next().unwrap_or(v).to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert!(
        violations.is_empty(),
        "{} violations, {} kinds:\n{}\nfirst cases:\n{}",
        violations.len(),
        kinds.len(),
        kinds.join("\n"),
        violations
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
