//! `GET /organization`: the tenant (<https://learn.microsoft.com/en-us/graph/api/organization-list>).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::graph::authz::{Caller, Operation};
use crate::graph::error::GraphError;
use crate::graph::odata::ORGANIZATION;
use crate::graph::request::GraphRequest;

/// What a delegated caller with only `User.Read` may read of the organisation
/// (<https://learn.microsoft.com/graph/api/organization-list>: "User.Read … id, displayName, and
/// verifiedDomains").
const USER_READ_PROPERTIES: &[&str] = &["id", "displayName", "verifiedDomains"];

/// Permissions that read the whole organisation object.
const FULL_READ: &[&str] = &[
    "Organization.Read.All",
    "Directory.Read.All",
    "Organization.ReadWrite.All",
    "Directory.ReadWrite.All",
];

fn organization(request: &GraphRequest) -> Value {
    let data = request.state.directory.read();
    let full = match &request.auth.caller {
        Caller::Delegated { scopes, .. } => scopes
            .iter()
            .any(|scope| FULL_READ.iter().any(|f| f.eq_ignore_ascii_case(scope))),
        _ => true,
    };
    let json: Map<String, Value> = data
        .organization
        .json
        .iter()
        .filter(|(key, _)| full || USER_READ_PROPERTIES.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(json)
}

/// `GET /organization`: a list of one, the tenant.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadOrganization)?;
    let options = request.list_options(&ORGANIZATION)?;
    request.list_answer(&options, vec![organization(request)], "organization")
}

/// `GET /organization/{id}` (the id is the tenant id).
pub fn get(request: &GraphRequest, id: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadOrganization)?;
    let options = request.single_options(ORGANIZATION.type_name)?;
    if !id.eq_ignore_ascii_case(&request.state.tenant_id) {
        return Err(GraphError::resource_not_found(id));
    }
    Ok(options.entity_answer(StatusCode::OK, organization(request), "organization"))
}
