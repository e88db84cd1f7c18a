//! The collections Graph lists, and what `$filter` supports on each (each set cites the resource page
//! whose property table says which properties support `$filter`).

/// A property a set supports in `$filter`, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterProperty {
    /// The property name.
    pub name: &'static str,
    /// A collection of strings, filtered with `any(x:x eq '…')`.
    pub collection: bool,
    /// `startswith` is supported (besides `eq`).
    pub starts_with: bool,
}

const fn eq(name: &'static str) -> FilterProperty {
    FilterProperty {
        name,
        collection: false,
        starts_with: false,
    }
}

const fn eq_and_starts_with(name: &'static str) -> FilterProperty {
    FilterProperty {
        name,
        collection: false,
        starts_with: true,
    }
}

const fn any(name: &'static str) -> FilterProperty {
    FilterProperty {
        name,
        collection: true,
        starts_with: false,
    }
}

/// A collection Graph lists: its name in `@odata.context`, its type, and what `$filter` supports on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitySet {
    /// The type name without namespace (`application`), used for `$select` checks and messages.
    pub type_name: &'static str,
    /// The resource name Graph uses in `$filter` messages (`Application`).
    pub resource: &'static str,
    /// The properties `$filter` supports.
    pub filterable: &'static [FilterProperty],
}

/// The navigation properties tenant-sim expands on `type_name` (`$expand`): the owners of an
/// application or service principal, the principal and role definition of a role assignment
/// (<https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments>, example with
/// `$expand=principal`).
pub fn expandable(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "application" | "servicePrincipal" => &["owners"],
        "unifiedRoleAssignment" => &["principal", "roleDefinition"],
        _ => &[],
    }
}

impl EntitySet {
    pub(crate) fn filter_property(&self, name: &str) -> Option<&FilterProperty> {
        self.filterable
            .iter()
            .find(|property| property.name == name)
    }
}

/// `/applications` (<https://learn.microsoft.com/en-us/graph/api/resources/application>, `$filter` column).
pub const APPLICATIONS: EntitySet = EntitySet {
    type_name: "application",
    resource: "Application",
    filterable: &[
        eq("id"),
        eq("appId"),
        eq_and_starts_with("displayName"),
        eq("uniqueName"),
        eq("signInAudience"),
        eq_and_starts_with("publisherDomain"),
        any("identifierUris"),
        any("tags"),
    ],
};

/// `/servicePrincipals` (<https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal>).
pub const SERVICE_PRINCIPALS: EntitySet = EntitySet {
    type_name: "servicePrincipal",
    resource: "ServicePrincipal",
    filterable: &[
        eq("id"),
        eq("appId"),
        eq_and_starts_with("displayName"),
        eq("accountEnabled"),
        eq("servicePrincipalType"),
        any("servicePrincipalNames"),
        any("tags"),
    ],
};

/// `/servicePrincipals/{id}/appRoleAssignedTo` (<https://learn.microsoft.com/en-us/graph/api/resources/approleassignment>).
pub const APP_ROLE_ASSIGNMENTS: EntitySet = EntitySet {
    type_name: "appRoleAssignment",
    resource: "AppRoleAssignment",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("resourceId"),
        eq("appRoleId"),
    ],
};

/// `/oauth2PermissionGrants` (<https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list>).
pub const OAUTH2_PERMISSION_GRANTS: EntitySet = EntitySet {
    type_name: "oAuth2PermissionGrant",
    resource: "OAuth2PermissionGrant",
    filterable: &[
        eq("id"),
        eq("clientId"),
        eq("consentType"),
        eq("principalId"),
        eq("resourceId"),
    ],
};

/// `/roleManagement/directory/roleAssignments` (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleassignments>).
pub const ROLE_ASSIGNMENTS: EntitySet = EntitySet {
    type_name: "unifiedRoleAssignment",
    resource: "UnifiedRoleAssignment",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("roleDefinitionId"),
        eq("directoryScopeId"),
        eq("appScopeId"),
    ],
};

/// `/roleManagement/directory/roleDefinitions` (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roledefinitions>).
pub const ROLE_DEFINITIONS: EntitySet = EntitySet {
    type_name: "unifiedRoleDefinition",
    resource: "UnifiedRoleDefinition",
    filterable: &[
        eq("id"),
        eq("templateId"),
        eq_and_starts_with("displayName"),
        eq("isBuiltIn"),
    ],
};

/// `/roleManagement/directory/roleEligibilityScheduleInstances`
/// (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleeligibilityscheduleinstances>).
pub const ROLE_ELIGIBILITY_SCHEDULE_INSTANCES: EntitySet = EntitySet {
    type_name: "unifiedRoleEligibilityScheduleInstance",
    resource: "UnifiedRoleEligibilityScheduleInstance",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("roleDefinitionId"),
        eq("directoryScopeId"),
    ],
};

/// `/roleManagement/directory/roleAssignmentScheduleInstances`
/// (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleassignmentscheduleinstances>).
pub const ROLE_ASSIGNMENT_SCHEDULE_INSTANCES: EntitySet = EntitySet {
    type_name: "unifiedRoleAssignmentScheduleInstance",
    resource: "UnifiedRoleAssignmentScheduleInstance",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("roleDefinitionId"),
        eq("directoryScopeId"),
        eq("assignmentType"),
    ],
};

/// `/me/memberOf` and `/me/transitiveMemberOf` (<https://learn.microsoft.com/en-us/graph/api/user-list-memberof>).
pub const MEMBER_OF: EntitySet = EntitySet {
    type_name: "directoryObject",
    resource: "DirectoryObject",
    filterable: &[eq("id"), eq_and_starts_with("displayName")],
};

/// `/organization` and other small sets that nothing filters.
pub const ORGANIZATION: EntitySet = EntitySet {
    type_name: "organization",
    resource: "Organization",
    filterable: &[eq("id")],
};

/// `/users` (<https://learn.microsoft.com/graph/api/resources/user>, `$filter` column).
pub const USERS: EntitySet = EntitySet {
    type_name: "user",
    resource: "User",
    filterable: &[
        eq("id"),
        eq_and_starts_with("userPrincipalName"),
        eq_and_starts_with("displayName"),
        eq_and_starts_with("mail"),
        eq("accountEnabled"),
        eq("userType"),
    ],
};

/// `/directoryRoles` (<https://learn.microsoft.com/graph/api/resources/directoryrole>).
pub const DIRECTORY_ROLES: EntitySet = EntitySet {
    type_name: "directoryRole",
    resource: "DirectoryRole",
    filterable: &[
        eq("id"),
        eq("roleTemplateId"),
        eq_and_starts_with("displayName"),
    ],
};

/// `/domains`.
pub const DOMAINS: EntitySet = EntitySet {
    type_name: "domain",
    resource: "Domain",
    filterable: &[eq("id")],
};
