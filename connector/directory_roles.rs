//! The built-in Entra ID directory roles the connector reasons about: who may do each step of the wizard.
//! Template ids are the same in every tenant:
//! <https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference>.

use crate::describe::DirectoryRole;

/// Global Administrator.
pub const GLOBAL_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Global Administrator",
    id: "62e90394-69f5-4237-9190-012177145e10",
};
/// Privileged Role Administrator.
pub const PRIVILEGED_ROLE_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Privileged Role Administrator",
    id: "e8611ab8-c189-46e8-94e1-60213ab1f814",
};
/// Application Administrator.
pub const APPLICATION_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Application Administrator",
    id: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
};
/// Cloud Application Administrator.
pub const CLOUD_APPLICATION_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Cloud Application Administrator",
    id: "158c047a-c907-4556-b7ef-446551a6b5f7",
};
/// Application Developer.
pub const APPLICATION_DEVELOPER: DirectoryRole = DirectoryRole {
    name: "Application Developer",
    id: "cf1c38e5-3621-4004-a7cb-879624dced7c",
};
/// Directory Writers.
pub const DIRECTORY_WRITERS: DirectoryRole = DirectoryRole {
    name: "Directory Writers",
    id: "9360feb5-f418-4baa-8175-e2a00bac4301",
};
/// User Administrator.
pub const USER_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "User Administrator",
    id: "fe930be7-5e62-47db-91af-98c3a49a38b1",
};
/// Exchange Administrator.
pub const EXCHANGE_ADMINISTRATOR: DirectoryRole = DirectoryRole {
    name: "Exchange Administrator",
    id: "29232cdf-9323-42fd-ade2-1d097af3e4de",
};
/// Global Reader.
pub const GLOBAL_READER: DirectoryRole = DirectoryRole {
    name: "Global Reader",
    id: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
};

/// Every role above, to name a template id when the directory does not.
pub const KNOWN: [DirectoryRole; 9] = [
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
    APPLICATION_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    APPLICATION_DEVELOPER,
    DIRECTORY_WRITERS,
    USER_ADMINISTRATOR,
    EXCHANGE_ADMINISTRATOR,
    GLOBAL_READER,
];

/// The roles that may create the application and its service principal
/// (<https://learn.microsoft.com/graph/api/application-post-applications>,
/// <https://learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals>).
pub const MAY_CREATE_APPLICATION: [DirectoryRole; 4] = [
    GLOBAL_ADMINISTRATOR,
    APPLICATION_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    APPLICATION_DEVELOPER,
];

/// The roles that may assign directory roles
/// (<https://learn.microsoft.com/graph/api/rbacapplication-post-roleassignments>).
pub const MAY_ASSIGN_ROLES: [DirectoryRole; 2] =
    [GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR];

/// The roles that may grant a Microsoft Graph *application* permission (an app role of Microsoft Graph),
/// which an additional permission may be
/// (<https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent>).
pub const MAY_GRANT_GRAPH_APP_ROLES: [DirectoryRole; 2] =
    [GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR];

/// The roles that may grant both of the connector's consents: an Exchange Online app role and a delegated
/// Microsoft Graph grant (<https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent>;
/// a Microsoft Graph *app role* would need Privileged Role Administrator or Global Administrator).
pub const MAY_GRANT_CONSENT: [DirectoryRole; 6] = [
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
    APPLICATION_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    DIRECTORY_WRITERS,
    USER_ADMINISTRATOR,
];

/// The known role with this template id.
pub fn by_template_id(id: &str) -> Option<DirectoryRole> {
    KNOWN
        .into_iter()
        .find(|role| role.id.eq_ignore_ascii_case(id))
}
