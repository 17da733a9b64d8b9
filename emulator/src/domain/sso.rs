//! SSO connections: SAML, OIDC and external, stored as the JSON objects Stytch returns, one row per
//! connection, by organization.
//!
//! * ids: `saml-connection-test-<uuid>`, `oidc-connection-test-<uuid>`,
//!   `external-connection-test-<uuid>`; verification certificates `saml-verification-key-test-<uuid>`,
//!   encryption keys `saml-encryption-key-test-<uuid>`;
//! * `acs_url`, `audience_uri` (SAML) and `redirect_url` (OIDC) are the callback
//!   `{emulator}/v1/b2b/sso/callback/{connection_id}`, the one URL Stytch gives the IdP;
//! * a SAML connection is `pending` until `idp_sso_url`, `idp_entity_id`, `attribute_mapping` and a
//!   verification certificate are all set; an OIDC one until `issuer`, `client_id`, `client_secret`
//!   and the four endpoint URLs are; an external one is always `active`. Only `active` connections
//!   are listed in the organization's `sso_active_connections`;
//! * an OIDC connection with its IdP configured (issuer, client id, authorization, token and JWKS
//!   URLs) signs in at that IdP through relying-party code (`domain::oidc_rp`); every other
//!   connection signs in through the built-in identity provider page, `pending` ones included, so a
//!   connection made with no IdP settings works at once (a real Stytch project would refuse it).
//!   SAML is emulated through the page only: the emulator never signs SAML requests, so
//!   `signing_certificates` stays empty and a `signing_private_key` is checked (PKCS#1 PEM) but not
//!   used;
//! * encryption keys are emitted under both names Stytch uses, `encryption_private_keys` (backend
//!   SDKs) and `saml_encryption_private_keys` (the browser SDK's type);
//! * `PUT …/url` (update by metadata URL) cannot fetch the metadata offline: the URL is checked
//!   (`http`/`https`) and stored on the connection as `metadata_url`; the IdP fields stay as they are;
//! * a certificate is checked for its PEM armour and base64 body (`invalid_x509_certificate`); its
//!   `issuer` and `expires_at` are not parsed out and stay empty;
//! * at most 5 verification certificates (`too_many_sso_verification_certificates`); the last one
//!   of an `active` connection cannot be deleted (`cannot_delete_last_sso_verification_key`); the
//!   organization's default connection cannot be deleted (`cannot_delete_default_sso_connection`);
//! * group role assignments need a `groups` key in `attribute_mapping`
//!   (`saml_connection_attribute_mapping_missing_groups_key`); a mapping must map names to
//!   strings (no nesting) and roles must exist in the policy;
//! * an external connection points at a connection of another organization
//!   (`external_connection_id_not_found`, `external_organization_id_same_as_organization_id`); one per
//!   source connection and organization (`duplicate_external_sso_connection`).

use crate::domain::organizations::org_id;
use crate::domain::rbac::check_roles;
use crate::domain::validation;
use crate::domain::validation::email_domain;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::error::ErrorType;
use crate::infra::db::parse_stored;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use crate::seed::Seed;
use base64::Engine;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Deserialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

/// The identity providers Stytch accepts in `identity_provider`.
pub const IDENTITY_PROVIDERS: &[&str] = &[
    "classlink",
    "cyberark",
    "duo",
    "generic",
    "google-workspace",
    "jumpcloud",
    "keycloak",
    "miniorange",
    "microsoft-entra",
    "okta",
    "onelogin",
    "pingfederate",
    "rippling",
    "salesforce",
    "shibboleth",
];

const NAMEID_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const MAX_VERIFICATION_CERTIFICATES: usize = 5;

/// The three kinds of connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Saml,
    Oidc,
    External,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Saml => "saml",
            Kind::Oidc => "oidc",
            Kind::External => "external",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        match s {
            "saml" => Some(Kind::Saml),
            "oidc" => Some(Kind::Oidc),
            "external" => Some(Kind::External),
            _ => None,
        }
    }
}

/// A stored connection.
#[derive(Debug, Clone)]
pub struct SsoConnection {
    pub kind: Kind,
    pub data: Value,
}

