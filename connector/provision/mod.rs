//! The `provision` operation, the console's "Create or update Azure application": the application
//! registration with its permissions, certificate and managed-by tag, its service principal, and the three
//! directory roles; idempotent by keys (the stored application id, else the connector's `uniqueName`),
//! adopting an existing application of the same name only when the host confirms, and writing nothing that
//! is already right. Plan mode (`plan_only`) reports the same items and writes nothing.
//!
//! Round trips, with no replication lag: a fresh run finds nothing (1), creates the application with its
//! certificate (2), its service principal (3) and the roles in one `$batch` (4); a re-run reads the
//! application and its service principal (1) and the roles (2) and writes nothing.

pub mod adoption;
pub mod application;
mod apply;
pub mod credential;
pub mod input;
pub mod item;
pub mod lag;
pub mod lookup;
pub mod permissions;
pub mod remove;
pub mod roles;
mod secret;
pub mod service_principal;
pub mod unique_name;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::call::Call;
use crate::certificate::{GenerateOptions, GeneratedCertificate, generate};
use crate::error::{Error, ErrorKind};
use crate::graph::Graph;
use crate::http::HttpClient;
use crate::http::retry::Patience;
use crate::network::SignedIn;
use crate::provision::application::{CONSENT_REDIRECT_URI, Desired};
use crate::provision::credential::{CertificateDecision, decide};
use crate::provision::input::ProvisionInput;
use crate::provision::item::Item;
use crate::provision::lookup::{look_up, unknown_resource};
use crate::provision::permissions::{required, resolve};
use crate::provision::unique_name::unique_name;
use crate::result::{Done, Report, Warning};
use crate::settings::Settings;
use crate::settings::parse_additional;

/// How many days before its end a held certificate is replaced, when the settings do not say.
pub const DEFAULT_RENEWAL_DAYS: i64 = 30;

/// Everything one run works with.
pub(crate) struct Run<'a> {
    pub call: &'a Call<'a>,
    pub graph: Graph<'a>,
    pub signed_in: &'a SignedIn,
    pub settings: &'a Settings,
    pub input: &'a ProvisionInput,
    pub desired: Desired,
    pub patience: Patience,
    pub items: Vec<Item>,
    pub done: Vec<Done>,
    pub warnings: Vec<Warning>,
    pub generated: Option<GeneratedCertificate>,
    pub secret: Option<Value>,
    /// The application (`object_id`, `app_id`, `display_name`, `unique_name`), once it exists.
    pub application: Option<Value>,
    /// The service principal (`object_id`), once it exists.
    pub service_principal: Option<Value>,
}

