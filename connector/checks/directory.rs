//! What the signed-in administrator's delegated reads find about the application, for the checks that
//! need an administrator: the application and its certificates, its service principal, its app role
//! assignments and delegated grants (one `$batch`, addressed by the application id), then the service
//! principal's directory roles (one request, once its object id is known).

use serde_json::Value;

use crate::call::Call;
use crate::describe::MICROSOFT_GRAPH;
use crate::error::Error;
use crate::graph::odata::{alternate_key, with_query};
use crate::graph::{Graph, GraphAnswer, GraphRequest};
use crate::provision::roles::list_request;

/// What an administrator's reads found, or why there is nothing to read.
#[derive(Debug)]
pub enum AdminView {
    /// No administrator is signed in for these settings: why.
    NotSignedIn(String),
    /// The settings name no application to read.
    NoApplication,
    /// A read failed.
    Failed(Error),
    /// What the reads found.
    Read(Facts),
}

/// The application as the directory has it.
#[derive(Debug, Default)]
pub struct Facts {
    /// The application (`id`, `appId`, `displayName`, `keyCredentials`), when it exists.
    pub application: Option<Value>,
    /// Its service principal (`id`), when it exists.
    pub service_principal: Option<Value>,
    /// The app roles granted to the service principal.
    pub app_role_assignments: Vec<Value>,
    /// The delegated grants whose client is the service principal.
    pub grants: Vec<Value>,
    /// Microsoft Graph's service principal object id.
    pub graph_service_principal: Option<String>,
    /// The service principal's directory role assignments (`roleDefinitionId`, `directoryScopeId`), once
    /// read.
    pub role_assignments: Option<Result<Vec<Value>, Error>>,
}

impl Facts {
    /// The service principal's object id.
    pub fn service_principal_id(&self) -> Option<&str> {
        self.service_principal.as_ref()?["id"].as_str()
    }

    /// The template ids of the directory-wide roles assigned to the service principal, once read.
    pub fn role_template_ids(&self) -> Option<Vec<String>> {
        let assignments = self.role_assignments.as_ref()?.as_ref().ok()?;
        Some(
            assignments
                .iter()
                .filter(|a| a["directoryScopeId"].as_str().unwrap_or("/") == "/")
                .filter_map(|a| a["roleDefinitionId"].as_str())
                .map(str::to_ascii_lowercase)
                .collect(),
        )
    }

    /// Whether the app role `app_role_id` is granted to the service principal.
    pub fn has_app_role(&self, app_role_id: &str) -> bool {
        self.app_role_assignments.iter().any(|a| {
            a["appRoleId"]
                .as_str()
                .is_some_and(|id| id.eq_ignore_ascii_case(app_role_id))
        })
    }
}

/// An entity answer: `Some` on success, `None` on 404, else the failure.
fn entity(answer: &GraphAnswer) -> Result<Option<Value>, Error> {
    match answer.status {
        200 => Ok(Some(answer.body.clone())),
        404 => Ok(None),
        _ => Err(answer.failure()),
    }
}

/// A list answer's values: empty on 404 (the service principal it hangs off does not exist).
fn list(answer: &GraphAnswer) -> Result<Vec<Value>, Error> {
    match answer.status {
        200 => Ok(answer.values().to_vec()),
        404 => Ok(Vec::new()),
        _ => Err(answer.failure()),
    }
}

/// Reads the application `app_id` and what hangs off its service principal, in one round trip.
pub async fn read(call: &Call<'_>, graph: &Graph<'_>, app_id: &str) -> Result<Facts, Error> {
    let application = format!("/{}", alternate_key("applications", "appId", app_id));
    let principal = format!("/{}", alternate_key("servicePrincipals", "appId", app_id));
    let requests = [
        GraphRequest::get(
            with_query(
                &application,
                &[("$select", "id,appId,displayName,keyCredentials")],
            ),
            "read the application",
        ),
        GraphRequest::get(
            with_query(&principal, &[("$select", "id,appId,displayName")]),
            "read the application's service principal",
        ),
        GraphRequest::get(
            format!("{principal}/appRoleAssignments"),
            "read the application permissions granted to the application",
        ),
        GraphRequest::get(
            format!("{principal}/oauth2PermissionGrants"),
            "read the delegated permissions granted to the application",
        ),
        GraphRequest::get(
            with_query(
                &format!(
                    "/{}",
                    alternate_key("servicePrincipals", "appId", MICROSOFT_GRAPH.app_id)
                ),
                &[("$select", "id")],
            ),
            "read Microsoft Graph's service principal",
        ),
    ];
    let answers = graph.batch(call, &requests).await?;
    Ok(Facts {
        application: entity(&answers[0])?,
        service_principal: entity(&answers[1])?,
        app_role_assignments: list(&answers[2])?,
        grants: list(&answers[3])?,
        graph_service_principal: entity(&answers[4])?
            .and_then(|sp| sp["id"].as_str().map(str::to_owned)),
        role_assignments: None,
    })
}

/// Reads the directory roles assigned to the service principal `sp_id`.
pub async fn read_roles(
    call: &Call<'_>,
    graph: &Graph<'_>,
    sp_id: &str,
) -> Result<Vec<Value>, Error> {
    let answer = graph.send(call, &list_request(sp_id)).await?;
    if answer.is_success() {
        Ok(answer.values().to_vec())
    } else {
        Err(answer.failure())
    }
}
