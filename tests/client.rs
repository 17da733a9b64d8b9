//! The client core against the real emulator, in-process: every method of the walking skeleton, the happy
//! path and the error paths, and the session state machine (cookies, storage, notifications, refresh).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use leptos_stytch::core::platform::{Method, Store};
use leptos_stytch::{
    EmailLoginOrSignupRequest, ErrorType, MagicLinksAuthenticateRequest, RevokeOptions,
    SessionAuthenticateOptions, StytchB2BOptions, StytchError, UpdateSessionOptions,
};
use serde_json::{Value, json};
use support::*;

fn basic(header: &str) -> String {
    let b64 = header.strip_prefix("Basic ").expect("Basic auth");
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

const STATE_KEY_PREFIX: &str = "stytch_sdk_state_";

#[test]
fn magic_link_login_sets_state_cookies_and_storage() {
    run(async {
        let h = Harness::new().await;
        let pt = h.emulator.project().public_token;
        assert!(h.client.session().get_sync().is_none());
        assert!(
            h.client.snapshot().is_initialized,
            "no cookie: nothing to restore"
        );

        let resp = h.login("admin@example.com").await;
        assert!(resp.member_authenticated);
        let session = resp.member_session.clone().expect("a session");
        assert_eq!(resp.member.email_address, "admin@example.com");
        assert_eq!(resp.member.status, "active");
        assert_eq!(resp.organization.organization_id, ORG_ID);

        // State.
        assert_eq!(h.client.session().get_sync(), Some(session.clone()));
        assert_eq!(
            h.client.self_().get_sync().unwrap().email_address,
            "admin@example.com"
        );
        assert_eq!(
            h.client
                .organization()
                .get_sync()
                .unwrap()
                .organization_slug,
            "acme"
        );
        assert!(!h.client.session().get_info().from_cache);

        // Cookies: both tokens, attributes Stytch sets (localhost: no Secure, no domain), expiry = expires_at.
        let tokens = h.client.session().get_tokens().expect("tokens readable");
        assert_eq!(tokens.session_token, resp.session_token);
        assert_eq!(tokens.session_jwt, resp.session_jwt);
        let c = h.store.cookie_spec("stytch_session").unwrap();
        assert_eq!(c.path, "/");
        assert_eq!(c.domain, None);
        assert!(!c.secure);
        let expires = time::OffsetDateTime::parse(
            &session.expires_at,
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(
            c.expires_ms,
            Some((expires.unix_timestamp_nanos() / 1_000_000) as i64)
        );
        assert!(
            h.store
                .cookie_spec("stytch_intermediate_session_token")
                .is_none()
        );

        // localStorage holds {session, member, organization}.
        let raw = h
            .store
            .get_item(&format!("{STATE_KEY_PREFIX}{pt}"))
            .unwrap();
        let stored: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(
            stored["session"]["member_session_id"],
            json!(session.member_session_id)
        );
        assert_eq!(
            stored["member"]["email_address"],
            json!("admin@example.com")
        );
        assert_eq!(stored["organization"]["organization_id"], json!(ORG_ID));
    });
}

#[test]
fn requests_carry_the_js_sdk_headers() {
    run(async {
        let h = Harness::new().await;
        let pt = h.emulator.project().public_token;
        let bootstrap = h
            .transport
            .last_to(&format!("/sdk/v1/projects/bootstrap/{pt}"))
            .expect("bootstrap fetched at construction");
        assert_eq!(bootstrap.method, Method::Get);
        assert_eq!(
            basic(bootstrap.header("Authorization").unwrap()),
            format!("{pt}:{pt}")
        );
        assert_eq!(bootstrap.header("Content-Type"), Some("application/json"));
        assert_eq!(bootstrap.header("X-SDK-Parent-Host"), Some(ORIGIN));
        let blob: Value = serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(bootstrap.header("X-SDK-Client").unwrap())
                .unwrap(),
        )
        .unwrap();
        assert!(blob["event_id"].as_str().unwrap().starts_with("event-id-"));
        assert!(
            blob["app_session_id"]
                .as_str()
                .unwrap()
                .starts_with("app-session-id-")
        );
        assert_eq!(blob["app"]["identifier"], json!("127.0.0.1"));
        assert!(
            blob.get("stytch_member_id").is_none(),
            "no member fields without state"
        );

        let resp = h.login("admin@example.com").await;
        let send = h
            .transport
            .last_to("/sdk/v1/b2b/magic_links/email/login_or_signup")
            .unwrap();
        let body: Value = serde_json::from_str(send.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"email_address": "admin@example.com", "organization_id": ORG_ID}),
            "optional fields are omitted, never null"
        );

        h.client.self_().get().await.unwrap();
        let me = h
            .transport
            .last_to("/sdk/v1/b2b/organizations/members/me")
            .unwrap();
        assert_eq!(
            basic(me.header("Authorization").unwrap()),
            format!("{pt}:{}", resp.session_token)
        );
        assert!(me.body.is_none(), "GET sends no body");
        let blob: Value = serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(me.header("X-SDK-Client").unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(blob["stytch_member_id"], json!(resp.member_id));
    });
}

