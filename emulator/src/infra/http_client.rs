//! The emulator's outgoing HTTP, for the relying-party side of OIDC connections (discovery, code
//! exchange, JWKS, userinfo): a URL on the emulator's own address is answered by its own router
//! in-process (so an OIDC connection pointed at the built-in OpenID provider works without a
//! socket, in tests too); any other `http://` URL goes over a plain HTTP/1.1 connection. `https://`
//! is refused: the emulator runs offline and carries no TLS stack.

use std::sync::Arc;

use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::Inner;

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
            let router = crate::Emulator {
                inner: self.inner.clone(),
            }
            .router();
            let resp = router
                .oneshot(axum::http::Request::from_parts(parts, Body::from(body)))
                .await
                .map_err(|e| io(e.to_string()))?;
            let (parts, body) = resp.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| io(e.to_string()))?
                .to_bytes();
            (parts, bytes)
        } else {
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
            let mut parts = parts;
            let path = uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".to_owned());
            parts.uri = path.parse().map_err(|_| io("bad path"))?;
            if let Some(a) = uri.authority()
                && let Ok(v) = axum::http::HeaderValue::from_str(a.as_str())
            {
                parts.headers.insert(axum::http::header::HOST, v);
            }
            let req = axum::http::Request::from_parts(
                parts,
                http_body_util::Full::new(axum::body::Bytes::from(body)),
            );
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
            (parts, bytes)
        };
        Ok(openidconnect::HttpResponse::from_parts(
            parts,
            bytes.to_vec(),
        ))
    }
}
