//! The `consent` operation, the console's "Consent" (the Azure Tenant Consent dialog, Accept): admin
//! consent to the application's permissions for the whole organization, after the host showed the list
//! (`describe`'s `requests.permissions`, and the additional permissions of the settings) and the
//! administrator accepted.
//!
//! - **programmatic** (the `admin_consent_method` setting's default): an app role assignment for
//!   `Exchange.ManageAsApp` on Office 365 Exchange Online's service principal and an `AllPrincipals`
//!   delegated grant for Microsoft Graph's `User.Read`, an existing grant widened, never duplicated
//!   ([`programmatic`]);
//! - **browser**: Entra ID's admin consent page, for organizations that require it ([`browser`]).
//!
//! Either way the additional permissions of the settings are granted too. Round trips, with no replication
//! lag: the lookups in one `$batch` (1) and the writes in one (2); a second run reads (1) and writes
//! nothing. Browser consent reads (1), waits for the browser, and reads the grants back (2).

pub mod browser;
pub mod grant;
pub mod lookup;
pub mod programmatic;

use serde_json::{Value, json};

use crate::call::Call;
use crate::consent::grant::Grant;
use crate::consent::lookup::look_up;
use crate::error::{Error, ErrorKind, FieldError};
use crate::http::retry::Patience;
use crate::http::{HttpClient, SignInOptions};
use crate::network::SignedIn;
use crate::result::Report;
use crate::settings::Settings;
use crate::settings::parse_additional;

/// The `data` of a result: the method, the application and each permission.
fn data(method: &str, client: &Value, grants: &[Grant]) -> Value {
    json!({
        "method": method,
        "application": {
            "app_id": client["appId"],
            "service_principal_id": client["id"],
            "display_name": client["displayName"],
        },
        "permissions": grants.iter().map(Grant::to_json).collect::<Vec<_>>(),
    })
}

/// Runs consent for `settings` with the sign-in `signed_in`.
pub async fn consent(
    call: &Call<'_>,
    signed_in: &SignedIn,
    http: &HttpClient,
    settings: &Settings,
    sign_in_options: &SignInOptions,
) -> Report {
    let Some(app_id) = settings.text("application_id") else {
        return Report::failed(
            Error::new(
                ErrorKind::NotFound,
                "The settings name no application (Application ID), so there is nothing to grant consent to.",
            )
            .with_hint(
                "Run Create or update Azure application first and store the settings it returns (they hold the \
                 application id).",
            ),
        );
    };
    let additional = match parse_additional(settings.text("additional_permissions").unwrap_or("")) {
        Ok(additional) => additional,
        Err(message) => {
            return Report::failed(Error::invalid_settings(vec![FieldError::new(
                "additional_permissions",
                "invalid_permission",
                message,
            )]));
        }
    };
    let browser = settings.text("admin_consent_method") == Some("browser");
    let graph = signed_in.graph(http);
    let mut patience = Patience::new(http.options());
    let (lookup, permissions) =
        match look_up(call, &graph, app_id, &additional, browser, &mut patience).await {
            Ok(found) => found,
            Err(error) => return Report::failed(error),
        };
    if browser {
        return match browser::admin_consent(
            call,
            &graph,
            signed_in,
            &lookup,
            &permissions,
            &additional,
            sign_in_options,
            &mut patience,
        )
        .await
        {
            Ok(grants) => Report::success(data("browser", &lookup.client, &grants), Vec::new()),
            Err(error) => Report::failed(error),
        };
    }
    let account = &signed_in.account;
    let granted =
        programmatic::grant(call, &graph, account, &lookup, &permissions, &mut patience).await;
    let document = data("programmatic", &lookup.client, &granted.grants);
    match granted.error {
        None => Report::success(document, granted.done),
        Some(error) => Report {
            failure_data: Some(document),
            done: granted.done,
            ..Report::failed(error)
        },
    }
}
