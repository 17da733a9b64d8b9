//! The client under a hostile network and careless logging: a request that never answers times out and
//! gives the cross-tab refresh lock back, a dropped bootstrap loader strands no waiter, a transport's
//! error text survives into `StytchError::Unreachable`, and no `Debug` output shows a secret.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;

use leptos_stytch::core::platform::{HttpRequest, HttpResponse, Method};
use leptos_stytch::{
    AuthenticateByUrlResult, AuthenticateResponse, DiscoveryAuthenticateResponse,
    MagicLinksAuthenticateRequest, MagicLinksDiscoveryAuthenticateRequest,
    OtpEmailAuthenticateRequest, OtpEmailDiscoveryAuthenticateRequest, PasswordAuthenticateRequest,
    PasswordDiscoveryAuthenticateRequest, PasswordDiscoveryResetByEmailRequest,
    PasswordResetByEmailRequest, PasswordResetByExistingPasswordRequest,
    PasswordResetBySessionRequest, PasswordStrengthCheckRequest, SessionTokens, StytchB2BClient,
    StytchB2BOptions, StytchError, UpdateSessionOptions,
};
use support::tabs::Browser;
use support::*;

const AUTHENTICATE: &str = "/sdk/v1/b2b/sessions/authenticate";

/// Asserts `shown` (a `{:?}`) has none of `secrets`, says `[redacted]`, and still has `visible`.
fn assert_redacted(shown: &str, secrets: &[&str], visible: &str) {
    for secret in secrets {
        assert!(!shown.contains(secret), "secret {secret:?} in {shown}");
    }
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(shown.contains(visible), "{visible:?} missing from {shown}");
}

