//! The client core: plain Rust, no browser. It talks to the platform through the traits of [`platform`].

pub mod bootstrap;
pub mod client;
pub mod error;
pub mod magic_links;
pub mod models;
pub mod options;
pub mod organization;
pub(crate) mod pkce;
pub mod platform;
pub mod refresh;
pub mod self_;
pub mod session;
mod time_util;
