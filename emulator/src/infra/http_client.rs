//! The emulator's outgoing HTTP, for the relying-party side of OIDC connections (discovery, code
//! exchange, JWKS, userinfo): a URL on the emulator's own address is answered by its own router
//! in-process (so an OIDC connection pointed at the built-in OpenID provider works without a
//! socket, in tests too); any other `http://` URL goes over a plain HTTP/1.1 connection, within
//! [`OUTSIDE_TIMEOUT`]. `https://` is refused: the emulator runs offline and carries no TLS stack.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Uri, header, request, response};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::Inner;

/// How long a request to another host may take (connect, send, answer).
const OUTSIDE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Requests to `own_base` (`http://host:port`) stay in-process.
#[derive(Clone)]
pub struct HttpClient {
    pub inner: Arc<Inner>,
    pub own_base: String,
}

fn io(message: impl Into<String>) -> std::io::Error {
    std::io::Error::other(message.into())
}

impl HttpClient {
    pub async fn send(
        &self,
        req: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, std::io::Error> {
        let uri = req.uri().clone();
        let own = format!("{}/", self.own_base.trim_end_matches('/'));
        let target = format!(
            "{}://{}/",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map(|a| a.as_str()).unwrap_or("")
        );
        let (parts, body) = req.into_parts();
        let (parts, bytes) = if target == own {
            self.in_process(parts, body).await?
        } else {
            tokio::time::timeout(OUTSIDE_TIMEOUT, over_tcp(uri, parts, body))
                .await
                .map_err(|_| io("the request timed out"))??
        };
        Ok(openidconnect::HttpResponse::from_parts(
            parts,
            bytes.to_vec(),
        ))
    }

    async fn in_process(
        &self,
        parts: request::Parts,
        body: Vec<u8>,
    ) -> Result<(response::Parts, Bytes), std::io::Error> {
        let router = crate::Emulator {
            inner: self.inner.clone(),
        }
        .router();
        let resp = router
            .oneshot(Request::from_parts(parts, Body::from(body)))
            .await
            .map_err(|e| io(e.to_string()))?;
        let (parts, body) = resp.into_parts();
        let bytes = body
            .collect()
            .await
            .map_err(|e| io(e.to_string()))?
            .to_bytes();
        Ok((parts, bytes))
    }
}

async fn over_tcp(
    uri: Uri,
    mut parts: request::Parts,
    body: Vec<u8>,
) -> Result<(response::Parts, Bytes), std::io::Error> {
    if uri.scheme_str() != Some("http") {
        return Err(io("only http:// URLs are reachable from the emulator"));
    }
    let host = uri.host().ok_or_else(|| io("no host"))?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| io(e.to_string()))?;
    tokio::spawn(conn);
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    parts.uri = path.parse().map_err(|_| io("bad path"))?;
    if let Some(a) = uri.authority()
        && let Ok(v) = HeaderValue::from_str(a.as_str())
    {
        parts.headers.insert(header::HOST, v);
    }
    let req = Request::from_parts(parts, http_body_util::Full::new(Bytes::from(body)));
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| io(e.to_string()))?;
    let (parts, body) = resp.into_parts();
    let bytes = body
        .collect()
        .await
        .map_err(|e| io(e.to_string()))?
        .to_bytes();
    Ok((parts, bytes))
}
