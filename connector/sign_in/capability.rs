//! What the signed-in administrator will be able to do in the later steps, said early: for each step,
//! whether one of the roles it needs is active, and if not which role is missing, with "activate it in
//! Privileged Identity Management" when the user holds it as eligible.

use serde::Serialize;

use crate::describe::DirectoryRole;
use crate::directory_roles::{
    APPLICATION_ADMINISTRATOR, MAY_ASSIGN_ROLES, MAY_CREATE_APPLICATION, MAY_GRANT_CONSENT,
    PRIVILEGED_ROLE_ADMINISTRATOR,
};
use crate::result::Warning;
use crate::sign_in::account::Account;

/// A later step the administrator's roles decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ability {
    /// Create or update the application and its service principal.
    CreateApplication,
    /// Assign the three directory roles to the service principal.
    AssignRoles,
    /// Grant admin consent to the two permissions.
    GrantConsent,
}

impl Ability {
    /// Every ability, in wizard order.
    pub const ALL: [Ability; 3] = [
        Ability::CreateApplication,
        Ability::AssignRoles,
        Ability::GrantConsent,
    ];

    /// The member name in `can`.
    pub fn name(self) -> &'static str {
        match self {
            Ability::CreateApplication => "create_application",
            Ability::AssignRoles => "assign_roles",
            Ability::GrantConsent => "grant_consent",
        }
    }

    /// What the step does, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Ability::CreateApplication => "Creating or updating the Azure application",
            Ability::AssignRoles => "Assigning the directory roles to the application",
            Ability::GrantConsent => "Granting admin consent to the application's permissions",
        }
    }

    /// The roles that allow it.
    pub fn roles(self) -> &'static [DirectoryRole] {
        match self {
            Ability::CreateApplication => &MAY_CREATE_APPLICATION,
            Ability::AssignRoles => &MAY_ASSIGN_ROLES,
            Ability::GrantConsent => &MAY_GRANT_CONSENT,
        }
    }

    /// The role an administrator is usually given for it (the one a message names as missing).
    fn usual_role(self) -> DirectoryRole {
        match self {
            Ability::CreateApplication | Ability::GrantConsent => APPLICATION_ADMINISTRATOR,
            Ability::AssignRoles => PRIVILEGED_ROLE_ADMINISTRATOR,
        }
    }
}

/// Whether the signed-in user can do one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capability {
    /// Whether an active role allows it.
    pub allowed: bool,
    /// The roles that would allow it.
    pub roles: Vec<&'static str>,
    /// When not allowed: the role to get (or activate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_role: Option<&'static str>,
    /// When not allowed: whether the user holds a role that would allow it as eligible in Privileged
    /// Identity Management (activating it is enough).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligible: Option<bool>,
    /// When not allowed: what to do, for a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `account` can do in `ability`'s step.
pub fn capability(account: &Account, ability: Ability) -> Capability {
    let roles = &account.user.roles;
    let names = ability.roles().iter().map(|r| r.name).collect();
    if roles.has_active(ability.roles()) {
        return Capability {
            allowed: true,
            roles: names,
            missing_role: None,
            eligible: None,
            message: None,
        };
    }
    let user = &account.user.user_principal_name;
    let (missing, eligible, message) = match roles.eligible_among(ability.roles()) {
        Some(held) => {
            let role = ability
                .roles()
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(&held.template_id))
                .copied()
                .unwrap_or_else(|| ability.usual_role());
            (
                role.name,
                true,
                format!(
                    "{} needs {} (or one of: {}). {user} holds {} as eligible: activate it in Privileged \
                     Identity Management, then run Log in to Azure again.",
                    ability.describe(),
                    role.name,
                    others(ability, role),
                    role.name
                ),
            )
        }
        None => {
            let role = ability.usual_role();
            (
                role.name,
                false,
                format!(
                    "{} needs {} (or one of: {}), which {user} does not hold. Ask a Global Administrator to \
                     assign it, or sign in with an account that has it.",
                    ability.describe(),
                    role.name,
                    others(ability, role)
                ),
            )
        }
    };
    Capability {
        allowed: false,
        roles: names,
        missing_role: Some(missing),
        eligible: Some(eligible),
        message: Some(message),
    }
}

fn others(ability: Ability, named: DirectoryRole) -> String {
    ability
        .roles()
        .iter()
        .filter(|r| r.id != named.id)
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `can` of the `authenticate` result, and a warning per blocked step.
pub fn capabilities(
    account: &Account,
) -> (serde_json::Map<String, serde_json::Value>, Vec<Warning>) {
    let mut can = serde_json::Map::new();
    let mut warnings = Vec::new();
    for ability in Ability::ALL {
        let capability = capability(account, ability);
        if let Some(message) = &capability.message {
            warnings.push(Warning {
                code: match ability {
                    Ability::CreateApplication => "cannot_create_application",
                    Ability::AssignRoles => "cannot_assign_roles",
                    Ability::GrantConsent => "cannot_grant_consent",
                },
                message: message.clone(),
            });
        }
        can.insert(
            ability.name().to_owned(),
            serde_json::to_value(&capability).unwrap_or_default(),
        );
    }
    (can, warnings)
}

#[cfg(test)]
mod tests {
    use super::{Ability, capability};
    use crate::directory_roles::{
        APPLICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR,
    };
    use crate::sign_in::account::{Account, HeldRole, Roles, TenantInfo, UserInfo};

    fn account(
        active: &[crate::describe::DirectoryRole],
        eligible: &[crate::describe::DirectoryRole],
    ) -> Account {
        let held = |roles: &[crate::describe::DirectoryRole]| {
            roles
                .iter()
                .map(|r| HeldRole {
                    name: r.name.to_owned(),
                    template_id: r.id.to_owned(),
                })
                .collect()
        };
        Account {
            tenant: TenantInfo {
                id: "t".to_owned(),
                display_name: "Contoso".to_owned(),
                initial_domain: None,
                default_domain: None,
            },
            user: UserInfo {
                user_principal_name: "someone@contoso.onmicrosoft.com".to_owned(),
                object_id: "o".to_owned(),
                display_name: None,
                roles: Roles {
                    active: held(active),
                    eligible: Some(held(eligible)),
                },
            },
        }
    }

    #[test]
    fn a_global_administrator_can_do_everything() {
        let admin = account(&[GLOBAL_ADMINISTRATOR], &[]);
        assert!(Ability::ALL.iter().all(|a| capability(&admin, *a).allowed));
    }

    #[test]
    fn an_application_administrator_lacks_privileged_role_administrator() {
        let app_admin = account(&[APPLICATION_ADMINISTRATOR], &[]);
        assert!(capability(&app_admin, Ability::CreateApplication).allowed);
        assert!(capability(&app_admin, Ability::GrantConsent).allowed);
        let roles = capability(&app_admin, Ability::AssignRoles);
        assert!(!roles.allowed);
        assert_eq!(roles.missing_role, Some("Privileged Role Administrator"));
        assert_eq!(roles.eligible, Some(false));
    }

    #[test]
    fn an_eligible_role_is_to_be_activated() {
        let pim = account(&[], &[PRIVILEGED_ROLE_ADMINISTRATOR]);
        let roles = capability(&pim, Ability::AssignRoles);
        assert_eq!(roles.eligible, Some(true));
        assert!(
            roles
                .message
                .unwrap()
                .contains("activate it in Privileged Identity Management")
        );
        let create = capability(&pim, Ability::CreateApplication);
        assert_eq!(create.eligible, Some(false));
        assert_eq!(create.missing_role, Some("Application Administrator"));
    }
}
