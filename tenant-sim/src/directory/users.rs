//! Users and their directory roles: active assignments and eligible (PIM) ones.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::directory::data::DirectoryData;
use crate::directory::error::DirectoryError;
use crate::directory::object::{DirectoryObject, new_object_id, object};
use crate::directory::timestamps::graph_timestamp;
use crate::directory::well_known::BUILT_IN_ROLES;

/// Builds the role definitions of the built-in roles (`unifiedRoleDefinition`, id = template id).
pub(crate) fn built_in_role_definitions() -> Vec<DirectoryObject> {
    BUILT_IN_ROLES
        .iter()
        .map(|role| {
            DirectoryObject::new(object([
                ("id", json!(role.template_id)),
                ("templateId", json!(role.template_id)),
                ("displayName", json!(role.display_name)),
                (
                    "description",
                    json!(format!("Built-in role: {}.", role.display_name)),
                ),
                ("isBuiltIn", json!(true)),
                ("isEnabled", json!(true)),
                ("resourceScopes", json!(["/"])),
                ("rolePermissions", json!([])),
                ("version", json!("1")),
            ]))
        })
        .collect()
}

/// A GUID as text, or the nil GUID for text that is not one (ids of seeded and created objects always are).
pub(crate) fn guid(text: &str) -> uuid::Uuid {
    uuid::Uuid::try_parse(text).unwrap_or_default()
}

impl DirectoryData {
    /// Adds a user with a UPN (`name@domain`) and display name; returns its object id.
    pub fn add_user(&mut self, user_principal_name: &str, display_name: &str) -> String {
        let id = new_object_id();
        let mail_nickname = user_principal_name.split('@').next().unwrap_or_default();
        self.users.push(DirectoryObject::new(object([
            ("id", json!(id)),
            ("displayName", json!(display_name)),
            ("userPrincipalName", json!(user_principal_name)),
            ("mail", json!(user_principal_name)),
            ("mailNickname", json!(mail_nickname)),
            ("accountEnabled", json!(true)),
            ("userType", json!("Member")),
            ("givenName", Value::Null),
            ("surname", Value::Null),
            ("jobTitle", Value::Null),
            ("businessPhones", json!([])),
            ("preferredLanguage", json!("en-US")),
            (
                "createdDateTime",
                json!(graph_timestamp(OffsetDateTime::now_utc())),
            ),
        ])));
        id
    }

    /// A user by object id.
    pub fn user(&self, id: &str) -> Option<&DirectoryObject> {
        self.users.iter().find(|u| u.id().eq_ignore_ascii_case(id))
    }

    /// A user by user principal name (case-insensitive).
    pub fn user_by_upn(&self, upn: &str) -> Option<&DirectoryObject> {
        self.users.iter().find(|u| {
            u.str("userPrincipalName")
                .is_some_and(|n| n.eq_ignore_ascii_case(upn))
        })
    }

    /// A role definition by id or template id.
    pub fn role_definition(&self, id: &str) -> Option<&DirectoryObject> {
        self.role_definitions.iter().find(|r| {
            r.id().eq_ignore_ascii_case(id)
                || r.str("templateId")
                    .is_some_and(|t| t.eq_ignore_ascii_case(id))
        })
    }

