//! The application's service principal, by the `servicePrincipals(appId='…')` upsert
//! (<https://learn.microsoft.com/graph/api/serviceprincipal-upsert>): safe to retry, so replication lag of
//! a just-created application (`NoBackingApplicationObject`) is waited out and the request sent again.

use reqwest::Method;
use serde_json::{Value, json};

use crate::call::Call;
use crate::error::Error;
use crate::event::WaitReason;
use crate::graph::odata::alternate_key;
use crate::graph::{Graph, GraphRequest};
use crate::http::retry::Patience;
use crate::provision::lag::{is_duplicate, is_replication_lag};

/// The tag the Azure portal gives the service principals it lists under Enterprise applications.
const INTEGRATED_APP_TAG: &str = "WindowsAzureActiveDirectoryIntegratedApp";

/// The service principal and whether this call created it.
pub struct Ensured {
    /// Its object id.
    pub id: String,
    /// Whether it was created now.
    pub created: bool,
}

/// Reads the service principal of `app_id`, if it exists.
pub async fn read(
    call: &Call<'_>,
    graph: &Graph<'_>,
    app_id: &str,
) -> Result<Option<Value>, Error> {
    let answer = graph
        .send(
            call,
            &GraphRequest::get(
                format!(
                    "/{}?$select=id,appId,displayName",
                    alternate_key("servicePrincipals", "appId", app_id)
                ),
                "read the application's service principal",
            ),
        )
        .await?;
    match answer.status {
        200 => Ok(Some(answer.body)),
        404 => Ok(None),
        _ => Err(answer.failure()),
    }
}

/// Creates the service principal of `app_id` (or finds it, when a retried upsert's first attempt landed).
pub async fn create(
    call: &Call<'_>,
    graph: &Graph<'_>,
    app_id: &str,
    patience: &mut Patience,
) -> Result<Ensured, Error> {
    let request = GraphRequest::new(
        Method::PATCH,
        format!("/{}", alternate_key("servicePrincipals", "appId", app_id)),
        "create the service principal",
    )
    .header("Prefer", "create-if-missing")
    .body(json!({ "tags": [INTEGRATED_APP_TAG] }));
    loop {
        let answer = graph.send(call, &request).await?;
        match answer.status {
            201 | 200 => {
                let id = answer.body["id"].as_str().unwrap_or_default().to_owned();
                return Ok(Ensured { id, created: true });
            }
            // It existed already (a retried request whose first attempt landed): read its id. A 409
            // duplicate says the same while the existing one has not replicated to the upsert's replica
            // yet (its first attempt's answer was lost): it is waited for, never created again.
            204 => return existing(call, graph, app_id, patience).await,
            _ if is_duplicate(&answer) => return existing(call, graph, app_id, patience).await,
            _ if is_replication_lag(&answer) => {
                patience
                    .wait(
                        call,
                        WaitReason::Replication,
                        "the new application to replicate before its service principal",
                    )
                    .await
                    .map_err(|e| e.with_service(answer.details.clone()))?;
            }
            _ => return Err(answer.failure()),
        }
    }
}

/// The service principal of `app_id` that exists already: read (waiting within `patience` while it is not
/// readable yet).
async fn existing(
    call: &Call<'_>,
    graph: &Graph<'_>,
    app_id: &str,
    patience: &mut Patience,
) -> Result<Ensured, Error> {
    loop {
        if let Some(sp) = read(call, graph, app_id).await? {
            let id = sp["id"].as_str().unwrap_or_default().to_owned();
            return Ok(Ensured { id, created: false });
        }
        patience
            .wait(
                call,
                WaitReason::Replication,
                "the new service principal to become readable",
            )
            .await?;
    }
}