#[test]
fn login_or_signup_errors_are_typed() {
    run(async {
        let h = Harness::new().await;
        let ml = h.client.magic_links().email();
        let req = |email: &str, org: &str| EmailLoginOrSignupRequest {
            email_address: email.into(),
            organization_id: org.into(),
            ..Default::default()
        };
        let e = ml
            .login_or_signup(req("not-an-email", ORG_ID))
            .await
            .unwrap_err();
        assert_eq!(api_error_of(&e), (400, "invalid_email".into()));
        let e = ml
            .login_or_signup(req(
                "a@example.com",
                "organization-test-00000000-0000-4000-8000-00000000dead",
            ))
            .await
            .unwrap_err();
        assert_eq!(api_error_of(&e).1, "organization_not_found");
        // Globex does not allow JIT provisioning: a stranger cannot sign up.
        let e = ml
            .login_or_signup(req("eve@globex.test", OTHER_ORG_ID))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.error_type(),
                Some(
                    ErrorType::EmailJitProvisioningNotAllowed
                        | ErrorType::InvalidEmailForJitProvisioning
                )
            ),
            "{e:?}"
        );
        // A new member of an allowed domain is created pending.
        let resp = ml
            .login_or_signup(req("new@example.com", ORG_ID))
            .await
            .unwrap();
        assert_eq!(resp.member_created, Some(true));
        assert_eq!(resp.member.status, "pending");
        assert!(
            h.client.session().get_sync().is_none(),
            "sending a link changes no state"
        );
    });
}

#[test]
fn magic_link_tokens_are_single_use_and_unknown_tokens_fail() {
    run(async {
        let h = Harness::new().await;
        let token = h.magic_link_token("admin@example.com", ORG_ID).await;
        let ml = h.client.magic_links();
        let auth = |t: String| {
            ml.authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: t,
                ..Default::default()
            })
        };
        auth(token.clone()).await.expect("first use works");
        let e = auth(token).await.unwrap_err();
        assert_eq!(api_error_of(&e), (401, "unable_to_auth_magic_link".into()));
        let e = auth("x".repeat(44)).await.unwrap_err();
        assert_eq!(api_error_of(&e).1, "magic_link_not_found");
    });
}

