//! The `ssr` server side: `StytchServer` against the real emulator (its router on a loopback socket, since
//! the backend call is real HTTP), and the request's cookies as the provider reads them.

#![cfg(all(feature = "ssr", not(target_arch = "wasm32")))]

mod support;

/// The README's usage snippet, verbatim (see `the_readme_snippet_is_this_file`).
mod readme_app {
    include!("support/readme_app.rs");

    pub fn app() -> impl IntoView {
        App()
    }
}

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

#[test]
fn the_readme_snippet_is_this_file() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert!(
        readme.contains(&format!(
            "```rust\n{}```",
            include_str!("support/readme_app.rs")
        )),
        "tests/support/readme_app.rs must be the README's usage snippet, verbatim"
    );
}

/// Renders the README's `App` the way leptos_axum does for a request: in order, with the request's parts
/// and a `StytchServer` in context, every resource awaited. On a thread of its own, since it blocks.
fn render_readme_app(server: StytchServer, cookie: Option<&str>) -> String {
    use futures::StreamExt;
    use leptos::prelude::*;

    // As under leptos_axum: tasks on tokio (the backend call is a reqwest request).
    let _ = any_spawner::Executor::init_tokio();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut request = http::Request::builder();
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let (parts, ()) = request.body(()).expect("request").into_parts();
    let owner = Owner::new_root(Some(std::sync::Arc::new(
        hydration_context::SsrSharedContext::new(),
    )));
    owner.with(|| {
        provide_context(server);
        provide_context(parts);
        // Building the view already starts the provider's resource.
        let _entered = runtime.enter();
        runtime.block_on(
            readme_app::app()
                .into_view()
                .to_html_stream_in_order()
                .collect::<String>(),
        )
    })
}

#[test]
fn the_readme_snippet_renders_the_signed_in_member_on_the_server() {
    support::run(async {
        let h = support::Harness::new().await;
        let base = serve(&h.emulator).await;
        let session = sign_in(&h).await;
        // One StytchServer per render: each render runs its own runtime, and a reqwest client's pooled
        // connections belong to the runtime that opened them.
        let render = |cookie: Option<String>| {
            let server = server_for(&base, &h.emulator);
            std::thread::spawn(move || render_readme_app(server, cookie.as_deref()))
        };
        // The renders block their threads; the emulator is served by this runtime's own thread.
        let signed_in = render(Some(format!("stytch_session={}", session.token)));
        let signed_out = render(None);
        let forged = render(Some("stytch_session=forged".to_owned()));
        let wait = |t: std::thread::JoinHandle<String>| async move {
            loop {
                if t.is_finished() {
                    return t.join().expect("render");
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        let html = wait(signed_in).await;
        assert!(html.contains("Hello, admin@example.com"), "{html}");
        // The tokens themselves are never rendered.
        assert!(!html.contains(&session.token), "{html}");
        assert!(!html.contains(&session.jwt), "{html}");
        let html = wait(signed_out).await;
        assert!(html.contains("Please sign in"), "{html}");
        let html = wait(forged).await;
        assert!(html.contains("Please sign in"), "{html}");
    });
}
