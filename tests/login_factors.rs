//! Every primary login factor and the discovery flow, client core against the in-process emulator:
//! email OTP, passwords, discovery (list / create / exchange), `session().exchange`, magic-link
//! discovery, intermediate session tokens, PKCE field names on the wire, authenticate-by-URL.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use leptos_stytch::core::platform::{CookieSpec, Runtime, Store};
use leptos_stytch::*;
use serde_json::{Value, json};
use stytch_emulator::Seed;
use support::*;

const INITECH: &str = "organization-test-00000000-0000-4000-8000-000000000003";
const UMBRELLA: &str = "organization-test-00000000-0000-4000-8000-000000000004";
const PASSWORD: &str = "correct horse battery staple 42";
const NEW_PASSWORD: &str = "Tr0ub4dor&3-sunny-meadow-42";
const IST_COOKIE: &str = "stytch_intermediate_session_token";

/// Acme (JIT example.com; admin@example.com verified, with a password), Globex (no JIT; bob, and
/// admin@example.com too), Initech (magic links only; admin), Umbrella (MFA required; admin).
fn factors_seed(extra: Value) -> Seed {
    let mut v = json!({
        "allowed_origins": [ORIGIN],
        "redirect_urls": [REDIRECT],
        "organizations": [
            {"organization_id": ORG_ID, "organization_name": "Acme", "organization_slug": "acme",
             "email_allowed_domains": ["example.com"], "email_jit_provisioning": "RESTRICTED",
             "members": [{"email_address": "admin@example.com", "name": "Ada Admin", "roles": ["stytch_admin"],
                          "email_address_verified": true, "password": PASSWORD}]},
            {"organization_id": OTHER_ORG_ID, "organization_name": "Globex", "organization_slug": "globex",
             "email_jit_provisioning": "NOT_ALLOWED",
             "members": [{"email_address": "bob@globex.test", "name": "Bob"},
                         {"email_address": "admin@example.com", "name": "Ada"}]},
            {"organization_id": INITECH, "organization_name": "Initech", "organization_slug": "initech",
             "auth_methods": "RESTRICTED", "allowed_auth_methods": ["magic_link"], "email_invites": "ALL_ALLOWED",
             "members": [{"email_address": "admin@example.com"}]},
            {"organization_id": UMBRELLA, "organization_name": "Umbrella", "organization_slug": "umbrella",
             "mfa_policy": "REQUIRED_FOR_ALL", "email_invites": "ALL_ALLOWED",
             "members": [{"email_address": "admin@example.com"}]}
        ]
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    serde_json::from_value(v).expect("seed")
}

async fn harness() -> Harness {
    Harness::with_seed(factors_seed(json!({})), StytchB2BOptions::default()).await
}

fn ist_cookie(h: &Harness) -> Option<String> {
    h.store.get_cookie(IST_COOKIE)
}

fn set_ist_cookie(h: &Harness, value: &str) {
    h.store.set_cookie(&CookieSpec {
        name: IST_COOKIE.into(),
        value: value.into(),
        expires_ms: None,
        path: "/".into(),
        domain: None,
        secure: false,
    });
}

async fn otp_code(h: &Harness, email: &str) -> String {
    let m = h.last_message(email).await;
    assert_eq!(m["kind"], "email_otp");
    m["code"].as_str().expect("code").to_owned()
}

async fn otp_discovery(h: &Harness, email: &str) -> DiscoveryAuthenticateResponse {
    h.client
        .otps()
        .email()
        .discovery()
        .send(OtpEmailDiscoverySendRequest {
            email_address: email.into(),
            ..Default::default()
        })
        .await
        .expect("discovery send");
    let code = otp_code(h, email).await;
    h.client
        .otps()
        .email()
        .discovery()
        .authenticate(OtpEmailDiscoveryAuthenticateRequest {
            code,
            email_address: email.into(),
        })
        .await
        .expect("discovery authenticate")
}

fn org<'a>(resp: &'a [DiscoveredOrganization], id: &str) -> &'a DiscoveredOrganization {
    resp.iter()
        .find(|o| o.organization.organization_id == id)
        .unwrap_or_else(|| panic!("{id} not discovered"))
}

// ---------------------------------------------------------------- email OTP

