//! The client core: plain Rust, no browser. It talks to the platform through the traits of [`platform`].

mod body;
pub mod bootstrap;
pub mod client;
pub mod discovery;
pub mod error;
mod host;
pub mod impersonation;
mod json;
pub mod magic_links;
pub mod members;
pub mod mfa;
pub mod models;
pub mod options;
pub mod organization;
pub mod otps;
pub mod passwords;
pub(crate) mod pkce;
pub mod platform;
pub mod rbac;
pub mod recovery_codes;
pub(crate) mod redact;
pub mod refresh;
pub mod self_;
pub mod session;
mod time_util;
pub mod totp;
pub mod url;
