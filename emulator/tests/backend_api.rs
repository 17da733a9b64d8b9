//! The backend surface: orgs, members, session validation of SDK-issued tokens, JWKS.

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, basic};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

async fn jwks_key(h: &Harness) -> (String, DecodingKey) {
    let r = h
        .raw(
            Method::GET,
            &format!("/v1/b2b/sessions/jwks/{}", h.project.project_id),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status_code"], 200);
    assert!(
        r.body.get("data").is_none(),
        "backend responses are not wrapped"
    );
    let k = &r.body["keys"][0];
    assert_eq!(k["kty"], "RSA");
    assert_eq!(k["use"], "sig");
    assert_eq!(k["alg"], "RS256");
    assert_eq!(k["key_ops"], json!(["verify"]));
    assert_eq!(k["x5c"], json!([]));
    assert_eq!(k["x5tS256"], "");
    let key = DecodingKey::from_rsa_components(k["n"].as_str().unwrap(), k["e"].as_str().unwrap())
        .unwrap();
    (k["kid"].as_str().unwrap().to_string(), key)
}

#[tokio::test]
async fn sdk_jwt_verifies_with_jwks_and_backend_rejects_it_after_revoke() {
    let h = Harness::new();
    let (st, jwt, d) = h.login("admin@example.com", "acme").await;
    let (kid, key) = jwks_key(&h).await;

    // Verify with jsonwebtoken exactly like a server SDK would.
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(header.kid.as_deref(), Some(kid.as_str()));
    let pid = h.project.project_id.clone();
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[&pid]);
    v.set_issuer(&[format!("stytch.com/{pid}")]);
    let claims = jsonwebtoken::decode::<Value>(&jwt, &key, &v)
        .unwrap()
        .claims;
    assert_eq!(claims["sub"], d["member_id"]);
    assert_eq!(claims["aud"], json!([pid]));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );
    assert_eq!(claims["nbf"], claims["iat"]);
    let sc = &claims["https://stytch.com/session"];
    assert_eq!(sc["id"], d["member_session"]["member_session_id"]);
    assert_eq!(sc["roles"], json!(["stytch_member", "stytch_admin"]));
    assert_eq!(sc["authentication_factors"][0]["type"], "magic_link");
    assert!(
        sc["attributes"].get("ip_address").is_some()
            && sc["attributes"].get("user_agent").is_some()
    );
    assert_eq!(claims["https://stytch.com/organization"]["slug"], "acme");
    assert_eq!(
        claims["https://stytch.com/organization"]["organization_id"],
        d["organization_id"]
    );

    // A wrong audience fails verification (the test's own check is meaningful).
    let mut bad = Validation::new(Algorithm::RS256);
    bad.set_audience(&["project-test-other"]);
    assert!(jsonwebtoken::decode::<Value>(&jwt, &key, &bad).is_err());

    // Backend accepts the JWT and the token.
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": jwt})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["member_session"]["member_session_id"],
        d["member_session"]["member_session_id"]
    );
    assert_eq!(r.body["member"]["member_id"], d["member_id"]);
    assert_eq!(r.body["organization"]["organization_slug"], "acme");
    assert!(
        jsonwebtoken::decode::<Value>(r.body["session_jwt"].as_str().unwrap(), &key, &v).is_ok()
    );
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_token": st})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["session_token"], st);

    // Revoke through the SDK, then the backend refuses both.
    let r = h
        .sdk(Method::POST, "/sdk/v1/b2b/sessions/revoke", Some(&st), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": jwt})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "session_not_found");
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_token": st})),
        )
        .await;
    assert_eq!(r.error_type(), "session_not_found");
}

