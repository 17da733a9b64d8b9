//! Durability: the binary on a file database takes concurrent backend writes over TCP, is
//! killed with SIGKILL in the middle of them, and restarts on the same file. Every write it
//! acknowledged (200) must still be there; writes in flight at the kill may go either way.

#![cfg(unix)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::basic;
use common::tcp::{Binary, json_request, request};
use serde_json::json;

const TASKS: usize = 8;
const PER_TASK: usize = 25;
/// Kill once this many writes are acknowledged, so the kill lands mid-stream.
const KILL_AFTER: usize = TASKS * PER_TASK / 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("emulator.db");
    let db = db.to_str().expect("utf-8 path");
    let mut bin = Binary::start(&["--db", db]).unwrap_or_else(|e| panic!("{e}"));
    let secret = bin.secret().await;
    let auth = basic(&bin.project_id, &secret);
    let orgs = request(&bin.addr, "GET", "/emulator/v1/organizations", &[], None)
        .await
        .expect("organizations");
    let org = orgs.json()["organizations"][0]["organization_id"]
        .as_str()
        .expect("org")
        .to_string();

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let refused: Arc<Mutex<Vec<String>>> = Arc::default();
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (addr, auth, org) = (bin.addr.clone(), auth.clone(), org.clone());
            let (acked, refused) = (acked.clone(), refused.clone());
            tokio::spawn(async move {
                for i in 0..PER_TASK {
                    let body = json!({"email_address": format!("t{t}-{i}@example.com")});
                    let path = format!("/v1/b2b/organizations/{org}/members");
                    match json_request(&addr, "POST", &path, &auth, &body).await {
                        Ok(r) if r.status == 200 => {
                            let id = r.json()["member_id"].as_str().map(String::from);
                            acked.lock().expect("lock").push(id.expect("member_id"));
                        }
                        Ok(r) => {
                            refused
                                .lock()
                                .expect("lock")
                                .push(format!("{} {}", r.status, r.json()))
                        }
                        // The server is gone: this task is done.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();

    let started = Instant::now();
    while acked.lock().expect("lock").len() < KILL_AFTER {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "writes too slow to reach the kill point: {} acknowledged",
            acked.lock().expect("lock").len()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    bin.kill9();
    for t in tasks {
        t.await.expect("task");
    }
    let acked = acked.lock().expect("lock").clone();
    let refused = refused.lock().expect("lock").clone();
    assert!(
        refused.is_empty(),
        "writes refused before the kill: {refused:?}"
    );

    let bin = Binary::start(&["--db", db]).unwrap_or_else(|e| panic!("restart: {e}"));
    assert_eq!(bin.secret().await, secret, "credentials persisted");
    let mut lost = Vec::new();
    for id in &acked {
        let r = request(
            &bin.addr,
            "GET",
            &format!("/v1/b2b/organizations/{org}/member?member_id={id}"),
            &[("authorization", &auth)],
            None,
        )
        .await
        .expect("member get");
        if r.status != 200 || r.json()["member"]["member_id"] != id.as_str() {
            lost.push(format!("{id}: {} {}", r.status, r.json()));
        }
    }
    let search = json_request(
        &bin.addr,
        "POST",
        "/v1/b2b/organizations/members/search",
        &auth,
        &json!({"organization_ids": [org], "limit": 1000}),
    )
    .await
    .expect("search");
    let stored = search.json()["results_metadata"]["total"]
        .as_u64()
        .unwrap_or(0);
    eprintln!(
        "durability: {} writes acknowledged before kill -9 (of {} attempted), {} lost; {stored} members stored after restart (incl. the seeded admin)",
        acked.len(),
        TASKS * PER_TASK,
        lost.len()
    );
    assert!(acked.len() >= KILL_AFTER);
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    assert!(stored as usize > acked.len(), "search total {stored}");
}
