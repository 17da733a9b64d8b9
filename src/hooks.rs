//! Hooks: read the client and its state from the nearest [`StytchB2BProvider`](crate::StytchB2BProvider).

use leptos::prelude::*;

use crate::components::StytchStateContext;
use crate::core::client::{StateSnapshot, StytchB2BClient};
use crate::core::mfa::PendingMfa;
use crate::core::models::{Member, MemberSession, Organization};
use crate::core::rbac;

/// The client of the nearest provider.
///
/// # Panics
/// Outside a `<StytchB2BProvider>`, with a message saying so. Use [`try_use_stytch_b2b_client`] to get an
/// `Option` instead.
pub fn use_stytch_b2b_client() -> StytchB2BClient {
    try_use_stytch_b2b_client().expect(
        "use_stytch_b2b_client() was called outside <StytchB2BProvider>: wrap your app (or this component) \
         in <StytchB2BProvider client=…>",
    )
}

/// The client of the nearest provider, or `None` outside one.
pub fn try_use_stytch_b2b_client() -> Option<StytchB2BClient> {
    use_context::<StytchB2BClient>()
}

/// A piece of the session state with its two flags.
#[derive(Debug, Clone, Copy)]
pub struct UseStytchValue<T: Send + Sync + 'static> {
    /// The value; `None` when logged out.
    pub value: Signal<Option<T>>,
    /// True while the value is the copy cached at start-up and no write has happened since.
    pub from_cache: Signal<bool>,
    /// True once start-up restore has finished: until then `None` may only mean "not known yet".
    pub is_initialized: Signal<bool>,
}

fn state() -> ArcRwSignal<StateSnapshot> {
    match use_context::<StytchStateContext>() {
        Some(StytchStateContext(s)) => s,
        None => panic!(
            "a use_stytch_* hook was called outside <StytchB2BProvider>: wrap your app in \
             <StytchB2BProvider client=…>"
        ),
    }
}

fn select<T: Clone + PartialEq + Send + Sync + 'static>(
    pick: fn(&StateSnapshot) -> Option<T>,
) -> UseStytchValue<T> {
    let s = state();
    let value = {
        let s = s.clone();
        Memo::new(move |_| s.with(pick))
    };
    let from_cache = {
        let s = s.clone();
        Memo::new(move |_| s.with(|s| s.from_cache))
    };
    let is_initialized = Memo::new(move |_| s.with(|s| s.is_initialized));
    UseStytchValue {
        value: value.into(),
        from_cache: from_cache.into(),
        is_initialized: is_initialized.into(),
    }
}

/// The member session as a signal that follows login, refresh and logout.
///
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_stytch::use_stytch_member_session;
///
/// #[component]
/// fn Status() -> impl IntoView {
///     let session = use_stytch_member_session();
///     move || match session.value.get() {
///         Some(s) => format!("Signed in until {}", s.expires_at),
///         None if session.is_initialized.get() => "Signed out".to_owned(),
///         None => "Loading…".to_owned(),
///     }
/// }
/// ```
pub fn use_stytch_member_session() -> UseStytchValue<MemberSession> {
    select(|s| s.state.as_ref().map(|s| s.session.clone()))
}

/// The logged-in member as a signal.
pub fn use_stytch_member() -> UseStytchValue<Member> {
    select(|s| s.state.as_ref().map(|s| s.member.clone()))
}

/// The logged-in member's organization as a signal.
pub fn use_stytch_organization() -> UseStytchValue<Organization> {
    select(|s| s.state.as_ref().map(|s| s.organization.clone()))
}

/// The pending MFA step as a signal: `Some` after a primary factor passed and the organization (or the member)
/// requires a second one, `None` once a session is stored (or on logout). Its
/// [`step`](crate::core::mfa::PendingMfa::step) says which screen to show.
///
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_stytch::{MfaStep, use_stytch_pending_mfa};
///
/// #[component]
/// fn SecondFactor() -> impl IntoView {
///     let pending = use_stytch_pending_mfa();
///     move || match pending.get().map(|p| p.step()) {
///         Some(MfaStep::EnterTotpCode) => "Enter the code from your authenticator app",
///         Some(MfaStep::EnterSmsCode { .. }) => "Enter the code we texted you",
///         Some(MfaStep::SendSmsCode { .. }) => "We will text you a code",
///         Some(MfaStep::Enroll { .. }) => "Set up a second factor",
///         None => "",
///     }
/// }
/// ```
pub fn use_stytch_pending_mfa() -> Signal<Option<PendingMfa>> {
    let s = state();
    Memo::new(move |_| s.with(|s| s.pending_mfa.clone())).into()
}

/// Whether the logged-in member may perform `action` on `resource_id`, as a signal that follows
/// login, logout and role changes (it is recomputed from the provider's state and the project's RBAC
/// policy, exactly like [`RbacClient::is_authorized`](crate::core::rbac::RbacClient::is_authorized)).
///
/// Until the bootstrap has arrived the cached copy from localStorage is used (or `false` without
/// one); the signal updates when the fetched policy arrives. In a server-rendered app (`ssr` /
/// `hydrate`) the server and the browser's first render both start without a policy, so they agree.
/// The answer is a UI hint: the server checks every call again.
///
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_stytch::use_stytch_is_authorized;
///
/// #[component]
/// fn MembersLink() -> impl IntoView {
///     let can_search = use_stytch_is_authorized("stytch.member", "search");
///     move || can_search.get().then(|| view! { <a href="/members">"Members"</a> })
/// }
/// ```
pub fn use_stytch_is_authorized(
    resource_id: impl Into<String>,
    action: impl Into<String>,
) -> Signal<bool> {
    let client = use_stytch_b2b_client();
    let s = state();
    // A server-rendered page starts without a policy on both sides (the server has no cached copy, and
    // reading the browser's would make the first render differ), so server and browser answer alike until
    // the browser has fetched the bootstrap.
    let server_rendered = cfg!(any(feature = "ssr", feature = "hydrate"));
    let bootstrap = ArcRwSignal::new(if server_rendered {
        None
    } else {
        client.bootstrap_sync()
    });
    if !cfg!(feature = "ssr") {
        let bootstrap = bootstrap.clone();
        leptos::task::spawn_local(async move {
            let fetched = client.bootstrap_config().await;
            bootstrap.set(Some(fetched));
        });
    }
    let (resource_id, action) = (resource_id.into(), action.into());
    Memo::new(move |_| {
        bootstrap.with(|b| s.with(|snap| rbac::evaluate(b.as_ref(), snap, &resource_id, &action)))
    })
    .into()
}
