//! The seeded tenant: organisation, built-in roles, the four users, Microsoft's first-party service
//! principals (the resources Microsoft Graph, Office 365 Exchange Online and Azure Service Management
//! with their published permissions; the public clients Microsoft Graph Command Line Tools, Azure CLI
//! and Azure PowerShell) and the sign-in client's consent state.

use serde_json::{Value, json};

use crate::directory::consent_type::ConsentType;
use crate::directory::data::{CredentialStore, DirectoryData};
use crate::directory::error::DirectoryError;
use crate::directory::object::object;
use crate::directory::organization::organization;
use crate::directory::permissions::published;
use crate::directory::users::built_in_role_definitions;
use crate::directory::well_known::{
    APPLICATION_ADMINISTRATOR, AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID,
    AZURE_SERVICE_MANAGEMENT_APP_ID, AZURE_SERVICE_MANAGEMENT_RESOURCE,
    AZURE_SERVICE_MANAGEMENT_USER_IMPERSONATION, AZURE_TOOLS_GRAPH_SCOPES, ConsentKind,
    EXCHANGE_ONLINE_APP_ID, EXCHANGE_ONLINE_RESOURCE, GLOBAL_ADMINISTRATOR,
    GRAPH_COMMAND_LINE_TOOLS_APP_ID, MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_RESOURCE,
    MICROSOFT_SERVICES_TENANT_ID, OIDC_SCOPES, PRIVILEGED_ROLE_ADMINISTRATOR, built_in_role,
};

/// What to seed.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// The tenant id; a random GUID when `None`.
    pub tenant_id: Option<uuid::Uuid>,
    /// The organisation's display name.
    pub organization_name: String,
    /// The first label of the initial domain (`contoso` → `contoso.onmicrosoft.com`).
    pub domain_prefix: String,
    /// Delegated Microsoft Graph scopes already consented tenant-wide (an `AllPrincipals` grant) for the
    /// sign-in client, Microsoft Graph Command Line Tools. Empty: nobody consented yet.
    pub sign_in_client_consented_scopes: Vec<String>,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions {
            tenant_id: None,
            organization_name: "Contoso".to_owned(),
            domain_prefix: "contoso".to_owned(),
            sign_in_client_consented_scopes: Vec::new(),
        }
    }
}

/// A seeded user and the roles it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededUser {
    /// The object id.
    pub id: String,
    /// The user principal name (`admin@contoso.onmicrosoft.com`).
    pub user_principal_name: String,
    /// The display name.
    pub display_name: String,
    /// Display names of the active directory roles.
    pub active_roles: Vec<String>,
    /// Display names of the eligible (PIM, not activated) directory roles.
    pub eligible_roles: Vec<String>,
}

/// The four seeded users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededUsers {
    /// A Global Administrator (the default sign-in user).
    pub global_admin: SeededUser,
    /// An Application Administrator without Privileged Role Administrator.
    pub application_admin: SeededUser,
    /// A user whose Privileged Role Administrator assignment is eligible (PIM) but not active.
    pub eligible_role_admin: SeededUser,
    /// A user with no directory role.
    pub plain_user: SeededUser,
}

impl SeededUsers {
    /// All four users, in a stable order.
    pub fn all(&self) -> [&SeededUser; 4] {
        [
            &self.global_admin,
            &self.application_admin,
            &self.eligible_role_admin,
            &self.plain_user,
        ]
    }
}

fn scope_json(id: &str, value: &str, admin: bool, display_name: &str) -> Value {
    json!({
        "adminConsentDescription": format!("Allows the app to: {display_name}."),
        "adminConsentDisplayName": display_name,
        "id": id,
        "isEnabled": true,
        "type": if admin { "Admin" } else { "User" },
        "userConsentDescription": format!("Allows the app to: {display_name}."),
        "userConsentDisplayName": display_name,
        "value": value,
    })
}

fn app_role_json(id: &str, value: &str, display_name: &str) -> Value {
    json!({
        "allowedMemberTypes": ["Application"],
        "description": format!("Allows the app to: {display_name}."),
        "displayName": display_name,
        "id": id,
        "isEnabled": true,
        "origin": "Application",
        "value": value,
    })
}

