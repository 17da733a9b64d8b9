//! The built `stytch-emulator` binary over real TCP: start it, talk HTTP/1.1 to it (hyper's
//! client, one connection per request), stop it gently or with SIGKILL.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// A running binary; killed (SIGKILL) when dropped.
pub struct Binary {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub addr: String,
    pub public_token: String,
    pub project_id: String,
    stderr: Arc<Mutex<String>>,
}

impl Binary {
    /// Start the binary with `args` (`--port 0` is added) and wait for its "listening" line.
    /// `Err` carries the exit status and stderr when it does not start.
    pub fn start(args: &[&str]) -> Result<Binary, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stytch-emulator"))
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn: {e}"))?;
        // The binary logs every request to stderr: drain it, or a full pipe would block it.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("stderr lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let fail = |child: &mut Child, stderr: &Arc<Mutex<String>>, why: &str| {
            let _ = child.kill();
            let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
            std::thread::sleep(Duration::from_millis(100));
            let err = stderr.lock().expect("stderr lock").clone();
            format!("binary {args:?} did not start ({why}; {status}); stderr: {err}")
        };
        let Some(rest) = line.strip_prefix("stytch-emulator listening on http://") else {
            return Err(fail(&mut child, &stderr, &format!("first line {line:?}")));
        };
        let mut words = rest.split_whitespace();
        let addr = words.next().unwrap_or_default().to_string();
        let field = |name: &str| {
            words
                .clone()
                .find_map(|w| w.strip_prefix(name))
                .unwrap_or_default()
                .to_string()
        };
        let public_token = field("public_token=");
        let project_id = field("project_id=");
        Ok(Binary {
            child,
            addr,
            public_token,
            project_id,
            stderr,
        })
    }

    /// SIGKILL (no graceful shutdown) and wait for the process to be gone.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What the binary wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// The project's secret (from the control API).
    pub async fn secret(&self) -> String {
        let r = request(&self.addr, "GET", "/emulator/v1/project", &[], None)
            .await
            .expect("project");
        r.json()["secret"].as_str().expect("secret").to_string()
    }

    pub fn sdk_auth(&self, session: Option<&str>) -> String {
        super::basic(&self.public_token, session.unwrap_or(&self.public_token))
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// An HTTP answer read off the socket.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One request on a new connection. `Host` is the address unless `headers` set one.
/// `Err` is a transport failure (refused, reset, the server died mid-answer).
pub async fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Reply, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    let mut b = Request::builder().method(method).uri(path);
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        b = b.header("host", addr);
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b
        .body(Full::new(Bytes::copy_from_slice(body.unwrap_or_default())))
        .map_err(|e| format!("request: {e}"))?;
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| format!("send: {e}"))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("body: {e}"))?
        .to_bytes();
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// A JSON request with `authorization`.
pub async fn json_request(
    addr: &str,
    method: &str,
    path: &str,
    auth: &str,
    body: &Value,
) -> Result<Reply, String> {
    let text = body.to_string();
    request(
        addr,
        method,
        path,
        &[
            ("authorization", auth),
            ("content-type", "application/json"),
        ],
        Some(text.as_bytes()),
    )
    .await
}
