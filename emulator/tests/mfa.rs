//! Multi-factor authentication through the SDK surface, as `@stytch/vanilla-js` calls it: the
//! organization's MFA policy on every primary factor, SMS one-time passcodes, TOTP and recovery
//! codes, with the error matrix of each endpoint.

mod common;

use axum::http::{Method, StatusCode};
use common::{Harness, Resp, seed_with_passwords};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use totp_rs::{Algorithm, Secret, TOTP};

const PHONE: &str = "+15550000000";
const OTHER_PHONE: &str = "+15550000001";
const ADMIN: &str = "admin@example.com";
const MEMBER: &str = "member@example.com";
const MEMBER_PASSWORD: &str = "violet-kettle-harbor-29";

/// A harness whose test clock offset is known, so TOTP codes can be computed for the emulator's
/// time.
struct T {
    h: Harness,
    offset: i64,
    org: String,
}

impl T {
    async fn new() -> T {
        Self::with(Harness::with_seed(seed_with_passwords(&[(
            MEMBER,
            MEMBER_PASSWORD,
        )])))
        .await
    }

    async fn with(h: Harness) -> T {
        let org = h.org_id("acme").await;
        T { h, offset: 0, org }
    }

    fn advance(&mut self, secs: u64) {
        self.h.emu.advance_clock(Duration::from_secs(secs));
        self.offset += i64::try_from(secs).expect("secs");
    }

    fn now(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        real + u64::try_from(self.offset).expect("offset")
    }

    fn totp_code(&self, secret: &str) -> String {
        self.totp_code_at(secret, self.now())
    }

    fn totp_code_at(&self, secret: &str, at: u64) -> String {
        let bytes = Secret::Encoded(secret.to_string())
            .to_bytes()
            .expect("base32");
        TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes)
            .expect("totp")
            .generate(at)
    }

    /// A 6-digit code that is none of the codes the emulator accepts now (its window spans a step
    /// either side; one more step each way covers the time this test takes).
    fn wrong_totp(&self, secret: &str) -> String {
        let now = self.now();
        let window: Vec<String> = [now - 60, now - 30, now, now + 30, now + 60]
            .iter()
            .map(|at| self.totp_code_at(secret, *at))
            .collect();
        (0..)
            .map(|n: u32| format!("{n:06}"))
            .find(|c| !window.contains(c))
            .expect("a free code")
    }

    async fn org_update(&self, body: Value) {
        let r = self
            .h
            .backend(
                Method::PUT,
                &format!("/v1/b2b/organizations/{}", self.org),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }

    async fn require_mfa(&self) {
        self.org_update(json!({"mfa_policy": "REQUIRED_FOR_ALL"}))
            .await;
    }

    async fn member(&self, email: &str) -> Value {
        let r = self
            .h
            .backend(
                Method::GET,
                &format!(
                    "/v1/b2b/organizations/{}/member?email_address={email}",
                    self.org
                ),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.body["member"].clone()
    }

    async fn member_id(&self, email: &str) -> String {
        self.member(email).await["member_id"]
            .as_str()
            .expect("member_id")
            .to_string()
    }

    async fn member_update(&self, email: &str, body: Value) {
        let id = self.member_id(email).await;
        let r = self
            .h
            .backend(
                Method::PUT,
                &format!("/v1/b2b/organizations/{}/members/{id}", self.org),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }

    /// A magic-link login of `email` (sent with `session` in the Basic header when given).
    async fn magic_link(&self, email: &str, session: Option<&str>) -> Resp {
        let (r, token) = self.h.send_link(email, &self.org, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/magic_links/authenticate",
                session,
                Some(json!({"magic_links_token": token.expect("token"), "session_duration_minutes": 60})),
            )
            .await
    }

    /// The IST of a primary login that needs MFA.
    async fn ist(&self, email: &str) -> String {
        let r = self.magic_link(email, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.data()["member_authenticated"], false, "{}", r.text);
        r.data()["intermediate_session_token"]
            .as_str()
            .expect("ist")
            .to_string()
    }

    /// A full session of `email` (the organization must not require MFA of them yet).
    async fn session(&self, email: &str) -> (String, Value) {
        let r = self.magic_link(email, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
        (
            r.data()["session_token"]
                .as_str()
                .expect("token")
                .to_string(),
            r.data().clone(),
        )
    }

    async fn texts(&self, phone: &str) -> Vec<Value> {
        let to = phone.replace('+', "%2B");
        let r = self
            .h
            .control(Method::GET, &format!("/emulator/v1/messages?to={to}"))
            .await;
        r.body["messages"].as_array().cloned().unwrap_or_default()
    }

    async fn last_code(&self, phone: &str) -> String {
        self.texts(phone).await[0]["code"]
            .as_str()
            .expect("code")
            .to_string()
    }

    async fn sms_send(&self, email: &str, extra: Value, session: Option<&str>) -> Resp {
        let mut body =
            json!({"organization_id": self.org, "member_id": self.member_id(email).await});
        merge(&mut body, extra);
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/otps/sms/send",
                session,
                Some(body),
            )
            .await
    }

    async fn sms_auth(&self, email: &str, code: &str, extra: Value, session: Option<&str>) -> Resp {
        let mut body = json!({
            "organization_id": self.org,
            "member_id": self.member_id(email).await,
            "code": code,
            "session_duration_minutes": 60,
        });
        merge(&mut body, extra);
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/otps/sms/authenticate",
                session,
                Some(body),
            )
            .await
    }

    async fn totp_create(&self, email: &str, extra: Value, session: Option<&str>) -> Resp {
        let mut body =
            json!({"organization_id": self.org, "member_id": self.member_id(email).await});
        merge(&mut body, extra);
        self.h
            .sdk(Method::POST, "/sdk/v1/b2b/totp", session, Some(body))
            .await
    }

    async fn totp_auth(
        &self,
        email: &str,
        code: &str,
        extra: Value,
        session: Option<&str>,
    ) -> Resp {
        let mut body = json!({
            "organization_id": self.org,
            "member_id": self.member_id(email).await,
            "code": code,
            "session_duration_minutes": 60,
        });
        merge(&mut body, extra);
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/totp/authenticate",
                session,
                Some(body),
            )
            .await
    }

    async fn recover(&self, email: &str, code: &str, extra: Value, session: Option<&str>) -> Resp {
        let mut body = json!({
            "organization_id": self.org,
            "member_id": self.member_id(email).await,
            "recovery_code": code,
            "session_duration_minutes": 60,
        });
        merge(&mut body, extra);
        self.h
            .sdk(
                Method::POST,
                "/sdk/v1/b2b/recovery_codes/recover",
                session,
                Some(body),
            )
            .await
    }

    /// Enrols `email` in TOTP through an MFA login; returns (secret, recovery codes, session).
    async fn enrol_totp(&mut self, email: &str) -> (String, Vec<String>, String) {
        self.require_mfa().await;
        let ist = self.ist(email).await;
        let c = self
            .totp_create(email, json!({"intermediate_session_token": ist}), None)
            .await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.text);
        let secret = c.data()["secret"].as_str().expect("secret").to_string();
        let codes = c.data()["recovery_codes"]
            .as_array()
            .expect("codes")
            .iter()
            .map(|c| c.as_str().expect("code").to_string())
            .collect();
        let code = self.totp_code(&secret);
        let a = self
            .totp_auth(
                email,
                &code,
                json!({"intermediate_session_token": ist}),
                None,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        // The next code of this test belongs to a later time step (a code is used once).
        self.advance(30);
        let session = a.data()["session_token"].as_str().expect("st").to_string();
        (secret, codes, session)
    }
}

