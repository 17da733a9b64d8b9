//! `client.oauth()` against the in-process emulator: start URLs as the JS SDK builds them, the
//! sign-in through the identity provider page with a plain HTTP client, `authenticate_by_url` for
//! `oauth` and `discovery_oauth`, PKCE in the `oauth` namespace, and the outcomes: session,
//! `primary_required` for providers that do not prove the email, discovery IST.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::BTreeMap;

use leptos_stytch::core::platform::Store;
use leptos_stytch::{
    AuthenticateByUrlResult, ExchangeRequest, OauthAuthenticateRequest, OauthDiscoveryStartRequest,
    OauthStartRequest, StytchB2BOptions, StytchError,
};
use serde_json::{Value, json};
use support::*;

fn org_start() -> OauthStartRequest {
    OauthStartRequest {
        organization_id: Some(ORG_ID.into()),
        ..Default::default()
    }
}

#[test]
fn start_urls_are_built_like_the_js_sdk() {
    run(async {
        let h = Harness::new().await;
        let pt = h.emulator.project().public_token;
        let url = h
            .client
            .oauth()
            .google()
            .start(OauthStartRequest {
                organization_id: Some(ORG_ID.into()),
                organization_slug: Some("ignored-when-an-id-is-given".into()),
                login_redirect_url: Some("http://127.0.0.1:8080/".into()),
                signup_redirect_url: None,
                custom_scopes: vec![
                    "openid".into(),
                    "https://www.googleapis.com/auth/drive".into(),
                ],
                provider_params: BTreeMap::from([("prompt".into(), "select_account".into())]),
            })
            .await
            .expect("url");
        assert_eq!(
            url,
            format!(
                "{BASE_URL}/v1/b2b/public/oauth/google/start?public_token={pt}&organization_id={ORG_ID}\
                 &custom_scopes=openid+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive\
                 &provider_prompt=select_account&login_redirect_url=http%3A%2F%2F127.0.0.1%3A8080%2F"
            )
        );
        let url = h
            .client
            .oauth()
            .slack()
            .start(OauthStartRequest {
                organization_slug: Some("acme".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            url,
            format!("{BASE_URL}/v1/b2b/public/oauth/slack/start?public_token={pt}&slug=acme")
        );
        let url = h
            .client
            .oauth()
            .hubspot()
            .discovery()
            .start(OauthDiscoveryStartRequest {
                discovery_redirect_url: Some("http://127.0.0.1:8080/".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            url,
            format!(
                "{BASE_URL}/v1/b2b/public/oauth/hubspot/discovery/start?public_token={pt}\
                 &discovery_redirect_url=http%3A%2F%2F127.0.0.1%3A8080%2F"
            )
        );
        let e = h
            .client
            .oauth()
            .github()
            .start(OauthStartRequest::default())
            .await
            .expect_err("no organization");
        assert!(matches!(e, StytchError::Usage { .. }), "{e:?}");
        let key = format!("stytch_sdk_state_{pt}::PKCE_VERIFIER:oauth");
        assert!(h.store.get_item(&key).is_none());
    });
}

#[test]
fn google_sign_in_gives_a_session_and_provider_values() {
    run(async {
        let h = Harness::new().await;
        let start = h.client.oauth().google().start(org_start()).await.unwrap();
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "admin@example.com")],
        )
        .await;
        assert!(
            app.starts_with(&format!("{REDIRECT}?stytch_token_type=oauth&token=")),
            "{app}"
        );
        let Some(AuthenticateByUrlResult::Oauth(resp)) = h
            .client
            .authenticate_by_url(&app, 60)
            .await
            .expect("answers")
        else {
            panic!("oauth branch");
        };
        assert!(resp.response.member_authenticated);
        assert_eq!(resp.provider_type, "Google");
        assert!(!resp.provider_subject.is_empty());
        let v = &resp.provider_values;
        assert_eq!(v.access_token.len(), 44);
        assert_eq!(v.scopes, vec!["openid", "email", "profile"]);
        assert_eq!(v.id_token.split('.').count(), 3);
        assert!(v.expires_at.is_some());
        assert!(
            !format!("{v:?}").contains(&v.access_token),
            "Debug hides provider tokens"
        );
        let session = resp.response.member_session.clone().expect("session");
        assert_eq!(
            session.authentication_factors[0].delivery_method,
            "oauth_google"
        );
        assert_eq!(h.client.session().get_sync(), Some(session));
        assert!(h.client.session().get_tokens().is_some());
        // Single use.
        let e = h
            .client
            .oauth()
            .authenticate(OauthAuthenticateRequest {
                oauth_token: app.split("token=").nth(1).unwrap().into(),
                ..Default::default()
            })
            .await
            .expect_err("reused");
        assert_eq!(api_error_of(&e), (404, "oauth_token_not_found".into()));
    });
}

#[test]
fn github_needs_another_primary_factor() {
    run(async {
        let h = Harness::new().await;
        let start = h.client.oauth().github().start(org_start()).await.unwrap();
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "admin@example.com")],
        )
        .await;
        let Some(AuthenticateByUrlResult::Oauth(resp)) = h
            .client
            .authenticate_by_url(&app, 60)
            .await
            .expect("answers")
        else {
            panic!("oauth branch");
        };
        assert!(!resp.response.member_authenticated);
        assert_eq!(resp.provider_type, "GitHub");
        assert_eq!(
            resp.response.primary_required,
            Some(leptos_stytch::PrimaryRequired {
                allowed_auth_methods: vec!["email_otp".into(), "magic_link".into()]
            })
        );
        assert!(h.client.session().get_sync().is_none());
        let ist = h
            .store
            .cookie_spec("stytch_intermediate_session_token")
            .expect("IST stored");
        assert_eq!(ist.value, resp.response.intermediate_session_token);
        // The step-up: a magic link with the IST gives the session with both factors.
        let token = h.magic_link_token("admin@example.com", ORG_ID).await;
        let done = h
            .client
            .magic_links()
            .authenticate(leptos_stytch::MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("step-up");
        let kinds: Vec<String> = done
            .member_session
            .expect("session")
            .authentication_factors
            .iter()
            .map(|f| f.delivery_method.clone())
            .collect();
        assert_eq!(kinds, vec!["oauth_github", "email"]);
    });
}

