//! `client.idp()` against the in-process emulator: the consent page's calls (authorize start and
//! submit, logout start) with the bodies the JS SDK sends, their answers and refusals, a code that
//! the token endpoint really exchanges, secrets kept out of `Debug`, and
//! `OauthAuthorizeParams::from_query` as the pre-built UI reads an authorize URL.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use leptos_stytch::core::platform::Method;
use leptos_stytch::{
    OauthAuthorizeParams, OauthAuthorizeStartRequest, OauthAuthorizeSubmitRequest,
    OauthLogoutStartRequest, StytchB2BOptions, StytchError,
};
use serde_json::{Value, json};
use support::*;

const APP: &str = "connected-app-test-analytics";
const APP_SECRET: &str = "secret-test-analytics-for-client-tests";
const SPA: &str = "connected-app-test-spa";
const CALLBACK: &str = "http://127.0.0.1:8080/oauth-client/callback";
const LOGGED_OUT: &str = "http://127.0.0.1:8080/oauth-client/logged-out";
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn idp_seed() -> stytch_emulator::Seed {
    let mut v = serde_json::to_value(seed()).expect("seed json");
    v["connected_apps"] = json!([
        {"client_id": APP, "client_secret": APP_SECRET, "client_type": "third_party",
         "client_name": "Acme Analytics", "client_description": "Dashboards",
         "redirect_urls": [CALLBACK], "post_logout_redirect_urls": [LOGGED_OUT]},
        {"client_id": SPA, "client_type": "third_party_public", "client_name": "A SPA",
         "client_description": "", "client_logo_url": "https://spa.example/logo.png",
         "redirect_urls": [CALLBACK]},
    ]);
    serde_json::from_value(v).expect("seed")
}

async fn harness() -> Harness {
    let h = Harness::with_seed(idp_seed(), StytchB2BOptions::default()).await;
    h.login("admin@example.com").await;
    h
}

fn authorize_query(client_id: &str) -> String {
    format!(
        "?client_id={client_id}&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Foauth-client%2Fcallback\
         &response_type=code&scope=openid+email+offline_access&state=st%26te&nonce=n-1\
         &code_challenge={CHALLENGE}"
    )
}

/// `key` of a URL's query, percent-decoded.
fn param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[test]
fn the_consent_page_authorizes_and_the_code_is_exchanged() {
    run(async {
        let h = harness().await;
        let params = OauthAuthorizeParams::from_query(&authorize_query(APP)).expect("params");
        let start = h
            .client
            .idp()
            .oauth_authorize_start(params.start_request())
            .await
            .expect("start");
        assert_eq!(start.status_code, 200);
        assert!(start.request_id.starts_with("request-id-"));
        assert_eq!(start.client.client_id, APP);
        assert_eq!(start.client.client_type, "third_party");
        assert_eq!(start.client.client_name, "Acme Analytics");
        assert_eq!(start.client.client_description, "Dashboards");
        assert_eq!(start.client.client_logo_url, None);
        assert!(start.consent_required, "a third-party app asks first");
        let scopes: Vec<(&str, bool)> = start
            .scope_results
            .iter()
            .map(|s| (s.scope.as_str(), s.is_grantable))
            .collect();
        assert_eq!(
            scopes,
            [("openid", true), ("email", true), ("offline_access", true)]
        );
        assert!(
            start
                .scope_results
                .iter()
                .all(|s| !s.description.is_empty())
        );
        // The body as the JS SDK sends it: no absent field, no null.
        assert_eq!(
            body_to(&h, "/idp/b2b/oauth/authorize/start"),
            json!({"client_id": APP, "redirect_uri": CALLBACK, "response_type": "code",
                   "scopes": ["openid", "email", "offline_access"]})
        );

        let submitted = h
            .client
            .idp()
            .oauth_authorize_submit(params.submit_request(true))
            .await
            .expect("submit");
        let code = submitted.authorization_code.clone().expect("a code");
        assert!(submitted.redirect_uri.starts_with(&format!("{CALLBACK}?")));
        assert_eq!(
            param(&submitted.redirect_uri, "code").as_deref(),
            Some(code.as_str())
        );
        assert_eq!(
            param(&submitted.redirect_uri, "state").as_deref(),
            Some("st&te")
        );
        assert_eq!(
            body_to(&h, "/idp/b2b/oauth/authorize/submit"),
            json!({"client_id": APP, "redirect_uri": CALLBACK, "response_type": "code",
                   "scopes": ["openid", "email", "offline_access"], "state": "st&te",
                   "nonce": "n-1", "code_challenge": CHALLENGE, "consent_granted": true})
        );
        let shown = format!("{submitted:?}");
        assert!(!shown.contains(&code), "Debug hides the code: {shown}");

        // The code is real: the app's server exchanges it for tokens.
        let (status, tokens) = h
            .call(
                Method::Post,
                "/v1/oauth2/token",
                None,
                Some(json!({"grant_type": "authorization_code", "client_id": APP,
                            "client_secret": APP_SECRET, "code": code,
                            "redirect_uri": CALLBACK, "code_verifier": VERIFIER})),
            )
            .await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["scope"], "openid email offline_access");
        assert!(tokens["id_token"].is_string() && tokens["refresh_token"].is_string());

        // Granted once, not asked again.
        let again = h
            .client
            .idp()
            .oauth_authorize_start(params.start_request())
            .await
            .expect("start");
        assert!(!again.consent_required);
    });
}

