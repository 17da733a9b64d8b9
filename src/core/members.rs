//! `client.organization().members()`: administration of the organization's members (JS
//! `stytch.organization.members`). Every call needs a session and is checked server-side against
//! the caller's roles (a denial is 403 `session_authorization_error`); see each method for the
//! permission. When a call targets the logged-in member, the stored member is updated (or, for
//! `delete`, the local session is destroyed) like the JS SDK does.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::{MemberSearchFilter, SearchMembersRequest, SearchQuery};
//!
//! async fn admins() -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     let page = client
//!         .organization()
//!         .members()
//!         .search(SearchMembersRequest {
//!             query: Some(SearchQuery::all(vec![MemberSearchFilter::MemberRoles(vec![
//!                 "stytch_admin".into(),
//!             ])])),
//!             ..Default::default()
//!         })
//!         .await?;
//!     for member in page.members {
//!         println!("{}", member.email_address);
//!     }
//!     Ok(())
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::{Member, MemberResponse, Organization};
use super::platform::Method;
use super::url::encode_uri_component;

/// Get it with [`OrganizationClient::members`](super::organization::OrganizationClient::members).
#[derive(Clone, Debug)]
pub struct MembersClient {
    client: StytchB2BClient,
}

/// Body of [`MembersClient::create`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateMemberRequest {
    /// The new member's email address.
    pub email_address: String,
    /// The new member's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Initial untrusted metadata of the new member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untrusted_metadata: Option<Map<String, Value>>,
    /// Create the member as `pending` (it gets signup emails until it first authenticates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_member_as_pending: Option<bool>,
    /// Whether the member may log in with any method, bypassing the organization's `auth_methods` and MFA policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_breakglass: Option<bool>,
    /// The new member's phone number for SMS MFA, E.164.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_phone_number: Option<String>,
    /// Whether the member must pass MFA at every login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_enrolled: Option<bool>,
    /// Role ids besides the implicit `stytch_member`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}

/// Body of [`MembersClient::update`]. `member_id` goes in the path and, like the JS SDK, also in
/// the body. Each other field needs its own `stytch.member` action.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateMemberRequest {
    /// The member to update.
    pub member_id: String,
    /// The member's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Arbitrary JSON the member's own frontend may read and write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untrusted_metadata: Option<Map<String, Value>>,
    /// Whether the member may log in with any method, bypassing the organization's `auth_methods` and MFA policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_breakglass: Option<bool>,
    /// The member's phone number for SMS MFA, in E.164 form (`+15005550006`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_phone_number: Option<String>,
    /// Whether the member must pass MFA at every login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_enrolled: Option<bool>,
    /// Replaces the member's explicit roles (`stytch_member` cannot be listed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// When `roles` removes a role the member also holds through SSO, keep the sessions that would be revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_existing_sessions: Option<bool>,
    /// `sms_otp` or `totp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_mfa_method: Option<String>,
    /// A new email address; the old one becomes a retired address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// Unlinks the member's current email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlink_email: Option<bool>,
}

/// `AND` or `OR` of a search query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchOperator {
    /// Every operand must match.
    #[default]
    #[serde(rename = "AND")]
    And,
    /// Any operand may match.
    #[serde(rename = "OR")]
    Or,
}

/// One operand of a member search: `{filter_name, filter_value}` with every filter the SDK offers.
/// Fuzzy filters need at least 3 characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "filter_name",
    content = "filter_value",
    rename_all = "snake_case"
)]
pub enum MemberSearchFilter {
    /// Members with one of these ids.
    MemberIds(Vec<String>),
    /// Members with one of these exact email addresses.
    MemberEmails(Vec<String>),
    /// Members whose email address contains this text.
    MemberEmailFuzzy(String),
    /// Members whose `is_breakglass` is this.
    MemberIsBreakglass(bool),
    /// `active`, `pending`, `invited`, `deleted`. Deleted members are only returned when asked for.
    Statuses(Vec<String>),
    /// Members with one of these exact MFA phone numbers.
    MemberMfaPhoneNumbers(Vec<String>),
    /// Members whose MFA phone number contains this text.
    MemberMfaPhoneNumberFuzzy(String),
    /// Members that have (true) or lack (false) a password.
    MemberPasswordExists(bool),
    /// Members holding any of these role ids.
    MemberRoles(Vec<String>),
}

/// `query` of a member search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// How the operands combine.
    pub operator: SearchOperator,
    /// The filters.
    pub operands: Vec<MemberSearchFilter>,
}

impl SearchQuery {
    /// Members matching every filter.
    pub fn all(operands: Vec<MemberSearchFilter>) -> Self {
        Self {
            operator: SearchOperator::And,
            operands,
        }
    }

