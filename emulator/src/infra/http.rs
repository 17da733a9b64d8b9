//! HTTP layers around the whole router: the guard (hosts, cross-site writes, malformed paths, body
//! size), CORS and the HttpOnly session-cookie mode.

pub mod cors;
pub mod guard;
pub mod http_only;