#[test]
fn a_refusal_sends_access_denied_and_no_code() {
    run(async {
        let h = harness().await;
        let params = OauthAuthorizeParams::from_query(&authorize_query(APP)).expect("params");
        let refused = h
            .client
            .idp()
            .oauth_authorize_submit(params.submit_request(false))
            .await
            .expect("submit");
        assert_eq!(refused.authorization_code, None);
        assert_eq!(
            param(&refused.redirect_uri, "error").as_deref(),
            Some("access_denied")
        );
        assert_eq!(
            param(&refused.redirect_uri, "state").as_deref(),
            Some("st&te")
        );
        assert_eq!(param(&refused.redirect_uri, "code"), None);
        assert_eq!(
            body_to(&h, "/idp/b2b/oauth/authorize/submit")["consent_granted"],
            false
        );
    });
}

#[test]
fn authorize_refusals_are_typed_api_errors() {
    run(async {
        let h = harness().await;
        let idp = h.client.idp();
        let start =
            |client_id: &str, redirect_uri: &str, scopes: &[&str]| OauthAuthorizeStartRequest {
                client_id: client_id.into(),
                redirect_uri: redirect_uri.into(),
                response_type: "code".into(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                prompt: None,
            };
        assert_eq!(
            api_error(
                idp.oauth_authorize_start(start("connected-app-test-none", CALLBACK, &["openid"]))
                    .await
            ),
            (404, "connected_app_not_found".into())
        );
        assert_eq!(
            api_error(
                idp.oauth_authorize_start(start(APP, "http://127.0.0.1:8080/other", &["openid"]))
                    .await
            ),
            (
                400,
                "connected_app_supplied_redirect_url_not_found_in_client".into()
            )
        );
        assert_eq!(
            api_error(
                idp.oauth_authorize_start(start(APP, CALLBACK, &["openid", "everything"]))
                    .await
            ),
            (400, "invalid_scope".into())
        );
        let mut prompted = start(APP, CALLBACK, &["openid"]);
        prompted.prompt = Some("none".into());
        assert_eq!(
            api_error(idp.oauth_authorize_start(prompted).await),
            (400, "invalid_argument".into())
        );
        // A public app must send a PKCE challenge; its logo comes through.
        let spa = idp
            .oauth_authorize_start(start(SPA, CALLBACK, &["openid"]))
            .await
            .expect("start");
        assert_eq!(
            spa.client.client_logo_url.as_deref(),
            Some("https://spa.example/logo.png")
        );
        let submit = OauthAuthorizeSubmitRequest {
            client_id: SPA.into(),
            redirect_uri: CALLBACK.into(),
            response_type: "code".into(),
            scopes: vec!["openid".into()],
            consent_granted: true,
            ..Default::default()
        };
        assert_eq!(
            api_error(idp.oauth_authorize_submit(submit.clone()).await),
            (400, "pkce_required_for_idp_authorization_flow".into())
        );
        let body = body_to(&h, "/idp/b2b/oauth/authorize/submit");
        assert_eq!(
            keys(&body),
            [
                "client_id",
                "consent_granted",
                "redirect_uri",
                "response_type",
                "scopes"
            ],
            "absent fields are omitted"
        );

        // Without a session the calls are refused.
        h.client
            .session()
            .revoke(Default::default())
            .await
            .expect("revoke");
        assert_eq!(
            api_error(
                idp.oauth_authorize_start(start(APP, CALLBACK, &["openid"]))
                    .await
            ),
            (401, "unauthorized_credentials".into())
        );
        let refused = idp.oauth_authorize_submit(submit).await;
        assert!(
            matches!(
                refused,
                Err(StytchError::Api {
                    status_code: 401,
                    ..
                })
            ),
            "{refused:?}"
        );
    });
}

#[test]
fn logout_start_answers_the_redirect_and_whether_to_ask() {
    run(async {
        let h = harness().await;
        let idp = h.client.idp();
        let request = OauthLogoutStartRequest {
            client_id: APP.into(),
            post_logout_redirect_uri: LOGGED_OUT.into(),
            state: Some("bye".into()),
            id_token_hint: None,
        };
        let r = idp
            .oauth_logout_start(request.clone())
            .await
            .expect("logout start");
        assert_eq!(r.status_code, 200);
        assert_eq!(r.redirect_uri, format!("{LOGGED_OUT}?state=bye"));
        assert!(r.consent_required, "no ID token hint: ask the member");
        assert_eq!(
            body_to(&h, "/b2b/oauth/logout/start"),
            json!({"client_id": APP, "post_logout_redirect_uri": LOGGED_OUT, "state": "bye"})
        );

        let hinted = OauthLogoutStartRequest {
            id_token_hint: Some("eyJhbGciOiJSUzI1NiJ9.not-ours.sig".into()),
            ..request.clone()
        };
        assert!(
            !format!("{hinted:?}").contains("not-ours"),
            "Debug hides the hint"
        );
        let r = idp.oauth_logout_start(hinted).await.expect("logout start");
        assert!(
            r.consent_required,
            "a hint the project did not sign does not count"
        );
        assert_eq!(
            body_to(&h, "/b2b/oauth/logout/start")["id_token_hint"],
            "eyJhbGciOiJSUzI1NiJ9.not-ours.sig"
        );

        let elsewhere = OauthLogoutStartRequest {
            post_logout_redirect_uri: "https://elsewhere.example/".into(),
            ..request
        };
        assert_eq!(
            api_error(idp.oauth_logout_start(elsewhere).await),
            (
                400,
                "connected_app_supplied_redirect_url_not_found_in_client".into()
            )
        );
    });
}

#[test]
fn from_query_reads_an_authorize_url_as_the_prebuilt_ui_does() {
    let p =
        OauthAuthorizeParams::from_query("client_id=app&redirect_uri=https%3A%2F%2Fa.example%2Fcb")
            .expect("params");
    assert_eq!(p.client_id, "app");
    assert_eq!(p.redirect_uri, "https://a.example/cb");
    assert_eq!(p.response_type, "code", "ChatGPT omits response_type");
    assert_eq!(p.scopes, ["openid", "email", "profile"]);
    assert_eq!(
        (p.state, p.nonce, p.prompt, p.code_challenge),
        (None, None, None, None)
    );
    assert!(p.resources.is_empty());

    let p = OauthAuthorizeParams::from_query(
        "?client_id=app&client_id=second&redirect_uri=x&response_type=code&scope=openid%20read:docs+offline_access\
         &state=a%2Bb&nonce=n&prompt=consent&code_challenge=c&resource=https%3A%2F%2Fapi.example&resource=urn:b#frag",
    )
    .expect("params");
    assert_eq!(p.client_id, "app", "the first of a repeated parameter");
    assert_eq!(p.scopes, ["openid", "read:docs", "offline_access"]);
    assert_eq!(p.state.as_deref(), Some("a+b"));
    assert_eq!(p.nonce.as_deref(), Some("n"));
    assert_eq!(p.prompt.as_deref(), Some("consent"));
    assert_eq!(p.code_challenge.as_deref(), Some("c"));
    assert_eq!(
        p.resources,
        ["https://api.example", "urn:b"],
        "every resource; no fragment"
    );
    let submit = p.submit_request(true);
    assert_eq!(submit.resources.as_deref(), Some(&p.resources[..]));
    assert_eq!(submit.prompt.as_deref(), Some("consent"));
    assert!(submit.consent_granted);
    let start = p.start_request();
    assert_eq!(start.scopes, p.scopes);
    assert_eq!(start.prompt.as_deref(), Some("consent"));
    let body: Value = serde_json::to_value(&start).expect("json");
    assert_eq!(
        keys(&body),
        [
            "client_id",
            "prompt",
            "redirect_uri",
            "response_type",
            "scopes"
        ]
    );

    let empty_scope =
        OauthAuthorizeParams::from_query("client_id=a&redirect_uri=b&scope=&response_type=")
            .expect("params");
    assert_eq!(empty_scope.scopes, ["openid", "email", "profile"]);
    assert_eq!(empty_scope.response_type, "code");
    assert_eq!(empty_scope.submit_request(false).resources, None);

    for (query, missing) in [
        ("redirect_uri=b", "client_id"),
        ("client_id=a", "redirect_uri"),
        ("client_id=&redirect_uri=b", "client_id"),
        ("", "client_id"),
    ] {
        match OauthAuthorizeParams::from_query(query) {
            Err(StytchError::Usage { message }) => {
                assert_eq!(message, format!("Required parameter is missing: {missing}"))
            }
            other => panic!("{query}: {other:?}"),
        }
    }
}
