/// `?stytch_token_type=…&token=…` as found in a redirect back from Stytch (a magic link, OAuth, SSO…).
/// `Debug` does not show the token.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthenticateUrlParams {
    /// The `stytch_token_type` query parameter, e.g. `multi_tenant_magic_links`.
    pub token_type: String,
    /// The `token` query parameter.
    pub token: String,
}

crate::core::redact::debug_redacted!(AuthenticateUrlParams {
    token_type,
    token: secret
});

/// Reads `stytch_token_type` and `token` from the current URL. With `clear_params`, removes both from the
/// address bar with `history.replaceState` (before any request is made, like the JS SDK), so a reload or
/// a shared URL never replays a single-use token.
pub fn parse_authenticate_url(clear_params: bool) -> Option<AuthenticateUrlParams> {
    let window = web_sys::window()?;
    let href = window.location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    let params = url.search_params();
    let token_type = params.get("stytch_token_type")?;
    let token = params.get("token")?;
    if clear_params {
        params.delete("stytch_token_type");
        params.delete("token");
        let search = String::from(params.to_string());
        url.set_search(&search);
        if let Ok(history) = window.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
        }
    }
    Some(AuthenticateUrlParams { token_type, token })
}

/// Sends the browser to `url` (`window.location.assign`): what the JS SDK does with the URLs that
/// [`crate::core::sso::SsoClient::start`] and the OAuth starts return.
pub fn navigate(url: &str) -> Result<(), wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or_else(|| wasm_bindgen::JsValue::from_str("no window"))?;
    window.location().assign(url)
}
