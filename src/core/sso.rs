//! `client.sso()`: single sign-on through SAML, OIDC and external connections (JS `stytch.sso`):
//! starting a sign-in, authenticating its token, and managing the organization's connections.
//!
//! # Example
//!
//! ```
//! use leptos_stytch::{StytchB2BClient, StytchB2BOptions, StytchError};
//! use leptos_stytch::core::sso::{SsoAuthenticateRequest, SsoStartRequest};
//!
//! async fn sso(token_from_the_redirect: Option<String>) -> Result<(), StytchError> {
//!     let client = StytchB2BClient::with_options(
//!         "public-token-test-…",
//!         StytchB2BOptions { base_url: Some("http://127.0.0.1:4010".into()), ..Default::default() },
//!     );
//!     match token_from_the_redirect {
//!         // On the login page: where the browser goes to sign in through the connection…
//!         None => {
//!             let url = client
//!                 .sso()
//!                 .start(SsoStartRequest {
//!                     connection_id: "saml-connection-test-…".into(),
//!                     ..Default::default()
//!                 })
//!                 .await?;
//!             println!("navigate to {url}");
//!         }
//!         // …and on the page it comes back to, the `token` of the redirect.
//!         Some(sso_token) => {
//!             let resp = client
//!                 .sso()
//!                 .authenticate(SsoAuthenticateRequest { sso_token, ..Default::default() })
//!                 .await?;
//!             println!("signed in: {}", resp.member_authenticated);
//!         }
//!     }
//!     Ok(())
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::body::Body;
use super::client::StytchB2BClient;
use super::error::StytchError;
use super::models::AuthenticateResponse;
use super::pkce::{self, Namespace};
use super::platform::Method;
use super::redact::debug_redacted;
use super::url::encode_uri_component;

/// A query string as `URLSearchParams` writes it (`application/x-www-form-urlencoded`).
pub(crate) fn query(pairs: &[(String, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    q.finish()
}

/// `provider_<key>` for each entry of `provider_params`.
pub(crate) fn provider_pairs(params: &BTreeMap<String, String>) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (format!("provider_{k}"), v.clone()))
        .collect()
}

/// Get it with [`StytchB2BClient::sso`].
#[derive(Clone, Debug)]
pub struct SsoClient {
    client: StytchB2BClient,
}

/// `client.sso().saml()`.
#[derive(Clone, Debug)]
pub struct SamlClient {
    client: StytchB2BClient,
}

/// `client.sso().oidc()`.
#[derive(Clone, Debug)]
pub struct OidcClient {
    client: StytchB2BClient,
}

/// `client.sso().external()`.
#[derive(Clone, Debug)]
pub struct ExternalClient {
    client: StytchB2BClient,
}

/// Input of [`SsoClient::start`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SsoStartRequest {
    /// The connection to sign in through.
    pub connection_id: String,
    /// Where an existing member lands; one of the project's redirect URLs, its default when omitted.
    pub login_redirect_url: Option<String>,
    /// Where a member created by this sign-in lands; one of the project's redirect URLs, its default
    /// when omitted.
    pub signup_redirect_url: Option<String>,
    /// Extra parameters for the identity provider, sent as `provider_<key>=<value>`.
    pub provider_params: BTreeMap<String, String>,
}

/// Body of [`SsoClient::authenticate`].
#[derive(Clone, PartialEq, Serialize)]
pub struct SsoAuthenticateRequest {
    /// The `token` query parameter of the redirect (`stytch_token_type=sso`).
    pub sso_token: String,
    /// How long the session lasts, 5 to 527040 minutes (`Default` gives Stytch's 60).
    pub session_duration_minutes: u32,
    /// Language of any message this call sends (e.g. `en`); the project default when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

debug_redacted!(SsoAuthenticateRequest {
    sso_token: secret,
    session_duration_minutes,
    locale
});

impl Default for SsoAuthenticateRequest {
    /// An empty token and Stytch's default session length, 60 minutes.
    fn default() -> Self {
        Self {
            sso_token: String::new(),
            session_duration_minutes: 60,
            locale: None,
        }
    }
}

/// A role every member signing in through a connection gets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRoleAssignment {
    /// The role granted.
    pub role_id: String,
}

