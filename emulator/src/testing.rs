//! A test kit for apps: an emulator on a free loopback port, and a member signed in with one
//! call.
//!
//! [`TestEmulator`] owns its server: a thread of its own runs a tokio runtime that serves the
//! emulator on `127.0.0.1:<free port>`, so it works the same from a plain `#[test]` (no runtime) as
//! from `#[tokio::test]` of either flavor; the caller's runtime is never used. State is in memory
//! and private to each `TestEmulator`, so tests can run in parallel. Dropping it stops the server
//! and frees the port.
//!
//! ```
//! use stytch_emulator::testing::TestEmulator;
//!
//! let emu = TestEmulator::start()?; // the default seed: org "acme", admin@example.com
//! let session = emu.sign_in("acme", "admin@example.com")?;
//! assert_eq!(session.member["email_address"], "admin@example.com");
//! assert!(!session.session_jwt.is_empty());
//! // Point the app under test at `emu.url()` with `emu.public_token()`, and give it
//! // `session.session_token` (or `session.cookies`, for a browser).
//! assert!(emu.url().starts_with("http://127.0.0.1:"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`TestEmulator::sign_in_with`] takes a [`SignIn`] for a member id, roles or another session
//! duration; [`TestEmulator::messages`] reads the mailbox (codes and links the app had sent);
//! [`TestEmulator::reset`] puts everything back to the seed. The same sign-in is
//! `POST /emulator/v1/sessions` over HTTP (what the Playwright helper calls).

use std::net::Ipv4Addr;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use serde::Deserialize;
use serde_json::Value;

use crate::Access;
use crate::Emulator;
use crate::EmulatorError;
use crate::ErrorType;
use crate::ProjectInfo;
use crate::Seed;
use crate::domain::messages;
use crate::domain::sign_in::SignInRequest;
use crate::error::ApiError;

pub use crate::infra::http::http_only::BrowserCookie;

/// An emulator serving on a free loopback port until it is dropped. See the [module docs](self).
pub struct TestEmulator {
    emulator: Emulator,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl TestEmulator {
    /// An emulator with [`Seed::default`]: organization `acme` (JIT sign-up for `example.com`)
    /// with `admin@example.com` (`stytch_admin`).
    pub fn start() -> Result<TestEmulator, EmulatorError> {
        Self::with_seed(Seed::default())
    }

    /// An emulator with `seed` (e.g. [`Seed::from_file`] of your project's seed).
    ///
    /// ```
    /// # use stytch_emulator::{Seed, testing::TestEmulator};
    /// let seed = Seed::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/demo.json").as_ref())?;
    /// let emu = TestEmulator::with_seed(seed)?;
    /// assert_eq!(emu.sign_in("globex", "bob@globex.test")?.member["name"], "Bob Globex");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_seed(seed: Seed) -> Result<TestEmulator, EmulatorError> {
        Self::with_seed_and_access(seed, Access::default())
    }