#[test]
fn session_authenticate_refreshes_and_extends() {
    run(async {
        let h = Harness::new().await;
        let first = h.login("admin@example.com").await;
        let resp = h
            .client
            .session()
            .authenticate(Some(SessionAuthenticateOptions {
                session_duration_minutes: Some(120),
            }))
            .await
            .unwrap();
        let s = resp.member_session.unwrap();
        assert_eq!(
            s.member_session_id,
            first.member_session.unwrap().member_session_id
        );
        let body = h
            .transport
            .last_to("/sdk/v1/b2b/sessions/authenticate")
            .unwrap()
            .body
            .unwrap();
        assert_eq!(body, r#"{"session_duration_minutes":120}"#);
        // Without options the body is `{}`.
        h.client.session().authenticate(None).await.unwrap();
        let body = h
            .transport
            .last_to("/sdk/v1/b2b/sessions/authenticate")
            .unwrap()
            .body
            .unwrap();
        assert_eq!(body, "{}");
    });
}

#[test]
fn revoke_ends_the_session_everywhere() {
    run(async {
        let h = Harness::new().await;
        let resp = h.login("admin@example.com").await;
        let changes = Arc::new(Mutex::new(Vec::new()));
        let c = changes.clone();
        let _unsub = h
            .client
            .session()
            .on_change(move |s| c.lock().unwrap().push(s.is_some()));
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap();
        assert_eq!(
            *changes.lock().unwrap(),
            vec![false],
            "one notification: logged out"
        );
        assert!(h.client.session().get_sync().is_none());
        assert!(h.client.session().get_tokens().is_none());
        assert!(
            h.store.cookie_names().is_empty(),
            "{:?}",
            h.store.cookie_names()
        );
        let pt = h.emulator.project().public_token;
        assert_eq!(
            h.store
                .get_item(&format!("{STATE_KEY_PREFIX}{pt}"))
                .as_deref(),
            Some("null")
        );

        // The server forgot it too: the old token no longer authenticates at the backend API.
        let (status, body) = h
            .call(
                Method::Post,
                "/v1/b2b/sessions/authenticate",
                Some(h.backend_auth()),
                Some(json!({"session_token": resp.session_token})),
            )
            .await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["error_type"], json!("session_not_found"));
    });
}

#[test]
fn calls_without_a_session_fail_with_unrecoverable_types() {
    run(async {
        let h = Harness::new().await;
        let e = h.client.self_().get().await.unwrap_err();
        assert!(e.is_unrecoverable(), "{e:?}");
        let e = h.client.organization().get().await.unwrap_err();
        assert!(e.is_unrecoverable(), "{e:?}");
        let e = h.client.session().authenticate(None).await.unwrap_err();
        assert!(e.is_unrecoverable(), "{e:?}");
        let e = h
            .client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap_err();
        assert!(e.is_unrecoverable(), "{e:?}");
    });
}

#[test]
fn revoke_keeps_state_on_a_network_error_unless_forced() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        h.transport.set_offline(true);
        let e = h
            .client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(e, StytchError::Unreachable { .. }));
        assert!(
            h.client.session().get_sync().is_some(),
            "a blip does not log out"
        );
        h.client
            .session()
            .revoke(RevokeOptions { force_clear: true })
            .await
            .unwrap_err();
        assert!(h.client.session().get_sync().is_none());
        assert!(h.client.session().get_tokens().is_none());
    });
}

#[test]
fn organization_and_self_get_update_state() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let org = h.client.organization().get().await.unwrap();
        assert_eq!(org.organization_id, ORG_ID);
        assert_eq!(org.organization_name, "Acme");
        let member = h.client.self_().get().await.unwrap();
        assert_eq!(member.email_address, "admin@example.com");
        assert_eq!(member.name, "Ada Admin");
        assert!(member.is_admin);
        assert_eq!(h.client.self_().get_info().member, Some(member));
    });
}

#[test]
fn reload_restores_from_cache_then_authenticates() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let before = h.transport.count("/sdk/v1/b2b/sessions/authenticate");
        let reloaded = h.reload().await;
        // Served from cache at once.
        let info = reloaded.session().get_info();
        assert!(info.session.is_some());
        assert!(info.from_cache);
        assert!(!reloaded.snapshot().is_initialized);
        settle().await;
        assert_eq!(
            h.transport.count("/sdk/v1/b2b/sessions/authenticate"),
            before + 1,
            "one authenticate on load"
        );
        let info = reloaded.session().get_info();
        assert!(info.session.is_some());
        assert!(!info.from_cache, "the first write clears from_cache");
        assert!(reloaded.snapshot().is_initialized);
    });
}

#[test]
fn reload_without_a_session_cookie_destroys_the_cache() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        h.store.cookies.lock().unwrap().clear();
        // Stytch's own host (no custom base URL): without a readable cookie there can be no session, so
        // the cache is dropped at once, like the JS SDK does, with no request. (With a custom base URL the
        // server is asked instead: see session_lifecycle.rs.)
        let reloaded = leptos_stytch::StytchB2BClient::with_platform(
            h.emulator.project().public_token,
            StytchB2BOptions::default(),
            h.transport.clone(),
            h.store.clone(),
            h.runtime.clone(),
        );
        assert_eq!(reloaded.base_url(), "https://test.stytch.com");
        assert!(reloaded.session().get_sync().is_none());
        assert!(reloaded.snapshot().is_initialized);
        settle().await;
        assert_eq!(h.transport.count("/sdk/v1/b2b/sessions/authenticate"), 0);
    });
}

