//! Smoke test of the `stytch-emulator` binary: startup line, a real HTTP request, request
//! logging without secrets, graceful shutdown on SIGTERM. (The only test that opens a socket;
//! it binds 127.0.0.1 on an ephemeral port.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn http(addr: &str, req: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[cfg(unix)]
#[test]
fn binary_starts_serves_logs_and_stops() {
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/demo.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_stytch-emulator"))
        .args(["--memory", "--port", "0", "--seed", seed])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let expected_tail = " public_token=public-token-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01 project_id=project-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01\n";
    assert!(
        line.starts_with("stytch-emulator listening on http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.ends_with(expected_tail), "{line}");
    let addr = line["stytch-emulator listening on http://".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_string();

    let resp = http(
        &addr,
        "GET /emulator/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.ends_with(r#"{"status":"ok"}"#), "{resp}");
    let pt = "public-token-test-6c1f5f0e-6b3a-4c43-9b7a-0d3c6f7d1e01";
    let resp = http(
        &addr,
        &format!(
            "GET /sdk/v1/projects/bootstrap/{pt} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");

    let pid = child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no graceful shutdown"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("GET /emulator/v1/health 200"), "{err}");
    assert!(
        err.contains("GET /sdk/v1/projects/bootstrap/{public_token} 200"),
        "{err}"
    );
    assert!(!err.contains(pt), "the log must not contain tokens: {err}");
}
