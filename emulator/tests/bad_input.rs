//! Table-driven bad-input matrix over every endpoint: always Stytch error JSON with the right
//! status and `error_type`; never plain text, 422, 500 or a panic.

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, basic};
use serde_json::json;

#[derive(Clone, Copy)]
enum Auth {
    Anonymous,
    Public,
    Session,
    Secret,
    Garbage,
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    auth: Auth,
    body: Option<&'static str>,
    status: u16,
    error_type: &'static str,
}

#[tokio::test]
async fn bad_input_matrix() {
    let h = Harness::new();
    let (st, _, _) = h.login("admin@example.com", "acme").await;
    let org = h.org_id("acme").await;
    let pid = h.project.project_id.clone();
    let eml = "/sdk/v1/b2b/magic_links/email/login_or_signup".to_string();
    let mla = "/sdk/v1/b2b/magic_links/authenticate".to_string();
    let sda = "/sdk/v1/b2b/sessions/authenticate".to_string();
    let bsa = "/v1/b2b/sessions/authenticate".to_string();
    let bsr = "/v1/b2b/sessions/revoke".to_string();
    let orgs = "/v1/b2b/organizations".to_string();
    let members = format!("/v1/b2b/organizations/{org}/members");
    let org_body: &'static str = Box::leak(
        format!(r#"{{"email_address":"admin@example.com","organization_id":"{org}"}}"#)
            .into_boxed_str(),
    );
    let org_body_bad_email: &'static str = Box::leak(
        format!(r#"{{"email_address":"not-an-email","organization_id":"{org}"}}"#).into_boxed_str(),
    );
    let org_body_bad_exp: &'static str = Box::leak(format!(r#"{{"email_address":"admin@example.com","organization_id":"{org}","login_expiration_minutes":4}}"#).into_boxed_str());
    let org_body_bad_exp2: &'static str = Box::leak(format!(r#"{{"email_address":"admin@example.com","organization_id":"{org}","signup_expiration_minutes":10081}}"#).into_boxed_str());

    use Auth::*;
    let c = |name, method, path: &String, auth, body, status, error_type| Case {
        name,
        method,
        path: path.clone(),
        auth,
        body,
        status,
        error_type,
    };
    let cases = vec![
        // login_or_signup
        c(
            "eml malformed json",
            Method::POST,
            &eml,
            Public,
            Some("{not json"),
            400,
            "bad_request",
        ),
        c(
            "eml array body",
            Method::POST,
            &eml,
            Public,
            Some("[1,2]"),
            400,
            "bad_request",
        ),
        c(
            "eml missing fields",
            Method::POST,
            &eml,
            Public,
            Some("{}"),
            400,
            "bad_request",
        ),
        c(
            "eml empty body",
            Method::POST,
            &eml,
            Public,
            None,
            400,
            "bad_request",
        ),
        c(
            "eml wrong type",
            Method::POST,
            &eml,
            Public,
            Some(r#"{"email_address":5,"organization_id":"x"}"#),
            400,
            "bad_request",
        ),
        c(
            "eml bad email",
            Method::POST,
            &eml,
            Public,
            Some(org_body_bad_email),
            400,
            "invalid_email",
        ),
        c(
            "eml unknown org",
            Method::POST,
            &eml,
            Public,
            Some(
                r#"{"email_address":"a@example.com","organization_id":"organization-test-00000000-0000-4000-8000-000000000000"}"#,
            ),
            404,
            "organization_not_found",
        ),
        c(
            "eml expiration too small",
            Method::POST,
            &eml,
            Public,
            Some(org_body_bad_exp),
            400,
            "invalid_expiration",
        ),
        c(
            "eml expiration too big",
            Method::POST,
            &eml,
            Public,
            Some(org_body_bad_exp2),
            400,
            "invalid_expiration",
        ),
        c(
            "eml no auth",
            Method::POST,
            &eml,
            Anonymous,
            Some(org_body),
            401,
            "unauthorized_credentials",
        ),
        c(
            "eml garbage auth",
            Method::POST,
            &eml,
            Garbage,
            Some(org_body),
            401,
            "unauthorized_credentials",
        ),
        c(
            "eml secret auth",
            Method::POST,
            &eml,
            Secret,
            Some(org_body),
            401,
            "unauthorized_credentials",
        ),
        // magic link authenticate
        c(
            "mla malformed",
            Method::POST,
            &mla,
            Public,
            Some("{"),
            400,
            "bad_request",
        ),
        c(
            "mla missing token",
            Method::POST,
            &mla,
            Public,
            Some(r#"{"session_duration_minutes":60}"#),
            400,
            "bad_request",
        ),
        c(
            "mla token wrong type",
            Method::POST,
            &mla,
            Public,
            Some(r#"{"magic_links_token":["a"]}"#),
            400,
            "bad_request",
        ),
        c(
            "mla duration wrong type",
            Method::POST,
            &mla,
            Public,
            Some(r#"{"magic_links_token":"a","session_duration_minutes":"60"}"#),
            400,
            "bad_request",
        ),
        c(
            "mla duration too small",
            Method::POST,
            &mla,
            Public,
            Some(r#"{"magic_links_token":"a","session_duration_minutes":4}"#),
            400,
            "invalid_session_duration_minutes",
        ),
        c(
            "mla duration too big",
            Method::POST,
            &mla,
            Public,
            Some(r#"{"magic_links_token":"a","session_duration_minutes":527041}"#),
            400,
            "invalid_session_duration_minutes",
        ),
        c(
            "mla unknown token",
            Method::POST,
            &mla,
            Public,
            Some(r#"{"magic_links_token":"unknown","session_duration_minutes":60}"#),
            404,
            "magic_link_not_found",
        ),
        c(
            "mla no auth",
            Method::POST,
            &mla,
            Anonymous,
            Some(r#"{"magic_links_token":"a"}"#),
            401,
            "unauthorized_credentials",
        ),
        // sdk sessions
        c(
            "sda malformed",
            Method::POST,
            &sda,
            Session,
            Some("nope"),
            400,
            "bad_request",
        ),
        c(
            "sda duration wrong type",
            Method::POST,
            &sda,
            Session,
            Some(r#"{"session_duration_minutes":true}"#),
            400,
            "bad_request",
        ),
        c(
            "sda duration out of range",
            Method::POST,
            &sda,
            Session,
            Some(r#"{"session_duration_minutes":1}"#),
            400,
            "invalid_session_duration_minutes",
        ),
        c(
            "sda public only",
            Method::POST,
            &sda,
            Public,
            Some("{}"),
            401,
            "unauthorized_credentials",
        ),
        c(
            "sda garbage auth",
            Method::POST,
            &sda,
            Garbage,
            Some("{}"),
            401,
            "unauthorized_credentials",
        ),
        c(
            "revoke no session",
            Method::POST,
            &"/sdk/v1/b2b/sessions/revoke".to_string(),
            Public,
            None,
            401,
            "unauthorized_credentials",
        ),
        c(
            "org me no auth",
            Method::GET,
            &"/sdk/v1/b2b/organizations/me".to_string(),
            Anonymous,
            None,
            401,
            "unauthorized_credentials",
        ),
        c(
            "members me no session",
            Method::GET,
            &"/sdk/v1/b2b/organizations/members/me".to_string(),
            Public,
            None,
            401,
            "unauthorized_credentials",
        ),
        c(
            "bootstrap wrong token",
            Method::GET,
            &"/sdk/v1/projects/bootstrap/public-token-test-nope".to_string(),
            Public,
            None,
            401,
            "unauthorized_credentials",
        ),
        // backend
        c(
            "org create malformed",
            Method::POST,
            &orgs,
            Secret,
            Some("{"),
            400,
            "bad_request",
        ),
        c(
            "org create name wrong type",
            Method::POST,
            &orgs,
            Secret,
            Some(r#"{"organization_name":1}"#),
            400,
            "bad_request",
        ),
        c(
            "org create missing name",
            Method::POST,
            &orgs,
            Secret,
            Some("{}"),
            400,
            "organization_name_missing",
        ),
        c(
            "org create bad enum",
            Method::POST,
            &orgs,
            Secret,
            Some(
                r#"{"organization_name":"X","organization_slug":"xx","email_jit_provisioning":"ALWAYS"}"#,
            ),
            400,
            "invalid_argument",
        ),
        c(
            "org create domains wrong type",
            Method::POST,
            &orgs,
            Secret,
            Some(r#"{"organization_name":"X","email_allowed_domains":"a.com"}"#),
            400,
            "bad_request",
        ),
        c(
            "org create restricted no methods",
            Method::POST,
            &orgs,
            Secret,
            Some(
                r#"{"organization_name":"X","organization_slug":"xx","auth_methods":"RESTRICTED"}"#,
            ),
            400,
            "allowed_auth_methods_required_for_restricted",
        ),
        c(
            "org create public auth",
            Method::POST,
            &orgs,
            Public,
            Some(r#"{"organization_name":"X"}"#),
            401,
            "unauthorized_credentials",
        ),
        c(
            "org get unknown",
            Method::GET,
            &"/v1/b2b/organizations/organization-test-nope".to_string(),
            Secret,
            None,
            404,
            "organization_not_found",
        ),
        c(
            "org get no auth",
            Method::GET,
            &format!("/v1/b2b/organizations/{org}"),
            Anonymous,
            None,
            401,
            "unauthorized_credentials",
        ),
        c(
            "member create malformed",
            Method::POST,
            &members,
            Secret,
            Some("]"),
            400,
            "bad_request",
        ),
        c(
            "member create missing email",
            Method::POST,
            &members,
            Secret,
            Some(r#"{"name":"x"}"#),
            400,
            "bad_request",
        ),
        c(
            "member create bad email",
            Method::POST,
            &members,
            Secret,
            Some(r#"{"email_address":"x@"}"#),
            400,
            "invalid_email",
        ),
        c(
            "member create roles wrong type",
            Method::POST,
            &members,
            Secret,
            Some(r#"{"email_address":"x@example.com","roles":"stytch_admin"}"#),
            400,
            "bad_request",
        ),
        c(
            "member create metadata wrong type",
            Method::POST,
            &members,
            Secret,
            Some(r#"{"email_address":"x@example.com","untrusted_metadata":[1]}"#),
            400,
            "bad_request",
        ),
        c(
            "member create unknown org",
            Method::POST,
            &"/v1/b2b/organizations/organization-test-nope/members".to_string(),
            Secret,
            Some(r#"{"email_address":"x@example.com"}"#),
            404,
            "organization_not_found",
        ),
        c(
            "member create duplicate",
            Method::POST,
            &members,
            Secret,
            Some(r#"{"email_address":"admin@example.com"}"#),
            400,
            "duplicate_member_email",
        ),
        c(
            "bsa malformed",
            Method::POST,
            &bsa,
            Secret,
            Some("{"),
            400,
            "bad_request",
        ),
        c(
            "bsa neither",
            Method::POST,
            &bsa,
            Secret,
            Some("{}"),
            400,
            "no_session_arguments",
        ),
        c(
            "bsa both",
            Method::POST,
            &bsa,
            Secret,
            Some(r#"{"session_token":"a","session_jwt":"b"}"#),
            400,
            "too_many_session_arguments",
        ),
        c(
            "bsa token wrong type",
            Method::POST,
            &bsa,
            Secret,
            Some(r#"{"session_token":1}"#),
            400,
            "bad_request",
        ),
        c(
            "bsa unknown token",
            Method::POST,
            &bsa,
            Secret,
            Some(r#"{"session_token":"unknown"}"#),
            404,
            "session_not_found",
        ),
        c(
            "bsa bad jwt",
            Method::POST,
            &bsa,
            Secret,
            Some(r#"{"session_jwt":"a.b.c"}"#),
            401,
            "unable_to_parse_session_jwt",
        ),
        c(
            "bsa bad duration",
            Method::POST,
            &bsa,
            Secret,
            Some(r#"{"session_token":"x","session_duration_minutes":527041}"#),
            400,
            "invalid_session_duration_minutes",
        ),
        c(
            "bsa no auth",
            Method::POST,
            &bsa,
            Anonymous,
            Some(r#"{"session_token":"x"}"#),
            401,
            "unauthorized_credentials",
        ),
        c(
            "bsr none",
            Method::POST,
            &bsr,
            Secret,
            Some("{}"),
            400,
            "no_session_revoke_arguments",
        ),
        c(
            "bsr many",
            Method::POST,
            &bsr,
            Secret,
            Some(r#"{"member_session_id":"a","member_id":"b"}"#),
            400,
            "too_many_session_revoke_arguments",
        ),
        c(
            "bsr unknown session id",
            Method::POST,
            &bsr,
            Secret,
            Some(r#"{"member_session_id":"session-test-nope"}"#),
            404,
            "session_not_found",
        ),
        c(
            "bsr unknown member",
            Method::POST,
            &bsr,
            Secret,
            Some(r#"{"member_id":"member-test-nope"}"#),
            404,
            "member_not_found",
        ),
        c(
            "bsr malformed",
            Method::POST,
            &bsr,
            Secret,
            Some("x"),
            400,
            "bad_request",
        ),
        c(
            "bsr public auth",
            Method::POST,
            &bsr,
            Public,
            Some(r#"{"member_id":"x"}"#),
            401,
            "unauthorized_credentials",
        ),
        c(
            "jwks unknown project",
            Method::GET,
            &"/v1/b2b/sessions/jwks/project-test-nope".to_string(),
            Anonymous,
            None,
            404,
            "project_not_found",
        ),
        // routing
        c(
            "unknown sdk route",
            Method::POST,
            &"/sdk/v1/b2b/nope".to_string(),
            Public,
            Some("{}"),
            404,
            "route_not_found",
        ),
        c(
            "unknown root",
            Method::GET,
            &"/".to_string(),
            Anonymous,
            None,
            404,
            "route_not_found",
        ),
        c(
            "wrong method sdk",
            Method::GET,
            &eml,
            Public,
            None,
            405,
            "method_not_allowed",
        ),
        c(
            "wrong method backend",
            Method::DELETE,
            &orgs,
            Secret,
            None,
            405,
            "method_not_allowed",
        ),
        c(
            "wrong method control",
            Method::GET,
            &"/emulator/v1/reset".to_string(),
            Anonymous,
            None,
            405,
            "method_not_allowed",
        ),
    ];
    assert!(cases.len() >= 60);
    for case in cases {
        let auth = match case.auth {
            Anonymous => Option::None,
            Public => Some(basic(&h.project.public_token, &h.project.public_token)),
            Session => Some(basic(&h.project.public_token, &st)),
            Secret => Some(basic(&pid, &h.project.secret)),
            Garbage => Some("Basic %%%".to_string()),
        };
        let r = h
            .raw(case.method.clone(), &case.path, auth, case.body, &[])
            .await;
        assert_eq!(r.status.as_u16(), case.status, "{}: {}", case.name, r.body);
        assert_eq!(r.error_type(), case.error_type, "{}: {}", case.name, r.body);
        assert_eq!(r.body["status_code"], case.status, "{}", case.name);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{}",
            case.name
        );
        assert_eq!(
            r.body["error_url"],
            format!(
                "https://stytch.com/docs/api-reference/b2b/api/errors/{}#{}",
                case.status, case.error_type
            ),
            "{}",
            case.name
        );
        assert!(
            r.body["request_id"]
                .as_str()
                .unwrap()
                .starts_with("request-id-test-")
        );
        assert!(
            r.body.get("data").is_none(),
            "errors are never wrapped: {}",
            case.name
        );
    }
    // The session used for the Session cases is still alive (bad input did not break it).
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            Some(&st),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_type_message_names_the_field() {
    let h = Harness::new();
    let r = h
        .raw(
            Method::POST,
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            Some(basic(&h.project.public_token, &h.project.public_token)),
            Some(r#"{"email_address":"a@example.com","organization_id":7}"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["error_message"]
            .as_str()
            .unwrap()
            .contains("organization_id"),
        "{}",
        r.body
    );
    let r = h
        .raw(
            Method::POST,
            "/sdk/v1/b2b/magic_links/email/login_or_signup",
            Some(basic(&h.project.public_token, &h.project.public_token)),
            Some(r#"{"organization_id":"x"}"#),
            &[],
        )
        .await;
    assert!(
        r.body["error_message"]
            .as_str()
            .unwrap()
            .contains("email_address"),
        "{}",
        r.body
    );
}

/// Organizations, members, self-service and invites: malformed JSON, wrong types, missing fields,
/// unknown ids, RBAC denials (403 `session_authorization_error`) and reserved roles.
#[tokio::test]
async fn admin_bad_input_matrix() {
    let mut seed = stytch_emulator::Seed::default();
    seed.organizations[0]
        .members
        .push(serde_json::from_value(json!({"email_address": "plain@example.com"})).unwrap());
    let h = Harness::with_seed(seed);
    let (admin, _, _) = h.login("admin@example.com", "acme").await;
    let (plain, _, plain_auth) = h.login("plain@example.com", "acme").await;
    let plain_id = plain_auth["member_id"].as_str().unwrap().to_string();
    let org = h.org_id("acme").await;
    let pt = h.project.public_token.clone();
    let (a, p, anon) = (
        Some(basic(&pt, &admin)),
        Some(basic(&pt, &plain)),
        Some(basic(&pt, &pt)),
    );
    let secret = Some(basic(&h.project.project_id, &h.project.secret));
    let ghost = "member-test-00000000-0000-4000-8000-000000000000";
    let m = "/sdk/v1/b2b/organizations/members";
    let me = "/sdk/v1/b2b/organizations/me";
    let search = "/sdk/v1/b2b/organizations/me/members/search";
    let invite = "/sdk/v1/b2b/magic_links/email/invite";
    let bm = format!("/v1/b2b/organizations/{org}/members/{ghost}");
    let borg = format!("/v1/b2b/organizations/{org}");
    let plain_path = format!("{m}/{plain_id}");
    let ghost_path = format!("{m}/{ghost}");
    type Row<'a> = (
        &'a str,
        Method,
        String,
        Option<String>,
        Option<&'a str>,
        u16,
        &'a str,
    );
    let cases: Vec<Row> = vec![
        // organization update / delete
        (
            "org update malformed",
            Method::PUT,
            me.into(),
            a.clone(),
            Some("{oops"),
            400,
            "bad_request",
        ),
        (
            "org update wrong type",
            Method::PUT,
            me.into(),
            a.clone(),
            Some(r#"{"organization_name":5}"#),
            400,
            "bad_request",
        ),
        (
            "org update array",
            Method::PUT,
            me.into(),
            a.clone(),
            Some("[]"),
            400,
            "bad_request",
        ),
        (
            "org update no session",
            Method::PUT,
            me.into(),
            anon.clone(),
            Some("{}"),
            401,
            "unauthorized_credentials",
        ),
        (
            "org update denied",
            Method::PUT,
            me.into(),
            p.clone(),
            Some(r#"{"organization_name":"X"}"#),
            403,
            "session_authorization_error",
        ),
        (
            "org update bad enum",
            Method::PUT,
            me.into(),
            a.clone(),
            Some(r#"{"mfa_policy":"NEVER"}"#),
            400,
            "invalid_argument",
        ),
        (
            "org update bad slug",
            Method::PUT,
            me.into(),
            a.clone(),
            Some(r#"{"organization_slug":"a b"}"#),
            400,
            "invalid_organization_slug",
        ),
        (
            "org update trusted metadata",
            Method::PUT,
            me.into(),
            a.clone(),
            Some(r#"{"trusted_metadata":{}}"#),
            401,
            "cannot_update_trusted_metadata",
        ),
        (
            "org update default role",
            Method::PUT,
            me.into(),
            a.clone(),
            Some(
                r#"{"rbac_email_implicit_role_assignments":[{"role_id":"stytch_member","domain":"example.com"}]}"#,
            ),
            400,
            "cannot_assign_default_rbac_role_id",
        ),
        (
            "org update sso conn",
            Method::PUT,
            me.into(),
            a.clone(),
            Some(r#"{"sso_default_connection_id":"saml-connection-test-x"}"#),
            400,
            "invalid_sso_default_connection_id",
        ),
        (
            "org delete denied",
            Method::DELETE,
            me.into(),
            p.clone(),
            None,
            403,
            "session_authorization_error",
        ),
        (
            "org delete no session",
            Method::DELETE,
            me.into(),
            anon.clone(),
            None,
            401,
            "unauthorized_credentials",
        ),
        // members create / update / delete / reactivate
        (
            "create malformed",
            Method::POST,
            m.into(),
            a.clone(),
            Some("{"),
            400,
            "bad_request",
        ),
        (
            "create missing email",
            Method::POST,
            m.into(),
            a.clone(),
            Some("{}"),
            400,
            "bad_request",
        ),
        (
            "create wrong type",
            Method::POST,
            m.into(),
            a.clone(),
            Some(r#"{"email_address":"x@example.com","roles":"admin"}"#),
            400,
            "bad_request",
        ),
        (
            "create bad email",
            Method::POST,
            m.into(),
            a.clone(),
            Some(r#"{"email_address":"nope"}"#),
            400,
            "invalid_email",
        ),
        (
            "create default role",
            Method::POST,
            m.into(),
            a.clone(),
            Some(r#"{"email_address":"x@example.com","roles":["stytch_member"]}"#),
            400,
            "cannot_assign_default_rbac_role_id",
        ),
        (
            "create unknown role",
            Method::POST,
            m.into(),
            a.clone(),
            Some(r#"{"email_address":"x@example.com","roles":["ghost"]}"#),
            400,
            "invalid_rbac_role_id",
        ),
        (
            "create bad phone",
            Method::POST,
            m.into(),
            a.clone(),
            Some(r#"{"email_address":"x@example.com","mfa_phone_number":"12"}"#),
            400,
            "invalid_phone_number",
        ),
        (
            "create duplicate",
            Method::POST,
            m.into(),
            a.clone(),
            Some(r#"{"email_address":"plain@example.com"}"#),
            400,
            "duplicate_member_email",
        ),
        (
            "create denied",
            Method::POST,
            m.into(),
            p.clone(),
            Some(r#"{"email_address":"y@example.com"}"#),
            403,
            "session_authorization_error",
        ),
        (
            "create no session",
            Method::POST,
            m.into(),
            anon.clone(),
            Some(r#"{"email_address":"y@example.com"}"#),
            401,
            "unauthorized_credentials",
        ),
        (
            "update unknown member",
            Method::PUT,
            ghost_path.clone(),
            a.clone(),
            Some(r#"{"name":"x"}"#),
            404,
            "member_not_found",
        ),
        (
            "update wrong type",
            Method::PUT,
            plain_path.clone(),
            a.clone(),
            Some(r#"{"is_breakglass":"yes"}"#),
            400,
            "bad_request",
        ),
        (
            "update default role",
            Method::PUT,
            plain_path.clone(),
            a.clone(),
            Some(r#"{"roles":["stytch_member"]}"#),
            400,
            "cannot_assign_default_rbac_role_id",
        ),
        (
            "update bad mfa method",
            Method::PUT,
            plain_path.clone(),
            a.clone(),
            Some(r#"{"default_mfa_method":"fax"}"#),
            400,
            "invalid_mfa_default_method",
        ),
        (
            "update own roles denied",
            Method::PUT,
            plain_path.clone(),
            p.clone(),
            Some(r#"{"roles":["stytch_admin"]}"#),
            403,
            "session_authorization_error",
        ),
        (
            "update own breakglass denied",
            Method::PUT,
            plain_path.clone(),
            p.clone(),
            Some(r#"{"is_breakglass":true}"#),
            403,
            "session_authorization_error",
        ),
        (
            "delete unknown",
            Method::DELETE,
            ghost_path.clone(),
            a.clone(),
            None,
            404,
            "member_not_found",
        ),
        (
            "reactivate unknown",
            Method::PUT,
            format!("{ghost_path}/reactivate"),
            a.clone(),
            None,
            404,
            "member_not_found",
        ),
        (
            "reactivate active",
            Method::PUT,
            format!("{plain_path}/reactivate"),
            a.clone(),
            None,
            404,
            "no_deleted_member_found_for_reactivation",
        ),
        (
            "reactivate denied",
            Method::PUT,
            format!("{plain_path}/reactivate"),
            p.clone(),
            None,
            403,
            "session_authorization_error",
        ),
        // factors, retired emails, email update
        (
            "delete password unknown",
            Method::DELETE,
            format!("{m}/passwords/member-password-test-x"),
            a.clone(),
            None,
            404,
            "member_password_not_found",
        ),
        (
            "delete phone unknown",
            Method::DELETE,
            format!("{m}/mfa_phone_numbers/{ghost}"),
            a.clone(),
            None,
            404,
            "member_not_found",
        ),
        (
            "delete totp unknown",
            Method::DELETE,
            format!("{m}/totp/{ghost}"),
            a.clone(),
            None,
            404,
            "member_not_found",
        ),
        (
            "unlink no ids",
            Method::POST,
            format!("{plain_path}/unlink_retired_email"),
            a.clone(),
            Some("{}"),
            400,
            "retired_email_missing_email_identifiers",
        ),
        (
            "unlink wrong type",
            Method::POST,
            format!("{plain_path}/unlink_retired_email"),
            a.clone(),
            Some(r#"{"email_id":1}"#),
            400,
            "bad_request",
        ),
        (
            "unlink unknown",
            Method::POST,
            format!("{plain_path}/unlink_retired_email"),
            a.clone(),
            Some(r#"{"email_id":"email-test-x"}"#),
            404,
            "email_not_found",
        ),
        (
            "email update missing",
            Method::POST,
            format!("{plain_path}/start_email_update"),
            a.clone(),
            Some("{}"),
            400,
            "bad_request",
        ),
        (
            "email update bad email",
            Method::POST,
            format!("{plain_path}/start_email_update"),
            a.clone(),
            Some(r#"{"email_address":"x"}"#),
            400,
            "invalid_email",
        ),
        (
            "email update bad method",
            Method::POST,
            format!("{plain_path}/start_email_update"),
            a.clone(),
            Some(r#"{"email_address":"z@example.com","delivery_method":"PIGEON"}"#),
            400,
            "invalid_argument",
        ),
        (
            "self update wrong type",
            Method::PUT,
            format!("{m}/update"),
            p.clone(),
            Some(r#"{"mfa_enrolled":"x"}"#),
            400,
            "bad_request",
        ),
        (
            "self update no session",
            Method::PUT,
            format!("{m}/update"),
            anon.clone(),
            Some("{}"),
            401,
            "unauthorized_credentials",
        ),
        (
            "self update bad phone",
            Method::PUT,
            format!("{m}/update"),
            p.clone(),
            Some(r#"{"mfa_phone_number":"+0"}"#),
            400,
            "invalid_phone_number",
        ),
        (
            "self email update dup",
            Method::POST,
            format!("{m}/start_email_update"),
            p.clone(),
            Some(r#"{"email_address":"admin@example.com"}"#),
            400,
            "duplicate_member_email",
        ),
        (
            "self delete phone no session",
            Method::DELETE,
            format!("{m}/deletePhoneNumber"),
            anon.clone(),
            None,
            401,
            "unauthorized_credentials",
        ),
        // search
        (
            "search malformed",
            Method::POST,
            search.into(),
            a.clone(),
            Some("{"),
            400,
            "bad_request",
        ),
        (
            "search denied",
            Method::POST,
            search.into(),
            p.clone(),
            Some("{}"),
            403,
            "session_authorization_error",
        ),
        (
            "search bad operator",
            Method::POST,
            search.into(),
            a.clone(),
            Some(r#"{"query":{"operator":"XOR","operands":[]}}"#),
            400,
            "invalid_argument",
        ),
        (
            "search unknown filter",
            Method::POST,
            search.into(),
            a.clone(),
            Some(
                r#"{"query":{"operator":"AND","operands":[{"filter_name":"shoe_size","filter_value":["9"]}]}}"#,
            ),
            400,
            "member_search_filter_name_not_recognized",
        ),
        (
            "search missing value",
            Method::POST,
            search.into(),
            a.clone(),
            Some(r#"{"query":{"operator":"AND","operands":[{"filter_name":"member_ids"}]}}"#),
            400,
            "member_search_missing_filter_value",
        ),
        (
            "search array expected",
            Method::POST,
            search.into(),
            a.clone(),
            Some(
                r#"{"query":{"operator":"AND","operands":[{"filter_name":"member_ids","filter_value":"x"}]}}"#,
            ),
            400,
            "member_search_expected_array_of_strings",
        ),
        (
            "search bool expected",
            Method::POST,
            search.into(),
            a.clone(),
            Some(
                r#"{"query":{"operator":"AND","operands":[{"filter_name":"member_is_breakglass","filter_value":"x"}]}}"#,
            ),
            400,
            "member_search_expected_boolean",
        ),
        (
            "search fuzzy short",
            Method::POST,
            search.into(),
            a.clone(),
            Some(
                r#"{"query":{"operator":"AND","operands":[{"filter_name":"member_email_fuzzy","filter_value":"ab"}]}}"#,
            ),
            400,
            "member_search_member_email_fuzzy_too_short",
        ),
        (
            "search bad status",
            Method::POST,
            search.into(),
            a.clone(),
            Some(
                r#"{"query":{"operator":"AND","operands":[{"filter_name":"statuses","filter_value":["zombie"]}]}}"#,
            ),
            400,
            "search_invalid_status_filter",
        ),
        (
            "search limit",
            Method::POST,
            search.into(),
            a.clone(),
            Some(r#"{"limit":0}"#),
            400,
            "invalid_argument",
        ),
        (
            "search cursor",
            Method::POST,
            search.into(),
            a.clone(),
            Some(r#"{"cursor":"***"}"#),
            400,
            "bad_request",
        ),
        // invite
        (
            "invite missing email",
            Method::POST,
            invite.into(),
            a.clone(),
            Some("{}"),
            400,
            "bad_request",
        ),
        (
            "invite denied",
            Method::POST,
            invite.into(),
            p.clone(),
            Some(r#"{"email_address":"g@example.com"}"#),
            403,
            "session_authorization_error",
        ),
        (
            "invite no session",
            Method::POST,
            invite.into(),
            anon.clone(),
            Some(r#"{"email_address":"g@example.com"}"#),
            401,
            "unauthorized_credentials",
        ),
        (
            "invite active",
            Method::POST,
            invite.into(),
            a.clone(),
            Some(r#"{"email_address":"plain@example.com"}"#),
            400,
            "duplicate_member_email",
        ),
        (
            "invite default role",
            Method::POST,
            invite.into(),
            a.clone(),
            Some(r#"{"email_address":"g@example.com","roles":["stytch_member"]}"#),
            400,
            "cannot_assign_default_rbac_role_id",
        ),
        (
            "invite bad redirect",
            Method::POST,
            invite.into(),
            a.clone(),
            Some(r#"{"email_address":"g@example.com","invite_redirect_url":"https://evil.test/"}"#),
            400,
            "no_match_for_provided_magic_link_url",
        ),
        (
            "invite bad expiration",
            Method::POST,
            invite.into(),
            a.clone(),
            Some(r#"{"email_address":"g@example.com","invite_expiration_minutes":10081}"#),
            400,
            "invalid_expiration",
        ),
        // backend
        (
            "backend org update no auth",
            Method::PUT,
            borg.clone(),
            None,
            Some("{}"),
            401,
            "unauthorized_credentials",
        ),
        (
            "backend org update unknown",
            Method::PUT,
            "/v1/b2b/organizations/organization-test-nope".into(),
            secret.clone(),
            Some("{}"),
            404,
            "organization_not_found",
        ),
        (
            "backend org update wrong type",
            Method::PUT,
            borg.clone(),
            secret.clone(),
            Some(r#"{"email_invites":1}"#),
            400,
            "bad_request",
        ),
        (
            "backend member update unknown",
            Method::PUT,
            bm.clone(),
            secret.clone(),
            Some(r#"{"name":"x"}"#),
            404,
            "member_not_found",
        ),
        (
            "backend member delete unknown",
            Method::DELETE,
            bm.clone(),
            secret.clone(),
            None,
            404,
            "member_not_found",
        ),
        (
            "backend search no orgs",
            Method::POST,
            "/v1/b2b/organizations/members/search".into(),
            secret.clone(),
            Some("{}"),
            400,
            "member_search_organization_ids_empty",
        ),
        (
            "backend search unknown org",
            Method::POST,
            "/v1/b2b/organizations/members/search".into(),
            secret.clone(),
            Some(r#"{"organization_ids":["organization-test-nope"]}"#),
            404,
            "organization_not_found",
        ),
        (
            "backend search no auth",
            Method::POST,
            "/v1/b2b/organizations/members/search".into(),
            anon.clone(),
            Some("{}"),
            401,
            "unauthorized_credentials",
        ),
    ];
    for (name, method, path, auth, body, status, error_type) in cases {
        let r = h.raw(method, &path, auth, body, &[]).await;
        assert_eq!(r.status.as_u16(), status, "{name}: {}", r.body);
        assert_eq!(r.error_type(), error_type, "{name}: {}", r.body);
        assert_eq!(r.body["status_code"], status, "{name}");
    }
    // Backend with a member-session header runs with that member's permissions.
    let r = h
        .raw(
            Method::PUT,
            &borg,
            secret.clone(),
            Some(r#"{"organization_name":"X"}"#),
            &[("x-stytch-member-session", plain.as_str())],
        )
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.body);
    assert_eq!(r.error_type(), "session_authorization_error");
    let r = h
        .raw(
            Method::PUT,
            &borg,
            secret.clone(),
            Some(r#"{"organization_name":"X"}"#),
            &[("x-stytch-member-session", "not-a-session")],
        )
        .await;
    assert_eq!(r.error_type(), "session_not_found");
    // Nothing above broke the sessions.
    for st in [&admin, &plain] {
        let r = h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/sessions/authenticate",
                Some(st),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
}
