//! Handlers are synchronous at heart: they wait for the one SQLite connection and run SQL. This layer
//! runs each of them on tokio's blocking pool, so that the async workers never wait on the database
//! lock and only move bytes (argon2 already runs on the same pool, outside the lock; see
//! `domain::passwords`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

pub async fn off_async_workers(req: Request, next: Next) -> Response {
    let handle = tokio::runtime::Handle::current();
    match tokio::task::spawn_blocking(move || handle.block_on(next.run(req))).await {
        Ok(response) => response,
        Err(_) => ApiError::internal().into_response(),
    }
}
