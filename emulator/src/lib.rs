//! `stytch-emulator`: a local, Stytch-compatible B2B API emulator.
//!
//! One [`axum::Router`] serves three surfaces:
//! 1. the **SDK API** `/sdk/v1/...` as `@stytch/vanilla-js` calls it (success wrapped in
//!    `{"data": …}`, errors as top-level Stytch error JSON, Basic `public_token:session_token`);
//! 2. the **backend API** `/v1/b2b/...` as Stytch's server SDKs call it (Basic
//!    `project_id:secret`, responses not wrapped);
//! 3. the **control API** `/emulator/v1/...` for tests and demos (sent messages, reset,
//!    project credentials, health). No auth;
//! 4. the **identity provider** `/emulator/idp/...`: the sign-in page every SSO and OAuth start
//!    leads to, standing in for SAML/OIDC IdPs and OAuth providers;
//! 5. the project as an **OAuth/OIDC provider** for its connected apps (`/.well-known/…`,
//!    `/v1/oauth2/…`): a standard client library signs members in with the project.
//!
//! State lives in SQLite (a file, or in memory). Tokens (magic links, sessions) come from the OS
//! CSPRNG and only their SHA-256 is stored; the raw magic-link token is visible only through
//! `GET /emulator/v1/messages`, which stands in for the mailbox.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emu = stytch_emulator::Emulator::in_memory(stytch_emulator::Seed::default())?;
//! let app = emu.router();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! For an app's own tests, [`testing::TestEmulator`] starts one on a free port and signs a member
//! in with one call (see its docs and `TESTING.md`).
//!
//! Decisions where Stytch's behaviour is not documented are written on the items that
//! implement them (see `sdk`, `backend`, `extract`).

#![warn(missing_docs)]

mod domain;
mod error;
mod infra;
pub mod seed;
mod surfaces;
pub mod testing;

use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicI64;
use std::sync::atomic::Ordering;

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;
use serde::Serialize;

pub use error::{EmulatorError, ErrorType};
pub use seed::Seed;

use error::ApiError;
use infra::keys::SigningKey;

/// The local project's credentials.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProjectInfo {
    /// `project-test-…`: the user name of backend API calls.
    pub project_id: String,
    /// `public-token-test-…`: what the frontend SDK is configured with.
    pub public_token: String,
    /// The password of backend API calls.
    pub secret: String,
}

/// What a start adds to the project, every time, without storing it in the database: the binary's
/// `--allow-origin`, `--redirect-url` and `--host` flags.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Origins allowed for CORS (and control-API writes) besides the seed's.
    pub allowed_origins: Vec<String>,
    /// Redirect URLs allowed for every redirect type besides the seed's.
    pub redirect_urls: Vec<String>,
    /// Host names served besides loopback names (e.g. the address given to `--host`).
    pub hosts: Vec<String>,
}

/// A running emulator's state. Cheap to clone (shared `Arc`).
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    db: Mutex<Connection>,
    /// The resolved seed (credentials filled in): project settings + what reset restores.
    pub(crate) seed: Seed,
    pub(crate) project: ProjectInfo,
    pub(crate) key: Arc<SigningKey>,
    /// Recently parsed session owners (see [`domain::sessions::ParsedOwners`]).
    pub(crate) owners: domain::sessions::ParsedOwners,
    /// Recent session reads of `sessions/authenticate` (see
    /// [`domain::sessions::authenticate_live`]).
    pub(crate) sessions_read: domain::sessions::Snapshots,
    /// Claims of recently verified session JWTs, by JWT.
    pub(crate) verified_jwts: infra::memo::Memo<Arc<serde_json::Value>>,
    /// Test clock offset in seconds (see [`Emulator::advance_clock`]).
    clock_offset: AtomicI64,
    /// HttpOnly session cookies (see `http_only`): from the seed, switchable at run time.
    pub(crate) http_only: AtomicBool,
    /// Host names served besides loopback names (see `infra::http::guard`).
    pub(crate) hosts: Vec<String>,
}

impl Emulator {
    /// A fresh in-memory emulator. The RSA key is shared process-wide between in-memory
    /// instances (generated once).
    pub fn in_memory(seed: Seed) -> Result<Emulator, EmulatorError> {
        Self::in_memory_with(seed, Access::default())
    }

    /// [`Emulator::in_memory`] with [`Access`] additions.
    pub fn in_memory_with(seed: Seed, access: Access) -> Result<Emulator, EmulatorError> {
        let mut conn = Connection::open_in_memory()?;
        infra::db::migrate(&mut conn)?;
        let seed = seed.resolved()?;
        let key = SigningKey::shared()?;
        Self::finish(conn, seed, key, true, access)
    }

    /// A file-backed emulator. On a new DB the seed is resolved (credentials generated when
    /// missing), stored together with a freshly generated signing key, and applied. On an
    /// existing DB the stored seed, credentials and key are used and `seed` is ignored.
    pub fn open(db_path: &Path, seed: Seed) -> Result<Emulator, EmulatorError> {
        Self::open_with(db_path, seed, Access::default())
    }

