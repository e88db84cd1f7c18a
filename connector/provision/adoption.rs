//! Adoption: an existing application with the connection's exact display name, which the connector did
//! not create, is offered to the host with what an administrator needs to decide (ids, owners,
//! credentials — thumbprints and end dates, never secrets — and permissions). It is taken over only when the
//! host calls again with `adopt_application_id` set to its id. Several such applications are a conflict.

use serde_json::{Value, json};

use crate::call::Call;
use crate::describe::{EXCHANGE_ONLINE, MICROSOFT_GRAPH};
use crate::error::{Error, ErrorKind};
use crate::graph::{Graph, GraphRequest};
use crate::provision::credential::key_thumbprint;

/// The name of a resource application, when the connector knows it.
fn resource_name(app_id: &str) -> Option<&'static str> {
    [MICROSOFT_GRAPH, EXCHANGE_ONLINE]
        .iter()
        .find(|r| r.app_id.eq_ignore_ascii_case(app_id))
        .map(|r| r.name)
}

/// What the host shows about one candidate.
pub fn describe(app: &Value, owners: &[Value]) -> Value {
    let certificates: Vec<Value> = app["keyCredentials"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|k| {
            json!({
                "key_id": k["keyId"],
                "thumbprint": key_thumbprint(k),
                "display_name": k["displayName"],
                "not_after": k["endDateTime"],
            })
        })
        .collect();
    let secrets: Vec<Value> = app["passwordCredentials"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|p| {
            json!({
                "key_id": p["keyId"],
                "display_name": p["displayName"],
                "hint": p["hint"],
                "not_after": p["endDateTime"],
            })
        })
        .collect();
    let permissions: Vec<Value> = app["requiredResourceAccess"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .flat_map(|resource| {
            let app_id = resource["resourceAppId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            resource["resourceAccess"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |access| {
                    json!({
                        "resource_app_id": app_id,
                        "resource": resource_name(&app_id),
                        "id": access["id"],
                        "type": if access["type"] == "Role" { "application" } else { "delegated" },
                    })
                })
        })
        .collect();
    let owners: Vec<Value> = owners
        .iter()
        .map(|o| {
            json!({
                "id": o["id"],
                "display_name": o["displayName"],
                "user_principal_name": o["userPrincipalName"],
            })
        })
        .collect();
    json!({
        "object_id": app["id"],
        "app_id": app["appId"],
        "display_name": app["displayName"],
        "created": app["createdDateTime"],
        "owners": owners,
        "certificates": certificates,
        "secrets": secrets,
        "permissions": permissions,
    })
}

/// Reads the owners of the candidates (one round trip) and describes each.
pub async fn candidates(
    call: &Call<'_>,
    graph: &Graph<'_>,
    apps: &[Value],
) -> Result<Vec<Value>, Error> {
    let requests: Vec<GraphRequest> = apps
        .iter()
        .map(|app| {
            GraphRequest::get(
                format!(
                    "/applications/{}/owners?$select=id,displayName,userPrincipalName",
                    app["id"].as_str().unwrap_or_default()
                ),
                "read the owners of an application with this name",
            )
        })
        .collect();
    let answers = graph.batch(call, &requests).await?;
    Ok(apps
        .iter()
        .zip(&answers)
        .map(|(app, answer)| {
            let owners = if answer.is_success() {
                answer.values().to_vec()
            } else {
                Vec::new()
            };
            describe(app, &owners)
        })
        .collect())
}

/// `CONFIRMATION_REQUIRED`: one application has the name; the host must confirm adopting it.
pub fn confirmation_required(name: &str, candidate: &Value) -> Error {
    Error::new(
        ErrorKind::ConfirmationRequired,
        format!(
            "An application named \"{name}\" already exists ({}), and the connector did not create it. Nothing \
             was changed.",
            candidate["app_id"].as_str().unwrap_or_default()
        ),
    )
    .with_hint(
        "Check its owners, credentials and permissions (in data.candidates). To let the connector take it over \
         (keeping what it has), run provision again with adopt_application_id set to its app_id; or choose \
         another application name.",
    )
}

/// `CONFLICT`: several applications have the name.
pub fn conflict(name: &str, candidates: &[Value]) -> Error {
    let ids: Vec<&str> = candidates
        .iter()
        .filter_map(|c| c["app_id"].as_str())
        .collect();
    Error::new(
        ErrorKind::Conflict,
        format!(
            "{} applications are named \"{name}\" ({}); the connector cannot tell which one to use. Nothing was \
             changed.",
            candidates.len(),
            ids.join(", ")
        ),
    )
    .with_hint(
        "Choose another application name, remove the duplicates, or run provision again with \
         adopt_application_id set to the app_id of the one to use.",
    )
}
