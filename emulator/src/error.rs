//! Stytch error JSON and the crate's own startup error.
//!
//! Every failure a client can see is an [`ApiError`], rendered as Stytch's error body
//! `{status_code, request_id, error_type, error_message, error_url, error_details?}` with
//! `content-type: application/json`. The same (unwrapped) shape is used by all three surfaces,
//! exactly like Stytch's `/sdk/v1` and `/v1` APIs do.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use serde_json::Value;
use serde_json::json;

use crate::infra::ids::request_id;

/// Error raised while constructing an [`crate::Emulator`] (bad seed, DB or key problems).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// SQLite failure.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// Reading a file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The seed JSON could not be parsed.
    #[error("invalid seed JSON: {0}")]
    SeedJson(#[from] serde_json::Error),
    /// The seed parsed but is not acceptable (bad slug, duplicate email, unknown role...).
    #[error("invalid seed: {0}")]
    Seed(String),
    /// RSA key generation / encoding failed.
    #[error("signing key error: {0}")]
    Key(String),
}

/// A Stytch API error (status + `error_type` + message, optional `error_details`).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub error_type: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: u16, error_type: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            error_type,
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "bad_request", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "unauthorized_credentials", "Unauthorized credentials.")
    }

    pub fn session_not_found() -> Self {
        Self::new(404, "session_not_found", "Session could not be found.")
    }

    pub fn internal() -> Self {
        Self::new(
            500,
            "internal_server_error",
            "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.",
        )
    }

    pub fn organization_not_found() -> Self {
        Self::new(
            404,
            "organization_not_found",
            "Organization could not be found.",
        )
    }

    pub fn member_not_found() -> Self {
        Self::new(404, "member_not_found", "Member could not be found.")
    }

    /// The JSON body of this error.
    pub fn body(&self) -> Value {
        let status = self.status.as_u16();
        let mut v = json!({
            "status_code": status,
            "request_id": request_id(),
            "error_type": self.error_type,
            "error_message": self.message,
            "error_url": format!(
                "https://stytch.com/docs/api-reference/b2b/api/errors/{status}#{}",
                self.error_type
            ),
        });
        if let (Some(d), Some(obj)) = (&self.details, v.as_object_mut()) {
            obj.insert("error_details".into(), d.clone());
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        eprintln!("stytch-emulator: database error: {e}");
        ApiError::internal()
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        eprintln!("stytch-emulator: stored JSON error: {e}");
        ApiError::internal()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