impl SsoConnection {
    pub fn id(&self) -> &str {
        self.data["connection_id"].as_str().unwrap_or("")
    }
    pub fn organization_id(&self) -> &str {
        self.data["organization_id"].as_str().unwrap_or("")
    }
    /// What discovery and `sso_active_connections` show.
    pub fn summary(&self) -> Value {
        json!({
            "connection_id": self.id(),
            "display_name": self.data["display_name"],
            "identity_provider": self.data["identity_provider"],
        })
    }
}

pub fn connection_not_found() -> ApiError {
    ApiError::new(
        ErrorType::SsoConnectionNotFound,
        "The SSO connection could not be found.",
    )
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorType::InvalidArgument, message)
}

/// `{base}/v1/b2b/sso/callback/{connection_id}`.
pub fn callback_url(base: &str, connection_id: &str) -> String {
    format!(
        "{}/v1/b2b/sso/callback/{connection_id}",
        base.trim_end_matches('/')
    )
}

// ------------------------------------------------------------------ storage

fn from_row(kind: String, data: String) -> ApiResult<SsoConnection> {
    Ok(SsoConnection {
        kind: Kind::parse(&kind).ok_or_else(ApiError::internal)?,
        data: parse_stored(data)?,
    })
}

/// Any connection by id, in any organization.
pub fn get(conn: &Connection, connection_id: &str) -> ApiResult<Option<SsoConnection>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT kind, data FROM sso_connections WHERE connection_id = ?1")?
        .query_row(params![connection_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(k, d)| from_row(k, d)).transpose()
}

/// The connection `connection_id` of `org`; 404 `sso_connection_not_found` otherwise (another
/// organization's connection is not revealed).
pub fn get_in_org(conn: &Connection, org: &Value, connection_id: &str) -> ApiResult<SsoConnection> {
    get(conn, connection_id)?
        .filter(|c| c.organization_id() == org_id(org))
        .ok_or_else(connection_not_found)
}

