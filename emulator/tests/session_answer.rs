//! Pins the answer of `sessions/authenticate` (SDK and backend surfaces): every field and value
//! of `member`, `organization`, `member_session` (roles, organization_slug, …) and of the JWT's
//! claims, the exact byte layout (compact JSON, keys in `serde_json::Value`'s sorted order), and
//! that each call reads the member and the organization afresh and persists the touch.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Harness, basic};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// POST `body` to `path` with `auth`: status, content type and the raw body.
async fn post_raw(h: &Harness, path: &str, auth: &str, body: &str) -> (StatusCode, String, String) {
    let r = h
        .raw(Method::POST, path, Some(auth.to_owned()), Some(body), &[])
        .await;
    let content_type = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (r.status, content_type, r.text)
}

/// Parse `text`, asserting it is compact JSON with every object's keys sorted (what serializing
/// a `serde_json::Value` gives, i.e. exactly what the emulator answered before typed answers).
fn sorted_compact(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(serde_json::to_string(&v).expect("JSON"), text);
    v
}

fn unix(rfc3339: &Value) -> i64 {
    OffsetDateTime::parse(rfc3339.as_str().expect("timestamp"), &Rfc3339)
        .expect("RFC 3339")
        .unix_timestamp()
}

fn ts(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .expect("time")
        .format(&Rfc3339)
        .expect("format")
}

/// The JWT's header and claims; the claims text must be sorted compact JSON as well.
fn decode_jwt(jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let text = |p: &str| String::from_utf8(URL_SAFE_NO_PAD.decode(p).expect("base64url")).unwrap();
    let header: Value = serde_json::from_str(&text(parts[0])).expect("header");
    (header, sorted_compact(&text(parts[1])))
}

const SDK: &str = "/sdk/v1/b2b/sessions/authenticate";
const BACKEND: &str = "/v1/b2b/sessions/authenticate";