#[test]
fn email_otp_login_creates_a_session() {
    run(async {
        let h = harness().await;
        let sent = h
            .client
            .otps()
            .email()
            .login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("login_or_signup");
        assert_eq!(sent.member_created, Some(false));
        let code = otp_code(&h, "admin@example.com").await;
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        let resp = h
            .client
            .otps()
            .email()
            .authenticate(OtpEmailAuthenticateRequest {
                code,
                email_address: "admin@example.com".into(),
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("authenticate");
        assert!(resp.member_authenticated);
        let session = resp.member_session.expect("session");
        assert_eq!(session.authentication_factors[0].kind, "email_otp");
        assert!(h.client.session().get_tokens().is_some());
        assert!(ist_cookie(&h).is_none());
        assert_eq!(
            keys(&body_to(&h, "/b2b/otps/email/authenticate")),
            [
                "code",
                "email_address",
                "organization_id",
                "session_duration_minutes"
            ]
        );
        // JIT signup: a new example.com address becomes a pending member, active after the code.
        let sent = h
            .client
            .otps()
            .email()
            .login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: ORG_ID.into(),
                email_address: "new@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("signup");
        assert_eq!(sent.member_created, Some(true));
        assert_eq!(sent.member.status, "pending");
        let code = otp_code(&h, "new@example.com").await;
        let resp = h
            .client
            .otps()
            .email()
            .authenticate(OtpEmailAuthenticateRequest {
                code,
                email_address: "new@example.com".into(),
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("signup authenticate");
        assert_eq!(resp.member.status, "active");
        assert!(resp.member.email_address_verified);
    });
}

#[test]
fn email_otp_codes_are_single_use_newest_only_limited_and_expire() {
    run(async {
        let h = harness().await;
        let otps = h.client.otps().email();
        let send = || {
            otps.login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
        };
        let auth = |code: &str| {
            otps.authenticate(OtpEmailAuthenticateRequest {
                code: code.into(),
                email_address: "admin@example.com".into(),
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
        };
        // Nothing sent yet.
        assert_eq!(
            api_error(auth("123456").await),
            (404, "otp_code_not_found".into())
        );
        // Only the newest code is valid.
        send().await.unwrap();
        let old = otp_code(&h, "admin@example.com").await;
        send().await.unwrap();
        let new = otp_code(&h, "admin@example.com").await;
        if old != new {
            assert_eq!(
                api_error(auth(&old).await),
                (401, "unable_to_auth_otp_code".into())
            );
        }
        auth(&new).await.expect("newest code");
        // Single use.
        assert_eq!(
            api_error(auth(&new).await),
            (401, "unable_to_auth_otp_code".into())
        );
        // Five wrong attempts invalidate the code.
        send().await.unwrap();
        let code = otp_code(&h, "admin@example.com").await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            assert_eq!(
                api_error(auth(wrong).await),
                (401, "unable_to_auth_otp_code".into())
            );
        }
        assert_eq!(
            api_error(auth(&code).await),
            (401, "unable_to_auth_otp_code".into())
        );
        // Expiry: 10 minutes by default.
        send().await.unwrap();
        let code = otp_code(&h, "admin@example.com").await;
        h.emulator
            .advance_clock(std::time::Duration::from_secs(10 * 60 + 1));
        assert_eq!(
            api_error(auth(&code).await),
            (401, "unable_to_auth_otp_code".into())
        );
        // Out-of-range expiration and a restricted organization.
        let r = otps
            .login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                login_expiration_minutes: Some(16),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (400, "invalid_expiration".into()));
        let r = otps
            .login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: INITECH.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(r),
            (
                403,
                "operation_restricted_by_organization_auth_methods".into()
            )
        );
    });
}

// ---------------------------------------------------------------- discovery

#[test]
fn otp_discovery_lists_organizations_and_exchange_enters_one() {
    run(async {
        let h = harness().await;
        h.login("admin@example.com").await;
        assert!(h.client.session().get_sync().is_some());
        let resp = otp_discovery(&h, "admin@example.com").await;
        // IST stored for 10 minutes, the local session cleared.
        assert_eq!(
            ist_cookie(&h).as_deref(),
            Some(resp.intermediate_session_token.as_str())
        );
        let spec = h.store.cookie_spec(IST_COOKIE).unwrap();
        assert_eq!(
            spec.expires_ms,
            Some(h.runtime.now_ms() + 10 * 60 * 1000),
            "IST cookie lives 10 minutes"
        );
        assert!(h.client.session().get_sync().is_none());
        assert!(h.client.session().get_tokens().is_none());
        assert_eq!(resp.email_address, "admin@example.com");
        let orgs = &resp.discovered_organizations;
        assert_eq!(orgs.len(), 4);
        let acme = org(orgs, ORG_ID);
        assert_eq!(acme.membership.kind, "active_member");
        assert!(acme.member_authenticated);
        let initech = org(orgs, INITECH);
        assert!(!initech.member_authenticated);
        assert_eq!(
            initech
                .primary_required
                .as_ref()
                .unwrap()
                .allowed_auth_methods,
            ["magic_link"]
        );
        let umbrella = org(orgs, UMBRELLA);
        assert!(!umbrella.member_authenticated);
        assert!(umbrella.mfa_required.is_some());

        // list: sends the IST in the body, does not consume it.
        let list = h
            .client
            .discovery()
            .organizations()
            .list()
            .await
            .expect("list");
        assert_eq!(list.discovered_organizations.len(), 4);
        assert_eq!(
            body_to(&h, "/b2b/discovery/organizations")["intermediate_session_token"],
            resp.intermediate_session_token.as_str()
        );

        // exchange into Acme: a session, the IST cookie removed.
        let session = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("exchange");
        assert!(session.member_authenticated);
        assert_eq!(session.organization.organization_id, ORG_ID);
        assert!(ist_cookie(&h).is_none());
        assert!(h.client.session().get_tokens().is_some());
        assert_eq!(
            keys(&body_to(
                &h,
                "/b2b/discovery/intermediate_sessions/exchange"
            )),
            [
                "intermediate_session_token",
                "organization_id",
                "session_duration_minutes"
            ]
        );
        // With a session, list shows only existing memberships.
        let list = h.client.discovery().organizations().list().await.unwrap();
        assert!(
            list.discovered_organizations
                .iter()
                .all(|o| o.membership.kind.ends_with("_member"))
        );
        assert!(
            body_to(&h, "/b2b/discovery/organizations")
                .get("intermediate_session_token")
                .is_none()
        );
        // The IST was single use.
        set_ist_cookie(&h, &resp.intermediate_session_token);
        let r = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (404, "intermediate_session_not_found".into()));
    });
}

#[test]
fn discovery_join_by_domain_wrong_org_and_step_up() {
    run(async {
        let h = harness().await;
        // A new example.com address: Acme is joinable (a verified example.com member exists).
        let resp = otp_discovery(&h, "newbie@example.com").await;
        let acme = org(&resp.discovered_organizations, ORG_ID);
        assert_eq!(acme.membership.kind, "eligible_to_join_by_email_domain");
        assert!(acme.membership.member.is_none());
        // Globex: not a member, not eligible.
        let r = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: OTHER_ORG_ID.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(r),
            (
                400,
                "invalid_intermediate_session_token_for_organization".into()
            )
        );
        let r = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: "organization-test-00000000-0000-4000-8000-00000000dead".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (404, "organization_not_found".into()));
        let joined = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("join");
        assert_eq!(joined.member.status, "active");
        assert_eq!(joined.member.email_address, "newbie@example.com");

        // Initech allows only magic links: an OTP discovery gives primary_required + a bound IST.
        otp_discovery(&h, "admin@example.com").await;
        let pending = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: INITECH.into(),
                ..Default::default()
            })
            .await
            .expect("exchange answers with primary_required");
        assert!(!pending.member_authenticated);
        assert!(pending.member_session.is_none());
        assert_eq!(
            pending.primary_required,
            Some(PrimaryRequired {
                allowed_auth_methods: vec!["magic_link".into()]
            })
        );
        assert_eq!(
            ist_cookie(&h).as_deref(),
            Some(pending.intermediate_session_token.as_str())
        );
        // The bound IST is refused for another organization...
        let r = h
            .client
            .otps()
            .email()
            .login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await;
        r.expect("send");
        let code = otp_code(&h, "admin@example.com").await;
        let r = h
            .client
            .otps()
            .email()
            .authenticate(OtpEmailAuthenticateRequest {
                code,
                email_address: "admin@example.com".into(),
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(r),
            (
                400,
                "invalid_intermediate_session_token_for_organization".into()
            )
        );
        // ...and completed by a magic link in Initech (step-up: both factors in the session).
        let token = h.magic_link_token("admin@example.com", INITECH).await;
        let done = h
            .client
            .magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("step-up");
        assert!(done.member_authenticated);
        assert_eq!(
            body_to(&h, "/b2b/magic_links/authenticate")["intermediate_session_token"],
            pending.intermediate_session_token.as_str()
        );
        let kinds: Vec<String> = done
            .member_session
            .unwrap()
            .authentication_factors
            .iter()
            .map(|f| f.kind.clone())
            .collect();
        assert_eq!(kinds, ["email_otp", "magic_link"]);
        assert!(ist_cookie(&h).is_none());
    });
}