    /// The id of the role definition with this template or definition id, or not found.
    fn role_definition_id(&self, id: &str) -> Result<String, DirectoryError> {
        self.role_definition(id)
            .map(|r| r.id().to_owned())
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "roleDefinition",
                id: id.to_owned(),
            })
    }

    /// Whether a principal (user or service principal) exists.
    pub fn principal_exists(&self, id: &str) -> bool {
        self.user(id).is_some() || self.service_principal(id).is_some()
    }

    /// Assigns a directory role (by template or definition id) to a user or service principal at the
    /// tenant scope (`/`), as an active assignment. A second identical assignment is a conflict, as in Graph.
    pub fn assign_directory_role(
        &mut self,
        principal_id: &str,
        role_template_id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        let role_id = self.role_definition_id(role_template_id)?;
        if !self.principal_exists(principal_id) {
            return Err(DirectoryError::NotFound {
                kind: "principal",
                id: principal_id.to_owned(),
            });
        }
        let duplicate = self.role_assignments.iter().any(|a| {
            a.str("principalId")
                .is_some_and(|p| p.eq_ignore_ascii_case(principal_id))
                && a.str("roleDefinitionId")
                    .is_some_and(|r| r.eq_ignore_ascii_case(&role_id))
                && a.str("directoryScopeId") == Some("/")
        });
        if duplicate {
            return Err(DirectoryError::Conflict(
                "A conflicting object with one or more of the specified property values is present in the directory."
                    .to_owned(),
            ));
        }
        let assignment = DirectoryObject::new(object([
            (
                "id",
                json!(crate::directory::ids::role_assignment_id(
                    guid(&role_id),
                    guid(principal_id)
                )),
            ),
            ("roleDefinitionId", json!(role_id)),
            ("principalId", json!(principal_id.to_ascii_lowercase())),
            ("directoryScopeId", json!("/")),
        ]));
        self.role_assignments.push(assignment.clone());
        Ok(assignment)
    }

    /// Makes a principal eligible (PIM) for a directory role without activating it.
    pub fn add_role_eligibility(
        &mut self,
        principal_id: &str,
        role_template_id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        let role_id = self.role_definition_id(role_template_id)?;
        let id = new_object_id();
        let eligibility = DirectoryObject::new(object([
            ("id", json!(id)),
            ("principalId", json!(principal_id.to_ascii_lowercase())),
            ("roleDefinitionId", json!(role_id)),
            ("directoryScopeId", json!("/")),
            ("appScopeId", Value::Null),
            (
                "startDateTime",
                json!(graph_timestamp(OffsetDateTime::now_utc())),
            ),
            ("endDateTime", Value::Null),
            ("memberType", json!("Direct")),
            ("roleEligibilityScheduleId", json!(new_object_id())),
        ]));
        self.role_eligibilities.push(eligibility.clone());
        Ok(eligibility)
    }

    /// The template ids of a principal's active directory roles (what `wids` carries).
    pub fn active_role_template_ids(&self, principal_id: &str) -> Vec<String> {
        self.role_template_ids(&self.role_assignments, principal_id)
    }

    /// The template ids of a principal's eligible (not active) directory roles.
    pub fn eligible_role_template_ids(&self, principal_id: &str) -> Vec<String> {
        self.role_template_ids(&self.role_eligibilities, principal_id)
    }

    /// The sorted, distinct role template ids that `assignments` (role assignments or eligibilities)
    /// give a principal.
    fn role_template_ids(
        &self,
        assignments: &[DirectoryObject],
        principal_id: &str,
    ) -> Vec<String> {
        let mut ids: Vec<String> = assignments
            .iter()
            .filter(|a| {
                a.str("principalId")
                    .is_some_and(|p| p.eq_ignore_ascii_case(principal_id))
            })
            .filter_map(|a| a.str("roleDefinitionId"))
            .filter_map(|role_id| self.role_definition(role_id))
            .filter_map(|r| r.str("templateId").map(str::to_owned))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Whether a principal holds any of the given roles actively.
    pub fn has_active_role(&self, principal_id: &str, template_ids: &[&str]) -> bool {
        self.active_role_template_ids(principal_id)
            .iter()
            .any(|held| template_ids.iter().any(|t| t.eq_ignore_ascii_case(held)))
    }

    /// A role assignment by id.
    pub fn role_assignment(&self, id: &str) -> Option<&DirectoryObject> {
        self.role_assignments.iter().find(|a| a.id() == id)
    }

    /// Removes a role assignment (`DELETE /roleManagement/directory/roleAssignments/{id}`).
    pub fn remove_role_assignment(&mut self, id: &str) -> Result<DirectoryObject, DirectoryError> {
        let index = self
            .role_assignments
            .iter()
            .position(|a| a.id() == id)
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "roleAssignment",
                id: id.to_owned(),
            })?;
        Ok(self.role_assignments.remove(index))
    }
}
