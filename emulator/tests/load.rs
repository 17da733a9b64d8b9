//! A short load test over TCP against the binary: hundreds of concurrent sign-ins of distinct
//! members (magic link, and password) with no 5xx and every one succeeding. Elapsed times are
//! printed for the README, never asserted.

#![cfg(unix)]

mod common;

use std::time::Instant;

use common::tcp::{Binary, Reply, json_request, request};
use serde_json::{Value, json};

const MAGIC_LINK_MEMBERS: usize = 300;
const PASSWORD_MEMBERS: usize = 100;
const PASSWORD: &str = "violet-kettle-harbor-29";

/// Run all `calls` at once; every answer (or transport error) in order.
async fn all_at_once(
    addr: &str,
    auth: &str,
    calls: Vec<(String, Value)>,
) -> Vec<Result<Reply, String>> {
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|(path, body)| {
            let (addr, auth) = (addr.to_string(), auth.to_string());
            tokio::spawn(async move { json_request(&addr, "POST", &path, &auth, &body).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

/// (successes, 5xx, other failures as text)
fn tally(answers: &[Result<Reply, String>]) -> (usize, usize, Vec<String>) {
    let mut ok = 0;
    let mut five = 0;
    let mut other = Vec::new();
    for a in answers {
        match a {
            Ok(r) if r.status == 200 => ok += 1,
            Ok(r) if r.status >= 500 => five += 1,
            Ok(r) => other.push(format!("{} {}", r.status, r.json()["error_type"])),
            Err(e) => other.push(e.clone()),
        }
    }
    other.sort();
    other.dedup();
    (ok, five, other)
}

async fn org_id(b: &Binary) -> String {
    let r = request(&b.addr, "GET", "/emulator/v1/organizations", &[], None)
        .await
        .expect("organizations");
    r.json()["organizations"][0]["organization_id"]
        .as_str()
        .expect("org")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_concurrent_magic_link_sign_ins() {
    let b = Binary::start(&["--memory"]).unwrap_or_else(|e| panic!("{e}"));
    let org = org_id(&b).await;
    let auth = b.sdk_auth(None);
    let emails: Vec<String> = (0..MAGIC_LINK_MEMBERS)
        .map(|i| format!("load{i}@example.com"))
        .collect();

    let started = Instant::now();
    let sends = all_at_once(
        &b.addr,
        &auth,
        emails
            .iter()
            .map(|e| {
                (
                    "/sdk/v1/b2b/magic_links/email/login_or_signup".to_string(),
                    json!({"email_address": e, "organization_id": org}),
                )
            })
            .collect(),
    )
    .await;
    let send_time = started.elapsed();
    let (sent, send_5xx, send_other) = tally(&sends);

    let mut tokens = Vec::new();
    for e in &emails {
        let r = request(
            &b.addr,
            "GET",
            &format!("/emulator/v1/messages?to={e}"),
            &[],
            None,
        )
        .await
        .expect("messages");
        tokens.push(r.json()["messages"][0]["token"].as_str().map(String::from));
    }
    assert!(
        tokens.iter().all(Option::is_some),
        "a sent link has no token in the mailbox"
    );

    let started = Instant::now();
    let auths = all_at_once(
        &b.addr,
        &auth,
        tokens
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    "/sdk/v1/b2b/magic_links/authenticate".to_string(),
                    json!({"magic_links_token": t, "session_duration_minutes": 60}),
                )
            })
            .collect(),
    )
    .await;
    let auth_time = started.elapsed();
    let (signed_in, auth_5xx, auth_other) = tally(&auths);
    eprintln!(
        "load: {MAGIC_LINK_MEMBERS} concurrent magic-link sends in {send_time:?} ({sent} ok, {send_5xx} 5xx); \
         {MAGIC_LINK_MEMBERS} concurrent magic-link authenticates in {auth_time:?} ({signed_in} ok, {auth_5xx} 5xx)"
    );
    assert_eq!(
        (send_5xx, auth_5xx),
        (0, 0),
        "5xx under load; stderr: {}",
        b.stderr()
    );
    assert_eq!(sent, MAGIC_LINK_MEMBERS, "failed sends: {send_other:?}");
    assert_eq!(
        signed_in, MAGIC_LINK_MEMBERS,
        "failed sign-ins: {auth_other:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_password_sign_ins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let emails: Vec<String> = (0..PASSWORD_MEMBERS)
        .map(|i| format!("pw{i}@example.com"))
        .collect();
    let members: Vec<(&str, &str)> = emails.iter().map(|e| (e.as_str(), PASSWORD)).collect();
    let seed = common::seed_with_passwords(&members);
    let seed_path = dir.path().join("seed.json");
    std::fs::write(&seed_path, serde_json::to_string(&seed).expect("seed json"))
        .expect("write seed");
    let b = Binary::start(&["--memory", "--seed", seed_path.to_str().expect("path")])
        .unwrap_or_else(|e| panic!("{e}"));
    let org = org_id(&b).await;
    let auth = b.sdk_auth(None);

    let started = Instant::now();
    let answers = all_at_once(
        &b.addr,
        &auth,
        emails
            .iter()
            .map(|e| {
                (
                    "/sdk/v1/b2b/passwords/authenticate".to_string(),
                    json!({"organization_id": org, "email_address": e, "password": PASSWORD,
                           "session_duration_minutes": 60}),
                )
            })
            .collect(),
    )
    .await;
    let elapsed = started.elapsed();
    let (ok, five, other) = tally(&answers);
    eprintln!(
        "load: {PASSWORD_MEMBERS} concurrent password sign-ins in {elapsed:?} ({ok} ok, {five} 5xx)"
    );
    assert_eq!(five, 0, "5xx under load; stderr: {}", b.stderr());
    assert_eq!(ok, PASSWORD_MEMBERS, "failed sign-ins: {other:?}");
}
