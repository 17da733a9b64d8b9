//! Stytch error JSON and the crate's own startup error.
//!
//! Every failure a client can see is an [`ApiError`], rendered as Stytch's error body
//! `{status_code, request_id, error_type, error_message, error_url, error_details?}` with
//! `content-type: application/json`. The same (unwrapped) shape is used by all three surfaces,
//! exactly like Stytch's `/sdk/v1` and `/v1` APIs do.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use serde_json::Value;
use serde_json::json;

use crate::infra::ids::request_id;

/// Error raised while constructing an [`crate::Emulator`] (bad seed, DB or key problems).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// SQLite failure.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// Reading a file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The seed JSON could not be parsed.
    #[error("invalid seed JSON: {0}")]
    SeedJson(#[from] serde_json::Error),
    /// The seed parsed but is not acceptable (bad slug, duplicate email, unknown role...).
    #[error("invalid seed: {0}")]
    Seed(String),
    /// The database could not be brought to the current schema.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// RSA key generation / encoding failed.
    #[error("signing key error: {0}")]
    Key(String),
}

/// Every `error_type` the emulator answers, with its HTTP status: one catalogue, so a type can never
/// be sent with two statuses, and `tests/error_catalogue.rs` can hold it against the client's
/// `ErrorType`. Names and statuses follow Stytch's API error reference
/// (<https://stytch.com/docs/b2b/api/errors>); the emulator-only ones (`host_not_allowed`,
/// `cross_site_request_forbidden`, `route_not_found`) guard the local surfaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// `action_available_only_for_active_members` (400).
    ActionAvailableOnlyForActiveMembers,
    /// `action_available_only_once_primary_authentication_is_met` (400).
    ActionAvailableOnlyOncePrimaryAuthenticationIsMet,
    /// `active_totp_exists` (400).
    ActiveTotpExists,
    /// `allowed_auth_methods_required_for_restricted` (400).
    AllowedAuthMethodsRequiredForRestricted,
    /// `allowed_mfa_methods_required_for_restricted` (400).
    AllowedMfaMethodsRequiredForRestricted,
    /// `bad_request` (400).
    BadRequest,
    /// `cannot_assign_default_rbac_role_id` (400).
    CannotAssignDefaultRbacRoleId,
    /// `default_mfa_member_missing_factor` (400).
    DefaultMfaMemberMissingFactor,
    /// `duplicate_member_email` (400).
    DuplicateMemberEmail,
    /// `email_unverified_for_reactivation` (400).
    EmailUnverifiedForReactivation,
    /// `expired_totp` (400).
    ExpiredTotp,
    /// `insufficient_factors` (400).
    InsufficientFactors,
    /// `invalid_argument` (400).
    InvalidArgument,
    /// `invalid_connection_for_jit_provisioning` (400).
    InvalidConnectionForJitProvisioning,
    /// `invalid_email` (400).
    InvalidEmail,
    /// `invalid_email_for_invites` (400).
    InvalidEmailForInvites,
    /// `invalid_expiration` (400).
    InvalidExpiration,
    /// `invalid_impersonation_reason` (400).
    InvalidImpersonationReason,
    /// `invalid_intermediate_session_token_for_organization` (400).
    InvalidIntermediateSessionTokenForOrganization,
    /// `invalid_member_get_fields` (400).
    InvalidMemberGetFields,
    /// `invalid_mfa_default_method` (400).
    InvalidMfaDefaultMethod,
    /// `invalid_oauth_allowed_tenants_format` (400).
    InvalidOauthAllowedTenantsFormat,
    /// `invalid_organization_auth_factor_setting` (400).
    InvalidOrganizationAuthFactorSetting,
    /// `invalid_organization_external_id` (400).
    InvalidOrganizationExternalId,
    /// `invalid_organization_name` (400).
    InvalidOrganizationName,
    /// `invalid_organization_slug` (400).
    InvalidOrganizationSlug,
    /// `invalid_phone_number` (400).
    InvalidPhoneNumber,
    /// `invalid_pkce_code_challenge` (400).
    InvalidPkceCodeChallenge,
    /// `invalid_rbac_role_id` (400).
    InvalidRbacRoleId,
    /// `invalid_recovery_code` (400).
    InvalidRecoveryCode,
    /// `invalid_session_duration_minutes` (400).
    InvalidSessionDurationMinutes,
    /// `invalid_sso_default_connection_id` (400).
    InvalidSsoDefaultConnectionId,
    /// `invalid_totp_code` (400).
    InvalidTotpCode,
    /// `member_search_expected_array_of_strings` (400).
    MemberSearchExpectedArrayOfStrings,
    /// `member_search_expected_boolean` (400).
    MemberSearchExpectedBoolean,
    /// `member_search_expected_string` (400).
    MemberSearchExpectedString,
    /// `member_search_filter_name_must_be_string` (400).
    MemberSearchFilterNameMustBeString,
    /// `member_search_filter_name_not_recognized` (400).
    MemberSearchFilterNameNotRecognized,
    /// `member_search_member_email_fuzzy_too_short` (400).
    MemberSearchMemberEmailFuzzyTooShort,
    /// `member_search_member_mfa_phone_number_fuzzy_too_short` (400).
    MemberSearchMemberMfaPhoneNumberFuzzyTooShort,
    /// `member_search_missing_filter_name` (400).
    MemberSearchMissingFilterName,
    /// `member_search_missing_filter_value` (400).
    MemberSearchMissingFilterValue,
    /// `member_search_organization_ids_empty` (400).
    MemberSearchOrganizationIdsEmpty,
    /// `no_active_recovery_code_backed_factor` (400).
    NoActiveRecoveryCodeBackedFactor,
    /// `no_discovery_redirect_urls_set` (400).
    NoDiscoveryRedirectUrlsSet,
    /// `no_invite_redirect_urls_set` (400).
    NoInviteRedirectUrlsSet,
    /// `no_login_redirect_urls_set` (400).
    NoLoginRedirectUrlsSet,
    /// `no_match_for_provided_magic_link_url` (400).
    NoMatchForProvidedMagicLinkUrl,
    /// `no_reset_password_redirect_urls_set` (400).
    NoResetPasswordRedirectUrlsSet,
    /// `no_session_arguments` (400).
    NoSessionArguments,
    /// `no_session_revoke_arguments` (400).
    NoSessionRevokeArguments,
    /// `no_signup_redirect_urls_set` (400).
    NoSignupRedirectUrlsSet,
    /// `organization_name_missing` (400).
    OrganizationNameMissing,
    /// `organization_settings_domain_too_common` (400).
    OrganizationSettingsDomainTooCommon,
    /// `organization_settings_duplicate_domain` (400).
    OrganizationSettingsDuplicateDomain,
    /// `organization_settings_invalid_domain` (400).
    OrganizationSettingsInvalidDomain,
    /// `organization_slug_already_used` (400).
    OrganizationSlugAlreadyUsed,
    /// `pending_totp_exists` (400).
    PendingTotpExists,
    /// `pkce_did_not_expect_code_verifier` (400).
    PkceDidNotExpectCodeVerifier,
    /// `pkce_expected_code_verifier` (400).
    PkceExpectedCodeVerifier,
    /// `pkce_mismatch` (400).
    PkceMismatch,
    /// `rbac_invalid_domain` (400).
    RbacInvalidDomain,
    /// `recovery_code_used_as_totp_code` (400).
    RecoveryCodeUsedAsTotpCode,
    /// `retired_email_missing_email_identifiers` (400).
    RetiredEmailMissingEmailIdentifiers,
    /// `retired_member_email` (400).
    RetiredMemberEmail,
    /// `search_invalid_status_filter` (400).
    SearchInvalidStatusFilter,
    /// `session_not_mutable_impersonated` (400).
    SessionNotMutableImpersonated,
    /// `session_too_old_to_reset_password` (400).
    SessionTooOldToResetPassword,
    /// `too_many_session_arguments` (400).
    TooManySessionArguments,
    /// `too_many_session_revoke_arguments` (400).
    TooManySessionRevokeArguments,
    /// `totp_code_already_authenticated` (400).
    TotpCodeAlreadyAuthenticated,
    /// `totp_code_used_as_recovery_code` (400).
    TotpCodeUsedAsRecoveryCode,
    /// `unavailable_endpoint` (400).
    UnavailableEndpoint,
    /// `weak_password` (400).
    WeakPassword,
    /// `cannot_update_trusted_metadata` (401).
    CannotUpdateTrustedMetadata,
    /// `jwt_invalid_audience` (401).
    JwtInvalidAudience,
    /// `jwt_invalid_claims` (401).
    JwtInvalidClaims,
    /// `jwt_invalid_issuer` (401).
    JwtInvalidIssuer,
    /// `unable_to_auth_impersonation_token` (401).
    UnableToAuthImpersonationToken,
    /// `unable_to_auth_magic_link` (401).
    UnableToAuthMagicLink,
    /// `unable_to_auth_otp_code` (401).
    UnableToAuthOtpCode,
    /// `unable_to_auth_password_reset_token` (401).
    UnableToAuthPasswordResetToken,
    /// `unable_to_authenticate_recovery_code` (401).
    UnableToAuthenticateRecoveryCode,
    /// `unable_to_authenticate_totp` (401).
    UnableToAuthenticateTotp,
    /// `unable_to_parse_session_jwt` (401).
    UnableToParseSessionJwt,
    /// `unauthorized_credentials` (401).
    UnauthorizedCredentials,
    /// `cross_site_request_forbidden` (403).
    CrossSiteRequestForbidden,
    /// `email_jit_provisioning_not_allowed` (403).
    EmailJitProvisioningNotAllowed,
    /// `host_not_allowed` (403).
    HostNotAllowed,
    /// `invalid_email_for_jit_provisioning` (403).
    InvalidEmailForJitProvisioning,
    /// `operation_restricted_by_organization_auth_methods` (403).
    OperationRestrictedByOrganizationAuthMethods,
    /// `operation_restricted_by_organization_mfa_methods` (403).
    OperationRestrictedByOrganizationMfaMethods,
    /// `session_authorization_error` (403).
    SessionAuthorizationError,
    /// `session_authorization_tenancy_error` (403).
    SessionAuthorizationTenancyError,
    /// `email_not_found` (404).
    EmailNotFound,
    /// `idp_access_token_not_found` (404).
    IdpAccessTokenNotFound,
    /// `intermediate_session_not_found` (404).
    IntermediateSessionNotFound,
    /// `magic_link_not_found` (404).
    MagicLinkNotFound,
    /// `member_not_found` (404).
    MemberNotFound,
    /// `member_password_not_found` (404).
    MemberPasswordNotFound,
    /// `member_phone_number_not_found` (404).
    MemberPhoneNumberNotFound,
    /// `no_deleted_member_found_for_reactivation` (404).
    NoDeletedMemberFoundForReactivation,
    /// `organization_not_found` (404).
    OrganizationNotFound,
    /// `otp_code_not_found` (404).
    OtpCodeNotFound,
    /// `project_not_found` (404).
    ProjectNotFound,
    /// `route_not_found` (404).
    RouteNotFound,
    /// `session_not_found` (404).
    SessionNotFound,
    /// `totp_not_found` (404).
    TotpNotFound,
    /// `method_not_allowed` (405).
    MethodNotAllowed,
    /// `request_too_large` (413).
    RequestTooLarge,
    /// `user_lock_limit_reached` (429).
    UserLockLimitReached,
    /// `cannot_delete_default_sso_connection` (400).
    CannotDeleteDefaultSsoConnection,
    /// `cannot_delete_last_sso_verification_key` (400).
    CannotDeleteLastSsoVerificationKey,
    /// `duplicate_external_sso_connection` (400).
    DuplicateExternalSsoConnection,
    /// `external_connection_id_not_found` (404).
    ExternalConnectionIdNotFound,
    /// `external_organization_id_same_as_organization_id` (400).
    ExternalOrganizationIdSameAsOrganizationId,
    /// `failed_saml_response` (400).
    FailedSamlResponse,
    /// `indeterminate_sso_connection_for_organization` (400).
    IndeterminateSsoConnectionForOrganization,
    /// `invalid_oauth_provider` (400).
    InvalidOauthProvider,
    /// `invalid_oauth_tenant_for_jit_provisioning` (403).
    InvalidOauthTenantForJitProvisioning,
    /// `invalid_x509_certificate` (400).
    InvalidX509Certificate,
    /// `missing_oauth_organization_locator` (400).
    MissingOauthOrganizationLocator,
    /// `missing_sso_connection_locator` (400).
    MissingSsoConnectionLocator,
    /// `no_match_for_provided_oauth_url` (400).
    NoMatchForProvidedOauthUrl,
    /// `no_match_for_provided_sso_url` (400).
    NoMatchForProvidedSsoUrl,
    /// `no_sso_connection_exists_for_organization` (404).
    NoSsoConnectionExistsForOrganization,
    /// `oauth_discovery_flow_callback_error` (400).
    OauthDiscoveryFlowCallbackError,
    /// `oauth_flow_callback_error` (400).
    OauthFlowCallbackError,
    /// `oauth_invalid_state` (400).
    OauthInvalidState,
    /// `oauth_state_used` (400).
    OauthStateUsed,
    /// `oauth_tenant_jit_provisioning_not_allowed` (403).
    OauthTenantJitProvisioningNotAllowed,
    /// `oauth_token_not_found` (404).
    OauthTokenNotFound,
    /// `saml_connection_attribute_mapping_missing_groups_key` (400).
    SamlConnectionAttributeMappingMissingGroupsKey,
    /// `active_scim_connection_exists` (400).
    ActiveScimConnectionExists,
    /// `no_active_scim_connection` (404).
    NoActiveScimConnection,
    /// `scim_connection_not_rotating_token` (400).
    ScimConnectionNotRotatingToken,
    /// `scim_connection_already_rotating_token` (400).
    ScimConnectionAlreadyRotatingToken,
    /// `scim_group_role_assignment_group_does_not_exist` (400).
    ScimGroupRoleAssignmentGroupDoesNotExist,
    /// `connected_app_not_found` (404).
    ConnectedAppNotFound,
    /// `connected_app_not_allowed_by_organization` (403).
    ConnectedAppNotAllowedByOrganization,
    /// `connected_app_supplied_redirect_url_not_found_in_client` (400).
    ConnectedAppSuppliedRedirectUrlNotFoundInClient,
    /// `pkce_required_for_idp_authorization_flow` (400).
    PkceRequiredForIdpAuthorizationFlow,
    /// `idp_auth_code_not_found` (404).
    IdpAuthCodeNotFound,
    /// `idp_auth_code_expired` (400).
    IdpAuthCodeExpired,
    /// `idp_refresh_token_not_found` (404).
    IdpRefreshTokenNotFound,
    /// `invalid_scope` (400).
    InvalidScope,
    /// `sso_connection_not_found` (404).
    SsoConnectionNotFound,
    /// `sso_token_not_found` (404).
    SsoTokenNotFound,
    /// `sso_verification_key_not_found` (404).
    SsoVerificationKeyNotFound,
    /// `too_many_oauth_organization_locators` (400).
    TooManyOauthOrganizationLocators,
    /// `too_many_sso_connection_locators` (400).
    TooManySsoConnectionLocators,
    /// `too_many_sso_verification_certificates` (400).
    TooManySsoVerificationCertificates,
    /// `oidc_auth_code_error` (400).
    OidcAuthCodeError,
    /// `oauth_auth_code_error` (400).
    OauthAuthCodeError,
    /// `invalid_callback_id` (400).
    InvalidCallbackId,
    /// `id_token_invalid` (400).
    IdTokenInvalid,
    /// `id_token_expired` (400).
    IdTokenExpired,
    /// `id_token_incorrect_audience` (400).
    IdTokenIncorrectAudience,
    /// `internal_server_error` (500).
    InternalServerError,
}

