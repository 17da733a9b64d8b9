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