fn merge(body: &mut Value, extra: Value) {
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
}

fn assert_error(r: &Resp, status: u16, error_type: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.error_type(), error_type, "{}", r.text);
}

fn factor_types(auth: &Value) -> Vec<(String, String)> {
    auth["member_session"]["authentication_factors"]
        .as_array()
        .expect("factors")
        .iter()
        .map(|f| {
            (
                f["type"].as_str().unwrap_or("").to_string(),
                f["sequence_order"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn assert_needs_mfa(d: &Value) {
    assert_eq!(d["member_authenticated"], false, "{d}");
    assert!(d["member_session"].is_null(), "{d}");
    assert_eq!(d["session_token"], "");
    assert!(
        d["intermediate_session_token"]
            .as_str()
            .is_some_and(|t| t.len() == 44),
        "{d}"
    );
    assert!(d["primary_required"].is_null());
    assert!(d["mfa_required"].is_object(), "{d}");
}

// ------------------------------------------------------------------ policy

#[tokio::test]
async fn required_for_all_turns_every_primary_factor_into_an_ist_with_mfa_required() {
    let t = T::new().await;
    t.require_mfa().await;

    // Magic link.
    let ml = t.magic_link(ADMIN, None).await;
    assert_needs_mfa(ml.data());
    assert_eq!(
        ml.data()["mfa_required"],
        json!({
            "member_options": {"mfa_phone_number": "", "totp_registration_id": ""},
            "secondary_auth_initiated": null,
        })
    );

    // Email OTP.
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/login_or_signup",
            None,
            Some(json!({"email_address": ADMIN, "organization_id": t.org})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let m =
        t.h.control(Method::GET, &format!("/emulator/v1/messages?to={ADMIN}"))
            .await;
    let code = m.body["messages"][0]["code"].as_str().expect("code");
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/authenticate",
            None,
            Some(json!({"email_address": ADMIN, "organization_id": t.org, "code": code})),
        )
        .await;
    assert_needs_mfa(r.data());

    // Password.
    let r = t
        .h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/passwords/authenticate",
            None,
            Some(json!({"email_address": MEMBER, "organization_id": t.org, "password": MEMBER_PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_needs_mfa(r.data());

    // Discovery: the list says MFA is needed (and sends nothing), the exchange answers an IST.
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/discovery/send",
            None,
            Some(json!({"email_address": ADMIN})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let m =
        t.h.control(Method::GET, &format!("/emulator/v1/messages?to={ADMIN}"))
            .await;
    let code = m.body["messages"][0]["code"].as_str().expect("code");
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/email/discovery/authenticate",
            None,
            Some(json!({"email_address": ADMIN, "code": code})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let acme = r.data()["discovered_organizations"]
        .as_array()
        .expect("orgs")
        .iter()
        .find(|o| o["organization"]["organization_slug"] == "acme")
        .expect("acme")
        .clone();
    assert_eq!(acme["member_authenticated"], false);
    assert_eq!(
        acme["mfa_required"]["secondary_auth_initiated"],
        Value::Null
    );
    let ist = r.data()["intermediate_session_token"]
        .as_str()
        .expect("ist");
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/discovery/intermediate_sessions/exchange",
            None,
            Some(json!({"intermediate_session_token": ist, "organization_id": t.org})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_needs_mfa(r.data());
}

#[tokio::test]
async fn discovery_create_with_required_mfa_answers_mfa_required() {
    let t = T::new().await;
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/email/discovery/send",
            None,
            Some(json!({"email_address": "founder@newco.test"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = t.h.latest_token("founder@newco.test").await.expect("token");
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/discovery/authenticate",
            None,
            Some(json!({"discovery_magic_links_token": token})),
        )
        .await;
    let ist = r.data()["intermediate_session_token"]
        .as_str()
        .expect("ist");
    let r = t
        .h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/discovery/organizations/create",
            None,
            Some(json!({"intermediate_session_token": ist, "organization_name": "NewCo", "mfa_policy": "REQUIRED_FOR_ALL"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_needs_mfa(r.data());
}

#[tokio::test]
async fn session_exchange_into_an_org_that_requires_mfa_needs_mfa_there() {
    let t = T::new().await;
    let r = t
        .h
        .backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Globex", "organization_slug": "globex", "mfa_policy": "REQUIRED_FOR_ALL"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let globex = r.body["organization"]["organization_id"]
        .as_str()
        .expect("id")
        .to_string();
    let r =
        t.h.backend(
            Method::POST,
            &format!("/v1/b2b/organizations/{globex}/members"),
            Some(json!({"email_address": ADMIN})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (session, _) = t.session(ADMIN).await;
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/exchange",
            Some(&session),
            Some(json!({"organization_id": globex, "session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_needs_mfa(r.data());
}

#[tokio::test]
async fn an_enrolled_member_needs_mfa_under_the_optional_policy() {
    let t = T::new().await;
    t.member_update(ADMIN, json!({"mfa_enrolled": true})).await;
    assert_needs_mfa(t.magic_link(ADMIN, None).await.data());
    // Another member of the same organization is not asked.
    let r = t.magic_link(MEMBER, None).await;
    assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
}

#[tokio::test]
async fn a_verified_phone_gets_its_code_at_once_but_not_from_the_discovery_list() {
    let mut t = T::new().await;
    t.require_mfa().await;
    // Verify the phone through a first SMS enrolment.
    let ist = t.ist(ADMIN).await;
    let r = t
        .sms_send(
            ADMIN,
            json!({"intermediate_session_token": ist, "mfa_phone_number": PHONE}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(PHONE).await;
    let r = t
        .sms_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.advance(1);

    let before = t.texts(PHONE).await.len();
    let r = t.magic_link(ADMIN, None).await;
    assert_needs_mfa(r.data());
    assert_eq!(
        r.data()["mfa_required"],
        json!({
            "member_options": {"mfa_phone_number": PHONE, "totp_registration_id": ""},
            "secondary_auth_initiated": "sms_otp",
        })
    );
    let texts = t.texts(PHONE).await;
    assert_eq!(texts.len(), before + 1);
    assert_eq!(texts[0]["kind"], "sms");
    assert_eq!(texts[0]["channel"], "sms");
    assert_eq!(texts[0]["to"], PHONE);
    // The literal `?to=+1555…` of the brief (an unencoded `+`) finds the same texts.
    let literal =
        t.h.control(Method::GET, &format!("/emulator/v1/messages?to={PHONE}"))
            .await;
    assert_eq!(
        literal.body["messages"].as_array().map(Vec::len),
        Some(texts.len())
    );
    // The code sent at once signs the member in.
    let ist = r.data()["intermediate_session_token"]
        .as_str()
        .expect("ist");
    let code = texts[0]["code"].as_str().expect("code");
    let r = t
        .sms_auth(
            ADMIN,
            code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Discovery never sends one.
    let d =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/email/discovery/send",
            None,
            Some(json!({"email_address": ADMIN})),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK);
    let token = t.h.latest_token(ADMIN).await.expect("token");
    let d =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/magic_links/discovery/authenticate",
            None,
            Some(json!({"discovery_magic_links_token": token})),
        )
        .await;
    let acme = d.data()["discovered_organizations"]
        .as_array()
        .expect("orgs")
        .iter()
        .find(|o| o["organization"]["organization_slug"] == "acme")
        .expect("acme")
        .clone();
    assert_eq!(
        acme["mfa_required"]["secondary_auth_initiated"],
        Value::Null
    );
    assert_eq!(
        acme["mfa_required"]["member_options"]["mfa_phone_number"],
        PHONE
    );
    let ist = d.data()["intermediate_session_token"]
        .as_str()
        .expect("ist");
    let l =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/discovery/organizations",
            None,
            Some(json!({"intermediate_session_token": ist})),
        )
        .await;
    assert_eq!(l.status, StatusCode::OK);
    assert_eq!(t.texts(PHONE).await.len(), before + 1);
}

#[tokio::test]
async fn a_default_totp_member_gets_no_text_at_once() {
    let mut t = T::new().await;
    let (_, _, session) = t.enrol_totp(ADMIN).await;
    // Link and verify a phone with the TOTP session, then make TOTP the default.
    let r = t
        .sms_send(ADMIN, json!({"mfa_phone_number": PHONE}), Some(&session))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(PHONE).await;
    let r = t.sms_auth(ADMIN, &code, json!({}), Some(&session)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.member_update(ADMIN, json!({"default_mfa_method": "totp"}))
        .await;
    let before = t.texts(PHONE).await.len();
    let r = t.magic_link(ADMIN, None).await;
    assert_needs_mfa(r.data());
    assert_eq!(
        r.data()["mfa_required"]["secondary_auth_initiated"],
        Value::Null
    );
    assert_eq!(t.texts(PHONE).await.len(), before);
}

#[tokio::test]
async fn a_session_with_the_members_second_factor_satisfies_mfa() {
    let mut t = T::new().await;
    let (_, _, session) = t.enrol_totp(ADMIN).await;
    let r = t.magic_link(ADMIN, Some(&session)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
    let types = factor_types(r.data());
    assert!(
        types.contains(&("totp".into(), "SECONDARY".into())),
        "{types:?}"
    );
    assert!(
        types.contains(&("magic_link".into(), "PRIMARY".into())),
        "{types:?}"
    );
    // A session of another member does not.
    let other = t.session_of(MEMBER).await;
    let r = t.magic_link(ADMIN, Some(&other)).await;
    assert_needs_mfa(r.data());
}

// ------------------------------------------------------------------ settings

#[tokio::test]
async fn default_mfa_method_must_be_known_and_held() {
    let t = T::new().await;
    let (session, auth) = t.session(ADMIN).await;
    let id = auth["member_id"].as_str().expect("id");
    let update = |body: Value| {
        let h = &t.h;
        let session = session.clone();
        async move {
            h.sdk(
                Method::PUT,
                &format!("/sdk/v1/b2b/organizations/members/{id}"),
                Some(&session),
                Some(body),
            )
            .await
        }
    };
    assert_error(
        &update(json!({"default_mfa_method": "email"})).await,
        400,
        "invalid_mfa_default_method",
    );
    assert_error(
        &update(json!({"default_mfa_method": "sms_otp"})).await,
        400,
        "default_mfa_member_missing_factor",
    );
    assert_error(
        &update(json!({"default_mfa_method": "totp"})).await,
        400,
        "default_mfa_member_missing_factor",
    );
    // An unverified phone is not a factor yet.
    let r = update(json!({"mfa_phone_number": PHONE})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_error(
        &update(json!({"default_mfa_method": "sms_otp"})).await,
        400,
        "default_mfa_member_missing_factor",
    );
}

#[tokio::test]
async fn mfa_settings_of_the_organization_are_validated_and_rbac_checked() {
    let t = T::new().await;
    let (admin, _) = t.session(ADMIN).await;
    let member = t.session_of(MEMBER).await;
    let put = |session: String, body: Value| {
        let h = &t.h;
        async move {
            h.sdk(
                Method::PUT,
                "/sdk/v1/b2b/organizations/me",
                Some(&session),
                Some(body),
            )
            .await
        }
    };
    assert_error(
        &put(
            admin.clone(),
            json!({"mfa_methods": "RESTRICTED", "allowed_mfa_methods": []}),
        )
        .await,
        400,
        "allowed_mfa_methods_required_for_restricted",
    );
    assert_error(
        &put(admin.clone(), json!({"allowed_mfa_methods": ["email"]})).await,
        400,
        "invalid_argument",
    );
    assert_error(
        &put(member, json!({"mfa_policy": "REQUIRED_FOR_ALL"})).await,
        403,
        "session_authorization_error",
    );
    let r = put(
        admin,
        json!({"mfa_policy": "REQUIRED_FOR_ALL", "mfa_methods": "RESTRICTED", "allowed_mfa_methods": ["totp"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let o = &r.data()["organization"];
    assert_eq!(o["mfa_policy"], "REQUIRED_FOR_ALL");
    assert_eq!(o["mfa_methods"], "RESTRICTED");
    assert_eq!(o["allowed_mfa_methods"], json!(["totp"]));
}

// ------------------------------------------------------------------ SMS

#[tokio::test]
async fn sms_enrolment_links_and_verifies_the_phone_and_issues_a_two_factor_session() {
    let t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    let r = t
        .sms_send(
            ADMIN,
            json!({"intermediate_session_token": ist, "mfa_phone_number": PHONE}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member"]["mfa_phone_number"], PHONE);
    assert_eq!(r.data()["member"]["mfa_phone_number_verified"], false);
    let code = t.last_code(PHONE).await;
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );

    let r = t
        .sms_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["member_authenticated"], true);
    assert_eq!(d["intermediate_session_token"], "");
    assert!(d["mfa_required"].is_null());
    assert_eq!(d["member"]["mfa_phone_number_verified"], true);
    assert_eq!(d["member"]["mfa_enrolled"], true);
    assert_eq!(
        factor_types(d),
        vec![
            ("magic_link".to_string(), "PRIMARY".to_string()),
            ("otp".to_string(), "SECONDARY".to_string())
        ]
    );
    let sms = &d["member_session"]["authentication_factors"][1];
    assert_eq!(sms["delivery_method"], "sms");
    assert_eq!(sms["phone_number_factor"]["phone_number"], PHONE);
    assert!(
        sms["phone_number_factor"]["phone_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("phone-number-test-"))
    );
    // The session works, and the IST is used up.
    let s =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/authenticate",
            d["session_token"].as_str(),
            Some(json!({})),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    let r = t
        .sms_send(ADMIN, json!({"intermediate_session_token": ist}), None)
        .await;
    assert_error(&r, 404, "intermediate_session_not_found");
}

#[tokio::test]
async fn sms_send_errors() {
    let t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    let with_ist = |phone: Option<&str>| {
        let mut v = json!({"intermediate_session_token": ist});
        if let Some(p) = phone {
            v["mfa_phone_number"] = json!(p);
        }
        v
    };
    assert_error(
        &t.sms_send(ADMIN, with_ist(Some("5550000000")), None).await,
        400,
        "invalid_phone_number",
    );
    assert_error(
        &t.sms_send(ADMIN, with_ist(Some("+0123")), None).await,
        400,
        "invalid_phone_number",
    );
    assert_error(
        &t.sms_send(ADMIN, with_ist(None), None).await,
        404,
        "member_phone_number_not_found",
    );
    let ok = t.sms_send(ADMIN, with_ist(Some(PHONE)), None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // A phone that differs from the member's.
    assert_error(
        &t.sms_send(ADMIN, with_ist(Some(OTHER_PHONE)), None).await,
        400,
        "invalid_phone_number",
    );
    assert!(t.texts(OTHER_PHONE).await.is_empty());
    // An IST of another member.
    let other_ist = t.ist(MEMBER).await;
    assert_error(
        &t.sms_send(
            ADMIN,
            json!({"intermediate_session_token": other_ist}),
            None,
        )
        .await,
        400,
        "invalid_intermediate_session_token_for_organization",
    );
    // Unknown member / organization.
    let r = t
        .h
        .sdk(
            Method::POST,
            "/sdk/v1/b2b/otps/sms/send",
            None,
            Some(json!({"organization_id": t.org, "member_id": "member-test-00000000-0000-4000-8000-000000000000"})),
        )
        .await;
    assert_error(&r, 404, "member_not_found");
    // A method the organization does not allow.
    t.org_update(json!({"mfa_methods": "RESTRICTED", "allowed_mfa_methods": ["totp"]}))
        .await;
    assert_error(
        &t.sms_send(ADMIN, with_ist(None), None).await,
        403,
        "operation_restricted_by_organization_mfa_methods",
    );
}

#[tokio::test]
async fn once_a_phone_is_verified_sending_needs_a_proof() {
    let t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    t.sms_send(
        ADMIN,
        json!({"intermediate_session_token": ist, "mfa_phone_number": PHONE}),
        None,
    )
    .await;
    let code = t.last_code(PHONE).await;
    let r = t
        .sms_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_error(
        &t.sms_send(ADMIN, json!({}), None).await,
        400,
        "action_available_only_once_primary_authentication_is_met",
    );
}

#[tokio::test]
async fn sms_authenticate_errors() {
    let mut t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    let with_ist = json!({"intermediate_session_token": ist});

    // No code was ever sent.
    t.member_update(ADMIN, json!({"mfa_phone_number": PHONE}))
        .await;
    assert_error(
        &t.sms_auth(ADMIN, "123456", with_ist.clone(), None).await,
        404,
        "otp_code_not_found",
    );

    // Wrong, then a new send invalidates the previous code.
    t.sms_send(ADMIN, with_ist.clone(), None).await;
    let first = t.last_code(PHONE).await;
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_error(
        &t.sms_auth(ADMIN, wrong, with_ist.clone(), None).await,
        401,
        "unable_to_auth_otp_code",
    );
    t.sms_send(ADMIN, with_ist.clone(), None).await;
    let second = t.last_code(PHONE).await;
    if first != second {
        assert_error(
            &t.sms_auth(ADMIN, &first, with_ist.clone(), None).await,
            401,
            "unable_to_auth_otp_code",
        );
    }

    // No proof, both proofs, an IST of another member.
    assert_error(
        &t.sms_auth(ADMIN, &second, json!({}), None).await,
        400,
        "action_available_only_once_primary_authentication_is_met",
    );
    let member_session = t.session_of(MEMBER).await;
    assert_error(
        &t.sms_auth(ADMIN, &second, json!({}), Some(&member_session))
            .await,
        403,
        "session_authorization_error",
    );
    let other_ist = t.ist(MEMBER).await;
    assert_error(
        &t.sms_auth(
            ADMIN,
            &second,
            json!({"intermediate_session_token": other_ist}),
            None,
        )
        .await,
        400,
        "invalid_intermediate_session_token_for_organization",
    );

    // The right code works once. An ambient session of someone else (an HttpOnly cookie of an
    // earlier login) does not get in the way: the IST is what the call is about.
    let r = t
        .sms_auth(ADMIN, &second, with_ist.clone(), Some(&member_session))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member"]["email_address"], ADMIN);
    assert_ne!(r.data()["session_token"], member_session.as_str());
    let ist2 = t.ist(ADMIN).await;
    // (This login sent a new code at once: the phone is verified now.)
    let sent_at_once = t.last_code(PHONE).await;
    assert_error(
        &t.sms_auth(
            ADMIN,
            &second,
            json!({"intermediate_session_token": ist2}),
            None,
        )
        .await,
        401,
        "unable_to_auth_otp_code",
    );

    // Expired after 2 minutes.
    t.advance(121);
    assert_error(
        &t.sms_auth(
            ADMIN,
            &sent_at_once,
            json!({"intermediate_session_token": ist2}),
            None,
        )
        .await,
        401,
        "unable_to_auth_otp_code",
    );
}

#[tokio::test]
async fn five_wrong_sms_codes_use_the_code_up() {
    let t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    let with_ist = json!({"intermediate_session_token": ist});
    t.sms_send(
        ADMIN,
        json!({"intermediate_session_token": ist, "mfa_phone_number": PHONE}),
        None,
    )
    .await;
    let code = t.last_code(PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_error(
            &t.sms_auth(ADMIN, wrong, with_ist.clone(), None).await,
            401,
            "unable_to_auth_otp_code",
        );
    }
    assert_error(
        &t.sms_auth(ADMIN, &code, with_ist.clone(), None).await,
        401,
        "unable_to_auth_otp_code",
    );
}

#[tokio::test]
async fn sms_with_a_session_steps_it_up_and_sets_enrollment_and_default() {
    let t = T::new().await;
    let (session, auth) = t.session(ADMIN).await;
    let r = t
        .sms_send(ADMIN, json!({"mfa_phone_number": PHONE}), Some(&session))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(PHONE).await;
    let r = t
        .sms_auth(
            ADMIN,
            &code,
            json!({"set_mfa_enrollment": "enroll", "set_default_mfa": true}),
            Some(&session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(
        d["member_session"]["member_session_id"], auth["member_session"]["member_session_id"],
        "the same session, stepped up"
    );
    assert_eq!(d["session_token"], session.as_str());
    assert_eq!(d["member"]["mfa_enrolled"], true);
    assert_eq!(d["member"]["default_mfa_method"], "sms_otp");
    assert!(factor_types(d).contains(&("otp".into(), "SECONDARY".into())));

    // Unenroll, and a bad value.
    let r = t.sms_send(ADMIN, json!({}), Some(&session)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(PHONE).await;
    assert_error(
        &t.sms_auth(
            ADMIN,
            &code,
            json!({"set_mfa_enrollment": "maybe"}),
            Some(&session),
        )
        .await,
        400,
        "invalid_argument",
    );
    let r = t
        .sms_auth(
            ADMIN,
            &code,
            json!({"set_mfa_enrollment": "unenroll"}),
            Some(&session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member"]["mfa_enrolled"], false);
}

// ------------------------------------------------------------------ TOTP

#[tokio::test]
async fn totp_enrolment_qr_code_recovery_codes_and_activation() {
    let t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    let r = t
        .totp_create(ADMIN, json!({"intermediate_session_token": ist}), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data().clone();
    let id = d["totp_registration_id"].as_str().expect("id");
    assert!(id.starts_with("member-totp-test-"), "{id}");
    let secret = d["secret"].as_str().expect("secret");
    assert_eq!(secret.len(), 32);
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );
    let codes = d["recovery_codes"].as_array().expect("codes");
    assert_eq!(codes.len(), 10);
    for c in codes {
        let c = c.as_str().expect("code");
        let parts: Vec<&str> = c.split('-').collect();
        assert_eq!(parts.len(), 3, "{c}");
        assert!(parts.iter().all(|p| {
            p.len() == 4
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        }));
    }
    // Pending: the member does not show it yet.
    assert_eq!(d["member"]["totp_registration_id"], "");

    // The QR code is a PNG of exactly the otpauth URI.
    let uri = format!(
        "otpauth://totp/{issuer}:{ADMIN}?algorithm=SHA1&digits=6&period=30&secret={secret}&issuer={issuer}",
        issuer = "Local%20project%20%28Acme%29"
    );
    assert_qr_encodes(d["qr_code"].as_str().expect("qr"), &uri);

    // A second create while pending.
    assert_error(
        &t.totp_create(ADMIN, json!({"intermediate_session_token": ist}), None)
            .await,
        400,
        "pending_totp_exists",
    );

    // The first code activates it.
    let code = t.totp_code(secret);
    let r = t
        .totp_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist, "set_default_mfa": true}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let a = r.data();
    assert_eq!(a["member"]["totp_registration_id"], id);
    assert_eq!(a["member"]["mfa_enrolled"], true);
    assert_eq!(a["member"]["default_mfa_method"], "totp");
    let factors = &a["member_session"]["authentication_factors"];
    assert_eq!(factors[1]["type"], "totp");
    assert_eq!(factors[1]["delivery_method"], "authenticator_app");
    assert_eq!(factors[1]["authenticator_app_factor"]["totp_id"], id);

    // An active registration blocks another.
    let session = a["session_token"].as_str().expect("st");
    assert_error(
        &t.totp_create(ADMIN, json!({}), Some(session)).await,
        400,
        "active_totp_exists",
    );

    // A replay of the same code, on a fresh login.
    let ist2 = t.ist(ADMIN).await;
    assert_eq!(
        t.magic_link(ADMIN, None).await.data()["mfa_required"]["member_options"]["totp_registration_id"],
        id
    );
    assert_error(
        &t.totp_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist2}),
            None,
        )
        .await,
        400,
        "totp_code_already_authenticated",
    );
}

/// `data_url` is a PNG whose modules are exactly those of a QR code of `uri` (the issuer is the
/// default seed's project name, "Local project", and the organization's name).
fn assert_qr_encodes(data_url: &str, uri: &str) {
    let b64 = data_url
        .strip_prefix("data:image/png;base64,")
        .expect("data URL");
    let png_bytes =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64).expect("base64");
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let side = info.width as usize;
    assert_eq!(info.width, info.height);
    let expected = qrcode::QrCode::new(uri.as_bytes()).expect("qr");
    let modules = expected.width();
    // Quiet zone of 4 modules on each side; sample each module's centre.
    let scale = side / (modules + 8);
    assert_eq!(side, (modules + 8) * scale, "square grid of whole modules");
    let colors = expected.to_colors();
    for y in 0..modules {
        for x in 0..modules {
            let px = buf[((y + 4) * scale + scale / 2) * side + (x + 4) * scale + scale / 2];
            let dark = colors[y * modules + x] == qrcode::Color::Dark;
            assert_eq!(px == 0, dark, "module ({x},{y})");
        }
    }
}

#[tokio::test]
async fn totp_errors() {
    let mut t = T::new().await;
    t.require_mfa().await;
    let ist = t.ist(ADMIN).await;
    let with_ist = json!({"intermediate_session_token": ist});
    assert_error(
        &t.totp_auth(ADMIN, "123456", with_ist.clone(), None).await,
        404,
        "totp_not_found",
    );
    assert_error(
        &t.totp_create(
            ADMIN,
            json!({"intermediate_session_token": ist, "expiration_minutes": 4}),
            None,
        )
        .await,
        400,
        "invalid_expiration",
    );
    let r = t
        .totp_create(
            ADMIN,
            json!({"intermediate_session_token": ist, "expiration_minutes": 5}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let secret = r.data()["secret"].as_str().expect("secret").to_string();
    let recovery = r.data()["recovery_codes"][0]
        .as_str()
        .expect("code")
        .to_string();
    assert_error(
        &t.totp_auth(ADMIN, "12345", with_ist.clone(), None).await,
        400,
        "invalid_totp_code",
    );
    assert_error(
        &t.totp_auth(ADMIN, &recovery, with_ist.clone(), None).await,
        400,
        "recovery_code_used_as_totp_code",
    );
    let right = t.totp_code(&secret);
    let wrong = t.wrong_totp(&secret);
    assert_error(
        &t.totp_auth(ADMIN, &wrong, with_ist.clone(), None).await,
        401,
        "unable_to_authenticate_totp",
    );
    // A code of three steps ago is outside the window (unless it happens to equal a code in it).
    let old = t.totp_code_at(&secret, t.now() - 90);
    if !(0..3).any(|k| t.totp_code_at(&secret, t.now() - 30 + 30 * k) == old) {
        assert_error(
            &t.totp_auth(ADMIN, &old, with_ist.clone(), None).await,
            401,
            "unable_to_authenticate_totp",
        );
    }
    // Another member's IST; no proof.
    let other = t.ist(MEMBER).await;
    assert_error(
        &t.totp_auth(
            ADMIN,
            &right,
            json!({"intermediate_session_token": other}),
            None,
        )
        .await,
        400,
        "invalid_intermediate_session_token_for_organization",
    );
    assert_error(
        &t.totp_auth(ADMIN, &right, json!({}), None).await,
        400,
        "action_available_only_once_primary_authentication_is_met",
    );
    // Not allowed by the organization.
    t.org_update(json!({"mfa_methods": "RESTRICTED", "allowed_mfa_methods": ["sms_otp"]}))
        .await;
    assert_error(
        &t.totp_auth(ADMIN, &right, with_ist.clone(), None).await,
        403,
        "operation_restricted_by_organization_mfa_methods",
    );
    t.org_update(json!({"mfa_methods": "ALL_ALLOWED"})).await;
    // The pending registration expires after its 5 minutes.
    t.advance(6 * 60);
    let ist = t.ist(ADMIN).await;
    let code = t.totp_code(&secret);
    assert_error(
        &t.totp_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await,
        400,
        "expired_totp",
    );
    // ... and may then be replaced.
    let r = t
        .totp_create(ADMIN, json!({"intermediate_session_token": ist}), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn ten_wrong_totp_codes_lock_the_member() {
    let mut t = T::new().await;
    let (secret, _, _) = t.enrol_totp(ADMIN).await;
    let ist = t.ist(ADMIN).await;
    let with_ist = json!({"intermediate_session_token": ist});
    let right = t.totp_code(&secret);
    let wrong = t.wrong_totp(&secret);
    for _ in 0..10 {
        assert_error(
            &t.totp_auth(ADMIN, &wrong, with_ist.clone(), None).await,
            401,
            "unable_to_authenticate_totp",
        );
    }
    assert_error(
        &t.totp_auth(ADMIN, &right, with_ist, None).await,
        429,
        "user_lock_limit_reached",
    );
}

#[tokio::test]
async fn deleting_the_totp_factor_deletes_the_registration_and_its_codes() {
    let mut t = T::new().await;
    let (_, codes, session) = t.enrol_totp(ADMIN).await;
    let r =
        t.h.sdk(
            Method::DELETE,
            "/sdk/v1/b2b/organizations/members/deleteTOTP",
            Some(&session),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member"]["totp_registration_id"], "");
    assert_error(
        &t.h.sdk(
            Method::GET,
            "/sdk/v1/b2b/recovery_codes",
            Some(&session),
            None,
        )
        .await,
        400,
        "no_active_recovery_code_backed_factor",
    );
    let ist = t.ist(ADMIN).await;
    assert_error(
        &t.recover(
            ADMIN,
            &codes[0],
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await,
        400,
        "no_active_recovery_code_backed_factor",
    );
    // A new registration can be made (no `active_totp_exists`).
    let r = t
        .totp_create(ADMIN, json!({"intermediate_session_token": ist}), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The admin path deletes another member's registration too.
    let mut t = T::new().await;
    let (_, _, _) = t.enrol_totp(MEMBER).await;
    let member_id = t.member_id(MEMBER).await;
    let (admin, _) = t.session_after_mfa(ADMIN).await;
    let r =
        t.h.sdk(
            Method::DELETE,
            &format!("/sdk/v1/b2b/organizations/members/totp/{member_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(t.member(MEMBER).await["totp_registration_id"], "");
}

impl T {
    /// A session of `email` in an organization that requires MFA, through an SMS enrolment.
    async fn session_after_mfa(&self, email: &str) -> (String, Value) {
        let ist = self.ist(email).await;
        let r = self
            .sms_send(
                email,
                json!({"intermediate_session_token": ist, "mfa_phone_number": OTHER_PHONE}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let code = self.last_code(OTHER_PHONE).await;
        let r = self
            .sms_auth(
                email,
                &code,
                json!({"intermediate_session_token": ist}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        (
            r.data()["session_token"].as_str().expect("st").to_string(),
            r.data().clone(),
        )
    }
}

// ------------------------------------------------------------------ recovery codes

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_the_set_can_be_read_and_rotated() {
    let mut t = T::new().await;
    let (secret, codes, session) = t.enrol_totp(ADMIN).await;

    let ist = t.ist(ADMIN).await;
    let r = t
        .recover(
            ADMIN,
            &codes[0],
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.data();
    assert_eq!(d["recovery_codes_remaining"], 9);
    assert_eq!(d["member_authenticated"], true);
    let f = &d["member_session"]["authentication_factors"][1];
    assert_eq!(f["type"], "recovery_codes");
    assert_eq!(f["delivery_method"], "recovery_code");
    assert!(f["recovery_code_factor"]["totp_recovery_code_id"].is_string());

    // Single use.
    let ist = t.ist(ADMIN).await;
    let with_ist = json!({"intermediate_session_token": ist});
    assert_error(
        &t.recover(ADMIN, &codes[0], with_ist.clone(), None).await,
        401,
        "unable_to_authenticate_recovery_code",
    );
    assert_error(
        &t.recover(ADMIN, "zzzz-zzzz-zzzz", with_ist.clone(), None)
            .await,
        401,
        "unable_to_authenticate_recovery_code",
    );
    assert_error(
        &t.recover(ADMIN, &t.totp_code(&secret), with_ist.clone(), None)
            .await,
        400,
        "totp_code_used_as_recovery_code",
    );
    assert_error(
        &t.recover(ADMIN, "not a code", with_ist.clone(), None).await,
        400,
        "invalid_recovery_code",
    );
    assert_error(
        &t.recover(ADMIN, &codes[1], json!({}), None).await,
        400,
        "action_available_only_once_primary_authentication_is_met",
    );

    // Get: the nine left.
    let g =
        t.h.sdk(
            Method::GET,
            "/sdk/v1/b2b/recovery_codes",
            Some(&session),
            None,
        )
        .await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.text);
    let left: Vec<&str> = g.data()["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code"))
        .collect();
    assert_eq!(left.len(), 9);
    assert!(!left.contains(&codes[0].as_str()));

    // Rotate: ten new ones, the old ones stop working.
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/recovery_codes/rotate",
            Some(&session),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let fresh: Vec<String> = r.data()["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_string())
        .collect();
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !codes.contains(c)));
    assert_error(
        &t.recover(ADMIN, &codes[1], with_ist.clone(), None).await,
        401,
        "unable_to_authenticate_recovery_code",
    );
    let r = t.recover(ADMIN, &fresh[0], with_ist, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["recovery_codes_remaining"], 9);

    // Without a session, get and rotate are refused.
    let g =
        t.h.sdk(Method::GET, "/sdk/v1/b2b/recovery_codes", None, None)
            .await;
    assert_error(&g, 401, "unauthorized_credentials");
}

#[tokio::test]
async fn recovery_codes_follow_the_totp_method_restriction() {
    let mut t = T::new().await;
    let (_, codes, _) = t.enrol_totp(ADMIN).await;
    t.org_update(json!({"mfa_methods": "RESTRICTED", "allowed_mfa_methods": ["sms_otp"]}))
        .await;
    let ist = t.ist(ADMIN).await;
    assert_error(
        &t.recover(
            ADMIN,
            &codes[0],
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await,
        403,
        "operation_restricted_by_organization_mfa_methods",
    );
}

// ------------------------------------------------------------------ backend twins

#[tokio::test]
async fn the_backend_twins_take_the_proof_in_the_body() {
    let t = T::new().await;
    t.require_mfa().await;
    let id = t.member_id(ADMIN).await;
    let post = |path: &'static str, body: Value| {
        let h = &t.h;
        async move { h.backend(Method::POST, path, Some(body)).await }
    };

    // SMS with the IST in the body.
    let ist = t.ist(ADMIN).await;
    let r = post(
        "/v1/b2b/otps/sms/send",
        json!({"organization_id": t.org, "member_id": id, "mfa_phone_number": PHONE, "intermediate_session_token": ist}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["member"]["mfa_phone_number"], PHONE,
        "not wrapped in data"
    );
    let code = t.last_code(PHONE).await;
    let r = post(
        "/v1/b2b/otps/sms/authenticate",
        json!({"organization_id": t.org, "member_id": id, "code": code, "intermediate_session_token": ist}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let session = r.body["session_token"].as_str().expect("st").to_string();
    let jwt = r.body["session_jwt"].as_str().expect("jwt").to_string();

    // Two proofs at once.
    let r = post(
        "/v1/b2b/totp",
        json!({"organization_id": t.org, "member_id": id, "session_token": session, "session_jwt": jwt}),
    )
    .await;
    assert_error(&r, 400, "too_many_session_arguments");
    let ist = t.ist(ADMIN).await;
    let r = post(
        "/v1/b2b/totp",
        json!({"organization_id": t.org, "member_id": id, "session_token": session, "intermediate_session_token": ist}),
    )
    .await;
    assert_error(&r, 400, "too_many_session_arguments");

    // TOTP with the session JWT, then the session token.
    let r = post(
        "/v1/b2b/totp",
        json!({"organization_id": t.org, "member_id": id, "session_jwt": jwt}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let secret = r.body["secret"].as_str().expect("secret").to_string();
    let codes = r.body["recovery_codes"].clone();
    let r = post(
        "/v1/b2b/totp/authenticate",
        json!({"organization_id": t.org, "member_id": id, "code": t.totp_code(&secret), "session_token": session}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let types = factor_types(&r.body);
    assert!(
        types.contains(&("totp".into(), "SECONDARY".into())),
        "{types:?}"
    );
    assert!(
        types.contains(&("otp".into(), "SECONDARY".into())),
        "{types:?}"
    );

    // Recovery codes: get by path, recover, rotate.
    let g =
        t.h.backend(
            Method::GET,
            &format!("/v1/b2b/recovery_codes/{}/{id}", t.org),
            None,
        )
        .await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.text);
    assert_eq!(g.body["recovery_codes"], codes);
    let ist = t.ist(ADMIN).await;
    let r = post(
        "/v1/b2b/recovery_codes/recover",
        json!({"organization_id": t.org, "member_id": id, "recovery_code": codes[0], "intermediate_session_token": ist}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["recovery_codes_remaining"], 9);
    let r = post(
        "/v1/b2b/recovery_codes/rotate",
        json!({"organization_id": t.org, "member_id": id}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["recovery_codes"].as_array().map(Vec::len), Some(10));
    assert_ne!(r.body["recovery_codes"], codes);

    // A dead session token is not found.
    let r = post(
        "/v1/b2b/totp/authenticate",
        json!({"organization_id": t.org, "member_id": id, "code": "123456", "session_token": "dead"}),
    )
    .await;
    assert_error(&r, 404, "session_not_found");
}

#[tokio::test]
async fn a_primary_factor_alone_cannot_add_a_way_around_the_members_factor() {
    let mut t = T::new().await;
    let (_, _, totp_session) = t.enrol_totp(ADMIN).await;

    // With only the IST of a new login, no phone can be linked (it would bypass the TOTP).
    let ist = t.ist(ADMIN).await;
    let r = t
        .sms_send(
            ADMIN,
            json!({"intermediate_session_token": ist, "mfa_phone_number": PHONE}),
            None,
        )
        .await;
    assert_error(&r, 400, "insufficient_factors");
    assert!(t.texts(PHONE).await.is_empty());
    assert_eq!(t.member(ADMIN).await["mfa_phone_number"], "");
    // A session without the second factor is not enough either.
    let primary_only = t.session_of(ADMIN).await;
    let r = t
        .sms_send(
            ADMIN,
            json!({"mfa_phone_number": PHONE}),
            Some(&primary_only),
        )
        .await;
    assert_error(&r, 400, "insufficient_factors");

    // The member's TOTP session may add the phone.
    let r = t
        .sms_send(
            ADMIN,
            json!({"mfa_phone_number": PHONE}),
            Some(&totp_session),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(PHONE).await;
    // ... and only such a session may verify it.
    assert_error(
        &t.sms_auth(
            ADMIN,
            &code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await,
        400,
        "insufficient_factors",
    );
    let r = t
        .sms_auth(ADMIN, &code, json!({}), Some(&totp_session))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A member whose phone is verified cannot create a TOTP with an IST alone.
    let ist = t.ist(MEMBER).await;
    let r = t
        .sms_send(
            MEMBER,
            json!({"intermediate_session_token": ist, "mfa_phone_number": OTHER_PHONE}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(OTHER_PHONE).await;
    let r = t
        .sms_auth(
            MEMBER,
            &code,
            json!({"intermediate_session_token": ist}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sms_session = r.data()["session_token"].as_str().expect("st").to_string();
    let ist = t.ist(MEMBER).await;
    assert_error(
        &t.totp_create(MEMBER, json!({"intermediate_session_token": ist}), None)
            .await,
        400,
        "insufficient_factors",
    );
    let r = t.totp_create(MEMBER, json!({}), Some(&sms_session)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_session_exchange_leaves_the_other_members_second_factors_behind() {
    let mut t = T::new().await;
    let r =
        t.h.backend(
            Method::POST,
            "/v1/b2b/organizations",
            Some(json!({"organization_name": "Globex", "organization_slug": "globex"})),
        )
        .await;
    let globex = r.body["organization"]["organization_id"]
        .as_str()
        .expect("id")
        .to_string();
    let r =
        t.h.backend(
            Method::POST,
            &format!("/v1/b2b/organizations/{globex}/members"),
            Some(json!({"email_address": ADMIN})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (_, _, session) = t.enrol_totp(ADMIN).await;
    let r =
        t.h.sdk(
            Method::POST,
            "/sdk/v1/b2b/sessions/exchange",
            Some(&session),
            Some(json!({"organization_id": globex, "session_duration_minutes": 60})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member_authenticated"], true, "{}", r.text);
    assert_eq!(
        factor_types(r.data()),
        vec![("magic_link".to_string(), "PRIMARY".to_string())]
    );
}

impl T {
    /// A session of `email` with its primary factor only (the control API's one-call sign-in).
    async fn session_of(&self, email: &str) -> String {
        let body = json!({"organization_id": self.org, "email_address": email}).to_string();
        let r = self
            .h
            .raw(
                Method::POST,
                "/emulator/v1/sessions",
                None,
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.body["session_token"].as_str().expect("st").to_string()
    }
}

#[tokio::test]
async fn mfa_works_with_http_only_cookies() {
    let t = T::new().await;
    t.require_mfa().await;
    let r =
        t.h.raw(
            Method::POST,
            "/emulator/v1/settings",
            None,
            Some(r#"{"http_only_cookies": true}"#),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cookie = |r: &Resp, name: &str| {
        r.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .map(|c| c.split(';').next().unwrap_or("").to_string())
    };
    let r = t.magic_link(ADMIN, None).await;
    assert_eq!(r.data()["intermediate_session_token"], "", "{}", r.text);
    let ist = cookie(&r, "stytch_intermediate_session_token").expect("IST cookie");
    assert_eq!(ist.len(), 44);

    let auth = t.h.sdk_public_auth();
    let cookie_header = format!("stytch_intermediate_session_token={ist}");
    let id = t.member_id(ADMIN).await;
    let send = json!({"organization_id": t.org, "member_id": id, "mfa_phone_number": PHONE});
    let r =
        t.h.raw(
            Method::POST,
            "/sdk/v1/b2b/otps/sms/send",
            Some(auth.clone()),
            Some(&send.to_string()),
            &[("cookie", &cookie_header)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = t.last_code(PHONE).await;
    let body = json!({"organization_id": t.org, "member_id": id, "code": code});
    let r =
        t.h.raw(
            Method::POST,
            "/sdk/v1/b2b/otps/sms/authenticate",
            Some(auth),
            Some(&body.to_string()),
            &[("cookie", &cookie_header)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["member_authenticated"], true);
    assert_eq!(r.data()["session_token"], "");
    assert!(cookie(&r, "stytch_session").is_some_and(|v| v.len() == 44));
}
