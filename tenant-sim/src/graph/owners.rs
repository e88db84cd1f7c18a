//! Owners of applications and service principals: `GET /applications/{id}/owners` and
//! `/servicePrincipals/{id}/owners` (also with a type-cast segment such as `/microsoft.graph.user`),
//! and `$expand=owners` (<https://learn.microsoft.com/graph/api/application-list-owners>,
//! <https://learn.microsoft.com/graph/api/serviceprincipal-list-owners>).

use axum::response::Response;
use serde_json::Value;

use crate::directory::DirectoryData;
use crate::graph::directory_objects::{cast, directory_object};
use crate::graph::error::GraphError;
use crate::graph::odata::MEMBER_OF;
use crate::graph::request::GraphRequest;

/// The owners of the object `owned_id` (an application or service principal) as directory objects.
pub fn owner_objects(data: &DirectoryData, owned_id: &str) -> Vec<Value> {
    data.owners
        .get(&owned_id.to_ascii_lowercase())
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|owner| directory_object(data, owner))
        .collect()
}

/// The owners list of `owned_id`, narrowed to `cast_to` (a type name) when the path casts it; the
/// caller has been authorized and `owned_id` found.
pub fn list(
    request: &GraphRequest,
    owned_id: &str,
    cast_to: Option<&str>,
) -> Result<Response, GraphError> {
    let options = request.list_options(&MEMBER_OF)?;
    let mut owners = owner_objects(&request.state.directory.read(), owned_id);
    if let Some(type_name) = cast_to {
        owners = cast(owners, type_name);
    }
    request.list_answer(&options, owners, "directoryObjects")
}
