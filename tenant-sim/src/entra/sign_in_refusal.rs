//! The errors the `sign_in_refusal` knob makes the token endpoint answer, as Entra answers a sign-in a
//! policy stands in the way of. Codes and texts: <https://learn.microsoft.com/entra/identity-platform/reference-error-codes>;
//! the `error` and `suberror` values as Entra's answers show them (each cited below).

use axum::http::StatusCode;

use crate::entra::error::EntraError;
use crate::knobs::SignInRefusal;

/// The Entra error of `refusal` for a request to the resource `resource_app_id`.
pub(crate) fn refusal(refusal: SignInRefusal, resource_app_id: &str) -> EntraError {
    let (error, suberror, message) = match refusal {
        // <https://github.com/AzureAD/microsoft-authentication-library-for-go/issues/398>
        SignInRefusal::MfaRequired => (
            "invalid_grant",
            Some("basic_action"),
            format!(
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource_app_id}'."
            ),
        ),
        // <https://github.com/AzureAD/azure-activedirectory-library-for-nodejs/issues/151>
        SignInRefusal::MfaRegistrationRequired => (
            "interaction_required",
            Some("basic_action"),
            format!(
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '{resource_app_id}'."
            ),
        ),
        // <https://github.com/MartinIngesen/MSOLSpray/issues/5>,
        // <https://github.com/OfficeDev/BotBuilder-MicrosoftTeams/issues/284>
        SignInRefusal::BlockedByConditionalAccess => (
            "invalid_grant",
            Some("message_only"),
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.".to_owned(),
        ),
        // <https://github.com/Azure/azure-cli/issues/29282>
        SignInRefusal::ManagedDeviceRequired => (
            "invalid_grant",
            None,
            "Your device is required to be managed to access this resource.".to_owned(),
        ),
        // <https://github.com/microsoft/vscode-azure-account/issues/723>
        SignInRefusal::ExternalChallengeRequired => (
            "interaction_required",
            None,
            "External security challenge not satisfied. User will be redirected to another page or authentication provider to satisfy additional authentication challenges.".to_owned(),
        ),
    };
    let mut error = EntraError::new(StatusCode::BAD_REQUEST, error, refusal.code(), message);
    error.suberror = suberror;
    error
}
