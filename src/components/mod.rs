//! Drop-in Leptos components.

mod get_session_tokens;
mod guards;
mod provider;

pub use get_session_tokens::GetSessionTokens;
pub use guards::{Authenticated, Authorized};
pub use provider::StytchB2BProvider;
pub(crate) use provider::StytchStateContext;
