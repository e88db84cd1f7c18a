//! Permission grants: app role assignments (application permissions) and delegated permission grants.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::directory::consent_type::ConsentType;
use crate::directory::data::DirectoryData;
use crate::directory::error::DirectoryError;
use crate::directory::ids;
use crate::directory::object::{DirectoryObject, object};
use crate::directory::timestamps::graph_timestamp;
use crate::directory::users::guid;

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

/// Whether the delegated grant `g` is the one for (client, resource, consent type, principal): Entra
/// keeps one grant per key.
fn has_key(
    g: &DirectoryObject,
    client_sp_id: &str,
    resource_sp_id: &str,
    consent_type: ConsentType,
    principal_id: Option<&str>,
) -> bool {
    same(g.str("clientId"), client_sp_id)
        && same(g.str("resourceId"), resource_sp_id)
        && g.str("consentType") == Some(consent_type.as_str())
        && match principal_id {
            Some(p) => same(g.str("principalId"), p),
            None => g.json.get("principalId").is_none_or(Value::is_null),
        }
}

impl DirectoryData {
    /// Not found for the first of `ids` that is no service principal here.
    fn require_service_principals(&self, ids: [&str; 2]) -> Result<(), DirectoryError> {
        match ids
            .into_iter()
            .find(|id| self.service_principal(id).is_none())
        {
            Some(id) => Err(DirectoryError::NotFound {
                kind: "servicePrincipal",
                id: id.to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// Grants an application permission: an app role of `resource_sp_id` assigned to `principal_id` (a
    /// service principal, or a user). A duplicate is refused as Graph refuses it.
    pub fn grant_app_role(
        &mut self,
        principal_id: &str,
        resource_sp_id: &str,
        app_role_id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        let (principal, principal_type) = match self.service_principal(principal_id) {
            Some(sp) => (sp.clone(), "ServicePrincipal"),
            None => (
                self.user(principal_id)
                    .ok_or_else(|| DirectoryError::NotFound {
                        kind: "principal",
                        id: principal_id.to_owned(),
                    })?
                    .clone(),
                "User",
            ),
        };
        let resource = self
            .service_principal(resource_sp_id)
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "servicePrincipal",
                id: resource_sp_id.to_owned(),
            })?
            .clone();
        let role_exists = resource
            .array("appRoles")
            .iter()
            .any(|r| same(r.get("id").and_then(Value::as_str), app_role_id));
        if !role_exists {
            return Err(DirectoryError::Invalid(
                "Permission being assigned was not found on application".to_owned(),
            ));
        }
        let duplicate = self.app_role_assignments.iter().any(|a| {
            same(a.str("principalId"), principal_id)
                && same(a.str("resourceId"), resource_sp_id)
                && same(a.str("appRoleId"), app_role_id)
        });
        if duplicate {
            return Err(DirectoryError::Conflict(
                "Permission being assigned already exists on the object".to_owned(),
            ));
        }
        let assignment = DirectoryObject::new(object([
            (
                "id",
                json!(ids::app_role_assignment_id(
                    guid(principal.id()),
                    guid(resource.id()),
                    guid(app_role_id)
                )),
            ),
            ("appRoleId", json!(app_role_id.to_ascii_lowercase())),
            (
                "createdDateTime",
                json!(graph_timestamp(OffsetDateTime::now_utc())),
            ),
            ("deletedDateTime", Value::Null),
            ("principalDisplayName", json!(principal.str("displayName"))),
            ("principalId", json!(principal.id())),
            ("principalType", json!(principal_type)),
            ("resourceDisplayName", json!(resource.str("displayName"))),
            ("resourceId", json!(resource.id())),
        ]));
        self.app_role_assignments.push(assignment.clone());
        Ok(assignment)
    }

    /// The values (`Exchange.ManageAsApp`) of the app roles of `resource_sp_id` granted to `principal_id`:
    /// what the `roles` claim of an app-only token carries.
    pub fn granted_app_role_values(&self, principal_id: &str, resource_sp_id: &str) -> Vec<String> {
        let Some(resource) = self.service_principal(resource_sp_id) else {
            return Vec::new();
        };
        let mut values: Vec<String> = self
            .app_role_assignments
            .iter()
            .filter(|a| {
                same(a.str("principalId"), principal_id)
                    && same(a.str("resourceId"), resource_sp_id)
            })
            .filter_map(|a| a.str("appRoleId"))
            .filter_map(|role_id| {
                resource
                    .array("appRoles")
                    .iter()
                    .find(|r| same(r.get("id").and_then(Value::as_str), role_id))
                    .and_then(|r| r.get("value"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        values.sort();
        values.dedup();
        values
    }

    /// The delegated permission grant for (client, resource, consent type, principal), if any.
    pub fn oauth2_permission_grant(
        &self,
        client_sp_id: &str,
        resource_sp_id: &str,
        consent_type: ConsentType,
        principal_id: Option<&str>,
    ) -> Option<&DirectoryObject> {
        self.oauth2_permission_grants
            .iter()
            .find(|g| has_key(g, client_sp_id, resource_sp_id, consent_type, principal_id))
    }

    /// Grants delegated permissions, widening the existing grant for the same key (Entra keeps one grant
    /// per client, resource, consent type and principal). Returns the grant.
    pub fn grant_delegated_scopes(
        &mut self,
        client_sp_id: &str,
        resource_sp_id: &str,
        consent_type: ConsentType,
        principal_id: Option<&str>,
        scopes: &[&str],
    ) -> Result<DirectoryObject, DirectoryError> {
        self.require_service_principals([client_sp_id, resource_sp_id])?;
        let principal_id = match consent_type {
            ConsentType::AllPrincipals => None,
            ConsentType::Principal => Some(principal_id.ok_or_else(|| {
                DirectoryError::Invalid(
                    "principalId is required for consentType Principal".to_owned(),
                )
            })?),
        };
        let existing = self
            .oauth2_permission_grants
            .iter()
            .position(|g| has_key(g, client_sp_id, resource_sp_id, consent_type, principal_id));
        match existing {
            Some(index) => {
                let grant = &mut self.oauth2_permission_grants[index];
                let mut current: Vec<String> = grant
                    .str("scope")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect();
                for scope in scopes {
                    if !current.iter().any(|c| c.eq_ignore_ascii_case(scope)) {
                        current.push((*scope).to_owned());
                    }
                }
                grant
                    .json
                    .insert("scope".to_owned(), json!(current.join(" ")));
                Ok(grant.clone())
            }
            None => {
                let id = ids::oauth2_permission_grant_id(
                    guid(client_sp_id),
                    guid(resource_sp_id),
                    principal_id.map(guid),
                );
                let grant = DirectoryObject::new(object([
                    ("id", json!(id)),
                    ("clientId", json!(client_sp_id)),
                    ("consentType", json!(consent_type.as_str())),
                    (
                        "principalId",
                        principal_id.map_or(Value::Null, |p| json!(p)),
                    ),
                    ("resourceId", json!(resource_sp_id)),
                    ("scope", json!(scopes.join(" "))),
                ]));
                self.oauth2_permission_grants.push(grant.clone());
                Ok(grant)
            }
        }
    }

    /// The delegated scopes `user_id` may use through `client_sp_id` on `resource_sp_id`: the tenant-wide
    /// grant plus the user's own grant.
    pub fn delegated_scopes(
        &self,
        client_sp_id: &str,
        resource_sp_id: &str,
        user_id: &str,
    ) -> Vec<String> {
        let mut scopes: Vec<String> = Vec::new();
        let grants = [
            self.oauth2_permission_grant(
                client_sp_id,
                resource_sp_id,
                ConsentType::AllPrincipals,
                None,
            ),
            self.oauth2_permission_grant(
                client_sp_id,
                resource_sp_id,
                ConsentType::Principal,
                Some(user_id),
            ),
        ];
        for grant in grants.into_iter().flatten() {
            for scope in grant.str("scope").unwrap_or_default().split_whitespace() {
                if !scopes.iter().any(|s| s.eq_ignore_ascii_case(scope)) {
                    scopes.push(scope.to_owned());
                }
            }
        }
        scopes
    }

    /// App role assignments on the resource `resource_sp_id` (`appRoleAssignedTo`).
    pub fn app_role_assignments_to(&self, resource_sp_id: &str) -> Vec<&DirectoryObject> {
        self.app_role_assignments
            .iter()
            .filter(|a| same(a.str("resourceId"), resource_sp_id))
            .collect()
    }

    /// App role assignments held by `principal_id` (`appRoleAssignments`).
    pub fn app_role_assignments_of(&self, principal_id: &str) -> Vec<&DirectoryObject> {
        self.app_role_assignments
            .iter()
            .filter(|a| same(a.str("principalId"), principal_id))
            .collect()
    }

    /// Removes the app role assignment `assignment_id` on the resource `resource_sp_id` (or held by it, as
    /// `DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}` does).
    pub fn remove_app_role_assignment(
        &mut self,
        sp_id: &str,
        assignment_id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        let index = self
            .app_role_assignments
            .iter()
            .position(|a| {
                a.id() == assignment_id
                    && (same(a.str("resourceId"), sp_id) || same(a.str("principalId"), sp_id))
            })
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "appRoleAssignment",
                id: assignment_id.to_owned(),
            })?;
        Ok(self.app_role_assignments.remove(index))
    }

    /// Creates a delegated permission grant as `POST /oauth2PermissionGrants` does: one grant per client,
    /// resource, consent type (and principal); a second one is a conflict, not a widening.
    pub fn create_delegated_grant(
        &mut self,
        client_sp_id: &str,
        resource_sp_id: &str,
        consent_type: ConsentType,
        principal_id: Option<&str>,
        scope: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        self.require_service_principals([client_sp_id, resource_sp_id])?;
        if let Some(user) = principal_id
            && self.user(user).is_none()
        {
            return Err(DirectoryError::NotFound {
                kind: "user",
                id: user.to_owned(),
            });
        }
        if self
            .oauth2_permission_grant(client_sp_id, resource_sp_id, consent_type, principal_id)
            .is_some()
        {
            return Err(DirectoryError::Conflict(
                "Permission entry already exists.".to_owned(),
            ));
        }
        let client = self
            .service_principal(client_sp_id)
            .map(|s| s.id().to_owned());
        let resource = self
            .service_principal(resource_sp_id)
            .map(|s| s.id().to_owned());
        let (client, resource) = (client.unwrap_or_default(), resource.unwrap_or_default());
        let grant = DirectoryObject::new(object([
            (
                "id",
                json!(ids::oauth2_permission_grant_id(
                    guid(&client),
                    guid(&resource),
                    principal_id.map(guid)
                )),
            ),
            ("clientId", json!(client)),
            ("consentType", json!(consent_type.as_str())),
            (
                "principalId",
                principal_id.map_or(Value::Null, |p| json!(p.to_ascii_lowercase())),
            ),
            ("resourceId", json!(resource)),
            ("scope", json!(scope)),
        ]));
        self.oauth2_permission_grants.push(grant.clone());
        Ok(grant)
    }

    /// A delegated permission grant by id.
    pub fn oauth2_permission_grant_by_id(&self, id: &str) -> Option<&DirectoryObject> {
        self.oauth2_permission_grants.iter().find(|g| g.id() == id)
    }

    /// Where the delegated permission grant `id` stands, or not found.
    fn delegated_grant_index(&self, id: &str) -> Result<usize, DirectoryError> {
        self.oauth2_permission_grants
            .iter()
            .position(|g| g.id() == id)
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "oAuth2PermissionGrant",
                id: id.to_owned(),
            })
    }

    /// Replaces the `scope` of a delegated permission grant (`PATCH /oauth2PermissionGrants/{id}`).
    pub fn set_grant_scope(&mut self, id: &str, scope: &str) -> Result<(), DirectoryError> {
        let index = self.delegated_grant_index(id)?;
        self.oauth2_permission_grants[index]
            .json
            .insert("scope".to_owned(), json!(scope));
        Ok(())
    }

    /// Removes a delegated permission grant.
    pub fn remove_grant(&mut self, id: &str) -> Result<DirectoryObject, DirectoryError> {
        let index = self.delegated_grant_index(id)?;
        Ok(self.oauth2_permission_grants.remove(index))
    }
}
