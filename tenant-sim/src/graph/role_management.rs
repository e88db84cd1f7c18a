//! `/roleManagement/directory`: role definitions, active role assignments (create, list with `$filter`,
//! read, delete), and the schedule instances that tell active from eligible (PIM) roles
//! (<https://learn.microsoft.com/en-us/graph/api/resources/rbacapplication>).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::directory::{DirectoryData, DirectoryError, DirectoryObject};
use crate::graph::authz::Operation;
use crate::graph::directory_objects::directory_object;
use crate::graph::error::GraphError;
use crate::graph::odata::{
    EntitySet, QueryOptions, ROLE_ASSIGNMENT_SCHEDULE_INSTANCES, ROLE_ASSIGNMENTS,
    ROLE_DEFINITIONS, ROLE_ELIGIBILITY_SCHEDULE_INSTANCES, no_content,
};
use crate::graph::request::GraphRequest;
use crate::graph::schema::{Intent, types};

const PREFIX: &str = "roleManagement/directory";

/// Answers a list of `items` on `set`, with `@odata.context` `roleManagement/directory/{navigation}`.
fn list_response(
    request: &GraphRequest,
    set: &EntitySet,
    navigation: &str,
    items: Vec<Value>,
) -> Result<Response, GraphError> {
    let options = request.list_options(set)?;
    request.list_answer(&options, items, &format!("{PREFIX}/{navigation}"))
}

/// Answers one entity of `navigation` with `status`, its `@odata.context` under
/// `roleManagement/directory/{navigation}`.
fn entity_response(
    options: &QueryOptions,
    status: StatusCode,
    entity: Value,
    navigation: &str,
) -> Response {
    options.entity_answer(status, entity, &format!("{PREFIX}/{navigation}"))
}

/// `GET /roleManagement/directory/roleDefinitions` (`$filter=displayName eq '…'`…).
pub fn list_definitions(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadRoleAssignments)?;
    let items = request
        .state
        .directory
        .read()
        .role_definitions
        .iter()
        .map(|definition| Value::Object(definition.json.clone()))
        .collect();
    list_response(request, &ROLE_DEFINITIONS, "roleDefinitions", items)
}

/// `GET /roleManagement/directory/roleDefinitions/{id}` (the id of a built-in role is its template id).
pub fn get_definition(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadRoleAssignments)?;
    let options = request.single_options(ROLE_DEFINITIONS.type_name)?;
    let definition = request
        .state
        .directory
        .read()
        .role_definition(id)
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(id))?;
    Ok(entity_response(
        &options,
        StatusCode::OK,
        Value::Object(definition.json),
        "roleDefinitions",
    ))
}

/// `POST /roleManagement/directory/roleAssignments`: 201; `roleDefinitionId` may be the template id; a
/// repeated assignment is 400 with the directory's "conflicting object" message; a principal that does
/// not exist (or has not replicated yet) is 404
/// (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-post-roleassignments>).
pub fn post_assignment(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::WriteRoleAssignments)?;
    let body = request.validated_body(types::UNIFIED_ROLE_ASSIGNMENT, Intent::Create)?;
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (role_id, principal_id) = (text("roleDefinitionId"), text("principalId"));
    let scope = body
        .get("directoryScopeId")
        .and_then(Value::as_str)
        .unwrap_or("/");
    if scope != "/" {
        // A simplification of ours: only tenant-wide assignments are simulated.
        return Err(GraphError::bad_request(format!(
            "tenant-sim simulates only the directory scope '/', not '{scope}'."
        )));
    }
    let mut data = request.state.directory.write();
    if data.role_definition(&role_id).is_none() {
        return Err(GraphError::resource_not_found(&role_id));
    }
    let principal = data
        .user(&principal_id)
        .or(data.service_principal(&principal_id));
    if request.visible(&data, principal).is_none() {
        return Err(GraphError::resource_not_found(&principal_id));
    }
    let assignment = data
        .assign_directory_role(&principal_id, &role_id)
        .map_err(|error| match error {
            DirectoryError::Conflict(_) => GraphError::conflicting_object(),
            DirectoryError::NotFound { id, .. } => GraphError::resource_not_found(&id),
            DirectoryError::Invalid(message) => GraphError::bad_request(message),
        })?;
    drop(data);
    let options = request.single_options(types::UNIFIED_ROLE_ASSIGNMENT)?;
    Ok(entity_response(
        &options,
        StatusCode::CREATED,
        Value::Object(assignment.json),
        "roleAssignments",
    ))
}

