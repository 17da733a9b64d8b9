//! The project bootstrap (`GET /sdk/v1/projects/bootstrap/{public_token}`): fetched once per
//! client, shared by every caller that needs it, cached in localStorage under `::bootstrap`.

use std::sync::Mutex;

use futures_channel::oneshot;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{StytchB2BClient, lock, state_key};
use super::platform::Method;

/// The bootstrap as the JS SDK maps and caches it (camelCase keys). Field names that the protocol reference
/// does not spell out are this crate's choice: `pkceRequiredForOauth`, `pkceRequiredForSso`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Bootstrap {
    /// The Stytch project's name.
    pub project_name: String,
    /// Whether pre-built UI shows the Stytch watermark.
    pub display_watermark: bool,
    /// The project's custom domain (no scheme), used for OAuth starts.
    pub cname_domain: Option<String>,
    /// The email domains the project's emails come from; pre-built UI links to the inbox when there is one.
    pub email_domains: Vec<String>,
    /// `{enabled, siteKey?}`.
    pub captcha_settings: Value,
    /// Whether magic-link sends carry a PKCE challenge.
    pub pkce_required_for_email_magic_links: bool,
    /// Whether password reset starts carry a PKCE challenge.
    pub pkce_required_for_password_resets: bool,
    /// Whether OAuth starts carry a PKCE challenge.
    pub pkce_required_for_oauth: bool,
    /// Whether SSO starts carry a PKCE challenge.
    pub pkce_required_for_sso: bool,
    /// The organization slug pattern pre-built UI suggests, if any.
    pub slug_pattern: Option<String>,
    /// Whether users may create organizations in discovery.
    pub create_organization_enabled: bool,
    /// `{luds_complexity, luds_minimum_count}` when the project uses LUDS.
    pub password_config: Option<Value>,
    /// Whether device fingerprinting protects auth calls.
    pub run_dfp_protected_auth: bool,
    /// The project's RBAC policy as JSON; read it typed with [`crate::core::rbac`].
    pub rbac_policy: Option<Value>,
    /// `B2B` for a B2B project.
    pub vertical: String,
}

impl Default for Bootstrap {
    /// The JS SDK's `DEFAULT_BOOTSTRAP`, used when the fetch fails: captcha off, PKCE off, no RBAC policy.
    fn default() -> Self {
        Self {
            project_name: String::new(),
            display_watermark: false,
            cname_domain: None,
            email_domains: vec!["stytch.com".to_owned()],
            captcha_settings: serde_json::json!({"enabled": false}),
            pkce_required_for_email_magic_links: false,
            pkce_required_for_password_resets: false,
            pkce_required_for_oauth: false,
            pkce_required_for_sso: false,
            slug_pattern: None,
            create_organization_enabled: false,
            password_config: None,
            run_dfp_protected_auth: false,
            rbac_policy: None,
            vertical: "B2B".to_owned(),
        }
    }
}

/// The wire form.
#[derive(Debug, Deserialize)]
struct RawBootstrap {
    #[serde(default)]
    project_name: String,
    #[serde(default)]
    disable_sdk_watermark: bool,
    #[serde(default)]
    cname_domain: Option<String>,
    #[serde(default)]
    email_domains: Vec<String>,
    captcha_settings: Value,
    #[serde(default)]
    pkce_required_for_email_magic_links: bool,
    #[serde(default)]
    pkce_required_for_password_resets: bool,
    #[serde(default)]
    pkce_required_for_oauth: bool,
    #[serde(default)]
    pkce_required_for_sso: bool,
    #[serde(default)]
    slug_pattern: Option<String>,
    #[serde(default)]
    create_organization_enabled: bool,
    // Required, as in the JS SDK: a bootstrap without it is treated as failed.
    password_config: Option<Value>,
    #[serde(default)]
    dfp_protected_auth_enabled: bool,
    #[serde(default)]
    rbac_policy: Option<Value>,
    #[serde(default)]
    vertical: String,
}

