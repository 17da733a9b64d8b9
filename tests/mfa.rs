//! MFA and impersonation, client core against the in-process emulator: the pending MFA step, TOTP enrolment
//! and login, recovery codes, SMS codes, the IST on the wire, impersonation links, and the last session
//! methods (`revoke_for_member`, `exchange_access_token`, `attest`).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use leptos_stytch::core::platform::{Method, Store};
use leptos_stytch::*;
use serde_json::json;
use stytch_emulator::Seed;
use support::*;

const VAULT: &str = "organization-test-00000000-0000-4000-8000-00000000000a";
const IST_COOKIE: &str = "stytch_intermediate_session_token";
const PHONE: &str = "+15555550123";

/// Acme (MFA optional: admin, and carol who has a verified phone and MFA on) and Vault (MFA required:
/// dana).
fn mfa_seed() -> Seed {
    serde_json::from_value(json!({
        "allowed_origins": [ORIGIN],
        "redirect_urls": [REDIRECT],
        "organizations": [
            {"organization_id": ORG_ID, "organization_name": "Acme", "organization_slug": "acme",
             "email_allowed_domains": ["example.com"], "email_jit_provisioning": "RESTRICTED",
             "members": [
                {"email_address": "admin@example.com", "name": "Ada Admin", "roles": ["stytch_admin"]},
                {"email_address": "carol@example.com", "name": "Carol", "mfa_enrolled": true,
                 "mfa_phone_number": PHONE, "mfa_phone_number_verified": true}]},
            {"organization_id": VAULT, "organization_name": "Vault", "organization_slug": "vault",
             "mfa_policy": "REQUIRED_FOR_ALL",
             "members": [{"email_address": "dana@example.com", "name": "Dana"}]}
        ]
    }))
    .expect("seed")
}

async fn harness() -> Harness {
    Harness::with_seed(mfa_seed(), StytchB2BOptions::default()).await
}

fn ist_cookie(h: &Harness) -> Option<String> {
    h.store.get_cookie(IST_COOKIE).filter(|v| !v.is_empty())
}

/// A magic-link login of `email` into `org`: the primary factor.
async fn primary(h: &Harness, email: &str, org: &str) -> AuthenticateResponse {
    let token = h.magic_link_token(email, org).await;
    h.client
        .magic_links()
        .authenticate(MagicLinksAuthenticateRequest {
            magic_links_token: token,
            ..Default::default()
        })
        .await
        .expect("magic link authenticates")
}

/// The code an authenticator app shows now for `secret` (base32).
fn totp_code(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("base32 secret");
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes).expect("totp");
    // The emulator's clock is the system clock (these tests never move it).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    totp.generate(now)
}

/// The newest text message to `phone` and its code.
async fn sms_code(h: &Harness, phone: &str) -> String {
    let msg = h.last_message(&phone.replace('+', "%2B")).await;
    assert_eq!(msg["kind"], "sms", "{msg}");
    msg["code"]
        .as_str()
        .expect("the text carries its code")
        .to_owned()
}

