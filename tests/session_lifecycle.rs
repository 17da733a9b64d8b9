//! Session lifecycle across tabs, sleep and flaky networks (issue: "Session lifecycle that never
//! surprises"): storage events keep every tab's state right, only one tab refreshes per interval, a tab that
//! wakes up with an expired JWT refreshes at once, a network blip never logs out, cookies never duplicate.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::sync::{Arc, Mutex};

use leptos_stytch::core::platform::Store;
use leptos_stytch::{
    CookieOptions, MagicLinksAuthenticateRequest, RevokeOptions, StytchB2BClient, StytchB2BOptions,
};
use support::tabs::{Browser, TabStore};
use support::*;

const AUTHENTICATE: &str = "/sdk/v1/b2b/sessions/authenticate";

struct Tabs {
    emulator: stytch_emulator::Emulator,
    transport: Arc<InProcessTransport>,
    runtime: Arc<ManualRuntime>,
    browser: Arc<Browser>,
}

impl Tabs {
    fn new() -> Self {
        Self::on_host("127.0.0.1")
    }
    fn on_host(host: &str) -> Self {
        let emulator = stytch_emulator::Emulator::in_memory(seed()).unwrap();
        Self {
            transport: InProcessTransport::new(emulator.router()),
            emulator,
            runtime: ManualRuntime::with_hostname(host),
            browser: Browser::new(),
        }
    }
    fn open(&self) -> StytchB2BClient {
        self.open_with(StytchB2BOptions::default())
    }
    fn open_with(&self, options: StytchB2BOptions) -> StytchB2BClient {
        let store: Arc<TabStore> = self.browser.tab();
        StytchB2BClient::with_platform(
            self.emulator.project().public_token,
            StytchB2BOptions {
                base_url: Some(BASE_URL.to_owned()),
                ..options
            },
            self.transport.clone(),
            store,
            self.runtime.clone(),
        )
    }
    async fn login(&self, tab: &StytchB2BClient, email: &str) {
        tab.magic_links()
            .email()
            .login_or_signup(leptos_stytch::EmailLoginOrSignupRequest {
                email_address: email.to_owned(),
                organization_id: ORG_ID.to_owned(),
                ..Default::default()
            })
            .await
            .unwrap();
        let h = send_raw(
            &self.emulator.router(),
            leptos_stytch::core::platform::HttpRequest {
                method: leptos_stytch::core::platform::Method::Get,
                url: format!("{BASE_URL}/emulator/v1/messages?to={email}"),
                headers: vec![],
                body: None,
            },
        )
        .await
        .unwrap();
        let body: serde_json::Value = serde_json::from_str(&h.body).unwrap();
        let token = body["messages"][0]["token"].as_str().unwrap().to_owned();
        tab.magic_links()
            .authenticate(MagicLinksAuthenticateRequest {
                magic_links_token: token,
                ..Default::default()
            })
            .await
            .unwrap();
    }
}

#[test]
fn login_and_logout_reach_every_tab_at_once() {
    run(async {
        let t = Tabs::new();
        let a = t.open();
        let b = t.open();
        let c = t.open();
        settle().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let _u = b
            .session()
            .on_change(move |session| s.lock().unwrap().push(session.is_some()));

        t.login(&a, "admin@example.com").await;
        for tab in [&b, &c] {
            let session = tab
                .session()
                .get_sync()
                .expect("the other tabs see the login");
            assert_eq!(Some(session), a.session().get_sync());
            assert!(!tab.session().get_info().from_cache);
        }
        assert_eq!(*seen.lock().unwrap(), vec![true], "b was notified once");

        c.session().revoke(RevokeOptions::default()).await.unwrap();
        assert!(a.session().get_sync().is_none(), "logout in c reaches a");
        assert!(b.session().get_sync().is_none(), "logout in c reaches b");
        assert_eq!(*seen.lock().unwrap(), vec![true, false]);
        assert!(a.session().get_tokens().is_none());
    });
}

#[test]
fn only_one_tab_refreshes_per_interval() {
    run(async {
        let t = Tabs::new();
        let tabs: Vec<_> = (0..3).map(|_| t.open()).collect();
        settle().await;
        t.login(&tabs[0], "admin@example.com").await;
        settle().await;
        assert_eq!(t.transport.count(AUTHENTICATE), 0);
        for round in 1..=3 {
            t.runtime.advance(180_000).await;
            assert_eq!(
                t.transport.count(AUTHENTICATE),
                round,
                "exactly one refresh across three tabs in interval {round}"
            );
            for tab in &tabs {
                assert!(tab.session().get_sync().is_some());
            }
        }
    });
}