#[test]
fn reload_after_server_side_revoke_logs_out() {
    run(async {
        let h = Harness::new().await;
        let resp = h.login("admin@example.com").await;
        let (status, _) = h
            .call(
                Method::Post,
                "/v1/b2b/sessions/revoke",
                Some(h.backend_auth()),
                Some(json!({"member_session_id": resp.member_session.unwrap().member_session_id})),
            )
            .await;
        assert_eq!(status, 200);
        let reloaded = h.reload().await;
        settle().await;
        assert!(reloaded.session().get_sync().is_none());
        assert!(reloaded.session().get_tokens().is_none());
        assert!(reloaded.snapshot().is_initialized);
    });
}

#[test]
fn refresh_runs_every_three_minutes_and_retries_with_backoff() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let path = "/sdk/v1/b2b/sessions/authenticate";
        assert_eq!(h.transport.count(path), 0);
        h.runtime.advance(179_000).await;
        assert_eq!(h.transport.count(path), 0, "not before 3 minutes");
        h.runtime.advance(1_000).await;
        assert_eq!(h.transport.count(path), 1, "refreshed at 3 minutes");
        assert_eq!(
            h.transport.last_to(path).unwrap().body.as_deref(),
            Some("{}")
        );
        h.runtime.advance(180_000).await;
        assert_eq!(h.transport.count(path), 2);

        // Offline: retried after 4 s (± 175 ms), then 8 s; the session is kept.
        h.transport.set_offline(true);
        h.runtime.advance(180_000).await;
        assert_eq!(h.transport.count(path), 3);
        h.runtime.advance(3_800).await;
        assert_eq!(h.transport.count(path), 3, "not before 4 s - jitter");
        h.runtime.advance(400).await;
        assert_eq!(h.transport.count(path), 4, "retried after ~4 s");
        h.runtime.advance(8_200).await;
        assert_eq!(h.transport.count(path), 5, "then after ~8 s");
        assert!(h.client.session().get_sync().is_some());

        // Back online: the next retry succeeds and the 3-minute rhythm resumes.
        h.transport.set_offline(false);
        h.runtime.advance(16_200).await;
        assert_eq!(h.transport.count(path), 6);
        assert!(h.client.session().get_sync().is_some());
        h.runtime.advance(180_000).await;
        assert_eq!(h.transport.count(path), 7);
    });
}

#[test]
fn refresh_logs_out_on_an_unrecoverable_error_only() {
    run(async {
        let h = Harness::new().await;
        let resp = h.login("admin@example.com").await;
        h.call(
            Method::Post,
            "/v1/b2b/sessions/revoke",
            Some(h.backend_auth()),
            Some(json!({"session_token": resp.session_token})),
        )
        .await;
        h.runtime.advance(180_000).await;
        assert!(h.client.session().get_sync().is_none());
        assert!(h.client.session().get_tokens().is_none());
        // No more timers: nothing is sent later.
        let n = h.transport.requests().len();
        h.runtime.advance(600_000).await;
        assert_eq!(h.transport.requests().len(), n);
    });
}

