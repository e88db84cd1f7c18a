//! Browser admin consent, for organizations that require an administrator to consent on Entra ID's own
//! page: the connector listens on a loopback port, sends the admin consent URL (with the application's
//! registered `http://localhost` redirect) to the host in a `sign_in_prompt` event (method
//! `admin_consent`) and opens the system browser unless the host said it will, waits for the redirect
//! (its `state` checked), turns an `error` into a message naming what was declined, and reads the grants
//! back to confirm them.
//! <https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent#construct-the-url-for-granting-tenant-wide-admin-consent>

use crate::auth::authority::Authority;
use crate::auth::entra_error::EntraError;
use crate::auth::loopback::{Expect, Loopback};
use crate::auth::pkce::random_token;
use crate::call::Call;
use crate::consent::grant::{Grant, GrantOutcome};
use crate::consent::lookup::{ConsentLookup, look_up};
use crate::describe::PermissionType;
use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, LogLevel, SignInPrompt, WaitReason};
use crate::graph::Graph;
use crate::http::SignInOptions;
use crate::http::retry::Patience;
use crate::network::SignedIn;
use crate::provision::application::CONSENT_REDIRECT_URI;
use crate::provision::permissions::{PermissionRef, labels};
use crate::settings::AdditionalPermission;

/// Whether the application registers the loopback redirect admin consent returns to (any port: Entra
/// ignores the port of `http://localhost`).
fn has_loopback_redirect(lookup: &ConsentLookup) -> bool {
    lookup
        .application
        .as_ref()
        .and_then(|app| app["web"]["redirectUris"].as_array())
        .is_some_and(|uris| {
            uris.iter().filter_map(|u| u.as_str()).any(|uri| {
                uri == CONSENT_REDIRECT_URI
                    || uri
                        .strip_prefix(CONSENT_REDIRECT_URI)
                        .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('/'))
            })
        })
}

/// The error for the `error` a redirect brought back.
fn refusal(entra: &EntraError, name: &str, asked: &[PermissionRef]) -> Error {
    let code = entra.code();
    let tag = code.map_or_else(|| entra.error.clone(), |c| format!("AADSTS{c}"));
    let (message, hint) = match code {
        Some(90094 | 90095) => (
            format!(
                "The account that signed in on the admin consent page may not grant the permissions of \"{name}\" \
                 ({tag}); not granted: {}.",
                labels(asked)
            ),
            "Sign in on that page as a Global Administrator, a Privileged Role Administrator, or a (Cloud) \
             Application Administrator (Microsoft Graph application permissions need one of the first two).",
        ),
        Some(65004) => (
            format!(
                "The administrator declined admin consent for \"{name}\" ({tag}); not granted: {}.",
                labels(asked)
            ),
            "Run Consent again and accept the permissions on the admin consent page, or ask an administrator who \
             may grant them.",
        ),
        _ if matches!(entra.error.as_str(), "access_denied" | "permission_denied") => (
            format!(
                "The administrator declined admin consent for \"{name}\" ({tag}); not granted: {}.",
                labels(asked)
            ),
            "Run Consent again and accept the permissions on the admin consent page, or ask an administrator who \
             may grant them.",
        ),
        _ => (
            format!(
                "Entra ID did not grant admin consent for \"{name}\": {}; not granted: {}.",
                entra.summary(),
                labels(asked)
            ),
            "Run Consent again; if it keeps failing, grant consent in the Azure portal (Enterprise applications, \
             Permissions).",
        ),
    };
    Error::new(ErrorKind::PermissionDenied, message).with_hint(hint)
}