/// A role the members of an identity-provider group get.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRoleAssignment {
    /// The role granted.
    pub role_id: String,
    /// The group, as the identity provider names it.
    pub group: String,
}

/// An X.509 certificate of a SAML connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct X509Certificate {
    /// `saml-verification-key-test-…` for verification certificates.
    pub certificate_id: String,
    /// The PEM text.
    pub certificate: String,
    /// The certificate's issuer.
    pub issuer: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// A private key that decrypts a SAML connection's assertions.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EncryptionPrivateKey {
    /// `saml-encryption-key-test-…`.
    pub private_key_id: String,
    /// The PEM text.
    pub private_key: String,
    /// RFC 3339.
    pub created_at: String,
}

debug_redacted!(EncryptionPrivateKey {
    private_key_id,
    private_key: secret,
    created_at
});

/// A SAML connection (`pending` until the IdP settings are complete, then `active`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SamlConnection {
    /// Its organization.
    pub organization_id: String,
    /// `saml-connection-test-…`.
    pub connection_id: String,
    /// `pending` or `active`.
    pub status: String,
    /// The IdP's entity id (issuer).
    pub idp_entity_id: String,
    /// What users see.
    pub display_name: String,
    /// Where sign-ins are sent at the IdP.
    pub idp_sso_url: String,
    /// Where the IdP posts its answer (give it to the IdP).
    pub acs_url: String,
    /// The audience the IdP's answer must name (give it to the IdP).
    pub audience_uri: String,
    /// Certificates Stytch signs its requests with.
    pub signing_certificates: Vec<X509Certificate>,
    /// Certificates the IdP's answers are verified with.
    pub verification_certificates: Vec<X509Certificate>,
    /// Keys that decrypt encrypted assertions.
    pub saml_encryption_private_keys: Vec<EncryptionPrivateKey>,
    /// Roles every member signing in through this connection gets.
    pub saml_connection_implicit_role_assignments: Vec<ConnectionRoleAssignment>,
    /// Roles the members of IdP groups get.
    pub saml_group_implicit_role_assignments: Vec<GroupRoleAssignment>,
    /// A second accepted audience.
    pub alternative_audience_uri: String,
    /// `okta`, `microsoft-entra`, `generic`, …
    pub identity_provider: String,
    /// The NameID format asked for.
    pub nameid_format: String,
    /// IdP attribute names of `email`, `full_name` (or `first_name` and `last_name`), `groups`.
    pub attribute_mapping: BTreeMap<String, String>,
}

/// An OIDC connection (`pending` until the issuer, client and endpoints are set, then `active`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcConnection {
    /// Its organization.
    pub organization_id: String,
    /// `oidc-connection-test-…`.
    pub connection_id: String,
    /// `pending` or `active`.
    pub status: String,
    /// What users see.
    pub display_name: String,
    /// The redirect URI to register at the IdP.
    pub redirect_url: String,
    /// The client id at the IdP.
    pub client_id: String,
    /// The client secret at the IdP.
    pub client_secret: String,
    /// The IdP's issuer.
    pub issuer: String,
    /// The IdP's authorization endpoint.
    pub authorization_url: String,
    /// The IdP's token endpoint.
    pub token_url: String,
    /// The IdP's userinfo endpoint.
    pub userinfo_url: String,
    /// The IdP's JWKS.
    pub jwks_url: String,
    /// `okta`, `microsoft-entra`, `generic`, …
    pub identity_provider: String,
    /// Scopes asked for besides `openid email profile`, space-separated.
    pub custom_scopes: String,
    /// Claim names of the member's attributes.
    pub attribute_mapping: BTreeMap<String, String>,
}

debug_redacted!(OidcConnection {
    organization_id,
    connection_id,
    status,
    display_name,
    redirect_url,
    client_id,
    client_secret: secret,
    issuer,
    authorization_url,
    token_url,
    userinfo_url,
    jwks_url,
    identity_provider,
    custom_scopes,
    attribute_mapping
});

