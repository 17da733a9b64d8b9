//! What Stytch's server does, independent of how it is called: organizations, members, sessions,
//! intermediate sessions, one-time tokens, factors (passwords, OTP, MFA), impersonation, RBAC and
//! provisioning. Functions
//! here take a database connection and plain values, and answer `ApiResult`; they know nothing of
//! HTTP headers, envelopes or which surface called them.

pub mod authentication;
pub mod connected_apps;
pub mod discovery;
pub mod email_updates;
pub mod idp;
pub mod impersonation;
pub mod intermediate_sessions;
pub mod invites;
pub mod lockouts;
pub mod members;
pub mod messages;
pub mod mfa;
pub mod oauth;
pub mod oidc_rp;
pub mod one_time_tokens;
pub mod organizations;
pub mod otp;
pub mod passwords;
pub mod pkce;
pub mod project;
pub mod provisioning;
pub mod rbac;
pub mod recovery_codes;
pub mod redirects;
pub mod scim;
pub mod scim_provisioning;
pub mod search;
pub mod sessions;
pub mod sign_in;
pub mod sms_otp;
pub mod sso;
pub mod sso_sign_in;
pub mod totp;
pub mod validation;
