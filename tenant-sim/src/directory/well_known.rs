//! Identifiers that are the same in every Microsoft 365 tenant: first-party application ids, resource
//! identifiers, permission ids and built-in role template ids.
//!
//! Every id below was confirmed in at least two public sources (Microsoft documentation or public scripts
//! and permission dumps); `docs/microsoft-services.md` (sections "Well-known ids" and "Who may do
//! what") gives them with their sources. The complete permission lists the seeded service principals
//! carry come from the data file behind [`crate::directory::permissions`]; a test checks that the ids
//! named here agree with it.

/// How a delegated permission may be consented to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentKind {
    /// Any user may consent for themselves (`type: "User"` on the scope).
    User,
    /// Only an administrator may consent (`type: "Admin"` on the scope).
    Admin,
}

/// A delegated permission (an `oauth2PermissionScope` of a resource service principal).
#[derive(Clone, Copy, Debug)]
pub struct ScopeDefinition {
    /// The scope id.
    pub id: &'static str,
    /// The value as it appears in `scp` (`User.Read`).
    pub value: &'static str,
    /// Who may consent to it.
    pub consent: ConsentKind,
    /// The admin consent display name.
    pub display_name: &'static str,
}

/// An application permission (an `appRole` of a resource service principal).
#[derive(Clone, Copy, Debug)]
pub struct AppRoleDefinition {
    /// The app role id.
    pub id: &'static str,
    /// The value as it appears in `roles` (`Exchange.ManageAsApp`).
    pub value: &'static str,
    /// The display name.
    pub display_name: &'static str,
}

/// A built-in directory role.
#[derive(Clone, Copy, Debug)]
pub struct BuiltInRole {
    /// The role template id (the same in every tenant; also the role definition id).
    pub template_id: &'static str,
    /// The display name.
    pub display_name: &'static str,
}

/// Microsoft Graph's appId.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Microsoft Graph's resource identifier (the `aud` of its tokens).
pub const MICROSOFT_GRAPH_RESOURCE: &str = "https://graph.microsoft.com";
/// Office 365 Exchange Online's appId.
pub const EXCHANGE_ONLINE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
/// Office 365 Exchange Online's resource identifier.
pub const EXCHANGE_ONLINE_RESOURCE: &str = "https://outlook.office365.com";
/// Microsoft Graph Command Line Tools, the default sign-in public client.
pub const GRAPH_COMMAND_LINE_TOOLS_APP_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// Microsoft Azure CLI, a first-party public client.
pub const AZURE_CLI_APP_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Microsoft Azure PowerShell, a first-party public client.
pub const AZURE_POWERSHELL_APP_ID: &str = "1950a258-227b-4e31-a9cf-717495945fc2";
/// Windows Azure Service Management API's appId (the resource Azure CLI and PowerShell sign in to).
pub const AZURE_SERVICE_MANAGEMENT_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
/// Azure Service Management's resource identifier (with its trailing slash, as tokens carry it).
pub const AZURE_SERVICE_MANAGEMENT_RESOURCE: &str = "https://management.core.windows.net/";
/// Azure Service Management's one delegated permission, `user_impersonation`.
pub const AZURE_SERVICE_MANAGEMENT_USER_IMPERSONATION: ScopeDefinition = ScopeDefinition {
    id: "41094075-9dad-400e-a0bd-54e686782033",
    value: "user_impersonation",
    consent: ConsentKind::User,
    display_name: "Access Azure Service Management as organization users",
};
/// The Microsoft Graph scopes Azure CLI and Azure PowerShell are preauthorized for: a user of these
/// clients gets them without a consent prompt (what a `.default` request for Graph carries), as their
/// tokens show (<https://github.com/Azure/azure-cli/issues/22775>).
pub const AZURE_TOOLS_GRAPH_SCOPES: &[&str] = &[
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "AuditLog.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.AccessAsUser.All",
    "Group.ReadWrite.All",
    "User.Read.All",
    "User.ReadWrite.All",
];
/// The tenant that owns Microsoft's first-party applications (`appOwnerOrganizationId`).
pub const MICROSOFT_SERVICES_TENANT_ID: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/// The OpenID Connect scopes: consentable by users, never part of an access token's resource.
pub const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