/// A connection that signs members in to this organization through another organization's
/// connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalConnection {
    /// Its organization.
    pub organization_id: String,
    /// `external-connection-test-…`.
    pub connection_id: String,
    /// The organization that owns the source connection.
    pub external_organization_id: String,
    /// The source connection.
    pub external_connection_id: String,
    /// What users see.
    pub display_name: String,
    /// Always `active`.
    pub status: String,
    /// Roles every member signing in through this connection gets.
    pub external_connection_implicit_role_assignments: Vec<ConnectionRoleAssignment>,
    /// Roles the members of IdP groups get.
    pub external_group_implicit_role_assignments: Vec<GroupRoleAssignment>,
}

/// Answer of [`SsoClient::get_connections`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetConnectionsResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The organization's SAML connections.
    pub saml_connections: Vec<SamlConnection>,
    /// Its OIDC connections.
    pub oidc_connections: Vec<OidcConnection>,
    /// Its external connections.
    pub external_connections: Vec<ExternalConnection>,
}

/// A connection found by [`SsoClient::discover_connections`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoveredConnection {
    /// The connection to [`SsoClient::start`] with.
    pub connection_id: String,
    /// What users see.
    pub display_name: String,
    /// `okta`, `generic`, …
    pub identity_provider: String,
}

/// Answer of [`SsoClient::discover_connections`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiscoverConnectionsResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connections the email can sign in with.
    pub connections: Vec<DiscoveredConnection>,
}

/// Answer of [`SsoClient::delete_connection`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connection deleted.
    pub connection_id: String,
}

/// `{connection}`: answer of the SAML calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SamlConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connection as it is now.
    pub connection: SamlConnection,
}

/// `{connection}`: answer of the OIDC create call (`warning` on update).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connection as it is now.
    pub connection: OidcConnection,
    /// Set on update when the issuer's discovery document could not be read.
    pub warning: Option<String>,
}

/// `{connection}`: answer of the external calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalConnectionResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The connection as it is now.
    pub connection: ExternalConnection,
}

/// Answer of [`SamlClient::delete_verification_certificate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteCertificateResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The certificate deleted.
    pub certificate_id: String,
}

/// Answer of [`SamlClient::delete_encryption_private_key`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeletePrivateKeyResponse {
    /// Stytch's id of this request.
    pub request_id: String,
    /// The HTTP status.
    pub status_code: u16,
    /// The key deleted.
    pub private_key_id: String,
}

/// Body of the `create_connection` calls of [`SamlClient`] and [`OidcClient`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateConnectionRequest {
    /// What users see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `okta`, `microsoft-entra`, `google-workspace`, `generic`, …; `generic` when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
}

/// Body of [`SamlClient::update_connection`]: fields left `None` are not changed.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct SamlUpdateConnectionRequest {
    /// The connection to update.
    pub connection_id: String,
    /// The IdP's entity id (issuer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_entity_id: Option<String>,
    /// What users see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// IdP attribute names of `email`, `full_name` (or `first_name` and `last_name`), `groups`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    /// Where sign-ins are sent at the IdP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_sso_url: Option<String>,
    /// A PEM certificate to verify the IdP's answers with (added to the verification certificates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x509_certificate: Option<String>,
    /// Roles every member signing in through this connection gets (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_connection_implicit_role_assignments: Option<Vec<ConnectionRoleAssignment>>,
    /// Roles the members of IdP groups get (replaces the list; needs a `groups` mapping).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_group_implicit_role_assignments: Option<Vec<GroupRoleAssignment>>,
    /// `okta`, `microsoft-entra`, `generic`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// A PKCS#1 PEM key Stytch signs its requests with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_private_key: Option<String>,
    /// A PKCS#1 PEM key that decrypts encrypted assertions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_encryption_private_key: Option<String>,
}