#[test]
fn discovery_create_organization() {
    run(async {
        let h = harness().await;
        // Without an IST.
        let r = h
            .client
            .discovery()
            .organizations()
            .create(DiscoveryOrganizationsCreateRequest::default())
            .await;
        assert_eq!(api_error(r), (404, "intermediate_session_not_found".into()));
        otp_discovery(&h, "founder@startup.test").await;
        let created = h
            .client
            .discovery()
            .organizations()
            .create(DiscoveryOrganizationsCreateRequest {
                organization_name: Some("Newco".into()),
                organization_slug: Some("newco".into()),
                ..Default::default()
            })
            .await
            .expect("create");
        assert!(created.member_authenticated);
        assert_eq!(created.organization.organization_slug, "newco");
        assert!(created.member.is_admin);
        assert_eq!(created.member.status, "active");
        assert!(
            created
                .member_session
                .unwrap()
                .roles
                .contains(&"stytch_admin".to_string())
        );
        assert!(ist_cookie(&h).is_none());
        assert_eq!(
            h.client
                .organization()
                .get_sync()
                .unwrap()
                .organization_name,
            "Newco"
        );
        // Slug taken, slug malformed.
        otp_discovery(&h, "founder@startup.test").await;
        for (slug, err) in [
            ("newco", "organization_slug_already_used"),
            ("a b", "invalid_organization_slug"),
        ] {
            let r = h
                .client
                .discovery()
                .organizations()
                .create(DiscoveryOrganizationsCreateRequest {
                    organization_name: Some("Other".into()),
                    organization_slug: Some(slug.into()),
                    ..Default::default()
                })
                .await;
            assert_eq!(api_error(r), (400, err.into()), "{slug}");
        }
        // The failed attempts did not consume the IST; MFA-required org → IST + mfa_required.
        let mfa = h
            .client
            .discovery()
            .organizations()
            .create(DiscoveryOrganizationsCreateRequest {
                organization_name: Some("Vault".into()),
                mfa_policy: Some("REQUIRED_FOR_ALL".into()),
                ..Default::default()
            })
            .await
            .expect("create with MFA");
        assert!(!mfa.member_authenticated);
        let required = mfa.mfa_required.as_ref().expect("mfa_required");
        assert_eq!(required.secondary_auth_initiated, None);
        // A new member has no second factor: the pending step is enrolment.
        assert_eq!(
            h.client.pending_mfa().map(|p| p.step()),
            Some(MfaStep::Enroll {
                methods: vec![MfaMethod::Totp, MfaMethod::SmsOtp]
            })
        );
        assert!(ist_cookie(&h).is_some());
        assert!(h.client.session().get_sync().is_none());
    });
}

