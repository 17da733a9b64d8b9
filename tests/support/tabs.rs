//! Several tabs of one browser: a shared cookie jar and localStorage, with `storage` events delivered to the
//! other tabs (never to the writer), like a browser does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use leptos_stytch::core::platform::{CookieSpec, Store};

type Callback = Arc<dyn Fn(Option<String>) + Send + Sync>;
type Listener = (u64, String, Callback);
type CookieKey = (String, String, Option<String>);

#[derive(Default)]
pub struct Browser {
    cookies: Mutex<BTreeMap<CookieKey, CookieSpec>>,
    items: Mutex<BTreeMap<String, String>>,
    listeners: Mutex<Vec<Listener>>,
    next_tab: Mutex<u64>,
}

impl Browser {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn tab(self: &Arc<Self>) -> Arc<TabStore> {
        let mut n = self.next_tab.lock().unwrap();
        *n += 1;
        Arc::new(TabStore {
            browser: self.clone(),
            tab: *n,
        })
    }

    /// Every cookie in the jar (name, path, domain).
    pub fn cookies(&self) -> Vec<CookieSpec> {
        self.cookies.lock().unwrap().values().cloned().collect()
    }

    fn changed(&self, writer: u64, key: &str, value: Option<String>) {
        let targets: Vec<_> = self
            .listeners
            .lock()
            .unwrap()
            .iter()
            .filter(|(tab, k, _)| *tab != writer && k == key)
            .map(|(_, _, cb)| cb.clone())
            .collect();
        for cb in targets {
            cb(value.clone());
        }
    }
}

pub struct TabStore {
    browser: Arc<Browser>,
    tab: u64,
}

impl Store for TabStore {
    fn get_cookie(&self, name: &str) -> Option<String> {
        self.browser
            .cookies
            .lock()
            .unwrap()
            .values()
            .find(|c| c.name == name)
            .map(|c| c.value.clone())
    }
    fn set_cookie(&self, cookie: &CookieSpec) {
        self.browser.cookies.lock().unwrap().insert(
            (
                cookie.name.clone(),
                cookie.path.clone(),
                cookie.domain.clone(),
            ),
            cookie.clone(),
        );
    }
    fn remove_cookie(&self, name: &str, path: &str, domain: Option<&str>) {
        self.browser.cookies.lock().unwrap().remove(&(
            name.to_owned(),
            path.to_owned(),
            domain.map(str::to_owned),
        ));
    }
    fn get_item(&self, key: &str) -> Option<String> {
        self.browser.items.lock().unwrap().get(key).cloned()
    }
    fn set_item(&self, key: &str, value: &str) {
        let old = self
            .browser
            .items
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.to_owned());
        // Browsers fire `storage` only when the value really changes.
        if old.as_deref() != Some(value) {
            self.browser.changed(self.tab, key, Some(value.to_owned()));
        }
    }
    fn remove_item(&self, key: &str) {
        let old = self.browser.items.lock().unwrap().remove(key);
        if old.is_some() {
            self.browser.changed(self.tab, key, None);
        }
    }
    fn on_external_change(&self, key: &str, callback: Box<dyn Fn(Option<String>) + Send + Sync>) {
        self.browser.listeners.lock().unwrap().push((
            self.tab,
            key.to_owned(),
            Arc::from(callback),
        ));
    }
}
