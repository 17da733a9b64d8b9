//! `client.self_()`: the logged-in member (JS `stytch.self`).
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::UpdateSelfRequest;
//!
//! async fn rename_me() -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     let me = client.self_().get().await?;
//!     println!("{}", me.email_address);
//!     client
//!         .self_()
//!         .update(UpdateSelfRequest { name: Some("Ada".into()), ..Default::default() })
//!         .await?;
//!     Ok(())
//! }
//! ```

use serde::Serialize;
use serde_json::{Map, Value};

use super::client::{StytchB2BClient, Unsubscribe};
use super::error::StytchError;
use super::models::{Member, MemberEnvelope, MemberResponse};
use super::platform::Method;
use super::url::encode_uri_component;

/// Body of [`SelfClient::update`]: each field needs its `stytch.self` action
/// (`update.info.name`, `update.info.untrusted-metadata`, `update.settings.mfa-enrolled`,
/// `update.info.mfa-phone`, `update.settings.default-mfa-method`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateSelfRequest {
    /// The member's new display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Replaces the member's untrusted metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untrusted_metadata: Option<Map<String, Value>>,
    /// Whether the member must pass MFA at every login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_enrolled: Option<bool>,
    /// The member's phone number for SMS MFA, in E.164 form (`+15005550006`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_phone_number: Option<String>,
    /// `sms_otp` or `totp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_mfa_method: Option<String>,
}

/// Body of [`SelfClient::unlink_retired_email`]: `email_id` and/or `email_address`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SelfUnlinkRetiredEmailRequest {
    /// Id of the retired address to unlink.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_id: Option<String>,
    /// The retired address to unlink.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

/// Body of [`SelfClient::start_email_update`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SelfStartEmailUpdateRequest {
    /// The new address; a link or code is sent to it to confirm.
    pub email_address: String,
    /// Where the confirmation link sends the member; must be one of the project's redirect URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_redirect_url: Option<String>,
    /// Id of a custom email template for the confirmation; the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_template_id: Option<String>,
    /// Language of the email or SMS this call sends (e.g. `en`, `es`, `pt-br`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// `EMAIL_MAGIC_LINK` (default) or `EMAIL_OTP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<String>,
}

const MEMBERS: &str = "/b2b/organizations/members";

/// Get it with [`StytchB2BClient::self_`].
#[derive(Clone, Debug)]
pub struct SelfClient {
    client: StytchB2BClient,
}

/// [`SelfClient::get_info`].
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInfo {
    /// The logged-in member, `None` without a session.
    pub member: Option<Member>,
    /// True while the value is still the one restored from storage and not yet confirmed by Stytch.
    pub from_cache: bool,
}

impl SelfClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// `GET /sdk/v1/b2b/organizations/members/me`: fetches the member and updates the stored state.
    pub async fn get(&self) -> Result<Member, StytchError> {
        let resp: MemberEnvelope = self
            .client
            .request(Method::Get, "/b2b/organizations/members/me", None::<&()>)
            .await?;
        self.client.update_member(resp.member.clone());
        Ok(resp.member)
    }

    async fn member_call(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<MemberResponse, StytchError> {
        let resp: MemberResponse = self.client.request(method, path, body).await?;
        self.client.update_member(resp.member.clone());
        Ok(resp)
    }

    /// `PUT /sdk/v1/b2b/organizations/members/update`: updates the logged-in member and stores it.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient) -> Result<(), leptos_stytch::StytchError> {
    /// use leptos_stytch::UpdateSelfRequest;
    /// client.self_().update(UpdateSelfRequest { name: Some("Ada".into()), ..Default::default() }).await?;
    /// assert_eq!(client.self_().get_sync().map(|m| m.name).as_deref(), Some("Ada"));
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, request: UpdateSelfRequest) -> Result<MemberResponse, StytchError> {
        self.member_call(Method::Put, &format!("{MEMBERS}/update"), Some(&request))
            .await
    }

    /// `DELETE /sdk/v1/b2b/organizations/members/passwords/{member_password_id}`: deletes the
    /// logged-in member's password (`stytch.self` / `update.info.delete.password`).
    pub async fn delete_password(
        &self,
        member_password_id: &str,
    ) -> Result<MemberResponse, StytchError> {
        let path = format!(
            "{MEMBERS}/passwords/{}",
            encode_uri_component(member_password_id)
        );
        self.member_call(Method::Delete, &path, None::<&()>).await
    }

    /// `DELETE /sdk/v1/b2b/organizations/members/deletePhoneNumber` (`stytch.self` /
    /// `update.info.delete.mfa-phone`).
    pub async fn delete_mfa_phone_number(&self) -> Result<MemberResponse, StytchError> {
        self.member_call(
            Method::Delete,
            &format!("{MEMBERS}/deletePhoneNumber"),
            None::<&()>,
        )
        .await
    }

    /// `DELETE /sdk/v1/b2b/organizations/members/deleteTOTP` (`stytch.self` /
    /// `update.info.delete.mfa-totp`).
    pub async fn delete_mfa_totp(&self) -> Result<MemberResponse, StytchError> {
        self.member_call(
            Method::Delete,
            &format!("{MEMBERS}/deleteTOTP"),
            None::<&()>,
        )
        .await
    }

    /// `POST /sdk/v1/b2b/organizations/members/unlink_retired_email` (`stytch.self` /
    /// `update.info.unlink.retired-email`).
    pub async fn unlink_retired_email(
        &self,
        request: SelfUnlinkRetiredEmailRequest,
    ) -> Result<MemberResponse, StytchError> {
        self.member_call(
            Method::Post,
            &format!("{MEMBERS}/unlink_retired_email"),
            Some(&request),
        )
        .await
    }

    /// `POST /sdk/v1/b2b/organizations/members/start_email_update`: emails a link to the new
    /// address (`stytch.self` / `update.info.email`); following it switches the email.
    pub async fn start_email_update(
        &self,
        request: SelfStartEmailUpdateRequest,
    ) -> Result<MemberResponse, StytchError> {
        self.member_call(
            Method::Post,
            &format!("{MEMBERS}/start_email_update"),
            Some(&request),
        )
        .await
    }

    /// The member, read locally.
    pub fn get_sync(&self) -> Option<Member> {
        self.client.snapshot().state.map(|s| s.member)
    }

    /// The logged-in member, read locally, and whether it is still the copy restored from storage.
    pub fn get_info(&self) -> MemberInfo {
        let s = self.client.snapshot();
        MemberInfo {
            member: s.state.map(|s| s.member),
            from_cache: s.from_cache,
        }
    }

    /// Calls `callback` with the member (or `None`) whenever the state changes.
    pub fn on_change(
        &self,
        callback: impl Fn(Option<&Member>) + Send + Sync + 'static,
    ) -> Unsubscribe {
        self.client
            .add_listener(true, move |s| callback(s.state.as_ref().map(|s| &s.member)))
    }
}