/// Every connection of an organization, oldest first.
pub fn list(conn: &Connection, organization_id: &str) -> ApiResult<Vec<SsoConnection>> {
    let mut st = conn.prepare_cached(
        "SELECT kind, data FROM sso_connections WHERE organization_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows: Vec<(String, String)> = st
        .query_map(params![organization_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter().map(|(k, d)| from_row(k, d)).collect()
}

/// `{saml_connections, oidc_connections, external_connections}` of an organization.
pub fn list_by_kind(conn: &Connection, organization_id: &str) -> ApiResult<Value> {
    let all = list(conn, organization_id)?;
    let of = |k: Kind| -> Vec<Value> {
        all.iter()
            .filter(|c| c.kind == k)
            .map(|c| c.data.clone())
            .collect()
    };
    Ok(json!({
        "saml_connections": of(Kind::Saml),
        "oidc_connections": of(Kind::Oidc),
        "external_connections": of(Kind::External),
    }))
}

/// Stores `c` (new or changed), recomputes its status and the organization's
/// `sso_active_connections`.
fn save(conn: &Connection, c: &mut SsoConnection, now: i64) -> ApiResult<()> {
    let status = match c.kind {
        Kind::External => "active",
        Kind::Saml => {
            let set = |k: &str| c.data[k].as_str().is_some_and(|s| !s.is_empty());
            let mapped = c.data["attribute_mapping"]
                .as_object()
                .is_some_and(|m| !m.is_empty());
            let certs = c.data["verification_certificates"]
                .as_array()
                .is_some_and(|a| !a.is_empty());
            if set("idp_sso_url") && set("idp_entity_id") && mapped && certs {
                "active"
            } else {
                "pending"
            }
        }
        Kind::Oidc => {
            let all_set = [
                "issuer",
                "client_id",
                "client_secret",
                "authorization_url",
                "token_url",
                "userinfo_url",
                "jwks_url",
            ]
            .iter()
            .all(|k| c.data[*k].as_str().is_some_and(|s| !s.is_empty()));
            if all_set { "active" } else { "pending" }
        }
    };
    if let Some(o) = c.data.as_object_mut() {
        o.insert("status".into(), json!(status));
    }
    conn.execute(
        "INSERT INTO sso_connections (connection_id, organization_id, kind, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (connection_id) DO UPDATE SET data = excluded.data",
        params![
            c.id(),
            c.organization_id(),
            c.kind.as_str(),
            c.data.to_string(),
            now
        ],
    )?;
    sync_org(conn, c.organization_id())
}

/// Writes the organization's `sso_active_connections` from its connections.
fn sync_org(conn: &Connection, organization_id: &str) -> ApiResult<()> {
    let active: Vec<Value> = list(conn, organization_id)?
        .iter()
        .filter(|c| c.data["status"] == "active")
        .map(SsoConnection::summary)
        .collect();
    let Some(mut org) = crate::domain::organizations::get_org(conn, organization_id)? else {
        return Ok(());
    };
    if let Some(o) = org.as_object_mut() {
        o.insert("sso_active_connections".into(), Value::Array(active));
    }
    conn.execute(
        "UPDATE organizations SET data = ?2 WHERE organization_id = ?1",
        params![organization_id, org.to_string()],
    )?;
    Ok(())
}

// ------------------------------------------------------------------ validation

fn attribute_mapping(m: &Map<String, Value>) -> ApiResult<Value> {
    if m.values().any(|v| !v.is_string()) {
        return Err(invalid(
            "attribute_mapping must map attribute names to strings (no nested keys).",
        ));
    }
    Ok(Value::Object(m.clone()))
}

/// The body of a PEM block with `label`, base64-decoded; `None` when it is not one.
fn pem_body(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body = pem.trim().strip_prefix(&begin)?.strip_suffix(&end)?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .ok()
        .filter(|b| !b.is_empty())
}

fn check_private_key(pem: &str, field: &str) -> ApiResult<()> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    rsa::RsaPrivateKey::from_pkcs1_pem(pem.trim())
        .map(|_| ())
        .map_err(|_| invalid(format!("{field} must be an RSA private key in PKCS#1 PEM.")))
}

#[derive(Debug, Clone, Deserialize)]
pub struct RoleAssignment {
    pub role_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GroupRoleAssignment {
    pub role_id: String,
    pub group: String,
}

fn connection_roles(
    seed: &Seed,
    org: &Value,
    roles: &[RoleAssignment],
    groups: &[GroupRoleAssignment],
) -> ApiResult<(Value, Value)> {
    let ids: Vec<String> = roles
        .iter()
        .map(|r| r.role_id.clone())
        .chain(groups.iter().map(|g| g.role_id.clone()))
        .collect();
    check_roles(seed, org, &ids)?;
    if groups.iter().any(|g| g.group.trim().is_empty()) {
        return Err(invalid("Every group role assignment needs a group."));
    }
    Ok((
        roles
            .iter()
            .map(|r| json!({"role_id": r.role_id}))
            .collect(),
        groups
            .iter()
            .map(|g| json!({"role_id": g.role_id, "group": g.group}))
            .collect(),
    ))
}

// ------------------------------------------------------------------ create

#[derive(Debug, Default, Deserialize)]
pub struct CreateReq {
    pub display_name: Option<String>,
    pub identity_provider: Option<String>,
}

/// A new SAML connection of `org`.
pub fn create_saml(
    conn: &Connection,
    org: &Value,
    req: &CreateReq,
    base: &str,
    now: i64,
) -> ApiResult<Value> {
    let id = new_id("saml-connection");
    let callback = callback_url(base, &id);
    let mut c = SsoConnection {
        kind: Kind::Saml,
        data: json!({
            "organization_id": org_id(org),
            "connection_id": id,
            "status": "pending",
            "idp_entity_id": "",
            "display_name": validation::display_name(req.display_name.as_deref())?,
            "idp_sso_url": "",
            "acs_url": callback,
            "audience_uri": callback,
            "signing_certificates": [],
            "verification_certificates": [],
            "encryption_private_keys": [],
            "saml_encryption_private_keys": [],
            "saml_connection_implicit_role_assignments": [],
            "saml_group_implicit_role_assignments": [],
            "alternative_audience_uri": "",
            "alternative_acs_url": "",
            "identity_provider": validation::identity_provider(req.identity_provider.as_deref(), IDENTITY_PROVIDERS)?,
            "nameid_format": NAMEID_EMAIL,
            "idp_initiated_auth_disabled": false,
            "allow_gateway_callback": false,
            "attribute_mapping": {},
            "created_at": rfc3339(now),
            "updated_at": rfc3339(now),
        }),
    };
    save(conn, &mut c, now)?;
    Ok(c.data)
}

/// A new OIDC connection of `org`.
pub fn create_oidc(
    conn: &Connection,
    org: &Value,
    req: &CreateReq,
    base: &str,
    now: i64,
) -> ApiResult<Value> {
    let id = new_id("oidc-connection");
    let mut c = SsoConnection {
        kind: Kind::Oidc,
        data: json!({
            "organization_id": org_id(org),
            "connection_id": id,
            "status": "pending",
            "display_name": validation::display_name(req.display_name.as_deref())?,
            "redirect_url": callback_url(base, &id),
            "client_id": "",
            "client_secret": "",
            "issuer": "",
            "authorization_url": "",
            "token_url": "",
            "userinfo_url": "",
            "jwks_url": "",
            "identity_provider": validation::identity_provider(req.identity_provider.as_deref(), IDENTITY_PROVIDERS)?,
            "custom_scopes": "",
            "attribute_mapping": {
                "email": "email",
                "first_name": "given_name",
                "last_name": "family_name",
            },
            "created_at": rfc3339(now),
            "updated_at": rfc3339(now),
        }),
    };
    save(conn, &mut c, now)?;
    Ok(c.data)
}

#[derive(Debug, Default, Deserialize)]
pub struct ExternalCreateReq {
    pub display_name: Option<String>,
    pub external_organization_id: String,
    pub external_connection_id: String,
    pub connection_implicit_role_assignments: Option<Vec<RoleAssignment>>,
    pub group_implicit_role_assignments: Option<Vec<GroupRoleAssignment>>,
}

/// A new external connection of `org`, pointing at another organization's connection.
pub fn create_external(
    conn: &Connection,
    seed: &Seed,
    org: &Value,
    req: &ExternalCreateReq,
    now: i64,
) -> ApiResult<Value> {
    let source_org = crate::domain::organizations::get_org(conn, &req.external_organization_id)?
        .ok_or_else(ApiError::organization_not_found)?;
    if org_id(&source_org) == org_id(org) {
        return Err(ApiError::new(
            ErrorType::ExternalOrganizationIdSameAsOrganizationId,
            "An external connection must point at another organization's connection.",
        ));
    }
    let source = get(conn, &req.external_connection_id)?
        .filter(|c| c.organization_id() == org_id(&source_org) && c.kind != Kind::External)
        .ok_or_else(|| {
            ApiError::new(
                ErrorType::ExternalConnectionIdNotFound,
                "The external connection could not be found in the external organization.",
            )
        })?;
    let duplicate = list(conn, org_id(org))?
        .iter()
        .any(|c| c.kind == Kind::External && c.data["external_connection_id"] == source.id());
    if duplicate {
        return Err(ApiError::new(
            ErrorType::DuplicateExternalSsoConnection,
            "This organization already has an external connection to that connection.",
        ));
    }
    let (roles, groups) = connection_roles(
        seed,
        org,
        req.connection_implicit_role_assignments
            .as_deref()
            .unwrap_or_default(),
        req.group_implicit_role_assignments
            .as_deref()
            .unwrap_or_default(),
    )?;
    let mut c = SsoConnection {
        kind: Kind::External,
        data: json!({
            "organization_id": org_id(org),
            "connection_id": new_id("external-connection"),
            "external_organization_id": org_id(&source_org),
            "external_connection_id": source.id(),
            "display_name": validation::display_name(req.display_name.as_deref())?,
            "status": "active",
            "identity_provider": source.data["identity_provider"],
            "external_connection_implicit_role_assignments": roles,
            "external_group_implicit_role_assignments": groups,
            "created_at": rfc3339(now),
            "updated_at": rfc3339(now),
        }),
    };
    save(conn, &mut c, now)?;
    Ok(c.data)
}

// ------------------------------------------------------------------ update

/// `PUT /b2b/sso/saml/{connection_id}`: every field optional; absent fields are kept.
#[derive(Debug, Default, Deserialize)]
pub struct SamlUpdate {
    pub idp_entity_id: Option<String>,
    pub display_name: Option<String>,
    pub attribute_mapping: Option<Map<String, Value>>,
    pub idp_sso_url: Option<String>,
    pub x509_certificate: Option<String>,
    pub saml_connection_implicit_role_assignments: Option<Vec<RoleAssignment>>,
    pub saml_group_implicit_role_assignments: Option<Vec<GroupRoleAssignment>>,
    pub identity_provider: Option<String>,
    pub signing_private_key: Option<String>,
    pub saml_encryption_private_key: Option<String>,
    pub alternative_audience_uri: Option<String>,
    pub idp_initiated_auth_disabled: Option<bool>,
    pub nameid_format: Option<String>,
}

fn set(c: &mut SsoConnection, k: &str, v: Value) {
    if let Some(o) = c.data.as_object_mut() {
        o.insert(k.into(), v);
    }
}

fn check_url(v: &str, field: &str) -> ApiResult<()> {
    if v.is_empty() || v.starts_with("https://") || v.starts_with("http://") {
        Ok(())
    } else {
        Err(invalid(format!("{field} must be an http or https URL.")))
    }
}

pub fn update_saml(
    conn: &Connection,
    seed: &Seed,
    org: &Value,
    connection_id: &str,
    req: SamlUpdate,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.kind != Kind::Saml {
        return Err(connection_not_found());
    }
    if let Some(v) = &req.display_name {
        set(
            &mut c,
            "display_name",
            json!(validation::display_name(Some(v))?),
        );
    }
    if let Some(v) = &req.identity_provider {
        set(
            &mut c,
            "identity_provider",
            json!(validation::identity_provider(Some(v), IDENTITY_PROVIDERS)?),
        );
    }
    if let Some(v) = req.idp_entity_id {
        set(&mut c, "idp_entity_id", json!(v.trim()));
    }
    if let Some(v) = req.idp_sso_url {
        check_url(v.trim(), "idp_sso_url")?;
        set(&mut c, "idp_sso_url", json!(v.trim()));
    }
    if let Some(v) = req.alternative_audience_uri {
        set(&mut c, "alternative_audience_uri", json!(v.trim()));
    }
    if let Some(v) = req.nameid_format.filter(|v| !v.is_empty()) {
        set(&mut c, "nameid_format", json!(v));
    }
    if let Some(v) = req.idp_initiated_auth_disabled {
        set(&mut c, "idp_initiated_auth_disabled", json!(v));
    }
    if let Some(m) = &req.attribute_mapping {
        set(&mut c, "attribute_mapping", attribute_mapping(m)?);
    }
    if req.saml_connection_implicit_role_assignments.is_some()
        || req.saml_group_implicit_role_assignments.is_some()
    {
        let keep_roles: Vec<RoleAssignment> =
            serde_json::from_value(c.data["saml_connection_implicit_role_assignments"].clone())
                .unwrap_or_default();
        let keep_groups: Vec<GroupRoleAssignment> =
            serde_json::from_value(c.data["saml_group_implicit_role_assignments"].clone())
                .unwrap_or_default();
        let roles = req
            .saml_connection_implicit_role_assignments
            .unwrap_or(keep_roles);
        let groups = req
            .saml_group_implicit_role_assignments
            .unwrap_or(keep_groups);
        let (r, g) = connection_roles(seed, org, &roles, &groups)?;
        set(&mut c, "saml_connection_implicit_role_assignments", r);
        set(&mut c, "saml_group_implicit_role_assignments", g);
    }
    let has_groups = c.data["saml_group_implicit_role_assignments"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    if has_groups && c.data["attribute_mapping"].get("groups").is_none() {
        return Err(ApiError::new(
            ErrorType::SamlConnectionAttributeMappingMissingGroupsKey,
            "Group role assignments need a `groups` key in attribute_mapping.",
        ));
    }
    if let Some(pem) = req.x509_certificate.filter(|p| !p.trim().is_empty()) {
        if pem_body(&pem, "CERTIFICATE").is_none() {
            return Err(ApiError::new(
                ErrorType::InvalidX509Certificate,
                "x509_certificate must be a PEM-encoded X.509 certificate.",
            ));
        }
        let pem = pem.trim().to_string();
        let mut certs = c.data["verification_certificates"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !certs.iter().any(|x| x["certificate"] == pem) {
            if certs.len() >= MAX_VERIFICATION_CERTIFICATES {
                return Err(ApiError::new(
                    ErrorType::TooManySsoVerificationCertificates,
                    "A connection holds at most 5 verification certificates.",
                ));
            }
            certs.push(json!({
                "certificate_id": new_id("saml-verification-key"),
                "certificate": pem,
                "issuer": "",
                "created_at": rfc3339(now),
                "expires_at": "",
                "updated_at": rfc3339(now),
            }));
        }
        set(&mut c, "verification_certificates", Value::Array(certs));
    }
    if let Some(pem) = req.signing_private_key.filter(|p| !p.trim().is_empty()) {
        check_private_key(&pem, "signing_private_key")?;
    }
    if let Some(pem) = req
        .saml_encryption_private_key
        .filter(|p| !p.trim().is_empty())
    {
        check_private_key(&pem, "saml_encryption_private_key")?;
        let mut keys = c.data["encryption_private_keys"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        keys.push(json!({
            "private_key_id": new_id("saml-encryption-key"),
            "private_key": pem.trim(),
            "created_at": rfc3339(now),
        }));
        set(
            &mut c,
            "encryption_private_keys",
            Value::Array(keys.clone()),
        );
        set(&mut c, "saml_encryption_private_keys", Value::Array(keys));
    }
    set(&mut c, "updated_at", json!(rfc3339(now)));
    save(conn, &mut c, now)?;
    Ok(c.data)
}

/// `PUT /b2b/sso/saml/{connection_id}/url`.
pub fn update_saml_by_url(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    metadata_url: &str,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.kind != Kind::Saml {
        return Err(connection_not_found());
    }
    let url = metadata_url.trim();
    if url.is_empty() {
        return Err(invalid("metadata_url is required."));
    }
    check_url(url, "metadata_url")?;
    set(&mut c, "metadata_url", json!(url));
    set(&mut c, "updated_at", json!(rfc3339(now)));
    save(conn, &mut c, now)?;
    Ok(c.data)
}

/// Removes a verification certificate (404 `sso_verification_key_not_found` when it is not there).
pub fn delete_verification_certificate(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    certificate_id: &str,
    now: i64,
) -> ApiResult<()> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.kind != Kind::Saml {
        return Err(connection_not_found());
    }
    let mut certs = c.data["verification_certificates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let before = certs.len();
    certs.retain(|x| x["certificate_id"] != certificate_id);
    if certs.len() == before {
        return Err(ApiError::new(
            ErrorType::SsoVerificationKeyNotFound,
            "The verification certificate could not be found on this connection.",
        ));
    }
    if certs.is_empty() && c.data["status"] == "active" {
        return Err(ApiError::new(
            ErrorType::CannotDeleteLastSsoVerificationKey,
            "An active connection needs at least one verification certificate.",
        ));
    }
    set(&mut c, "verification_certificates", Value::Array(certs));
    set(&mut c, "updated_at", json!(rfc3339(now)));
    save(conn, &mut c, now)
}

/// Removes an encryption private key.
pub fn delete_encryption_private_key(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    private_key_id: &str,
    now: i64,
) -> ApiResult<()> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.kind != Kind::Saml {
        return Err(connection_not_found());
    }
    let mut keys = c.data["encryption_private_keys"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let before = keys.len();
    keys.retain(|x| x["private_key_id"] != private_key_id);
    if keys.len() == before {
        return Err(ApiError::new(
            ErrorType::SsoVerificationKeyNotFound,
            "The encryption private key could not be found on this connection.",
        ));
    }
    set(
        &mut c,
        "encryption_private_keys",
        Value::Array(keys.clone()),
    );
    set(&mut c, "saml_encryption_private_keys", Value::Array(keys));
    set(&mut c, "updated_at", json!(rfc3339(now)));
    save(conn, &mut c, now)
}

/// `PUT /b2b/sso/oidc/{connection_id}`.
#[derive(Debug, Default, Deserialize)]
pub struct OidcUpdate {
    pub display_name: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub identity_provider: Option<String>,
    pub custom_scopes: Option<String>,
    pub attribute_mapping: Option<Map<String, Value>>,
}

pub fn update_oidc(
    conn: &Connection,
    org: &Value,
    connection_id: &str,
    req: OidcUpdate,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.kind != Kind::Oidc {
        return Err(connection_not_found());
    }
    if let Some(v) = &req.display_name {
        set(
            &mut c,
            "display_name",
            json!(validation::display_name(Some(v))?),
        );
    }
    if let Some(v) = &req.identity_provider {
        set(
            &mut c,
            "identity_provider",
            json!(validation::identity_provider(Some(v), IDENTITY_PROVIDERS)?),
        );
    }
    for (k, v) in [
        ("issuer", req.issuer),
        ("authorization_url", req.authorization_url),
        ("token_url", req.token_url),
        ("userinfo_url", req.userinfo_url),
        ("jwks_url", req.jwks_url),
    ] {
        if let Some(v) = v {
            check_url(v.trim(), k)?;
            set(&mut c, k, json!(v.trim()));
        }
    }
    for (k, v) in [
        ("client_id", req.client_id),
        ("client_secret", req.client_secret),
        ("custom_scopes", req.custom_scopes),
    ] {
        if let Some(v) = v {
            set(&mut c, k, json!(v.trim()));
        }
    }
    if let Some(m) = &req.attribute_mapping {
        set(&mut c, "attribute_mapping", attribute_mapping(m)?);
    }
    set(&mut c, "updated_at", json!(rfc3339(now)));
    save(conn, &mut c, now)?;
    Ok(c.data)
}

/// `PUT /b2b/sso/external/{connection_id}`.
#[derive(Debug, Default, Deserialize)]
pub struct ExternalUpdate {
    pub display_name: Option<String>,
    pub external_connection_implicit_role_assignments: Option<Vec<RoleAssignment>>,
    pub external_group_implicit_role_assignments: Option<Vec<GroupRoleAssignment>>,
}

pub fn update_external(
    conn: &Connection,
    seed: &Seed,
    org: &Value,
    connection_id: &str,
    req: ExternalUpdate,
    now: i64,
) -> ApiResult<Value> {
    let mut c = get_in_org(conn, org, connection_id)?;
    if c.kind != Kind::External {
        return Err(connection_not_found());
    }
    if let Some(v) = &req.display_name {
        set(
            &mut c,
            "display_name",
            json!(validation::display_name(Some(v))?),
        );
    }
    if req.external_connection_implicit_role_assignments.is_some()
        || req.external_group_implicit_role_assignments.is_some()
    {
        let keep_roles: Vec<RoleAssignment> =
            serde_json::from_value(c.data["external_connection_implicit_role_assignments"].clone())
                .unwrap_or_default();
        let keep_groups: Vec<GroupRoleAssignment> =
            serde_json::from_value(c.data["external_group_implicit_role_assignments"].clone())
                .unwrap_or_default();
        let (r, g) = connection_roles(
            seed,
            org,
            &req.external_connection_implicit_role_assignments
                .unwrap_or(keep_roles),
            &req.external_group_implicit_role_assignments
                .unwrap_or(keep_groups),
        )?;
        set(&mut c, "external_connection_implicit_role_assignments", r);
        set(&mut c, "external_group_implicit_role_assignments", g);
    }
    set(&mut c, "updated_at", json!(rfc3339(now)));
    save(conn, &mut c, now)?;
    Ok(c.data)
}

// ------------------------------------------------------------------ delete

/// Deletes a connection of `org` (not its default one), and removes it from the organization's
/// JIT list.
pub fn delete(conn: &Connection, org: &Value, connection_id: &str) -> ApiResult<()> {
    let c = get_in_org(conn, org, connection_id)?;
    if org["sso_default_connection_id"].as_str() == Some(c.id()) {
        return Err(ApiError::new(
            ErrorType::CannotDeleteDefaultSsoConnection,
            "The organization's default SSO connection cannot be deleted; choose another default first.",
        ));
    }
    conn.execute(
        "DELETE FROM sso_connections WHERE connection_id = ?1",
        params![c.id()],
    )?;
    if let Some(mut org) = crate::domain::organizations::get_org(conn, org_id(org))? {
        if let Some(list) = org["sso_jit_provisioning_allowed_connections"].as_array_mut() {
            list.retain(|x| x != c.id());
        }
        conn.execute(
            "UPDATE organizations SET data = ?2 WHERE organization_id = ?1",
            params![org_id(&org), org.to_string()],
        )?;
    }
    sync_org(conn, c.organization_id())
}

/// Removes every connection of an organization (it was deleted).
pub fn delete_organization(conn: &Connection, organization_id: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM sso_connections WHERE organization_id = ?1",
        params![organization_id],
    )?;
    Ok(())
}

// ------------------------------------------------------------------ sign-in rules

/// May a new member be created through connection `c` of `org` (`sso_jit_provisioning`)?
pub fn jit_allowed(org: &Value, c: &SsoConnection) -> bool {
    match org["sso_jit_provisioning"].as_str() {
        Some("NOT_ALLOWED") => false,
        Some("RESTRICTED") => org["sso_jit_provisioning_allowed_connections"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == c.id())),
        _ => true,
    }
}

/// `GET /sdk/v1/b2b/sso/discovery/connections`: the connections of every organization with a live
/// member for `email`; when there are none, those through which `email` could join by JIT (the
/// organizations whose `email_allowed_domains` hold its domain). Pending connections count: the
/// emulator signs them in through its built-in identity provider.
pub fn discover(conn: &Connection, email: &str) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for m in crate::domain::members::members_by_email(conn, email)? {
        if m.status() == "deleted" {
            continue;
        }
        let oid = m.data["organization_id"].as_str().unwrap_or("");
        out.extend(list(conn, oid)?.iter().map(SsoConnection::summary));
    }
    if !out.is_empty() {
        return Ok(out);
    }
    let domain = email_domain(email);
    for org in crate::domain::organizations::list_orgs(conn)? {
        let has_domain = org["email_allowed_domains"]
            .as_array()
            .is_some_and(|a| a.iter().any(|d| d.as_str() == Some(domain)));
        if !has_domain {
            continue;
        }
        out.extend(
            list(conn, org_id(&org))?
                .iter()
                .filter(|c| jit_allowed(&org, c))
                .map(SsoConnection::summary),
        );
    }
    Ok(out)
}

/// The connection an SSO start names by organization: its default connection, else its only one.
/// None → 404 `no_sso_connection_exists_for_organization`; several and no default → 400
/// `indeterminate_sso_connection_for_organization`.
pub fn for_organization(conn: &Connection, org: &Value) -> ApiResult<SsoConnection> {
    if let Some(id) = org["sso_default_connection_id"]
        .as_str()
        .filter(|s| !s.is_empty())
        && let Some(c) = get(conn, id)?
    {
        return Ok(c);
    }
    let mut all = list(conn, org_id(org))?;
    match all.len() {
        0 => Err(ApiError::new(
            ErrorType::NoSsoConnectionExistsForOrganization,
            "This organization has no SSO connection.",
        )),
        1 => Ok(all.remove(0)),
        _ => Err(ApiError::new(
            ErrorType::IndeterminateSsoConnectionForOrganization,
            "This organization has several SSO connections and no default: name one with connection_id.",
        )),
    }
}

/// Is `connection_id` a connection of `org`? (For `sso_default_connection_id` and
/// `sso_jit_provisioning_allowed_connections`.)
pub fn belongs_to(conn: &Connection, org: &Value, connection_id: &str) -> ApiResult<bool> {
    Ok(get(conn, connection_id)?.is_some_and(|c| c.organization_id() == org_id(org)))
}