/// `GET /roleManagement/directory/roleAssignments` (`$filter=principalId eq '…'` or `roleDefinitionId eq`,
/// `$expand=principal,roleDefinition`).
pub fn list_assignments(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadRoleAssignments)?;
    let options = request.list_options(&ROLE_ASSIGNMENTS)?;
    let data = request.state.directory.read();
    let items = listed(request, &data, &data.role_assignments, false)
        .map(|assignment| shown_assignment(&data, assignment, &options))
        .collect();
    drop(data);
    request.list_answer(&options, items, &format!("{PREFIX}/roleAssignments"))
}

/// A role assignment as Graph shows it, with its `principal` (a directory object) and
/// `roleDefinition` when `$expand` asks for them
/// (<https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments>).
fn shown_assignment(
    data: &DirectoryData,
    assignment: &DirectoryObject,
    options: &QueryOptions,
) -> Value {
    let mut json = Value::Object(assignment.json.clone());
    if options.expands("principal") {
        json["principal"] = assignment
            .str("principalId")
            .and_then(|id| directory_object(data, id))
            .unwrap_or(Value::Null);
    }
    if options.expands("roleDefinition") {
        json["roleDefinition"] = assignment
            .str("roleDefinitionId")
            .and_then(|id| data.role_definition(id))
            .map_or(Value::Null, |definition| {
                Value::Object(definition.json.clone())
            });
    }
    json
}

fn visible_assignment(request: &GraphRequest, id: &str) -> Result<DirectoryObject, GraphError> {
    let data = request.state.directory.read();
    request
        .visible(&data, data.role_assignment(id))
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(id))
}

/// `GET /roleManagement/directory/roleAssignments/{id}`.
pub fn get_assignment(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadRoleAssignments)?;
    let options = request.single_options(types::UNIFIED_ROLE_ASSIGNMENT)?;
    let assignment = visible_assignment(request, id)?;
    let json = shown_assignment(&request.state.directory.read(), &assignment, &options);
    Ok(entity_response(
        &options,
        StatusCode::OK,
        json,
        "roleAssignments",
    ))
}

/// `DELETE /roleManagement/directory/roleAssignments/{id}` (204).
pub fn delete_assignment(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::WriteRoleAssignments)?;
    let assignment = visible_assignment(request, id)?;
    request
        .state
        .directory
        .write()
        .remove_role_assignment(assignment.id())
        .map_err(|_| GraphError::resource_not_found(id))?;
    Ok(no_content())
}

/// `GET /roleManagement/directory/roleEligibilityScheduleInstances` and, with `own`,
/// `…/filterByCurrentUser(on='principal')`: the eligible (PIM) roles, which no other listing shows.
pub fn list_eligibilities(request: &GraphRequest, own: bool) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadRoleEligibility { own })?;
    let data = request.state.directory.read();
    let items = listed(request, &data, &data.role_eligibilities, own)
        .map(|eligibility| Value::Object(eligibility.json.clone()))
        .collect();
    drop(data);
    list_response(
        request,
        &ROLE_ELIGIBILITY_SCHEDULE_INSTANCES,
        "roleEligibilityScheduleInstances",
        items,
    )
}

/// `GET /roleManagement/directory/roleAssignmentScheduleInstances` and, with `own`,
/// `…/filterByCurrentUser(on='principal')`: active roles, each `assignmentType` `Assigned` (the simulator
/// has no activation, so none is `Activated`). Authorized like the eligibility listing (a simplification
/// of ours: Graph also accepts the RoleAssignmentSchedule permissions).
pub fn list_assignment_instances(
    request: &GraphRequest,
    own: bool,
) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadRoleEligibility { own })?;
    let data = request.state.directory.read();
    let items = listed(request, &data, &data.role_assignments, own)
        .map(|assignment| {
            json!({
                "id": assignment.id(),
                "principalId": assignment.str("principalId"),
                "roleDefinitionId": assignment.str("roleDefinitionId"),
                "directoryScopeId": assignment.str("directoryScopeId"),
                "appScopeId": null,
                "startDateTime": null,
                "endDateTime": null,
                "assignmentType": "Assigned",
                "memberType": "Direct",
                "roleAssignmentOriginId": assignment.id(),
                "roleAssignmentScheduleId": assignment.id(),
            })
        })
        .collect();
    drop(data);
    list_response(
        request,
        &ROLE_ASSIGNMENT_SCHEDULE_INSTANCES,
        "roleAssignmentScheduleInstances",
        items,
    )
}

/// The objects of a role listing that have replicated for this request; with `own`, only the caller's.
fn listed<'a>(
    request: &'a GraphRequest,
    data: &'a DirectoryData,
    objects: &'a [DirectoryObject],
    own: bool,
) -> impl Iterator<Item = &'a DirectoryObject> {
    request
        .replicated(data, objects)
        .filter(move |object| !own || mine(request, object))
}

fn mine(request: &GraphRequest, object: &DirectoryObject) -> bool {
    object
        .str("principalId")
        .is_some_and(|p| p.eq_ignore_ascii_case(request.caller_id()))
}