debug_redacted!(SamlUpdateConnectionRequest {
    connection_id,
    idp_entity_id,
    display_name,
    attribute_mapping,
    idp_sso_url,
    x509_certificate,
    saml_connection_implicit_role_assignments,
    saml_group_implicit_role_assignments,
    identity_provider,
    signing_private_key: secret,
    saml_encryption_private_key: secret
});

/// Body of [`SamlClient::update_connection_by_url`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SamlUpdateByUrlRequest {
    /// The connection to update.
    pub connection_id: String,
    /// The IdP's metadata URL.
    pub metadata_url: String,
}

/// Input of [`SamlClient::delete_verification_certificate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeleteVerificationCertificateRequest {
    /// The connection.
    pub connection_id: String,
    /// The certificate to delete.
    pub certificate_id: String,
}

/// Input of [`SamlClient::delete_encryption_private_key`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeleteEncryptionPrivateKeyRequest {
    /// The connection.
    pub connection_id: String,
    /// The key to delete.
    pub private_key_id: String,
}

/// Body of [`OidcClient::update_connection`]: fields left `None` are not changed.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct OidcUpdateConnectionRequest {
    /// The connection to update.
    pub connection_id: String,
    /// What users see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The IdP's issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The client id at the IdP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The client secret at the IdP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The IdP's authorization endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    /// The IdP's token endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// The IdP's userinfo endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_url: Option<String>,
    /// The IdP's JWKS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_url: Option<String>,
    /// `okta`, `microsoft-entra`, `generic`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// Scopes asked for besides `openid email profile`, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_scopes: Option<String>,
    /// Claim names of the member's attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_mapping: Option<BTreeMap<String, String>>,
}

debug_redacted!(OidcUpdateConnectionRequest {
    connection_id,
    display_name,
    issuer,
    client_id,
    client_secret: secret,
    authorization_url,
    token_url,
    userinfo_url,
    jwks_url,
    identity_provider,
    custom_scopes,
    attribute_mapping
});

/// Body of [`ExternalClient::create_connection`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExternalCreateConnectionRequest {
    /// What users see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The organization that owns the source connection.
    pub external_organization_id: String,
    /// The source connection.
    pub external_connection_id: String,
}

/// Body of [`ExternalClient::update_connection`]: fields left `None` are not changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExternalUpdateConnectionRequest {
    /// The connection to update.
    pub connection_id: String,
    /// What users see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Roles every member signing in through this connection gets (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_connection_implicit_role_assignments: Option<Vec<ConnectionRoleAssignment>>,
    /// Roles the members of IdP groups get (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_group_implicit_role_assignments: Option<Vec<GroupRoleAssignment>>,
}

impl SsoClient {
    pub(crate) fn new(client: StytchB2BClient) -> Self {
        Self { client }
    }

    /// SAML connection management.
    pub fn saml(&self) -> SamlClient {
        SamlClient {
            client: self.client.clone(),
        }
    }

    /// OIDC connection management.
    pub fn oidc(&self) -> OidcClient {
        OidcClient {
            client: self.client.clone(),
        }
    }

    /// External connection management.
    pub fn external(&self) -> ExternalClient {
        ExternalClient {
            client: self.client.clone(),
        }
    }

    /// The URL that starts an SSO sign-in, `{base}/v1/public/sso/start?public_token&connection_id&
    /// provider_<key>…&pkce_code_challenge&login_redirect_url&signup_redirect_url`, as the JS SDK
    /// builds it (the API base, never the project's custom domain). When the project requires PKCE
    /// for SSO a new pair is stored in the `sso` namespace; otherwise any stored pair is cleared.
    /// The browser navigates to it (`window.location`); no request is made here besides the
    /// project's bootstrap.
    pub async fn start(&self, request: SsoStartRequest) -> Result<String, StytchError> {
        if request.connection_id.is_empty() {
            return Err(StytchError::Usage {
                message: "sso().start needs a connection_id".to_owned(),
            });
        }
        let bootstrap = self.client.bootstrap_config().await;
        let mut pairs = vec![
            (
                "public_token".to_owned(),
                self.client.public_token().to_owned(),
            ),
            ("connection_id".to_owned(), request.connection_id),
        ];
        pairs.extend(provider_pairs(&request.provider_params));
        if bootstrap.pkce_required_for_sso {
            let pair = pkce::start(&self.client, Namespace::Sso);
            pairs.push(("pkce_code_challenge".to_owned(), pair.code_challenge));
        } else {
            pkce::clear(&self.client, Namespace::Sso);
        }
        if let Some(u) = request.login_redirect_url {
            pairs.push(("login_redirect_url".to_owned(), u));
        }
        if let Some(u) = request.signup_redirect_url {
            pairs.push(("signup_redirect_url".to_owned(), u));
        }
        Ok(format!(
            "{}/v1/public/sso/start?{}",
            self.client.base_url(),
            query(&pairs)
        ))
    }

