//! The SCIM 2.0 service provider behind a SCIM connection's `base_url` (RFC 7643 resources, RFC
//! 7644 protocol): the Users and Groups an identity provider pushes, and what they do to Members.
//!
//! Stytch does not publish this surface; its identity-provider guides say only that the base URL
//! takes `Authorization: Bearer`, that `userName` is the unique identifier and that it is the
//! email. The emulator's decisions:
//! * a User's `id` is the **Member's `member_id`** (the `registration_id` of the Member's
//!   `scim_registration` is a separate id), so an identity provider's id is the id the backend API
//!   shows;
//! * `POST /Users` makes an `active` Member whose email is `userName` (or, when that is not an
//!   email, the primary email) and whose name is `name.formatted`, `givenName familyName` or
//!   `displayName`; a Member of the organization with that email that no SCIM connection has
//!   registered is linked instead of duplicated; one already registered, or a second User with the
//!   same `userName` (compared case-insensitively, as `userName` is not case-exact), is 409
//!   `uniqueness`;
//! * `active: false` (by `PUT`, or either `PATCH` form Okta and Entra send, string booleans
//!   included) deprovisions: the Member becomes `deleted` (Stytch's Member has no `deactivated`
//!   status), its sessions and pending links are revoked and its roles are dropped but
//!   `stytch_member`; `active: true` reactivates it with the implicit roles (email domain, SCIM
//!   groups) re-applied, explicit roles not. `DELETE /Users/{id}` deprovisions too and ends the
//!   registration (the User is then 404 and a new `POST` may register the Member again);
//! * a User's `active` is shown as the identity provider sent it; absent, it counts as `true`;
//! * Groups get a UUID `group_id` (their `id`), `displayName` unique per connection (409 otherwise);
//!   a Group's members must be Users of the connection (400 `invalidValue` otherwise). Joining or
//!   leaving a Group grants or drops the connection's `scim_group_implicit_role_assignments` roles
//!   for it (source `scim_connection_group {connection_id, group_id}`); deleting a Group ends its
//!   memberships and its role assignments;
//! * deleting the SCIM connection ends its registrations: each Member keeps its status and its
//!   other roles but loses `scim_registration` and the roles the connection's groups gave it; the
//!   connection's Groups are gone;
//! * filters (`eq ne co sw ew gt ge lt le pr`, `and or not`, value paths) compare strings
//!   case-insensitively except `id` and `externalId` (case-exact in RFC 7643); an attribute a
//!   resource lacks matches nothing; paging is `startIndex` (1-based) and `count` (default and
//!   most 1000, as `ServiceProviderConfig` says); sorting, ETags, bulk and password change are not
//!   supported.

use crate::domain::members;
use crate::domain::members::MemberRow;
use crate::domain::one_time_tokens;
use crate::domain::organizations::org_id;
use crate::domain::scim::ScimConnection;
use crate::domain::sessions;
use crate::domain::validation::email_domain;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::infra::db::parse_stored;
use crate::infra::ids::new_id;
use crate::infra::ids::rfc3339;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use scim_v2::filter::AttrExp;
use scim_v2::filter::AttrPath;
use scim_v2::filter::CompValue;
use scim_v2::filter::CompareOp;
use scim_v2::filter::Filter;
use scim_v2::filter::PatchPath;
use scim_v2::filter::ValFilter;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;
use std::collections::BTreeSet;

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Most resources one list answers (`ServiceProviderConfig.filter.maxResults`).
pub const MAX_RESULTS: usize = 1000;

// ------------------------------------------------------------------ errors

/// An RFC 7644 error: `{schemas, status, scimType?, detail}` with that HTTP status.
#[derive(Debug)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }
    pub fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(400, Some(scim_type), detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, None, detail)
    }
    fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(409, Some("uniqueness"), detail)
    }
    pub fn body(&self) -> Value {
        let mut v = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let (Some(t), Some(o)) = (self.scim_type, v.as_object_mut()) {
            o.insert("scimType".into(), json!(t));
        }
        v
    }
}

impl From<ApiError> for ScimError {
    fn from(e: ApiError) -> Self {
        ScimError::new(e.status().as_u16(), None, e.message)
    }
}

impl From<rusqlite::Error> for ScimError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::from(e).into()
    }
}

impl From<serde_json::Error> for ScimError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::from(e).into()
    }
}

pub type ScimResult<T> = Result<T, ScimError>;

fn invalid_value(detail: impl Into<String>) -> ScimError {
    ScimError::bad("invalidValue", detail)
}

// ------------------------------------------------------------------ context

/// One authenticated SCIM request: the connection, its organization, the clock.
pub struct Ctx<'a> {
    pub conn: &'a Connection,
    pub connection: ScimConnection,
    pub org: Value,
    pub now: i64,
}

impl Ctx<'_> {
    fn cid(&self) -> &str {
        self.connection.id()
    }
    /// `base_url` without Entra's query flag: where the resources live.
    pub fn base(&self) -> &str {
        let url = self.connection.data["base_url"].as_str().unwrap_or("");
        url.split('?').next().unwrap_or(url)
    }
    fn location(&self, kind: &str, id: &str) -> String {
        format!("{}/{kind}/{id}", self.base())
    }
}

// ------------------------------------------------------------------ discovery

/// `GET /ServiceProviderConfig`.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://datatracker.ietf.org/doc/html/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "The SCIM connection's bearer token in `Authorization: Bearer`.",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    })
}

/// The `ResourceType`s: User (with the enterprise extension) and Group.
pub fn resource_types(base: &str) -> Vec<Value> {
    let rt = |name: &str, endpoint: &str, schema: &str, extensions: Value| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "description": name,
            "schema": schema,
            "schemaExtensions": extensions,
            "meta": {
                "resourceType": "ResourceType",
                "location": format!("{base}/ResourceTypes/{name}"),
            },
        })
    };
    vec![
        rt(
            "User",
            "/Users",
            USER_SCHEMA,
            json!([{"schema": ENTERPRISE_SCHEMA, "required": false}]),
        ),
        rt("Group", "/Groups", GROUP_SCHEMA, json!([])),
    ]
}

/// A Member needs an email and a Group a name, so the served schemas mark `emails` and a Group's
/// `displayName` required (RFC 7643's own definitions leave both optional), `emails.value` too. A User whose
/// `userName` is an email may still omit `emails`.
const REQUIRED_HERE: &[(&str, &str)] = &[(USER_SCHEMA, "emails"), (GROUP_SCHEMA, "displayName")];

/// The RFC 7643 schema definitions of User, the enterprise extension and Group, with this
/// server's requirements ([`REQUIRED_HERE`]).
pub fn schemas(base: &str) -> ScimResult<Vec<Value>> {
    let defs = scim_v2::models::scim_schema::get_schemas(vec!["user", "enterprise_user", "group"])
        .map_err(|e| {
            tracing::error!("embedded SCIM schemas: {e}");
            ScimError::from(ApiError::internal())
        })?;
    defs.into_iter()
        .map(|d| {
            let mut v = serde_json::to_value(d)?;
            let id = v["id"].as_str().unwrap_or_default().to_owned();
            for attr in v["attributes"].as_array_mut().into_iter().flatten() {
                if REQUIRED_HERE
                    .iter()
                    .any(|(schema, name)| *schema == id && attr["name"] == *name)
                    && let Some(a) = attr.as_object_mut()
                {
                    a.insert("required".into(), json!(true));
                    // `emails` is complex: its `value` is what is required.
                    for sub in a
                        .get_mut("subAttributes")
                        .and_then(Value::as_array_mut)
                        .into_iter()
                        .flatten()
                    {
                        if sub["name"] == "value"
                            && let Some(o) = sub.as_object_mut()
                        {
                            o.insert("required".into(), json!(true));
                        }
                    }
                }
            }
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "schemas".into(),
                    json!(["urn:ietf:params:scim:schemas:core:2.0:Schema"]),
                );
                o.insert(
                    "meta".into(),
                    json!({"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")}),
                );
            }
            Ok(v)
        })
        .collect()
}