#[test]
fn a_tab_that_wakes_with_an_expired_jwt_refreshes_at_once() {
    run(async {
        let t = Tabs::new();
        let tab = t.open();
        settle().await;
        t.login(&tab, "admin@example.com").await;
        let jwt_before = tab.session().get_tokens().unwrap().session_jwt;

        // Visible again right away: the JWT is fresh, nothing to do.
        tab.on_page_active();
        settle().await;
        assert_eq!(t.transport.count(AUTHENTICATE), 0);

        // Asleep for 6 minutes: no timer ran, the 5-minute JWT has expired.
        t.runtime.advance_silently(360_000);
        t.emulator
            .advance_clock(std::time::Duration::from_secs(360));
        tab.on_page_active();
        settle().await;
        assert_eq!(t.transport.count(AUTHENTICATE), 1, "refreshed on wake-up");
        let jwt_after = tab.session().get_tokens().unwrap().session_jwt;
        assert_ne!(jwt_before, jwt_after, "a new JWT");
        // And the regular rhythm resumes from there, once.
        t.runtime.advance(180_000).await;
        assert_eq!(t.transport.count(AUTHENTICATE), 2);
    });
}

#[test]
fn offline_then_online_keeps_the_session_and_catches_up() {
    run(async {
        let t = Tabs::new();
        let tab = t.open();
        settle().await;
        t.login(&tab, "admin@example.com").await;
        t.transport.set_offline(true);
        // Ten minutes of failures: retried with backoff, never logged out.
        for _ in 0..20 {
            t.runtime.advance(30_000).await;
        }
        assert!(tab.session().get_sync().is_some());
        let failures = t.transport.count(AUTHENTICATE);
        assert!(
            (4..=8).contains(&failures),
            "backoff, not a busy loop: {failures}"
        );
        // Back online: the `online` event refreshes at once.
        t.transport.set_offline(false);
        tab.on_page_active();
        settle().await;
        assert_eq!(t.transport.count(AUTHENTICATE), failures + 1);
        assert!(tab.session().get_sync().is_some());
        assert!(tab.session().get_tokens().is_some());
    });
}

#[test]
fn flipping_available_to_subdomains_leaves_no_duplicate_cookie() {
    run(async {
        let t = Tabs::on_host("app.example.com");
        let first = t.open();
        settle().await;
        t.login(&first, "admin@example.com").await;
        let named = |n: &str| {
            t.browser
                .cookies()
                .into_iter()
                .filter(|c| c.name == n)
                .count()
        };
        assert_eq!(named("stytch_session"), 1);

        // The app is redeployed with cookies for subdomains; the next load authenticates and rewrites them.
        let second = t.open_with(StytchB2BOptions {
            cookie_options: CookieOptions {
                available_to_subdomains: true,
                domain: Some("example.com".into()),
                ..Default::default()
            },
            ..Default::default()
        });
        settle().await;
        assert_eq!(t.transport.count(AUTHENTICATE), 1, "restored on load");
        assert_eq!(named("stytch_session"), 1, "{:?}", t.browser.cookies());
        assert_eq!(named("stytch_session_jwt"), 1);
        let cookie = t
            .browser
            .cookies()
            .into_iter()
            .find(|c| c.name == "stytch_session")
            .unwrap();
        assert_eq!(cookie.domain.as_deref(), Some("example.com"));
        assert!(cookie.secure);

        // And back: logout removes the cookies under every domain ever used.
        second
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap();
        assert!(t.browser.cookies().is_empty(), "{:?}", t.browser.cookies());
    });
}

#[test]
fn cookie_path_option_is_honoured_and_cleaned_up() {
    run(async {
        let t = Tabs::new();
        let tab = t.open_with(StytchB2BOptions {
            cookie_options: CookieOptions {
                path: Some("/app".into()),
                ist_cookie_name: Some("my_ist".into()),
                ..Default::default()
            },
            ..Default::default()
        });
        settle().await;
        t.login(&tab, "admin@example.com").await;
        let cookies = t.browser.cookies();
        assert!(cookies.iter().all(|c| c.path == "/app"), "{cookies:?}");
        tab.session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap();
        assert!(t.browser.cookies().is_empty());
    });
}