    /// `POST /sdk/v1/b2b/sso/authenticate`: exchanges the token of the SSO redirect for a session, or
    /// an intermediate session when MFA or another primary factor is needed. Sends the `sso` PKCE
    /// verifier and the intermediate session token when there are; the pair is cleared on success.
    pub async fn authenticate(
        &self,
        request: SsoAuthenticateRequest,
    ) -> Result<AuthenticateResponse, StytchError> {
        let body = Body::new(&request)
            .field(
                "pkce_code_verifier",
                pkce::get(&self.client, Namespace::Sso).map(|p| p.code_verifier),
            )
            .field(
                "intermediate_session_token",
                self.client.intermediate_session_token(),
            );
        let resp = self
            .client
            .authenticate_call("/b2b/sso/authenticate", &body)
            .await?;
        pkce::clear(&self.client, Namespace::Sso);
        Ok(resp)
    }

    /// `GET /sdk/v1/b2b/sso`: the organization's connections. Needs `stytch.sso` / `get`.
    pub async fn get_connections(&self) -> Result<GetConnectionsResponse, StytchError> {
        self.client
            .request(Method::Get, "/b2b/sso", None::<&()>)
            .await
    }

    /// `GET /sdk/v1/b2b/sso/discovery/connections?email_address=…`: the connections an email
    /// address can sign in with (its organizations', or those it could join). No session needed.
    pub async fn discover_connections(
        &self,
        email_address: &str,
    ) -> Result<DiscoverConnectionsResponse, StytchError> {
        let path = format!(
            "/b2b/sso/discovery/connections?email_address={}",
            encode_uri_component(email_address)
        );
        self.client.request(Method::Get, &path, None::<&()>).await
    }

    /// `DELETE /sdk/v1/b2b/sso/{connection_id}`. Needs `stytch.sso` / `delete`; the organization's
    /// default connection cannot be deleted.
    pub async fn delete_connection(
        &self,
        connection_id: &str,
    ) -> Result<DeleteConnectionResponse, StytchError> {
        let path = format!("/b2b/sso/{}", encode_uri_component(connection_id));
        self.client
            .request(Method::Delete, &path, None::<&()>)
            .await
    }
}

impl SamlClient {
    /// `POST /sdk/v1/b2b/sso/saml`: a new, `pending` SAML connection. Needs `stytch.sso` / `create`.
    pub async fn create_connection(
        &self,
        request: CreateConnectionRequest,
    ) -> Result<SamlConnectionResponse, StytchError> {
        self.client
            .request(Method::Post, "/b2b/sso/saml", Some(&request))
            .await
    }

    /// `PUT /sdk/v1/b2b/sso/saml/{connection_id}`. Needs `stytch.sso` / `update`.
    pub async fn update_connection(
        &self,
        request: SamlUpdateConnectionRequest,
    ) -> Result<SamlConnectionResponse, StytchError> {
        let path = format!(
            "/b2b/sso/saml/{}",
            encode_uri_component(&request.connection_id)
        );
        self.client
            .request(Method::Put, &path, Some(&request))
            .await
    }

