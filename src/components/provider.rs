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
/// ```ignore
/// // Browser-only (`StytchB2BClient::new` exists on wasm32), so not compiled as a doctest.
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
#[component]
pub fn StytchB2BProvider(
    /// The client to provide. Build it once per page.
    client: StytchB2BClient,
    children: Children,
) -> impl IntoView {
    let state = ArcRwSignal::new(client.snapshot());
    let writer = state.clone();
    let subscription = client.subscribe(move |snapshot| writer.set(snapshot.clone()));
    // The client may have changed between the snapshot above and the subscription.
    state.set(client.snapshot());
    on_cleanup(move || subscription.unsubscribe());
    provide_context(client);
    provide_context(StytchStateContext(state));
    children()
}
