//! `stytch-emulator` binary: serve the emulator on a TCP port.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use clap::Parser;
use stytch_emulator::Seed;
use stytch_emulator::{Access, Emulator};

/// Local, Stytch-compatible B2B API emulator.
#[derive(Parser, Debug)]
#[command(
    name = "stytch-emulator",
    version,
    about = "A local, Stytch-compatible B2B API: point @stytch/vanilla-js or leptos-stytch at it (testAPIURL / liveAPIURL) and Stytch's backend clients at the same URL.",
    after_help = "Surfaces: SDK /sdk/v1/..., backend /v1/b2b/... (Basic project_id:secret), control /emulator/v1/... \
(messages, reset, project credentials, health, and POST /emulator/v1/sessions, which signs a member in \
with one call for tests). On start it prints one line to stdout:\n  \
stytch-emulator listening on http://HOST:PORT public_token=... project_id=...\n\
Requests are logged to stderr (method, path, status; never tokens). SIGINT or SIGTERM stops it."
)]
struct Cli {
    /// TCP port to listen on (0: a free port, shown in the line printed on start).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Address to bind. A non-loopback address is also accepted as a Host name (other names get 403
    /// host_not_allowed, against DNS rebinding).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// SQLite database file (created with its directories when missing).
    #[arg(
        long,
        value_name = "PATH",
        default_value = ".stytch-emulator/emulator.db",
        conflicts_with = "memory"
    )]
    db: PathBuf,
    /// Keep all state in memory (lost on exit).
    #[arg(long)]
    memory: bool,
    /// Seed JSON file: project credentials, settings, organizations and members. Applied only when
    /// the database is new; an existing database keeps the seed it was made with (delete the file,
    /// or use --memory, to start from a changed seed). Without it: generated credentials and the
    /// organization "acme" (domain example.com) with admin@example.com.
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Also allow this origin for CORS and control-API writes (repeatable; not stored).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// Also serve requests whose `Host` is this name or address (repeatable; e.g. a LAN address when
    /// `--host 0.0.0.0`). Loopback names and the `--host` address are always served; others get 403
    /// `host_not_allowed` (DNS-rebinding protection).
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Also allow this redirect URL for every redirect type (repeatable; not stored).
    #[arg(long = "redirect-url", value_name = "URL")]
    redirect_urls: Vec<String>,
}

/// Log method, path and status to stderr. Never tokens, secrets, codes, queries or bodies.
async fn log_requests(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The bootstrap path embeds the public token: log the route template instead.
    let path = if path.starts_with("/sdk/v1/projects/bootstrap/") {
        "/sdk/v1/projects/bootstrap/{public_token}".to_string()
    } else {
        path
    };
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::info!(
        "{method} {path} {} {}ms",
        resp.status().as_u16(),
        started.elapsed().as_millis()
    );
    resp
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr, one line each (method, path, status, time; never tokens, queries or bodies);
    // `RUST_LOG`-style filtering is not needed for a dev tool, so everything at INFO and above.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .without_time()
        .with_max_level(tracing::Level::INFO)
        .init();
    let seed = match &cli.seed {
        Some(p) => match Seed::from_file(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("stytch-emulator: cannot load seed {}: {e}", p.display());
                return ExitCode::FAILURE;
            }
        },
        None => Seed::default(),
    };
    // Binding a specific name or address means requests will name it in `Host`: serve it too
    // (loopback names are always served; a wildcard address names nothing).
    let mut hosts = match cli.host.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_unspecified() => Vec::new(),
        _ => vec![cli.host.trim_matches(['[', ']']).to_owned()],
    };
    hosts.extend(
        cli.allow_hosts
            .iter()
            .map(|h| h.trim_matches(['[', ']']).to_owned()),
    );
    let access = Access {
        allowed_origins: cli.allow_origins.clone(),
        redirect_urls: cli.redirect_urls.clone(),
        hosts,
    };
    let emu = if cli.memory {
        Emulator::in_memory_with(seed, access)
    } else {
        Emulator::open_with(&cli.db, seed, access)
    };
    let emu = match emu {
        Ok(e) => e,
        Err(e) => {
            eprintln!("stytch-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = emu
        .server_router()
        .layer(axum::middleware::from_fn(log_requests));
    let addr = format!("{}:{}", cli.host, cli.port);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("stytch-emulator: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let host = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
    let p = emu.project();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "stytch-emulator listening on http://{host} public_token={} project_id={}",
        p.public_token, p.project_id
    );
    let _ = out.flush();
    drop(out);
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        eprintln!("stytch-emulator: server error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