/// Microsoft Graph's delegated permissions known to the simulator.
pub const GRAPH_SCOPES: &[ScopeDefinition] = &[
    ScopeDefinition {
        id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
        value: "User.Read",
        consent: ConsentKind::User,
        display_name: "Sign in and read user profile",
    },
    ScopeDefinition {
        id: "37f7f235-527c-4136-accd-4a02d197296e",
        value: "openid",
        consent: ConsentKind::User,
        display_name: "Sign users in",
    },
    ScopeDefinition {
        id: "14dad69e-099b-42c9-810b-d002981feec1",
        value: "profile",
        consent: ConsentKind::User,
        display_name: "View users' basic profile",
    },
    ScopeDefinition {
        id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
        value: "offline_access",
        consent: ConsentKind::User,
        display_name: "Maintain access to data you have given it access to",
    },
    ScopeDefinition {
        id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
        value: "email",
        consent: ConsentKind::User,
        display_name: "View users' email address",
    },
    ScopeDefinition {
        id: "a154be20-db9c-4678-8ab7-66f6cc099a59",
        value: "User.Read.All",
        consent: ConsentKind::Admin,
        display_name: "Read all users' full profiles",
    },
    ScopeDefinition {
        id: "c79f8feb-a9db-4090-85f9-90d820caa0eb",
        value: "Application.Read.All",
        consent: ConsentKind::Admin,
        display_name: "Read applications",
    },
    ScopeDefinition {
        id: "bdfbf15f-ee85-4955-8675-146e8e5296b5",
        value: "Application.ReadWrite.All",
        consent: ConsentKind::Admin,
        display_name: "Read and write all applications",
    },
    ScopeDefinition {
        id: "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
        value: "AppRoleAssignment.ReadWrite.All",
        consent: ConsentKind::Admin,
        display_name: "Manage app permission grants and app role assignments",
    },
    ScopeDefinition {
        id: "41ce6ca6-6826-4807-84f1-1c82854f7ee5",
        value: "DelegatedPermissionGrant.ReadWrite.All",
        consent: ConsentKind::Admin,
        display_name: "Manage all delegated permission grants",
    },
    ScopeDefinition {
        id: "d01b97e9-cbc0-49fe-810a-750afd5527a3",
        value: "RoleManagement.ReadWrite.Directory",
        consent: ConsentKind::Admin,
        display_name: "Read and write directory RBAC settings",
    },
    ScopeDefinition {
        id: "741c54c3-0c1e-44a1-818b-3f97ab4e8c83",
        value: "RoleManagement.Read.Directory",
        consent: ConsentKind::Admin,
        display_name: "Read directory RBAC settings",
    },
    ScopeDefinition {
        id: "eb0788c2-6d4e-4658-8c9e-c0fb8053f03d",
        value: "RoleEligibilitySchedule.Read.Directory",
        consent: ConsentKind::Admin,
        display_name: "Read all eligible role assignments for your company's directory",
    },
    ScopeDefinition {
        id: "06da0dbc-49e2-44d2-8312-53f166ab848a",
        value: "Directory.Read.All",
        consent: ConsentKind::Admin,
        display_name: "Read directory data",
    },
    ScopeDefinition {
        id: "c5366453-9fb0-48a5-a156-24f0c49a4b84",
        value: "Directory.ReadWrite.All",
        consent: ConsentKind::Admin,
        display_name: "Read and write directory data",
    },
];

/// Microsoft Graph's application permissions known to the simulator.
pub const GRAPH_APP_ROLES: &[AppRoleDefinition] = &[
    AppRoleDefinition {
        id: "741f803b-c850-494e-b5df-cde7c675a1ca",
        value: "User.ReadWrite.All",
        display_name: "Read and write all users' full profiles",
    },
    AppRoleDefinition {
        id: "62a82d76-70ea-41e2-9197-370581804d09",
        value: "Group.ReadWrite.All",
        display_name: "Read and write all groups",
    },
    AppRoleDefinition {
        id: "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        value: "Directory.Read.All",
        display_name: "Read directory data",
    },
    AppRoleDefinition {
        id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
        value: "Directory.ReadWrite.All",
        display_name: "Read and write directory data",
    },
    AppRoleDefinition {
        id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        value: "Application.Read.All",
        display_name: "Read all applications",
    },
    AppRoleDefinition {
        id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        value: "Application.ReadWrite.All",
        display_name: "Read and write all applications",
    },
    AppRoleDefinition {
        id: "18a4783c-866b-4cc7-a460-3d5e5662c884",
        value: "Application.ReadWrite.OwnedBy",
        display_name: "Manage apps that this app creates or owns",
    },
    AppRoleDefinition {
        id: "06b708a9-e830-4db3-a914-8e69da51d44f",
        value: "AppRoleAssignment.ReadWrite.All",
        display_name: "Manage app permission grants and app role assignments",
    },
    AppRoleDefinition {
        id: "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
        value: "DelegatedPermissionGrant.ReadWrite.All",
        display_name: "Manage all delegated permission grants",
    },
    AppRoleDefinition {
        id: "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
        value: "RoleManagement.ReadWrite.Directory",
        display_name: "Read and write all directory RBAC settings",
    },
];

