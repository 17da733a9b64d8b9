//! The admin pages of the signed-in view: organization settings and members. Every control is shown,
//! enabled or hidden by the member's permissions (`use_stytch_is_authorized`, `<Authorized>`), evaluated
//! locally from the project's RBAC policy; the emulator checks every call again and answers a denied one
//! with 403 `session_authorization_error`, which the pages show like any other error.

mod members;
mod organization;

pub use members::MembersAdmin;
pub(crate) use members::assignable_roles;
pub use organization::OrganizationSettings;
