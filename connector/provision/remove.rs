//! The `remove` operation: deletes the application a connection uses — its service principal, role
//! assignments, app role assignments and delegated grants go with it — only when the host confirmed it
//! by id (`confirm_application_id`) and only when the application carries the connector's managed-by tag.
//! An application already gone is reported as such.
//! <https://learn.microsoft.com/graph/api/application-delete>

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::graph::odata::{alternate_key, quote, with_query};
use crate::graph::{GraphAnswer, GraphRequest};
use crate::http::HttpClient;
use crate::network::SignedIn;
use crate::provision::application::{APPLICATION_SELECT, is_managed};
use crate::provision::unique_name::unique_name;
use crate::result::Done;
use crate::settings::Settings;

/// What remove did.
#[derive(Debug)]
pub struct Removal {
    /// `data`, or the error (with `data` to show for a confirmation).
    pub result: Result<Value, (Error, Option<Value>)>,
    /// What was done.
    pub done: Vec<Done>,
}

fn confirmation_of(document: &Map<String, Value>) -> Result<Option<String>, Error> {
    match document.get("confirm_application_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => match crate::settings::parse_guid(text) {
            Some(guid) => Ok(Some(guid)),
            None => Err(Error::invalid_settings(vec![
                crate::error::FieldError::new(
                    "confirm_application_id",
                    "invalid_guid",
                    "confirm_application_id must be the application (client) id to remove.",
                ),
            ])),
        },
        Some(_) => Err(Error::invalid_settings(vec![
            crate::error::FieldError::new(
                "confirm_application_id",
                "wrong_type",
                "confirm_application_id must be a GUID in a string.",
            ),
        ])),
    }
}

fn count(answer: &GraphAnswer) -> Option<usize> {
    answer.is_success().then(|| answer.values().len())
}

/// Removes the connection's application.
pub async fn remove(
    call: &Call<'_>,
    signed_in: &SignedIn,
    http: &HttpClient,
    settings: &Settings,
    document: &Map<String, Value>,
) -> Removal {
    let mut done = Vec::new();
    let result = run(call, signed_in, http, settings, document, &mut done).await;
    Removal { result, done }
}

async fn run(
    call: &Call<'_>,
    signed_in: &SignedIn,
    http: &HttpClient,
    settings: &Settings,
    document: &Map<String, Value>,
    done: &mut Vec<Done>,
) -> Result<Value, (Error, Option<Value>)> {
    let plain = |e: Error| (e, None);
    let confirmation = confirmation_of(document).map_err(plain)?;
    let graph = signed_in.graph(http);
    let key = match settings.text("application_id") {
        Some(app_id) => alternate_key("applications", "appId", app_id),
        None => alternate_key(
            "applications",
            "uniqueName",
            &unique_name(settings.text("application_name").unwrap_or_default().trim()),
        ),
    };
    let answer = graph
        .send(
            call,
            &GraphRequest::get(
                with_query(&format!("/{key}"), &[("$select", APPLICATION_SELECT)]),
                "find the application to remove",
            ),
        )
        .await
        .map_err(plain)?;
    if answer.status == 404 {
        return Ok(json!({ "application": null, "already_gone": true, "removed": [] }));
    }
    let app = answer.into_result().map_err(plain)?;
    let app_id = app["appId"].as_str().unwrap_or_default().to_owned();
    let object_id = app["id"].as_str().unwrap_or_default().to_owned();
    let summary =
        json!({"object_id": object_id, "app_id": app_id, "display_name": app["displayName"]});
    if !is_managed(&app) {
        return Err((
            Error::new(
                ErrorKind::PermissionDenied,
                format!(
                    "The application \"{}\" ({app_id}) was not created or adopted by the connector (it lacks the \
                     managed-by tag), so the connector does not remove it.",
                    app["displayName"].as_str().unwrap_or_default()
                ),
            )
            .with_hint("Remove it in the Azure portal if it should go."),
            Some(json!({ "application": summary })),
        ));
    }
    if confirmation.as_deref() != Some(app_id.as_str()) {
        return Err((
            Error::new(
                ErrorKind::ConfirmationRequired,
                format!(
                    "Removing the application \"{}\" ({app_id}) deletes it with its service principal, roles and \
                     consents. Nothing was removed.",
                    app["displayName"].as_str().unwrap_or_default()
                ),
            )
            .with_hint("Confirm by calling remove again with confirm_application_id set to the application's app_id."),
            Some(json!({ "application": summary })),
        ));
    }
    // What goes with it, for the report: one round trip.
    let sp = graph
        .send(
            call,
            &GraphRequest::get(
                format!(
                    "/{}?$select=id",
                    alternate_key("servicePrincipals", "appId", &app_id)
                ),
                "read the service principal",
            ),
        )
        .await
        .map_err(plain)?;
    let mut with = json!({ "service_principal": null });
    if sp.status == 200 {
        let sp_id = sp.body["id"].as_str().unwrap_or_default().to_owned();
        let answers = graph
            .batch(
                call,
                &[
                    GraphRequest::get(
                        with_query(
                            "/roleManagement/directory/roleAssignments",
                            &[("$filter", &format!("principalId eq {}", quote(&sp_id)))],
                        ),
                        "read the service principal's directory roles",
                    ),
                    GraphRequest::get(
                        format!("/servicePrincipals/{sp_id}/appRoleAssignments"),
                        "read the service principal's app role assignments",
                    ),
                    GraphRequest::get(
                        with_query(
                            "/oauth2PermissionGrants",
                            &[("$filter", &format!("clientId eq {}", quote(&sp_id)))],
                        ),
                        "read the application's delegated grants",
                    ),
                ],
            )
            .await
            .map_err(plain)?;
        with = json!({
            "service_principal": sp_id,
            "role_assignments": count(&answers[0]),
            "app_role_assignments": count(&answers[1]),
            "delegated_grants": count(&answers[2]),
        });
    }
    let answer = graph
        .send(
            call,
            &GraphRequest::new(
                Method::DELETE,
                format!("/applications/{object_id}"),
                "delete the application",
            ),
        )
        .await
        .map_err(plain)?;
    if answer.status == 404 {
        return Ok(json!({ "application": summary, "already_gone": true, "removed": [] }));
    }
    if !answer.is_success() {
        return Err(plain(answer.failure()));
    }
    done.push(Done {
        step: "remove",
        action: "application_deleted",
        object_id: Some(object_id),
        message: "Deleted the application with its service principal, roles and consents."
            .to_owned(),
    });
    Ok(json!({ "application": summary, "already_gone": false, "removed": with }))
}
