//! `GET /me`, `/me/memberOf`, `/me/transitiveMemberOf` (also with a type-cast segment such as
//! `/microsoft.graph.directoryRole`): the signed-in user and the directory roles it holds actively
//! (<https://learn.microsoft.com/graph/api/user-get>,
//! <https://learn.microsoft.com/graph/api/user-list-memberof>). App-only tokens are refused by the
//! authorization table ("/me request is only valid with delegated authentication flow.").

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::graph::authz::Operation;
use crate::graph::directory_objects::{cast, directory_role};
use crate::graph::error::GraphError;
use crate::graph::odata::MEMBER_OF;
use crate::graph::request::GraphRequest;
use crate::graph::users::shown;

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
    Ok(options.entity_answer(StatusCode::OK, shown(&user, &options), "users"))
}

/// `GET /me/memberOf` and `/me/transitiveMemberOf`: the user's active directory roles as
/// `#microsoft.graph.directoryRole` objects (the simulator has no groups), narrowed to `cast_to` when
/// the path casts. Eligible (PIM) roles are not members until activated
/// (<https://learn.microsoft.com/graph/api/resources/unifiedroleassignmentscheduleinstance>).
pub fn member_of(
    request: &GraphRequest,
    transitive: bool,
    cast_to: Option<&str>,
) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadMe)?;
    let options = request.list_options(&MEMBER_OF)?;
    let data = request.state.directory.read();
    let mut items: Vec<Value> = data
        .active_role_template_ids(request.caller_id())
        .iter()
        .filter_map(|template| data.role_definition(template))
        .map(directory_role)
        .collect();
    drop(data);
    if let Some(type_name) = cast_to {
        items = cast(items, type_name);
    }
    let navigation = if transitive {
        "transitiveMemberOf"
    } else {
        "memberOf"
    };
    request.list_answer(
        &options,
        items,
        &format!("users('{}')/{navigation}", request.caller_id()),
    )
}