impl ErrorType {
    /// Every variant, for tests and docs.
    pub const ALL: &[ErrorType] = &[
        Self::ActionAvailableOnlyForActiveMembers,
        Self::ActionAvailableOnlyOncePrimaryAuthenticationIsMet,
        Self::ActiveTotpExists,
        Self::AllowedAuthMethodsRequiredForRestricted,
        Self::AllowedMfaMethodsRequiredForRestricted,
        Self::BadRequest,
        Self::CannotAssignDefaultRbacRoleId,
        Self::DefaultMfaMemberMissingFactor,
        Self::DuplicateMemberEmail,
        Self::EmailUnverifiedForReactivation,
        Self::ExpiredTotp,
        Self::InsufficientFactors,
        Self::InvalidArgument,
        Self::InvalidConnectionForJitProvisioning,
        Self::InvalidEmail,
        Self::InvalidEmailForInvites,
        Self::InvalidExpiration,
        Self::InvalidImpersonationReason,
        Self::InvalidIntermediateSessionTokenForOrganization,
        Self::InvalidMemberGetFields,
        Self::InvalidMfaDefaultMethod,
        Self::InvalidOauthAllowedTenantsFormat,
        Self::InvalidOrganizationAuthFactorSetting,
        Self::InvalidOrganizationExternalId,
        Self::InvalidOrganizationName,
        Self::InvalidOrganizationSlug,
        Self::InvalidPhoneNumber,
        Self::InvalidPkceCodeChallenge,
        Self::InvalidRbacRoleId,
        Self::InvalidRecoveryCode,
        Self::InvalidSessionDurationMinutes,
        Self::InvalidSsoDefaultConnectionId,
        Self::InvalidTotpCode,
        Self::MemberSearchExpectedArrayOfStrings,
        Self::MemberSearchExpectedBoolean,
        Self::MemberSearchExpectedString,
        Self::MemberSearchFilterNameMustBeString,
        Self::MemberSearchFilterNameNotRecognized,
        Self::MemberSearchMemberEmailFuzzyTooShort,
        Self::MemberSearchMemberMfaPhoneNumberFuzzyTooShort,
        Self::MemberSearchMissingFilterName,
        Self::MemberSearchMissingFilterValue,
        Self::MemberSearchOrganizationIdsEmpty,
        Self::NoActiveRecoveryCodeBackedFactor,
        Self::NoDiscoveryRedirectUrlsSet,
        Self::NoInviteRedirectUrlsSet,
        Self::NoLoginRedirectUrlsSet,
        Self::NoMatchForProvidedMagicLinkUrl,
        Self::NoResetPasswordRedirectUrlsSet,
        Self::NoSessionArguments,
        Self::NoSessionRevokeArguments,
        Self::NoSignupRedirectUrlsSet,
        Self::OrganizationNameMissing,
        Self::OrganizationSettingsDomainTooCommon,
        Self::OrganizationSettingsDuplicateDomain,
        Self::OrganizationSettingsInvalidDomain,
        Self::OrganizationSlugAlreadyUsed,
        Self::PendingTotpExists,
        Self::PkceDidNotExpectCodeVerifier,
        Self::PkceExpectedCodeVerifier,
        Self::PkceMismatch,
        Self::RbacInvalidDomain,
        Self::RecoveryCodeUsedAsTotpCode,
        Self::RetiredEmailMissingEmailIdentifiers,
        Self::RetiredMemberEmail,
        Self::SearchInvalidStatusFilter,
        Self::SessionNotMutableImpersonated,
        Self::SessionTooOldToResetPassword,
        Self::TooManySessionArguments,
        Self::TooManySessionRevokeArguments,
        Self::TotpCodeAlreadyAuthenticated,
        Self::TotpCodeUsedAsRecoveryCode,
        Self::UnavailableEndpoint,
        Self::WeakPassword,
        Self::CannotUpdateTrustedMetadata,
        Self::JwtInvalidAudience,
        Self::JwtInvalidClaims,
        Self::JwtInvalidIssuer,
        Self::UnableToAuthImpersonationToken,
        Self::UnableToAuthMagicLink,
        Self::UnableToAuthOtpCode,
        Self::UnableToAuthPasswordResetToken,
        Self::UnableToAuthenticateRecoveryCode,
        Self::UnableToAuthenticateTotp,
        Self::UnableToParseSessionJwt,
        Self::UnauthorizedCredentials,
        Self::CrossSiteRequestForbidden,
        Self::EmailJitProvisioningNotAllowed,
        Self::HostNotAllowed,
        Self::InvalidEmailForJitProvisioning,
        Self::OperationRestrictedByOrganizationAuthMethods,
        Self::OperationRestrictedByOrganizationMfaMethods,
        Self::SessionAuthorizationError,
        Self::SessionAuthorizationTenancyError,
        Self::EmailNotFound,
        Self::IdpAccessTokenNotFound,
        Self::IntermediateSessionNotFound,
        Self::MagicLinkNotFound,
        Self::MemberNotFound,
        Self::MemberPasswordNotFound,
        Self::MemberPhoneNumberNotFound,
        Self::NoDeletedMemberFoundForReactivation,
        Self::OrganizationNotFound,
        Self::OtpCodeNotFound,
        Self::ProjectNotFound,
        Self::RouteNotFound,
        Self::SessionNotFound,
        Self::TotpNotFound,
        Self::MethodNotAllowed,
        Self::RequestTooLarge,
        Self::UserLockLimitReached,
        Self::CannotDeleteDefaultSsoConnection,
        Self::CannotDeleteLastSsoVerificationKey,
        Self::DuplicateExternalSsoConnection,
        Self::ExternalConnectionIdNotFound,
        Self::ExternalOrganizationIdSameAsOrganizationId,
        Self::FailedSamlResponse,
        Self::IndeterminateSsoConnectionForOrganization,
        Self::InvalidOauthProvider,
        Self::InvalidOauthTenantForJitProvisioning,
        Self::InvalidX509Certificate,
        Self::MissingOauthOrganizationLocator,
        Self::MissingSsoConnectionLocator,
        Self::NoMatchForProvidedOauthUrl,
        Self::NoMatchForProvidedSsoUrl,
        Self::NoSsoConnectionExistsForOrganization,
        Self::OauthDiscoveryFlowCallbackError,
        Self::OauthFlowCallbackError,
        Self::OauthInvalidState,
        Self::OauthStateUsed,
        Self::OauthTenantJitProvisioningNotAllowed,
        Self::OauthTokenNotFound,
        Self::SamlConnectionAttributeMappingMissingGroupsKey,
        Self::ActiveScimConnectionExists,
        Self::NoActiveScimConnection,
        Self::ScimConnectionNotRotatingToken,
        Self::ScimConnectionAlreadyRotatingToken,
        Self::ScimGroupRoleAssignmentGroupDoesNotExist,
        Self::ConnectedAppNotFound,
        Self::ConnectedAppNotAllowedByOrganization,
        Self::ConnectedAppSuppliedRedirectUrlNotFoundInClient,
        Self::PkceRequiredForIdpAuthorizationFlow,
        Self::IdpAuthCodeNotFound,
        Self::IdpAuthCodeExpired,
        Self::IdpRefreshTokenNotFound,
        Self::InvalidScope,
        Self::SsoConnectionNotFound,
        Self::SsoTokenNotFound,
        Self::SsoVerificationKeyNotFound,
        Self::TooManyOauthOrganizationLocators,
        Self::TooManySsoConnectionLocators,
        Self::TooManySsoVerificationCertificates,
        Self::OidcAuthCodeError,
        Self::OauthAuthCodeError,
        Self::InvalidCallbackId,
        Self::IdTokenInvalid,
        Self::IdTokenExpired,
        Self::IdTokenIncorrectAudience,
        Self::InternalServerError,
    ];

