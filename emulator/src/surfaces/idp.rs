//! Surface 4: the built-in identity provider `/emulator/idp/…`, standing in for SAML and OIDC IdPs
//! and for the OAuth providers, so SSO and OAuth work offline with no account anywhere.
//!
//! * `GET /emulator/idp/authorize?flow=…` (where every SSO and OAuth start redirects): a
//!   self-contained HTML page — no script, no external asset, inline CSS only — with one button per
//!   identity already seen for this connection or provider, a plain `<form method="post">` with an
//!   input named `email` (plus `name`, and `groups` for SSO, `hosted_domain` for Google,
//!   `tenant_id` for Slack, HubSpot, GitHub and Microsoft), and Deny. Stable `data-testid`s:
//!   `idp-email`, `idp-name`, `idp-submit`, `idp-deny`, `idp-identity`.
//! * `POST /emulator/idp/authorize` (that form, `application/x-www-form-urlencoded`): the answer
//!   is stored behind a single-use code and the browser goes to the callback —
//!   `/v1/b2b/sso/callback/{connection_id}` or the project's `/v1/oauth/callback/{id}` — with
//!   `code` and `state`, or with `error=access_denied` after Deny. The callback does the rest
//!   (see `surfaces::public`).
//! * Any HTTP client finishes a flow: follow the start's redirect, post `flow` and `email` to this
//!   form, follow the redirects to the app's URL and read `token` from it.
//! * A flow that is unknown, expired or already finished → 400 `bad_request` (start again).

use crate::Inner;
use crate::domain::idp;
use crate::domain::idp::Flow;
use crate::domain::idp::FlowKind;
use crate::domain::idp::Identity;
use crate::domain::validation::COMMON_DOMAINS;
use crate::domain::validation::email_domain;
use crate::domain::validation::normalize_email;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::surfaces::St;
use axum::Form;
use axum::Router;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

pub const AUTHORIZE: &str = "/emulator/idp/authorize";

pub fn routes() -> Router<Arc<Inner>> {
    Router::new().route(AUTHORIZE, get(page).post(answer))
}

