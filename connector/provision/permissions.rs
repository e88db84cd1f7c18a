//! The permissions the application requests: the two the connector needs (Microsoft Graph `User.Read`,
//! Office 365 Exchange Online `Exchange.ManageAsApp`), and additional ones from the settings, resolved
//! against the resource's service principal; and merging them into an application's
//! `requiredResourceAccess` without dropping what an administrator added.
//!
//! The additional permissions come from the `additional_permissions` setting (its form:
//! `crate::settings::parse_additional`).

use serde_json::{Value, json};

use crate::describe::{EXCHANGE_ONLINE, MICROSOFT_GRAPH, PERMISSIONS, PermissionType};
use crate::error::{Error, ErrorKind};
use crate::settings::{AdditionalPermission, PermissionKind};

/// One permission, resolved to its ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionRef {
    /// The resource's application id.
    pub resource_app_id: String,
    /// The resource's name, for people.
    pub resource_name: String,
    /// The scope or app role id.
    pub id: String,
    /// Its value (`User.Read`).
    pub value: String,
    /// Delegated (a scope) or application (an app role).
    pub kind: PermissionType,
}

impl PermissionRef {
    /// `Scope` or `Role`, as `requiredResourceAccess` writes the kind.
    pub fn access_type(&self) -> &'static str {
        match self.kind {
            PermissionType::Delegated => "Scope",
            PermissionType::Application => "Role",
        }
    }

    /// `Microsoft Graph User.Read (delegated)`.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            PermissionType::Delegated => "delegated",
            PermissionType::Application => "application",
        };
        format!("{} {} ({kind})", self.resource_name, self.value)
    }
}

/// Permissions as a list for people: `Microsoft Graph User.Read (delegated), …`.
pub fn labels(permissions: &[PermissionRef]) -> String {
    permissions
        .iter()
        .map(PermissionRef::label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The permissions the connector always requests.
pub fn required() -> Vec<PermissionRef> {
    PERMISSIONS
        .iter()
        .map(|p| PermissionRef {
            resource_app_id: p.resource.app_id.to_owned(),
            resource_name: p.resource.name.to_owned(),
            id: p.id.to_owned(),
            value: p.name.to_owned(),
            kind: p.permission_type,
        })
        .collect()
}

/// The application id of an additional permission's resource, when it is named by one or by a name the
/// connector knows (`Microsoft Graph`, `Office 365 Exchange Online`).
pub fn known_app_id(request: &AdditionalPermission) -> Option<String> {
    if let Some(guid) = crate::settings::parse_guid(&request.resource) {
        return Some(guid);
    }
    [MICROSOFT_GRAPH, EXCHANGE_ONLINE]
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(&request.resource))
        .map(|r| r.app_id.to_owned())
}

/// Resolves a request against its resource's service principal (`appRoles`, `oauth2PermissionScopes`). An
/// unknown value is refused naming the closest real one.
pub fn resolve(
    request: &AdditionalPermission,
    resource_sp: &Value,
) -> Result<PermissionRef, Error> {
    let (list, kind_name, kind) = match request.kind {
        PermissionKind::Delegated => (
            "oauth2PermissionScopes",
            "delegated permission",
            PermissionType::Delegated,
        ),
        PermissionKind::Application => (
            "appRoles",
            "application permission",
            PermissionType::Application,
        ),
    };
    let resource_name = resource_sp["displayName"]
        .as_str()
        .unwrap_or(&request.resource)
        .to_owned();
    let entries = resource_sp[list].as_array().cloned().unwrap_or_default();
    let enabled = |e: &&Value| e["isEnabled"].as_bool() != Some(false);
    let found = entries.iter().filter(enabled).find(|e| {
        e["value"]
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case(&request.value))
    });
    match found {
        Some(entry) => Ok(PermissionRef {
            resource_app_id: resource_sp["appId"].as_str().unwrap_or_default().to_owned(),
            resource_name,
            id: entry["id"].as_str().unwrap_or_default().to_owned(),
            value: entry["value"].as_str().unwrap_or_default().to_owned(),
            kind,
        }),
        None => {
            let closest = entries
                .iter()
                .filter(enabled)
                .filter_map(|e| e["value"].as_str())
                .min_by_key(|v| {
                    strsim::levenshtein(&v.to_lowercase(), &request.value.to_lowercase())
                });
            let suggestion =
                closest.map_or_else(String::new, |c| format!(" The closest is \"{c}\"."));
            Err(Error::new(
                ErrorKind::InvalidSettings(vec![crate::error::FieldError::new(
                    "additional_permissions",
                    "unknown_permission",
                    format!("{resource_name} has no {kind_name} \"{}\".{suggestion}", request.value),
                )]),
                format!("{resource_name} has no {kind_name} \"{}\".{suggestion}", request.value),
            )
            .with_hint("Correct additional_permissions (the value is case-insensitive; check delegated or application)."))
        }
    }
}