/// Asks for admin consent in the browser, then reads the grants back until they are all there (within
/// `patience`). `before` is what the lookups found first.
#[allow(clippy::too_many_arguments)]
pub async fn admin_consent(
    call: &Call<'_>,
    graph: &Graph<'_>,
    signed_in: &SignedIn,
    before: &ConsentLookup,
    permissions: &[PermissionRef],
    additional: &[AdditionalPermission],
    options: &SignInOptions,
    patience: &mut Patience,
) -> Result<Vec<Grant>, Error> {
    let app_id = before.client["appId"].as_str().unwrap_or_default();
    let name = before.client["displayName"]
        .as_str()
        .unwrap_or(app_id)
        .to_owned();
    let missing: Vec<PermissionRef> = permissions
        .iter()
        .filter(|p| !before.is_granted(p))
        .cloned()
        .collect();
    if !missing.is_empty() && !has_loopback_redirect(before) {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!(
                "The application \"{name}\" has no {CONSENT_REDIRECT_URI} redirect URI, which browser admin consent \
                 returns to."
            ),
        )
        .with_hint("Run Create or update Azure application with Admin consent set to browser: it registers the redirect URI."));
    }
    if !missing.is_empty() {
        ask_in_browser(call, signed_in, app_id, &name, &missing, options).await?;
    }
    let after = loop {
        let (after, _) = look_up(call, graph, app_id, additional, false, patience).await?;
        let still: Vec<PermissionRef> = missing
            .iter()
            .filter(|p| !after.is_granted(p))
            .cloned()
            .collect();
        if still.is_empty() {
            break after;
        }
        if let Err(error) = patience
            .wait(
                call,
                WaitReason::Replication,
                "the consent given in the browser to become readable",
            )
            .await
        {
            return Err(match error.kind() {
                ErrorKind::Timeout => Error::new(
                    ErrorKind::PermissionDenied,
                    format!(
                        "Entra ID reported admin consent for \"{name}\", but these permissions are not granted: {}.",
                        labels(&still)
                    ),
                )
                .with_hint("Run Consent again; the directory may still be catching up."),
                _ => error,
            });
        }
    };
    Ok(permissions
        .iter()
        .map(|permission| {
            let resource = after
                .resource_object_id(&permission.resource_app_id)
                .unwrap_or_default();
            let (object, existed) = match permission.kind {
                PermissionType::Application => (after.assignment(permission), false),
                PermissionType::Delegated => (
                    after.organization_grant(&permission.resource_app_id),
                    before
                        .organization_grant(&permission.resource_app_id)
                        .is_some(),
                ),
            };
            let id = object.and_then(|o| o["id"].as_str()).map(str::to_owned);
            let outcome = if !missing.contains(permission) {
                GrantOutcome::AlreadyGranted
            } else if existed {
                GrantOutcome::Widened
            } else {
                GrantOutcome::Granted
            };
            Grant::new(permission, resource, outcome, id)
        })
        .collect())
}

/// Shows the admin consent URL, waits for the browser to come back, and maps an `error` it brings.
async fn ask_in_browser(
    call: &Call<'_>,
    signed_in: &SignedIn,
    app_id: &str,
    name: &str,
    missing: &[PermissionRef],
    options: &SignInOptions,
) -> Result<(), Error> {
    let loopback = Loopback::bind().await?;
    let state = random_token(24)?;
    let authority = Authority::new(
        &signed_in.target.endpoints.authority_host,
        &signed_in.tenant_id,
    );
    let mut url = url::Url::parse(&authority.admin_consent_endpoint()).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            "The admin consent URL could not be formed from the authority.",
        )
    })?;
    url.query_pairs_mut()
        .append_pair("client_id", app_id)
        .append_pair("redirect_uri", &loopback.redirect_uri())
        .append_pair("state", &state);
    let url = url.to_string();
    call.emit(EventBody::SignInPrompt(SignInPrompt::AdminConsent {
        url: url.clone(),
        message: format!(
            "Grant admin consent to \"{name}\" in the browser: sign in as an administrator, review the permissions \
             ({}) and accept. The connector continues when you are done.",
            labels(missing)
        ),
    }));
    if options.open_browser && webbrowser::open(&url).is_err() {
        call.emit(EventBody::Log {
            level: LogLevel::Warn,
            message: "The system browser could not be opened; open the admin consent URL from the prompt.".to_owned(),
        });
    }
    let redirect = loopback
        .wait(call, &state, Expect::AdminConsent, options.timeout())
        .await?;
    if let Some(error) = redirect.get("error") {
        let entra = EntraError::from_redirect(error, redirect.get("error_description"));
        return Err(refusal(&entra, name, missing));
    }
    if !redirect
        .get("admin_consent")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            format!("The admin consent page came back without granting consent for \"{name}\"."),
        )
        .with_hint("Run Consent again and accept the permissions."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::refusal;
    use crate::auth::entra_error::EntraError;
    use crate::error::ErrorKind;
    use crate::provision::permissions::required;

    #[test]
    fn a_declined_consent_names_what_was_not_granted() {
        let entra = EntraError {
            error: "access_denied".to_owned(),
            error_description: Some(
                "AADSTS65004: User declined to consent to access the app.".to_owned(),
            ),
            ..EntraError::default()
        };
        let error = refusal(&entra, "Contoso Sync", &required());
        assert_eq!(error.kind(), &ErrorKind::PermissionDenied);
        assert_eq!(
            error.message(),
            "The administrator declined admin consent for \"Contoso Sync\" (AADSTS65004); not granted: Microsoft \
             Graph User.Read (delegated), Office 365 Exchange Online Exchange.ManageAsApp (application)."
        );
    }
}