/// A `302 Found` to `location`.
pub fn redirect(location: &str) -> ApiResult<Response> {
    let value = HeaderValue::from_str(location)
        .map_err(|_| ApiError::bad_request("The redirect URL is not a valid header value."))?;
    Ok((
        StatusCode::FOUND,
        [
            (header::LOCATION, value),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}

/// The page's location for a flow.
pub fn page_url(flow_id: &str) -> String {
    format!("{AUTHORIZE}?flow={flow_id}")
}

fn flow_gone() -> ApiError {
    ApiError::bad_request(
        "This sign-in is unknown, has expired or was already finished: start it again from the app.",
    )
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How the page names the provider.
fn provider_title(flow: &Flow) -> &'static str {
    match flow.provider.as_str() {
        "google" => "Google",
        "microsoft" => "Microsoft",
        "github" => "GitHub",
        "slack" => "Slack",
        "hubspot" => "HubSpot",
        _ => "your identity provider",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;color:#1d2330}\
main{max-width:26rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.3rem;margin-top:0}\
p.note{color:#5a6270;font-size:.85rem}label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}\
input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #b8bec8;border-radius:4px;font-size:1rem}\
button{margin-top:1rem;padding:.55rem 1rem;border-radius:4px;border:1px solid #2f55d4;\
background:#2f55d4;color:#fff;font-size:1rem;cursor:pointer}button.deny{background:#fff;color:#a3261b;\
border-color:#a3261b;margin-left:.5rem}button.identity{width:100%;background:#fff;color:#1d2330;\
border-color:#b8bec8;text-align:left}form.identity{margin:0}";

fn render(flow_id: &str, flow: &Flow, asking: &str, seen: &[(String, String)]) -> String {
    let title = match flow.kind {
        Some(FlowKind::Sso) => "Single sign-on".to_owned(),
        Some(FlowKind::OidcProvider) => "Sign in".to_owned(),
        _ => format!("Sign in with {}", provider_title(flow)),
    };
    let flow_input = format!(
        r#"<input type="hidden" name="flow" value="{}">"#,
        escape(flow_id)
    );
    let mut html = String::with_capacity(4096);
    let _ = write!(
        html,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Stytch emulator</title><link rel="icon" href="data:,"><style>{STYLE}</style></head><body><main><h1>{title}</h1><p data-testid="idp-asking">{asking}</p>"#,
        title = escape(&title),
        asking = escape(asking),
    );
    if !seen.is_empty() {
        html.push_str(r#"<section data-testid="idp-identities"><p>Continue as:</p>"#);
        for (email, name) in seen {
            let label = if name.is_empty() {
                email.clone()
            } else {
                format!("{name} <{email}>")
            };
            let _ = write!(
                html,
                r#"<form class="identity" method="post" action="{AUTHORIZE}">{flow_input}<input type="hidden" name="email" value="{e}"><input type="hidden" name="name" value="{n}"><button class="identity" type="submit" name="action" value="approve" data-testid="idp-identity">{l}</button></form>"#,
                e = escape(email),
                n = escape(name),
                l = escape(&label),
            );
        }
        html.push_str("</section><p>Or another account:</p>");
    }
    let _ = write!(
        html,
        r#"<form method="post" action="{AUTHORIZE}" data-testid="idp-form">{flow_input}<label for="idp-email">Email</label><input id="idp-email" type="email" name="email" required autocomplete="email" data-testid="idp-email"><label for="idp-name">Name (optional)</label><input id="idp-name" name="name" autocomplete="name" data-testid="idp-name">"#
    );
    match (flow.kind, flow.provider.as_str()) {
        (Some(FlowKind::Sso | FlowKind::OidcProvider), _) => html.push_str(
            r#"<label for="idp-groups">Groups (optional, comma-separated)</label><input id="idp-groups" name="groups" data-testid="idp-groups">"#,
        ),
        (_, "google") => html.push_str(
            r#"<label for="idp-hd">Hosted domain (hd; empty: the email's domain, none for gmail.com)</label><input id="idp-hd" name="hosted_domain" data-testid="idp-hd">"#,
        ),
        (_, "slack" | "hubspot" | "github" | "microsoft") => html.push_str(
            r#"<label for="idp-tenant">Tenant id (workspace, hub, organization or tenant; optional)</label><input id="idp-tenant" name="tenant_id" data-testid="idp-tenant">"#,
        ),
        _ => {}
    }
    html.push_str(
        r#"<div><button type="submit" name="action" value="approve" data-testid="idp-submit">Sign in</button><button class="deny" type="submit" name="action" value="deny" formnovalidate data-testid="idp-deny">Deny</button></div></form><p class="note">This is the Stytch emulator's built-in identity provider: no password, no network. Whatever you enter is what the identity provider asserts.</p></main></body></html>"#,
    );
    html
}

async fn page(
    State(inner): St,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("Invalid query string."))?;
    let flow_id = q.get("flow").map(String::as_str).unwrap_or("");
    let conn = inner.conn();
    let flow = idp::live_flow(&conn, flow_id, inner.now())?.ok_or_else(flow_gone)?;
    let asking = match flow.kind {
        Some(FlowKind::Sso) => {
            let c = crate::domain::sso::get(&conn, &flow.connection_id)?
                .ok_or_else(crate::domain::sso::connection_not_found)?;
            let org = crate::domain::organizations::get_org(&conn, c.organization_id())?
                .ok_or_else(ApiError::organization_not_found)?;
            let name = c.data["display_name"]
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or(c.id());
            format!(
                "{} asks you to sign in through {name}.",
                org["organization_name"]
                    .as_str()
                    .unwrap_or("An organization")
            )
        }
        Some(FlowKind::OidcProvider) => format!(
            "{} asks you to sign in.",
            flow.oidc
                .as_ref()
                .map(|o| o.client_id.as_str())
                .unwrap_or("An application")
        ),
        _ => format!(
            "{} asks to use your {} account.",
            inner.seed.project.name.as_deref().unwrap_or("An app"),
            provider_title(&flow)
        ),
    };
    let seen = idp::seen(&conn, flow.source())?;
    let html = render(flow_id, &flow, &asking, &seen);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
                ),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response())
}

#[derive(Deserialize)]
struct Answer {
    flow: String,
    email: Option<String>,
    name: Option<String>,
    groups: Option<String>,
    hosted_domain: Option<String>,
    tenant_id: Option<String>,
    action: Option<String>,
}

/// Where the identity provider sends the browser back: the flow's callback.
pub fn callback_path(inner: &Inner, flow: &Flow) -> String {
    match flow.kind {
        Some(FlowKind::Sso) => format!("/v1/b2b/sso/callback/{}", flow.connection_id),
        _ => format!("/v1/oauth/callback/{}", oauth_callback_id(inner)),
    }
}

/// The project's OAuth callback id, `oauth-callback-test-<uuid>` (stable per project).
pub fn oauth_callback_id(inner: &Inner) -> String {
    crate::infra::ids::derived_id("oauth-callback", &[&inner.project.project_id])
}

/// The identity a form answer asserts (defaults filled in: subject, Google's `hd`).
fn identity_of(flow: &Flow, a: &Answer, email: String) -> Identity {
    let hosted_domain = match (flow.provider.as_str(), a.hosted_domain.as_deref()) {
        ("google", Some(hd)) if !hd.trim().is_empty() => hd.trim().to_ascii_lowercase(),
        ("google", _) if !COMMON_DOMAINS.contains(&email_domain(&email)) => {
            email_domain(&email).to_owned()
        }
        _ => String::new(),
    };
    Identity {
        subject: idp::default_subject(flow.source(), &email),
        name: a.name.as_deref().unwrap_or("").trim().to_owned(),
        groups: a
            .groups
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(String::from)
            .collect(),
        hosted_domain,
        tenant_id: a.tenant_id.as_deref().unwrap_or("").trim().to_owned(),
        email,
    }
}

async fn answer(
    State(inner): St,
    form: Result<Form<Answer>, FormRejection>,
) -> ApiResult<Response> {
    let Form(a) = form.map_err(|_| {
        ApiError::bad_request("The sign-in form must be posted as application/x-www-form-urlencoded with a `flow` field.")
    })?;
    let now = inner.now();
    let conn = inner.conn();
    let flow = idp::live_flow(&conn, &a.flow, now)?.ok_or_else(flow_gone)?;
    let (back, state) = match &flow.oidc {
        Some(o) => (o.redirect_uri.clone(), o.state.clone()),
        None => (callback_path(&inner, &flow), a.flow.clone()),
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    let state = crate::surfaces::idp_oidc::query_value(&state);
    if a.action.as_deref() == Some("deny") {
        return redirect(&format!("{back}{sep}error=access_denied&state={state}"));
    }
    let email = normalize_email(a.email.as_deref().unwrap_or(""))?;
    let identity = identity_of(&flow, &a, email);
    let code = idp::issue_code(&conn, &a.flow, &identity, now)?;
    redirect(&format!("{back}{sep}code={code}&state={state}"))
}
