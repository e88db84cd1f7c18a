//! The permissions the application requests: the two the connector needs (Microsoft Graph `User.Read`,
//! Office 365 Exchange Online `Exchange.ManageAsApp`), and additional ones from the settings, resolved
//! against the resource's service principal; and merging them into an application's
//! `requiredResourceAccess` without dropping what an administrator added.
//!
//! The `additional_permissions` setting lists one permission per line: `<resource>: <permission>
//! (<delegated|application>)`, where the resource is `Microsoft Graph`, `Office 365 Exchange Online`, another
//! resource's display name, or its application id; e.g. `Microsoft Graph: Mail.Read (delegated)`. Blank
//! lines and lines starting with `#` are ignored.

use serde_json::{Value, json};

use crate::describe::{EXCHANGE_ONLINE, MICROSOFT_GRAPH, PERMISSIONS, PermissionType};
use crate::error::{Error, ErrorKind};

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

/// One line of `additional_permissions`, before resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdditionalRequest {
    /// The resource as written: a name or an application id.
    pub resource: String,
    /// The permission's value.
    pub value: String,
    /// Delegated or application.
    pub kind: PermissionType,
}

impl AdditionalRequest {
    /// The resource's application id when the resource is named by one or is a well-known name.
    pub fn known_app_id(&self) -> Option<String> {
        if let Some(guid) = crate::settings::parse_guid(&self.resource) {
            return Some(guid);
        }
        [MICROSOFT_GRAPH, EXCHANGE_ONLINE]
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(&self.resource))
            .map(|r| r.app_id.to_owned())
    }
}

/// Parses `additional_permissions`; the error names the line and says what is wrong.
pub fn parse_additional(text: &str) -> Result<Vec<AdditionalRequest>, String> {
    let mut requests = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        let wrong = || {
            format!(
                "Line {number} should read \"<resource>: <permission> (delegated)\" or \"… (application)\", e.g. \
                 \"Microsoft Graph: Mail.Read (delegated)\"."
            )
        };
        let (resource, rest) = line.split_once(':').ok_or_else(wrong)?;
        let rest = rest.trim();
        let (value, kind) = rest
            .strip_suffix(')')
            .and_then(|r| r.rsplit_once('('))
            .ok_or_else(wrong)?;
        let kind = match kind.trim().to_ascii_lowercase().as_str() {
            "delegated" => PermissionType::Delegated,
            "application" => PermissionType::Application,
            _ => return Err(wrong()),
        };
        let (resource, value) = (resource.trim(), value.trim());
        if resource.is_empty()
            || value.is_empty()
            || value.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(wrong());
        }
        let request = AdditionalRequest {
            resource: resource.to_owned(),
            value: value.to_owned(),
            kind,
        };
        if !requests.contains(&request) {
            requests.push(request);
        }
    }
    Ok(requests)
}

/// Resolves a request against its resource's service principal (`appRoles`, `oauth2PermissionScopes`). An
/// unknown value is refused naming the closest real one.
pub fn resolve(request: &AdditionalRequest, resource_sp: &Value) -> Result<PermissionRef, Error> {
    let (list, kind_name) = match request.kind {
        PermissionType::Delegated => ("oauth2PermissionScopes", "delegated permission"),
        PermissionType::Application => ("appRoles", "application permission"),
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
            kind: request.kind,
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
    use super::{
        AdditionalRequest, merge_required_resource_access, parse_additional, required, resolve,
    };
    use crate::describe::PermissionType;
    use serde_json::json;

    #[test]
    fn lines_name_a_resource_a_permission_and_its_kind() {
        let parsed = parse_additional(
            "# extra\nMicrosoft Graph: Mail.Read (delegated)\n\n00000003-0000-0000-c000-000000000000: User.Read.All (Application)\n",
        )
        .unwrap();
        assert_eq!(
            parsed,
            [
                AdditionalRequest {
                    resource: "Microsoft Graph".to_owned(),
                    value: "Mail.Read".to_owned(),
                    kind: PermissionType::Delegated
                },
                AdditionalRequest {
                    resource: "00000003-0000-0000-c000-000000000000".to_owned(),
                    value: "User.Read.All".to_owned(),
                    kind: PermissionType::Application
                },
            ]
        );
        assert_eq!(
            parsed[0].known_app_id().as_deref(),
            Some("00000003-0000-0000-c000-000000000000")
        );
        let error = parse_additional("Microsoft Graph Mail.Read").unwrap_err();
        assert!(error.starts_with("Line 1 "), "{error}");
        assert!(parse_additional("Graph: Mail.Read (both)").is_err());
        assert!(parse_additional("Graph: Mail Read (delegated)").is_err());
    }

    #[test]
    fn an_unknown_value_names_the_closest() {
        let sp = json!({"appId": "r", "displayName": "Microsoft Graph",
            "appRoles": [{"id": "1", "value": "User.Read.All", "isEnabled": true},
                         {"id": "2", "value": "Group.Read.All", "isEnabled": true}]});
        let request = AdditionalRequest {
            resource: "Microsoft Graph".to_owned(),
            value: "user.read.al".to_owned(),
            kind: PermissionType::Application,
        };
        let error = resolve(&request, &sp).unwrap_err();
        assert!(
            error.message().contains("The closest is \"User.Read.All\""),
            "{}",
            error.message()
        );
        let found = resolve(
            &AdditionalRequest {
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
