//! `/servicePrincipals`: create, read by id and by `appId`, list with `$filter` (and `$expand=owners`),
//! the `appId` upsert, delete, and the delegated grants a client holds
//! (<https://learn.microsoft.com/graph/api/resources/serviceprincipal>). App role assignments are in
//! [`crate::graph::app_role_assignments`], owners in [`crate::graph::owners`].

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::directory::{DirectoryData, DirectoryObject};
use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{OAUTH2_PERMISSION_GRANTS, QueryOptions, SERVICE_PRINCIPALS, no_content};
use crate::graph::request::{GraphRequest, object_of};
use crate::graph::schema::{self, Intent, types};

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

pub(crate) fn visible_sp(
    request: &GraphRequest,
    key: &SpKey,
) -> Result<DirectoryObject, GraphError> {
    let data = request.state.directory.read();
    request
        .visible(&data, key.find(&data))
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(key.shown()))
}

/// The service principal as Graph shows it: `keyCredentials[].key` only on request, owners when
/// `$expand=owners` asks for them.
fn shown(data: &DirectoryData, sp: &DirectoryObject, options: &QueryOptions) -> Value {
    let mut json = Value::Object(sp.json.clone());
    options.redact_key_values(&mut json);
    if options.expands("owners") {
        json["owners"] = Value::Array(crate::graph::owners::owner_objects(data, sp.id()));
    }
    json
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
    for owner in crate::graph::applications::bound_owners(&rest) {
        if request
            .visible(&data, data.user(&owner).or(data.service_principal(&owner)))
            .is_none()
        {
            let _ = data.remove_service_principal(sp.id());
            return Err(GraphError::resource_not_found(&owner));
        }
        data.add_owner(sp.id(), &owner);
    }
    rest.retain(|key, _| !key.contains('@'));
    data.patch_service_principal(sp.id(), &rest)
        .map_err(|error| GraphError::bad_request(error.to_string()))?;
    Ok(data.service_principal(sp.id()).cloned().unwrap_or(sp))
}

/// `POST /servicePrincipals {"appId"}`: 201; `NoBackingApplicationObject` when the application does not
/// exist or has not replicated yet (`docs/microsoft-services.md`, "Replication lag").
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
    Ok(options.entity_answer(
        StatusCode::CREATED,
        Value::Object(sp.json),
        "servicePrincipals",
    ))
}

/// `GET /servicePrincipals` with `$filter`, `$select`, `$top` and paging.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadServicePrincipals)?;
    let options = request.list_options(&SERVICE_PRINCIPALS)?;
    let items = visible_items(request, &options);
    request.list_answer(&options, items, "servicePrincipals")
}

/// `GET /servicePrincipals/$count` (with `ConsistencyLevel: eventual`).
pub fn count(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadServicePrincipals)?;
    request.raw_count(&SERVICE_PRINCIPALS, |options| {
        visible_items(request, options)
    })
}

/// The service principals other calls may see (replication lag), as Graph shows them.
fn visible_items(request: &GraphRequest, options: &QueryOptions) -> Vec<Value> {
    let data = request.state.directory.read();
    request
        .replicated(&data, &data.service_principals)
        .map(|sp| shown(&data, sp, options))
        .collect()
}

/// `GET /servicePrincipals/{id}` or `(appId='…')`.
pub fn get(request: &GraphRequest, key: &SpKey) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadServicePrincipals)?;
    let options = request.single_options(types::SERVICE_PRINCIPAL)?;
    let sp = visible_sp(request, key)?;
    let json = shown(&request.state.directory.read(), &sp, &options);
    Ok(options.entity_answer(StatusCode::OK, json, "servicePrincipals"))
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
        return Ok(options.entity_answer(
            StatusCode::CREATED,
            Value::Object(sp.json),
            "servicePrincipals",
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

/// `GET /servicePrincipals/{id}/oauth2PermissionGrants`: the delegated grants this service principal
/// holds as a client (<https://learn.microsoft.com/graph/api/serviceprincipal-list-oauth2permissiongrants>).
pub fn list_delegated_grants(request: &GraphRequest, key: &SpKey) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDelegatedGrants)?;
    let sp = visible_sp(request, key)?;
    let options = request.list_options(&OAUTH2_PERMISSION_GRANTS)?;
    let data = request.state.directory.read();
    let items: Vec<Value> = request
        .replicated(&data, &data.oauth2_permission_grants)
        .filter(|grant| {
            grant
                .str("clientId")
                .is_some_and(|client| client.eq_ignore_ascii_case(sp.id()))
        })
        .map(|grant| Value::Object(grant.json.clone()))
        .collect();
    drop(data);
    request.list_answer(&options, items, "oauth2PermissionGrants")
}