    /// The wire string (`error_type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActionAvailableOnlyForActiveMembers => "action_available_only_for_active_members",
            Self::ActionAvailableOnlyOncePrimaryAuthenticationIsMet => {
                "action_available_only_once_primary_authentication_is_met"
            }
            Self::ActiveTotpExists => "active_totp_exists",
            Self::AllowedAuthMethodsRequiredForRestricted => {
                "allowed_auth_methods_required_for_restricted"
            }
            Self::AllowedMfaMethodsRequiredForRestricted => {
                "allowed_mfa_methods_required_for_restricted"
            }
            Self::BadRequest => "bad_request",
            Self::CannotAssignDefaultRbacRoleId => "cannot_assign_default_rbac_role_id",
            Self::DefaultMfaMemberMissingFactor => "default_mfa_member_missing_factor",
            Self::DuplicateMemberEmail => "duplicate_member_email",
            Self::EmailUnverifiedForReactivation => "email_unverified_for_reactivation",
            Self::ExpiredTotp => "expired_totp",
            Self::InsufficientFactors => "insufficient_factors",
            Self::InvalidArgument => "invalid_argument",
            Self::InvalidConnectionForJitProvisioning => "invalid_connection_for_jit_provisioning",
            Self::InvalidEmail => "invalid_email",
            Self::InvalidEmailForInvites => "invalid_email_for_invites",
            Self::InvalidExpiration => "invalid_expiration",
            Self::InvalidImpersonationReason => "invalid_impersonation_reason",
            Self::InvalidIntermediateSessionTokenForOrganization => {
                "invalid_intermediate_session_token_for_organization"
            }
            Self::InvalidMemberGetFields => "invalid_member_get_fields",
            Self::InvalidMfaDefaultMethod => "invalid_mfa_default_method",
            Self::InvalidOauthAllowedTenantsFormat => "invalid_oauth_allowed_tenants_format",
            Self::InvalidOrganizationAuthFactorSetting => {
                "invalid_organization_auth_factor_setting"
            }
            Self::InvalidOrganizationExternalId => "invalid_organization_external_id",
            Self::InvalidOrganizationName => "invalid_organization_name",
            Self::InvalidOrganizationSlug => "invalid_organization_slug",
            Self::InvalidPhoneNumber => "invalid_phone_number",
            Self::InvalidPkceCodeChallenge => "invalid_pkce_code_challenge",
            Self::InvalidRbacRoleId => "invalid_rbac_role_id",
            Self::InvalidRecoveryCode => "invalid_recovery_code",
            Self::InvalidSessionDurationMinutes => "invalid_session_duration_minutes",
            Self::InvalidSsoDefaultConnectionId => "invalid_sso_default_connection_id",
            Self::InvalidTotpCode => "invalid_totp_code",
            Self::MemberSearchExpectedArrayOfStrings => "member_search_expected_array_of_strings",
            Self::MemberSearchExpectedBoolean => "member_search_expected_boolean",
            Self::MemberSearchExpectedString => "member_search_expected_string",
            Self::MemberSearchFilterNameMustBeString => "member_search_filter_name_must_be_string",
            Self::MemberSearchFilterNameNotRecognized => "member_search_filter_name_not_recognized",
            Self::MemberSearchMemberEmailFuzzyTooShort => {
                "member_search_member_email_fuzzy_too_short"
            }
            Self::MemberSearchMemberMfaPhoneNumberFuzzyTooShort => {
                "member_search_member_mfa_phone_number_fuzzy_too_short"
            }
            Self::MemberSearchMissingFilterName => "member_search_missing_filter_name",
            Self::MemberSearchMissingFilterValue => "member_search_missing_filter_value",
            Self::MemberSearchOrganizationIdsEmpty => "member_search_organization_ids_empty",
            Self::NoActiveRecoveryCodeBackedFactor => "no_active_recovery_code_backed_factor",
            Self::NoDiscoveryRedirectUrlsSet => "no_discovery_redirect_urls_set",
            Self::NoInviteRedirectUrlsSet => "no_invite_redirect_urls_set",
            Self::NoLoginRedirectUrlsSet => "no_login_redirect_urls_set",
            Self::NoMatchForProvidedMagicLinkUrl => "no_match_for_provided_magic_link_url",
            Self::NoResetPasswordRedirectUrlsSet => "no_reset_password_redirect_urls_set",
            Self::NoSessionArguments => "no_session_arguments",
            Self::NoSessionRevokeArguments => "no_session_revoke_arguments",
            Self::NoSignupRedirectUrlsSet => "no_signup_redirect_urls_set",
            Self::OrganizationNameMissing => "organization_name_missing",
            Self::OrganizationSettingsDomainTooCommon => "organization_settings_domain_too_common",
            Self::OrganizationSettingsDuplicateDomain => "organization_settings_duplicate_domain",
            Self::OrganizationSettingsInvalidDomain => "organization_settings_invalid_domain",
            Self::OrganizationSlugAlreadyUsed => "organization_slug_already_used",
            Self::PendingTotpExists => "pending_totp_exists",
            Self::PkceDidNotExpectCodeVerifier => "pkce_did_not_expect_code_verifier",
            Self::PkceExpectedCodeVerifier => "pkce_expected_code_verifier",
            Self::PkceMismatch => "pkce_mismatch",
            Self::RbacInvalidDomain => "rbac_invalid_domain",
            Self::RecoveryCodeUsedAsTotpCode => "recovery_code_used_as_totp_code",
            Self::RetiredEmailMissingEmailIdentifiers => "retired_email_missing_email_identifiers",
            Self::RetiredMemberEmail => "retired_member_email",
            Self::SearchInvalidStatusFilter => "search_invalid_status_filter",
            Self::SessionNotMutableImpersonated => "session_not_mutable_impersonated",
            Self::SessionTooOldToResetPassword => "session_too_old_to_reset_password",
            Self::TooManySessionArguments => "too_many_session_arguments",
            Self::TooManySessionRevokeArguments => "too_many_session_revoke_arguments",
            Self::TotpCodeAlreadyAuthenticated => "totp_code_already_authenticated",
            Self::TotpCodeUsedAsRecoveryCode => "totp_code_used_as_recovery_code",
            Self::UnavailableEndpoint => "unavailable_endpoint",
            Self::WeakPassword => "weak_password",
            Self::CannotUpdateTrustedMetadata => "cannot_update_trusted_metadata",
            Self::JwtInvalidAudience => "jwt_invalid_audience",
            Self::JwtInvalidClaims => "jwt_invalid_claims",
            Self::JwtInvalidIssuer => "jwt_invalid_issuer",
            Self::UnableToAuthImpersonationToken => "unable_to_auth_impersonation_token",
            Self::UnableToAuthMagicLink => "unable_to_auth_magic_link",
            Self::UnableToAuthOtpCode => "unable_to_auth_otp_code",
            Self::UnableToAuthPasswordResetToken => "unable_to_auth_password_reset_token",
            Self::UnableToAuthenticateRecoveryCode => "unable_to_authenticate_recovery_code",
            Self::UnableToAuthenticateTotp => "unable_to_authenticate_totp",
            Self::UnableToParseSessionJwt => "unable_to_parse_session_jwt",
            Self::UnauthorizedCredentials => "unauthorized_credentials",
            Self::CrossSiteRequestForbidden => "cross_site_request_forbidden",
            Self::EmailJitProvisioningNotAllowed => "email_jit_provisioning_not_allowed",
            Self::HostNotAllowed => "host_not_allowed",
            Self::InvalidEmailForJitProvisioning => "invalid_email_for_jit_provisioning",
            Self::OperationRestrictedByOrganizationAuthMethods => {
                "operation_restricted_by_organization_auth_methods"
            }
            Self::OperationRestrictedByOrganizationMfaMethods => {
                "operation_restricted_by_organization_mfa_methods"
            }
            Self::SessionAuthorizationError => "session_authorization_error",
            Self::SessionAuthorizationTenancyError => "session_authorization_tenancy_error",
            Self::EmailNotFound => "email_not_found",
            Self::IdpAccessTokenNotFound => "idp_access_token_not_found",
            Self::IntermediateSessionNotFound => "intermediate_session_not_found",
            Self::MagicLinkNotFound => "magic_link_not_found",
            Self::MemberNotFound => "member_not_found",
            Self::MemberPasswordNotFound => "member_password_not_found",
            Self::MemberPhoneNumberNotFound => "member_phone_number_not_found",
            Self::NoDeletedMemberFoundForReactivation => "no_deleted_member_found_for_reactivation",
            Self::OrganizationNotFound => "organization_not_found",
            Self::OtpCodeNotFound => "otp_code_not_found",
            Self::ProjectNotFound => "project_not_found",
            Self::RouteNotFound => "route_not_found",
            Self::SessionNotFound => "session_not_found",
            Self::TotpNotFound => "totp_not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RequestTooLarge => "request_too_large",
            Self::UserLockLimitReached => "user_lock_limit_reached",
            Self::CannotDeleteDefaultSsoConnection => "cannot_delete_default_sso_connection",
            Self::CannotDeleteLastSsoVerificationKey => "cannot_delete_last_sso_verification_key",
            Self::DuplicateExternalSsoConnection => "duplicate_external_sso_connection",
            Self::ExternalConnectionIdNotFound => "external_connection_id_not_found",
            Self::ExternalOrganizationIdSameAsOrganizationId => {
                "external_organization_id_same_as_organization_id"
            }
            Self::FailedSamlResponse => "failed_saml_response",
            Self::IndeterminateSsoConnectionForOrganization => {
                "indeterminate_sso_connection_for_organization"
            }
            Self::InvalidOauthProvider => "invalid_oauth_provider",
            Self::InvalidOauthTenantForJitProvisioning => {
                "invalid_oauth_tenant_for_jit_provisioning"
            }
            Self::InvalidX509Certificate => "invalid_x509_certificate",
            Self::MissingOauthOrganizationLocator => "missing_oauth_organization_locator",
            Self::MissingSsoConnectionLocator => "missing_sso_connection_locator",
            Self::NoMatchForProvidedOauthUrl => "no_match_for_provided_oauth_url",
            Self::NoMatchForProvidedSsoUrl => "no_match_for_provided_sso_url",
            Self::NoSsoConnectionExistsForOrganization => {
                "no_sso_connection_exists_for_organization"
            }
            Self::OauthDiscoveryFlowCallbackError => "oauth_discovery_flow_callback_error",
            Self::OauthFlowCallbackError => "oauth_flow_callback_error",
            Self::OauthInvalidState => "oauth_invalid_state",
            Self::OauthStateUsed => "oauth_state_used",
            Self::OauthTenantJitProvisioningNotAllowed => {
                "oauth_tenant_jit_provisioning_not_allowed"
            }
            Self::OauthTokenNotFound => "oauth_token_not_found",
            Self::SamlConnectionAttributeMappingMissingGroupsKey => {
                "saml_connection_attribute_mapping_missing_groups_key"
            }
            Self::ActiveScimConnectionExists => "active_scim_connection_exists",
            Self::NoActiveScimConnection => "no_active_scim_connection",
            Self::ScimConnectionNotRotatingToken => "scim_connection_not_rotating_token",
            Self::ScimConnectionAlreadyRotatingToken => "scim_connection_already_rotating_token",
            Self::ScimGroupRoleAssignmentGroupDoesNotExist => {
                "scim_group_role_assignment_group_does_not_exist"
            }
            Self::ConnectedAppNotFound => "connected_app_not_found",
            Self::ConnectedAppNotAllowedByOrganization => {
                "connected_app_not_allowed_by_organization"
            }
            Self::ConnectedAppSuppliedRedirectUrlNotFoundInClient => {
                "connected_app_supplied_redirect_url_not_found_in_client"
            }
            Self::PkceRequiredForIdpAuthorizationFlow => "pkce_required_for_idp_authorization_flow",
            Self::IdpAuthCodeNotFound => "idp_auth_code_not_found",
            Self::IdpAuthCodeExpired => "idp_auth_code_expired",
            Self::IdpRefreshTokenNotFound => "idp_refresh_token_not_found",
            Self::InvalidScope => "invalid_scope",
            Self::SsoConnectionNotFound => "sso_connection_not_found",
            Self::SsoTokenNotFound => "sso_token_not_found",
            Self::SsoVerificationKeyNotFound => "sso_verification_key_not_found",
            Self::TooManyOauthOrganizationLocators => "too_many_oauth_organization_locators",
            Self::TooManySsoConnectionLocators => "too_many_sso_connection_locators",
            Self::TooManySsoVerificationCertificates => "too_many_sso_verification_certificates",
            Self::OidcAuthCodeError => "oidc_auth_code_error",
            Self::OauthAuthCodeError => "oauth_auth_code_error",
            Self::InvalidCallbackId => "invalid_callback_id",
            Self::IdTokenInvalid => "id_token_invalid",
            Self::IdTokenExpired => "id_token_expired",
            Self::IdTokenIncorrectAudience => "id_token_incorrect_audience",
            Self::InternalServerError => "internal_server_error",
        }
    }

    /// The HTTP status Stytch answers with.
    pub fn status(self) -> u16 {
        match self {
            Self::ActionAvailableOnlyForActiveMembers
            | Self::ActionAvailableOnlyOncePrimaryAuthenticationIsMet
            | Self::ActiveTotpExists
            | Self::AllowedAuthMethodsRequiredForRestricted
            | Self::AllowedMfaMethodsRequiredForRestricted
            | Self::BadRequest
            | Self::CannotAssignDefaultRbacRoleId
            | Self::DefaultMfaMemberMissingFactor
            | Self::DuplicateMemberEmail
            | Self::EmailUnverifiedForReactivation
            | Self::ExpiredTotp
            | Self::InsufficientFactors
            | Self::InvalidArgument
            | Self::InvalidConnectionForJitProvisioning
            | Self::InvalidEmail
            | Self::InvalidEmailForInvites
            | Self::InvalidExpiration
            | Self::InvalidImpersonationReason
            | Self::InvalidIntermediateSessionTokenForOrganization
            | Self::InvalidMemberGetFields
            | Self::InvalidMfaDefaultMethod
            | Self::InvalidOauthAllowedTenantsFormat
            | Self::InvalidOrganizationAuthFactorSetting
            | Self::InvalidOrganizationExternalId
            | Self::InvalidOrganizationName
            | Self::InvalidOrganizationSlug
            | Self::InvalidPhoneNumber
            | Self::InvalidPkceCodeChallenge
            | Self::InvalidRbacRoleId
            | Self::InvalidRecoveryCode
            | Self::InvalidSessionDurationMinutes
            | Self::InvalidSsoDefaultConnectionId
            | Self::InvalidTotpCode
            | Self::MemberSearchExpectedArrayOfStrings
            | Self::MemberSearchExpectedBoolean
            | Self::MemberSearchExpectedString
            | Self::MemberSearchFilterNameMustBeString
            | Self::MemberSearchFilterNameNotRecognized
            | Self::MemberSearchMemberEmailFuzzyTooShort
            | Self::MemberSearchMemberMfaPhoneNumberFuzzyTooShort
            | Self::MemberSearchMissingFilterName
            | Self::MemberSearchMissingFilterValue
            | Self::MemberSearchOrganizationIdsEmpty
            | Self::NoActiveRecoveryCodeBackedFactor
            | Self::NoDiscoveryRedirectUrlsSet
            | Self::NoInviteRedirectUrlsSet
            | Self::NoLoginRedirectUrlsSet
            | Self::NoMatchForProvidedMagicLinkUrl
            | Self::NoResetPasswordRedirectUrlsSet
            | Self::NoSessionArguments
            | Self::NoSessionRevokeArguments
            | Self::NoSignupRedirectUrlsSet
            | Self::OrganizationNameMissing
            | Self::OrganizationSettingsDomainTooCommon
            | Self::OrganizationSettingsDuplicateDomain
            | Self::OrganizationSettingsInvalidDomain
            | Self::OrganizationSlugAlreadyUsed
            | Self::PendingTotpExists
            | Self::PkceDidNotExpectCodeVerifier
            | Self::PkceExpectedCodeVerifier
            | Self::PkceMismatch
            | Self::RbacInvalidDomain
            | Self::RecoveryCodeUsedAsTotpCode
            | Self::RetiredEmailMissingEmailIdentifiers
            | Self::RetiredMemberEmail
            | Self::SearchInvalidStatusFilter
            | Self::SessionNotMutableImpersonated
            | Self::SessionTooOldToResetPassword
            | Self::TooManySessionArguments
            | Self::TooManySessionRevokeArguments
            | Self::TotpCodeAlreadyAuthenticated
            | Self::TotpCodeUsedAsRecoveryCode
            | Self::UnavailableEndpoint
            | Self::WeakPassword
            | Self::CannotDeleteDefaultSsoConnection
            | Self::CannotDeleteLastSsoVerificationKey
            | Self::DuplicateExternalSsoConnection
            | Self::ExternalOrganizationIdSameAsOrganizationId
            | Self::FailedSamlResponse
            | Self::IndeterminateSsoConnectionForOrganization
            | Self::InvalidOauthProvider
            | Self::InvalidX509Certificate
            | Self::MissingOauthOrganizationLocator
            | Self::MissingSsoConnectionLocator
            | Self::NoMatchForProvidedOauthUrl
            | Self::NoMatchForProvidedSsoUrl
            | Self::OauthDiscoveryFlowCallbackError
            | Self::OauthFlowCallbackError
            | Self::OauthInvalidState
            | Self::OauthStateUsed
            | Self::SamlConnectionAttributeMappingMissingGroupsKey
            | Self::TooManyOauthOrganizationLocators
            | Self::TooManySsoConnectionLocators
            | Self::TooManySsoVerificationCertificates
            | Self::OidcAuthCodeError
            | Self::OauthAuthCodeError
            | Self::InvalidCallbackId
            | Self::IdTokenInvalid
            | Self::IdTokenExpired
            | Self::ActiveScimConnectionExists
            | Self::ScimConnectionNotRotatingToken
            | Self::ScimConnectionAlreadyRotatingToken
            | Self::ConnectedAppSuppliedRedirectUrlNotFoundInClient
            | Self::PkceRequiredForIdpAuthorizationFlow
            | Self::IdpAuthCodeExpired
            | Self::InvalidScope
            | Self::ScimGroupRoleAssignmentGroupDoesNotExist
            | Self::IdTokenIncorrectAudience => 400,
            Self::CannotUpdateTrustedMetadata
            | Self::JwtInvalidAudience
            | Self::JwtInvalidClaims
            | Self::JwtInvalidIssuer
            | Self::UnableToAuthImpersonationToken
            | Self::UnableToAuthMagicLink
            | Self::UnableToAuthOtpCode
            | Self::UnableToAuthPasswordResetToken
            | Self::UnableToAuthenticateRecoveryCode
            | Self::UnableToAuthenticateTotp
            | Self::UnableToParseSessionJwt
            | Self::UnauthorizedCredentials => 401,
            Self::CrossSiteRequestForbidden
            | Self::EmailJitProvisioningNotAllowed
            | Self::HostNotAllowed
            | Self::InvalidEmailForJitProvisioning
            | Self::OperationRestrictedByOrganizationAuthMethods
            | Self::OperationRestrictedByOrganizationMfaMethods
            | Self::SessionAuthorizationError
            | Self::SessionAuthorizationTenancyError
            | Self::InvalidOauthTenantForJitProvisioning
            | Self::ConnectedAppNotAllowedByOrganization
            | Self::OauthTenantJitProvisioningNotAllowed => 403,
            Self::EmailNotFound
            | Self::IdpAccessTokenNotFound
            | Self::IntermediateSessionNotFound
            | Self::MagicLinkNotFound
            | Self::MemberNotFound
            | Self::MemberPasswordNotFound
            | Self::MemberPhoneNumberNotFound
            | Self::NoDeletedMemberFoundForReactivation
            | Self::OrganizationNotFound
            | Self::OtpCodeNotFound
            | Self::ProjectNotFound
            | Self::RouteNotFound
            | Self::SessionNotFound
            | Self::TotpNotFound
            | Self::ExternalConnectionIdNotFound
            | Self::NoSsoConnectionExistsForOrganization
            | Self::OauthTokenNotFound
            | Self::NoActiveScimConnection
            | Self::ConnectedAppNotFound
            | Self::IdpAuthCodeNotFound
            | Self::IdpRefreshTokenNotFound
            | Self::SsoConnectionNotFound
            | Self::SsoTokenNotFound
            | Self::SsoVerificationKeyNotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::RequestTooLarge => 413,
            Self::UserLockLimitReached => 429,
            Self::InternalServerError => 500,
        }
    }
}

