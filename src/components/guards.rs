//! Guards: render children only for a logged-in member, or only for one with a permission.

use leptos::prelude::*;

use crate::hooks::{use_stytch_is_authorized, use_stytch_member_session};

/// Renders `children` while a member session exists, `fallback` otherwise (nothing by default).
/// Must be used inside [`StytchB2BProvider`](crate::StytchB2BProvider).
///
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_stytch::Authenticated;
///
/// #[component]
/// fn Account() -> impl IntoView {
///     view! {
///         <Authenticated fallback=|| view! { <a href="/login">"Log in"</a> }>
///             <p>"Welcome back"</p>
///         </Authenticated>
///     }
/// }
/// ```
#[component]
pub fn Authenticated(
    /// Shown without a session.
    #[prop(optional, into)]
    fallback: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_stytch_member_session();
    move || {
        if session.value.with(Option::is_some) {
            children().into_any()
        } else {
            fallback.run()
        }
    }
}

/// Renders `children` when the logged-in member may perform `action` on `resource` (evaluated
/// locally from the project's RBAC policy and the session's roles, see
/// [`use_stytch_is_authorized`]), `fallback` otherwise. It follows login, logout and role changes.
/// This is a UI convenience: the server enforces the same permission on every call.
///
/// ```no_run
/// use leptos::prelude::*;
/// use leptos_stytch::Authorized;
///
/// #[component]
/// fn Admin() -> impl IntoView {
///     view! {
///         <Authorized resource="stytch.member" action="search" fallback=|| "Admins only">
///             <p>"Members list"</p>
///         </Authorized>
///     }
/// }
/// ```
#[component]
pub fn Authorized(
    /// The RBAC resource id, e.g. `stytch.member` or a custom resource.
    #[prop(into)]
    resource: String,
    /// The action, e.g. `search`.
    #[prop(into)]
    action: String,
    /// Shown when not authorized (or logged out).
    #[prop(optional, into)]
    fallback: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let allowed = use_stytch_is_authorized(resource, action);
    move || {
        if allowed.get() {
            children().into_any()
        } else {
            fallback.run()
        }
    }
}
