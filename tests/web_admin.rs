//! Browser tests of the reactive admin layer (wasm-bindgen-test in headless Chromium) against a running
//! emulator over HTTP: `use_stytch_member` / `use_stytch_organization` follow login and logout,
//! `use_stytch_is_authorized` and `<Authorized>` follow role changes and logout, `<Authenticated>` shows
//! its fallback signed out. `scripts/test.sh` starts the emulator (seed `tests/browser-seed.json`) and
//! sets `STYTCH_TEST_API_URL`.
//!
//! Two clients share the page: the member under test (default cookie names) and an admin who changes
//! that member's roles, with cookies of its own names so the two sessions never mix. These tests use
//! `owner@example.com` and `plain@example.com`, which tests/web.rs leaves alone, and set the plain
//! member's roles themselves before relying on them.

#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_stytch::{
    Authenticated, Authorized, CookieOptions, MagicLinksAuthenticateRequest, MemberSearchFilter,
    RevokeOptions, SearchMembersRequest, SearchQuery, StytchB2BClient, StytchB2BOptions,
    StytchB2BProvider, StytchError, UpdateMemberRequest, use_stytch_is_authorized,
    use_stytch_member, use_stytch_organization,
};
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::*;

wasm_bindgen_test_configure!(run_in_browser);

const OWNER: &str = "owner@example.com";
const PLAIN: &str = "plain@example.com";

fn client_with(cookie_options: CookieOptions) -> StytchB2BClient {
    StytchB2BClient::with_options(
        PUBLIC_TOKEN,
        StytchB2BOptions {
            base_url: Some(API_URL.to_owned()),
            cookie_options,
            ..Default::default()
        },
    )
}

/// The member under test, with Stytch's default cookies.
fn member_client() -> StytchB2BClient {
    client_with(CookieOptions::default())
}

/// The admin, in cookies of its own.
fn admin_client() -> StytchB2BClient {
    client_with(CookieOptions {
        opaque_token_cookie_name: Some("admin_session".into()),
        jwt_cookie_name: Some("admin_session_jwt".into()),
        ist_cookie_name: Some("admin_intermediate_session_token".into()),
        ..Default::default()
    })
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
}

/// Logs `email` in on `client` with a magic link read from the emulator's outbox.
async fn login(client: &StytchB2BClient, email: &str) {
    let token = magic_link_token(client, email).await;
    client
        .magic_links()
        .authenticate(MagicLinksAuthenticateRequest {
            magic_links_token: token,
            ..Default::default()
        })
        .await
        .expect("authenticate over HTTP");
}

/// The member id of `email`, looked up by the admin.
async fn member_id(admin: &StytchB2BClient, email: &str) -> String {
    let found = admin
        .organization()
        .members()
        .search(SearchMembersRequest {
            query: Some(SearchQuery::all(vec![MemberSearchFilter::MemberEmails(
                vec![email.to_owned()],
            )])),
            ..Default::default()
        })
        .await
        .expect("admin search");
    found.members[0].member_id.clone()
}

async fn set_roles(admin: &StytchB2BClient, member_id: &str, roles: &[&str]) {
    admin
        .organization()
        .members()
        .update(UpdateMemberRequest {
            member_id: member_id.to_owned(),
            roles: Some(roles.iter().map(|r| (*r).to_owned()).collect()),
            ..Default::default()
        })
        .await
        .expect("admin updates roles");
}