    /// Members matching any filter.
    pub fn any(operands: Vec<MemberSearchFilter>) -> Self {
        Self {
            operator: SearchOperator::Or,
            operands,
        }
    }
}

/// Body of [`MembersClient::search`]. Without a query, every non-deleted member is returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchMembersRequest {
    /// `next_cursor` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size: default 100, at most 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The filters; `None` matches every non-deleted member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<SearchQuery>,
}

/// `results_metadata` of a search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResultsMetadata {
    /// Matches over all pages.
    pub total: u64,
    /// `None` on the last page.
    pub next_cursor: Option<String>,
}

/// What [`MembersClient::search`] returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchMembersResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// This page of matching members.
    pub members: Vec<Member>,
    /// The total count and the next page's cursor.
    pub results_metadata: ResultsMetadata,
    /// organization_id → organization.
    pub organizations: BTreeMap<String, Organization>,
}

/// What [`MembersClient::delete`] returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteMemberResponse {
    /// Stytch's id of this request, to quote to its support.
    pub request_id: String,
    /// The HTTP status of the response.
    pub status_code: u16,
    /// The deleted member's id.
    pub member_id: String,
}

/// Body of [`MembersClient::unlink_retired_email`] (`member_id` goes in the path only).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnlinkRetiredEmailRequest {
    /// The member whose retired address to unlink (sent in the path).
    #[serde(skip)]
    pub member_id: String,
    /// Id of the retired address to unlink.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_id: Option<String>,
    /// The retired address to unlink.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

/// Body of [`MembersClient::start_email_update`] (`member_id` goes in the path only).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StartEmailUpdateRequest {
    /// The member whose address changes (sent in the path).
    #[serde(skip)]
    pub member_id: String,
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

