//! `/oauth2PermissionGrants`: delegated permission grants — create, list with `$filter`, read, `PATCH`
//! of `scope`, delete (<https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant>).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::directory::{ConsentType, DirectoryError, DirectoryObject};
use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{OAUTH2_PERMISSION_GRANTS, no_content};
use crate::graph::request::GraphRequest;
use crate::graph::schema::{Intent, types};

const CONTEXT: &str = "oauth2PermissionGrants";

fn visible_grant(request: &GraphRequest, id: &str) -> Result<DirectoryObject, GraphError> {
    let data = request.state.directory.read();
    request
        .visible(&data, data.oauth2_permission_grant_by_id(id))
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(id))
}

/// `POST /oauth2PermissionGrants`: 201; a second grant for the same client, resource, consent type (and
/// principal) is 409 "Permission entry already exists."; a client, resource or user that does not exist
/// (or has not replicated yet) is 404 `Directory_ObjectNotFound` (`docs/microsoft-services.md`,
/// "Replication lag").
pub fn post(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::WriteDelegatedGrants)?;
    let body = request.validated_body(types::OAUTH2_PERMISSION_GRANT, Intent::Create)?;
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
    let client_id = text("clientId").unwrap_or_default();
    let resource_id = text("resourceId").unwrap_or_default();
    let principal_id = text("principalId").filter(|p| !p.is_empty());
    let scope = text("scope").unwrap_or_default();
    let consent_type = match text("consentType").as_deref() {
        Some("Principal") => ConsentType::Principal,
        _ => ConsentType::AllPrincipals,
    };
    match (consent_type, &principal_id) {
        (ConsentType::Principal, None) => {
            return Err(GraphError::bad_request(
                "Property principalId value is required but is empty or missing.",
            ));
        }
        (ConsentType::AllPrincipals, Some(_)) => {
            // Wording is ours: an AllPrincipals grant applies to every user, so it names none.
            return Err(GraphError::bad_request(
                "principalId must be null when consentType is AllPrincipals.",
            ));
        }
        _ => {}
    }
    let mut data = request.state.directory.write();
    let referenced = [
        data.service_principal(&client_id),
        data.service_principal(&resource_id),
    ];
    let mut missing = referenced
        .iter()
        .any(|object| request.visible(&data, *object).is_none());
    if let Some(principal) = &principal_id {
        missing |= request.visible(&data, data.user(principal)).is_none();
    }
    if missing {
        return Err(GraphError::directory_object_not_found());
    }
    let grant = data
        .create_delegated_grant(
            &client_id,
            &resource_id,
            consent_type,
            principal_id.as_deref(),
            &scope,
        )
        .map_err(|error| match error {
            DirectoryError::Conflict(_) => GraphError::permission_entry_exists(),
            DirectoryError::NotFound { .. } => GraphError::directory_object_not_found(),
            DirectoryError::Invalid(message) => GraphError::bad_request(message),
        })?;
    drop(data);
    let options = request.single_options(types::OAUTH2_PERMISSION_GRANT)?;
    Ok(options.entity_answer(StatusCode::CREATED, Value::Object(grant.json), CONTEXT))
}

/// `GET /oauth2PermissionGrants` with `$filter` (`clientId eq '…' and resourceId eq '…'`…).
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDelegatedGrants)?;
    let options = request.list_options(&OAUTH2_PERMISSION_GRANTS)?;
    let data = request.state.directory.read();
    let items: Vec<Value> = request
        .replicated(&data, &data.oauth2_permission_grants)
        .map(|grant| Value::Object(grant.json.clone()))
        .collect();
    request.list_answer(&options, items, CONTEXT)
}

/// `GET /oauth2PermissionGrants/{id}`.
pub fn get(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDelegatedGrants)?;
    let options = request.single_options(types::OAUTH2_PERMISSION_GRANT)?;
    let grant = visible_grant(request, id)?;
    Ok(options.entity_answer(StatusCode::OK, Value::Object(grant.json), CONTEXT))
}

/// `PATCH /oauth2PermissionGrants/{id}`: only `scope` changes (204); the keys of a grant are fixed.
pub fn patch(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::WriteDelegatedGrants)?;
    let body = request.validated_body(types::OAUTH2_PERMISSION_GRANT, Intent::Update)?;
    let grant = visible_grant(request, id)?;
    for key in ["clientId", "resourceId", "consentType", "principalId"] {
        if let Some(given) = body.get(key)
            && given != grant.json.get(key).unwrap_or(&Value::Null)
        {
            // Wording is ours: Graph documents only `scope` as updatable.
            return Err(GraphError::bad_request(format!(
                "Property '{key}' of an oAuth2PermissionGrant cannot be changed."
            )));
        }
    }
    if let Some(scope) = body.get("scope").and_then(Value::as_str) {
        request
            .state
            .directory
            .write()
            .set_grant_scope(grant.id(), scope)
            .map_err(|_| GraphError::resource_not_found(id))?;
    }
    Ok(no_content())
}

/// `DELETE /oauth2PermissionGrants/{id}`.
pub fn delete(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::WriteDelegatedGrants)?;
    let grant = visible_grant(request, id)?;
    request
        .state
        .directory
        .write()
        .remove_grant(grant.id())
        .map_err(|_| GraphError::resource_not_found(id))?;
    Ok(no_content())
}