#[test]
fn a_stale_cache_with_a_custom_base_url_is_checked_not_trusted() {
    run(async {
        let t = Tabs::new();
        let tab = t.open();
        settle().await;
        t.login(&tab, "admin@example.com").await;
        // The cookies vanish (expired, or HttpOnly cookies this code cannot see) but the cache remains.
        let store = t.browser.tab();
        for name in ["stytch_session", "stytch_session_jwt"] {
            store.remove_cookie(name, "/", None);
        }
        let reloaded = t.open();
        assert!(
            reloaded.session().get_info().from_cache,
            "served from cache at once"
        );
        settle().await;
        assert_eq!(t.transport.count(AUTHENTICATE), 1, "asked the server once");
        assert!(
            reloaded.session().get_sync().is_none(),
            "the server said no"
        );
        assert!(reloaded.snapshot().is_initialized);
    });
}

#[test]
fn http_only_mode_keeps_state_without_readable_tokens() {
    run(async {
        let mut s = seed();
        s.http_only_cookies = true;
        let emulator = stytch_emulator::Emulator::in_memory(s).unwrap();
        let t = Tabs {
            transport: InProcessTransport::new(emulator.router()),
            emulator,
            runtime: ManualRuntime::new(),
            browser: Browser::new(),
        };
        let tab = t.open();
        settle().await;
        t.login(&tab, "admin@example.com").await;

        // Logged in, but nothing readable: the API kept the tokens in HttpOnly cookies.
        assert_eq!(
            tab.self_().get_sync().unwrap().email_address,
            "admin@example.com"
        );
        assert!(tab.session().get_tokens().is_none());
        assert!(
            t.browser
                .cookies()
                .iter()
                .all(|c| !c.name.starts_with("stytch_session")),
            "{:?}",
            t.browser.cookies()
        );
        assert!(
            t.transport
                .http_cookies
                .lock()
                .unwrap()
                .contains_key("stytch_session")
        );

        // Session calls authenticate through the HttpOnly cookie (Basic carries only the public token).
        let me = tab
            .self_()
            .get()
            .await
            .expect("members/me through the cookie");
        assert_eq!(me.email_address, "admin@example.com");
        let pt = t.emulator.project().public_token;
        let req = t
            .transport
            .last_to("/sdk/v1/b2b/organizations/members/me")
            .unwrap();
        let basic = req
            .header("Authorization")
            .unwrap()
            .trim_start_matches("Basic ");
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), format!("{pt}:{pt}"));

        // A reload restores the session from the server, not from a readable cookie.
        let reloaded = t.open();
        settle().await;
        assert!(
            reloaded.session().get_sync().is_some(),
            "still logged in after reload"
        );
        assert!(!reloaded.session().get_info().from_cache);
        assert!(reloaded.session().get_tokens().is_none());

        // The refresh keeps working, and logout clears the HttpOnly cookies.
        t.runtime.advance(180_000).await;
        assert!(tab.session().get_sync().is_some());
        reloaded
            .session()
            .revoke(RevokeOptions::default())
            .await
            .unwrap();
        assert!(t.transport.http_cookies.lock().unwrap().is_empty());
        assert!(tab.session().get_sync().is_none());
    });
}

#[test]
fn a_refresh_answered_after_the_session_changed_is_repeated_not_applied() {
    run(async {
        let t = Tabs::new();
        let tab = t.open();
        settle().await;
        t.login(&tab, "admin@example.com").await;
        let first = tab.session().get_sync().unwrap().member_session_id;

        // A refresh goes out and the network is slow…
        let release = t.transport.hold(AUTHENTICATE);
        let refreshing = tab.clone();
        let refresh =
            tokio::task::spawn_local(async move { refreshing.session().authenticate(None).await });
        settle().await;
        // …meanwhile the user signs in again as someone else.
        t.login(&tab, "newcomer@example.com").await;
        let second = tab.session().get_sync().unwrap().member_session_id;
        assert_ne!(first, second);

        // The old answer arrives: it is for the old session, so it is not applied; the call is repeated.
        release.send(()).unwrap();
        let resp = refresh.await.unwrap().expect("the repeated call succeeds");
        assert_eq!(resp.member_session.unwrap().member_session_id, second);
        assert_eq!(
            t.transport.count(AUTHENTICATE),
            2,
            "sent again for the new session"
        );
        assert_eq!(tab.session().get_sync().unwrap().member_session_id, second);
        assert_eq!(
            tab.self_().get_sync().unwrap().email_address,
            "newcomer@example.com"
        );
    });
}
