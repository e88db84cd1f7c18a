//! What the connector says about itself: identity, version, ABI version, settings schema, the wizard steps,
//! and the exact directory roles and permissions it requests (names and ids).
//!
//! Ids: <https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference> and
//! <https://learn.microsoft.com/graph/permissions-reference> (gathered with their sources in
//! `docs/microsoft-services.md`).

use connector_abi::{CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR};
use serde::Serialize;
use serde_json::Value;

use crate::operation::Step;
use crate::settings::{Schema, schema};

/// The connector's stable name.
pub const NAME: &str = "m365";

/// The connector's name for people.
pub const DISPLAY_NAME: &str = "Microsoft 365 Connector";

/// A directory role the connector assigns to the application's service principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DirectoryRole {
    /// The role's display name.
    pub name: &'static str,
    /// The role's template id (the same in every tenant).
    pub id: &'static str,
}

/// The directory roles the connector assigns, as the console lists them.
pub const DIRECTORY_ROLES: [DirectoryRole; 3] = [
    DirectoryRole {
        name: "Directory Writers",
        id: "9360feb5-f418-4baa-8175-e2a00bac4301",
    },
    DirectoryRole {
        name: "Exchange Administrator",
        id: "29232cdf-9323-42fd-ade2-1d097af3e4de",
    },
    DirectoryRole {
        name: "User Administrator",
        id: "fe930be7-5e62-47db-91af-98c3a49a38b1",
    },
];

/// A Microsoft application (a "resource") whose permissions the connector requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// The resource application's name.
    pub name: &'static str,
    /// Its application (client) id, the same in every tenant.
    pub app_id: &'static str,
}

/// Microsoft Graph.
pub const MICROSOFT_GRAPH: Resource = Resource {
    name: "Microsoft Graph",
    app_id: "00000003-0000-0000-c000-000000000000",
};

/// Office 365 Exchange Online.
pub const EXCHANGE_ONLINE: Resource = Resource {
    name: "Office 365 Exchange Online",
    app_id: "00000002-0000-0ff1-ce00-000000000000",
};

/// Whether a permission acts for a signed-in user or as the application itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionType {
    /// A delegated permission (an OAuth2 scope; `Scope` in `requiredResourceAccess`).
    Delegated,
    /// An application permission (an app role; `Role` in `requiredResourceAccess`).
    Application,
}

/// A permission the application requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Permission {
    /// The resource that defines the permission.
    pub resource: Resource,
    /// The permission's value, e.g. `User.Read`.
    pub name: &'static str,
    /// What the Azure portal and the consent dialog show.
    pub display_name: &'static str,
    /// The scope or app role id, the same in every tenant.
    pub id: &'static str,
    /// Delegated or application.
    #[serde(rename = "type")]
    pub permission_type: PermissionType,
    /// Whether the connector asks an administrator to consent on behalf of the organization.
    pub admin_consent_required: bool,
}

/// The permissions the connector requests, as the console lists them. Both get admin consent in the
/// Consent step: `Exchange.ManageAsApp` because application permissions always need it, `User.Read` because
/// the connector grants it for all users rather than asking each one.
pub const PERMISSIONS: [Permission; 2] = [
    Permission {
        resource: MICROSOFT_GRAPH,
        name: "User.Read",
        display_name: "Sign in and read user profile",
        id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
        permission_type: PermissionType::Delegated,
        admin_consent_required: true,
    },
    Permission {
        resource: EXCHANGE_ONLINE,
        name: "Exchange.ManageAsApp",
        display_name: "Manage Exchange As Application",
        id: "dc50a0fb-09a3-484d-be87-e023b12c6440",
        permission_type: PermissionType::Application,
        admin_consent_required: true,
    },
];

#[derive(Serialize)]
struct AbiVersion {
    major: u16,
    minor: u16,
}

#[derive(Serialize)]
struct StepInfo {
    name: &'static str,
    label: &'static str,
    operation: Option<&'static str>,
    modes: &'static [&'static str],
    fields: Vec<&'static str>,
}

#[derive(Serialize)]
struct Requests {
    directory_roles: &'static [DirectoryRole],
    permissions: &'static [Permission],
}

#[derive(Serialize)]
struct Description {
    name: &'static str,
    display_name: &'static str,
    version: &'static str,
    abi_version: AbiVersion,
    settings_schema: Schema,
    steps: Vec<StepInfo>,
    requests: Requests,
}

/// The `data` of the `describe` result.
pub fn describe() -> Value {
    let schema = schema();
    let steps = Step::ALL
        .into_iter()
        .map(|step| StepInfo {
            name: step.name(),
            label: step.label(),
            operation: step.operation().map(|operation| operation.name()),
            modes: step.modes(),
            fields: schema.fields_of(step),
        })
        .collect();
    let description = Description {
        name: NAME,
        display_name: DISPLAY_NAME,
        version: env!("CARGO_PKG_VERSION"),
        abi_version: AbiVersion {
            major: CONNECTOR_ABI_VERSION_MAJOR,
            minor: CONNECTOR_ABI_VERSION_MINOR,
        },
        settings_schema: schema,
        steps,
        requests: Requests {
            directory_roles: &DIRECTORY_ROLES,
            permissions: &PERMISSIONS,
        },
    };
    serde_json::to_value(description).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{EXCHANGE_ONLINE, describe};

    #[test]
    fn the_description_names_roles_and_permissions() {
        let data = describe();
        assert_eq!(
            data["requests"]["directory_roles"][1]["name"],
            "Exchange Administrator"
        );
        assert_eq!(
            data["requests"]["permissions"][1]["resource"]["app_id"],
            EXCHANGE_ONLINE.app_id
        );
        assert_eq!(data["requests"]["permissions"][0]["type"], "delegated");
        assert_eq!(data["steps"][2]["operation"], "authenticate");
    }

    #[test]
    fn the_steps_list_the_fields_of_their_groups() {
        let data = describe();
        assert_eq!(data["steps"][0]["fields"], serde_json::json!(["mode"]));
        let application = data["steps"][3]["fields"].as_array().unwrap();
        assert!(application.contains(&"application_name".into()));
        assert!(application.contains(&"certificate_pem".into()));
        assert_eq!(data["steps"][7]["operation"], serde_json::Value::Null);
    }
}