impl MembersClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// Sends a call answering `{member_id, member, organization}` and stores the member when it is
    /// the logged-in one.
    async fn member_call(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<MemberResponse, StytchError> {
        let resp: MemberResponse = self.client.request(method, path, body).await?;
        self.client.update_member_if_self(&resp.member);
        Ok(resp)
    }

    /// `POST /sdk/v1/b2b/organizations/members`: creates a member (`active`, or `pending`).
    /// Needs `stytch.member` / `create`.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient) -> Result<(), leptos_stytch::StytchError> {
    /// use leptos_stytch::CreateMemberRequest;
    /// let created = client
    ///     .organization()
    ///     .members()
    ///     .create(CreateMemberRequest { email_address: "new@example.com".into(), ..Default::default() })
    ///     .await?;
    /// println!("{}", created.member_id);
    /// # Ok(()) }
    /// ```
    pub async fn create(
        &self,
        request: CreateMemberRequest,
    ) -> Result<MemberResponse, StytchError> {
        self.client
            .request(Method::Post, MEMBERS, Some(&request))
            .await
    }

    /// `PUT /sdk/v1/b2b/organizations/members/{member_id}`: updates the given fields. Each field
    /// needs its `stytch.member` action (`update.info.name`, `update.settings.roles`, …); on oneself
    /// the `stytch.self` action is accepted for name, untrusted metadata and MFA settings.
    pub async fn update(
        &self,
        request: UpdateMemberRequest,
    ) -> Result<MemberResponse, StytchError> {
        let path = format!("{MEMBERS}/{}", encode_uri_component(&request.member_id));
        self.member_call(Method::Put, &path, Some(&request)).await
    }

    /// `POST /sdk/v1/b2b/organizations/me/members/search`: one page of the organization's members.
    /// Needs `stytch.member` / `search`.
    ///
    /// ```no_run
    /// # async fn demo(client: leptos_stytch::StytchB2BClient) -> Result<(), leptos_stytch::StytchError> {
    /// use leptos_stytch::{MemberSearchFilter, SearchMembersRequest, SearchQuery};
    /// let page = client
    ///     .organization()
    ///     .members()
    ///     .search(SearchMembersRequest {
    ///         limit: Some(50),
    ///         query: Some(SearchQuery::all(vec![MemberSearchFilter::MemberEmailFuzzy("example".into())])),
    ///         ..Default::default()
    ///     })
    ///     .await?;
    /// println!("{} of {}", page.members.len(), page.results_metadata.total);
    /// # Ok(()) }
    /// ```
    pub async fn search(
        &self,
        request: SearchMembersRequest,
    ) -> Result<SearchMembersResponse, StytchError> {
        self.client
            .request(
                Method::Post,
                "/b2b/organizations/me/members/search",
                Some(&request),
            )
            .await
    }

    /// `DELETE /sdk/v1/b2b/organizations/members/{member_id}`: marks the member `deleted` and
    /// revokes its sessions. Needs `stytch.member` / `delete` (or `stytch.self` / `delete` for
    /// oneself, in which case the local session is destroyed).
    pub async fn delete(&self, member_id: &str) -> Result<DeleteMemberResponse, StytchError> {
        let path = format!("{MEMBERS}/{}", encode_uri_component(member_id));
        let resp: DeleteMemberResponse = self
            .client
            .request(Method::Delete, &path, None::<&()>)
            .await?;
        if self.client.is_self(member_id) {
            self.client.destroy_session();
        }
        Ok(resp)
    }

    /// `PUT /sdk/v1/b2b/organizations/members/{member_id}/reactivate`: a `deleted` member with a
    /// verified email becomes `active`. Needs `stytch.member` / `create`.
    pub async fn reactivate(&self, member_id: &str) -> Result<MemberResponse, StytchError> {
        let path = format!("{MEMBERS}/{}/reactivate", encode_uri_component(member_id));
        self.member_call(Method::Put, &path, None::<&()>).await
    }

    /// `DELETE /sdk/v1/b2b/organizations/members/passwords/{member_password_id}`. Needs
    /// `stytch.member` / `update.info.delete.password` (or the `stytch.self` action for one's own).
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

    /// `DELETE /sdk/v1/b2b/organizations/members/mfa_phone_numbers/{member_id}`. Needs
    /// `stytch.member` / `update.info.delete.mfa-phone`.
    pub async fn delete_mfa_phone_number(
        &self,
        member_id: &str,
    ) -> Result<MemberResponse, StytchError> {
        let path = format!(
            "{MEMBERS}/mfa_phone_numbers/{}",
            encode_uri_component(member_id)
        );
        self.member_call(Method::Delete, &path, None::<&()>).await
    }

    /// `DELETE /sdk/v1/b2b/organizations/members/totp/{member_id}`. Needs `stytch.member` /
    /// `update.info.delete.mfa-totp`.
    pub async fn delete_mfa_totp(&self, member_id: &str) -> Result<MemberResponse, StytchError> {
        let path = format!("{MEMBERS}/totp/{}", encode_uri_component(member_id));
        self.member_call(Method::Delete, &path, None::<&()>).await
    }

    /// `POST /sdk/v1/b2b/organizations/members/{member_id}/unlink_retired_email` with `email_id`
    /// and/or `email_address`. Needs `stytch.member` / `update.info.unlink.retired-email`.
    pub async fn unlink_retired_email(
        &self,
        request: UnlinkRetiredEmailRequest,
    ) -> Result<MemberResponse, StytchError> {
        let path = format!(
            "{MEMBERS}/{}/unlink_retired_email",
            encode_uri_component(&request.member_id)
        );
        self.member_call(Method::Post, &path, Some(&request)).await
    }

    /// `POST /sdk/v1/b2b/organizations/members/{member_id}/start_email_update`: emails a link to
    /// the new address; following it switches the member's email. Needs `stytch.member` /
    /// `update.info.email`.
    pub async fn start_email_update(
        &self,
        request: StartEmailUpdateRequest,
    ) -> Result<MemberResponse, StytchError> {
        let path = format!(
            "{MEMBERS}/{}/start_email_update",
            encode_uri_component(&request.member_id)
        );
        self.member_call(Method::Post, &path, Some(&request)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn search_filters_serialize_as_name_and_value() {
        let q = SearchQuery::any(vec![
            MemberSearchFilter::MemberEmailFuzzy("exa".into()),
            MemberSearchFilter::Statuses(vec!["invited".into()]),
            MemberSearchFilter::MemberIsBreakglass(true),
            MemberSearchFilter::MemberMfaPhoneNumberFuzzy("555".into()),
        ]);
        assert_eq!(
            serde_json::to_value(&q).unwrap(),
            json!({"operator": "OR", "operands": [
                {"filter_name": "member_email_fuzzy", "filter_value": "exa"},
                {"filter_name": "statuses", "filter_value": ["invited"]},
                {"filter_name": "member_is_breakglass", "filter_value": true},
                {"filter_name": "member_mfa_phone_number_fuzzy", "filter_value": "555"},
            ]})
        );
        assert_eq!(
            serde_json::to_value(SearchMembersRequest::default()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn path_only_fields_are_not_in_the_body() {
        let r = UnlinkRetiredEmailRequest {
            member_id: "m".into(),
            email_id: Some("e".into()),
            email_address: None,
        };
        assert_eq!(serde_json::to_value(&r).unwrap(), json!({"email_id": "e"}));
        assert_eq!(encode_uri_component("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_uri_component("member-test-1"), "member-test-1");
    }
}
