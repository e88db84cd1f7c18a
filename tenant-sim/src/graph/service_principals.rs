//! `/servicePrincipals`: create, read by id and by `appId`, list with `$filter`, the `appId` upsert,
//! delete; and the app role assignments on a resource (`appRoleAssignedTo`) and held by a client
//! (`appRoleAssignments`) (<https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal>).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::directory::well_known::MICROSOFT_GRAPH_APP_ID;
use crate::directory::{DirectoryData, DirectoryError, DirectoryObject};
use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{APP_ROLE_ASSIGNMENTS, SERVICE_PRINCIPALS, json_response, no_content};
use crate::graph::request::{GraphRequest, object_of};
use crate::graph::schema::{self, Intent, types};

/// Azure AD Graph's appId: its app roles, like Microsoft Graph's, only a Privileged Role Administrator may
/// grant (<https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent>).
const AZURE_AD_GRAPH_APP_ID: &str = "00000002-0000-0000-c000-000000000000";

/// How a request names one service principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpKey {
    /// `/servicePrincipals/{id}`.
    Id(String),
    /// `/servicePrincipals(appId='…')`.
    AppId(String),
}

impl SpKey {
    fn shown(&self) -> &str {
        match self {
            SpKey::Id(value) | SpKey::AppId(value) => value,
        }
    }

    fn find<'a>(&self, data: &'a DirectoryData) -> Option<&'a DirectoryObject> {
        match self {
            SpKey::Id(id) => data.service_principal(id),
            SpKey::AppId(app_id) => data.service_principal_by_app_id(app_id),
        }
    }
}

fn visible_sp(request: &GraphRequest, key: &SpKey) -> Result<DirectoryObject, GraphError> {
    let data = request.state.directory.read();
    request
        .visible(&data, key.find(&data))
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(key.shown()))
}

/// Whether the caller owns the (visible) application behind `app_id`.
fn owns_application(request: &GraphRequest, app_id: &str) -> bool {
    let data = request.state.directory.read();
    request
        .visible(&data, data.application_by_app_id(app_id))
        .is_some_and(|app| data.owns(app.id(), request.caller_id()))
}

/// 409 for a second service principal of one application: the directory's duplicate-key code; the
/// wording is ours.
fn sp_exists() -> GraphError {
    GraphError::new(
        StatusCode::CONFLICT,
        "Request_MultipleObjectsWithSameKeyValue",
        "Another object with the same value for property servicePrincipalNames already exists.",
    )
}

/// Creates the service principal of `app_id` and applies the other properties of `body`.
fn create(
    request: &GraphRequest,
    app_id: &str,
    body: &Map<String, Value>,
) -> Result<DirectoryObject, GraphError> {
    let mut data = request.state.directory.write();
    if data.service_principal_by_app_id(app_id).is_some() {
        return Err(sp_exists());
    }
    if request
        .visible(&data, data.application_by_app_id(app_id))
        .is_none()
    {
        return Err(GraphError::no_backing_application(app_id));
    }
    let sp = data
        .add_service_principal(app_id)
        .map_err(|_| GraphError::no_backing_application(app_id))?;
    let mut rest = body.clone();
    rest.remove("appId");
    rest.retain(|key, _| !key.contains('@'));
    data.patch_service_principal(sp.id(), &rest)
        .map_err(|error| GraphError::bad_request(error.to_string()))?;
    Ok(data.service_principal(sp.id()).cloned().unwrap_or(sp))
}

/// `POST /servicePrincipals {"appId"}`: 201; `NoBackingApplicationObject` when the application does not
/// exist or has not replicated yet (reference §3).
pub fn post(request: &GraphRequest) -> Result<Response, GraphError> {
    let body = request.json_body()?;
    let app_id = body
        .get("appId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    request.authorize(Operation::CreateServicePrincipal {
        caller_owns_application: owns_application(request, &app_id),
    })?;
    schema::validate(types::SERVICE_PRINCIPAL, &body, Intent::Create)?;
    let options = request.single_options(types::SERVICE_PRINCIPAL)?;
    let sp = create(request, &app_id, &object_of(body))?;
    Ok(json_response(
        StatusCode::CREATED,
        &options.entity_body(Value::Object(sp.json), "servicePrincipals"),
    ))
}