/// The app roles and scopes of a resource, from the published data file.
fn published_permissions(app_id: &str) -> (Vec<Value>, Vec<Value>) {
    let Some(resource) = published(app_id) else {
        return (Vec::new(), Vec::new());
    };
    let roles = resource
        .application
        .iter()
        .map(|role| app_role_json(&role.id, &role.value, &role.display_name))
        .collect();
    let scopes = resource
        .delegated
        .iter()
        .map(|scope| {
            scope_json(
                &scope.id,
                &scope.value,
                scope.admin_consent,
                &scope.display_name,
            )
        })
        .collect();
    (roles, scopes)
}

fn first_party_sp(
    data: &mut DirectoryData,
    app_id: &str,
    display_name: &str,
    names: &[&str],
    app_roles: Vec<Value>,
    scopes: Vec<Value>,
    reply_urls: &[&str],
) -> String {
    data.insert_service_principal(object([
        ("accountEnabled", json!(true)),
        ("appId", json!(app_id)),
        ("appDisplayName", json!(display_name)),
        ("displayName", json!(display_name)),
        (
            "appOwnerOrganizationId",
            json!(MICROSOFT_SERVICES_TENANT_ID),
        ),
        ("appRoleAssignmentRequired", json!(false)),
        ("appRoles", Value::Array(app_roles)),
        ("oauth2PermissionScopes", Value::Array(scopes)),
        ("keyCredentials", json!([])),
        ("passwordCredentials", json!([])),
        ("replyUrls", json!(reply_urls)),
        ("servicePrincipalNames", json!(names)),
        ("servicePrincipalType", json!("Application")),
        ("signInAudience", json!("AzureADMultipleOrgs")),
        ("tags", json!([])),
        ("deletedDateTime", Value::Null),
    ]))
    .id()
    .to_owned()
}

fn seeded_user(data: &DirectoryData, id: &str) -> SeededUser {
    let user = data
        .user(id)
        .cloned()
        .unwrap_or_else(|| crate::directory::DirectoryObject::new(Default::default()));
    let names = |ids: Vec<String>| {
        ids.iter()
            .filter_map(|t| built_in_role(t))
            .map(|r| r.display_name.to_owned())
            .collect()
    };
    SeededUser {
        id: id.to_owned(),
        user_principal_name: user.str("userPrincipalName").unwrap_or_default().to_owned(),
        display_name: user.str("displayName").unwrap_or_default().to_owned(),
        active_roles: names(data.active_role_template_ids(id)),
        eligible_roles: names(data.eligible_role_template_ids(id)),
    }
}