#[test]
fn totp_enrolment_then_totp_and_recovery_code_logins() {
    run(async {
        let h = harness().await;
        // Primary factor into an org that requires MFA: no session, an IST, and a pending step.
        let resp = primary(&h, "dana@example.com", VAULT).await;
        assert!(!resp.member_authenticated);
        assert!(h.client.session().get_sync().is_none());
        assert!(ist_cookie(&h).is_some());
        let pending = h.client.pending_mfa().expect("pending MFA");
        assert_eq!(
            pending.step(),
            MfaStep::Enroll {
                methods: vec![MfaMethod::Totp, MfaMethod::SmsOtp]
            }
        );
        let dana = pending.member.member_id.clone();

        let created = h
            .client
            .totp()
            .create(TotpCreateRequest {
                organization_id: VAULT.into(),
                member_id: dana.clone(),
                expiration_minutes: None,
            })
            .await
            .expect("totp create with the IST");
        // The JS SDK's body: the request's fields plus the IST from its cookie.
        let body = body_to(&h, "/b2b/totp");
        assert_eq!(
            keys(&body),
            ["intermediate_session_token", "member_id", "organization_id"]
        );
        assert_eq!(
            body["intermediate_session_token"].as_str(),
            ist_cookie(&h).as_deref()
        );
        assert_eq!(created.secret.len(), 32);
        assert!(created.qr_code.starts_with("data:image/png;base64,"));
        assert_eq!(created.recovery_codes.len(), 10);
        // Secrets stay out of Debug output.
        let shown = format!("{created:?}");
        assert!(!shown.contains(&created.secret) && !shown.contains(&created.recovery_codes[0]));
        // Creating does not sign in: the step is still pending.
        assert!(h.client.pending_mfa().is_some());

        // A wrong code is refused and the step stays.
        let wrong = h
            .client
            .totp()
            .authenticate(TotpAuthenticateRequest {
                organization_id: VAULT.into(),
                member_id: dana.clone(),
                code: "000000".into(),
                ..Default::default()
            })
            .await;
        let wrong_code_matches = totp_code(&created.secret) == "000000";
        if !wrong_code_matches {
            assert_eq!(
                api_error(wrong),
                (401, "unable_to_authenticate_totp".into())
            );
            assert!(h.client.pending_mfa().is_some());
        }

        let signed_in = h
            .client
            .totp()
            .authenticate(TotpAuthenticateRequest {
                organization_id: VAULT.into(),
                member_id: dana.clone(),
                code: totp_code(&created.secret),
                ..Default::default()
            })
            .await
            .expect("totp authenticate");
        assert!(signed_in.member_authenticated);
        assert_eq!(
            keys(&body_to(&h, "/b2b/totp/authenticate")),
            [
                "code",
                "intermediate_session_token",
                "member_id",
                "organization_id",
                "session_duration_minutes"
            ]
        );
        // Session stored, IST cookie gone, pending step over; both factors in the session.
        assert!(h.client.session().get_sync().is_some());
        assert!(ist_cookie(&h).is_none());
        assert!(h.client.pending_mfa().is_none());
        let kinds: Vec<_> = signed_in
            .member_session
            .as_ref()
            .expect("session")
            .authentication_factors
            .iter()
            .map(|f| f.kind.clone())
            .collect();
        assert_eq!(kinds, ["magic_link", "totp"]);
        assert_eq!(
            signed_in.member.totp_registration_id,
            created.totp_registration_id
        );
        assert!(signed_in.member.mfa_enrolled);

        // The codes come back through `get`, and `rotate` replaces all ten.
        let got = h.client.recovery_codes().get().await.expect("get codes");
        assert_eq!(got.recovery_codes, created.recovery_codes);
        let rotated = h.client.recovery_codes().rotate().await.expect("rotate");
        assert_eq!(body_to(&h, "/b2b/recovery_codes/rotate"), json!({}));
        assert_eq!(rotated.recovery_codes.len(), 10);
        assert!(
            rotated
                .recovery_codes
                .iter()
                .all(|c| !created.recovery_codes.contains(c))
        );

        // Next login: the step is the app's code; an old recovery code fails, a new one works once.
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .expect("logout");
        primary(&h, "dana@example.com", VAULT).await;
        let pending = h.client.pending_mfa().expect("pending again");
        assert_eq!(pending.step(), MfaStep::EnterTotpCode);
        let recover = |code: &str| {
            let (client, member_id, recovery_code) =
                (h.client.clone(), dana.clone(), code.to_owned());
            async move {
                client
                    .recovery_codes()
                    .recover(RecoveryCodesRecoverRequest {
                        organization_id: VAULT.into(),
                        member_id,
                        recovery_code,
                        ..Default::default()
                    })
                    .await
            }
        };
        assert_eq!(
            api_error(recover(&created.recovery_codes[0]).await),
            (401, "unable_to_authenticate_recovery_code".into())
        );
        let recovered = recover(&rotated.recovery_codes[0])
            .await
            .expect("a fresh recovery code");
        assert_eq!(recovered.recovery_codes_remaining, 9);
        assert!(recovered.authenticate.member_authenticated);
        assert!(h.client.session().get_sync().is_some());
        assert!(h.client.pending_mfa().is_none());
        assert_eq!(
            keys(&body_to(&h, "/b2b/recovery_codes/recover")),
            [
                "intermediate_session_token",
                "member_id",
                "organization_id",
                "recovery_code",
                "session_duration_minutes"
            ]
        );
        // Spent: the same code, with a new primary factor, is refused.
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .expect("logout");
        primary(&h, "dana@example.com", VAULT).await;
        assert_eq!(
            api_error(recover(&rotated.recovery_codes[0]).await),
            (401, "unable_to_authenticate_recovery_code".into())
        );
    });
}

