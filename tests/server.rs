//! The `ssr` server side: `StytchServer` against the real emulator (its router on a loopback socket, since
//! the backend call is real HTTP), and the request's cookies as the provider reads them.

#![cfg(all(feature = "ssr", not(target_arch = "wasm32")))]

mod support;

use leptos_stytch::server::{StytchServer, request_session_tokens};
use leptos_stytch::{CookieOptions, StytchError};
use stytch_emulator::Emulator;

/// The emulator on a loopback port; the server task lives as long as the test's runtime.
async fn serve(emulator: &Emulator) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = emulator.router();
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    format!("http://{addr}")
}

struct Session {
    token: String,
    jwt: String,
    id: String,
}

/// Signs admin@example.com in with a magic link, as the browser's client would (sessions last 60 minutes).
async fn sign_in(h: &support::Harness) -> Session {
    let resp = h.login("admin@example.com").await;
    Session {
        token: resp.session_token,
        jwt: resp.session_jwt,
        id: resp.member_session.expect("a session").member_session_id,
    }
}

fn server_for(base: &str, emulator: &Emulator) -> StytchServer {
    let p = emulator.project();
    StytchServer::with_base_url(p.project_id, p.secret, base)
}

#[test]
fn a_valid_token_or_jwt_resolves_the_member_organization_and_session() {
    support::run(async {
        let h = support::Harness::new().await;
        let emulator = &h.emulator;
        let base = serve(emulator).await;
        let session = sign_in(&h).await;
        let server = server_for(&base, emulator);

        let by_token = server
            .authenticate(Some(&session.token), None)
            .await
            .expect("answer")
            .expect("a session");
        assert_eq!(by_token.member.email_address, "admin@example.com");
        assert_eq!(by_token.organization.organization_id, support::ORG_ID);
        assert_eq!(by_token.session.member_session_id, session.id);

        let by_jwt = server
            .authenticate(None, Some(&session.jwt))
            .await
            .expect("answer")
            .expect("a session");
        assert_eq!(by_jwt.session.member_session_id, session.id);
        assert_eq!(by_jwt.member, by_token.member);
    });
}

#[test]
fn no_forged_revoked_or_expired_session_is_signed_out() {
    support::run(async {
        let h = support::Harness::new().await;
        let emulator = &h.emulator;
        let base = serve(emulator).await;
        let server = server_for(&base, emulator);

        assert_eq!(server.authenticate(None, None).await.expect("answer"), None);
        let forged = server
            .authenticate(
                Some("forged-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                None,
            )
            .await;
        assert_eq!(forged.expect("an answer, not an error"), None);
        let forged_jwt = server.authenticate(None, Some("not.a.jwt")).await;
        assert_eq!(forged_jwt.expect("an answer, not an error"), None);

        let revoked = sign_in(&h).await;
        let p = emulator.project();
        let resp = reqwest::Client::new()
            .post(format!("{base}/v1/b2b/sessions/revoke"))
            .basic_auth(&p.project_id, Some(&p.secret))
            .header("Content-Type", "application/json")
            .body(serde_json::json!({"member_session_id": revoked.id}).to_string())
            .send()
            .await
            .expect("revoke");
        assert!(resp.status().is_success());
        assert_eq!(
            server
                .authenticate(Some(&revoked.token), None)
                .await
                .expect("answer"),
            None
        );

        let expiring = sign_in(&h).await;
        assert!(
            server
                .authenticate(Some(&expiring.token), None)
                .await
                .expect("answer")
                .is_some()
        );
        emulator.advance_clock(std::time::Duration::from_secs(61 * 60));
        assert_eq!(
            server
                .authenticate(Some(&expiring.token), None)
                .await
                .expect("answer"),
            None
        );
    });
}

#[test]
fn no_answer_is_an_error_never_a_logout() {
    support::run(async {
        let h = support::Harness::new().await;
        let emulator = &h.emulator;
        let base = serve(emulator).await;
        let session = sign_in(&h).await;

        // This server's own credentials refused: an error, not "signed out".
        let wrong =
            StytchServer::with_base_url(emulator.project().project_id, "wrong-secret", &base);
        match wrong.authenticate(Some(&session.token), None).await {
            Err(StytchError::Api { status_code, .. }) => assert_eq!(status_code, 401),
            other => panic!("expected a 401 error, got {other:?}"),
        }

        // Nothing listening.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let closed = format!("http://{}", listener.local_addr().expect("addr"));
        drop(listener);
        let unreachable = server_for(&closed, emulator);
        assert!(matches!(
            unreachable.authenticate(Some(&session.token), None).await,
            Err(StytchError::Unreachable { .. })
        ));
    });
}

#[test]
fn the_session_cookies_are_read_from_the_request() {
    let request = http::Request::builder()
        .header("Cookie", "theme=dark; stytch_session=tok%2Ben; other=1")
        .header("Cookie", "stytch_session_jwt=a.b.c")
        .body(())
        .expect("request");
    let (parts, ()) = request.into_parts();
    assert_eq!(
        request_session_tokens(&parts, &CookieOptions::default()),
        (Some("tok+en".to_owned()), Some("a.b.c".to_owned()))
    );

    let custom = CookieOptions {
        opaque_token_cookie_name: Some("my_session".into()),
        jwt_cookie_name: Some("my_jwt".into()),
        ..Default::default()
    };
    assert_eq!(request_session_tokens(&parts, &custom), (None, None));

    let (empty, ()) = http::Request::builder()
        .header("Cookie", "stytch_session=; my_session=x")
        .body(())
        .expect("request")
        .into_parts();
    assert_eq!(
        request_session_tokens(&empty, &custom),
        (Some("x".to_owned()), None)
    );
    assert_eq!(
        request_session_tokens(&empty, &CookieOptions::default()),
        (None, None)
    );
}
