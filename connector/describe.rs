//! What the connector says about itself: identity, version, ABI version, settings schema, the wizard steps,
//! and the exact directory roles and permissions it requests (names and ids).
//!
//! Ids: <https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference> and
//! <https://learn.microsoft.com/graph/permissions-reference> (see also the project's reference, section 2).

use connector_abi::{CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR};
use serde::Serialize;
use serde_json::Value;

use crate::settings::{Schema, schema};

/// The connector's stable name.
pub const NAME: &str = "m365";

/// The connector's name for people.
pub const DISPLAY_NAME: &str = "Microsoft 365 Connector";

/// A step of the configuration wizard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Choose auto or manual configuration.
    Mode,
    /// Say how many directories the tenant holds, and which.
    Tenant,
    /// Log in to Azure as an administrator.
    SignIn,
    /// Name the Azure application (auto), or give the registered one and its certificate (manual).
    Application,
    /// Create or update the Azure application.
    Provision,
    /// Grant admin consent to its permissions.
    Consent,
    /// Test the connection.
    Test,
    /// Save the connection.
    Finish,
}

impl Step {
    /// Every step, in wizard order.
    pub const ALL: [Step; 8] = [
        Step::Mode,
        Step::Tenant,
        Step::SignIn,
        Step::Application,
        Step::Provision,
        Step::Consent,
        Step::Test,
        Step::Finish,
    ];

    /// The step's stable name.
    pub fn name(self) -> &'static str {
        match self {
            Step::Mode => "mode",
            Step::Tenant => "tenant",
            Step::SignIn => "sign_in",
            Step::Application => "application",
            Step::Provision => "provision",
            Step::Consent => "consent",
            Step::Test => "test",
            Step::Finish => "finish",
        }
    }

    /// What a console shows for the step.
    pub fn label(self) -> &'static str {
        match self {
            Step::Mode => "Choose auto or manual configuration",
            Step::Tenant => "Azure tenant",
            Step::SignIn => "Log in to Azure",
            Step::Application => "Azure application",
            Step::Provision => "Create or update Azure application",
            Step::Consent => "Consent",
            Step::Test => "Test connection",
            Step::Finish => "Finish",
        }
    }

    /// The operation a host calls in this step (`None`: the host only collects settings, or saves them).
    pub fn operation(self) -> Option<&'static str> {
        match self {
            Step::Mode | Step::Tenant | Step::Application => Some("configure"),
            Step::SignIn => Some("authenticate"),
            Step::Provision => Some("provision"),
            Step::Consent => Some("consent"),
            Step::Test => Some("test"),
            Step::Finish => None,
        }
    }

    /// The configuration modes (`mode` setting) the step belongs to.
    pub fn modes(self) -> &'static [&'static str] {
        match self {
            Step::Mode | Step::Tenant | Step::Application | Step::Test | Step::Finish => {
                &["auto", "manual"]
            }
            Step::SignIn | Step::Provision | Step::Consent => &["auto"],
        }
    }

    /// The settings fields the host collects in this step (they belong to the step's operation).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Step::Mode => &["mode"],
            Step::Tenant => &[
                "tenant_mode",
                "tenant_id",
                "cloud",
                "authority_host",
                "graph_endpoint",
                "exchange_endpoint",
                "extra_ca_pem",
            ],
            Step::SignIn => &["sign_in_method", "client_id"],
            Step::Application => &[
                "application_name",
                "application_id",
                "credential_type",
                "credential_lifetime_days",
                "certificate_thumbprint",
                "certificate_pem",
                "certificate_path",
                "certificate_store",
            ],
            Step::Provision | Step::Consent | Step::Test | Step::Finish => &[],
        }
    }
}

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
    fields: &'static [&'static str],
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
    let description = Description {
        name: NAME,
        display_name: DISPLAY_NAME,
        version: env!("CARGO_PKG_VERSION"),
        abi_version: AbiVersion {
            major: CONNECTOR_ABI_VERSION_MAJOR,
            minor: CONNECTOR_ABI_VERSION_MINOR,
        },
        settings_schema: schema(),
        steps: Step::ALL
            .into_iter()
            .map(|step| StepInfo {
                name: step.name(),
                label: step.label(),
                operation: step.operation(),
                modes: step.modes(),
                fields: step.fields(),
            })
            .collect(),
        requests: Requests {
            directory_roles: &DIRECTORY_ROLES,
            permissions: &PERMISSIONS,
        },
    };
    serde_json::to_value(description).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{EXCHANGE_ONLINE, Step, describe};
    use crate::settings::schema;

    #[test]
    fn every_schema_field_belongs_to_exactly_one_step() {
        let schema = schema();
        for field in &schema.fields {
            let owners = Step::ALL
                .iter()
                .filter(|s| s.fields().contains(&field.name))
                .count();
            assert_eq!(owners, 1, "{} is collected in {owners} steps", field.name);
        }
        let listed: usize = Step::ALL.iter().map(|s| s.fields().len()).sum();
        assert_eq!(listed, schema.fields.len());
    }

    #[test]
    fn step_names_serialise_as_their_names() {
        for step in Step::ALL {
            assert_eq!(serde_json::to_value(step).unwrap(), step.name());
        }
    }

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
}
