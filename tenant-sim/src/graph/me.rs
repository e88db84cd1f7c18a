//! `GET /me`, `/me/memberOf`, `/me/transitiveMemberOf`: the signed-in user and the directory roles it
//! holds actively (<https://learn.microsoft.com/en-us/graph/api/user-get>,
//! <https://learn.microsoft.com/en-us/graph/api/user-list-memberof>). App-only tokens are refused by the
//! authorization table ("/me request is only valid with delegated authentication flow.").

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{MEMBER_OF, json_response};
use crate::graph::request::GraphRequest;

/// The properties Graph returns for a user without `$select`.
const DEFAULT_PROPERTIES: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

/// `GET /me`.
pub fn get(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadMe)?;
    let options = request.single_options("user")?;
    let user = request
        .state
        .directory
        .read()
        .user(request.caller_id())
        .cloned()
        .ok_or_else(|| GraphError::resource_not_found(request.caller_id()))?;
    let json: Map<String, Value> = if options.select.is_some() {
        user.json
    } else {
        DEFAULT_PROPERTIES
            .iter()
            .map(|key| {
                (
                    (*key).to_owned(),
                    user.json.get(*key).cloned().unwrap_or(Value::Null),
                )
            })
            .collect()
    };
    Ok(json_response(
        StatusCode::OK,
        &options.entity_body(Value::Object(json), "users"),
    ))
}

/// `GET /me/memberOf` and `/me/transitiveMemberOf`: the user's active directory roles as
/// `#microsoft.graph.directoryRole` objects (the simulator has no groups). Eligible (PIM) roles are not
/// members until activated (reference §10 note d). A role's object id here is its template id (ours:
/// real tenants give activated roles their own object ids).
pub fn member_of(request: &GraphRequest, transitive: bool) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadMe)?;
    let options = request.list_options(&MEMBER_OF)?;
    let data = request.state.directory.read();
    let items: Vec<Value> = data
        .active_role_template_ids(request.caller_id())
        .iter()
        .filter_map(|template| data.role_definition(template))
        .map(|definition| {
            json!({
                "@odata.type": "#microsoft.graph.directoryRole",
                "id": definition.str("templateId"),
                "deletedDateTime": null,
                "description": definition.str("description"),
                "displayName": definition.str("displayName"),
                "roleTemplateId": definition.str("templateId"),
            })
        })
        .collect();
    drop(data);
    let navigation = if transitive {
        "transitiveMemberOf"
    } else {
        "memberOf"
    };
    let body = options.list_body(
        items,
        &request.base_url(),
        &request.request_path(),
        &format!("users('{}')/{navigation}", request.caller_id()),
    );
    Ok(json_response(StatusCode::OK, &body))
}