#[test]
fn no_debug_output_shows_a_secret() {
    let s = "s3cret-value";
    let s2 = "s3cret-other";
    // Each case: the `{:?}` of a value holding `s` (and `s2`, where it has two secrets), and a
    // non-secret part that must still show.
    let cases: Vec<(String, &str)> = vec![
        (
            format!(
                "{:?}",
                SessionTokens {
                    session_token: s.into(),
                    session_jwt: s2.into(),
                }
            ),
            "SessionTokens",
        ),
        (
            format!(
                "{:?}",
                AuthenticateResponse {
                    request_id: "request-id-1".into(),
                    session_token: s.into(),
                    session_jwt: s2.into(),
                    intermediate_session_token: s.into(),
                    ..Default::default()
                }
            ),
            "request-id-1",
        ),
        (
            format!(
                "{:?}",
                DiscoveryAuthenticateResponse {
                    intermediate_session_token: s.into(),
                    email_address: "ada@example.com".into(),
                    ..Default::default()
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                UpdateSessionOptions {
                    session_token: s.into(),
                    session_jwt: Some(s2.into()),
                }
            ),
            "Some([redacted])",
        ),
        (
            format!(
                "{:?}",
                MagicLinksAuthenticateRequest {
                    magic_links_token: s.into(),
                    ..Default::default()
                }
            ),
            "session_duration_minutes: 60",
        ),
        (
            format!(
                "{:?}",
                MagicLinksDiscoveryAuthenticateRequest {
                    discovery_magic_links_token: s.into(),
                }
            ),
            "discovery_magic_links_token",
        ),
        (
            format!(
                "{:?}",
                OtpEmailAuthenticateRequest {
                    code: s.into(),
                    email_address: "ada@example.com".into(),
                    ..Default::default()
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                OtpEmailDiscoveryAuthenticateRequest {
                    code: s.into(),
                    email_address: "ada@example.com".into(),
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                PasswordAuthenticateRequest {
                    password: s.into(),
                    email_address: "ada@example.com".into(),
                    ..Default::default()
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                PasswordResetByEmailRequest {
                    password_reset_token: s.into(),
                    password: s2.into(),
                    ..Default::default()
                }
            ),
            "session_duration_minutes: 60",
        ),
        (
            format!(
                "{:?}",
                PasswordResetByExistingPasswordRequest {
                    existing_password: s.into(),
                    new_password: s2.into(),
                    email_address: "ada@example.com".into(),
                    ..Default::default()
                }
            ),
            "ada@example.com",
        ),
        (
            format!("{:?}", PasswordResetBySessionRequest { password: s.into() }),
            "PasswordResetBySessionRequest",
        ),
        (
            format!(
                "{:?}",
                PasswordStrengthCheckRequest {
                    password: s.into(),
                    email_address: Some("ada@example.com".into()),
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                PasswordDiscoveryAuthenticateRequest {
                    email_address: "ada@example.com".into(),
                    password: s.into(),
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                PasswordDiscoveryResetByEmailRequest {
                    password_reset_token: s.into(),
                    password: s2.into(),
                }
            ),
            "PasswordDiscoveryResetByEmailRequest",
        ),
        (
            format!(
                "{:?}",
                AuthenticateByUrlResult::NotHandled {
                    token_type: "multi_tenant_passwords".into(),
                    token: s.into(),
                }
            ),
            "multi_tenant_passwords",
        ),
        (
            format!(
                "{:?}",
                HttpRequest {
                    method: Method::Post,
                    url: "http://api.test/sdk/v1/b2b/passwords/authenticate".into(),
                    headers: vec![
                        ("Authorization".into(), format!("Basic {s}")),
                        ("Cookie".into(), format!("stytch_session={s2}")),
                        ("Content-Type".into(), "application/json".into()),
                    ],
                    body: Some(format!(
                        r#"{{"password":"{s}","email_address":"ada@example.com"}}"#
                    )),
                }
            ),
            "ada@example.com",
        ),
        (
            format!(
                "{:?}",
                HttpResponse {
                    status: 200,
                    content_type: Some("application/json".into()),
                    body: format!(
                        r#"{{"data":{{"session_token":"{s}","session_jwt":"{s2}","member_id":"member-1"}}}}"#
                    ),
                }
            ),
            "member-1",
        ),
    ];
    for (shown, visible) in cases {
        assert_redacted(&shown, &[s, s2], visible);
    }
}

#[test]
fn a_real_login_leaves_no_token_in_any_debug_output() {
    run(async {
        let h = Harness::new().await;
        let response = h.login("admin@example.com").await;
        let tokens = h.client.session().get_tokens().expect("readable cookies");
        assert!(!tokens.session_token.is_empty() && !tokens.session_jwt.is_empty());
        let request = h
            .transport
            .last_to("/sdk/v1/b2b/magic_links/authenticate")
            .expect("sent");
        let magic_links_token =
            serde_json::from_str::<serde_json::Value>(request.body.as_deref().expect("a body"))
                .expect("JSON body")["magic_links_token"]
                .as_str()
                .expect("the token was sent")
                .to_owned();
        // A call made with the session: its Authorization header carries the session token.
        h.client.session().authenticate(None).await.expect("valid");
        let with_session = h.transport.last_to(AUTHENTICATE).expect("sent");
        let authorization = with_session
            .header("Authorization")
            .expect("Basic auth")
            .to_owned();
        let answer = send_raw(&h.emulator.router(), with_session.clone())
            .await
            .expect("in-process");
        assert_eq!(answer.status, 200);
        assert!(
            answer.body.contains(&tokens.session_token),
            "the answer holds the token"
        );
        let fresh_jwt = serde_json::from_str::<serde_json::Value>(&answer.body).expect("JSON")
            ["data"]["session_jwt"]
            .as_str()
            .expect("a JWT")
            .to_owned();
        let secrets = [
            tokens.session_token.as_str(),
            tokens.session_jwt.as_str(),
            fresh_jwt.as_str(),
            magic_links_token.as_str(),
            authorization.trim_start_matches("Basic "),
        ];
        let shown = [
            format!("{response:?}"),
            format!("{tokens:?}"),
            format!("{request:?}"),
            format!("{with_session:?}"),
            format!("{answer:?}"),
            format!("{:?}", h.client),
            format!("{:?}", h.client.snapshot()),
        ];
        for text in &shown {
            for secret in secrets {
                assert!(!text.contains(secret), "a secret in {text}");
            }
        }
        assert!(shown[0].contains(&response.member_id), "{}", shown[0]);
    });
}

/// Polls `future` once, so that it starts (and here: becomes the bootstrap's loader) before any task.
async fn poll_once<F: Future + Unpin>(future: &mut F) {
    std::future::poll_fn(|cx| {
        let _ = std::pin::Pin::new(&mut *future).poll(cx);
        Poll::Ready(())
    })
    .await;
}

#[test]
fn a_dropped_bootstrap_loader_does_not_strand_its_waiters() {
    run(async {
        let emulator = stytch_emulator::Emulator::in_memory(seed()).expect("emulator starts");
        let transport = InProcessTransport::new(emulator.router());
        let runtime = ManualRuntime::new();
        let public_token = emulator.project().public_token;
        let bootstrap_path = format!("/sdk/v1/projects/bootstrap/{public_token}");
        let release = transport.hold(&bootstrap_path);
        let client = StytchB2BClient::with_platform(
            public_token,
            StytchB2BOptions {
                base_url: Some(BASE_URL.to_owned()),
                ..Default::default()
            },
            transport.clone(),
            Arc::new(MemoryStore::default()),
            runtime.clone(),
        );
        // Ours starts before the constructor's own task runs, so ours is the loader, stuck on the network.
        let mut loader = Box::pin(client.bootstrap_config());
        poll_once(&mut loader).await;
        assert_eq!(transport.count(&bootstrap_path), 1);
        let waiter = {
            let client = client.clone();
            tokio::task::spawn_local(async move { client.bootstrap_config().await })
        };
        settle().await;
        assert!(!waiter.is_finished(), "waiting for the loader");

        // The loader is cancelled mid-fetch (its task dropped, its component unmounted).
        drop(loader);
        drop(release);
        settle().await;
        assert!(waiter.is_finished(), "a waiter took over the fetch");
        let bootstrap = waiter.await.expect("the task ran");
        assert!(
            bootstrap.rbac_policy.is_some(),
            "the project's real bootstrap, not the fallback: {bootstrap:?}"
        );
        assert_eq!(transport.count(&bootstrap_path), 2, "fetched once more");
        assert_eq!(client.bootstrap_config().await, bootstrap);
        assert_eq!(
            transport.count(&bootstrap_path),
            2,
            "then shared, not refetched"
        );
    });
}

fn unreachable_message(result: Result<impl std::fmt::Debug, StytchError>) -> String {
    match result {
        Err(StytchError::Unreachable { message }) => message,
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[test]
fn a_request_that_never_answers_fails_as_unreachable_after_the_timeout() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        // The network swallows the request: no answer, no error, ever (the sender is kept).
        let _never = h.transport.hold(AUTHENTICATE);
        let client = h.client.clone();
        let call =
            tokio::task::spawn_local(async move { client.session().authenticate(None).await });
        settle().await;
        h.runtime.advance(29_999).await;
        assert!(!call.is_finished(), "still inside the default 30 s");
        h.runtime.advance(1).await;
        assert!(call.is_finished(), "given up at 30 s");
        let message = unreachable_message(call.await.expect("the task ran"));
        assert!(message.contains("timed out"), "{message}");
        assert!(message.contains("/b2b/sessions/authenticate"), "{message}");
        assert!(
            h.client.session().get_sync().is_some(),
            "a timeout is a network failure: the session stays"
        );
    });
}

#[test]
fn the_timeout_is_configurable() {
    run(async {
        let h = Harness::with_seed(
            seed(),
            StytchB2BOptions {
                request_timeout: Some(std::time::Duration::from_secs(2)),
                ..Default::default()
            },
        )
        .await;
        h.login("admin@example.com").await;
        let _never = h.transport.hold(AUTHENTICATE);
        let client = h.client.clone();
        let call =
            tokio::task::spawn_local(async move { client.session().authenticate(None).await });
        settle().await;
        h.runtime.advance(1_999).await;
        assert!(!call.is_finished());
        h.runtime.advance(1).await;
        let message = unreachable_message(call.await.expect("the task ran"));
        assert!(message.contains("timed out"), "{message}");
    });
}

#[test]
fn a_hung_refresh_gives_the_cross_tab_lock_back_so_the_next_refresh_runs() {
    run(async {
        let emulator = stytch_emulator::Emulator::in_memory(seed()).expect("emulator starts");
        let transport = InProcessTransport::new(emulator.router());
        let runtime = ManualRuntime::new();
        let browser = Browser::new();
        let open = || {
            StytchB2BClient::with_platform(
                emulator.project().public_token,
                StytchB2BOptions {
                    base_url: Some(BASE_URL.to_owned()),
                    ..Default::default()
                },
                transport.clone(),
                browser.tab(),
                runtime.clone(),
            )
        };
        let (a, b) = (open(), open());
        settle().await;
        let token = {
            a.magic_links()
                .email()
                .login_or_signup(leptos_stytch::EmailLoginOrSignupRequest {
                    email_address: "admin@example.com".to_owned(),
                    organization_id: ORG_ID.to_owned(),
                    ..Default::default()
                })
                .await
                .expect("login_or_signup");
            let inbox = send_raw(
                &emulator.router(),
                HttpRequest {
                    method: Method::Get,
                    url: format!("{BASE_URL}/emulator/v1/messages?to=admin@example.com"),
                    headers: vec![],
                    body: None,
                },
            )
            .await
            .expect("control API");
            let inbox: serde_json::Value = serde_json::from_str(&inbox.body).expect("JSON");
            inbox["messages"][0]["token"]
                .as_str()
                .expect("a token")
                .to_owned()
        };
        a.magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("logged in");
        settle().await;
        let jwt_before = b
            .session()
            .get_tokens()
            .expect("shared cookies")
            .session_jwt;

        // The first refresh of the interval hangs while holding the lock; the other tab queues behind it.
        let _never = transport.hold(AUTHENTICATE);
        runtime.advance(180_000).await;
        assert_eq!(transport.count(AUTHENTICATE), 1);
        runtime.advance(29_000).await;
        assert_eq!(
            transport.count(AUTHENTICATE),
            1,
            "the other tab waits for the lock"
        );

        // The hung request times out, the lock is released, and the waiting tab refreshes.
        emulator.advance_clock(std::time::Duration::from_secs(210));
        runtime.advance(1_000).await;
        assert_eq!(transport.count(AUTHENTICATE), 2, "the next refresh ran");
        for tab in [&a, &b] {
            assert!(tab.session().get_sync().is_some());
            let jwt = tab.session().get_tokens().expect("tokens").session_jwt;
            assert_ne!(jwt, jwt_before, "a fresh JWT reached every tab");
        }
        // And no tab is stuck: the next interval refreshes once more.
        runtime.advance(180_000).await;
        assert_eq!(transport.count(AUTHENTICATE), 3);
    });
}

#[test]
fn the_transport_error_text_is_kept_in_unreachable() {
    run(async {
        let h = Harness::new().await;
        h.login("admin@example.com").await;
        // The test transport fails like a browser's fetch does: `Failed to fetch`.
        h.transport.set_offline(true);
        let error = h
            .client
            .session()
            .authenticate(None)
            .await
            .expect_err("offline");
        let message = unreachable_message(Err::<(), _>(error.clone()));
        assert!(message.contains("Failed to fetch"), "{message}");
        assert!(
            message.contains("POST /b2b/sessions/authenticate"),
            "{message}"
        );
        assert!(error.to_string().contains("Failed to fetch"), "{error}");
    });
}
