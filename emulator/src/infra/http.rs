//! HTTP layers around the whole router: CORS and the HttpOnly session-cookie mode.

pub mod cors;
pub mod http_only;