// ------------------------------------------------------------------ attribute names

const USER_ATTRS: &[&str] = &[
    "userName",
    "name",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "active",
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "entitlements",
    "roles",
    "x509Certificates",
    "externalId",
];
const GROUP_ATTRS: &[&str] = &["displayName", "members", "externalId"];
const ENTERPRISE_ATTRS: &[&str] = &[
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
];
const SUB_ATTRS: &[&str] = &[
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
    "value",
    "display",
    "displayName",
    "type",
    "primary",
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
    "$ref",
];

/// Which resource a set of attributes belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
}

impl Kind {
    fn attrs(self) -> &'static [&'static str] {
        match self {
            Kind::User => USER_ATTRS,
            Kind::Group => GROUP_ATTRS,
        }
    }
}

/// Attribute names are case-insensitive (RFC 7643 §2.1): the schema's spelling of `name`, else
/// `name` itself.
fn canonical(name: &str, known: &[&str]) -> String {
    known
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_owned(), |k| (*k).to_owned())
}

fn get_ci<'v>(obj: &'v Value, key: &str) -> Option<&'v Value> {
    obj.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn is_core_schema(uri: &str) -> bool {
    uri.eq_ignore_ascii_case(USER_SCHEMA) || uri.eq_ignore_ascii_case(GROUP_SCHEMA)
}

/// `"True"`/`"false"` as Entra sends them, or a JSON boolean.
fn boolean(v: &Value, what: &str) -> ScimResult<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(invalid_value(format!("{what} must be a boolean."))),
    }
}

fn canonical_object(v: Value, known: &[&str]) -> ScimResult<Value> {
    let Value::Object(m) = v else {
        return Ok(v);
    };
    let mut out = Map::new();
    for (k, v) in m {
        let k = canonical(&k, known);
        let v = if k == "primary" {
            Value::Bool(boolean(&v, "primary")?)
        } else {
            v
        };
        out.insert(k, v);
    }
    Ok(Value::Object(out))
}

/// The stored form of a resource's attributes: schema spelling of the names, booleans as booleans,
/// the server-owned ones (`id`, `meta`, `schemas`, a User's `groups`) and `password` (never kept)
/// dropped.
pub fn normalize(input: Map<String, Value>, kind: Kind) -> ScimResult<Map<String, Value>> {
    let mut out = Map::new();
    for (k, v) in input {
        if ["id", "meta", "schemas", "password"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&k))
            || (kind == Kind::User && k.eq_ignore_ascii_case("groups"))
        {
            continue;
        }
        if v.is_null() {
            continue;
        }
        if kind == Kind::User && k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) {
            let mut ext = Map::new();
            if let Value::Object(m) = v {
                for (ek, ev) in m {
                    let ek = canonical(&ek, ENTERPRISE_ATTRS);
                    let ev = canonical_object(ev, SUB_ATTRS)?;
                    ext.insert(ek, ev);
                }
            } else {
                return Err(invalid_value(format!(
                    "{ENTERPRISE_SCHEMA} must be an object."
                )));
            }
            out.insert(ENTERPRISE_SCHEMA.into(), Value::Object(ext));
            continue;
        }
        let k = canonical(&k, kind.attrs());
        let v = match v {
            v if k == "active" => Value::Bool(boolean(&v, "active")?),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|i| canonical_object(i, SUB_ATTRS))
                    .collect::<ScimResult<_>>()?,
            ),
            v @ Value::Object(_) => canonical_object(v, SUB_ATTRS)?,
            v => v,
        };
        out.insert(k, v);
    }
    Ok(out)
}

// ------------------------------------------------------------------ filters

/// Parses `?filter=` (400 `invalidFilter` when it is not RFC 7644 filter syntax).
pub fn parse_filter(raw: &str) -> ScimResult<Filter> {
    raw.parse::<Filter>()
        .map_err(|e| ScimError::bad("invalidFilter", format!("The filter is not valid: {e}")))
}

/// The values `path` names in `r`: for a multi-valued complex attribute without a sub-attribute,
/// its elements' `value`s.
fn lookup<'v>(r: &'v Value, p: &AttrPath) -> Vec<&'v Value> {
    let base = match &p.uri {
        Some(u) if !is_core_schema(u) => get_ci(r, u),
        _ => Some(r),
    };
    let Some(v) = base.and_then(|b| get_ci(b, &p.name)) else {
        return Vec::new();
    };
    match (&p.sub_attr, v) {
        (None, Value::Array(items)) => items
            .iter()
            .filter_map(|i| {
                if i.is_object() {
                    get_ci(i, "value")
                } else {
                    Some(i)
                }
            })
            .collect(),
        (None, v) => vec![v],
        (Some(s), Value::Array(items)) => items.iter().filter_map(|i| get_ci(i, s)).collect(),
        (Some(s), v) => get_ci(v, s).into_iter().collect(),
    }
}

fn case_exact(p: &AttrPath) -> bool {
    p.sub_attr.is_none() && (p.name == "id" || p.name.eq_ignore_ascii_case("externalId"))
}

fn compare(v: &Value, op: &CompareOp, cv: &CompValue, exact: bool) -> bool {
    use std::cmp::Ordering;
    let ordering = |o: Ordering| match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    };
    match (v, cv) {
        (Value::String(a), CompValue::Str(b)) => {
            let (a, b) = if exact {
                (a.clone(), b.clone())
            } else {
                (a.to_lowercase(), b.to_lowercase())
            };
            match op {
                CompareOp::Co => a.contains(&b),
                CompareOp::Sw => a.starts_with(&b),
                CompareOp::Ew => a.ends_with(&b),
                _ => ordering(a.cmp(&b)),
            }
        }
        (Value::Bool(a), CompValue::True | CompValue::False) => {
            let b = matches!(cv, CompValue::True);
            matches!(op, CompareOp::Eq) == (*a == b) && matches!(op, CompareOp::Eq | CompareOp::Ne)
        }
        (Value::Number(a), CompValue::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(ordering),
            _ => false,
        },
        _ => false,
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn attr_exp(e: &AttrExp, r: &Value) -> bool {
    match e {
        AttrExp::Present(p) => lookup(r, p).into_iter().any(present),
        AttrExp::Comparison(p, op, cv) => {
            let values = lookup(r, p);
            if matches!(op, CompareOp::Ne) {
                // `ne` holds when no value equals.
                !values
                    .into_iter()
                    .any(|v| compare(v, &CompareOp::Eq, cv, case_exact(p)))
            } else {
                values
                    .into_iter()
                    .any(|v| compare(v, op, cv, case_exact(p)))
            }
        }
    }
}

fn val_filter(f: &ValFilter, elem: &Value) -> bool {
    match f {
        ValFilter::Attr(e) => attr_exp(e, elem),
        ValFilter::Not(inner) => !val_filter(inner, elem),
        ValFilter::And(ops) => ops.as_slice().iter().all(|f| val_filter(f, elem)),
        ValFilter::Or(ops) => ops.as_slice().iter().any(|f| val_filter(f, elem)),
    }
}

/// Does the rendered resource `r` match `f`?
pub fn matches(f: &Filter, r: &Value) -> bool {
    match f {
        Filter::Attr(e) => attr_exp(e, r),
        Filter::ValuePath(vp) => {
            let base = match &vp.attr.uri {
                Some(u) if !is_core_schema(u) => get_ci(r, u),
                _ => Some(r),
            };
            base.and_then(|b| get_ci(b, &vp.attr.name))
                .and_then(Value::as_array)
                .is_some_and(|items| items.iter().any(|i| val_filter(&vp.filter, i)))
        }
        Filter::Not(inner) => !matches(inner, r),
        Filter::And(ops) => ops.as_slice().iter().all(|f| matches(f, r)),
        Filter::Or(ops) => ops.as_slice().iter().any(|f| matches(f, r)),
    }
}

// ------------------------------------------------------------------ attributes, excludedAttributes

/// Which attributes an answer carries (RFC 7644 §3.4.2.5): `attributes` keeps only those named
/// (and `id` and `schemas`, always returned); `excludedAttributes` drops those named.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    pub attributes: Vec<String>,
    pub excluded: Vec<String>,
}