/// Builds the seeded directory.
pub(crate) fn seed(options: &SeedOptions) -> Result<(DirectoryData, SeededUsers), DirectoryError> {
    let tenant_id = options
        .tenant_id
        .unwrap_or_else(uuid::Uuid::new_v4)
        .to_string();
    let prefix: String = options
        .domain_prefix
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if prefix.is_empty() {
        return Err(DirectoryError::Invalid(
            "the domain prefix needs letters or digits".to_owned(),
        ));
    }
    let domain = format!("{prefix}.onmicrosoft.com");
    let mut data = DirectoryData {
        organization: organization(&tenant_id, &options.organization_name, &domain),
        tenant_id,
        role_definitions: built_in_role_definitions(),
        users: Vec::new(),
        applications: Vec::new(),
        service_principals: Vec::new(),
        role_assignments: Vec::new(),
        role_eligibilities: Vec::new(),
        app_role_assignments: Vec::new(),
        oauth2_permission_grants: Vec::new(),
        credentials: CredentialStore::default(),
        owners: Default::default(),
        preauthorized: Default::default(),
        seeded_at: tokio::time::Instant::now(),
    };

    let global_admin = data.add_user(&format!("admin@{domain}"), "Global Admin");
    data.assign_directory_role(&global_admin, GLOBAL_ADMINISTRATOR)?;
    let application_admin = data.add_user(&format!("appadmin@{domain}"), "Application Admin");
    data.assign_directory_role(&application_admin, APPLICATION_ADMINISTRATOR)?;
    let eligible = data.add_user(&format!("pimuser@{domain}"), "Eligible Role Admin");
    data.add_role_eligibility(&eligible, PRIVILEGED_ROLE_ADMINISTRATOR)?;
    let plain = data.add_user(&format!("user@{domain}"), "Plain User");

    let (graph_roles, graph_scopes) = published_permissions(MICROSOFT_GRAPH_APP_ID);
    first_party_sp(
        &mut data,
        MICROSOFT_GRAPH_APP_ID,
        "Microsoft Graph",
        &[
            MICROSOFT_GRAPH_APP_ID,
            MICROSOFT_GRAPH_RESOURCE,
            "https://graph.microsoft.com/",
            "https://canary.graph.microsoft.com",
        ],
        graph_roles,
        graph_scopes,
        &[],
    );
    let (exchange_roles, exchange_scopes) = published_permissions(EXCHANGE_ONLINE_APP_ID);
    first_party_sp(
        &mut data,
        EXCHANGE_ONLINE_APP_ID,
        "Office 365 Exchange Online",
        &[
            EXCHANGE_ONLINE_APP_ID,
            EXCHANGE_ONLINE_RESOURCE,
            "https://outlook.office365.com/",
            "https://outlook.office.com",
            "https://ps.outlook.com",
        ],
        exchange_roles,
        exchange_scopes,
        &[],
    );
    // Azure Service Management: a token for it lets Azure CLI and PowerShell sign in; no ARM API is
    // served behind it.
    let impersonation = AZURE_SERVICE_MANAGEMENT_USER_IMPERSONATION;
    first_party_sp(
        &mut data,
        AZURE_SERVICE_MANAGEMENT_APP_ID,
        "Windows Azure Service Management API",
        &[
            AZURE_SERVICE_MANAGEMENT_APP_ID,
            AZURE_SERVICE_MANAGEMENT_RESOURCE,
            "https://management.azure.com/",
        ],
        Vec::new(),
        vec![scope_json(
            impersonation.id,
            impersonation.value,
            impersonation.consent == ConsentKind::Admin,
            impersonation.display_name,
        )],
        &[],
    );
    let public_client_urls = [
        "http://localhost",
        "https://login.microsoftonline.com/common/oauth2/nativeclient",
    ];
    let cli = first_party_sp(
        &mut data,
        GRAPH_COMMAND_LINE_TOOLS_APP_ID,
        "Microsoft Graph Command Line Tools",
        &[GRAPH_COMMAND_LINE_TOOLS_APP_ID],
        Vec::new(),
        Vec::new(),
        &public_client_urls,
    );
    for (app_id, name) in [
        (AZURE_CLI_APP_ID, "Microsoft Azure CLI"),
        (AZURE_POWERSHELL_APP_ID, "Microsoft Azure PowerShell"),
    ] {
        first_party_sp(
            &mut data,
            app_id,
            name,
            &[app_id],
            Vec::new(),
            Vec::new(),
            &public_client_urls,
        );
        data.preauthorize(
            app_id,
            MICROSOFT_GRAPH_APP_ID,
            AZURE_TOOLS_GRAPH_SCOPES.iter().chain(&OIDC_SCOPES).copied(),
        );
        data.preauthorize(
            app_id,
            AZURE_SERVICE_MANAGEMENT_APP_ID,
            [impersonation.value],
        );
    }
    if !options.sign_in_client_consented_scopes.is_empty() {
        let graph = data
            .service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
            .map(|sp| sp.id().to_owned())
            .unwrap_or_default();
        let scopes: Vec<&str> = options
            .sign_in_client_consented_scopes
            .iter()
            .map(String::as_str)
            .collect();
        data.grant_delegated_scopes(&cli, &graph, ConsentType::AllPrincipals, None, &scopes)?;
    }

    data.seeded_at = tokio::time::Instant::now();
    let users = SeededUsers {
        global_admin: seeded_user(&data, &global_admin),
        application_admin: seeded_user(&data, &application_admin),
        eligible_role_admin: seeded_user(&data, &eligible),
        plain_user: seeded_user(&data, &plain),
    };
    Ok((data, users))
}