    /// [`TestEmulator::with_seed`] plus [`Access`] additions (e.g. the origin of the app under test,
    /// when it is not one of the seed's `allowed_origins`).
    pub fn with_seed_and_access(seed: Seed, access: Access) -> Result<TestEmulator, EmulatorError> {
        let emulator = Emulator::in_memory_with(seed, access)?;
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let app = emulator.server_router();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = std::thread::Builder::new()
            .name(format!("stytch-emulator {addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    // Stopping drops open connections with the runtime: the test is over.
                    tokio::select! {
                        served = axum::serve(listener, app) => {
                            if let Err(e) = served {
                                tracing::error!("test emulator stopped serving: {e}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
            })?;
        Ok(TestEmulator {
            emulator,
            addr,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash): the SDK's `testAPIURL` /
    /// `liveAPIURL`, and the root of the backend and control APIs.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The project's public token (what the frontend SDK is configured with).
    pub fn public_token(&self) -> String {
        self.emulator.project().public_token
    }

    /// Project id, public token and secret (the secret authenticates backend API calls).
    pub fn project(&self) -> ProjectInfo {
        self.emulator.project()
    }

    /// The emulator itself, e.g. for [`Emulator::router`] or to move its clock.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Sign `email` in to `organization` (its id or slug): a new session, as if the member had
    /// followed a magic link. A new email becomes a member when the organization's JIT rules
    /// allow it; otherwise this fails with Stytch's error (e.g. `invalid_email_for_jit_provisioning`).
    ///
    /// ```
    /// # use stytch_emulator::{ErrorType, testing::TestEmulator};
    /// let emu = TestEmulator::start()?;
    /// let new = emu.sign_in("acme", "newcomer@example.com")?; // JIT for example.com
    /// assert!(new.member_created);
    /// let refused = emu.sign_in("acme", "someone@elsewhere.test").unwrap_err();
    /// assert_eq!(refused.error_type, ErrorType::InvalidEmailForJitProvisioning);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_in(&self, organization: &str, email: &str) -> Result<TestSession, TestError> {
        self.sign_in_with(SignIn::email(organization, email))
    }

    /// Sign a member in with the options of `request` (member id, roles, session duration).
    ///
    /// ```
    /// # use stytch_emulator::testing::{SignIn, TestEmulator};
    /// let emu = TestEmulator::start()?;
    /// let s = emu.sign_in_with(
    ///     SignIn::email("acme", "ops@example.com").roles(["stytch_admin"]).duration_minutes(5),
    /// )?;
    /// assert_eq!(s.member_session["roles"], serde_json::json!(["stytch_member", "stytch_admin"]));
    /// let again = emu.sign_in_with(SignIn::member_id("acme", &s.member_id))?;
    /// assert_ne!(again.session_token, s.session_token);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_in_with(&self, request: SignIn) -> Result<TestSession, TestError> {
        let answer = crate::domain::sign_in::sign_in(&self.emulator.inner, &request.0, "")?;
        TestSession::from_answer(answer)
    }

    /// The messages sent to `to` (an email address, or an E.164 number for texts), newest first:
    /// magic links (`link`, `token`) and one-time codes (`code`, also of SMS MFA) the app under
    /// test asked the emulator to send.
    pub fn messages(&self, to: &str) -> Result<Vec<SentMessage>, TestError> {
        let conn = self.emulator.inner.conn();
        let values = messages::list_messages(&conn, Some(to.trim()))?;
        Ok(values
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect())
    }

    /// Wipe all state back to the seed: members, sessions and messages created since the start
    /// are gone; the project's credentials, signing key and port stay.
    pub fn reset(&self) -> Result<(), TestError> {
        Ok(self.emulator.inner.reset()?)
    }

    /// An impersonation token for a member of `organization` (id or slug) and its link, as
    /// Stytch's Dashboard makes them (`POST /emulator/v1/impersonation_tokens`): the link is the
    /// project's default login redirect URL with `stytch_token_type=multi_tenant_impersonation`;
    /// the token works once, within 5 minutes.
    ///
    /// ```
    /// # use stytch_emulator::testing::TestEmulator;
    /// let emu = TestEmulator::start()?;
    /// let member = emu.sign_in("acme", "admin@example.com")?.member_id;
    /// let link = emu.impersonation_link("acme", &member, "support@vendor.test", "Ticket 42")?;
    /// assert!(link.url.ends_with(&format!("stytch_token_type=multi_tenant_impersonation&token={}", link.token)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn impersonation_link(
        &self,
        organization: &str,
        member_id: &str,
        impersonator_email_address: &str,
        reason: &str,
    ) -> Result<ImpersonationLink, TestError> {
        let answer = crate::domain::impersonation::mint(
            &self.emulator.inner,
            &crate::domain::impersonation::MintRequest {
                organization_id: organization.to_owned(),
                member_id: member_id.to_owned(),
                impersonator_email_address: impersonator_email_address.to_owned(),
                reason: reason.to_owned(),
            },
        )?;
        Ok(ImpersonationLink {
            token: answer["token"].as_str().unwrap_or_default().to_owned(),
            url: answer["url"].as_str().unwrap_or_default().to_owned(),
        })
    }
}

/// An impersonation token and the link that carries it (see [`TestEmulator::impersonation_link`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpersonationLink {
    /// The token, for `impersonation.authenticate`.
    pub token: String,
    /// The default login redirect URL with `?stytch_token_type=multi_tenant_impersonation&token=…`.
    pub url: String,
}

impl Drop for TestEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

impl std::fmt::Debug for TestEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestEmulator")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

/// Who to sign in and how, for [`TestEmulator::sign_in_with`] (the body of
/// `POST /emulator/v1/sessions`).
#[derive(Debug)]
pub struct SignIn(SignInRequest);

impl SignIn {
    /// The member with `email` in `organization` (id or slug), created when new and the
    /// organization's JIT rules allow it.
    pub fn email(organization: &str, email: &str) -> SignIn {
        SignIn(SignInRequest {
            organization_id: Some(organization.to_owned()),
            email_address: Some(email.to_owned()),
            ..SignInRequest::default()
        })
    }

    /// The existing member `member_id` of `organization` (id or slug).
    pub fn member_id(organization: &str, member_id: &str) -> SignIn {
        SignIn(SignInRequest {
            organization_id: Some(organization.to_owned()),
            member_id: Some(member_id.to_owned()),
            ..SignInRequest::default()
        })
    }

    /// Replace the member's assigned roles (besides the implicit `stytch_member`).
    pub fn roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> SignIn {
        self.0.roles = Some(roles.into_iter().map(Into::into).collect());
        self
    }

    /// Session lifetime in minutes (5..=527040; default 60).
    pub fn duration_minutes(mut self, minutes: i64) -> SignIn {
        self.0.session_duration_minutes = Some(minutes);
        self
    }
}

/// A signed-in member's session, as `sessions/authenticate` answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct TestSession {
    /// The opaque session token (the SDK's `stytch_session` cookie).
    pub session_token: String,
    /// A fresh session JWT, valid 5 minutes (the SDK's `stytch_session_jwt` cookie).
    pub session_jwt: String,
    /// The member's id.
    pub member_id: String,
    /// The organization's id.
    pub organization_id: String,
    /// `true` when this sign-in created the member.
    pub member_created: bool,
    /// The Member object.
    pub member: Value,
    /// The MemberSession object (`member_session_id`, `roles`, `expires_at`, …).
    pub member_session: Value,
    /// The Organization object.
    pub organization: Value,
    /// The session cookies a browser would hold (name, value, path, expiry, flags), ready for a
    /// WebDriver or Playwright cookie once the app's URL or domain is added.
    pub cookies: Vec<BrowserCookie>,
    /// The whole answer, as `POST /emulator/v1/sessions` gives it.
    #[serde(skip)]
    pub response: Value,
}

impl TestSession {
    fn from_answer(answer: Value) -> Result<TestSession, TestError> {
        let mut session = TestSession::deserialize(&answer).map_err(|e| TestError {
            error_type: ErrorType::InternalServerError,
            status_code: 500,
            error_message: format!("unexpected sign-in answer: {e}"),
        })?;
        session.response = answer;
        Ok(session)
    }
}

/// A message in the emulator's mailbox.
#[derive(Debug, Clone, Deserialize)]
pub struct SentMessage {
    /// Its id.
    pub message_id: String,
    /// The recipient's address (lowercase), or the E.164 number of a text.
    pub to: String,
    /// `email`, or `sms` for a text.
    pub channel: String,
    /// What it is for, e.g. `login`, `signup`, `invite`, `discovery`, `email_otp`, `password_reset`,
    /// `sms`.
    pub kind: String,
    /// The subject line.
    pub subject: String,
    /// The text body.
    pub body: String,
    /// The link in it (redirect URL with the token), for magic links, invites and resets.
    pub link: Option<String>,
    /// The raw token of that link.
    pub token: Option<String>,
    /// The one-time code, for OTP emails and texts.
    pub code: Option<String>,
    /// When it was sent (RFC 3339).
    pub created_at: String,
}

/// A Stytch API error from the test kit: the `error_type` the HTTP API would answer, its status
/// and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error_type:?} ({status_code}): {error_message}")]
pub struct TestError {
    /// The Stytch error type, e.g. [`ErrorType::EmailJitProvisioningNotAllowed`].
    pub error_type: ErrorType,
    /// The HTTP status the API answers with it.
    pub status_code: u16,
    /// The human-readable message.
    pub error_message: String,
}

impl From<ApiError> for TestError {
    fn from(e: ApiError) -> TestError {
        TestError {
            status_code: e.error_type.status(),
            error_type: e.error_type,
            error_message: e.message,
        }
    }
}
