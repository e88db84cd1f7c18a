//! `GET /directoryRoles`, `/directoryRoles/{id}` and `/directoryRoles(roleTemplateId='…')`: the
//! directory roles activated in the tenant, that is those with at least one active assignment
//! (<https://learn.microsoft.com/graph/api/directoryrole-list>). A role's object id here is its
//! template id (ours: real tenants give activated roles object ids of their own).

use axum::response::Response;
use serde_json::Value;

use crate::graph::authz::Operation;
use crate::graph::directory_objects::directory_role;
use crate::graph::error::GraphError;
use crate::graph::odata::DIRECTORY_ROLES;
use crate::graph::request::GraphRequest;

/// The activated roles, as `directoryRole` objects.
fn activated(request: &GraphRequest) -> Vec<Value> {
    let data = request.state.directory.read();
    data.role_definitions
        .iter()
        .filter(|definition| {
            data.role_assignments.iter().any(|assignment| {
                assignment
                    .str("roleDefinitionId")
                    .is_some_and(|id| id.eq_ignore_ascii_case(definition.id()))
            })
        })
        .map(|definition| {
            let mut role = directory_role(definition);
            if let Some(object) = role.as_object_mut() {
                object.remove("@odata.type");
            }
            role
        })
        .collect()
}

/// `GET /directoryRoles`.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDirectoryRoles)?;
    let options = request.list_options(&DIRECTORY_ROLES)?;
    request.list_answer(&options, activated(request), "directoryRoles")
}

/// `GET /directoryRoles/{id}` (`by_template`: `/directoryRoles(roleTemplateId='…')`).
pub fn get(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDirectoryRoles)?;
    request.item_answer(
        DIRECTORY_ROLES.type_name,
        activated(request),
        id,
        "directoryRoles",
    )
}
