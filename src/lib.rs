#![doc = include_str!("../README.md")]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod browser;

pub use crate::core::client::{StateSnapshot, StytchB2BClient, Unsubscribe};
pub use crate::core::error::{ErrorType, StytchError};
pub use crate::core::magic_links::{EmailLoginOrSignupRequest, MagicLinksAuthenticateRequest};
pub use crate::core::models::{
    AuthenticateResponse, Member, MemberResponse, MemberSession, Organization, ResponseCommon,
    SessionState, SessionTokens,
};
pub use crate::core::organization::GetBySlugRequest;
pub use crate::core::options::{CookieOptions, StytchB2BOptions};
pub use crate::core::session::{
    RevokeOptions, SessionAuthenticateOptions, SessionInfo, UpdateSessionOptions,
};

pub mod components;
pub mod hooks;

pub use crate::components::{GetSessionTokens, StytchB2BProvider};
pub use crate::hooks::{
    UseStytchValue, try_use_stytch_b2b_client, use_stytch_b2b_client, use_stytch_member,
    use_stytch_member_session, use_stytch_organization,
};