#[test]
fn mfa_required_org_and_restricted_methods_on_org_login() {
    run(async {
        let h = harness().await;
        let token = h.magic_link_token("admin@example.com", UMBRELLA).await;
        let resp = h
            .client
            .magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .expect("authenticate");
        assert!(!resp.member_authenticated);
        assert!(resp.member_session.is_none());
        assert_eq!(resp.session_token, "");
        let required = resp.mfa_required.as_ref().expect("mfa_required");
        assert_eq!(required.secondary_auth_initiated, None);
        let pending = h
            .client
            .pending_mfa()
            .expect("the client holds the pending MFA step");
        assert_eq!(pending.member.member_id, resp.member_id);
        assert_eq!(pending.organization.organization_id, UMBRELLA);
        assert_eq!(&pending.mfa_required, required);
        assert_eq!(
            ist_cookie(&h).as_deref(),
            Some(resp.intermediate_session_token.as_str())
        );
        assert!(h.client.session().get_tokens().is_none());
        // Passwords are not allowed in Initech.
        let r = h
            .client
            .passwords()
            .reset_by_email_start(PasswordResetByEmailStartRequest {
                organization_id: INITECH.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(r),
            (
                403,
                "operation_restricted_by_organization_auth_methods".into()
            )
        );
    });
}

#[test]
fn session_exchange_moves_to_another_org_of_the_same_email() {
    run(async {
        let h = harness().await;
        let first = h.login("admin@example.com").await;
        let moved = h
            .client
            .session()
            .exchange(ExchangeRequest {
                organization_id: OTHER_ORG_ID.into(),
                ..Default::default()
            })
            .await
            .expect("exchange");
        assert!(moved.member_authenticated);
        assert_eq!(moved.organization.organization_id, OTHER_ORG_ID);
        assert_ne!(moved.member_id, first.member_id);
        assert_eq!(
            h.client.session().get_tokens().unwrap().session_token,
            moved.session_token
        );
        assert_eq!(
            keys(&body_to(&h, "/b2b/sessions/exchange")),
            ["organization_id", "session_duration_minutes"]
        );
        // No member there.
        let r = h
            .client
            .session()
            .exchange(ExchangeRequest {
                organization_id: "organization-test-00000000-0000-4000-8000-00000000dead".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (404, "organization_not_found".into()));
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap();
        let r = h
            .client
            .session()
            .exchange(ExchangeRequest {
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (401, "unauthorized_credentials".into()));
        // bob@globex.test has no member in Acme.
        let token = h.magic_link_token("bob@globex.test", OTHER_ORG_ID).await;
        h.client
            .magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .unwrap();
        let r = h
            .client
            .session()
            .exchange(ExchangeRequest {
                organization_id: ORG_ID.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (404, "member_not_found".into()));
    });
}

// ---------------------------------------------------------------- magic-link discovery

#[test]
fn magic_link_discovery_with_pkce_field_names() {
    run(async {
        let h = Harness::with_seed(
            factors_seed(json!({"pkce_required_for_email_magic_links": true})),
            StytchB2BOptions::default(),
        )
        .await;
        h.client
            .magic_links()
            .email()
            .discovery()
            .send(EmailDiscoverySendRequest {
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("send");
        let sent = body_to(&h, "/b2b/magic_links/email/discovery/send");
        assert_eq!(keys(&sent), ["email_address", "pkce_code_challenge"]);
        let msg = h.last_message("admin@example.com").await;
        assert_eq!(msg["kind"], "magic_link_discovery");
        let link = msg["link"].as_str().unwrap();
        assert!(link.starts_with(&format!("{REDIRECT}?stytch_token_type=discovery&token=")));
        let token = msg["token"].as_str().unwrap().to_owned();
        let pkce_key = format!(
            "stytch_sdk_state_{}::PKCE_VERIFIER:magic_links",
            h.emulator.project().public_token
        );
        assert!(h.store.get_item(&pkce_key).is_some());

        // A wrong verifier → pkce_mismatch, and the token is not consumed.
        let good = h.store.get_item(&pkce_key).unwrap();
        h.store.set_item(
            &pkce_key,
            &json!({"code_challenge": "x", "code_verifier": "not-the-verifier"}).to_string(),
        );
        let r = h
            .client
            .magic_links()
            .discovery()
            .authenticate(MagicLinksDiscoveryAuthenticateRequest {
                discovery_magic_links_token: token.clone(),
            })
            .await;
        assert_eq!(api_error(r), (400, "pkce_mismatch".into()));
        h.store.set_item(&pkce_key, &good);

        let resp = h
            .client
            .authenticate_by_url(link, 60)
            .await
            .expect("by url")
            .expect("a token");
        let AuthenticateByUrlResult::Discovery(resp) = resp else {
            panic!("expected discovery, got {resp:?}")
        };
        assert_eq!(resp.discovered_organizations.len(), 4);
        assert_eq!(
            keys(&body_to(&h, "/b2b/magic_links/discovery/authenticate")),
            ["discovery_magic_links_token", "pkce_code_verifier"]
        );
        assert!(h.store.get_item(&pkce_key).is_none(), "pair cleared");
        assert!(ist_cookie(&h).is_some());
        // Reused link.
        let r = h
            .client
            .magic_links()
            .discovery()
            .authenticate(MagicLinksDiscoveryAuthenticateRequest {
                discovery_magic_links_token: token,
            })
            .await;
        assert_eq!(api_error(r), (401, "unable_to_auth_magic_link".into()));
    });
}

#[test]
fn authenticate_by_url_dispatches_on_the_token_type() {
    run(async {
        let h = harness().await;
        assert_eq!(
            h.client
                .authenticate_by_url("http://127.0.0.1:8080/", 60)
                .await
                .unwrap(),
            None
        );
        let token = h.magic_link_token("admin@example.com", ORG_ID).await;
        let url = format!("{REDIRECT}?stytch_token_type=multi_tenant_magic_links&token={token}");
        match h.client.authenticate_by_url(&url, 30).await.unwrap() {
            Some(AuthenticateByUrlResult::MagicLink(r)) => {
                assert!(r.member_authenticated);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            body_to(&h, "/b2b/magic_links/authenticate")["session_duration_minutes"],
            30
        );
        let before = h.transport.requests().len();
        let r = h
            .client
            .authenticate_by_url(
                "http://127.0.0.1:8080/reset?stytch_token_type=multi_tenant_passwords&token=abc",
                60,
            )
            .await
            .unwrap()
            .unwrap();
        assert!(!r.handled());
        assert_eq!(
            r,
            AuthenticateByUrlResult::NotHandled {
                token_type: "multi_tenant_passwords".into(),
                token: "abc".into()
            }
        );
        assert_eq!(h.transport.requests().len(), before, "no request");
        let r = h
            .client
            .authenticate_by_url(
                &format!("{REDIRECT}?stytch_token_type=multi_tenant_magic_links&token={token}"),
                60,
            )
            .await;
        assert_eq!(api_error(r), (401, "unable_to_auth_magic_link".into()));
    });
}

// ---------------------------------------------------------------- passwords

#[test]
fn password_authenticate_and_strength_check() {
    run(async {
        let h = harness().await;
        let pw = h.client.passwords();
        let req = |org: &str, email: &str, password: &str| PasswordAuthenticateRequest {
            organization_id: org.into(),
            email_address: email.into(),
            password: password.into(),
            ..Default::default()
        };
        let resp = pw
            .authenticate(req(ORG_ID, "admin@example.com", PASSWORD))
            .await
            .expect("authenticate");
        assert!(resp.member_authenticated);
        let factor = &resp.member_session.unwrap().authentication_factors[0];
        assert_eq!(
            (factor.kind.as_str(), factor.delivery_method.as_str()),
            ("password", "knowledge")
        );
        assert!(!resp.member.member_password_id.is_empty());
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/authenticate")),
            [
                "email_address",
                "organization_id",
                "password",
                "session_duration_minutes"
            ]
        );
        assert_eq!(
            api_error(
                pw.authenticate(req(ORG_ID, "admin@example.com", "nope"))
                    .await
            ),
            (401, "unauthorized_credentials".into())
        );
        assert_eq!(
            api_error(
                pw.authenticate(req(ORG_ID, "ghost@example.com", PASSWORD))
                    .await
            ),
            (401, "unauthorized_credentials".into())
        );
        assert_eq!(
            api_error(
                pw.authenticate(req(OTHER_ORG_ID, "bob@globex.test", PASSWORD))
                    .await
            ),
            (404, "member_password_not_found".into())
        );
        assert_eq!(
            api_error(
                pw.authenticate(req(INITECH, "admin@example.com", PASSWORD))
                    .await
            ),
            (404, "member_password_not_found".into()),
            "admin has no password in Initech"
        );

        let weak = pw
            .strength_check(PasswordStrengthCheckRequest {
                password: "password1".into(),
                email_address: Some("admin@example.com".into()),
            })
            .await
            .unwrap();
        assert!(!weak.valid_password);
        assert_eq!(weak.strength_policy, "zxcvbn");
        assert!(weak.score < 3);
        let strong = pw
            .strength_check(PasswordStrengthCheckRequest {
                password: NEW_PASSWORD.into(),
                email_address: None,
            })
            .await
            .unwrap();
        assert!(strong.valid_password);
        assert!(strong.score >= 3);
        assert!(!strong.breached_password);
        assert!(strong.luds_feedback["has_symbol"].as_bool().unwrap());
    });
}

#[test]
fn luds_policy_is_bootstrapped_and_enforced() {
    run(async {
        let h = Harness::with_seed(
            factors_seed(
                json!({"password_config": {"luds_complexity": 3, "luds_minimum_count": 10}}),
            ),
            StytchB2BOptions::default(),
        )
        .await;
        let b = h.client.bootstrap_config().await;
        assert_eq!(
            b.password_config,
            Some(json!({"luds_complexity": 3, "luds_minimum_count": 10}))
        );
        let r = h
            .client
            .passwords()
            .strength_check(PasswordStrengthCheckRequest {
                password: "abcdefgh".into(),
                email_address: None,
            })
            .await
            .unwrap();
        assert_eq!(r.strength_policy, "luds");
        assert!(!r.valid_password);
        assert_eq!(r.luds_feedback["missing_complexity"], 2);
        assert_eq!(r.luds_feedback["missing_characters"], 2);
        let r = h
            .client
            .passwords()
            .strength_check(PasswordStrengthCheckRequest {
                password: "Abcdefgh12".into(),
                email_address: None,
            })
            .await
            .unwrap();
        assert!(r.valid_password);
    });
}

#[test]
fn password_resets_by_email_existing_password_and_session() {
    run(async {
        let h = harness().await;
        let pw = h.client.passwords();
        let old = h.login("admin@example.com").await;
        let started = pw
            .reset_by_email_start(PasswordResetByEmailStartRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await
            .expect("start");
        assert_eq!(started.member.email_address, "admin@example.com");
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/email/reset/start")),
            ["email_address", "organization_id"],
            "no code_challenge unless the project requires PKCE"
        );
        let msg = h.last_message("admin@example.com").await;
        assert_eq!(msg["kind"], "password_reset");
        let link = msg["link"].as_str().unwrap().to_owned();
        assert!(link.contains("stytch_token_type=multi_tenant_passwords&token="));
        let Some(AuthenticateByUrlResult::NotHandled { token, .. }) =
            h.client.authenticate_by_url(&link, 60).await.unwrap()
        else {
            panic!("password links are not handled")
        };
        let r = pw
            .reset_by_email(PasswordResetByEmailRequest {
                password_reset_token: token.clone(),
                password: "password".into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (400, "weak_password".into()));
        let resp = pw
            .reset_by_email(PasswordResetByEmailRequest {
                password_reset_token: token.clone(),
                password: NEW_PASSWORD.into(),
                ..Default::default()
            })
            .await
            .expect("reset");
        assert!(resp.member_authenticated);
        assert_ne!(resp.session_token, old.session_token);
        // The old session was revoked.
        let (status, body) = h
            .call(
                leptos_stytch::core::platform::Method::Post,
                "/v1/b2b/sessions/authenticate",
                Some(h.backend_auth()),
                Some(json!({"session_token": old.session_token})),
            )
            .await;
        assert_eq!(
            (status, body["error_type"].as_str()),
            (404, Some("session_not_found"))
        );
        // Single use.
        let r = pw
            .reset_by_email(PasswordResetByEmailRequest {
                password_reset_token: token,
                password: NEW_PASSWORD.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(
            api_error(r),
            (401, "unable_to_auth_password_reset_token".into())
        );
        pw.authenticate(PasswordAuthenticateRequest {
            organization_id: ORG_ID.into(),
            email_address: "admin@example.com".into(),
            password: NEW_PASSWORD.into(),
            ..Default::default()
        })
        .await
        .expect("new password works");

        // Existing password.
        let r = pw
            .reset_by_existing_password(PasswordResetByExistingPasswordRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                existing_password: "wrong".into(),
                new_password: PASSWORD.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (401, "unauthorized_credentials".into()));
        let resp = pw
            .reset_by_existing_password(PasswordResetByExistingPasswordRequest {
                organization_id: ORG_ID.into(),
                email_address: "admin@example.com".into(),
                existing_password: NEW_PASSWORD.into(),
                new_password: PASSWORD.into(),
                ..Default::default()
            })
            .await
            .expect("existing reset");
        assert!(resp.member_authenticated);

        // Session reset: fresh session required; the current session survives.
        let resp = pw
            .reset_by_session(PasswordResetBySessionRequest {
                password: NEW_PASSWORD.into(),
            })
            .await
            .expect("session reset");
        assert_eq!(
            h.client.session().get_tokens().unwrap().session_token,
            resp.session_token
        );
        h.client
            .session()
            .authenticate(None)
            .await
            .expect("session still valid");
        h.emulator
            .advance_clock(std::time::Duration::from_secs(6 * 60));
        let r = pw
            .reset_by_session(PasswordResetBySessionRequest {
                password: PASSWORD.into(),
            })
            .await;
        assert_eq!(
            api_error(r),
            (400, "session_too_old_to_reset_password".into())
        );
    });
}

#[test]
fn password_pkce_uses_the_per_method_field_names() {
    run(async {
        let h = Harness::with_seed(
            factors_seed(json!({"pkce_required_for_password_resets": true})),
            StytchB2BOptions::default(),
        )
        .await;
        let pw = h.client.passwords();
        let pkce_key = format!(
            "stytch_sdk_state_{}::PKCE_VERIFIER:passwords",
            h.emulator.project().public_token
        );
        // Org flavour: code_challenge / code_verifier.
        pw.reset_by_email_start(PasswordResetByEmailStartRequest {
            organization_id: ORG_ID.into(),
            email_address: "admin@example.com".into(),
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/email/reset/start")),
            ["code_challenge", "email_address", "organization_id"]
        );
        let token = h.last_message("admin@example.com").await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let good = h.store.get_item(&pkce_key).expect("pair stored");
        h.store.set_item(
            &pkce_key,
            &json!({"code_challenge": "x", "code_verifier": "wrong"}).to_string(),
        );
        let r = pw
            .reset_by_email(PasswordResetByEmailRequest {
                password_reset_token: token.clone(),
                password: NEW_PASSWORD.into(),
                ..Default::default()
            })
            .await;
        assert_eq!(api_error(r), (400, "pkce_mismatch".into()));
        h.store.set_item(&pkce_key, &good);
        pw.reset_by_email(PasswordResetByEmailRequest {
            password_reset_token: token,
            password: NEW_PASSWORD.into(),
            ..Default::default()
        })
        .await
        .expect("reset with the right verifier");
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/email/reset")),
            [
                "code_verifier",
                "password",
                "password_reset_token",
                "session_duration_minutes"
            ]
        );
        assert!(h.store.get_item(&pkce_key).is_none(), "pair cleared");

        // Discovery flavour: pkce_code_challenge / pkce_code_verifier, and code_verifier on
        // discovery authenticate.
        let disco = pw.discovery();
        disco
            .reset_by_email_start(PasswordDiscoveryResetByEmailStartRequest {
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/discovery/reset/start")),
            ["email_address", "pkce_code_challenge"]
        );
        let token = h.last_message("admin@example.com").await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let resp = disco
            .reset_by_email(PasswordDiscoveryResetByEmailRequest {
                password_reset_token: token,
                password: PASSWORD.into(),
            })
            .await
            .expect("discovery reset");
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/discovery/reset")),
            ["password", "password_reset_token", "pkce_code_verifier"]
        );
        assert!(h.store.get_item(&pkce_key).is_none());
        assert_eq!(
            ist_cookie(&h).as_deref(),
            Some(resp.intermediate_session_token.as_str())
        );
        // Every admin@example.com member now has the password, and the reset verified the email.
        assert!(org(&resp.discovered_organizations, OTHER_ORG_ID).member_authenticated);

        disco
            .reset_by_email_start(PasswordDiscoveryResetByEmailStartRequest {
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        disco
            .authenticate(PasswordDiscoveryAuthenticateRequest {
                email_address: "admin@example.com".into(),
                password: PASSWORD.into(),
            })
            .await
            .expect("discovery authenticate");
        assert_eq!(
            keys(&body_to(&h, "/b2b/passwords/discovery/authenticate")),
            ["code_verifier", "email_address", "password"]
        );
        assert!(h.store.get_item(&pkce_key).is_none());
    });
}

#[test]
fn password_discovery_needs_a_verified_email_to_enter_other_orgs() {
    run(async {
        let h = harness().await;
        let disco = h.client.passwords().discovery();
        let r = disco
            .authenticate(PasswordDiscoveryAuthenticateRequest {
                email_address: "admin@example.com".into(),
                password: "wrong".into(),
            })
            .await;
        assert_eq!(api_error(r), (401, "unauthorized_credentials".into()));
        let resp = disco
            .authenticate(PasswordDiscoveryAuthenticateRequest {
                email_address: "admin@example.com".into(),
                password: PASSWORD.into(),
            })
            .await
            .expect("discovery authenticate");
        assert!(ist_cookie(&h).is_some());
        // Acme: the password belongs to that member → a session.
        assert!(org(&resp.discovered_organizations, ORG_ID).member_authenticated);
        // Globex: another member → an email-verifying factor is required first.
        let globex = org(&resp.discovered_organizations, OTHER_ORG_ID);
        assert!(!globex.member_authenticated);
        assert_eq!(
            globex
                .primary_required
                .as_ref()
                .unwrap()
                .allowed_auth_methods,
            ["email_otp", "magic_link"]
        );
        let pending = h
            .client
            .discovery()
            .intermediate_sessions()
            .exchange(ExchangeRequest {
                organization_id: OTHER_ORG_ID.into(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(!pending.member_authenticated);
        assert!(pending.primary_required.is_some());
        // Step-up with an email OTP in Globex.
        h.client
            .otps()
            .email()
            .login_or_signup(OtpEmailLoginOrSignupRequest {
                organization_id: OTHER_ORG_ID.into(),
                email_address: "admin@example.com".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let code = otp_code(&h, "admin@example.com").await;
        let done = h
            .client
            .otps()
            .email()
            .authenticate(OtpEmailAuthenticateRequest {
                code,
                email_address: "admin@example.com".into(),
                organization_id: OTHER_ORG_ID.into(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(done.member_authenticated);
        assert_eq!(
            body_to(&h, "/b2b/otps/email/authenticate")["intermediate_session_token"],
            pending.intermediate_session_token.as_str()
        );
        assert_eq!(done.member_session.unwrap().authentication_factors.len(), 2);
    });
}
