//! Pre-built UI (feature `ui`): Stytch's drop-in screens on the headless client, themed with CSS custom
//! properties and worded from one string catalogue. A headless-only app leaves the feature off and pays
//! nothing for it.
//!
//! * [`StytchB2B`]: organization and discovery login (email magic links, email codes, passwords, OAuth,
//!   the redirect back from an emailed link or a provider, and the second factor).

pub mod b2b;
pub mod strings;
pub mod theme;

pub use b2b::{
    AuthFlowType, B2BCallbacks, B2BLoginConfig, B2BProduct, EmailMagicLinksOptions, OauthOptions,
    OauthProvider, PasswordOptions, SessionOptions, StytchB2B, StytchEvent, StytchEventType,
};
pub use strings::Strings;
pub use theme::{Logo, Presentation, PresentationOptions, Theme};
