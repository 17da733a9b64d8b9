//! How an app tests its own auth with `stytch_emulator::testing`, and nothing else of the emulator:
//! start one on a free port, sign a member in with one line, hand the session to the app's code,
//! read the mailbox, reset. `my_app` stands for the app's own code (a backend that checks sessions
//! with Stytch's backend API, and a login form that asks for a magic link); it talks HTTP to
//! whatever Stytch URL it is configured with, as it would in production.

use stytch_emulator::ErrorType;
use stytch_emulator::testing::{SignIn, TestEmulator};

/// The app under test. It knows only a Stytch base URL and credentials.
mod my_app {
    use axum::body::Bytes;
    use axum::http::{Method, Request, header};
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use http_body_util::{BodyExt, Full};
    use hyper_util::rt::TokioIo;
    use serde_json::{Value, json};

    pub struct Stytch {
        pub base_url: String,
        pub project_id: String,
        pub secret: String,
        pub public_token: String,
    }

    async fn post(url: &str, auth: (&str, &str), body: Value) -> Result<(u16, Value), String> {
        let uri: axum::http::Uri = url.parse().map_err(|e| format!("{e}"))?;
        let authority = uri.authority().ok_or("no authority")?.to_string();
        let stream = tokio::net::TcpStream::connect(&authority)
            .await
            .map_err(|e| e.to_string())?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        let basic = STANDARD.encode(format!("{}:{}", auth.0, auth.1));
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri.path())
            .header(header::HOST, authority)
            .header(header::AUTHORIZATION, format!("Basic {basic}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| e.to_string())?;
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((
            status,
            serde_json::from_slice(&bytes).map_err(|e| e.to_string())?,
        ))
    }

    impl Stytch {
        /// The backend's "who is this request from?": Stytch's `sessions/authenticate`.
        pub async fn current_member_email(&self, session_token: &str) -> Result<String, String> {
            let (status, body) = post(
                &format!("{}/v1/b2b/sessions/authenticate", self.base_url),
                (&self.project_id, &self.secret),
                json!({ "session_token": session_token }),
            )
            .await?;
            match (status, body["member"]["email_address"].as_str()) {
                (200, Some(email)) => Ok(email.to_owned()),
                _ => Err(format!("{status}: {}", body["error_type"])),
            }
        }

        /// The login form: email a magic link (the SDK's `login_or_signup`).
        pub async fn send_login_link(
            &self,
            organization_id: &str,
            email: &str,
        ) -> Result<(), String> {
            let (status, body) = post(
                &format!(
                    "{}/sdk/v1/b2b/magic_links/email/login_or_signup",
                    self.base_url
                ),
                (&self.public_token, &self.public_token),
                json!({ "organization_id": organization_id, "email_address": email }),
            )
            .await?;
            if status == 200 {
                Ok(())
            } else {
                Err(format!("{status}: {body}"))
            }
        }
    }
}

fn app_for(emu: &TestEmulator) -> my_app::Stytch {
    let project = emu.project();
    my_app::Stytch {
        base_url: emu.url(),
        project_id: project.project_id,
        secret: project.secret,
        public_token: project.public_token,
    }
}

#[tokio::test]
async fn the_backend_recognises_a_member_signed_in_in_one_line() {
    let emu = TestEmulator::start().expect("emulator");
    let app = app_for(&emu);

    let session = emu.sign_in("acme", "admin@example.com").expect("session");

    assert_eq!(
        app.current_member_email(&session.session_token).await,
        Ok("admin@example.com".to_owned())
    );
    assert!(
        app.current_member_email("not-a-session").await.is_err(),
        "the app's check is real: a made-up token is refused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_form_sends_a_link_the_test_can_read() {
    let emu = TestEmulator::start().expect("emulator");
    let app = app_for(&emu);
    let org_id = emu
        .sign_in("acme", "admin@example.com")
        .expect("session")
        .organization_id;

    app.send_login_link(&org_id, "newcomer@example.com")
        .await
        .expect("link sent");

    let messages = emu.messages("Newcomer@Example.com").expect("mailbox");
    assert_eq!(messages.len(), 1);
    let link = messages[0].link.as_deref().expect("a link");
    let token = messages[0].token.as_deref().expect("a token");
    assert!(link.contains(token), "{link}");
    assert!(
        emu.messages("someone-else@example.com")
            .expect("mailbox")
            .is_empty()
    );
}

/// No runtime at all: the kit brings its own.
#[test]
fn a_plain_test_gets_sessions_roles_and_a_clean_slate() {
    let emu = TestEmulator::start().expect("emulator");

    let viewer = emu
        .sign_in_with(SignIn::email("acme", "viewer@example.com").duration_minutes(10))
        .expect("a new member, by JIT");
    assert!(viewer.member_created);
    assert_eq!(viewer.cookies[0].name, "stytch_session");
    assert_eq!(viewer.cookies[0].value, viewer.session_token);

    let admin = emu
        .sign_in_with(SignIn::member_id("acme", &viewer.member_id).roles(["stytch_admin"]))
        .expect("the same member, now an admin");
    assert_eq!(admin.member_id, viewer.member_id);
    assert_eq!(admin.member["is_admin"], true);

    emu.reset().expect("reset");
    let after = emu
        .sign_in("acme", "viewer@example.com")
        .expect("provisioned again");
    assert!(after.member_created, "reset forgot the member");
    assert_ne!(after.member_id, viewer.member_id);

    let refused = emu
        .sign_in("acme", "someone@elsewhere.test")
        .expect_err("not an allowed domain");
    assert_eq!(
        refused.error_type,
        ErrorType::InvalidEmailForJitProvisioning
    );
    assert_eq!(refused.status_code, 403);

    let health = http_get(&emu.url(), "/emulator/v1/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let url = emu.url();
    drop(emu);
    assert!(
        std::net::TcpStream::connect(url.trim_start_matches("http://")).is_err(),
        "dropping the kit stops the server"
    );
}

/// A bare HTTP/1.1 GET over std's TcpStream (this test has no runtime to run a client on).
fn http_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}