#[tokio::test]
async fn session_authenticate_answer_is_pinned() {
    let h = Harness::new();
    let (st, _, login) = h.login("admin@example.com", "acme").await;
    let me = h
        .sdk(
            Method::GET,
            "/sdk/v1/b2b/organizations/members/me",
            Some(&st),
            None,
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let member = me.data()["member"].clone();
    let org = me.data()["organization"].clone();
    let member_id = member["member_id"].as_str().unwrap().to_string();
    let org_id = org["organization_id"].as_str().unwrap().to_string();
    let session_id = login["member_session"]["member_session_id"].clone();
    let factors = login["member_session"]["authentication_factors"].clone();
    let started_at = login["member_session"]["started_at"].clone();
    assert_eq!(factors[0]["type"], "magic_link");

    h.emu.advance_clock(Duration::from_secs(61));
    let sdk_auth = basic(&h.project.public_token, &st);
    let (status, content_type, text) =
        post_raw(&h, SDK, &sdk_auth, r#"{"session_duration_minutes": 30}"#).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(content_type, "application/json");
    let body = sorted_compact(&text);
    let data = &body["data"];
    assert_eq!(body.as_object().unwrap().len(), 1);

    let now = unix(&data["member_session"]["last_accessed_at"]);
    assert!(now >= unix(&started_at) + 61);
    let request_id = data["request_id"].as_str().unwrap();
    assert!(request_id.starts_with("request-id-test-"), "{request_id}");
    let jwt = data["session_jwt"].as_str().unwrap().to_string();
    let member_session = json!({
        "authentication_factors": factors,
        "custom_claims": {},
        "expires_at": ts(now + 30 * 60),
        "last_accessed_at": ts(now),
        "member_id": member_id,
        "member_session_id": session_id,
        "organization_id": org_id,
        "organization_slug": "acme",
        "roles": ["stytch_member", "stytch_admin"],
        "started_at": started_at,
    });
    assert_eq!(
        *data,
        json!({
            "member": member,
            "member_id": member_id,
            "member_session": member_session,
            "organization": org,
            "request_id": request_id,
            "session_jwt": jwt,
            "session_token": st,
            "status_code": 200,
        })
    );
    assert_eq!(member["roles"][1]["role_id"], "stytch_admin");
    assert_eq!(org["organization_slug"], "acme");

    let (jwt_header, claims) = decode_jwt(&jwt);
    assert_eq!(
        jwt_header,
        json!({"alg": "RS256", "typ": "JWT", "kid": h.emu.signing_key_id()})
    );
    let pid = &h.project.project_id;
    assert_eq!(
        claims,
        json!({
            "aud": [pid],
            "exp": now + 300,
            "https://stytch.com/organization": {"organization_id": org_id, "slug": "acme"},
            "https://stytch.com/session": {
                "attributes": {"ip_address": "", "user_agent": ""},
                "authentication_factors": member_session["authentication_factors"],
                "expires_at": member_session["expires_at"],
                "id": session_id,
                "last_accessed_at": member_session["last_accessed_at"],
                "roles": ["stytch_member", "stytch_admin"],
                "started_at": started_at,
            },
            "iat": now,
            "iss": format!("stytch.com/{pid}"),
            "nbf": now,
            "sub": member_id,
        })
    );

    // Within the same second the same claims give the same JWT; the backend answers the same
    // object without the `data` wrapper (and, from a JWT, without the token it cannot know).
    let secret = basic(&h.project.project_id, &h.project.secret);
    let same_except_request_id = |other: &Value, token: &str| {
        let (mut a, mut b) = (data.clone(), other.clone());
        a["request_id"] = Value::Null;
        b["request_id"] = Value::Null;
        a["session_token"] = json!(token);
        assert_eq!(a, b);
        assert!(
            other["request_id"]
                .as_str()
                .unwrap()
                .starts_with("request-id-test-")
        );
    };
    let (status, _, text) = post_raw(&h, SDK, &sdk_auth, "{}").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    same_except_request_id(&sorted_compact(&text)["data"], &st);
    let body = json!({"session_token": st}).to_string();
    let (status, content_type, text) = post_raw(&h, BACKEND, &secret, &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(content_type, "application/json");
    same_except_request_id(&sorted_compact(&text), &st);
    let body = json!({"session_jwt": jwt}).to_string();
    let (status, _, text) = post_raw(&h, BACKEND, &secret, &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    same_except_request_id(&sorted_compact(&text), "");

    // A verified JWT does not vouch for a tampered copy of it.
    let mut forged = jwt.clone();
    let last = if forged.ends_with('A') { "B" } else { "A" };
    forged.replace_range(forged.len() - 1.., last);
    let r = h
        .backend(Method::POST, BACKEND, Some(json!({"session_jwt": forged})))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
}

#[tokio::test]
async fn session_authenticate_reads_member_and_organization_fresh_and_persists_the_touch() {
    let h = Harness::new();
    let (st, _, login) = h.login("bob@example.com", "acme").await;
    let member_id = login["member_id"].as_str().unwrap().to_string();
    let org_id = login["organization"]["organization_id"]
        .as_str()
        .unwrap()
        .to_string();
    let authenticate = || async {
        let r = h.sdk(Method::POST, SDK, Some(&st), Some(json!({}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.data().clone()
    };
    let before = authenticate().await;
    assert_eq!(before["member_session"]["roles"], json!(["stytch_member"]));

    // No clock change: the answers below differ only because the data changed.
    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org_id}/members/{member_id}"),
            Some(json!({"roles": ["stytch_admin"], "name": "Bob B."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = authenticate().await;
    assert_eq!(d["member"]["name"], "Bob B.");
    assert_eq!(d["member"]["roles"][1]["role_id"], "stytch_admin");
    let roles = json!(["stytch_member", "stytch_admin"]);
    assert_eq!(d["member_session"]["roles"], roles);
    let (_, claims) = decode_jwt(d["session_jwt"].as_str().unwrap());
    assert_eq!(claims["https://stytch.com/session"]["roles"], roles);
    assert_ne!(d["session_jwt"], before["session_jwt"]);

    let r = h
        .backend(
            Method::PUT,
            &format!("/v1/b2b/organizations/{org_id}"),
            Some(json!({"organization_name": "Acme Two", "organization_slug": "acme-two"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = authenticate().await;
    assert_eq!(d["organization"]["organization_name"], "Acme Two");
    assert_eq!(d["organization"]["organization_slug"], "acme-two");
    assert_eq!(d["member_session"]["organization_slug"], "acme-two");
    let (_, claims) = decode_jwt(d["session_jwt"].as_str().unwrap());
    assert_eq!(
        claims["https://stytch.com/organization"],
        json!({"organization_id": org_id, "slug": "acme-two"})
    );

    // The touch is stored: the backend's session list shows it.
    h.emu.advance_clock(Duration::from_secs(5));
    let d = authenticate().await;
    let s = &d["member_session"];
    assert_eq!(
        unix(&s["last_accessed_at"]),
        unix(&before["member_session"]["last_accessed_at"]) + 5
    );
    let r = h
        .backend(
            Method::GET,
            &format!("/v1/b2b/sessions?organization_id={org_id}&member_id={member_id}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["member_sessions"], json!([s]));
}

/// Repeats (most of them within one second) are answered from the last read of the session only
/// while the database is unchanged: an extension, a revocation and a JWT whose session is gone are
/// all seen at once, on both surfaces.
#[tokio::test]
async fn repeats_within_a_second_see_every_change() {
    let h = Harness::new();
    let (st, _, login) = h.login("bob@example.com", "acme").await;
    let sdk = |body: Value| {
        let st = st.clone();
        let h = &h;
        async move { h.sdk(Method::POST, SDK, Some(&st), Some(body)).await }
    };
    let first = sdk(json!({})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = sdk(json!({})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.data()["member"], first.data()["member"]);
    assert_ne!(again.data()["request_id"], first.data()["request_id"]);

    let jwt = first.data()["session_jwt"].as_str().unwrap().to_string();
    let by_jwt = h
        .backend(Method::POST, BACKEND, Some(json!({"session_jwt": jwt})))
        .await;
    assert_eq!(by_jwt.status, StatusCode::OK, "{}", by_jwt.body);
    assert_eq!(by_jwt.body["member_id"], first.data()["member_id"]);

    let extended = sdk(json!({"session_duration_minutes": 600})).await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.body);
    let s = &extended.data()["member_session"];
    assert_eq!(
        unix(&s["expires_at"]),
        unix(&s["last_accessed_at"]) + 600 * 60
    );
    let after = sdk(json!({})).await;
    assert_eq!(
        after.data()["member_session"]["expires_at"],
        s["expires_at"]
    );

    let r = h
        .backend(
            Method::POST,
            "/v1/b2b/sessions/revoke",
            Some(json!({"member_session_id": login["member_session"]["member_session_id"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let gone = sdk(json!({})).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    assert_eq!(gone.error_type(), "session_not_found");
    let gone = h
        .backend(Method::POST, BACKEND, Some(json!({"session_jwt": jwt})))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
    let gone = h
        .backend(Method::POST, BACKEND, Some(json!({"session_token": st})))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
}
