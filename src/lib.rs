#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// `StytchError::Api` carries Stytch's whole error JSON, so it is large; every `Result` it is in comes out of a
// network round trip, where a few dozen bytes moved are noise.
#![allow(clippy::result_large_err)]

pub mod core;

// The platform follows the app's features, not the target alone: an `ssr` build never takes the browser
// layer, and native code always has the server platform.
#[cfg(all(target_arch = "wasm32", not(feature = "ssr")))]
pub mod browser;

#[cfg(not(target_arch = "wasm32"))]
pub mod server;

pub use crate::core::client::{StateSnapshot, StytchB2BClient, Unsubscribe};
pub use crate::core::discovery::{
    DiscoveredOrganization, DiscoveredOrganizationsResponse, DiscoveryAuthenticateResponse,
    DiscoveryOrganizationsCreateRequest, ExchangeRequest, Membership,
};
pub use crate::core::error::{ErrorType, StytchError};
pub use crate::core::idp::{
    ConnectedAppClientInfo, IdpClient, OauthAuthorizeParams, OauthAuthorizeStartRequest,
    OauthAuthorizeStartResponse, OauthAuthorizeSubmitRequest, OauthAuthorizeSubmitResponse,
    OauthLogoutStartRequest, OauthLogoutStartResponse, ScopeResult,
};
pub use crate::core::impersonation::ImpersonationAuthenticateRequest;
pub use crate::core::magic_links::{
    EmailDiscoverySendRequest, MagicLinksDiscoveryAuthenticateRequest,
};
pub use crate::core::magic_links::{
    EmailInviteRequest, EmailLoginOrSignupRequest, MagicLinksAuthenticateRequest,
};
pub use crate::core::members::{
    CreateMemberRequest, DeleteMemberResponse, MemberSearchFilter, ResultsMetadata,
    SearchMembersRequest, SearchMembersResponse, SearchOperator, SearchQuery,
    StartEmailUpdateRequest, UnlinkRetiredEmailRequest, UpdateMemberRequest,
};
pub use crate::core::mfa::{MfaMethod, MfaStep, PendingMfa};
pub use crate::core::models::{
    AuthenticateResponse, Member, MemberResponse, MemberSession, MfaMemberOptions, MfaRequired,
    Organization, PrimaryRequired, ResponseCommon, SessionState, SessionTokens,
};
pub use crate::core::oauth::{
    OauthAuthenticateRequest, OauthAuthenticateResponse, OauthDiscoveryAuthenticateRequest,
    OauthDiscoveryStartRequest, OauthStartRequest, OneTapDiscoverySubmitRequest,
    OneTapSubmitRequest, ProviderValues,
};
pub use crate::core::options::{CookieOptions, StytchB2BOptions};
pub use crate::core::organization::{
    DeleteOrganizationResponse, EmailImplicitRoleAssignment, GetBySlugRequest,
    UpdateOrganizationRequest,
};
pub use crate::core::otps::{
    OtpEmailAuthenticateRequest, OtpEmailDiscoveryAuthenticateRequest,
    OtpEmailDiscoverySendRequest, OtpEmailLoginOrSignupRequest, OtpSmsAuthenticateRequest,
    OtpSmsSendRequest,
};
pub use crate::core::passwords::{
    PasswordAuthenticateRequest, PasswordDiscoveryAuthenticateRequest,
    PasswordDiscoveryResetByEmailRequest, PasswordDiscoveryResetByEmailStartRequest,
    PasswordResetByEmailRequest, PasswordResetByEmailStartRequest,
    PasswordResetByExistingPasswordRequest, PasswordResetBySessionRequest,
    PasswordStrengthCheckRequest, PasswordStrengthCheckResponse,
};
pub use crate::core::rbac::{Permissions, RbacPermission, RbacPolicy, RbacResource, RbacRole};
pub use crate::core::recovery_codes::{
    RecoveryCodesRecoverRequest, RecoveryCodesRecoverResponse, RecoveryCodesResponse,
};
pub use crate::core::scim::{
    CreateScimConnectionRequest, DeleteScimConnectionResponse, GetScimConnectionGroupsRequest,
    GetScimConnectionGroupsResponse, GetScimConnectionResponse, ScimConnection,
    ScimConnectionResponse, ScimGroup, ScimGroupRoleAssignment, UpdateScimConnectionRequest,
};
pub use crate::core::self_::{
    SelfStartEmailUpdateRequest, SelfUnlinkRetiredEmailRequest, UpdateSelfRequest,
};
pub use crate::core::session::{
    AttestRequest, ExchangeAccessTokenRequest, RevokeOptions, SessionAuthenticateOptions,
    SessionInfo, UpdateSessionOptions,
};
pub use crate::core::sso::{
    CreateConnectionRequest, DeleteEncryptionPrivateKeyRequest,
    DeleteVerificationCertificateRequest, ExternalCreateConnectionRequest,
    ExternalUpdateConnectionRequest, OidcUpdateConnectionRequest, SamlUpdateByUrlRequest,
    SamlUpdateConnectionRequest, SsoAuthenticateRequest, SsoStartRequest,
};
pub use crate::core::totp::{
    MfaEnrollment, TotpAuthenticateRequest, TotpCreateRequest, TotpCreateResponse,
};
pub use crate::core::url::{AuthenticateByUrlResult, parse_authenticate_url};

pub mod components;
pub mod hooks;

pub use crate::components::{Authenticated, Authorized, GetSessionTokens, StytchB2BProvider};
pub use crate::hooks::{
    UseStytchValue, try_use_stytch_b2b_client, use_stytch_b2b_client, use_stytch_is_authorized,
    use_stytch_member, use_stytch_member_session, use_stytch_organization, use_stytch_pending_mfa,
};
