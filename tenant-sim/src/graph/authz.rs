//! Who may call what: the authorization table (`docs/microsoft-services.md`, "Who may do what"), as a
//! pure function.
//!
//! A delegated call needs one of the listed scopes in the token's `scp` and, where Microsoft requires
//! one, an active directory role of the signed-in user (Global Administrator always counts). An app-only
//! call needs one of the listed app roles in `roles`. A token with neither `scp` nor `roles` is refused
//! with Graph's `AccessDenied` answer; a missing permission or role is 403
//! `Authorization_RequestDenied`. Handlers build a [`Caller`] from the validated token (and the user's
//! active role templates from the directory) and call [`authorize`] with the [`Operation`] they serve.
//!
//! Sources per row are in [`Operation`]'s docs; G = `https://learn.microsoft.com/en-us/graph/api/`.

use uuid::{Uuid, uuid};

use crate::graph::error::GraphError;

/// Directory role template ids (<https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference>).
pub mod roles {
    use super::{Uuid, uuid};

    /// Global Administrator.
    pub const GLOBAL_ADMINISTRATOR: Uuid = uuid!("62e90394-69f5-4237-9190-012177145e10");
    /// Privileged Role Administrator.
    pub const PRIVILEGED_ROLE_ADMINISTRATOR: Uuid = uuid!("e8611ab8-c189-46e8-94e1-60213ab1f814");
    /// Application Administrator.
    pub const APPLICATION_ADMINISTRATOR: Uuid = uuid!("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3");
    /// Cloud Application Administrator.
    pub const CLOUD_APPLICATION_ADMINISTRATOR: Uuid = uuid!("158c047a-c907-4556-b7ef-446551a6b5f7");
    /// Application Developer.
    pub const APPLICATION_DEVELOPER: Uuid = uuid!("cf1c38e5-3621-4004-a7cb-879624dced7c");
    /// Directory Writers.
    pub const DIRECTORY_WRITERS: Uuid = uuid!("9360feb5-f418-4baa-8175-e2a00bac4301");
    /// User Administrator.
    pub const USER_ADMINISTRATOR: Uuid = uuid!("fe930be7-5e62-47db-91af-98c3a49a38b1");
    /// Exchange Administrator.
    pub const EXCHANGE_ADMINISTRATOR: Uuid = uuid!("29232cdf-9323-42fd-ade2-1d097af3e4de");
    /// Global Reader.
    pub const GLOBAL_READER: Uuid = uuid!("f2ef992c-3afb-46b9-b7cf-a126ee74c451");
    /// Directory Readers.
    pub const DIRECTORY_READERS: Uuid = uuid!("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
    /// Security Reader.
    pub const SECURITY_READER: Uuid = uuid!("5d6b6bb7-de71-4623-b4af-96380a352509");
    /// Security Administrator.
    pub const SECURITY_ADMINISTRATOR: Uuid = uuid!("194ae4cb-b126-40b2-bd5b-6091b380977d");
    /// Security Operator.
    pub const SECURITY_OPERATOR: Uuid = uuid!("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f");
    /// Hybrid Identity Administrator.
    pub const HYBRID_IDENTITY_ADMINISTRATOR: Uuid = uuid!("8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2");
    /// Identity Governance Administrator.
    pub const IDENTITY_GOVERNANCE_ADMINISTRATOR: Uuid =
        uuid!("45d8d3c5-c802-45c6-b32a-1d70b5e1e86e");
}

/// Who is calling, from the validated access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A user token: the `scp` scopes and the signed-in user's *active* role template ids (eligible PIM
    /// roles do not count until activated).
    Delegated {
        /// The scopes of `scp`.
        scopes: Vec<String>,
        /// Active directory role template ids of the user.
        active_roles: Vec<Uuid>,
    },
    /// An app-only token: the app roles of `roles`.
    Application {
        /// The app roles of `roles`.
        roles: Vec<String>,
    },
    /// A token with neither `scp` nor `roles` (e.g. client credentials for Graph with no Graph app role).
    NoPermissions,
}

impl Caller {
    /// The caller a token describes: delegated when `scp` is present and not empty, app-only when `roles`
    /// is, else [`Caller::NoPermissions`].
    pub fn from_claims(scp: Option<&str>, roles: &[String], active_roles: Vec<Uuid>) -> Self {
        let scopes: Vec<String> = scp
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if !scopes.is_empty() {
            Caller::Delegated {
                scopes,
                active_roles,
            }
        } else if !roles.is_empty() {
            Caller::Application {
                roles: roles.to_vec(),
            }
        } else {
            Caller::NoPermissions
        }
    }
}