impl From<RawBootstrap> for Bootstrap {
    fn from(r: RawBootstrap) -> Self {
        Self {
            project_name: r.project_name,
            display_watermark: !r.disable_sdk_watermark,
            cname_domain: r.cname_domain,
            email_domains: r.email_domains,
            captcha_settings: r.captcha_settings,
            pkce_required_for_email_magic_links: r.pkce_required_for_email_magic_links,
            pkce_required_for_password_resets: r.pkce_required_for_password_resets,
            pkce_required_for_oauth: r.pkce_required_for_oauth,
            pkce_required_for_sso: r.pkce_required_for_sso,
            slug_pattern: r.slug_pattern,
            create_organization_enabled: r.create_organization_enabled,
            password_config: r.password_config,
            run_dfp_protected_auth: r.dfp_protected_auth_enabled,
            rbac_policy: r.rbac_policy,
            vertical: r.vertical,
        }
    }
}

#[derive(Default)]
enum Phase {
    #[default]
    Idle,
    Loading(Vec<oneshot::Sender<()>>),
    Ready(Bootstrap),
}

/// One fetch, many waiters.
#[derive(Default)]
pub(crate) struct BootstrapCell {
    phase: Mutex<Phase>,
}

/// Held by the caller that fetches. If that caller's future is dropped mid-fetch (a cancelled task, an
/// unmounted component), the cell goes back to idle and its waiters' senders are dropped: each waiter
/// wakes, looks again, and one of them fetches. Without this they would wait for ever. After a finished
/// fetch the cell is `Ready` and is left alone.
struct Loading<'a>(&'a BootstrapCell);

impl Drop for Loading<'_> {
    fn drop(&mut self) {
        let mut phase = lock(&self.0.phase);
        if matches!(*phase, Phase::Loading(_)) {
            let abandoned = std::mem::take(&mut *phase);
            // Wake the waiters outside the lock: each of them takes it again at once.
            drop(phase);
            drop(abandoned);
        }
    }
}

impl StytchB2BClient {
    /// The project bootstrap, fetched on first use (the constructor starts that fetch). Concurrent callers
    /// share one request. On failure the JS SDK's defaults are used for this page load.
    pub async fn bootstrap_config(&self) -> Bootstrap {
        loop {
            let waiter = {
                let mut phase = lock(&self.inner.bootstrap.phase);
                match &mut *phase {
                    Phase::Ready(b) => return b.clone(),
                    Phase::Loading(waiters) => {
                        let (tx, rx) = oneshot::channel();
                        waiters.push(tx);
                        Some(rx)
                    }
                    Phase::Idle => {
                        *phase = Phase::Loading(Vec::new());
                        None
                    }
                }
            };
            match waiter {
                // Woken (or the loader was dropped): look again.
                Some(rx) => {
                    let _ = rx.await;
                }
                None => {
                    let _loading = Loading(&self.inner.bootstrap);
                    let fetched = self.fetch_bootstrap().await;
                    let waiters = {
                        let mut phase = lock(&self.inner.bootstrap.phase);
                        match std::mem::replace(&mut *phase, Phase::Ready(fetched.clone())) {
                            Phase::Loading(w) => w,
                            _ => Vec::new(),
                        }
                    };
                    for w in waiters {
                        let _ = w.send(());
                    }
                    return fetched;
                }
            }
        }
    }

    /// The bootstrap if it has been fetched during this page load, else the copy cached in localStorage.
    pub fn bootstrap_sync(&self) -> Option<Bootstrap> {
        if let Phase::Ready(b) = &*lock(&self.inner.bootstrap.phase) {
            return Some(b.clone());
        }
        let raw = self.inner.store.get_item(&bootstrap_key(self))?;
        super::json::parse(&raw).ok()
    }

    async fn fetch_bootstrap(&self) -> Bootstrap {
        let path = format!("/projects/bootstrap/{}", self.inner.public_token);
        match self
            .request::<RawBootstrap>(Method::Get, &path, None::<&()>)
            .await
        {
            Ok(raw) => {
                let b = Bootstrap::from(raw);
                if let Ok(json) = serde_json::to_string(&b) {
                    self.inner.store.set_item(&bootstrap_key(self), &json);
                }
                b
            }
            Err(_) => Bootstrap::default(),
        }
    }
}

fn bootstrap_key(client: &StytchB2BClient) -> String {
    format!("{}::bootstrap", state_key(client.public_token()))
}