/// Office 365 Exchange Online's application permissions known to the simulator.
pub const EXCHANGE_APP_ROLES: &[AppRoleDefinition] = &[AppRoleDefinition {
    id: "dc50a0fb-09a3-484d-be87-e023b12c6440",
    value: "Exchange.ManageAsApp",
    display_name: "Manage Exchange As Application",
}];

/// Global Administrator.
pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
/// Privileged Role Administrator.
pub const PRIVILEGED_ROLE_ADMINISTRATOR: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
/// Application Administrator.
pub const APPLICATION_ADMINISTRATOR: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
/// Cloud Application Administrator.
pub const CLOUD_APPLICATION_ADMINISTRATOR: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
/// Exchange Administrator.
pub const EXCHANGE_ADMINISTRATOR: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";
/// User Administrator.
pub const USER_ADMINISTRATOR: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
/// Directory Writers.
pub const DIRECTORY_WRITERS: &str = "9360feb5-f418-4baa-8175-e2a00bac4301";
/// Global Reader.
pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
/// Application Developer.
pub const APPLICATION_DEVELOPER: &str = "cf1c38e5-3621-4004-a7cb-879624dced7c";
/// Compliance Administrator.
pub const COMPLIANCE_ADMINISTRATOR: &str = "17315797-102d-40b4-93e0-432062caca18";
/// Exchange Recipient Administrator.
pub const EXCHANGE_RECIPIENT_ADMINISTRATOR: &str = "31392ffb-586c-42d1-9346-e59415a2cc4e";
/// Helpdesk Administrator.
pub const HELPDESK_ADMINISTRATOR: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
/// Security Administrator.
pub const SECURITY_ADMINISTRATOR: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
/// Security Reader.
pub const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

/// The built-in directory roles seeded in every tenant
/// (<https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference>).
pub const BUILT_IN_ROLES: &[BuiltInRole] = &[
    BuiltInRole {
        template_id: GLOBAL_ADMINISTRATOR,
        display_name: "Global Administrator",
    },
    BuiltInRole {
        template_id: PRIVILEGED_ROLE_ADMINISTRATOR,
        display_name: "Privileged Role Administrator",
    },
    BuiltInRole {
        template_id: APPLICATION_ADMINISTRATOR,
        display_name: "Application Administrator",
    },
    BuiltInRole {
        template_id: CLOUD_APPLICATION_ADMINISTRATOR,
        display_name: "Cloud Application Administrator",
    },
    BuiltInRole {
        template_id: EXCHANGE_ADMINISTRATOR,
        display_name: "Exchange Administrator",
    },
    BuiltInRole {
        template_id: USER_ADMINISTRATOR,
        display_name: "User Administrator",
    },
    BuiltInRole {
        template_id: DIRECTORY_WRITERS,
        display_name: "Directory Writers",
    },
    BuiltInRole {
        template_id: GLOBAL_READER,
        display_name: "Global Reader",
    },
    BuiltInRole {
        template_id: APPLICATION_DEVELOPER,
        display_name: "Application Developer",
    },
    BuiltInRole {
        template_id: COMPLIANCE_ADMINISTRATOR,
        display_name: "Compliance Administrator",
    },
    BuiltInRole {
        template_id: EXCHANGE_RECIPIENT_ADMINISTRATOR,
        display_name: "Exchange Recipient Administrator",
    },
    BuiltInRole {
        template_id: HELPDESK_ADMINISTRATOR,
        display_name: "Helpdesk Administrator",
    },
    BuiltInRole {
        template_id: SECURITY_ADMINISTRATOR,
        display_name: "Security Administrator",
    },
    BuiltInRole {
        template_id: SECURITY_READER,
        display_name: "Security Reader",
    },
];

/// Looks up a Microsoft Graph delegated permission by value (case-insensitive, as Entra matches scopes).
pub fn graph_scope(value: &str) -> Option<&'static ScopeDefinition> {
    GRAPH_SCOPES
        .iter()
        .find(|s| s.value.eq_ignore_ascii_case(value))
}

/// Looks up a built-in role by template id.
pub fn built_in_role(template_id: &str) -> Option<&'static BuiltInRole> {
    BUILT_IN_ROLES
        .iter()
        .find(|r| r.template_id.eq_ignore_ascii_case(template_id))
}