#[tokio::test]
async fn forged_or_foreign_jwts_are_rejected() {
    let h = Harness::new();
    let (_, jwt, _) = h.login("admin@example.com", "acme").await;
    // Tamper with the payload: the signature no longer matches.
    let mut parts: Vec<String> = jwt.split('.').map(String::from).collect();
    parts[1] = parts[1].chars().rev().collect();
    let forged = parts.join(".");
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": forged})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_type(), "unable_to_parse_session_jwt");
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": "garbage"})),
        )
        .await;
    assert_eq!(r.error_type(), "unable_to_parse_session_jwt");
    // A genuine JWT from another emulator project (same shared test key!) has the wrong aud/iss.
    let other = Harness::new();
    let (_, other_jwt, _) = other.login("admin@example.com", "acme").await;
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": other_jwt})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        matches!(
            r.error_type(),
            "jwt_invalid_audience" | "jwt_invalid_issuer"
        ),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn backend_revoke_by_each_selector() {
    let h = Harness::new();
    for sel in [
        "member_session_id",
        "session_token",
        "session_jwt",
        "member_id",
    ] {
        let (st, jwt, d) = h.login("admin@example.com", "acme").await;
        let value = match sel {
            "member_session_id" => d["member_session"]["member_session_id"].clone(),
            "session_token" => json!(st),
            "session_jwt" => json!(jwt),
            _ => d["member_id"].clone(),
        };
        let r = h
            .backend(
                Method::POST,
                "/v1/b2b/sessions/revoke",
                Some(json!({ sel: value })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{sel}: {}", r.body);
        let r = h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/sessions/authenticate",
                Some(&st),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.error_type(), "session_not_found", "{sel}");
    }
    let r = h
        .backend(Method::POST, "/v1/b2b/sessions/revoke", Some(json!({})))
        .await;
    assert_eq!(r.error_type(), "no_session_revoke_arguments");
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/revoke",
            Some(json!({"member_id": "a", "session_token": "b"})),
        )
        .await;
    assert_eq!(r.error_type(), "too_many_session_revoke_arguments");
}

#[tokio::test]
async fn organization_create_get_and_defaults() {
    let h = Harness::new();
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Initech", "organization_slug": "initech"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let o = &r.body["organization"];
    assert!(
        o["organization_id"]
            .as_str()
            .unwrap()
            .starts_with("organization-test-")
    );
    assert_eq!(o["email_jit_provisioning"], "NOT_ALLOWED");
    assert_eq!(o["email_invites"], "ALL_ALLOWED");
    assert_eq!(o["sso_jit_provisioning"], "ALL_ALLOWED");
    assert_eq!(o["auth_methods"], "ALL_ALLOWED");
    assert_eq!(o["mfa_policy"], "OPTIONAL");
    assert_eq!(o["oauth_tenant_jit_provisioning"], "NOT_ALLOWED");
    assert!(o["sso_default_connection_id"].is_null());
    for k in [
        "sso_active_connections",
        "email_allowed_domains",
        "allowed_auth_methods",
        "custom_roles",
        "rbac_email_implicit_role_assignments",
    ] {
        assert_eq!(o[k], json!([]), "{k}");
    }
    let id = o["organization_id"].as_str().unwrap().to_string();
    let g = h
        .backend(Method::GET, &format!("/v1/b2b/organizations/{id}"), None)
        .await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(&g.body["organization"], o);

    // Some auth setting given but no email_invites → NOT_ALLOWED (semantics §3.2).
    let r = h.backend(Method::POST, "/v1/b2b/organizations", Some(json!({"organization_name": "Hooli", "organization_slug": "hooli", "email_jit_provisioning": "RESTRICTED", "email_allowed_domains": ["hooli.test"]}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["organization"]["email_invites"], "NOT_ALLOWED");

    let dup = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Other", "organization_slug": "initech"})),
        )
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.error_type(), "organization_slug_already_used");
    let bad = h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Bad", "organization_slug": "has space"})),
        )
        .await;
    assert_eq!(bad.error_type(), "invalid_organization_slug");
    let common = h.backend(Method::POST, "/v1/b2b/organizations", Some(json!({"organization_name": "G", "organization_slug": "gg", "email_allowed_domains": ["gmail.com"]}))).await;
    assert_eq!(
        common.error_type(),
        "organization_settings_domain_too_common"
    );
    let closed = h.backend(Method::POST, "/v1/b2b/organizations", Some(json!({"organization_name": "C", "organization_slug": "cc", "email_invites": "NOT_ALLOWED", "sso_jit_provisioning": "NOT_ALLOWED"}))).await;
    assert_eq!(closed.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn member_create_and_duplicate() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let path = format!("/v1/b2b/organizations/{org}/members");
    let r = h.backend(Method::POST, &path, Some(json!({"email_address": "Carol@Example.com", "name": "Carol", "roles": ["stytch_admin"]}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m = &r.body["member"];
    assert_eq!(m["email_address"], "carol@example.com");
    assert_eq!(m["status"], "active");
    assert_eq!(m["is_admin"], true);
    assert_eq!(m["email_address_verified"], false);
    assert_eq!(r.body["member_id"], m["member_id"]);
    for k in ["trusted_metadata", "untrusted_metadata"] {
        assert_eq!(m[k], json!({}));
    }
    for k in [
        "sso_registrations",
        "oauth_registrations",
        "retired_email_addresses",
    ] {
        assert_eq!(m[k], json!([]));
    }
    assert_eq!(m["member_password_id"], "");
    let dup = h
        .backend(
            Method::POST,
            &path,
            Some(json!({"email_address": "carol@example.com"})),
        )
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.error_type(), "duplicate_member_email");
    let p = h
        .backend(
            Method::POST,
            &path,
            Some(json!({"email_address": "pend@example.com", "create_member_as_pending": true})),
        )
        .await;
    assert_eq!(p.body["member"]["status"], "pending");
    let bad_role = h
        .backend(
            Method::POST,
            &path,
            Some(json!({"email_address": "x@example.com", "roles": ["stytch_member"]})),
        )
        .await;
    assert_eq!(bad_role.error_type(), "cannot_assign_default_rbac_role_id");
    let unknown_role = h
        .backend(
            Method::POST,
            &path,
            Some(json!({"email_address": "x@example.com", "roles": ["nope"]})),
        )
        .await;
    assert_eq!(unknown_role.error_type(), "invalid_rbac_role_id");

    // The backend-created member can log in via the SDK (existing active member → login).
    let (_, _, d) = h.login("carol@example.com", "acme").await;
    assert_eq!(d["member"]["name"], "Carol");
}

#[tokio::test]
async fn backend_credentials_are_checked() {
    let h = Harness::new();
    let pid = h.project.project_id.clone();
    for auth in [
        None,
        Some(basic(&pid, "secret-test-wrong")),
        Some(basic("project-test-wrong", &h.project.secret)),
        Some(basic(&h.project.public_token, &h.project.public_token)),
        Some("Bearer abc".to_string()),
        Some("Basic !!!notbase64".to_string()),
    ] {
        let r = h
            .raw(
                Method::GET,
                &format!("/v1/b2b/organizations/{}", h.org_id("acme").await),
                auth.clone(),
                None,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(r.error_type(), "unauthorized_credentials");
    }
    let r = h
        .raw(
            Method::GET,
            "/v1/b2b/sessions/jwks/project-test-other",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn member_get_and_sessions_list() {
    let h = Harness::new();
    let org = h.org_id("acme").await;
    let (_, _, d) = h.login("admin@example.com", "acme").await;
    let (_, _, d2) = h.login("admin@example.com", "acme").await;
    let mid = d["member_id"].as_str().unwrap().to_string();

    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org}/member?member_id={mid}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["member"]["email_address"], "admin@example.com");
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org}/member?email_address=ADMIN%40example.com"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["member_id"], mid);
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org}/member"),
            None,
        )
        .await;
    assert_eq!(r.error_type(), "invalid_member_get_fields");
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/organizations/{org}/member?email_address=ghost%40example.com"),
            None,
        )
        .await;
    assert_eq!(r.error_type(), "member_not_found");

    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/sessions?organization_id={org}&member_id={mid}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ids: Vec<&Value> = r.body["member_sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["member_session_id"])
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&&d["member_session"]["member_session_id"]));
    assert!(ids.contains(&&d2["member_session"]["member_session_id"]));
    h.backend(
        Method::POST,
        "/v1/b2b/sessions/revoke",
        Some(json!({"member_session_id": d["member_session"]["member_session_id"]})),
    )
    .await;
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/sessions?organization_id={org}&member_id={mid}"),
            None,
        )
        .await;
    assert_eq!(r.body["member_sessions"].as_array().unwrap().len(), 1);
    let r = h.backend(Method::GET, "/v1/b2b/sessions", None).await;
    assert_eq!(r.error_type(), "bad_request");
}

