//! Directory objects as Graph shows them inside `directoryObject` collections (owners, `memberOf`,
//! an expanded `principal`): each with its `@odata.type`, a user with its default properties, a
//! service principal whole (as the responses of
//! <https://learn.microsoft.com/graph/api/application-list-owners> show them).

use serde_json::{Map, Value, json};

use crate::directory::{DirectoryData, DirectoryObject};
use crate::graph::users::DEFAULT_PROPERTIES;

/// The user, service principal or directory role with this object id, as a directory object.
pub fn directory_object(data: &DirectoryData, id: &str) -> Option<Value> {
    if let Some(user) = data.user(id) {
        let mut json = Map::new();
        json.insert("@odata.type".to_owned(), json!("#microsoft.graph.user"));
        for key in DEFAULT_PROPERTIES {
            json.insert(
                (*key).to_owned(),
                user.json.get(*key).cloned().unwrap_or(Value::Null),
            );
        }
        return Some(Value::Object(json));
    }
    if let Some(sp) = data.service_principal(id) {
        return Some(typed(sp, "#microsoft.graph.servicePrincipal"));
    }
    data.role_definition(id).map(directory_role)
}

/// A role definition as the activated `directoryRole` Graph lists (its object id here is the template
/// id; real tenants give activated roles object ids of their own).
pub fn directory_role(definition: &DirectoryObject) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": definition.str("templateId"),
        "deletedDateTime": null,
        "description": definition.str("description"),
        "displayName": definition.str("displayName"),
        "roleTemplateId": definition.str("templateId"),
    })
}

/// Keeps the items of a directory-object collection whose `@odata.type` is `microsoft.graph.{cast}`
/// (a type-cast segment such as `/me/memberOf/microsoft.graph.directoryRole`).
pub fn cast(items: Vec<Value>, cast: &str) -> Vec<Value> {
    let wanted = format!("#microsoft.graph.{cast}");
    items
        .into_iter()
        .filter(|item| {
            item.get("@odata.type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(&wanted))
        })
        .collect()
}

fn typed(object: &DirectoryObject, odata_type: &str) -> Value {
    let mut json = Map::new();
    json.insert("@odata.type".to_owned(), json!(odata_type));
    json.extend(object.json.clone());
    Value::Object(json)
}