/// `GET /servicePrincipals` with `$filter`, `$select`, `$top` and paging.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadServicePrincipals)?;
    let options = request.list_options(&SERVICE_PRINCIPALS)?;
    let data = request.state.directory.read();
    let lag = request.lag();
    let items: Vec<Value> = data
        .service_principals
        .iter()
        .filter(|sp| data.is_replicated(sp, lag))
        .map(|sp| {
            let mut json = Value::Object(sp.json.clone());
            options.redact_key_values(&mut json);
            json
        })
        .collect();
    let body = options.list_body(
        items,
        &request.base_url(),
        &request.request_path(),
        "servicePrincipals",
    );
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /servicePrincipals/{id}` or `(appId='…')`.
pub fn get(request: &GraphRequest, key: &SpKey) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadServicePrincipals)?;
    let options = request.single_options(types::SERVICE_PRINCIPAL)?;
    let sp = visible_sp(request, key)?;
    let mut json = Value::Object(sp.json);
    options.redact_key_values(&mut json);
    Ok(json_response(
        StatusCode::OK,
        &options.entity_body(json, "servicePrincipals"),
    ))
}

/// `PATCH /servicePrincipals/{id}` (204) and the upsert `PATCH /servicePrincipals(appId='…')` with
/// `Prefer: create-if-missing` (201 created, 204 updated; 404 without the header)
/// (<https://learn.microsoft.com/en-us/graph/api/serviceprincipal-upsert>).
pub fn patch(request: &GraphRequest, key: &SpKey) -> Result<Response, GraphError> {
    let existing = {
        let data = request.state.directory.read();
        request.visible(&data, key.find(&data)).cloned()
    };
    let app_id = match (&existing, key) {
        (Some(sp), _) => sp.str("appId").unwrap_or_default().to_owned(),
        (None, SpKey::AppId(app_id)) => app_id.clone(),
        (None, SpKey::Id(_)) => String::new(),
    };
    request.authorize(Operation::CreateServicePrincipal {
        caller_owns_application: owns_application(request, &app_id),
    })?;
    let body = request.json_body()?;
    let Some(existing) = existing else {
        let SpKey::AppId(app_id) = key else {
            return Err(GraphError::resource_not_found(key.shown()));
        };
        if !request.prefers_create_if_missing() {
            return Err(GraphError::resource_not_found(key.shown()));
        }
        schema::validate_upsert(
            types::SERVICE_PRINCIPAL,
            &body,
            ("appId", app_id),
            Intent::Create,
        )?;
        let options = request.single_options(types::SERVICE_PRINCIPAL)?;
        let sp = create(request, app_id, &object_of(body))?;
        return Ok(json_response(
            StatusCode::CREATED,
            &options.entity_body(Value::Object(sp.json), "servicePrincipals"),
        ));
    };
    match key {
        SpKey::AppId(app_id) => schema::validate_upsert(
            types::SERVICE_PRINCIPAL,
            &body,
            ("appId", app_id),
            Intent::Update,
        )?,
        SpKey::Id(_) => schema::validate(types::SERVICE_PRINCIPAL, &body, Intent::Update)?,
    }
    let mut body = object_of(body);
    body.remove("appId");
    body.retain(|key, _| !key.contains('@'));
    request
        .state
        .directory
        .write()
        .patch_service_principal(existing.id(), &body)
        .map_err(|error| GraphError::bad_request(error.to_string()))?;
    Ok(no_content())
}

/// `DELETE /servicePrincipals/{id}` or `(appId='…')`: the service principal with its role assignments,
/// app role assignments and delegated grants.
pub fn delete(request: &GraphRequest, key: &SpKey) -> Result<Response, GraphError> {
    let existing = {
        let data = request.state.directory.read();
        request.visible(&data, key.find(&data)).cloned()
    };
    let app_id = existing
        .as_ref()
        .and_then(|sp| sp.str("appId"))
        .unwrap_or_default()
        .to_owned();
    request.authorize(Operation::CreateServicePrincipal {
        caller_owns_application: owns_application(request, &app_id),
    })?;
    let existing = existing.ok_or_else(|| GraphError::resource_not_found(key.shown()))?;
    request
        .state
        .directory
        .write()
        .remove_service_principal(existing.id())
        .map_err(|_| GraphError::resource_not_found(key.shown()))?;
    Ok(no_content())
}

fn is_graph(resource: &DirectoryObject) -> bool {
    resource.str("appId").is_some_and(|app_id| {
        app_id.eq_ignore_ascii_case(MICROSOFT_GRAPH_APP_ID)
            || app_id.eq_ignore_ascii_case(AZURE_AD_GRAPH_APP_ID)
    })
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

/// `POST /servicePrincipals/{resourceId}/appRoleAssignedTo`: grants an app role of this resource to a
/// principal (<https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto>).
pub fn post_app_role_assignment(
    request: &GraphRequest,
    resource_key: &SpKey,
) -> Result<Response, GraphError> {
    let resource = visible_sp(request, resource_key)?;
    request.authorize(Operation::WriteAppRoleAssignments {
        resource_is_graph: is_graph(&resource),
    })?;
    let body = request.validated_body(types::APP_ROLE_ASSIGNMENT, Intent::Create)?;
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (principal_id, resource_id, app_role_id) =
        (text("principalId"), text("resourceId"), text("appRoleId"));
    if !resource_id.eq_ignore_ascii_case(resource.id()) {
        // Wording is ours: the body's resource must be the service principal of the URL.
        return Err(GraphError::bad_request(format!(
            "The resourceId '{resource_id}' in the request body does not match the service principal '{}' in the request URL.",
            resource.id()
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
    Ok(json_response(
        StatusCode::CREATED,
        &options.entity_body(
            Value::Object(assignment.json),
            &format!("servicePrincipals('{}')/appRoleAssignedTo", resource.id()),
        ),
    ))
}

/// `GET /servicePrincipals/{id}/appRoleAssignedTo` (`held_by` false: granted on this resource) or
/// `/appRoleAssignments` (`held_by` true: held by this principal).
pub fn list_app_role_assignments(
    request: &GraphRequest,
    key: &SpKey,
    held_by: bool,
) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadAppRoleAssignments)?;
    let sp = visible_sp(request, key)?;
    let options = request.list_options(&APP_ROLE_ASSIGNMENTS)?;
    let data = request.state.directory.read();
    let lag = request.lag();
    let assignments = if held_by {
        data.app_role_assignments_of(sp.id())
    } else {
        data.app_role_assignments_to(sp.id())
    };
    let items: Vec<Value> = assignments
        .into_iter()
        .filter(|a| data.is_replicated(a, lag))
        .map(|a| Value::Object(a.json.clone()))
        .collect();
    let navigation = if held_by {
        "appRoleAssignments"
    } else {
        "appRoleAssignedTo"
    };
    let body = options.list_body(
        items,
        &request.base_url(),
        &request.request_path(),
        &format!("servicePrincipals('{}')/{navigation}", sp.id()),
    );
    Ok(json_response(StatusCode::OK, &body))
}

/// `DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}` (and `/appRoleAssignments/…`).
pub fn delete_app_role_assignment(
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