    /// `PUT /sdk/v1/b2b/sso/saml/{connection_id}/url`: configure from the IdP's metadata URL.
    /// Needs `stytch.sso` / `update`.
    pub async fn update_connection_by_url(
        &self,
        request: SamlUpdateByUrlRequest,
    ) -> Result<SamlConnectionResponse, StytchError> {
        let path = format!(
            "/b2b/sso/saml/{}/url",
            encode_uri_component(&request.connection_id)
        );
        self.client
            .request(Method::Put, &path, Some(&request))
            .await
    }

    /// `DELETE /sdk/v1/b2b/sso/saml/{connection_id}/verification_certificates/{certificate_id}`.
    /// Needs `stytch.sso` / `update`.
    pub async fn delete_verification_certificate(
        &self,
        request: DeleteVerificationCertificateRequest,
    ) -> Result<DeleteCertificateResponse, StytchError> {
        let path = format!(
            "/b2b/sso/saml/{}/verification_certificates/{}",
            encode_uri_component(&request.connection_id),
            encode_uri_component(&request.certificate_id)
        );
        self.client
            .request(Method::Delete, &path, None::<&()>)
            .await
    }

    /// `DELETE /sdk/v1/b2b/sso/saml/{connection_id}/encryption_private_key/{private_key_id}`.
    /// Needs `stytch.sso` / `update`.
    pub async fn delete_encryption_private_key(
        &self,
        request: DeleteEncryptionPrivateKeyRequest,
    ) -> Result<DeletePrivateKeyResponse, StytchError> {
        let path = format!(
            "/b2b/sso/saml/{}/encryption_private_key/{}",
            encode_uri_component(&request.connection_id),
            encode_uri_component(&request.private_key_id)
        );
        self.client
            .request(Method::Delete, &path, None::<&()>)
            .await
    }
}

impl OidcClient {
    /// `POST /sdk/v1/b2b/sso/oidc`: a new, `pending` OIDC connection. Needs `stytch.sso` / `create`.
    pub async fn create_connection(
        &self,
        request: CreateConnectionRequest,
    ) -> Result<OidcConnectionResponse, StytchError> {
        self.client
            .request(Method::Post, "/b2b/sso/oidc", Some(&request))
            .await
    }

    /// `PUT /sdk/v1/b2b/sso/oidc/{connection_id}`. Needs `stytch.sso` / `update`.
    pub async fn update_connection(
        &self,
        request: OidcUpdateConnectionRequest,
    ) -> Result<OidcConnectionResponse, StytchError> {
        let path = format!(
            "/b2b/sso/oidc/{}",
            encode_uri_component(&request.connection_id)
        );
        self.client
            .request(Method::Put, &path, Some(&request))
            .await
    }
}

impl ExternalClient {
    /// `POST /sdk/v1/b2b/sso/external`: a connection through another organization's connection.
    /// Needs `stytch.sso` / `create`.
    pub async fn create_connection(
        &self,
        request: ExternalCreateConnectionRequest,
    ) -> Result<ExternalConnectionResponse, StytchError> {
        self.client
            .request(Method::Post, "/b2b/sso/external", Some(&request))
            .await
    }

    /// `PUT /sdk/v1/b2b/sso/external/{connection_id}`. Needs `stytch.sso` / `update`.
    pub async fn update_connection(
        &self,
        request: ExternalUpdateConnectionRequest,
    ) -> Result<ExternalConnectionResponse, StytchError> {
        let path = format!(
            "/b2b/sso/external/{}",
            encode_uri_component(&request.connection_id)
        );
        self.client
            .request(Method::Put, &path, Some(&request))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(
            encode_uri_component("a+b c@d.e/f?g=h&i!*'()~_-"),
            "a%2Bb%20c%40d.e%2Ff%3Fg%3Dh%26i!*'()~_-"
        );
        assert_eq!(encode_uri_component("é"), "%C3%A9");
    }

    #[test]
    fn queries_are_form_encoded() {
        assert_eq!(
            query(&[
                ("custom_scopes".into(), "openid email".into()),
                ("u".into(), "http://a/?b=c".into())
            ]),
            "custom_scopes=openid+email&u=http%3A%2F%2Fa%2F%3Fb%3Dc"
        );
    }
}
