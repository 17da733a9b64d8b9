//! Connected apps: the project as an OAuth/OIDC identity provider for its members. The consent
//! page's SDK calls (authorize start and submit, logout start) and their backend twins, happy and
//! refused; the control API that creates clients; and a standard OpenID Connect client library
//! (`openidconnect`) completing the whole flow — discovery, the authorization URL with PKCE and a
//! nonce, the consent page (played here with the SDK submit call), the code exchange, the ID token
//! verified against the project's JWKS, userinfo, refresh — with used codes and refresh tokens
//! refused.

mod common;

use axum::http::{Method, StatusCode};
use common::idp::{enc, http_client, location};
use common::{Harness, Resp, basic, check_error_json};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, RefreshToken, Scope, TokenResponse,
};
use serde_json::{Value, json};
use stytch_emulator::Seed;

const ISSUER: &str = "http://localhost";
const CONSENT_PAGE: &str = "http://localhost:8080/oauth/authorize";
const THIRD: &str = "connected-app-test-analytics";
const THIRD_SECRET: &str = "secret-test-analytics-for-tests";
const FIRST: &str = "connected-app-test-own-app";
const PUBLIC: &str = "connected-app-test-spa";
const REDIRECT: &str = "http://localhost:8080/oauth-client/callback";
const LOGGED_OUT: &str = "http://localhost:8080/oauth-client/logged-out";
const START: &str = "/sdk/v1/idp/b2b/oauth/authorize/start";
const SUBMIT: &str = "/sdk/v1/idp/b2b/oauth/authorize/submit";
const LOGOUT: &str = "/sdk/v1/b2b/oauth/logout/start";
/// A PKCE verifier and its S256 challenge (RFC 7636, appendix B).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The default project plus three clients, the consent page's URL, a `documents` policy with two
/// custom scopes, and `reader@example.com`, who may read documents but not write them.
fn seed() -> Seed {
    let mut v = serde_json::to_value(Seed::default()).expect("seed json");
    v["connected_apps_authorization_url"] = json!(CONSENT_PAGE);
    v["connected_apps"] = json!([
        {"client_id": THIRD, "client_secret": THIRD_SECRET, "client_type": "third_party",
         "client_name": "Acme Analytics", "client_description": "Dashboards",
         "client_logo_url": "https://analytics.example/logo.png",
         "redirect_urls": [REDIRECT], "post_logout_redirect_urls": [LOGGED_OUT],
         "access_token_expiry_minutes": 30},
        {"client_id": FIRST, "client_type": "first_party", "client_name": "Our app",
         "client_description": "", "redirect_urls": [REDIRECT]},
        {"client_id": PUBLIC, "client_type": "third_party_public", "client_name": "A SPA",
         "client_description": "", "redirect_urls": [REDIRECT]},
    ]);
    v["rbac_policy"] = json!({
        "resources": [{"resource_id": "documents", "description": "", "actions": ["read", "write"]}],
        "roles": [{"role_id": "reader", "description": "",
                   "permissions": [{"resource_id": "documents", "actions": ["read"]}]}],
        "scopes": [
            {"scope": "read:documents", "description": "Read your documents",
             "permissions": [{"resource_id": "documents", "actions": ["read"]}]},
            {"scope": "write:documents", "description": "Change your documents",
             "permissions": [{"resource_id": "documents", "actions": ["write"]}]},
        ],
    });
    v["organizations"][0]["members"]
        .as_array_mut()
        .expect("members")
        .push(
            json!({"email_address": "reader@example.com", "name": "Rita Reader",
                     "roles": ["reader"], "email_address_verified": true}),
        );
    serde_json::from_value(v).expect("seed")
}

fn authorize_body(client_id: &str, scopes: &[&str], extra: Value) -> Value {
    let mut b = json!({
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scopes": scopes,
    });
    if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    b
}

async fn signed_in(h: &Harness, email: &str) -> String {
    h.login(email, "acme").await.0
}