#[test]
fn sms_codes_sent_at_login_and_enrolled_by_phone() {
    run(async {
        let h = harness().await;
        // Carol has a verified phone and MFA on: the primary factor texts her at once.
        let resp = primary(&h, "carol@example.com", ORG_ID).await;
        assert!(!resp.member_authenticated);
        let required = resp.mfa_required.clone().expect("mfa_required");
        assert_eq!(
            required.secondary_auth_initiated.as_deref(),
            Some("sms_otp")
        );
        assert_eq!(
            required.member_options.map(|o| o.mfa_phone_number),
            Some(PHONE.to_owned())
        );
        let pending = h.client.pending_mfa().expect("pending");
        assert_eq!(
            pending.step(),
            MfaStep::EnterSmsCode {
                phone_number: PHONE.into()
            }
        );
        let code = sms_code(&h, PHONE).await;
        let carol = pending.member.member_id.clone();
        let resp = h
            .client
            .otps()
            .sms()
            .authenticate(OtpSmsAuthenticateRequest {
                organization_id: ORG_ID.into(),
                member_id: carol.clone(),
                code: code.clone(),
                ..Default::default()
            })
            .await
            .expect("sms authenticate");
        assert!(resp.member_authenticated);
        let factor = resp
            .member_session
            .as_ref()
            .and_then(|s| s.authentication_factors.last().cloned())
            .expect("a factor");
        assert_eq!(
            (factor.kind.as_str(), factor.delivery_method.as_str()),
            ("otp", "sms")
        );
        assert!(h.client.pending_mfa().is_none());
        assert_eq!(
            keys(&body_to(&h, "/b2b/otps/sms/authenticate")),
            [
                "code",
                "intermediate_session_token",
                "member_id",
                "organization_id",
                "session_duration_minutes"
            ]
        );

        // Dana (Vault requires MFA) enrols a phone: send links it, the code verifies it.
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .expect("logout");
        let resp = primary(&h, "dana@example.com", VAULT).await;
        let dana = resp.member_id.clone();
        let send = |phone: Option<&str>| {
            let (client, member_id, phone) =
                (h.client.clone(), dana.clone(), phone.map(str::to_owned));
            async move {
                client
                    .otps()
                    .sms()
                    .send(OtpSmsSendRequest {
                        organization_id: VAULT.into(),
                        member_id,
                        mfa_phone_number: phone,
                        ..Default::default()
                    })
                    .await
            }
        };
        assert_eq!(
            api_error(send(Some("555-0199")).await),
            (400, "invalid_phone_number".into())
        );
        send(Some("+15555550199"))
            .await
            .expect("send to a new phone");
        assert_eq!(
            keys(&body_to(&h, "/b2b/otps/sms/send")),
            [
                "intermediate_session_token",
                "member_id",
                "mfa_phone_number",
                "organization_id"
            ]
        );
        let first = sms_code(&h, "+15555550199").await;
        // A second send replaces the first code.
        send(None).await.expect("resend");
        let second = sms_code(&h, "+15555550199").await;
        let sms_auth = |code: String| {
            let (client, member_id) = (h.client.clone(), dana.clone());
            async move {
                client
                    .otps()
                    .sms()
                    .authenticate(OtpSmsAuthenticateRequest {
                        organization_id: VAULT.into(),
                        member_id,
                        code,
                        ..Default::default()
                    })
                    .await
            }
        };
        if first != second {
            let r = sms_auth(first).await;
            assert!(matches!(r, Err(StytchError::Api { .. })), "{r:?}");
        }
        let resp = sms_auth(second.clone()).await.expect("the newest code");
        assert!(resp.member.mfa_phone_number_verified);
        assert_eq!(resp.member.mfa_phone_number, "+15555550199");
        // The code is single use.
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .expect("logout");
        primary(&h, "dana@example.com", VAULT).await;
        let r = sms_auth(second).await;
        assert!(matches!(r, Err(StytchError::Api { .. })), "{r:?}");
    });
}

#[test]
fn start_over_drops_the_pending_step_and_its_cookie() {
    run(async {
        let h = harness().await;
        primary(&h, "dana@example.com", VAULT).await;
        assert!(h.client.pending_mfa().is_some());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let _sub = h
            .client
            .subscribe(move |s| log.lock().unwrap().push(s.pending_mfa.is_some()));
        h.client.cancel_pending_mfa();
        assert!(h.client.pending_mfa().is_none());
        assert!(ist_cookie(&h).is_none());
        assert!(
            seen.lock().unwrap().contains(&false),
            "listeners hear of it"
        );
        // With a session it does nothing.
        h.login("admin@example.com").await;
        h.client.cancel_pending_mfa();
        assert!(h.client.session().get_sync().is_some());
    });
}