#[test]
fn discovery_oauth_then_exchange() {
    run(async {
        let h = Harness::new().await;
        let start = h
            .client
            .oauth()
            .microsoft()
            .discovery()
            .start(OauthDiscoveryStartRequest::default())
            .await
            .unwrap();
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "admin@example.com")],
        )
        .await;
        assert!(app.contains("stytch_token_type=discovery_oauth"), "{app}");
        let Some(AuthenticateByUrlResult::DiscoveryOauth(resp)) = h
            .client
            .authenticate_by_url(&app, 60)
            .await
            .expect("answers")
        else {
            panic!("discovery_oauth branch");
        };
        assert_eq!(resp.email_address, "admin@example.com");
        assert_eq!(resp.discovered_organizations.len(), 1);
        assert_eq!(
            resp.discovered_organizations[0]
                .organization
                .organization_id,
            ORG_ID
        );
        assert!(
            h.store
                .cookie_spec("stytch_intermediate_session_token")
                .is_some()
        );
        let entered = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("exchange");
        assert!(entered.member_authenticated);
        assert!(h.client.session().get_sync().is_some());
    });
}

#[test]
fn oauth_pkce_when_the_project_requires_it() {
    run(async {
        let seed = {
            let mut v = serde_json::to_value(seed()).unwrap();
            v["pkce_required_for_oauth"] = json!(true);
            serde_json::from_value(v).unwrap()
        };
        let h = Harness::with_seed(seed, StytchB2BOptions::default()).await;
        let pt = h.emulator.project().public_token;
        let key = format!("stytch_sdk_state_{pt}::PKCE_VERIFIER:oauth");
        for discovery in [false, true] {
            let start = if discovery {
                h.client
                    .oauth()
                    .google()
                    .discovery()
                    .start(OauthDiscoveryStartRequest::default())
                    .await
            } else {
                h.client.oauth().google().start(org_start()).await
            }
            .unwrap();
            let stored: Value =
                serde_json::from_str(&h.store.get_item(&key).expect("pair stored")).unwrap();
            assert!(
                start.contains(&format!(
                    "&pkce_code_challenge={}",
                    stored["code_challenge"].as_str().unwrap()
                )),
                "{start}"
            );
            let app = idp::sign_in(
                &h.emulator.router(),
                &start,
                &[("email", "admin@example.com")],
            )
            .await;
            h.client
                .authenticate_by_url(&app, 60)
                .await
                .expect("the verifier matches")
                .expect("token");
            let path = if discovery {
                "/sdk/v1/b2b/oauth/discovery/authenticate"
            } else {
                "/sdk/v1/b2b/oauth/authenticate"
            };
            let sent = h.transport.last_to(path).unwrap();
            let body: Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
            assert_eq!(
                body["pkce_code_verifier"], stored["code_verifier"],
                "{path}"
            );
            assert!(h.store.get_item(&key).is_none(), "cleared after {path}");
        }
        // A verifier from another start does not fit.
        let start = h.client.oauth().google().start(org_start()).await.unwrap();
        let app = idp::sign_in(
            &h.emulator.router(),
            &start,
            &[("email", "admin@example.com")],
        )
        .await;
        h.client.oauth().google().start(org_start()).await.unwrap();
        let e = h
            .client
            .authenticate_by_url(&app, 60)
            .await
            .expect_err("new pair");
        assert_eq!(api_error_of(&e), (400, "pkce_mismatch".into()));
    });
}

#[test]
fn google_one_tap_submits_the_credential() {
    run(async {
        let h = Harness::new().await;
        let one_tap = h.client.oauth().google_one_tap();
        let client_id = one_tap.client_id().await.expect("start").expect("an id");
        let (status, minted) = h
            .call(
                leptos_stytch::core::platform::Method::Post,
                "/emulator/v1/google/id_token",
                None,
                Some(json!({"email_address": "admin@example.com", "hosted_domain": "example.com"})),
            )
            .await;
        assert_eq!(status, 200, "{minted}");
        assert_eq!(minted["google_client_id"], client_id);
        let id_token = minted["id_token"].as_str().unwrap().to_owned();
        let url = one_tap
            .submit(leptos_stytch::OneTapSubmitRequest {
                id_token: id_token.clone(),
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("submit");
        let Some(AuthenticateByUrlResult::Oauth(resp)) = h
            .client
            .authenticate_by_url(&url, 60)
            .await
            .expect("answers")
        else {
            panic!("oauth branch: {url}");
        };
        assert!(resp.response.member_authenticated);
        let url = one_tap
            .discovery()
            .submit(leptos_stytch::OneTapDiscoverySubmitRequest {
                id_token,
                ..Default::default()
            })
            .await
            .expect("discovery submit");
        assert!(url.contains("stytch_token_type=discovery_oauth"), "{url}");
        let e = one_tap
            .submit(leptos_stytch::OneTapSubmitRequest {
                id_token: "forged".into(),
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect_err("forged credential");
        assert_eq!(api_error_of(&e), (400, "id_token_invalid".into()));
    });
}