/// `requiredResourceAccess` with `wanted` merged in: every entry the application already has stays, in its
/// order; missing ones are appended. Returns the merged value and the permissions that were missing.
pub fn merge_required_resource_access(
    existing: &Value,
    wanted: &[PermissionRef],
) -> (Value, Vec<PermissionRef>) {
    let mut resources: Vec<Value> = existing.as_array().cloned().unwrap_or_default();
    let mut added = Vec::new();
    for permission in wanted {
        let position = resources.iter().position(|r| {
            r["resourceAppId"]
                .as_str()
                .is_some_and(|id| id.eq_ignore_ascii_case(&permission.resource_app_id))
        });
        let index = match position {
            Some(index) => index,
            None => {
                resources.push(
                    json!({"resourceAppId": permission.resource_app_id, "resourceAccess": []}),
                );
                resources.len() - 1
            }
        };
        let access = resources[index]["resourceAccess"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let present = access.iter().any(|a| {
            a["id"]
                .as_str()
                .is_some_and(|id| id.eq_ignore_ascii_case(&permission.id))
                && a["type"].as_str() == Some(permission.access_type())
        });
        if !present {
            let mut access = access;
            access.push(json!({"id": permission.id, "type": permission.access_type()}));
            resources[index]["resourceAccess"] = Value::Array(access);
            added.push(permission.clone());
        }
    }
    (Value::Array(resources), added)
}

#[cfg(test)]
mod tests {
    use super::{known_app_id, merge_required_resource_access, required, resolve};
    use crate::settings::{AdditionalPermission, PermissionKind};
    use serde_json::json;

    #[test]
    fn well_known_resources_and_application_ids_need_no_lookup() {
        let graph = AdditionalPermission {
            resource: "microsoft graph".to_owned(),
            value: "Mail.Read".to_owned(),
            kind: PermissionKind::Delegated,
        };
        assert_eq!(
            known_app_id(&graph).as_deref(),
            Some("00000003-0000-0000-c000-000000000000")
        );
        let by_id = AdditionalPermission {
            resource: "6A1B0C3E-1111-2222-3333-444455556666".to_owned(),
            ..graph.clone()
        };
        assert_eq!(
            known_app_id(&by_id).as_deref(),
            Some("6a1b0c3e-1111-2222-3333-444455556666")
        );
        let other = AdditionalPermission {
            resource: "Contoso API".to_owned(),
            ..graph
        };
        assert_eq!(known_app_id(&other), None);
    }

    #[test]
    fn an_unknown_value_names_the_closest() {
        let sp = json!({"appId": "r", "displayName": "Microsoft Graph",
            "appRoles": [{"id": "1", "value": "User.Read.All", "isEnabled": true},
                         {"id": "2", "value": "Group.Read.All", "isEnabled": true}]});
        let request = AdditionalPermission {
            resource: "Microsoft Graph".to_owned(),
            value: "user.read.al".to_owned(),
            kind: PermissionKind::Application,
        };
        let error = resolve(&request, &sp).unwrap_err();
        assert!(
            error.message().contains("The closest is \"User.Read.All\""),
            "{}",
            error.message()
        );
        let found = resolve(
            &AdditionalPermission {
                value: "group.read.all".to_owned(),
                ..request
            },
            &sp,
        )
        .unwrap();
        assert_eq!(
            (found.id.as_str(), found.value.as_str()),
            ("2", "Group.Read.All")
        );
    }

    #[test]
    fn merging_keeps_what_is_there_and_appends_what_is_missing() {
        let existing = json!([{"resourceAppId": "00000003-0000-0000-c000-000000000000",
            "resourceAccess": [{"id": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "type": "Scope"}]}]);
        let (merged, added) = merge_required_resource_access(&existing, &required());
        assert_eq!(added.len(), 2);
        assert_eq!(
            merged[0]["resourceAccess"].as_array().unwrap().len(),
            2,
            "the admin's email scope stays"
        );
        assert_eq!(
            merged[1]["resourceAppId"],
            "00000002-0000-0ff1-ce00-000000000000"
        );
        let (again, none) = merge_required_resource_access(&merged, &required());
        assert!(none.is_empty());
        assert_eq!(again, merged);
    }
}