/// A Graph operation, as the authorization table distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `GET /applications…` (G application-list, application-get).
    ReadApplications,
    /// `POST`/`PATCH`/upsert/`DELETE` of an application, `keyCredentials` by `PATCH`
    /// (G application-post-applications, -update, -upsert, -delete). `caller_owns` is true for a create
    /// (the creator becomes owner) and when the caller owns the existing app.
    WriteApplication {
        /// The caller owns (or is creating) the application.
        caller_owns: bool,
    },
    /// `POST /applications/{id}/addPassword` (G application-addpassword).
    AddPassword {
        /// The caller owns the application.
        caller_owns: bool,
    },
    /// `GET /servicePrincipals…` (G serviceprincipal-get).
    ReadServicePrincipals,
    /// `POST /servicePrincipals`, the `appId` upsert (G serviceprincipal-post-serviceprincipals, -upsert).
    /// A non-admin owner of the (single-tenant) application needs Application Developer.
    CreateServicePrincipal {
        /// The caller owns the application.
        caller_owns_application: bool,
    },
    /// `POST`/`DELETE` `/roleManagement/directory/roleAssignments` (G rbacapplication-post-roleassignments).
    WriteRoleAssignments,
    /// `GET /roleManagement/directory/roleAssignments` and `roleDefinitions` (G rbacapplication-list-roleassignments).
    ReadRoleAssignments,
    /// `POST`/`DELETE` `/servicePrincipals/{resource}/appRoleAssignedTo`
    /// (G serviceprincipal-post-approleassignedto; E grant-admin-consent): only Privileged Role
    /// Administrator or Global Administrator may grant Microsoft Graph app roles.
    WriteAppRoleAssignments {
        /// The resource service principal is Microsoft Graph (or Azure AD Graph).
        resource_is_graph: bool,
    },
    /// `GET /servicePrincipals/{id}/appRoleAssignedTo` (G serviceprincipal-list-approleassignedto).
    ReadAppRoleAssignments,
    /// `POST`/`PATCH`/`DELETE` `/oauth2PermissionGrants` (G oauth2permissiongrant-post, -update).
    WriteDelegatedGrants,
    /// `GET /oauth2PermissionGrants` (G oauth2permissiongrant-list).
    ReadDelegatedGrants,
    /// `GET /organization` (G organization-list).
    ReadOrganization,
    /// `GET /me`, `/me/memberOf`, `/me/transitiveMemberOf` (G user-get, user-list-memberof).
    ReadMe,
    /// `GET …/roleEligibilityScheduleInstances`; `own` for `filterByCurrentUser(on='principal')`
    /// (G rbacapplication-list-roleeligibilityscheduleinstances).
    ReadRoleEligibility {
        /// Only the caller's own eligibilities.
        own: bool,
    },
    /// `GET /users`, `/users/{id}` (G user-list, user-get): `own` when the user read is the signed-in
    /// user, which `User.Read` allows.
    ReadUsers {
        /// The caller reads itself.
        own: bool,
    },
    /// `GET /directoryRoles…` (G directoryrole-list, directoryrole-get).
    ReadDirectoryRoles,
    /// `GET /domains…` (G domain-list, domain-get).
    ReadDomains,
}

/// One rule: the permissions that allow it (any one), and the roles a signed-in user needs (any one;
/// empty = none needed).
struct Rule {
    delegated_scopes: &'static [&'static str],
    user_roles: &'static [Uuid],
    app_roles: &'static [&'static str],
    /// A second permission also needed (any one of these), e.g. `Application.Read.All` beside
    /// `AppRoleAssignment.ReadWrite.All`.
    also_needed: &'static [&'static str],
    app_only_supported: bool,
}