/// `(extension URN, name, sub-attribute)` of an attribute reference.
fn split_ref(a: &str) -> (Option<String>, String, Option<String>) {
    let (uri, rest) = match a.rsplit_once(':') {
        Some((u, r)) => (Some(u), r),
        None => (None, a),
    };
    let uri = uri.filter(|u| !is_core_schema(u)).map(str::to_owned);
    match rest.split_once('.') {
        Some((n, sub)) => (uri, n.to_owned(), Some(sub.to_owned())),
        None => (uri, rest.to_owned(), None),
    }
}

fn key_ci(o: &Map<String, Value>, name: &str) -> Option<String> {
    o.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Only `sub` of a complex value (or of each element of a multi-valued one).
fn pick_sub(v: &Value, sub: &str) -> Option<Value> {
    let one = |i: &Value| -> Option<Value> {
        let o = i.as_object()?;
        let k = key_ci(o, sub)?;
        Some(json!({ k.clone(): o[&k].clone() }))
    };
    match v {
        Value::Array(items) => Some(Value::Array(items.iter().filter_map(one).collect())),
        v => one(v),
    }
}

/// Puts `v` at `key`, merging sub-attributes picked one by one (`name.givenName`, `name.familyName`).
fn merge_into(out: &mut Map<String, Value>, key: &str, v: Value) {
    match (out.get_mut(key), v) {
        (Some(Value::Object(old)), Value::Object(new)) => old.extend(new),
        (_, v) => {
            out.insert(key.to_owned(), v);
        }
    }
}

impl Projection {
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Projection {
        let list = |s: Option<&str>| -> Vec<String> {
            s.into_iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect()
        };
        Projection {
            attributes: list(attributes),
            excluded: list(excluded),
        }
    }

    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(mut o) = resource else {
            return resource;
        };
        if !self.attributes.is_empty() {
            let mut out = Map::new();
            for keep in ["id", "schemas"] {
                if let Some(v) = o.get(keep) {
                    out.insert(keep.into(), v.clone());
                }
            }
            for a in &self.attributes {
                let (uri, name, sub) = split_ref(a);
                let ext_key = match &uri {
                    Some(u) => match key_ci(&o, u) {
                        Some(k) => Some(k),
                        None => continue,
                    },
                    None => None,
                };
                let src = match &ext_key {
                    Some(k) => match o[k].as_object() {
                        Some(m) => m,
                        None => continue,
                    },
                    None => &o,
                };
                let Some(key) = key_ci(src, &name) else {
                    continue;
                };
                let value = match &sub {
                    Some(s) => match pick_sub(&src[&key], s) {
                        Some(v) => v,
                        None => continue,
                    },
                    None => src[&key].clone(),
                };
                let dst = match &ext_key {
                    Some(k) => match out
                        .entry(k.clone())
                        .or_insert_with(|| Value::Object(Map::new()))
                        .as_object_mut()
                    {
                        Some(m) => m,
                        None => continue,
                    },
                    None => &mut out,
                };
                merge_into(dst, &key, value);
            }
            o = out;
        }
        for a in &self.excluded {
            let (uri, name, sub) = split_ref(a);
            if uri.is_none() && (name == "id" || name == "schemas") {
                continue;
            }
            let target = match &uri {
                Some(u) => key_ci(&o, u).and_then(|k| o.get_mut(&k)?.as_object_mut()),
                None => Some(&mut o),
            };
            let Some(t) = target else { continue };
            let Some(key) = key_ci(t, &name) else {
                continue;
            };
            match (sub, t.get_mut(&key)) {
                (None, _) => {
                    t.remove(&key);
                }
                (Some(s), Some(Value::Object(inner))) => {
                    if let Some(k) = key_ci(inner, &s) {
                        inner.remove(&k);
                    }
                }
                (Some(s), Some(Value::Array(items))) => {
                    for i in items.iter_mut().filter_map(Value::as_object_mut) {
                        if let Some(k) = key_ci(i, &s) {
                            i.remove(&k);
                        }
                    }
                }
                _ => {}
            }
        }
        Value::Object(o)
    }
}

// ------------------------------------------------------------------ PATCH

