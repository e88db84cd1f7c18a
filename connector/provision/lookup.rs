//! Finding the application by key, in one `$batch`: the application id the host stored (with its service
//! principal), else the connector's `uniqueName` and, for adoption, applications with the exact display
//! name; and the service principals of the resources whose additional permissions the settings ask for.

use serde_json::Value;

use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::graph::odata::{alternate_key, quote, with_query};
use crate::graph::{Graph, GraphAnswer, GraphRequest};
use crate::provision::application::APPLICATION_SELECT;
use crate::provision::permissions::known_app_id;
use crate::settings::AdditionalPermission;

/// How the application was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoundBy {
    /// By the application id stored with the connection.
    ApplicationId,
    /// By the connector's `uniqueName`.
    UniqueName,
}

/// What the lookups found.
#[derive(Debug, Default)]
pub struct Lookup {
    /// The application, found by key.
    pub application: Option<(Value, FoundBy)>,
    /// Its service principal, when the lookup could ask for it (the application id was known).
    pub service_principal: Option<Value>,
    /// Whether the service principal was looked up (and so `None` above means it does not exist).
    pub service_principal_checked: bool,
    /// Applications with the exact display name (read only when no key found one).
    pub same_name: Vec<Value>,
    /// The stored application id named no application.
    pub stale_application_id: bool,
    /// The service principal of each additional permission's resource, in the order asked.
    pub resources: Vec<Option<Value>>,
}

const SP_SELECT: &str = "id,appId,displayName";
/// The properties of a resource's service principal that resolve its permissions.
pub const RESOURCE_SELECT: &str = "id,appId,displayName,appRoles,oauth2PermissionScopes";

/// The request for a resource's service principal.
pub fn resource_request(request: &AdditionalPermission) -> GraphRequest {
    match known_app_id(request) {
        Some(app_id) => GraphRequest::get(
            with_query(
                &format!("/{}", alternate_key("servicePrincipals", "appId", &app_id)),
                &[("$select", RESOURCE_SELECT)],
            ),
            format!("read the permissions of {}", request.resource),
        ),
        None => GraphRequest::get(
            with_query(
                "/servicePrincipals",
                &[
                    (
                        "$filter",
                        &format!("displayName eq {}", quote(&request.resource)),
                    ),
                    ("$select", RESOURCE_SELECT),
                ],
            ),
            format!("find the resource {}", request.resource),
        ),
    }
}

/// The one resource service principal an answer holds (an entity, or a list of exactly one).
pub fn resource_of(answer: &GraphAnswer) -> Result<Option<Value>, Error> {
    if answer.status == 404 {
        return Ok(None);
    }
    if !answer.is_success() {
        return Err(answer.failure());
    }
    if answer.body.get("value").is_some() {
        return Ok(match answer.values() {
            [one] => Some(one.clone()),
            _ => None,
        });
    }
    Ok(Some(answer.body.clone()))
}

/// An entity answer: `Some` on 200, `None` on 404, else the failure.
fn entity(answer: &GraphAnswer) -> Result<Option<Value>, Error> {
    match answer.status {
        200 => Ok(Some(answer.body.clone())),
        404 => Ok(None),
        _ => Err(answer.failure()),
    }
}

/// Runs the lookups: one round trip, two when the stored application id turned out stale.
pub async fn look_up(
    call: &Call<'_>,
    graph: &Graph<'_>,
    application_id: Option<&str>,
    unique_name: &str,
    display_name: &str,
    additional: &[AdditionalPermission],
) -> Result<Lookup, Error> {
    let mut lookup = Lookup::default();
    if let Some(app_id) = application_id {
        let mut requests = vec![
            GraphRequest::get(
                with_query(
                    &format!("/{}", alternate_key("applications", "appId", app_id)),
                    &[("$select", APPLICATION_SELECT)],
                ),
                "read the application stored with this connection",
            ),
            GraphRequest::get(
                with_query(
                    &format!("/{}", alternate_key("servicePrincipals", "appId", app_id)),
                    &[("$select", SP_SELECT)],
                ),
                "read the application's service principal",
            ),
        ];
        requests.extend(additional.iter().map(resource_request));
        let answers = graph.batch(call, &requests).await?;
        lookup.resources = answers[2..]
            .iter()
            .map(resource_of)
            .collect::<Result<_, _>>()?;
        match entity(&answers[0])? {
            Some(app) => {
                lookup.application = Some((app, FoundBy::ApplicationId));
                lookup.service_principal = entity(&answers[1])?;
                lookup.service_principal_checked = true;
                return Ok(lookup);
            }
            None => lookup.stale_application_id = true,
        }
    }
    let mut requests = vec![
        GraphRequest::get(
            with_query(
                &format!(
                    "/{}",
                    alternate_key("applications", "uniqueName", unique_name)
                ),
                &[("$select", APPLICATION_SELECT)],
            ),
            "find the application by the connector's unique name",
        ),
        GraphRequest::get(
            with_query(
                "/applications",
                &[
                    (
                        "$filter",
                        &format!("displayName eq {}", quote(display_name)),
                    ),
                    ("$select", APPLICATION_SELECT),
                ],
            ),
            "find applications with this display name",
        ),
    ];
    if lookup.resources.is_empty() {
        requests.extend(additional.iter().map(resource_request));
    }
    let answers = graph.batch(call, &requests).await?;
    if lookup.resources.is_empty() {
        lookup.resources = answers[2..]
            .iter()
            .map(resource_of)
            .collect::<Result<_, _>>()?;
    }
    if let Some(app) = entity(&answers[0])? {
        lookup.application = Some((app, FoundBy::UniqueName));
        return Ok(lookup);
    }
    if !answers[1].is_success() {
        return Err(answers[1].failure());
    }
    lookup.same_name = answers[1]
        .values()
        .iter()
        .filter(|app| app["displayName"].as_str() == Some(display_name))
        .cloned()
        .collect();
    Ok(lookup)
}

/// The error when a resource of an additional permission does not exist in the tenant.
pub fn unknown_resource(request: &AdditionalPermission) -> Error {
    let message = format!(
        "The resource \"{}\" of an additional permission has no service principal in this tenant.",
        request.resource
    );
    Error::new(
        ErrorKind::InvalidSettings(vec![crate::error::FieldError::new(
            "additional_permissions",
            "unknown_resource",
            message.clone(),
        )]),
        message,
    )
    .with_hint(
        "Name the resource by its exact display name or application id in additional_permissions.",
    )
}