const READ_APPS_DELEGATED: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const READ_APPS_APP: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const APP_ADMINS: &[Uuid] = &[
    roles::APPLICATION_ADMINISTRATOR,
    roles::CLOUD_APPLICATION_ADMINISTRATOR,
];
const READ_ROLE_ASSIGNMENTS: &[&str] = &[
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
];
const GRANT_WRITERS: &[Uuid] = &[
    roles::APPLICATION_ADMINISTRATOR,
    roles::CLOUD_APPLICATION_ADMINISTRATOR,
    roles::APPLICATION_DEVELOPER,
    roles::DIRECTORY_WRITERS,
    roles::PRIVILEGED_ROLE_ADMINISTRATOR,
    roles::USER_ADMINISTRATOR,
];
const GRANT_READERS: &[Uuid] = &[
    roles::APPLICATION_ADMINISTRATOR,
    roles::CLOUD_APPLICATION_ADMINISTRATOR,
    roles::APPLICATION_DEVELOPER,
    roles::DIRECTORY_WRITERS,
    roles::PRIVILEGED_ROLE_ADMINISTRATOR,
    roles::USER_ADMINISTRATOR,
    roles::GLOBAL_READER,
    roles::DIRECTORY_READERS,
];
const ELIGIBILITY_SCOPES: &[&str] = &[
    "RoleEligibilitySchedule.Read.Directory",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
];
const READ_USERS: &[&str] = &[
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// Reading the signed-in user (`/me`, or `/users/{own id}`).
const READ_OWN_USER: &[&str] = &[
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const READ_DIRECTORY_ROLES: &[&str] = &[
    "RoleManagement.Read.Directory",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
];
const READ_DOMAINS: &[&str] = &[
    "Domain.Read.All",
    "Directory.Read.All",
    "Domain.ReadWrite.All",
    "Directory.ReadWrite.All",
];
const APP_READ_PAIR: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

impl Operation {
    fn rule(self) -> Rule {
        let rule = |delegated_scopes, user_roles, app_roles| Rule {
            delegated_scopes,
            user_roles,
            app_roles,
            also_needed: &[],
            app_only_supported: true,
        };
        match self {
            Operation::ReadApplications | Operation::ReadServicePrincipals => {
                rule(READ_APPS_DELEGATED, &[], READ_APPS_APP)
            }
            Operation::WriteApplication { caller_owns } => rule(
                &["Application.ReadWrite.All"],
                if caller_owns { &[] } else { APP_ADMINS },
                if caller_owns {
                    &["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"]
                } else {
                    &["Application.ReadWrite.All"]
                },
            ),
            Operation::AddPassword { caller_owns } => rule(
                &["Application.ReadWrite.All", "Directory.ReadWrite.All"],
                if caller_owns { &[] } else { APP_ADMINS },
                if caller_owns {
                    &[
                        "Application.ReadWrite.OwnedBy",
                        "Application.ReadWrite.All",
                        "Directory.ReadWrite.All",
                    ]
                } else {
                    &["Application.ReadWrite.All", "Directory.ReadWrite.All"]
                },
            ),
            Operation::CreateServicePrincipal {
                caller_owns_application,
            } => rule(
                &["Application.ReadWrite.All", "Directory.ReadWrite.All"],
                if caller_owns_application {
                    &[
                        roles::APPLICATION_ADMINISTRATOR,
                        roles::CLOUD_APPLICATION_ADMINISTRATOR,
                        roles::APPLICATION_DEVELOPER,
                    ]
                } else {
                    APP_ADMINS
                },
                &[
                    "Application.ReadWrite.OwnedBy",
                    "Application.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
            ),
            Operation::WriteRoleAssignments => rule(
                &["RoleManagement.ReadWrite.Directory"],
                &[roles::PRIVILEGED_ROLE_ADMINISTRATOR],
                &["RoleManagement.ReadWrite.Directory"],
            ),
            Operation::ReadRoleAssignments => rule(
                READ_ROLE_ASSIGNMENTS,
                &[
                    roles::DIRECTORY_READERS,
                    roles::GLOBAL_READER,
                    roles::PRIVILEGED_ROLE_ADMINISTRATOR,
                ],
                READ_ROLE_ASSIGNMENTS,
            ),
            Operation::WriteAppRoleAssignments { resource_is_graph } => Rule {
                delegated_scopes: &["AppRoleAssignment.ReadWrite.All"],
                user_roles: if resource_is_graph {
                    &[roles::PRIVILEGED_ROLE_ADMINISTRATOR]
                } else {
                    &[
                        roles::APPLICATION_ADMINISTRATOR,
                        roles::CLOUD_APPLICATION_ADMINISTRATOR,
                        roles::DIRECTORY_WRITERS,
                        roles::USER_ADMINISTRATOR,
                        roles::HYBRID_IDENTITY_ADMINISTRATOR,
                        roles::IDENTITY_GOVERNANCE_ADMINISTRATOR,
                        roles::PRIVILEGED_ROLE_ADMINISTRATOR,
                    ]
                },
                app_roles: &["AppRoleAssignment.ReadWrite.All"],
                // AppRoleAssignment.ReadWrite.All alone is refused (observed:
                // https://github.com/microsoftgraph/microsoft-graph-docs/issues/11378).
                also_needed: APP_READ_PAIR,
                app_only_supported: true,
            },
            Operation::ReadAppRoleAssignments => rule(
                &[
                    "Application.Read.All",
                    "Application.ReadWrite.All",
                    "AppRoleAssignment.ReadWrite.All",
                    "Directory.Read.All",
                    "Directory.ReadWrite.All",
                ],
                &[],
                &[
                    "Application.Read.All",
                    "Application.ReadWrite.All",
                    "AppRoleAssignment.ReadWrite.All",
                    "Directory.Read.All",
                    "Directory.ReadWrite.All",
                ],
            ),
            Operation::WriteDelegatedGrants => rule(
                &[
                    "DelegatedPermissionGrant.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
                GRANT_WRITERS,
                &[
                    "DelegatedPermissionGrant.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
            ),
            Operation::ReadDelegatedGrants => rule(
                &[
                    "Directory.Read.All",
                    "DelegatedPermissionGrant.Read.All",
                    "DelegatedPermissionGrant.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
                GRANT_READERS,
                &[
                    "Directory.Read.All",
                    "DelegatedPermissionGrant.Read.All",
                    "DelegatedPermissionGrant.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
            ),
            Operation::ReadOrganization => rule(
                &[
                    "User.Read",
                    "Organization.Read.All",
                    "Directory.Read.All",
                    "Organization.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
                &[],
                &[
                    "Organization.Read.All",
                    "Directory.Read.All",
                    "Organization.ReadWrite.All",
                    "Directory.ReadWrite.All",
                ],
            ),
            Operation::ReadMe => Rule {
                delegated_scopes: READ_OWN_USER,
                user_roles: &[],
                app_roles: &[],
                also_needed: &[],
                app_only_supported: false,
            },
            Operation::ReadUsers { own } => rule(
                if own { READ_OWN_USER } else { READ_USERS },
                &[],
                READ_USERS,
            ),
            Operation::ReadDirectoryRoles => rule(READ_DIRECTORY_ROLES, &[], READ_DIRECTORY_ROLES),
            Operation::ReadDomains => rule(READ_DOMAINS, &[], READ_DOMAINS),
            Operation::ReadRoleEligibility { own } => Rule {
                delegated_scopes: ELIGIBILITY_SCOPES,
                user_roles: if own {
                    &[]
                } else {
                    &[
                        roles::GLOBAL_READER,
                        roles::SECURITY_READER,
                        roles::SECURITY_OPERATOR,
                        roles::SECURITY_ADMINISTRATOR,
                        roles::PRIVILEGED_ROLE_ADMINISTRATOR,
                    ]
                },
                app_roles: ELIGIBILITY_SCOPES,
                also_needed: &[],
                app_only_supported: !own,
            },
        }
    }
}

/// Whether `caller` may perform `operation`; the error is what Graph answers when not.
pub fn authorize(operation: Operation, caller: &Caller) -> Result<(), GraphError> {
    let rule = operation.rule();
    match caller {
        Caller::NoPermissions => Err(GraphError::no_scp_or_roles()),
        Caller::Delegated {
            scopes,
            active_roles,
        } => {
            let has_permission = holds_any(scopes, rule.delegated_scopes)
                && (rule.also_needed.is_empty() || holds_any(scopes, rule.also_needed));
            let has_role = rule.user_roles.is_empty()
                || active_roles.contains(&roles::GLOBAL_ADMINISTRATOR)
                || rule
                    .user_roles
                    .iter()
                    .any(|role| active_roles.contains(role));
            if has_permission && has_role {
                Ok(())
            } else {
                Err(GraphError::insufficient_privileges())
            }
        }
        Caller::Application { roles } => {
            if !rule.app_only_supported {
                return Err(match operation {
                    Operation::ReadMe => GraphError::me_requires_delegated(),
                    _ => GraphError::insufficient_privileges(),
                });
            }
            let has_permission = holds_any(roles, rule.app_roles)
                && (rule.also_needed.is_empty() || holds_any(roles, rule.also_needed));
            if has_permission {
                Ok(())
            } else {
                Err(GraphError::insufficient_privileges())
            }
        }
    }
}

/// Permission names compare without case, as Entra issues them in one canonical case anyway.
fn holds_any(held: &[String], wanted: &[&str]) -> bool {
    held.iter()
        .any(|name| wanted.iter().any(|want| name.eq_ignore_ascii_case(want)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    /// The delegated scopes the connector signs in with (`docs/microsoft-services.md`, "Who may do what").
    const CONNECTOR_SCOPES: &str = "openid profile offline_access User.Read Application.ReadWrite.All AppRoleAssignment.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All RoleManagement.ReadWrite.Directory";

    fn user(scopes: &str, active_roles: &[Uuid]) -> Caller {
        Caller::from_claims(Some(scopes), &[], active_roles.to_vec())
    }

    fn app(roles: &[&str]) -> Caller {
        let roles: Vec<String> = roles.iter().map(|role| (*role).to_owned()).collect();
        Caller::from_claims(None, &roles, Vec::new())
    }

    fn denied(operation: Operation, caller: &Caller) -> GraphError {
        authorize(operation, caller).expect_err("the call should be refused")
    }

    /// Every operation of the connector's flow, which a Global Administrator may do with its scopes.
    const FLOW: &[Operation] = &[
        Operation::ReadApplications,
        Operation::WriteApplication { caller_owns: true },
        Operation::WriteApplication { caller_owns: false },
        Operation::AddPassword { caller_owns: false },
        Operation::ReadServicePrincipals,
        Operation::CreateServicePrincipal {
            caller_owns_application: false,
        },
        Operation::WriteRoleAssignments,
        Operation::ReadRoleAssignments,
        Operation::WriteAppRoleAssignments {
            resource_is_graph: false,
        },
        Operation::WriteAppRoleAssignments {
            resource_is_graph: true,
        },
        Operation::ReadAppRoleAssignments,
        Operation::WriteDelegatedGrants,
        Operation::ReadDelegatedGrants,
        Operation::ReadOrganization,
        Operation::ReadMe,
        Operation::ReadRoleEligibility { own: true },
        Operation::ReadRoleEligibility { own: false },
        Operation::ReadUsers { own: true },
    ];

    #[test]
    fn a_global_administrator_with_the_connectors_scopes_may_do_the_whole_flow() {
        let admin = user(CONNECTOR_SCOPES, &[roles::GLOBAL_ADMINISTRATOR]);
        for operation in FLOW {
            assert_eq!(authorize(*operation, &admin), Ok(()), "{operation:?}");
        }
    }

    #[test]
    fn a_token_with_neither_scp_nor_roles_is_refused_everywhere() {
        let nothing = Caller::from_claims(None, &[], vec![roles::EXCHANGE_ADMINISTRATOR]);
        assert_eq!(nothing, Caller::NoPermissions);
        for operation in FLOW {
            let error = denied(*operation, &nothing);
            assert_eq!(error.status(), StatusCode::FORBIDDEN);
            assert_eq!(
                error.message(),
                "Either scp or roles claim need to be present in the token."
            );
        }
        assert_eq!(
            Caller::from_claims(Some("  "), &[], Vec::new()),
            Caller::NoPermissions
        );
    }

    #[test]
    fn role_assignments_need_privileged_role_administrator() {
        let app_admin = user(CONNECTOR_SCOPES, &[roles::APPLICATION_ADMINISTRATOR]);
        let error = denied(Operation::WriteRoleAssignments, &app_admin);
        assert_eq!(error.code(), "Authorization_RequestDenied");
        assert_eq!(
            error.message(),
            "Insufficient privileges to complete the operation."
        );
        let pra = user(CONNECTOR_SCOPES, &[roles::PRIVILEGED_ROLE_ADMINISTRATOR]);
        assert_eq!(authorize(Operation::WriteRoleAssignments, &pra), Ok(()));
        // The role without the scope is not enough either.
        let pra_without_scope = user(
            "User.Read Application.ReadWrite.All",
            &[roles::PRIVILEGED_ROLE_ADMINISTRATOR],
        );
        assert!(authorize(Operation::WriteRoleAssignments, &pra_without_scope).is_err());
    }

    #[test]
    fn an_eligible_role_that_is_not_active_does_not_count() {
        // The caller computes active roles; an eligible-only PRA arrives with none.
        let eligible_only = user(CONNECTOR_SCOPES, &[]);
        assert!(authorize(Operation::WriteRoleAssignments, &eligible_only).is_err());
        assert_eq!(
            authorize(Operation::ReadRoleEligibility { own: true }, &eligible_only),
            Ok(())
        );
        assert!(
            authorize(
                Operation::ReadRoleEligibility { own: false },
                &eligible_only
            )
            .is_err()
        );
    }

    #[test]
    fn graph_app_roles_need_pra_but_exchange_ones_an_application_administrator_suffices() {
        let app_admin = user(CONNECTOR_SCOPES, &[roles::APPLICATION_ADMINISTRATOR]);
        assert_eq!(
            authorize(
                Operation::WriteAppRoleAssignments {
                    resource_is_graph: false
                },
                &app_admin
            ),
            Ok(())
        );
        assert!(
            authorize(
                Operation::WriteAppRoleAssignments {
                    resource_is_graph: true
                },
                &app_admin
            )
            .is_err()
        );
    }

    #[test]
    fn app_role_assignment_scope_alone_is_not_enough() {
        let only_assignment = user(
            "AppRoleAssignment.ReadWrite.All",
            &[roles::GLOBAL_ADMINISTRATOR],
        );
        let operation = Operation::WriteAppRoleAssignments {
            resource_is_graph: false,
        };
        assert!(authorize(operation, &only_assignment).is_err());
        let with_read = user(
            "AppRoleAssignment.ReadWrite.All Application.Read.All",
            &[roles::GLOBAL_ADMINISTRATOR],
        );
        assert_eq!(authorize(operation, &with_read), Ok(()));
    }

    #[test]
    fn plain_users_may_create_apps_but_not_touch_others() {
        let member = user(CONNECTOR_SCOPES, &[]);
        assert_eq!(
            authorize(Operation::WriteApplication { caller_owns: true }, &member),
            Ok(())
        );
        assert!(authorize(Operation::WriteApplication { caller_owns: false }, &member).is_err());
        assert!(authorize(Operation::WriteDelegatedGrants, &member).is_err());
        assert_eq!(authorize(Operation::ReadApplications, &member), Ok(()));
        let developer = user(CONNECTOR_SCOPES, &[roles::APPLICATION_DEVELOPER]);
        let own_sp = Operation::CreateServicePrincipal {
            caller_owns_application: true,
        };
        assert!(authorize(own_sp, &member).is_err());
        assert_eq!(authorize(own_sp, &developer), Ok(()));
    }

    #[test]
    fn app_only_calls_need_a_granted_app_role() {
        let reader = app(&["Application.Read.All"]);
        assert_eq!(authorize(Operation::ReadApplications, &reader), Ok(()));
        assert!(authorize(Operation::WriteApplication { caller_owns: false }, &reader).is_err());
        assert!(authorize(Operation::ReadOrganization, &reader).is_err());
        let owned_by = app(&["Application.ReadWrite.OwnedBy"]);
        assert_eq!(
            authorize(Operation::WriteApplication { caller_owns: true }, &owned_by),
            Ok(())
        );
        assert!(
            authorize(
                Operation::WriteApplication { caller_owns: false },
                &owned_by
            )
            .is_err()
        );
        let roles_admin = app(&["RoleManagement.ReadWrite.Directory"]);
        assert_eq!(
            authorize(Operation::WriteRoleAssignments, &roles_admin),
            Ok(())
        );
        // The Exchange app role is not a Graph permission.
        let exchange = app(&["Exchange.ManageAsApp"]);
        assert!(authorize(Operation::ReadOrganization, &exchange).is_err());
    }

    #[test]
    fn user_read_reads_only_the_signed_in_user() {
        let member = user("User.Read", &[]);
        assert_eq!(
            authorize(Operation::ReadUsers { own: true }, &member),
            Ok(())
        );
        assert!(authorize(Operation::ReadUsers { own: false }, &member).is_err());
        assert_eq!(
            authorize(
                Operation::ReadUsers { own: false },
                &user("User.Read.All", &[])
            ),
            Ok(())
        );
        assert_eq!(
            authorize(Operation::ReadDomains, &app(&["Domain.Read.All"])),
            Ok(())
        );
        assert!(authorize(Operation::ReadDirectoryRoles, &user("User.Read", &[])).is_err());
    }

    #[test]
    fn me_is_delegated_only() {
        let error = denied(Operation::ReadMe, &app(&["Directory.Read.All"]));
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.message(),
            "/me request is only valid with delegated authentication flow."
        );
        assert_eq!(
            authorize(Operation::ReadMe, &user("User.Read", &[])),
            Ok(())
        );
        assert_eq!(
            authorize(Operation::ReadOrganization, &user("User.Read", &[])),
            Ok(())
        );
        assert!(authorize(Operation::ReadMe, &user("openid profile", &[])).is_err());
    }
}
