//! The binary's `--allow-origin URL` and `--redirect-url URL` flags (each repeatable) add
//! origins and redirect URLs to the project without a seed file; the redirect URLs are allowed
//! for every redirect type, and Stytch's test-project defaults stay allowed beside them.

mod common;

use common::tcp::{Binary, json_request, request};
use serde_json::{Value, json};

async fn org_id(b: &Binary) -> String {
    let r = request(&b.addr, "GET", "/emulator/v1/organizations", &[], None)
        .await
        .expect("organizations");
    r.json()["organizations"][0]["organization_id"]
        .as_str()
        .expect("org id")
        .to_string()
}

async fn acao(b: &Binary, origin: &str) -> Option<String> {
    let path = format!("/sdk/v1/projects/bootstrap/{}", b.public_token);
    let r = request(&b.addr, "GET", &path, &[("origin", origin)], None)
        .await
        .expect("bootstrap");
    assert_eq!(r.status, 200);
    r.headers
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(String::from)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_origin_and_redirect_url_flags_extend_the_project() {
    let b = Binary::start(&[
        "--memory",
        "--allow-origin",
        "http://app.test:5173",
        "--allow-origin",
        "http://other.test:9000",
        "--redirect-url",
        "http://app.test:5173/cb",
        "--redirect-url",
        "http://other.test:9000/done",
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let org = org_id(&b).await;
    let mut wrong = Vec::new();

    for origin in [
        "http://app.test:5173",
        "http://other.test:9000",
        "http://localhost:3000",
        "http://localhost:8080",
    ] {
        let got = acao(&b, origin).await;
        if got.as_deref() != Some(origin) {
            wrong.push(format!(
                "Origin {origin}: access-control-allow-origin {got:?}"
            ));
        }
    }
    if let Some(got) = acao(&b, "http://evil.example").await {
        wrong.push(format!("a foreign origin got CORS: {got}"));
    }

    let auth = b.sdk_auth(None);
    let calls: Vec<(&str, Value)> = ["http://app.test:5173/cb", "http://other.test:9000/done"]
        .into_iter()
        .flat_map(|url| {
            [
                (
                    "/sdk/v1/b2b/magic_links/email/login_or_signup",
                    json!({"email_address": "admin@example.com", "organization_id": org,
                           "login_redirect_url": url, "signup_redirect_url": url}),
                ),
                (
                    "/sdk/v1/b2b/magic_links/email/discovery/send",
                    json!({"email_address": "admin@example.com", "discovery_redirect_url": url}),
                ),
                (
                    "/sdk/v1/b2b/passwords/email/reset/start",
                    json!({"email_address": "admin@example.com", "organization_id": org,
                           "login_redirect_url": url, "reset_password_redirect_url": url}),
                ),
            ]
        })
        .collect();
    for (path, body) in &calls {
        let r = json_request(&b.addr, "POST", path, &auth, body)
            .await
            .expect("request");
        if r.status != 200 {
            wrong.push(format!("{path} {body} → {} {}", r.status, r.json()));
        }
    }
    // The link in the mailbox points at the flag's URL.
    let r = request(
        &b.addr,
        "GET",
        "/emulator/v1/messages?to=admin@example.com",
        &[],
        None,
    )
    .await
    .expect("messages");
    let links: Vec<String> = r.json()["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["link"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if !links
        .iter()
        .any(|l| l.starts_with("http://app.test:5173/cb?"))
    {
        wrong.push(format!("no link to the flag's redirect URL in {links:?}"));
    }
    // A URL that no flag named is still refused.
    let r = json_request(
        &b.addr,
        "POST",
        "/sdk/v1/b2b/magic_links/email/login_or_signup",
        &auth,
        &json!({"email_address": "admin@example.com", "organization_id": org,
                "login_redirect_url": "http://app.test:5173/elsewhere"}),
    )
    .await
    .expect("request");
    if r.status != 400 {
        wrong.push(format!(
            "an unlisted redirect URL → {} {}",
            r.status,
            r.json()
        ));
    }
    assert!(
        wrong.is_empty(),
        "{}\nstderr: {}",
        wrong.join("\n"),
        b.stderr()
    );
}

#[tokio::test]
async fn allow_host_flag_serves_that_name_and_no_other() {
    let b = Binary::start(&["--memory", "--allow-host", "dev.internal"]).expect("start");
    let health = |host: &'static str| {
        let addr = b.addr.clone();
        async move {
            request(
                &addr,
                "GET",
                "/emulator/v1/project",
                &[("host", host)],
                None,
            )
            .await
            .expect("request")
        }
    };
    assert_eq!(health("dev.internal:4010").await.status, 200);
    assert_eq!(health("127.0.0.1").await.status, 200);
    let refused = health("evil.example").await;
    assert_eq!(refused.status, 403);
    let body: serde_json::Value = serde_json::from_slice(&refused.body).expect("error JSON");
    assert_eq!(body["error_type"], "host_not_allowed");
}