/// What the server says when the member searches: `Ok(total)` or the error type.
async fn server_search(client: &StytchB2BClient) -> Result<u64, String> {
    match client
        .organization()
        .members()
        .search(SearchMembersRequest::default())
        .await
    {
        Ok(r) => Ok(r.results_metadata.total),
        Err(StytchError::Api { error_type, .. }) => Err(error_type.as_str().to_owned()),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

#[component]
fn StateProbe() -> impl IntoView {
    let member = use_stytch_member();
    let organization = use_stytch_organization();
    view! {
        <span id="member">
            {move || match member.value.get() {
                Some(m) => m.email_address,
                None if member.is_initialized.get() => "none".to_owned(),
                None => "loading".to_owned(),
            }}
        </span>
        <span id="organization">
            {move || match organization.value.get() {
                Some(o) => o.organization_name,
                None if organization.is_initialized.get() => "none".to_owned(),
                None => "loading".to_owned(),
            }}
        </span>
        <span id="from-cache">{move || member.from_cache.get().to_string()}</span>
    }
}

#[wasm_bindgen_test]
async fn member_and_organization_signals_follow_login_and_logout() {
    clean();
    let c = member_client();
    let provided = c.clone();
    let root = mount(move || {
        let client = provided.clone();
        view! {
            <StytchB2BProvider client=client>
                <StateProbe />
            </StytchB2BProvider>
        }
        .into_any()
    });
    wait_until("signed out once initialized", || {
        text(&root, "#member").as_deref() == Some("none")
    })
    .await;
    assert_eq!(text(&root, "#organization").as_deref(), Some("none"));

    login(&c, PLAIN).await;
    wait_until("the member signal follows login", || {
        text(&root, "#member").as_deref() == Some(PLAIN)
    })
    .await;
    assert_eq!(
        text(&root, "#organization").as_deref(),
        Some("Acme"),
        "the organization signal follows login"
    );
    assert_eq!(text(&root, "#from-cache").as_deref(), Some("false"));

    c.session()
        .revoke(RevokeOptions::default())
        .await
        .expect("revoke");
    wait_until("the member signal follows logout", || {
        text(&root, "#member").as_deref() == Some("none")
    })
    .await;
    assert_eq!(
        text(&root, "#organization").as_deref(),
        Some("none"),
        "the organization signal follows logout"
    );
}

#[component]
fn GuardProbe() -> impl IntoView {
    let can_delete = use_stytch_is_authorized("stytch.member", "delete");
    let can_rename_self = use_stytch_is_authorized("stytch.self", "update.info.name");
    view! {
        <Authenticated fallback=|| view! { <p id="signed-out">"signed out"</p> }>
            <p id="signed-in">"signed in"</p>
        </Authenticated>
        <Authorized
            resource="stytch.member"
            action="search"
            fallback=|| view! { <p id="cannot-search">"no member list"</p> }
        >
            <p id="can-search">"member list"</p>
        </Authorized>
        <span id="can-delete">{move || can_delete.get().to_string()}</span>
        <span id="can-rename-self">{move || can_rename_self.get().to_string()}</span>
    }
}

#[wasm_bindgen_test]
async fn guards_follow_role_changes_and_logout_and_agree_with_the_server() {
    clean();
    let admin = admin_client();
    login(&admin, OWNER).await;
    let plain_id = member_id(&admin, PLAIN).await;
    set_roles(&admin, &plain_id, &[]).await;

    let member = member_client();
    let provided = member.clone();
    let root = mount(move || {
        let client = provided.clone();
        view! {
            <StytchB2BProvider client=client>
                <GuardProbe />
            </StytchB2BProvider>
        }
        .into_any()
    });
    let shown = |selector: &str| text(&root, selector).is_some();
    let flag = |selector: &str| text(&root, selector).unwrap_or_default();

    // Signed out: the fallbacks, and no permission at all.
    wait_until("<Authenticated> shows its fallback", || {
        shown("#signed-out")
    })
    .await;
    assert!(!shown("#signed-in"));
    assert!(shown("#cannot-search") && !shown("#can-search"));
    assert_eq!(flag("#can-delete"), "false");
    assert_eq!(flag("#can-rename-self"), "false");

    // A plain member: their own profile, not the member list; the server agrees.
    login(&member, PLAIN).await;
    wait_until("<Authenticated> shows its children", || shown("#signed-in")).await;
    wait_until("the policy has arrived (stytch.self is granted)", || {
        flag("#can-rename-self") == "true"
    })
    .await;
    assert!(shown("#cannot-search") && !shown("#can-search"));
    assert_eq!(flag("#can-delete"), "false");
    assert_eq!(
        server_search(&member).await,
        Err("session_authorization_error".to_owned())
    );

    // The admin grants a custom role that allows `search` only. The member's view follows once its
    // session is re-authenticated (the session carries the roles).
    set_roles(&admin, &plain_id, &["member_reader"]).await;
    member
        .session()
        .authenticate(None)
        .await
        .expect("session authenticate");
    wait_until("<Authorized> follows the new role", || shown("#can-search")).await;
    assert!(!shown("#cannot-search"));
    assert_eq!(flag("#can-delete"), "false", "member_reader cannot delete");
    assert!(server_search(&member).await.is_ok(), "the server agrees");

    // Admin: delete too.
    set_roles(&admin, &plain_id, &["stytch_admin"]).await;
    member.session().authenticate(None).await.unwrap();
    wait_until("the hook follows the admin role", || {
        flag("#can-delete") == "true"
    })
    .await;
    assert!(shown("#can-search"));

    // The role is taken away again.
    set_roles(&admin, &plain_id, &[]).await;
    member.session().authenticate(None).await.unwrap();
    wait_until("<Authorized> follows the revoked role", || {
        shown("#cannot-search")
    })
    .await;
    assert_eq!(flag("#can-delete"), "false");
    assert_eq!(
        server_search(&member).await,
        Err("session_authorization_error".to_owned())
    );

    // Logout takes every permission away, whatever the roles.
    set_roles(&admin, &plain_id, &["stytch_admin"]).await;
    member.session().authenticate(None).await.unwrap();
    wait_until("admin again", || flag("#can-delete") == "true").await;
    member
        .session()
        .revoke(RevokeOptions::default())
        .await
        .expect("revoke");
    wait_until("<Authenticated> falls back on logout", || {
        shown("#signed-out")
    })
    .await;
    assert!(shown("#cannot-search") && !shown("#can-search"));
    assert_eq!(flag("#can-delete"), "false");
    assert_eq!(flag("#can-rename-self"), "false");

    set_roles(&admin, &plain_id, &[]).await;
    admin
        .session()
        .revoke(RevokeOptions::default())
        .await
        .expect("admin revoke");
}