#[test]
fn keep_session_alive_resends_the_last_duration() {
    run(async {
        let seedless = StytchB2BOptions {
            keep_session_alive: true,
            ..Default::default()
        };
        let h = Harness::with_seed(seed(), seedless).await;
        h.login("admin@example.com").await;
        h.client
            .session()
            .authenticate(Some(SessionAuthenticateOptions {
                session_duration_minutes: Some(90),
            }))
            .await
            .unwrap();
        h.runtime.advance(180_000).await;
        let body = h
            .transport
            .last_to("/sdk/v1/b2b/sessions/authenticate")
            .unwrap()
            .body
            .unwrap();
        assert_eq!(body, r#"{"session_duration_minutes":90}"#);
    });
}

#[test]
fn update_session_writes_cookies_and_authenticate_loads_state() {
    run(async {
        let h = Harness::new().await;
        let resp = h.login("admin@example.com").await;
        // A second "browser" that gets the tokens from elsewhere (e.g. the app's backend).
        let store = Arc::new(MemoryStore::default());
        let other = Harness::client_on(
            &h.emulator,
            &h.transport,
            &store,
            &h.runtime,
            StytchB2BOptions::default(),
        );
        settle().await;
        other.session().update_session(UpdateSessionOptions {
            session_token: resp.session_token.clone(),
            session_jwt: Some(resp.session_jwt.clone()),
        });
        assert!(
            other.session().get_sync().is_none(),
            "update_session sets no state"
        );
        assert_eq!(
            other.session().get_tokens().unwrap().session_token,
            resp.session_token
        );
        other.session().authenticate(None).await.unwrap();
        assert_eq!(
            other.self_().get_sync().unwrap().email_address,
            "admin@example.com"
        );
    });
}

#[test]
fn pkce_is_sent_and_checked_when_the_project_requires_it() {
    run(async {
        let mut s = seed();
        s.pkce_required_for_email_magic_links = true;
        let h = Harness::with_seed(s, StytchB2BOptions::default()).await;
        let pt = h.emulator.project().public_token;
        let key = format!("{STATE_KEY_PREFIX}{pt}::PKCE_VERIFIER:magic_links");

        let token = h.magic_link_token("admin@example.com", ORG_ID).await;
        let send = h
            .transport
            .last_to("/sdk/v1/b2b/magic_links/email/login_or_signup")
            .unwrap();
        let body: Value = serde_json::from_str(send.body.as_deref().unwrap()).unwrap();
        let stored: Value = serde_json::from_str(&h.store.get_item(&key).unwrap()).unwrap();
        assert_eq!(body["pkce_code_challenge"], stored["code_challenge"]);
        let verifier = stored["code_verifier"].as_str().unwrap();
        assert!((32..=128).contains(&verifier.len()));
        assert!(
            verifier
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );

        h.client
            .magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("matching verifier");
        let auth = h
            .transport
            .last_to("/sdk/v1/b2b/magic_links/authenticate")
            .unwrap();
        let body: Value = serde_json::from_str(auth.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["pkce_code_verifier"], json!(verifier));
        assert!(
            h.store.get_item(&key).is_none(),
            "the pair is cleared after use"
        );

        // A tampered verifier is refused.
        let token = h.magic_link_token("admin@example.com", ORG_ID).await;
        h.store.set_item(
            &key,
            &json!({"code_challenge": "x", "code_verifier": "0".repeat(64)}).to_string(),
        );
        let e = h
            .client
            .magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(api_error_of(&e).1, "pkce_mismatch");
    });
}

#[test]
fn cookies_are_secure_off_localhost_and_honour_cookie_options() {
    run(async {
        let emulator = stytch_emulator::Emulator::in_memory(seed()).unwrap();
        let transport = InProcessTransport::new(emulator.router());
        let store = Arc::new(MemoryStore::default());
        let runtime = ManualRuntime::with_hostname("app.example.com");
        let options = StytchB2BOptions {
            cookie_options: leptos_stytch::CookieOptions {
                opaque_token_cookie_name: Some("my_session".into()),
                jwt_cookie_name: Some("my_jwt".into()),
                available_to_subdomains: true,
                domain: Some("example.com".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let client = Harness::client_on(&emulator, &transport, &store, &runtime, options);
        settle().await;
        let h = Harness {
            emulator,
            transport,
            store,
            runtime,
            client,
        };
        h.login("admin@example.com").await;
        let c = h.store.cookie_spec("my_session").expect("custom name");
        assert!(c.secure);
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert!(h.store.cookie_spec("my_jwt").is_some());
        assert!(h.store.cookie_spec("stytch_session").is_none());
        assert!(h.client.session().get_tokens().is_some());
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap();
        assert!(
            h.store.cookie_names().is_empty(),
            "{:?}",
            h.store.cookie_names()
        );
    });
}

#[test]
fn the_backend_api_accepts_the_session_jwt() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        let tokens = h.client.session().get_tokens().unwrap();
        let (status, body) = h
            .call(
                Method::Post,
                "/v1/b2b/sessions/authenticate",
                Some(h.backend_auth()),
                Some(json!({"session_jwt": tokens.session_jwt})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["member"]["email_address"], json!("admin@example.com"));
    });
}
