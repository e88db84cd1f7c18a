//! App role assignments (application permissions granted) seen from either side: the resource's
//! `appRoleAssignedTo` and the principal's `appRoleAssignments` — list, grant and revoke
//! (<https://learn.microsoft.com/graph/api/resources/approleassignment>).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::directory::well_known::MICROSOFT_GRAPH_APP_ID;
use crate::directory::{DirectoryError, DirectoryObject};
use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{APP_ROLE_ASSIGNMENTS, no_content};
use crate::graph::request::GraphRequest;
use crate::graph::schema::{self, Intent, types};
use crate::graph::service_principals::{SpKey, visible_sp};

/// Azure AD Graph's appId: its app roles, like Microsoft Graph's, only a Privileged Role Administrator may
/// grant (<https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent>).
const AZURE_AD_GRAPH_APP_ID: &str = "00000002-0000-0000-c000-000000000000";

fn is_graph(resource: &DirectoryObject) -> bool {
    resource.str("appId").is_some_and(|app_id| {
        app_id.eq_ignore_ascii_case(MICROSOFT_GRAPH_APP_ID)
            || app_id.eq_ignore_ascii_case(AZURE_AD_GRAPH_APP_ID)
    })
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

/// Which side of an assignment the URL's service principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `/servicePrincipals/{resource}/appRoleAssignedTo`: the resource whose app role is granted.
    Resource,
    /// `/servicePrincipals/{principal}/appRoleAssignments`: the principal the app role is granted to.
    Principal,
}

impl Side {
    fn navigation(self) -> &'static str {
        match self {
            Side::Resource => "appRoleAssignedTo",
            Side::Principal => "appRoleAssignments",
        }
    }
}

/// `POST /servicePrincipals/{resourceId}/appRoleAssignedTo` and
/// `POST /servicePrincipals/{principalId}/appRoleAssignments`: grants an app role of the resource to a
/// principal, with the same rules from either side
/// (<https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto>,
/// <https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignments>).
pub fn post(request: &GraphRequest, key: &SpKey, side: Side) -> Result<Response, GraphError> {
    let named = visible_sp(request, key)?;
    let body = request.json_body()?;
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (principal_id, resource_id, app_role_id) =
        (text("principalId"), text("resourceId"), text("appRoleId"));
    let resource = match side {
        Side::Resource => named.clone(),
        Side::Principal => {
            let data = request.state.directory.read();
            let found = request
                .visible(&data, data.service_principal(&resource_id))
                .cloned();
            drop(data);
            match found {
                Some(resource) => resource,
                None => {
                    request.authorize(Operation::WriteAppRoleAssignments {
                        resource_is_graph: false,
                    })?;
                    schema::validate(types::APP_ROLE_ASSIGNMENT, &body, Intent::Create)?;
                    return Err(GraphError::resource_not_found(&resource_id));
                }
            }
        }
    };
    request.authorize(Operation::WriteAppRoleAssignments {
        resource_is_graph: is_graph(&resource),
    })?;
    schema::validate(types::APP_ROLE_ASSIGNMENT, &body, Intent::Create)?;
    let (url_property, url_value) = match side {
        Side::Resource => ("resourceId", &resource_id),
        Side::Principal => ("principalId", &principal_id),
    };
    if !url_value.eq_ignore_ascii_case(named.id()) {
        // Wording is ours: the body must name the service principal of the URL on its side.
        return Err(GraphError::bad_request(format!(
            "The {url_property} '{url_value}' in the request body does not match the service principal '{}' in the request URL.",
            named.id()
        )));
    }
    let mut data = request.state.directory.write();
    let principal = data
        .service_principal(&principal_id)
        .or(data.user(&principal_id));
    if request.visible(&data, principal).is_none() {
        return Err(GraphError::resource_not_found(&principal_id));
    }
    let assignment = data
        .grant_app_role(&principal_id, resource.id(), &app_role_id)
        .map_err(|error| match error {
            DirectoryError::Conflict(_) => GraphError::app_role_assignment_exists(),
            DirectoryError::NotFound { id, .. } => GraphError::resource_not_found(&id),
            // Wording is ours, after the directory's "Permission being assigned …" messages.
            DirectoryError::Invalid(_) => GraphError::bad_request(format!(
                "Permission being assigned was not found on application '{}'.",
                resource.str("appId").unwrap_or_default()
            )),
        })?;
    drop(data);
    let options = request.single_options(types::APP_ROLE_ASSIGNMENT)?;
    Ok(options.entity_answer(
        StatusCode::CREATED,
        Value::Object(assignment.json),
        &format!("servicePrincipals('{}')/{}", named.id(), side.navigation()),
    ))
}

/// `GET /servicePrincipals/{id}/appRoleAssignedTo` (granted on this resource) or
/// `/appRoleAssignments` (held by this principal).
pub fn list(request: &GraphRequest, key: &SpKey, side: Side) -> Result<Response, GraphError> {
    let held_by = side == Side::Principal;
    request.authorize(Operation::ReadAppRoleAssignments)?;
    let sp = visible_sp(request, key)?;
    let options = request.list_options(&APP_ROLE_ASSIGNMENTS)?;
    let data = request.state.directory.read();
    let assignments = if held_by {
        data.app_role_assignments_of(sp.id())
    } else {
        data.app_role_assignments_to(sp.id())
    };
    let items: Vec<Value> = request
        .replicated(&data, assignments)
        .map(|a| Value::Object(a.json.clone()))
        .collect();
    let navigation = side.navigation();
    request.list_answer(
        &options,
        items,
        &format!("servicePrincipals('{}')/{navigation}", sp.id()),
    )
}

/// `DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}` (and `/appRoleAssignments/…`).
pub fn delete(
    request: &GraphRequest,
    key: &SpKey,
    assignment_id: &str,
) -> Result<Response, GraphError> {
    let sp = visible_sp(request, key)?;
    let resource_is_graph = {
        let data = request.state.directory.read();
        let assignment = data
            .app_role_assignments
            .iter()
            .find(|a| a.id() == assignment_id);
        let resource = assignment
            .and_then(|a| a.str("resourceId"))
            .and_then(|id| data.service_principal(id))
            .unwrap_or(&sp);
        is_graph(resource)
    };
    request.authorize(Operation::WriteAppRoleAssignments { resource_is_graph })?;
    let mut data = request.state.directory.write();
    let visible = data
        .app_role_assignments
        .iter()
        .find(|a| {
            a.id() == assignment_id
                && (same(a.str("resourceId"), sp.id()) || same(a.str("principalId"), sp.id()))
        })
        .is_some_and(|a| data.is_replicated(a, request.lag()));
    if !visible {
        return Err(GraphError::resource_not_found(assignment_id));
    }
    data.remove_app_role_assignment(sp.id(), assignment_id)
        .map_err(|_| GraphError::resource_not_found(assignment_id))?;
    Ok(no_content())
}
