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
use crate::result::Done;
use crate::settings::Settings;
use crate::settings::parse_additional;

/// What consent did, including on failure.
#[derive(Debug)]
pub struct Report {
    /// `data` on success, or the error.
    pub result: Result<Value, Error>,
    /// What was written before the call ended.
    pub done: Vec<Done>,
    /// `data` of a failure: the permissions and what happened to each, when the lookups got that far.
    pub failure_data: Option<Value>,
}

impl Report {
    fn failed(error: Error) -> Report {
        Report {
            result: Err(error),
            done: Vec::new(),
            failure_data: None,
        }
    }
}

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
            Ok(grants) => Report {
                result: Ok(data("browser", &lookup.client, &grants)),
                done: Vec::new(),
                failure_data: None,
            },
            Err(error) => Report::failed(error),
        };
    }
    let account = &signed_in.account;
    let granted =
        programmatic::grant(call, &graph, account, &lookup, &permissions, &mut patience).await;
    let document = data("programmatic", &lookup.client, &granted.grants);
    match granted.error {
        None => Report {
            result: Ok(document),
            done: granted.done,
            failure_data: None,
        },
        Some(error) => Report {
            result: Err(error),
            done: granted.done,
            failure_data: Some(document),
        },
    }
}