/// The settings' number, or a default.
fn number(settings: &Settings, field: &str, default: i64) -> i64 {
    settings
        .get(field)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// Runs provision for `settings` with the sign-in `signed_in`.
pub async fn provision(
    call: &Call<'_>,
    signed_in: &SignedIn,
    http: &HttpClient,
    settings: &Settings,
    input: &ProvisionInput,
) -> Report {
    let name = settings
        .text("application_name")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let additional = match parse_additional(settings.text("additional_permissions").unwrap_or("")) {
        Ok(additional) => additional,
        Err(message) => {
            return Report::failed(Error::invalid_settings(vec![
                crate::error::FieldError::new(
                    "additional_permissions",
                    "invalid_permission",
                    message,
                ),
            ]));
        }
    };
    let graph = signed_in.graph(http);
    let application_id = settings.text("application_id");
    let unique = unique_name(&name);
    let lookup = match look_up(call, &graph, application_id, &unique, &name, &additional).await {
        Ok(lookup) => lookup,
        Err(error) => return Report::failed(error),
    };
    let mut permissions = required();
    for (request, resource) in additional.iter().zip(&lookup.resources) {
        let Some(resource) = resource else {
            return Report::failed(unknown_resource(request));
        };
        match resolve(request, resource) {
            Ok(permission) if !permissions.contains(&permission) => permissions.push(permission),
            Ok(_) => {}
            Err(error) => return Report::failed(error),
        }
    }
    let desired = Desired {
        display_name: name,
        unique_name: unique,
        permissions,
        redirect_uri: (settings.text("admin_consent_method") == Some("browser"))
            .then_some(CONSENT_REDIRECT_URI),
    };
    let mut run = Run {
        call,
        graph,
        signed_in,
        settings,
        input,
        desired,
        patience: Patience::new(http.options()),
        items: Vec::new(),
        done: Vec::new(),
        warnings: Vec::new(),
        generated: None,
        secret: None,
        application: None,
        service_principal: None,
    };
    if lookup.stale_application_id {
        run.warnings.push(Warning {
            code: "application_not_found",
            message: format!(
                "The application {} stored with this connection no longer exists; the connector looked for it by \
                 its unique name and display name instead.",
                application_id.unwrap_or_default()
            ),
        });
    }
    let outcome = apply::run(&mut run, lookup).await;
    finish(run, outcome)
}

/// Records a write in the run's `done` list.
pub(crate) fn done(
    run: &mut Run<'_>,
    action: &'static str,
    object_id: Option<&str>,
    message: String,
) {
    run.done.push(Done {
        step: "provision",
        action,
        object_id: object_id.map(str::to_owned),
        message,
    });
}

/// The certificate decision for an application's keys (none for a new application).
pub(crate) fn certificate_decision(run: &Run<'_>, keys: &[Value]) -> CertificateDecision {
    decide(
        keys,
        run.settings.text("certificate_thumbprint"),
        number(
            run.settings,
            "certificate_renewal_days",
            DEFAULT_RENEWAL_DAYS,
        ),
        OffsetDateTime::now_utc(),
    )
}

/// Generates the new certificate (once per run). The RSA key is made on a blocking thread of the plugin's
/// runtime, so that a `cancel` ends the call at once instead of after the key (which is then dropped).
pub(crate) async fn new_certificate<'r>(
    run: &'r mut Run<'_>,
) -> Result<&'r GeneratedCertificate, Error> {
    if run.generated.is_none() {
        let lifetime = number(run.settings, "credential_lifetime_days", 365).clamp(1, 3650) as u32;
        let options = GenerateOptions::new(run.desired.display_name.clone(), lifetime);
        let making =
            tokio::task::spawn_blocking(move || generate(&options, OffsetDateTime::now_utc()));
        let made = tokio::select! {
            made = making => made,
            () = run.call.cancelled() => return Err(run.call.cancelled_error()),
        };
        let generated = made
            .map_err(|e| format!("{e}"))
            .and_then(|made| made.map_err(|e| format!("{e}")))
            .map_err(|e| {
                Error::new(
                    ErrorKind::Internal,
                    format!("The connector could not generate the certificate: {e}"),
                )
            })?;
        run.generated = Some(generated);
    }
    Ok(run.generated.as_ref().expect("generated above"))
}

/// What the host stores from now on: the settings with the tenant id (which "one directory" learned at
/// sign-in), the application id and the new certificate's thumbprint filled in, so that a connection test
/// needs nothing else.
fn settings_to_store(run: &Run<'_>) -> Map<String, Value> {
    let mut document = run.settings.to_document();
    document.insert("tenant_id".to_owned(), json!(run.signed_in.tenant_id));
    if let Some(app_id) = run.application.as_ref().and_then(|a| a["app_id"].as_str()) {
        document.insert("application_id".to_owned(), json!(app_id));
    }
    if let Some(generated) = &run.generated {
        document.insert(
            "certificate_thumbprint".to_owned(),
            json!(generated.details.thumbprint_sha1),
        );
    }
    document
}

/// The report of a run: `data` on success, or the error with what the host must keep.
fn finish(run: Run<'_>, outcome: Result<(), (Error, Option<Value>)>) -> Report {
    let credential = if run.input.plan_only {
        None
    } else {
        run.generated.as_ref().map(credential::hand_over)
    };
    let data = || {
        json!({
            "plan_only": run.input.plan_only,
            "application": run.application,
            "service_principal": run.service_principal,
            "items": run.items,
            "credential": credential,
            "secret": run.secret,
            "settings": settings_to_store(&run),
        })
    };
    let (result, failure_data) = match outcome {
        Ok(()) => (Ok(data()), None),
        Err((error, Some(candidates))) => (Err(error), Some(json!({ "candidates": candidates }))),
        Err((error, None)) if run.items.is_empty() && credential.is_none() => (Err(error), None),
        Err((error, None)) => (Err(error), Some(data())),
    };
    Report {
        result,
        done: run.done,
        failure_data,
        warnings: run.warnings,
    }
}
