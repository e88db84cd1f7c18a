//! Entra ID's error answers (`{"error", "error_description": "AADSTSnnnnn: …", "error_codes", "trace_id",
//! "correlation_id", …}`) and the messages an administrator can act on.
//!
//! Codes: <https://learn.microsoft.com/entra/identity-platform/reference-error-codes>; the answer's shape:
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1>.

use serde::Deserialize;

use crate::error::{Error, ErrorKind, ServiceAnswer, excerpt};
use crate::http::Response;

/// An Entra ID error answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct EntraError {
    /// The OAuth error (`invalid_grant`, `authorization_pending`, `interaction_required`, …).
    pub error: String,
    /// Entra's description, whose first line starts `AADSTSnnnnn:`.
    #[serde(default)]
    pub error_description: Option<String>,
    /// The AADSTS codes.
    #[serde(default)]
    pub error_codes: Vec<u64>,
    /// Entra's trace id.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// Entra's correlation id (the `client-request-id` the connector sent, when Entra echoes it).
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// A finer reason some errors carry (`consent_required`, `bad_token`, …).
    #[serde(default)]
    pub suberror: Option<String>,
}

/// Where a sign-in was going, for messages.
#[derive(Clone, Debug)]
pub struct SignInContext<'a> {
    /// The cloud's name for people, e.g. `global` or `gcc_high`.
    pub cloud: &'a str,
    /// The tenant part of the authority (`organizations` or a GUID).
    pub tenant: &'a str,
    /// The public client the sign-in uses.
    pub client_id: &'a str,
}

impl EntraError {
    /// Reads an Entra error answer; `None` when the body is not one.
    pub fn parse(response: &Response) -> Option<EntraError> {
        let error: EntraError = serde_json::from_slice(&response.body).ok()?;
        (!error.error.is_empty()).then_some(error)
    }

    /// The error a browser redirect brought back in its `error` and `error_description` parameters.
    pub fn from_redirect(error: &str, description: Option<&str>) -> EntraError {
        EntraError {
            error: error.to_owned(),
            error_description: description.map(str::to_owned),
            ..EntraError::default()
        }
    }