#[tokio::test]
async fn sdk_get_by_slug() {
    let h = Harness::new();
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/organizations/search",
            None,
            Some(json!({"organization_slug": "acme"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let o = &r.data()["organization"];
    assert_eq!(o["organization_slug"], "acme");
    assert_eq!(o["email_jit_provisioning"], "RESTRICTED");
    assert!(
        o.get("trusted_metadata").is_none(),
        "only the public subset is exposed"
    );
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/organizations/search",
            None,
            Some(json!({"organization_slug": "nope"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.data()["organization"].is_null());
    let r = h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/organizations/search",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(r.error_type(), "bad_request");
}

/// Stytch (semantics §4): an expired JWT can still be refreshed via sessions/authenticate
/// while its signature and session are valid; it is the *session* that must be alive.
#[tokio::test]
async fn expired_but_genuine_jwt_is_accepted_while_session_lives() {
    let h = Harness::new();
    let (_, jwt, _) = h.login("admin@example.com", "acme").await;
    h.emu.advance_clock(std::time::Duration::from_secs(10 * 60));
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": jwt})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh = r.body["session_jwt"].as_str().unwrap().to_string();
    assert_ne!(fresh, jwt);
    h.emu.advance_clock(std::time::Duration::from_secs(60 * 60));
    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/authenticate",
            Some(json!({"session_jwt": jwt})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_type(), "session_not_found");
}
