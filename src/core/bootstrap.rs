//! The project bootstrap (`GET /sdk/v1/projects/bootstrap/{public_token}`): fetched once per
//! client, shared by every caller that needs it, cached in localStorage under `::bootstrap`.

use std::sync::Mutex;

use futures_channel::oneshot;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::{StytchB2BClient, lock, state_key};
use super::models::take;
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
#[derive(Debug, Default)]
struct RawBootstrap {
    project_name: String,
    disable_sdk_watermark: bool,
    cname_domain: Option<String>,
    email_domains: Vec<String>,
    captcha_settings: Value,
    pkce_required_for_email_magic_links: bool,
    pkce_required_for_password_resets: bool,
    pkce_required_for_oauth: bool,
    pkce_required_for_sso: bool,
    slug_pattern: Option<String>,
    create_organization_enabled: bool,
    password_config: Option<Value>,
    dfp_protected_auth_enabled: bool,
    rbac_policy: Option<Value>,
    vertical: String,
}

// As `deserialize_from_map!` does for the models (a derive compiles a field-matching state machine per
// deserializer): every key is taken out of the JSON object on its own and defaults when missing, except
// `captcha_settings`, which a bootstrap must have.
impl<'de> Deserialize<'de> for RawBootstrap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = Map::<String, Value>::deserialize(deserializer)?;
        if !object.contains_key("captcha_settings") {
            return Err(serde::de::Error::missing_field("captcha_settings"));
        }
        let mut raw = RawBootstrap::default();
        macro_rules! take_all {
            ($($field:ident),*) => {
                $( take(&mut object, stringify!($field), &mut raw.$field)
                    .map_err(serde::de::Error::custom)?; )*
            };
        }
        take_all!(
            project_name,
            disable_sdk_watermark,
            cname_domain,
            email_domains,
            captcha_settings,
            pkce_required_for_email_magic_links,
            pkce_required_for_password_resets,
            pkce_required_for_oauth,
            pkce_required_for_sso,
            slug_pattern,
            create_organization_enabled,
            password_config,
            dfp_protected_auth_enabled,
            rbac_policy,
            vertical
        );
        Ok(raw)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(wire: Value) -> Result<RawBootstrap, serde_json::Error> {
        serde_json::from_value(wire)
    }

    #[test]
    fn the_wire_form_maps_onto_the_js_sdk_bootstrap() {
        let wire = json!({
            "project_name": "Acme", "disable_sdk_watermark": true, "cname_domain": "login.acme.test",
            "email_domains": ["acme.test"], "captcha_settings": {"enabled": true, "siteKey": "k"},
            "pkce_required_for_email_magic_links": true, "pkce_required_for_password_resets": true,
            "pkce_required_for_oauth": true, "pkce_required_for_sso": true, "slug_pattern": "^[a-z]+$",
            "create_organization_enabled": true, "password_config": {"luds_complexity": 3},
            "dfp_protected_auth_enabled": true, "rbac_policy": {"roles": []}, "vertical": "B2B",
            "a_key_from_a_newer_server": 1,
        });
        let b = Bootstrap::from(raw(wire).unwrap());
        assert_eq!(
            b,
            Bootstrap {
                project_name: "Acme".into(),
                display_watermark: false,
                cname_domain: Some("login.acme.test".into()),
                email_domains: vec!["acme.test".into()],
                captcha_settings: json!({"enabled": true, "siteKey": "k"}),
                pkce_required_for_email_magic_links: true,
                pkce_required_for_password_resets: true,
                pkce_required_for_oauth: true,
                pkce_required_for_sso: true,
                slug_pattern: Some("^[a-z]+$".into()),
                create_organization_enabled: true,
                password_config: Some(json!({"luds_complexity": 3})),
                run_dfp_protected_auth: true,
                rbac_policy: Some(json!({"roles": []})),
                vertical: "B2B".into(),
            }
        );
    }

    #[test]
    fn only_captcha_settings_is_required_and_a_wrong_type_names_its_field() {
        let b = Bootstrap::from(raw(json!({"captcha_settings": null})).unwrap());
        assert!(b.display_watermark && b.email_domains.is_empty() && b.password_config.is_none());
        assert_eq!(b.captcha_settings, Value::Null);
        let missing = raw(json!({"project_name": "Acme"}))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("captcha_settings"), "{missing}");
        let wrong = raw(json!({"captcha_settings": {}, "pkce_required_for_sso": "yes"}))
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("`pkce_required_for_sso`"), "{wrong}");
        assert!(raw(json!([])).is_err());
    }
}