#[test]
fn an_impersonation_link_signs_in_as_the_member_and_cannot_be_extended() {
    run(async {
        let h = harness().await;
        // Carol's id, from a primary login that is then abandoned.
        let carol = primary(&h, "carol@example.com", ORG_ID).await.member_id;
        h.client.cancel_pending_mfa();
        let (status, minted) = h
            .call(
                Method::Post,
                "/emulator/v1/impersonation_tokens",
                None,
                Some(json!({"organization_id": ORG_ID, "member_id": carol,
                            "impersonator_email_address": "support@acme.test", "reason": "Ticket 42"})),
            )
            .await;
        assert_eq!(status, 200, "{minted}");
        let url = minted["url"].as_str().expect("url");
        let result = h
            .client
            .authenticate_by_url(url, 60)
            .await
            .expect("authenticate by url")
            .expect("the URL carries a token");
        let AuthenticateByUrlResult::Impersonation(resp) = &result else {
            panic!("expected an impersonation, got {result:?}");
        };
        // Carol requires MFA, yet an impersonation is a full session with one factor.
        assert!(resp.member_authenticated);
        let session = resp.member_session.clone().expect("session");
        assert_eq!(session.authentication_factors.len(), 1);
        let factor = &session.authentication_factors[0];
        assert_eq!(factor.kind, "impersonated");
        assert_eq!(
            factor.details["impersonated_factor"]["impersonator_email_address"],
            "support@acme.test"
        );
        assert!(!format!("{result:?}").contains(&resp.session_token));
        // Extending is a no-op: the expiry stays.
        let again = h
            .client
            .session()
            .authenticate(Some(SessionAuthenticateOptions {
                session_duration_minutes: Some(600),
            }))
            .await
            .expect("session authenticate");
        assert_eq!(
            again.member_session.map(|s| s.expires_at),
            Some(session.expires_at)
        );
        // The token was single use.
        h.client
            .session()
            .revoke(RevokeOptions::default())
            .await
            .expect("logout");
        assert_eq!(
            api_error(h.client.authenticate_by_url(url, 60).await),
            (401, "unable_to_auth_impersonation_token".into())
        );
    });
}

#[test]
fn revoke_for_member_ends_another_members_sessions_and_needs_the_permission() {
    run(async {
        let h = harness().await;
        // Carol signs in on another client (her own browser) through the control API.
        let (status, carol) = h
            .call(
                Method::Post,
                "/emulator/v1/sessions",
                None,
                Some(json!({"organization_id": ORG_ID, "email_address": "carol@example.com"})),
            )
            .await;
        assert_eq!(status, 200, "{carol}");
        let carol_id = carol["member_id"].as_str().expect("member_id").to_owned();
        let carol_token = carol["session_token"].as_str().expect("token").to_owned();
        let carol_alive = || async {
            h.call(
                Method::Post,
                "/v1/b2b/sessions/authenticate",
                Some(h.backend_auth()),
                Some(json!({"session_token": carol_token})),
            )
            .await
            .0
        };
        assert_eq!(carol_alive().await, 200);

        // Without a session the call is refused.
        assert!(matches!(
            h.client.session().revoke_for_member(&carol_id).await,
            Err(StytchError::Api { .. })
        ));
        h.login("admin@example.com").await;
        h.client
            .session()
            .revoke_for_member(&carol_id)
            .await
            .expect("an admin revokes carol's sessions");
        let req = h
            .transport
            .last_to(&format!("/sdk/v1/b2b/sessions/revoke/{carol_id}"))
            .expect("request");
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.body, None);
        assert_eq!(carol_alive().await, 404);
        // The admin's own session is untouched.
        assert!(h.client.session().get_sync().is_some());
    });
}

#[test]
fn exchange_access_token_and_attest_answer_typed_errors() {
    run(async {
        let h = harness().await;
        h.login("admin@example.com").await;
        let r = h
            .client
            .session()
            .exchange_access_token(ExchangeAccessTokenRequest {
                access_token: "not-an-access-token".into(),
                ..Default::default()
            })
            .await;
        let (status, _) = api_error(r);
        assert!((400..500).contains(&status));
        assert_eq!(
            keys(&body_to(&h, "/b2b/sessions/exchange_access_token")),
            ["access_token", "session_duration_minutes"]
        );
        let r = h
            .client
            .session()
            .attest(AttestRequest {
                profile_id: "token-profile-test-missing".into(),
                token: "eyJ.not.a.jwt".into(),
                ..Default::default()
            })
            .await;
        let (status, _) = api_error(r);
        assert!((400..500).contains(&status));
        assert_eq!(
            keys(&body_to(&h, "/b2b/sessions/attest")),
            ["profile_id", "token"]
        );
        // A failed exchange leaves the session alone.
        assert!(h.client.session().get_sync().is_some());
    });
}
