//! A bare axum handler, the ceiling for the emulator's throughput in bench/run.sh: same axum, tokio
//! runtime and JSON body handling as the emulator, no auth, no database, no signing.
//!
//! `axum-baseline PORT` serves `POST /` on 127.0.0.1:PORT: it parses the JSON body and answers a
//! small JSON object.

use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};

async fn handle(Json(body): Json<Value>) -> Json<Value> {
    Json(json!({ "status_code": 200, "fields": body.as_object().map_or(0, |o| o.len()) }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "4021".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!(
        "axum-baseline listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, axum::Router::new().route("/", post(handle))).await
}