    /// The first AADSTS code: from `error_codes`, or else from the description's `AADSTSnnnnn:` prefix.
    pub fn code(&self) -> Option<u64> {
        self.error_codes.first().copied().or_else(|| {
            let description = self.error_description.as_deref()?;
            let digits: String = description
                .strip_prefix("AADSTS")?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    }

    /// The description's first line (Entra appends trace and correlation ids and a timestamp on later
    /// lines), at most 300 characters.
    pub fn summary(&self) -> String {
        let line = self
            .error_description
            .as_deref()
            .and_then(|d| d.lines().next())
            .unwrap_or(&self.error)
            .trim();
        excerpt(line, 300).into_owned()
    }

    /// What this answer says about the request, for `error.service`, added to `base` (the answer's own
    /// details, or those of a browser redirect that brought the error).
    pub fn details(&self, base: ServiceAnswer) -> ServiceAnswer {
        ServiceAnswer {
            error_code: Some(match self.code() {
                Some(code) => format!("AADSTS{code}"),
                None => self.error.clone(),
            }),
            trace_id: self.trace_id.clone().or(base.trace_id.clone()),
            correlation_id: self.correlation_id.clone().or(base.correlation_id.clone()),
            ..base
        }
    }
}

/// The error for a sign-in Entra ID refused: a message naming the cause and a hint naming the fix.
pub fn sign_in_refused(
    entra: &EntraError,
    base: ServiceAnswer,
    context: &SignInContext<'_>,
) -> Error {
    let code = entra.code();
    let tag = code.map_or_else(|| entra.error.clone(), |c| format!("AADSTS{c}"));
    let (kind, message, hint): (ErrorKind, String, String) = match (entra.error.as_str(), code) {
        (_, Some(50076)) => (
            ErrorKind::SignInFailed,
            format!("Your organization requires multi-factor authentication for this sign-in, and it was not completed ({tag})."),
            "Sign in again and complete the multi-factor prompt. If your policy does not allow it with a device \
             code, choose the browser sign-in."
                .to_owned(),
        ),
        (_, Some(50079)) => (
            ErrorKind::SignInFailed,
            format!("This account must register for multi-factor authentication before it can sign in ({tag})."),
            "Register at https://aka.ms/mfasetup, then sign in again.".to_owned(),
        ),
        (_, Some(53003)) => (
            ErrorKind::SignInFailed,
            format!("A Conditional Access policy of your organization blocked this sign-in ({tag})."),
            "Ask the administrator of your policies which one applied (the Entra sign-in logs find it by the \
             correlation id below). Policies often block device code sign-in: try the browser sign-in."
                .to_owned(),
        ),
        (_, Some(530003)) => (
            ErrorKind::SignInFailed,
            format!("Your organization allows this sign-in only from a managed, compliant device ({tag})."),
            "Sign in with the browser method on a device your organization manages.".to_owned(),
        ),
        (_, Some(50158)) => (
            ErrorKind::SignInFailed,
            format!("An external security challenge your organization requires was not completed ({tag})."),
            "Sign in again with the browser method and complete every prompt.".to_owned(),
        ),
        (_, Some(90094 | 90095)) => (
            ErrorKind::SignInFailed,
            format!(
                "An administrator must approve the permissions the connector asks for, and this account cannot \
                 grant them ({tag})."
            ),
            format!(
                "Sign in as a Global Administrator (or an Application Administrator who is also Privileged Role \
                 Administrator), or ask one to grant consent to the sign-in application {} first{}.",
                context.client_id,
                if code == Some(90095) {
                    "; your organization's admin consent workflow lets you request it"
                } else {
                    ""
                }
            ),
        ),
        (_, Some(65001)) => (
            ErrorKind::SignInFailed,
            format!(
                "The sign-in application {} has not been granted the permissions the connector needs, and \
                 consent could not be asked for ({tag}).",
                context.client_id
            ),
            "Sign in as an administrator who can grant consent, or have one grant it to the sign-in application \
             first."
                .to_owned(),
        ),
        (_, Some(65004)) | ("access_denied" | "authorization_declined", _) => (
            ErrorKind::SignInFailed,
            "The sign-in was declined: the account chose not to sign in or not to accept the permissions.".to_owned(),
            "Run Log in to Azure again and accept the prompt.".to_owned(),
        ),
        (_, Some(90002)) => (
            ErrorKind::SignInFailed,
            format!(
                "The tenant {} was not found in the {} cloud ({tag}).",
                context.tenant, context.cloud
            ),
            "Check the Tenant ID (Azure portal, Microsoft Entra ID, Overview) and the cloud setting: a GCC High, \
             DoD or China tenant is not found in the global cloud."
                .to_owned(),
        ),
        (_, Some(700016)) => (
            ErrorKind::SignInFailed,
            format!(
                "The sign-in application {} was not found in this tenant ({tag}).",
                context.client_id
            ),
            "Check the client_id setting (leave it empty for Microsoft Graph Command Line Tools), or register the \
             public client as docs describe."
                .to_owned(),
        ),
        (_, Some(50020)) => (
            ErrorKind::SignInFailed,
            format!("This account is not a member of the tenant it signed in to ({tag})."),
            "Sign in with an account of the tenant, or choose several directories and type the tenant's id."
                .to_owned(),
        ),
        (_, Some(50126)) => (
            ErrorKind::SignInFailed,
            format!("The user name or password is wrong ({tag})."),
            "Sign in again.".to_owned(),
        ),
        ("expired_token", _) => (
            ErrorKind::Timeout,
            "The sign-in code expired before the sign-in was completed.".to_owned(),
            "Run Log in to Azure again and finish the sign-in within the time shown.".to_owned(),
        ),
        ("invalid_grant", Some(70008 | 700082 | 50173 | 50132 | 700084)) => (
            ErrorKind::SignInRequired,
            format!("The sign-in has expired or was revoked ({tag})."),
            "Run Log in to Azure again.".to_owned(),
        ),
        _ => (
            ErrorKind::SignInFailed,
            format!("Microsoft Entra ID refused the sign-in: {}", entra.summary()),
            "Check the account and the settings, then run Log in to Azure again.".to_owned(),
        ),
    };
    Error::new(kind, message)
        .with_hint(hint)
        .with_service(entra.details(base))
}

#[cfg(test)]
mod tests {
    use super::EntraError;

    #[test]
    fn the_code_comes_from_error_codes_or_the_description() {
        let error: EntraError = serde_json::from_str(
            r#"{"error":"invalid_grant","error_description":"AADSTS50076: Due to a configuration change.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[50076],"trace_id":"t","correlation_id":"c"}"#,
        )
        .unwrap();
        assert_eq!(error.code(), Some(50076));
        assert_eq!(
            error.summary(),
            "AADSTS50076: Due to a configuration change."
        );
        let bare: EntraError = serde_json::from_str(
            r#"{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found."}"#,
        )
        .unwrap();
        assert_eq!(bare.code(), Some(90002));
        let none: EntraError =
            serde_json::from_str(r#"{"error":"authorization_pending"}"#).unwrap();
        assert_eq!(none.code(), None);
        assert_eq!(none.summary(), "authorization_pending");
    }
}