/// A Stytch API error (`error_type` with its status, a message, optional `error_details`).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub error_type: ErrorType,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(error_type: ErrorType, message: impl Into<String>) -> Self {
        ApiError {
            error_type,
            message: message.into(),
            details: None,
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.error_type.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn too_large() -> Self {
        Self::new(
            ErrorType::RequestTooLarge,
            "The request body is larger than the emulator accepts (1 MiB).",
        )
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorType::BadRequest, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            ErrorType::UnauthorizedCredentials,
            "Unauthorized credentials.",
        )
    }

    pub fn session_not_found() -> Self {
        Self::new(ErrorType::SessionNotFound, "Session could not be found.")
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorType::InternalServerError,
            "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.",
        )
    }

    pub fn organization_not_found() -> Self {
        Self::new(
            ErrorType::OrganizationNotFound,
            "Organization could not be found.",
        )
    }

    pub fn member_not_found() -> Self {
        Self::new(ErrorType::MemberNotFound, "Member could not be found.")
    }

    /// The JSON body of this error.
    pub fn body(&self) -> Value {
        let status = self.error_type.status();
        let mut v = json!({
            "status_code": status,
            "request_id": request_id(),
            "error_type": self.error_type.as_str(),
            "error_message": self.message,
            "error_url": format!(
                "https://stytch.com/docs/api-reference/b2b/api/errors/{status}#{}",
                self.error_type.as_str()
            ),
        });
        if let (Some(d), Some(obj)) = (&self.details, v.as_object_mut()) {
            obj.insert("error_details".into(), d.clone());
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self.body())).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!("database error: {e}");
        ApiError::internal()
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        tracing::error!("stored JSON error: {e}");
        ApiError::internal()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