/// Applies an RFC 7644 PatchOp body to `attrs`: `op` in any case; Okta's path-less
/// `{"op":"replace","value":{"active":false}}`; Entra's `"Replace"` with string booleans;
/// value-path targets such as `members[value eq "…"]`.
pub fn apply_patch(attrs: &mut Map<String, Value>, body: &Value, kind: Kind) -> ScimResult<()> {
    let schemas = get_ci(body, "schemas").and_then(Value::as_array);
    if let Some(s) = schemas
        && !s.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA))
    {
        return Err(ScimError::bad(
            "invalidSyntax",
            format!("A PATCH body's schemas must include {PATCH_SCHEMA}."),
        ));
    }
    let ops = get_ci(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::bad("invalidSyntax", "A PATCH body needs Operations."))?;
    for op in ops {
        let name = get_ci(op, "op")
            .and_then(Value::as_str)
            .ok_or_else(|| ScimError::bad("invalidSyntax", "Each operation needs an op."))?
            .to_ascii_lowercase();
        let value = get_ci(op, "value").cloned();
        let path = get_ci(op, "path")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let op = match name.as_str() {
            "add" => Op::Add,
            "replace" => Op::Replace,
            "remove" => Op::Remove,
            _ => {
                return Err(ScimError::bad(
                    "invalidSyntax",
                    format!("Unknown PATCH op {name:?}: use add, replace or remove."),
                ));
            }
        };
        match (path, op) {
            (Some(p), _) => apply_path(attrs, op, p, value, kind)?,
            (None, Op::Remove) => {
                return Err(ScimError::bad(
                    "noTarget",
                    "A remove operation needs a path.",
                ));
            }
            (None, _) => {
                let Some(Value::Object(m)) = value else {
                    return Err(invalid_value(
                        "An operation without a path needs an object value.",
                    ));
                };
                for (k, v) in m {
                    if k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) && v.is_object() {
                        for (ek, ev) in v
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(ek, _)| !server_owned(ek))
                        {
                            apply_path(
                                attrs,
                                op,
                                &format!("{ENTERPRISE_SCHEMA}:{ek}"),
                                Some(ev.clone()),
                                kind,
                            )?;
                        }
                    } else if server_owned(&k) {
                        // Okta repeats the id in replace values; it never changes.
                    } else {
                        apply_path(attrs, op, &k, Some(v), kind)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// `id`, `schemas` and `meta`: set by the server, so ignored in a path-less PATCH value (Okta
/// repeats the id there; scim2-tester the extension's `schemas`).
fn server_owned(k: &str) -> bool {
    ["id", "schemas", "meta"]
        .iter()
        .any(|d| d.eq_ignore_ascii_case(k))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

fn same_element(a: &Value, b: &Value) -> bool {
    match (get_ci(a, "value"), get_ci(b, "value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn apply_path(
    attrs: &mut Map<String, Value>,
    op: Op,
    raw: &str,
    value: Option<Value>,
    kind: Kind,
) -> ScimResult<()> {
    if kind == Kind::User && raw.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) {
        // The extension as a whole: its attributes one by one, or all of them removed.
        if op == Op::Remove {
            attrs.remove(ENTERPRISE_SCHEMA);
            return Ok(());
        }
        let Some(Value::Object(m)) = value else {
            return Err(invalid_value(format!(
                "{ENTERPRISE_SCHEMA} needs an object value."
            )));
        };
        for (k, v) in m.into_iter().filter(|(k, _)| !server_owned(k)) {
            apply_path(
                attrs,
                op,
                &format!("{ENTERPRISE_SCHEMA}:{k}"),
                Some(v),
                kind,
            )?;
        }
        return Ok(());
    }
    let path: PatchPath = raw.parse().map_err(|e| {
        ScimError::bad("invalidPath", format!("The path {raw:?} is not valid: {e}"))
    })?;
    let need_value = || {
        value
            .clone()
            .filter(|v| !v.is_null())
            .ok_or_else(|| invalid_value(format!("The operation on {raw:?} needs a value.")))
    };
    let attr = match &path {
        PatchPath::Attr(a) => a,
        PatchPath::Value(vp) => &vp.attr,
    };
    let target: &mut Map<String, Value> = match &attr.uri {
        Some(u) if !is_core_schema(u) => {
            if kind != Kind::User || !u.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) {
                return Err(ScimError::bad(
                    "invalidPath",
                    format!("Unknown schema {u:?} in path."),
                ));
            }
            let ext = attrs
                .entry(ENTERPRISE_SCHEMA)
                .or_insert_with(|| Value::Object(Map::new()));
            if !ext.is_object() {
                *ext = Value::Object(Map::new());
            }
            ext.as_object_mut()
                .ok_or_else(|| invalid_value("extension"))?
        }
        _ => attrs,
    };
    let known = if attr.uri.as_deref().is_some_and(|u| !is_core_schema(u)) {
        ENTERPRISE_ATTRS
    } else {
        kind.attrs()
    };
    let name = canonical(&attr.name, known);
    if ["id", "meta", "schemas"].contains(&name.as_str()) {
        return Err(ScimError::bad(
            "mutability",
            format!("{name} is read-only."),
        ));
    }
    match path {
        PatchPath::Attr(a) => match (a.sub_attr, op) {
            (None, Op::Remove) => {
                let removal = value.as_ref().and_then(Value::as_array);
                match (target.get_mut(&name), removal) {
                    (Some(Value::Array(items)), Some(gone)) => {
                        items.retain(|i| !gone.iter().any(|g| same_element(i, g)));
                    }
                    _ => {
                        target.remove(&name);
                    }
                }
            }
            (None, op) => {
                let v = need_value()?;
                match (target.get_mut(&name), v) {
                    (Some(Value::Array(items)), v) if op == Op::Add => {
                        let new = match v {
                            Value::Array(a) => a,
                            one => vec![one],
                        };
                        for n in new {
                            if let Some(i) = items.iter_mut().find(|i| same_element(i, &n)) {
                                *i = n;
                            } else {
                                items.push(n);
                            }
                        }
                    }
                    (Some(Value::Object(old)), Value::Object(new)) => {
                        for (k, v) in new {
                            old.insert(k, v);
                        }
                    }
                    (_, v) => {
                        target.insert(name, v);
                    }
                }
            }
            (Some(sub), Op::Remove) => {
                if let Some(Value::Object(o)) = target.get_mut(&name) {
                    let sub = canonical(&sub, SUB_ATTRS);
                    o.remove(&sub);
                }
            }
            (Some(sub), _) => {
                let v = need_value()?;
                let slot = target
                    .entry(name.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(o) = slot else {
                    return Err(ScimError::bad(
                        "invalidPath",
                        format!("{name} has no sub-attribute {sub}."),
                    ));
                };
                o.insert(canonical(&sub, SUB_ATTRS), v);
            }
        },
        PatchPath::Value(vp) => {
            let sub = vp.sub_attr.as_deref().map(|s| canonical(s, SUB_ATTRS));
            if op == Op::Remove {
                if let Some(Value::Array(items)) = target.get_mut(&name) {
                    match &sub {
                        None => items.retain(|i| !val_filter(&vp.filter, i)),
                        Some(s) => items
                            .iter_mut()
                            .filter(|i| val_filter(&vp.filter, i))
                            .for_each(|i| {
                                if let Some(o) = i.as_object_mut() {
                                    o.remove(s);
                                }
                            }),
                    }
                }
                return Ok(());
            }
            let v = need_value()?;
            let slot = target
                .entry(name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = slot else {
                return Err(ScimError::bad(
                    "invalidPath",
                    format!("{name} is not multi-valued."),
                ));
            };
            let mut hit = false;
            for i in items.iter_mut().filter(|i| val_filter(&vp.filter, i)) {
                hit = true;
                set_element(i, sub.as_deref(), &v)?;
            }
            if !hit {
                // Entra replaces `emails[type eq "work"].value` on a User that has no such email
                // yet: an `eq` filter says what the new element is.
                let ValFilter::Attr(AttrExp::Comparison(p, CompareOp::Eq, CompValue::Str(s))) =
                    &vp.filter
                else {
                    return Err(ScimError::bad(
                        "noTarget",
                        format!("No value of {name} matches the path's filter."),
                    ));
                };
                let mut elem = json!({ canonical(&p.name, SUB_ATTRS): s });
                set_element(&mut elem, sub.as_deref(), &v)?;
                items.push(elem);
            }
        }
    }
    Ok(())
}

fn set_element(elem: &mut Value, sub: Option<&str>, v: &Value) -> ScimResult<()> {
    let Some(o) = elem.as_object_mut() else {
        return Err(invalid_value(
            "Only complex values can be targeted by a filter.",
        ));
    };
    match (sub, v) {
        (Some(s), v) => {
            o.insert(s.to_owned(), v.clone());
        }
        (None, Value::Object(new)) => {
            for (k, v) in new {
                o.insert(canonical(k, SUB_ATTRS), v.clone());
            }
        }
        (None, _) => return Err(invalid_value("The value must be an object.")),
    }
    Ok(())
}

// ------------------------------------------------------------------ members

fn roles_of(member: &MemberRow) -> Vec<Value> {
    member.data["roles"].as_array().cloned().unwrap_or_default()
}

fn set_roles(member: &mut MemberRow, roles: Vec<Value>) {
    let is_admin = roles.iter().any(|r| r["role_id"] == "stytch_admin");
    members::set(member, "roles", Value::Array(roles));
    members::set(member, "is_admin", json!(is_admin));
}

/// Recomputes the implicit roles SCIM gives `member`: the email-domain ones and those of the
/// connection's groups it is in; none while it is deprovisioned.
fn sync_roles(
    conn: &Connection,
    org: &Value,
    connection: &ScimConnection,
    member: &mut MemberRow,
) -> ScimResult<()> {
    let cid = connection.id();
    let mut roles = roles_of(member);
    for r in roles.iter_mut() {
        if let Some(sources) = r["sources"].as_array_mut() {
            sources.retain(|s| {
                s["type"] != "email_assignment"
                    && !(s["type"] == "scim_connection_group"
                        && s["details"]["connection_id"] == cid)
            });
        }
    }
    let mut granted: Vec<(String, Value)> = Vec::new();
    if member.status() == "active" {
        let domain = email_domain(member.email()).to_owned();
        for a in org["rbac_email_implicit_role_assignments"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let (Some(role), Some(d)) = (a["role_id"].as_str(), a["domain"].as_str())
                && d.eq_ignore_ascii_case(&domain)
            {
                granted.push((
                    role.to_owned(),
                    json!({"type": "email_assignment", "details": {"email_domain": domain}}),
                ));
            }
        }
        let groups = groups_of_member(conn, member.member_id())?;
        for a in connection.data["scim_group_implicit_role_assignments"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let (Some(role), Some(group)) = (a["role_id"].as_str(), a["group_id"].as_str())
                && groups.iter().any(|(g, _)| g == group)
            {
                granted.push((
                    role.to_owned(),
                    json!({"type": "scim_connection_group",
                           "details": {"connection_id": cid, "group_id": group}}),
                ));
            }
        }
        if !roles.iter().any(|r| r["role_id"] == "stytch_member") {
            roles.insert(
                0,
                json!({"role_id": "stytch_member",
                       "sources": [{"type": "direct_assignment", "details": {}}]}),
            );
        }
    }
    for (role_id, source) in granted {
        match roles.iter_mut().find(|r| r["role_id"] == role_id.as_str()) {
            Some(r) => {
                if let Some(sources) = r["sources"].as_array_mut()
                    && !sources.contains(&source)
                {
                    sources.push(source);
                }
            }
            None => roles.push(json!({"role_id": role_id, "sources": [source]})),
        }
    }
    roles.retain(|r| {
        r["role_id"] == "stytch_member" || r["sources"].as_array().is_some_and(|s| !s.is_empty())
    });
    set_roles(member, roles);
    Ok(())
}

/// `deleted`, sessions and pending links revoked, every role but `stytch_member` dropped.
fn deprovision(conn: &Connection, member: &mut MemberRow, now: i64) -> ScimResult<()> {
    members::set(member, "status", json!("deleted"));
    members::set(member, "updated_at", json!(rfc3339(now)));
    let kept: Vec<Value> = roles_of(member)
        .into_iter()
        .filter(|r| r["role_id"] == "stytch_member")
        .collect();
    set_roles(member, kept);
    sessions::revoke_member(conn, member.member_id())?;
    one_time_tokens::revoke_member(conn, member.member_id())?;
    Ok(())
}

fn snake(k: &str) -> String {
    let k = k.trim_start_matches('$');
    let mut out = String::with_capacity(k.len() + 4);
    for c in k.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn snake_value(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let k = if k == ENTERPRISE_SCHEMA {
                        "enterprise_extension".to_owned()
                    } else {
                        snake(k)
                    };
                    (k, snake_value(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(snake_value).collect()),
        v => v.clone(),
    }
}

// ------------------------------------------------------------------ users: storage

/// A User: its registration, its Member and the attributes the identity provider sent.
#[derive(Debug, Clone)]
pub struct UserRow {
    registration_id: String,
    member_id: String,
    attrs: Map<String, Value>,
    created_at: i64,
    updated_at: i64,
}

type UserTuple = (String, String, String, i64, i64);

fn user_from(t: UserTuple) -> ScimResult<UserRow> {
    let (registration_id, member_id, data, created_at, updated_at) = t;
    let attrs = match parse_stored(data)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    Ok(UserRow {
        registration_id,
        member_id,
        attrs,
        created_at,
        updated_at,
    })
}

const USER_COLUMNS: &str =
    "SELECT registration_id, member_id, data, created_at, updated_at FROM scim_users";

fn read_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserTuple> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn user_by_member(conn: &Connection, member_id: &str) -> ScimResult<Option<(String, UserRow)>> {
    let row: Option<(String, UserTuple)> = conn
        .prepare_cached(
            "SELECT connection_id, registration_id, member_id, data, created_at, updated_at
             FROM scim_users WHERE member_id = ?1",
        )?
        .query_row(params![member_id], |r| {
            Ok((
                r.get(0)?,
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
            ))
        })
        .optional()?;
    row.map(|(c, t)| Ok((c, user_from(t)?))).transpose()
}

fn user_in(ctx: &Ctx<'_>, id: &str) -> ScimResult<UserRow> {
    match user_by_member(ctx.conn, id)? {
        Some((c, u)) if c == ctx.cid() => Ok(u),
        _ => Err(ScimError::not_found(format!("No User {id}."))),
    }
}

fn users_of(ctx: &Ctx<'_>) -> ScimResult<Vec<UserRow>> {
    let mut st = ctx.conn.prepare_cached(&format!(
        "{USER_COLUMNS} WHERE connection_id = ?1 ORDER BY created_at, rowid"
    ))?;
    let rows: Vec<UserTuple> = st
        .query_map(params![ctx.cid()], read_user)?
        .collect::<Result<_, _>>()?;
    rows.into_iter().map(user_from).collect()
}

fn save_user(ctx: &Ctx<'_>, u: &UserRow, user_name: &str) -> ScimResult<()> {
    ctx.conn.execute(
        "INSERT INTO scim_users (registration_id, connection_id, organization_id, member_id,
             user_name, data, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (registration_id) DO UPDATE SET user_name = excluded.user_name,
             data = excluded.data, updated_at = excluded.updated_at",
        params![
            u.registration_id,
            ctx.cid(),
            org_id(&ctx.org),
            u.member_id,
            user_name.to_lowercase(),
            Value::Object(u.attrs.clone()).to_string(),
            u.created_at,
            u.updated_at
        ],
    )?;
    Ok(())
}

fn groups_of_member(conn: &Connection, member_id: &str) -> ScimResult<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT g.group_id, g.group_name FROM scim_group_members m
         JOIN scim_groups g ON g.group_id = m.group_id
         WHERE m.member_id = ?1 ORDER BY g.group_name, g.group_id",
    )?;
    let rows = st
        .query_map(params![member_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

// ------------------------------------------------------------------ users: resources

fn meta(ctx: &Ctx<'_>, kind: &str, id: &str, created: i64, updated: i64) -> Value {
    json!({
        "resourceType": kind,
        "created": rfc3339(created),
        "lastModified": rfc3339(updated),
        "location": ctx.location(if kind == "User" { "Users" } else { "Groups" }, id),
    })
}

fn render_user(ctx: &Ctx<'_>, u: &UserRow) -> ScimResult<Value> {
    let mut out = u.attrs.clone();
    let mut schemas = vec![json!(USER_SCHEMA)];
    if out.contains_key(ENTERPRISE_SCHEMA) {
        schemas.push(json!(ENTERPRISE_SCHEMA));
    }
    out.insert("schemas".into(), Value::Array(schemas));
    out.insert("id".into(), json!(u.member_id));
    let groups: Vec<Value> = groups_of_member(ctx.conn, &u.member_id)?
        .into_iter()
        .map(|(id, name)| {
            json!({"value": id, "display": name, "$ref": ctx.location("Groups", &id),
                   "type": "direct"})
        })
        .collect();
    out.insert("groups".into(), Value::Array(groups));
    out.insert(
        "meta".into(),
        meta(ctx, "User", &u.member_id, u.created_at, u.updated_at),
    );
    Ok(Value::Object(out))
}

fn text<'a>(attrs: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    attrs
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The Member's email: `userName` when it is one, else the primary (or first) email.
fn email_of(attrs: &Map<String, Value>, user_name: &str) -> ScimResult<String> {
    if let Ok(e) = normalize_email(user_name) {
        return Ok(e);
    }
    let emails = attrs.get("emails").and_then(Value::as_array);
    let pick = emails.and_then(|e| {
        e.iter()
            .find(|e| e["primary"] == true)
            .or_else(|| e.first())
            .and_then(|e| e["value"].as_str())
    });
    pick.and_then(|e| normalize_email(e).ok())
        .ok_or_else(|| invalid_value("userName (or the primary email) must be an email address."))
}

fn name_of(attrs: &Map<String, Value>) -> String {
    let name = attrs.get("name").cloned().unwrap_or(Value::Null);
    let part = |k: &str| name[k].as_str().map(str::trim).unwrap_or("").to_owned();
    let formatted = part("formatted");
    if !formatted.is_empty() {
        return formatted;
    }
    let joined = format!("{} {}", part("givenName"), part("familyName"))
        .trim()
        .to_owned();
    if !joined.is_empty() {
        return joined;
    }
    text(attrs, "displayName").unwrap_or("").to_owned()
}

/// Writes a User (new when `existing` is `None`) and its effects on the Member.
fn write_user(
    ctx: &Ctx<'_>,
    existing: Option<UserRow>,
    attrs: Map<String, Value>,
) -> ScimResult<Value> {
    let user_name = text(&attrs, "userName")
        .ok_or_else(|| invalid_value("userName is required."))?
        .to_owned();
    let taken: Option<String> = ctx
        .conn
        .prepare_cached(
            "SELECT registration_id FROM scim_users WHERE connection_id = ?1 AND user_name = ?2",
        )?
        .query_row(params![ctx.cid(), user_name.to_lowercase()], |r| r.get(0))
        .optional()?;
    if taken.is_some_and(|t| existing.as_ref().is_none_or(|e| e.registration_id != t)) {
        return Err(ScimError::uniqueness(format!(
            "A User with userName {user_name:?} already exists."
        )));
    }
    let email = email_of(&attrs, &user_name)?;
    let active = attrs.get("active").and_then(Value::as_bool).unwrap_or(true);
    let oid = org_id(&ctx.org).to_owned();
    let (mut member, mut user) = match existing {
        Some(u) => {
            let m = members::get_member(ctx.conn, &u.member_id)?
                .ok_or_else(|| ScimError::not_found(format!("No User {}.", u.member_id)))?;
            (m, u)
        }
        None => {
            let member = match members::find_member(ctx.conn, &oid, &email)? {
                Some(m) => {
                    if user_by_member(ctx.conn, m.member_id())?.is_some() {
                        return Err(ScimError::uniqueness(format!(
                            "The Member {email} is already provisioned by SCIM."
                        )));
                    }
                    m
                }
                None => {
                    let data = members::new_member(
                        &members::NewMember::plain(&oid, &new_id("member"), &email, "active"),
                        ctx.now,
                    );
                    let row = MemberRow {
                        data,
                        email_id: new_id("email"),
                    };
                    members::insert_row(ctx.conn, &row)?;
                    row
                }
            };
            let user = UserRow {
                registration_id: new_id("scim-registration"),
                member_id: member.member_id().to_owned(),
                attrs: Map::new(),
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            (member, user)
        }
    };
    if member.email() != email {
        if members::find_member(ctx.conn, &oid, &email)?.is_some() {
            return Err(ScimError::uniqueness(format!(
                "Another Member of the organization has the email {email}."
            )));
        }
        members::set(&mut member, "email_address", json!(email));
        members::set(&mut member, "email_address_verified", json!(false));
    }
    let name = name_of(&attrs);
    if !name.is_empty() {
        members::set(&mut member, "name", json!(name));
    }
    user.attrs = attrs;
    user.updated_at = ctx.now;
    save_user(ctx, &user, &user_name)?;
    if active {
        if member.status() != "active" {
            members::set(&mut member, "status", json!("active"));
        }
    } else if member.status() != "deleted" {
        deprovision(ctx.conn, &mut member, ctx.now)?;
    }
    sync_roles(ctx.conn, &ctx.org, &ctx.connection, &mut member)?;
    let resource = render_user(ctx, &user)?;
    set_registration(ctx, &mut member, &user, &resource);
    members::set(&mut member, "updated_at", json!(rfc3339(ctx.now)));
    members::save_member(ctx.conn, &member)?;
    Ok(resource)
}

/// The Member's `scim_registration`, with the resource's attributes in snake_case.
fn set_registration(ctx: &Ctx<'_>, member: &mut MemberRow, u: &UserRow, resource: &Value) {
    let mut attrs = snake_value(&Value::Object(u.attrs.clone()));
    if let Some(o) = attrs.as_object_mut() {
        o.insert("id".into(), json!(u.member_id));
        o.insert(
            "active".into(),
            json!(resource["active"].as_bool().unwrap_or(true)),
        );
        let groups: Vec<Value> = resource["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| json!({"value": g["value"], "display": g["display"]}))
            .collect();
        o.insert("groups".into(), Value::Array(groups));
    }
    members::set(
        member,
        "scim_registration",
        json!({
            "connection_id": ctx.cid(),
            "registration_id": u.registration_id,
            "external_id": u.attrs.get("externalId").cloned().unwrap_or(Value::Null),
            "scim_attributes": attrs,
        }),
    );
}

/// Re-renders the registration and roles of a User's Member (its groups changed).
fn refresh_member(ctx: &Ctx<'_>, member_id: &str) -> ScimResult<()> {
    let Some(mut member) = members::get_member(ctx.conn, member_id)? else {
        return Ok(());
    };
    sync_roles(ctx.conn, &ctx.org, &ctx.connection, &mut member)?;
    if let Some((c, u)) = user_by_member(ctx.conn, member_id)?
        && c == ctx.cid()
    {
        let resource = render_user(ctx, &u)?;
        set_registration(ctx, &mut member, &u, &resource);
    }
    members::set(&mut member, "updated_at", json!(rfc3339(ctx.now)));
    members::save_member(ctx.conn, &member)?;
    Ok(())
}

fn object(body: Value) -> ScimResult<Map<String, Value>> {
    match body {
        Value::Object(m) => Ok(m),
        _ => Err(ScimError::bad(
            "invalidSyntax",
            "The body must be a JSON object.",
        )),
    }
}

// ------------------------------------------------------------------ users: operations

pub fn create_user(ctx: &Ctx<'_>, body: Value) -> ScimResult<Value> {
    let attrs = normalize(object(body)?, Kind::User)?;
    write_user(ctx, None, attrs)
}

pub fn get_user(ctx: &Ctx<'_>, id: &str) -> ScimResult<Value> {
    render_user(ctx, &user_in(ctx, id)?)
}

pub fn replace_user(ctx: &Ctx<'_>, id: &str, body: Value) -> ScimResult<Value> {
    let u = user_in(ctx, id)?;
    let attrs = normalize(object(body)?, Kind::User)?;
    write_user(ctx, Some(u), attrs)
}

pub fn patch_user(ctx: &Ctx<'_>, id: &str, body: Value) -> ScimResult<Value> {
    let u = user_in(ctx, id)?;
    let mut attrs = u.attrs.clone();
    apply_patch(&mut attrs, &body, Kind::User)?;
    let attrs = normalize(attrs, Kind::User)?;
    write_user(ctx, Some(u), attrs)
}

/// Deprovisions the Member and ends the registration (see the module docs).
pub fn delete_user(ctx: &Ctx<'_>, id: &str) -> ScimResult<()> {
    let u = user_in(ctx, id)?;
    ctx.conn.execute(
        "DELETE FROM scim_users WHERE registration_id = ?1",
        params![u.registration_id],
    )?;
    ctx.conn.execute(
        "DELETE FROM scim_group_members WHERE member_id = ?1",
        params![u.member_id],
    )?;
    if let Some(mut member) = members::get_member(ctx.conn, &u.member_id)? {
        if member.status() != "deleted" {
            deprovision(ctx.conn, &mut member, ctx.now)?;
        }
        sync_roles(ctx.conn, &ctx.org, &ctx.connection, &mut member)?;
        members::set(&mut member, "scim_registration", Value::Null);
        members::save_member(ctx.conn, &member)?;
    }
    Ok(())
}

/// One page of a list: `startIndex` (1-based) and `count`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub start_index: usize,
    pub count: usize,
}

pub fn list_response(all: Vec<Value>, page: Page, projection: &Projection) -> Value {
    let total = all.len();
    let resources: Vec<Value> = all
        .into_iter()
        .skip(page.start_index - 1)
        .take(page.count)
        .map(|r| projection.apply(r))
        .collect();
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": page.start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// The Users `filter` matches, in creation order.
pub fn find_users(ctx: &Ctx<'_>, filter: Option<&Filter>) -> ScimResult<Vec<Value>> {
    let mut all = Vec::new();
    for u in users_of(ctx)? {
        let r = render_user(ctx, &u)?;
        if filter.is_none_or(|f| matches(f, &r)) {
            all.push(r);
        }
    }
    Ok(all)
}

// ------------------------------------------------------------------ groups

struct GroupRow {
    group_id: String,
    name: String,
    attrs: Map<String, Value>,
    created_at: i64,
    updated_at: i64,
}

fn group_in(ctx: &Ctx<'_>, id: &str) -> ScimResult<GroupRow> {
    let row: Option<(String, String, String, i64, i64)> = ctx
        .conn
        .prepare_cached(
            "SELECT group_id, group_name, data, created_at, updated_at FROM scim_groups
             WHERE connection_id = ?1 AND group_id = ?2",
        )?
        .query_row(params![ctx.cid(), id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let (group_id, name, data, created_at, updated_at) =
        row.ok_or_else(|| ScimError::not_found(format!("No Group {id}.")))?;
    let attrs = match parse_stored(data)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    Ok(GroupRow {
        group_id,
        name,
        attrs,
        created_at,
        updated_at: updated_at.max(created_at),
    })
}

fn group_members(conn: &Connection, group_id: &str) -> ScimResult<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT member_id FROM scim_group_members WHERE group_id = ?1 ORDER BY rowid",
    )?;
    let rows = st
        .query_map(params![group_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn render_group(ctx: &Ctx<'_>, g: &GroupRow) -> ScimResult<Value> {
    let mut out = g.attrs.clone();
    out.insert("schemas".into(), json!([GROUP_SCHEMA]));
    out.insert("id".into(), json!(g.group_id));
    out.insert("displayName".into(), json!(g.name));
    let mut list = Vec::new();
    for m in group_members(ctx.conn, &g.group_id)? {
        list.push(json!({"value": m, "type": "User", "$ref": ctx.location("Users", &m)}));
    }
    out.insert("members".into(), Value::Array(list));
    out.insert(
        "meta".into(),
        meta(ctx, "Group", &g.group_id, g.created_at, g.updated_at),
    );
    Ok(Value::Object(out))
}

/// Writes a Group (new when `existing` is `None`), its memberships and their roles.
fn write_group(
    ctx: &Ctx<'_>,
    existing: Option<GroupRow>,
    mut attrs: Map<String, Value>,
) -> ScimResult<Value> {
    let name = text(&attrs, "displayName")
        .ok_or_else(|| invalid_value("displayName is required."))?
        .to_owned();
    let group_id = existing
        .as_ref()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |g| g.group_id.clone());
    let clash: Option<String> = ctx
        .conn
        .prepare_cached(
            "SELECT group_id FROM scim_groups WHERE connection_id = ?1
             AND lower(group_name) = lower(?2) AND group_id != ?3",
        )?
        .query_row(params![ctx.cid(), name, group_id], |r| r.get(0))
        .optional()?;
    if clash.is_some() {
        return Err(ScimError::uniqueness(format!(
            "A Group named {name:?} already exists."
        )));
    }
    let mut wanted: Vec<String> = Vec::new();
    for m in attrs
        .remove("members")
        .map(|v| match v {
            Value::Array(a) => a,
            one => vec![one],
        })
        .into_iter()
        .flatten()
    {
        let id = m["value"]
            .as_str()
            .ok_or_else(|| invalid_value("Each member needs a value (a User id)."))?
            .to_owned();
        if !matches!(user_by_member(ctx.conn, &id)?, Some((c, _)) if c == ctx.cid()) {
            return Err(invalid_value(format!("No User {id} to add to the Group.")));
        }
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    attrs.remove("displayName");
    let before: BTreeSet<String> = match &existing {
        Some(g) => group_members(ctx.conn, &g.group_id)?.into_iter().collect(),
        None => BTreeSet::new(),
    };
    let created_at = existing.as_ref().map_or(ctx.now, |g| g.created_at);
    ctx.conn.execute(
        "INSERT INTO scim_groups (group_id, connection_id, organization_id, group_name, data,
             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (group_id) DO UPDATE SET group_name = excluded.group_name,
             data = excluded.data, updated_at = excluded.updated_at",
        params![
            group_id,
            ctx.cid(),
            org_id(&ctx.org),
            name,
            Value::Object(attrs.clone()).to_string(),
            created_at,
            ctx.now
        ],
    )?;
    let after: BTreeSet<String> = wanted.iter().cloned().collect();
    for gone in before.difference(&after) {
        ctx.conn.execute(
            "DELETE FROM scim_group_members WHERE group_id = ?1 AND member_id = ?2",
            params![group_id, gone],
        )?;
    }
    for m in &wanted {
        ctx.conn.execute(
            "INSERT OR IGNORE INTO scim_group_members (group_id, member_id, connection_id,
                 organization_id) VALUES (?1, ?2, ?3, ?4)",
            params![group_id, m, ctx.cid(), org_id(&ctx.org)],
        )?;
    }
    // A rename shows in every member's `groups`; a membership change in their roles.
    let touched: BTreeSet<&String> = before.union(&after).collect();
    for m in touched {
        refresh_member(ctx, m)?;
    }
    let g = GroupRow {
        group_id,
        name,
        attrs,
        created_at,
        updated_at: ctx.now,
    };
    render_group(ctx, &g)
}

pub fn create_group(ctx: &Ctx<'_>, body: Value) -> ScimResult<Value> {
    let attrs = normalize(object(body)?, Kind::Group)?;
    write_group(ctx, None, attrs)
}

pub fn get_group(ctx: &Ctx<'_>, id: &str) -> ScimResult<Value> {
    render_group(ctx, &group_in(ctx, id)?)
}

pub fn replace_group(ctx: &Ctx<'_>, id: &str, body: Value) -> ScimResult<Value> {
    let g = group_in(ctx, id)?;
    let attrs = normalize(object(body)?, Kind::Group)?;
    write_group(ctx, Some(g), attrs)
}

pub fn patch_group(ctx: &Ctx<'_>, id: &str, body: Value) -> ScimResult<Value> {
    let g = group_in(ctx, id)?;
    let Value::Object(current) = render_group(ctx, &g)? else {
        return Err(ApiError::internal().into());
    };
    let mut attrs = normalize(current, Kind::Group)?;
    apply_patch(&mut attrs, &body, Kind::Group)?;
    let attrs = normalize(attrs, Kind::Group)?;
    write_group(ctx, Some(g), attrs)
}

/// Deletes a Group: its memberships, the roles they gave and its role assignments.
pub fn delete_group(ctx: &Ctx<'_>, id: &str) -> ScimResult<()> {
    let g = group_in(ctx, id)?;
    let former = group_members(ctx.conn, &g.group_id)?;
    ctx.conn.execute(
        "DELETE FROM scim_group_members WHERE group_id = ?1",
        params![g.group_id],
    )?;
    ctx.conn.execute(
        "DELETE FROM scim_groups WHERE group_id = ?1",
        params![g.group_id],
    )?;
    crate::domain::scim::drop_group_assignments(ctx.conn, ctx.cid(), &g.group_id, ctx.now)?;
    for m in former {
        refresh_member(ctx, &m)?;
    }
    Ok(())
}

/// The Groups `filter` matches, in creation order.
pub fn find_groups(ctx: &Ctx<'_>, filter: Option<&Filter>) -> ScimResult<Vec<Value>> {
    let mut st = ctx.conn.prepare_cached(
        "SELECT group_id FROM scim_groups WHERE connection_id = ?1 ORDER BY created_at, rowid",
    )?;
    let ids: Vec<String> = st
        .query_map(params![ctx.cid()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut all = Vec::new();
    for id in ids {
        let r = render_group(ctx, &group_in(ctx, &id)?)?;
        if filter.is_none_or(|f| matches(f, &r)) {
            all.push(r);
        }
    }
    Ok(all)
}

// ------------------------------------------------------------------ connection hooks

/// The connection's group role assignments changed: recompute its Users' roles.
pub fn resync_connection(
    conn: &Connection,
    org: &Value,
    connection: &ScimConnection,
    now: i64,
) -> Result<(), ApiError> {
    let ctx = Ctx {
        conn,
        connection: connection.clone(),
        org: org.clone(),
        now,
    };
    let run = || -> ScimResult<()> {
        for u in users_of(&ctx)? {
            refresh_member(&ctx, &u.member_id)?;
        }
        Ok(())
    };
    run().map_err(|e| {
        tracing::error!("SCIM role resync failed: {}", e.detail);
        ApiError::internal()
    })
}

/// The connection is being deleted: its registrations end (see the module docs).
pub fn forget_connection(conn: &Connection, connection_id: &str) -> Result<(), ApiError> {
    let mut st = conn.prepare("SELECT member_id FROM scim_users WHERE connection_id = ?1")?;
    let ids: Vec<String> = st
        .query_map(params![connection_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        let Some(mut m) = members::get_member(conn, &id)? else {
            continue;
        };
        let mut roles = roles_of(&m);
        for r in roles.iter_mut() {
            if let Some(sources) = r["sources"].as_array_mut() {
                sources.retain(|s| {
                    !(s["type"] == "scim_connection_group"
                        && s["details"]["connection_id"] == connection_id)
                });
            }
        }
        roles.retain(|r| {
            r["role_id"] == "stytch_member"
                || r["sources"].as_array().is_some_and(|s| !s.is_empty())
        });
        set_roles(&mut m, roles);
        members::set(&mut m, "scim_registration", Value::Null);
        members::save_member(conn, &m)?;
    }
    conn.execute(
        "DELETE FROM scim_users WHERE connection_id = ?1",
        params![connection_id],
    )?;
    conn.execute(
        "DELETE FROM scim_group_members WHERE connection_id = ?1",
        params![connection_id],
    )?;
    Ok(())
}

/// The organization is being deleted: its SCIM users and memberships go with it.
pub fn delete_organization(conn: &Connection, organization_id: &str) -> Result<(), ApiError> {
    conn.execute(
        "DELETE FROM scim_users WHERE organization_id = ?1",
        params![organization_id],
    )?;
    conn.execute(
        "DELETE FROM scim_group_members WHERE organization_id = ?1",
        params![organization_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Filter {
        parse_filter(s).unwrap()
    }

    fn user() -> Value {
        json!({
            "id": "member-test-1",
            "userName": "Ada@Example.com",
            "externalId": "00uAbC",
            "active": true,
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": "ada@example.com", "type": "work", "primary": true}],
            "meta": {"created": "2026-01-01T00:00:00Z"},
        })
    }

    #[test]
    fn filters_compare_as_rfc_7644_says() {
        let u = user();
        for yes in [
            r#"userName eq "ada@example.com""#,
            r#"USERNAME Eq "ADA@EXAMPLE.COM""#,
            r#"externalId eq "00uAbC""#,
            r#"emails.value co "example""#,
            r#"emails eq "ada@example.com""#,
            r#"emails[type eq "work" and primary eq true]"#,
            r#"name.givenName sw "ad""#,
            r#"userName ew ".com" and active eq true"#,
            r#"userName eq "x" or displayName pr or externalId pr"#,
            r#"not (displayName pr)"#,
            r#"meta.created gt "2025-12-31T00:00:00Z""#,
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "ada""#,
            r#"title ne "x""#,
        ] {
            assert!(matches(&f(yes), &u), "{yes}");
        }
        for no in [
            r#"externalId eq "00uabc""#,
            r#"userName eq "bob@example.com""#,
            r#"active eq false"#,
            r#"displayName pr"#,
            r#"emails[type eq "home"]"#,
            r#"userName co "zz" and active eq true"#,
        ] {
            assert!(!matches(&f(no), &u), "{no}");
        }
        let e = parse_filter("userName eq").unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(e.scim_type, Some("invalidFilter"));
    }

    fn patched(start: Value, body: Value, kind: Kind) -> ScimResult<Value> {
        let Value::Object(m) = start else { panic!() };
        let mut attrs = normalize(m, kind)?;
        apply_patch(&mut attrs, &body, kind)?;
        Ok(Value::Object(normalize(attrs, kind)?))
    }

    #[test]
    fn okta_and_entra_deactivations_both_set_active_false() {
        let okta = json!({"schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "value": {"active": false}}]});
        let entra = json!({"schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}]});
        for body in [okta, entra] {
            let out = patched(user(), body, Kind::User).unwrap();
            assert_eq!(out["active"], false);
            assert_eq!(out["userName"], "Ada@Example.com");
        }
        let bad = json!({"Operations": [{"op": "replace", "path": "active", "value": "maybe"}]});
        let e = patched(user(), bad, Kind::User).unwrap_err();
        assert_eq!(e.scim_type, Some("invalidValue"));
        let bad_op = json!({"Operations": [{"op": "move", "path": "active", "value": true}]});
        assert_eq!(
            patched(user(), bad_op, Kind::User).unwrap_err().scim_type,
            Some("invalidSyntax")
        );
    }

    #[test]
    fn patch_paths_reach_sub_attributes_value_paths_and_the_extension() {
        let body = json!({"Operations": [
            {"op": "Add", "path": "name.givenName", "value": "Augusta"},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "aal@example.com"},
            {"op": "replace", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+15550100"},
            {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "R&D"},
            {"op": "remove", "path": "externalId"},
        ]});
        let out = patched(user(), body, Kind::User).unwrap();
        assert_eq!(out["name"]["givenName"], "Augusta");
        assert_eq!(out["name"]["familyName"], "Lovelace");
        assert_eq!(out["emails"][0]["value"], "aal@example.com");
        assert_eq!(
            out["phoneNumbers"],
            json!([{"type": "mobile", "value": "+15550100"}])
        );
        assert_eq!(out[ENTERPRISE_SCHEMA]["department"], "R&D");
        assert!(out.get("externalId").is_none());
    }

    #[test]
    fn group_member_patches_add_and_remove_by_value_path() {
        let g = json!({"displayName": "Eng", "members": [{"value": "a"}, {"value": "b"}]});
        let body = json!({"Operations": [
            {"op": "add", "path": "members", "value": [{"value": "c"}, {"value": "a"}]},
            {"op": "remove", "path": "members[value eq \"b\"]"},
        ]});
        let out = patched(g.clone(), body, Kind::Group).unwrap();
        let ids: Vec<&str> = out["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a", "c"]);
        // Entra's removal form: the values to drop in `value`.
        let body = json!({"Operations": [
            {"op": "Remove", "path": "members", "value": [{"value": "a"}]},
        ]});
        let out = patched(g, body, Kind::Group).unwrap();
        assert_eq!(out["members"], json!([{"value": "b"}]));
    }

    #[test]
    fn snake_case_attributes_for_the_member() {
        let v = snake_value(&json!({"userName": "a", "phoneNumbers": [{"value": "1"}],
            ENTERPRISE_SCHEMA: {"employeeNumber": "7", "manager": {"$ref": "x"}}}));
        assert_eq!(
            v,
            json!({"user_name": "a", "phone_numbers": [{"value": "1"}],
                "enterprise_extension": {"employee_number": "7", "manager": {"ref": "x"}}})
        );
    }
}