    /// [`Emulator::open`] with [`Access`] additions (applied on every start, never stored).
    pub fn open_with(
        db_path: &Path,
        seed: Seed,
        access: Access,
    ) -> Result<Emulator, EmulatorError> {
        if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(db_path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        infra::db::migrate(&mut conn)?;
        let stored: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'seed'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match stored {
            Some(json) => {
                let seed: Seed = serde_json::from_str(&json)?;
                let (kid, der): (String, Vec<u8>) = conn.query_row(
                    "SELECT (SELECT value FROM meta WHERE key = 'jwk_kid'),
                            (SELECT value FROM meta WHERE key = 'jwk_der')",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let key = Arc::new(SigningKey::from_der(kid, der)?);
                Self::finish(conn, seed, key, false, access)
            }
            None => {
                let seed = seed.resolved()?;
                let key = Arc::new(SigningKey::generate()?);
                Self::finish(conn, seed, key, true, access)
            }
        }
    }

    fn finish(
        conn: Connection,
        seed: Seed,
        key: Arc<SigningKey>,
        fresh: bool,
        access: Access,
    ) -> Result<Emulator, EmulatorError> {
        // What is stored is the seed alone: the additions come from this start's flags.
        let stored_seed = serde_json::to_string(&seed)?;
        let mut seed = seed;
        seed.allowed_origins.extend(access.allowed_origins);
        seed.redirect_urls.extend(access.redirect_urls);
        let p = &seed.project;
        let project = ProjectInfo {
            project_id: p.project_id.clone().unwrap_or_default(),
            public_token: p.public_token.clone().unwrap_or_default(),
            secret: p.secret.clone().unwrap_or_default(),
        };
        let http_only = seed.http_only_cookies;
        let emu = Emulator {
            inner: Arc::new(Inner {
                db: Mutex::new(conn),
                seed,
                project,
                key,
                owners: Default::default(),
                sessions_read: Default::default(),
                verified_jwts: Default::default(),
                clock_offset: AtomicI64::new(0),
                http_only: AtomicBool::new(http_only),
                hosts: access.hosts,
            }),
        };
        if fresh {
            let inner = &emu.inner;
            let mut conn = inner.conn();
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('seed', ?1), ('jwk_kid', ?2)",
                params![stored_seed, inner.key.kid],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('jwk_der', ?1)",
                params![inner.key.der],
            )?;
            domain::project::apply_seed(&tx, &inner.seed, inner.now()).map_err(|e| {
                EmulatorError::Seed(format!("{}: {}", e.error_type.as_str(), e.message))
            })?;
            tx.commit()?;
        }
        Ok(emu)
    }

    /// The full router: SDK, backend and control surfaces, CORS, JSON 404/405 fallbacks.
    pub fn router(&self) -> axum::Router {
        let inner = self.inner.clone();
        let api = surfaces::sdk::routes(inner.clone())
            .merge(surfaces::backend::routes(inner.clone()))
            .merge(surfaces::control::routes())
            .merge(surfaces::public::routes())
            .merge(surfaces::idp::routes())
            .merge(surfaces::idp_oidc::routes())
            .merge(surfaces::oauth2::routes())
            .merge(surfaces::scim_v2::routes())
            .fallback(surfaces::fallback_404)
            .method_not_allowed_fallback(surfaces::fallback_405)
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                infra::http::http_only::layer,
            ))
            .layer(axum::extract::DefaultBodyLimit::max(
                infra::http::guard::REQUEST_BODY_LIMIT,
            ))
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                infra::http::guard::guard,
            ))
            .with_state(inner.clone());
        api.layer(infra::http::cors::layer(inner))
    }

    /// The router for serving over TCP (the binary's, [`testing::TestEmulator`]'s): the same as
    /// [`Emulator::router`]. Handlers run on the async workers: they hold the one SQLite connection
    /// only while their statements run (never across an `.await`), and argon2, the one slow
    /// computation, runs on tokio's blocking pool outside it. Handing every request to the blocking
    /// pool instead cost a thread wake-up and a context switch each way, more than the handler
    /// itself (`bench/run.sh`: SDK `sessions/authenticate` 29.4k → 39k req/s without it).
    pub fn server_router(&self) -> axum::Router {
        self.router()
    }

    /// Project id, public token and secret.
    pub fn project(&self) -> ProjectInfo {
        self.inner.project.clone()
    }

    /// Test hook: move the emulator's clock forward (token / session expiry without waiting).
    #[doc(hidden)]
    pub fn advance_clock(&self, by: std::time::Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX / 2);
        self.inner.clock_offset.fetch_add(secs, Ordering::SeqCst);
    }

    /// The current `kid` of the signing key (used by tests).
    #[doc(hidden)]
    pub fn signing_key_id(&self) -> String {
        self.inner.key.kid.clone()
    }
}

impl Inner {
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (statements are
        // atomic / transactional), so a poisoned lock is safe to reuse.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Is `origin` (no trailing slash) one of the project's allowed origins?
    pub(crate) fn origin_allowed(&self, origin: &str) -> bool {
        self.seed
            .allowed_origins
            .iter()
            .any(|a| a.trim_end_matches('/') == origin)
    }

    /// Unix seconds on the emulator clock.
    pub(crate) fn now(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp() + self.clock_offset.load(Ordering::SeqCst)
    }

    /// Wipe all state back to the stored seed (same credentials and key).
    pub(crate) fn reset(&self) -> Result<(), ApiError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute_batch(infra::db::RESET)?;
        domain::project::apply_seed(&tx, &self.seed, self.now())?;
        tx.commit()?;
        self.http_only
            .store(self.seed.http_only_cookies, Ordering::SeqCst);
        Ok(())
    }
}
