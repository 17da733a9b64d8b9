use leptos::prelude::*;

use crate::core::client::{StateSnapshot, StytchB2BClient};

/// The client's state as one reactive value, shared by every hook under a provider.
#[derive(Clone)]
pub(crate) struct StytchStateContext(pub(crate) ArcRwSignal<StateSnapshot>);

/// Makes a [`StytchB2BClient`] available to everything inside it, through
/// [`use_stytch_b2b_client`](crate::use_stytch_b2b_client) and the reactive hooks.
///
/// The provider subscribes to the client once; every hook below it reads that one signal, so a
/// login, refresh or logout re-renders exactly the views that read the part that changed.
///
/// ```
/// use leptos::prelude::*;
/// use leptos_stytch::{StytchB2BClient, StytchB2BProvider, GetSessionTokens};
///
/// #[component]
/// fn App() -> impl IntoView {
///     let client = StytchB2BClient::new("public-token-test-…");
///     view! {
///         <StytchB2BProvider client=client>
///             <GetSessionTokens/>
///         </StytchB2BProvider>
///     }
/// }
/// ```
///
/// # Server rendering
///
/// With the `ssr` feature the provider reads the request's session cookies, has Stytch's backend API
/// resolve them (see [`StytchServer`](crate::server::StytchServer), which must be in the request's
/// context), and renders its children with that member, session and organization: `is_initialized` true,
/// `from_cache` false. The value travels inside the page; with the `hydrate` feature the browser's first
/// render uses it as is (nothing is read from localStorage first), then the client's own state machine
/// (refresh, other tabs) takes over. A missing, forged, expired or revoked cookie renders signed out; when
/// Stytch cannot be reached the page renders "not known yet" and the browser restores the session itself.
///
/// The session is awaited inside a `<Suspense>` with a blocking resource, so the HTML waits for it. For the
/// signed-in page to show without JavaScript, serve the routes with `SsrMode::InOrder` (or `Async`); with
/// out-of-order streaming (leptos_axum's default, and what it does for `PartiallyBlocked` too) it arrives
/// in the same response but a script puts it in place.
#[component]
pub fn StytchB2BProvider(
    /// The client to provide. Build it once per page.
    client: StytchB2BClient,
    children: Children,
) -> impl IntoView {
    #[cfg(any(feature = "ssr", feature = "hydrate"))]
    {
        server_rendered(client, children)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        provide(client);
        children()
    }
}

fn provide(client: StytchB2BClient) {
    let state = ArcRwSignal::new(client.snapshot());
    let writer = state.clone();
    let subscription = client.subscribe(move |snapshot| writer.set(snapshot.clone()));
    // The client may have changed between the snapshot above and the subscription.
    state.set(client.snapshot());
    on_cleanup(move || subscription.unsubscribe());
    provide_context(client);
    provide_context(StytchStateContext(state));
}

/// What the server found for the request, as it travels in the page. `resolved` is false when the server
/// could not ask Stytch: the browser then restores the session itself.
#[cfg(any(feature = "ssr", feature = "hydrate"))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct ServerSnapshot {
    resolved: bool,
    state: Option<crate::core::models::SessionState>,
}

#[cfg(any(feature = "ssr", feature = "hydrate"))]
fn server_rendered(client: StytchB2BClient, children: Children) -> impl IntoView {
    let cookie_options = client.inner.options.cookie_options.clone();
    // On the server this asks Stytch; in the browser the value is read from the page, and the fetcher runs
    // only if the page carries none (then nothing is known: the client restores the session itself).
    let session = Resource::new_blocking(
        || (),
        move |()| {
            let cookie_options = cookie_options.clone();
            async move { resolve(&cookie_options).await }
        },
    );
    provide(client.clone());
    // leptos_router discovers an app's routes (and their SSR modes) by rendering it once, outside any real
    // request and with resources suppressed; a Suspense would hide the router from that pass.
    #[cfg(feature = "ssr")]
    if leptos_router::RouteList::is_generating() {
        return children().into_any();
    }
    // The children are built at once (so a router inside is seen by route discovery) but rendered by the
    // Suspense only once the session is in: the Suspend before them adopts it first, on the server when the
    // resource resolves and in the browser synchronously while hydrating, since the value is in the page.
    // They must read the hooks reactively (in closures), as Leptos views do.
    view! {
        <Suspense>
            {Suspend::new(async move {
                let found = session.await;
                if found.resolved {
                    client.adopt_server_state(found.state);
                }
            })}
            {children()}
        </Suspense>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
async fn resolve(cookie_options: &crate::core::options::CookieOptions) -> ServerSnapshot {
    match crate::server::resolve_request_session(cookie_options).await {
        Ok(state) => ServerSnapshot {
            resolved: true,
            state,
        },
        Err(error) => {
            leptos::logging::error!(
                "leptos-stytch: the session was not resolved on the server: {error}"
            );
            ServerSnapshot {
                resolved: false,
                state: None,
            }
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
async fn resolve(_cookie_options: &crate::core::options::CookieOptions) -> ServerSnapshot {
    ServerSnapshot {
        resolved: false,
        state: None,
    }
}