/// The value of `key` in a URL's query (percent-decoding `%XX`).
fn query_param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| {
            let bytes = v.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%'
                    && let Some(b) = v
                        .get(i + 1..i + 3)
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
            String::from_utf8(out).expect("utf-8")
        })
    })
}

fn assert_error(r: &Resp, status: u16, error_type: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.error_type(), error_type, "{}", r.text);
    check_error_json(r).expect("Stytch error JSON");
}

async fn form_token(h: &Harness, path: &str, auth: Option<String>, body: &str) -> Resp {
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    let auth = auth.unwrap_or_default();
    if !auth.is_empty() {
        headers.push(("authorization", auth.as_str()));
    }
    h.send(Method::POST, path, &headers, body.as_bytes().to_vec())
        .await
}

/// A code for `client_id` through the SDK submit call, with the S256 challenge of [`VERIFIER`].
async fn code_for(h: &Harness, session: &str, client_id: &str, scopes: &[&str]) -> String {
    let r = h
        .sdk(
            Method::POST,
            SUBMIT,
            Some(session),
            Some(authorize_body(
                client_id,
                scopes,
                json!({"consent_granted": true, "state": "s1", "code_challenge": CHALLENGE}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.data()["authorization_code"]
        .as_str()
        .expect("code")
        .to_owned()
}

#[tokio::test]
async fn clients_come_from_the_seed_and_the_control_api_with_the_secret_shown_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("apps.db");
    let emu = stytch_emulator::Emulator::open(&path, seed()).expect("emulator");
    let h = Harness {
        app: emu.router(),
        project: emu.project(),
        emu,
    };
    let created = h
        .send(
            Method::POST,
            "/emulator/v1/connected_apps",
            &[("content-type", "application/json")],
            json!({"client_type": "third_party", "client_name": "Reports",
                   "client_description": "Monthly reports",
                   "redirect_urls": ["https://reports.example/cb"]})
            .to_string()
            .into_bytes(),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let app = &created.body["connected_app"];
    let client_id = app["client_id"].as_str().expect("client_id");
    assert!(client_id.starts_with("connected-app-test-"), "{client_id}");
    let secret = app["client_secret"].as_str().expect("the secret, once");
    assert!(secret.starts_with("secret-test-"), "{secret}");
    assert_eq!(app["client_name"], "Reports");
    assert_eq!(app["access_token_expiry_minutes"], 60);

    // Only the secret's hash is stored, for seeded and created clients alike.
    let conn = rusqlite::Connection::open(&path).expect("db");
    let stored: Vec<(String, Option<String>)> = conn
        .prepare("SELECT client_id, secret_hash FROM connected_apps ORDER BY client_id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(stored.len(), 4, "three seeded, one created");
    for (id, hash) in &stored {
        match id.as_str() {
            PUBLIC => assert_eq!(hash, &None, "a public client has no secret"),
            _ => {
                let hash = hash.as_deref().expect("a confidential client's hash");
                assert_eq!(hash.len(), 64);
                assert_ne!(hash, secret);
                assert_ne!(hash, THIRD_SECRET);
            }
        }
    }
    let data: String = conn
        .query_row(
            "SELECT data FROM connected_apps WHERE client_id = ?1",
            [client_id],
            |r| r.get(0),
        )
        .expect("row");
    assert!(
        !data.contains(secret),
        "the secret is not in the stored object"
    );

    // The created client works with its secret at the token endpoint's client authentication.
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        Some(basic(client_id, secret)),
        "grant_type=authorization_code&code=nope&redirect_uri=x",
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant", "{}", r.text);
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        Some(basic(client_id, "wrong")),
        "grant_type=authorization_code&code=nope",
    )
    .await;
    assert_eq!(r.body["error"], "invalid_client", "{}", r.text);

    let bad = [
        json!({"client_type": "fourth_party", "client_name": "x"}),
        json!({"client_type": "third_party", "client_name": ""}),
        json!({"client_type": "third_party", "client_name": "x", "redirect_urls": ["javascript:alert(1)"]}),
        json!({"client_type": "third_party_public", "client_name": "x", "client_secret": "s"}),
        json!({"client_type": "third_party", "client_name": "x", "access_token_expiry_minutes": 0}),
        json!({"client_id": THIRD, "client_type": "third_party", "client_name": "again"}),
    ];
    for body in bad {
        let r = h
            .send(
                Method::POST,
                "/emulator/v1/connected_apps",
                &[("content-type", "application/json")],
                body.to_string().into_bytes(),
            )
            .await;
        assert_error(&r, 400, "invalid_argument");
    }
}

#[tokio::test]
async fn start_shows_the_client_the_scopes_and_whether_consent_is_needed() {
    let h = Harness::with_seed(seed());
    let reader = signed_in(&h, "reader@example.com").await;
    let scopes = ["openid", "email", "read:documents", "write:documents"];
    let r = h
        .sdk(
            Method::POST,
            START,
            Some(&reader),
            Some(authorize_body(THIRD, &scopes, json!({}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(
        d["client"],
        json!({"client_id": THIRD, "client_type": "third_party", "client_name": "Acme Analytics",
               "client_description": "Dashboards",
               "client_logo_url": "https://analytics.example/logo.png"})
    );
    assert_eq!(d["consent_required"], true, "a third-party app asks first");
    let results = d["scope_results"].as_array().expect("scope_results");
    let named: Vec<(&str, bool)> = results
        .iter()
        .map(|s| {
            (
                s["scope"].as_str().expect("scope"),
                s["is_grantable"].as_bool().expect("is_grantable"),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("openid", true),
            ("email", true),
            ("read:documents", true),
            ("write:documents", false)
        ],
        "a custom scope is grantable only with the permissions it names"
    );
    assert_eq!(results[2]["description"], "Read your documents");
    assert!(!results[0]["description"].as_str().unwrap_or("").is_empty());

    // Consent once: the code carries only the grantable scopes, and the grant is remembered.
    let code = code_for(&h, &reader, THIRD, &scopes).await;
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        Some(basic(THIRD, THIRD_SECRET)),
        &format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={VERIFIER}",
            enc(REDIRECT)
        ),
    )
    .await;
    assert_eq!(r.body["scope"], "openid email read:documents", "{}", r.text);
    let again = |extra: Value| {
        let h = &h;
        let reader = reader.clone();
        async move {
            h.sdk(
                Method::POST,
                START,
                Some(&reader),
                Some(authorize_body(THIRD, &scopes, extra)),
            )
            .await
        }
    };
    assert_eq!(again(json!({})).await.data()["consent_required"], false);
    assert_eq!(
        again(json!({"prompt": "consent"})).await.data()["consent_required"],
        true,
        "prompt=consent always asks"
    );
    let more = h
        .sdk(
            Method::POST,
            START,
            Some(&reader),
            Some(authorize_body(
                THIRD,
                &["openid", "offline_access"],
                json!({}),
            )),
        )
        .await;
    assert_eq!(
        more.data()["consent_required"],
        true,
        "a scope not granted yet asks again"
    );

    // A first-party app is the project's own: no consent unless prompt=consent.
    let admin = signed_in(&h, "admin@example.com").await;
    let first = h
        .sdk(
            Method::POST,
            START,
            Some(&admin),
            Some(authorize_body(FIRST, &["openid"], json!({}))),
        )
        .await;
    assert_eq!(first.data()["consent_required"], false, "{}", first.text);
    let first = h
        .sdk(
            Method::POST,
            START,
            Some(&admin),
            Some(authorize_body(
                FIRST,
                &["openid"],
                json!({"prompt": "consent"}),
            )),
        )
        .await;
    assert_eq!(first.data()["consent_required"], true);
}

#[tokio::test]
async fn start_and_submit_refuse_what_stytch_refuses() {
    let h = Harness::with_seed(seed());
    let admin = signed_in(&h, "admin@example.com").await;
    let cases = [
        (
            authorize_body("connected-app-test-nobody", &["openid"], json!({})),
            404,
            "connected_app_not_found",
        ),
        (
            authorize_body(
                THIRD,
                &["openid"],
                json!({"redirect_uri": "http://localhost:8080/elsewhere"}),
            ),
            400,
            "connected_app_supplied_redirect_url_not_found_in_client",
        ),
        (
            authorize_body(THIRD, &["openid"], json!({"response_type": "token"})),
            400,
            "invalid_argument",
        ),
        (
            authorize_body(THIRD, &["openid"], json!({"prompt": "login"})),
            400,
            "invalid_argument",
        ),
        (
            authorize_body(THIRD, &["openid", "admin:everything"], json!({})),
            400,
            "invalid_scope",
        ),
        (json!({"client_id": THIRD}), 400, "bad_request"),
    ];
    for path in [START, SUBMIT] {
        for (body, status, error_type) in &cases {
            let r = h
                .sdk(Method::POST, path, Some(&admin), Some(body.clone()))
                .await;
            assert_error(&r, *status, error_type);
        }
        let r = h
            .sdk(
                Method::POST,
                path,
                None,
                Some(authorize_body(THIRD, &["openid"], json!({}))),
            )
            .await;
        assert_error(&r, 401, "unauthorized_credentials");
    }

    // A public client must use PKCE.
    let r = h
        .sdk(
            Method::POST,
            SUBMIT,
            Some(&admin),
            Some(authorize_body(
                PUBLIC,
                &["openid"],
                json!({"consent_granted": true}),
            )),
        )
        .await;
    assert_error(&r, 400, "pkce_required_for_idp_authorization_flow");
    let r = h
        .sdk(
            Method::POST,
            SUBMIT,
            Some(&admin),
            Some(authorize_body(
                PUBLIC,
                &["openid"],
                json!({"consent_granted": true, "code_challenge": "short"}),
            )),
        )
        .await;
    assert_error(&r, 400, "invalid_pkce_code_challenge");

    // The organization may keep third-party apps out.
    let org = h.org_id("acme").await;
    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org}"),
            Some(json!({"third_party_connected_apps_allowed_type": "NOT_ALLOWED"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = h
        .sdk(
            Method::POST,
            START,
            Some(&admin),
            Some(authorize_body(THIRD, &["openid"], json!({}))),
        )
        .await;
    assert_error(&r, 403, "connected_app_not_allowed_by_organization");
    let r = h
        .sdk(
            Method::POST,
            START,
            Some(&admin),
            Some(authorize_body(FIRST, &["openid"], json!({}))),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "first-party apps are still allowed"
    );
}

#[tokio::test]
async fn submit_redirects_with_a_code_or_with_access_denied() {
    let h = Harness::with_seed(seed());
    let admin = signed_in(&h, "admin@example.com").await;
    let denied = h
        .sdk(
            Method::POST,
            SUBMIT,
            Some(&admin),
            Some(authorize_body(
                THIRD,
                &["openid"],
                json!({"consent_granted": false, "state": "st&=1"}),
            )),
        )
        .await;
    assert_eq!(denied.status, StatusCode::OK, "{}", denied.text);
    let uri = denied.data()["redirect_uri"]
        .as_str()
        .expect("redirect_uri");
    assert!(uri.starts_with(&format!("{REDIRECT}?")), "{uri}");
    assert_eq!(query_param(uri, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(uri, "state").as_deref(), Some("st&=1"));
    assert_eq!(query_param(uri, "code"), None);
    assert!(denied.data().get("authorization_code").is_none());

    let ok = h
        .sdk(
            Method::POST,
            SUBMIT,
            Some(&admin),
            Some(authorize_body(
                THIRD,
                &["openid"],
                json!({"consent_granted": true, "state": "xyz", "nonce": "n"}),
            )),
        )
        .await;
    let d = ok.data();
    let code = d["authorization_code"].as_str().expect("code");
    let uri = d["redirect_uri"].as_str().expect("redirect_uri");
    assert_eq!(query_param(uri, "code").as_deref(), Some(code));
    assert_eq!(query_param(uri, "state").as_deref(), Some("xyz"));

    // Consent not required (first party): the session authorizes, as the pre-built UI submits at
    // once with consent_granted false.
    let first = h
        .sdk(
            Method::POST,
            SUBMIT,
            Some(&admin),
            Some(authorize_body(
                FIRST,
                &["openid"],
                json!({"consent_granted": false}),
            )),
        )
        .await;
    assert!(
        first.data()["authorization_code"].is_string(),
        "{}",
        first.text
    );
}

#[tokio::test]
async fn logout_start_answers_where_to_go_and_whether_to_ask() {
    let h = Harness::with_seed(seed());
    let admin = signed_in(&h, "admin@example.com").await;
    let body = |extra: Value| {
        let mut b =
            json!({"client_id": THIRD, "post_logout_redirect_uri": LOGGED_OUT, "state": "bye"});
        if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        b
    };
    let r = h
        .sdk(Method::POST, LOGOUT, Some(&admin), Some(body(json!({}))))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["redirect_uri"], format!("{LOGGED_OUT}?state=bye"));
    assert_eq!(r.data()["consent_required"], true, "no hint: ask");

    // With an ID token of this client for this member as the hint, no question.
    let code = code_for(&h, &admin, THIRD, &["openid"]).await;
    let tokens = form_token(
        &h,
        "/v1/oauth2/token",
        Some(basic(THIRD, THIRD_SECRET)),
        &format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={VERIFIER}",
            enc(REDIRECT)
        ),
    )
    .await;
    let id_token = tokens.body["id_token"].as_str().expect("id_token");
    let r = h
        .sdk(
            Method::POST,
            LOGOUT,
            Some(&admin),
            Some(body(json!({"id_token_hint": id_token}))),
        )
        .await;
    assert_eq!(r.data()["consent_required"], false, "{}", r.text);
    // Another member's hint does not count.
    let reader = signed_in(&h, "reader@example.com").await;
    let r = h
        .sdk(
            Method::POST,
            LOGOUT,
            Some(&reader),
            Some(body(json!({"id_token_hint": id_token}))),
        )
        .await;
    assert_eq!(r.data()["consent_required"], true);
    // No session: nothing to end, nothing to ask.
    let r = h
        .sdk(
            Method::POST,
            LOGOUT,
            None,
            Some(body(json!({"state": null}))),
        )
        .await;
    assert_eq!(r.data()["consent_required"], false, "{}", r.text);
    assert_eq!(r.data()["redirect_uri"], LOGGED_OUT);

    let r = h
        .sdk(
            Method::POST,
            LOGOUT,
            Some(&admin),
            Some(body(
                json!({"post_logout_redirect_uri": "https://evil.example/"}),
            )),
        )
        .await;
    assert_error(
        &r,
        400,
        "connected_app_supplied_redirect_url_not_found_in_client",
    );
    let r = h
        .sdk(
            Method::POST,
            LOGOUT,
            Some(&admin),
            Some(body(json!({"client_id": "nope"}))),
        )
        .await;
    assert_error(&r, 404, "connected_app_not_found");
}

#[tokio::test]
async fn the_backend_twins_name_the_member_in_the_body() {
    let h = Harness::with_seed(seed());
    let (session, jwt, auth) = h.login("admin@example.com", "acme").await;
    let member_id = auth["member_id"].as_str().expect("member_id").to_owned();
    let org = h.org_id("acme").await;
    let start = "/v1/b2b/idp/oauth/authorize/start";
    let r = h
        .backend(
            Method::POST,
            start,
            Some(authorize_body(
                THIRD,
                &["openid", "email"],
                json!({"organization_id": org, "member_id": member_id}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["member_id"], member_id.as_str());
    assert_eq!(r.body["member"]["email_address"], "admin@example.com");
    assert_eq!(r.body["organization"]["organization_id"], org.as_str());
    assert_eq!(r.body["consent_required"], true);
    assert_eq!(r.body["client"]["client_id"], THIRD);

    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/idp/oauth/authorize",
            Some(authorize_body(
                THIRD,
                &["openid"],
                json!({"session_jwt": jwt, "consent_granted": true, "state": "b"}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = r.body["authorization_code"].as_str().expect("code");
    assert_eq!(
        query_param(r.body["redirect_uri"].as_str().expect("uri"), "code").as_deref(),
        Some(code)
    );

    let r = h
        .backend(
            Method::POST,
            start,
            Some(authorize_body(
                THIRD,
                &["openid"],
                json!({"session_token": session, "session_jwt": jwt}),
            )),
        )
        .await;
    assert_error(&r, 400, "too_many_session_arguments");
    let r = h
        .backend(
            Method::POST,
            start,
            Some(authorize_body(THIRD, &["openid"], json!({}))),
        )
        .await;
    assert_error(&r, 400, "no_session_arguments");
    let r = h
        .backend(
            Method::POST,
            start,
            Some(authorize_body(
                THIRD,
                &["openid"],
                json!({"session_token": "not-a-session"}),
            )),
        )
        .await;
    assert_error(&r, 404, "session_not_found");
    let r = h
        .raw(
            Method::POST,
            start,
            None,
            Some(
                &authorize_body(THIRD, &["openid"], json!({"session_token": session})).to_string(),
            ),
            &[],
        )
        .await;
    assert_error(&r, 401, "unauthorized_credentials");
}

#[tokio::test]
async fn a_standard_oidc_client_completes_authorize_consent_and_token() {
    let h = Harness::with_seed(seed());
    let http = http_client(&h);
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(ISSUER.into()).unwrap(), &http)
            .await
            .expect("discovery");
    assert_eq!(metadata.issuer().as_str(), ISSUER);
    let as_metadata = h.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(
        as_metadata.body["token_endpoint"],
        "http://localhost/v1/oauth2/token"
    );
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(THIRD.into()),
        Some(ClientSecret::new(THIRD_SECRET.into())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();

    // The authorization endpoint sends the browser to the app's consent page, query kept.
    let path = auth_url.as_str().strip_prefix(ISSUER).expect("our issuer");
    let page = location(&h.get(path).await);
    let query = auth_url.query().expect("query");
    assert_eq!(page, format!("{CONSENT_PAGE}?{query}"));

    // The consent page: read the query as Stytch's pre-built UI does, and submit with consent.
    let session = signed_in(&h, "admin@example.com").await;
    let scopes: Vec<String> = query_param(&page, "scope")
        .expect("scope")
        .split(' ')
        .map(String::from)
        .collect();
    let params = json!({
        "client_id": query_param(&page, "client_id").expect("client_id"),
        "redirect_uri": query_param(&page, "redirect_uri").expect("redirect_uri"),
        "response_type": query_param(&page, "response_type").expect("response_type"),
        "scopes": scopes,
    });
    let started = h
        .sdk(Method::POST, START, Some(&session), Some(params.clone()))
        .await;
    assert_eq!(started.data()["consent_required"], true, "{}", started.text);
    let mut submit = params;
    submit["state"] = json!(query_param(&page, "state").expect("state"));
    submit["nonce"] = json!(query_param(&page, "nonce").expect("nonce"));
    submit["code_challenge"] = json!(query_param(&page, "code_challenge").expect("challenge"));
    submit["consent_granted"] = json!(true);
    let submitted = h
        .sdk(Method::POST, SUBMIT, Some(&session), Some(submit))
        .await;
    let back = submitted.data()["redirect_uri"]
        .as_str()
        .expect("redirect_uri");
    assert_eq!(
        query_param(back, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query_param(back, "code").expect("code");

    // The app's server exchanges the code and verifies the ID token against the JWKS.
    let token = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .expect("token endpoint known")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let id_token = token.id_token().expect("an ID token (openid)");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("signature, issuer, audience, expiry and nonce verify");
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("admin@example.com")
    );
    assert_eq!(
        claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()),
        Some("Ada Admin")
    );
    assert!(claims.subject().as_str().starts_with("member-test-"));
    assert_eq!(
        token.expires_in().map(|d| d.as_secs()),
        Some(30 * 60),
        "the client's access_token_expiry_minutes"
    );
    let refresh = token
        .refresh_token()
        .expect("a refresh token (offline_access)");
    // The access token is a JWT of the project's key: the session JWKS verifies it.
    let jwks = h
        .get(&format!("/v1/b2b/sessions/jwks/{}", h.project.project_id))
        .await;
    let header = access_token_header(token.access_token().secret());
    assert_eq!(header["kid"], jwks.body["keys"][0]["kid"]);

    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(token.access_token().clone(), None)
        .expect("userinfo endpoint known")
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject(), claims.subject());
    assert_eq!(info.email().map(|e| e.as_str()), Some("admin@example.com"));

    // A used code is refused.
    let again = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(openidconnect::PkceCodeVerifier::new(VERIFIER.into()))
        .request_async(&http)
        .await;
    assert!(again.is_err(), "a used code is refused");

    // Refresh: new tokens and a new refresh token; the old one is used up.
    let refreshed = client
        .exchange_refresh_token(refresh)
        .expect("token endpoint known")
        .request_async(&http)
        .await
        .expect("refresh");
    assert_ne!(
        refreshed.access_token().secret(),
        token.access_token().secret()
    );
    let next = refreshed.refresh_token().expect("rotated refresh token");
    assert_ne!(next.secret(), refresh.secret());
    refreshed
        .id_token()
        .expect("ID token on refresh")
        .claims(&client.id_token_verifier(), |_: Option<&Nonce>| Ok(()))
        .expect("verifies");
    let reused = client
        .exchange_refresh_token(&RefreshToken::new(refresh.secret().clone()))
        .unwrap()
        .request_async(&http)
        .await;
    assert!(reused.is_err(), "a used refresh token is refused");
}

fn access_token_header(jwt: &str) -> Value {
    use base64::Engine;
    let header = jwt.split('.').next().expect("header");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

#[tokio::test]
async fn the_token_endpoint_refuses_in_oauth_form() {
    let h = Harness::with_seed(seed());
    let admin = signed_in(&h, "admin@example.com").await;
    let exchange = |code: &str, redirect: &str, verifier: &str| {
        format!(
            "grant_type=authorization_code&code={code}&redirect_uri={}&code_verifier={verifier}",
            enc(redirect)
        )
    };
    let third = || Some(basic(THIRD, THIRD_SECRET));

    let r = form_token(&h, "/v1/oauth2/token", third(), "grant_type=password").await;
    assert_eq!(r.body["error"], "unsupported_grant_type");
    assert_error(&r, 400, "bad_request");
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        None,
        "grant_type=authorization_code",
    )
    .await;
    assert_eq!(r.body["error"], "invalid_client");
    assert_error(&r, 401, "unauthorized_credentials");

    let code = code_for(&h, &admin, THIRD, &["openid"]).await;
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        third(),
        &exchange(&code, "http://localhost:8080/x", VERIFIER),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant", "{}", r.text);
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        third(),
        &exchange(&code, REDIRECT, &"x".repeat(43)),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant");
    assert_error(&r, 400, "pkce_mismatch");
    // Another client, authenticated with its own secret, cannot redeem it.
    let other = h
        .send(
            Method::POST,
            "/emulator/v1/connected_apps",
            &[("content-type", "application/json")],
            json!({"client_id": "connected-app-test-other", "client_secret": "secret-test-other",
                   "client_type": "third_party", "client_name": "Other",
                   "redirect_urls": [REDIRECT]})
            .to_string()
            .into_bytes(),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        Some(basic("connected-app-test-other", "secret-test-other")),
        &exchange(&code, REDIRECT, VERIFIER),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant");
    assert_error(&r, 404, "idp_auth_code_not_found");
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        Some(basic(FIRST, "not-its-secret")),
        &exchange(&code, REDIRECT, VERIFIER),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_client");
    // Those refusals left the code usable; JSON body, client in the body, the project path.
    let r = h
        .send(
            Method::POST,
            &format!("/v1/public/{}/oauth2/token", h.project.project_id),
            &[("content-type", "application/json")],
            json!({"grant_type": "authorization_code", "client_id": THIRD,
                   "client_secret": THIRD_SECRET, "code": code, "redirect_uri": REDIRECT,
                   "code_verifier": VERIFIER})
            .to_string()
            .into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["token_type"], "bearer");
    assert_eq!(r.body["scope"], "openid");
    assert!(r.body["id_token"].is_string());
    assert!(
        r.body.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
    assert_eq!(r.headers["cache-control"], "no-store");
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        third(),
        &exchange(&code, REDIRECT, VERIFIER),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant");
    assert_error(&r, 404, "idp_auth_code_not_found");
    let r = h
        .send(
            Method::POST,
            "/v1/public/project-test-someone-else/oauth2/token",
            &[("content-type", "application/json")],
            b"{}".to_vec(),
        )
        .await;
    assert_error(&r, 404, "project_not_found");

    // Without openid there is no ID token; a public client authenticates with PKCE alone.
    let code = code_for(&h, &admin, PUBLIC, &["email"]).await;
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        None,
        &format!("{}&client_id={PUBLIC}", exchange(&code, REDIRECT, VERIFIER)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body.get("id_token").is_none());
    let access = r.body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    let info = h
        .raw(
            Method::GET,
            "/v1/oauth2/userinfo",
            Some(format!("Bearer {access}")),
            None,
            &[],
        )
        .await;
    assert_eq!(info.body["email"], "admin@example.com", "{}", info.text);
    assert!(info.body.get("name").is_none(), "no profile scope, no name");
    let r = h.get("/v1/oauth2/userinfo").await;
    assert_eq!(r.body["error"], "invalid_token");
    assert_error(&r, 401, "unauthorized_credentials");

    // Codes expire after 10 minutes; access tokens after the client's lifetime (60 by default).
    let code = code_for(&h, &admin, THIRD, &["openid"]).await;
    h.emu.advance_clock(std::time::Duration::from_secs(61 * 60));
    let r = form_token(
        &h,
        "/v1/oauth2/token",
        third(),
        &exchange(&code, REDIRECT, VERIFIER),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_grant");
    assert_error(&r, 400, "idp_auth_code_expired");
    let info = h
        .raw(
            Method::GET,
            "/v1/oauth2/userinfo",
            Some(format!("Bearer {access}")),
            None,
            &[],
        )
        .await;
    assert_eq!(
        info.body["error"], "invalid_token",
        "an expired access token"
    );
}

#[tokio::test]
async fn the_authorization_endpoint_needs_the_projects_authorization_url() {
    let h = Harness::new();
    let r = h
        .get("/v1/oauth2/authorize?client_id=x&response_type=code")
        .await;
    assert_error(&r, 400, "bad_request");
    let demo: Seed = serde_json::from_str(include_str!("../seeds/demo.json")).expect("demo seed");
    let h = Harness::with_seed(demo);
    let r = h
        .get("/v1/oauth2/authorize?client_id=connected-app-test-demo&state=a%20b")
        .await;
    assert_eq!(
        location(&r),
        "http://127.0.0.1:8080/oauth/authorize?client_id=connected-app-test-demo&state=a%20b"
    );
    // The demo's connected app is a confidential third-party client of its two origins.
    let session = signed_in(&h, "admin@example.com").await;
    for redirect in [
        "http://localhost:8080/oauth-client/callback",
        "http://127.0.0.1:8080/oauth-client/callback",
    ] {
        let r = h
            .sdk(
                Method::POST,
                START,
                Some(&session),
                Some(
                    json!({"client_id": "connected-app-test-demo", "redirect_uri": redirect,
                            "response_type": "code", "scopes": ["openid"]}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.data()["client"]["client_name"], "Acme Analytics");
        assert_eq!(r.data()["client"]["client_type"], "third_party");
    }
}
