//! `GET /users` and `/users/{id | userPrincipalName}` (<https://learn.microsoft.com/graph/api/user-list>,
//! <https://learn.microsoft.com/graph/api/user-get>): without `$select`, Graph's default properties.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::directory::DirectoryObject;
use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{QueryOptions, USERS};
use crate::graph::request::GraphRequest;

/// The properties Graph returns for a user without `$select`.
pub const DEFAULT_PROPERTIES: &[&str] = &[
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

/// A user as Graph shows it: every property with `$select` (which then projects), else the default set.
pub fn shown(user: &DirectoryObject, options: &QueryOptions) -> Value {
    if options.select.is_some() {
        return Value::Object(user.json.clone());
    }
    let json: Map<String, Value> = DEFAULT_PROPERTIES
        .iter()
        .map(|key| {
            (
                (*key).to_owned(),
                user.json.get(*key).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    Value::Object(json)
}

/// `GET /users`.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadUsers { own: false })?;
    let options = request.list_options(&USERS)?;
    let items = visible_items(request, &options);
    request.list_answer(&options, items, "users")
}

/// `GET /users/$count` (with `ConsistencyLevel: eventual`).
pub fn count(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadUsers { own: false })?;
    request.raw_count(&USERS, |options| visible_items(request, options))
}

/// The users other calls may see (replication lag), as Graph shows them.
fn visible_items(request: &GraphRequest, options: &QueryOptions) -> Vec<Value> {
    let data = request.state.directory.read();
    request
        .replicated(&data, &data.users)
        .map(|user| shown(user, options))
        .collect()
}

/// `GET /users/{id | userPrincipalName}`.
pub fn get(request: &GraphRequest, key: &str) -> Result<Response, GraphError> {
    let user = {
        let data = request.state.directory.read();
        let found = data.user(key).or_else(|| data.user_by_upn(key));
        request.visible(&data, found).cloned()
    };
    let own = user
        .as_ref()
        .is_some_and(|u| u.id().eq_ignore_ascii_case(request.caller_id()))
        && !request.auth.claims.is_app_only();
    request.authorize(Operation::ReadUsers { own })?;
    let user = user.ok_or_else(|| GraphError::resource_not_found(key))?;
    let options = request.single_options("user")?;
    Ok(options.entity_answer(StatusCode::OK, shown(&user, &options), "users"))
}
