//! Service principals: read by id and appId, create for an application of this tenant, `PATCH`,
//! delete (with their assignments and grants), and the resource a scope names.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::directory::applications::{merge_patch, redirect_uris};
use crate::directory::data::DirectoryData;
use crate::directory::error::DirectoryError;
use crate::directory::object::{DirectoryObject, new_object_id, object};
use crate::directory::timestamps::graph_timestamp;

impl DirectoryData {
    /// Applies a `PATCH` body to a service principal (see [`Self::patch_application`]).
    pub fn patch_service_principal(
        &mut self,
        id: &str,
        body: &Map<String, Value>,
    ) -> Result<(), DirectoryError> {
        let sp = self
            .service_principals
            .iter_mut()
            .find(|s| s.id().eq_ignore_ascii_case(id))
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "servicePrincipal",
                id: id.to_owned(),
            })?;
        merge_patch(&mut sp.json, body, &[]);
        Ok(())
    }

    /// Deletes a service principal with its directory role assignments, the app role assignments it holds
    /// or grants, and the delegated grants where it is client or resource.
    pub fn remove_service_principal(
        &mut self,
        id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        let index = self
            .service_principals
            .iter()
            .position(|s| s.id().eq_ignore_ascii_case(id))
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "servicePrincipal",
                id: id.to_owned(),
            })?;
        let sp = self.service_principals.remove(index);
        let is = |value: Option<&str>| value.is_some_and(|v| v.eq_ignore_ascii_case(sp.id()));
        self.role_assignments.retain(|a| !is(a.str("principalId")));
        self.role_eligibilities
            .retain(|a| !is(a.str("principalId")));
        self.app_role_assignments
            .retain(|a| !is(a.str("principalId")) && !is(a.str("resourceId")));
        self.oauth2_permission_grants
            .retain(|g| !is(g.str("clientId")) && !is(g.str("resourceId")));
        Ok(sp)
    }

    /// A service principal by object id.
    pub fn service_principal(&self, id: &str) -> Option<&DirectoryObject> {
        self.service_principals
            .iter()
            .find(|s| s.id().eq_ignore_ascii_case(id))
    }

    /// A service principal by appId.
    pub fn service_principal_by_app_id(&self, app_id: &str) -> Option<&DirectoryObject> {
        self.service_principals.iter().find(|s| {
            s.str("appId")
                .is_some_and(|v| v.eq_ignore_ascii_case(app_id))
        })
    }

    /// Stores a service principal given in full Graph JSON (an `id` is assigned when missing).
    pub fn insert_service_principal(&mut self, mut json: Map<String, Value>) -> DirectoryObject {
        json.entry("id").or_insert_with(|| json!(new_object_id()));
        let sp = DirectoryObject::new(json);
        self.service_principals.push(sp.clone());
        sp
    }

    /// Creates the service principal of an application registered in this tenant, as
    /// `POST /servicePrincipals {"appId"}` does. A second one is a conflict.
    pub fn add_service_principal(
        &mut self,
        app_id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        if self.service_principal_by_app_id(app_id).is_some() {
            return Err(DirectoryError::Conflict(
                "Request_MultipleObjectsWithSameKeyValue: The service principal already exists."
                    .to_owned(),
            ));
        }
        let app = self
            .application_by_app_id(app_id)
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "application",
                id: app_id.to_owned(),
            })?
            .clone();
        let reply_urls: Vec<Value> = redirect_uris(&app)
            .into_iter()
            .map(|(_, uri)| json!(uri))
            .collect();
        let mut names = vec![json!(app_id)];
        names.extend(app.array("identifierUris").iter().cloned());
        let tenant_id = self.tenant_id.clone();
        let scopes = app
            .json
            .get("api")
            .and_then(|a| a.get("oauth2PermissionScopes"))
            .cloned()
            .unwrap_or_else(|| json!([]));
        Ok(self.insert_service_principal(object([
            ("accountEnabled", json!(true)),
            ("appId", json!(app_id)),
            ("appDisplayName", json!(app.str("displayName"))),
            ("displayName", json!(app.str("displayName"))),
            ("appOwnerOrganizationId", json!(tenant_id)),
            ("appRoleAssignmentRequired", json!(false)),
            ("appRoles", Value::Array(app.array("appRoles").to_vec())),
            ("oauth2PermissionScopes", scopes),
            ("keyCredentials", json!([])),
            ("passwordCredentials", json!([])),
            ("replyUrls", Value::Array(reply_urls)),
            ("servicePrincipalNames", Value::Array(names)),
            ("servicePrincipalType", json!("Application")),
            ("signInAudience", json!(app.str("signInAudience"))),
            ("tags", json!([])),
            ("deletedDateTime", Value::Null),
            (
                "createdDateTime",
                json!(graph_timestamp(OffsetDateTime::now_utc())),
            ),
        ])))
    }

    /// The resource service principal named by a resource identifier (`https://graph.microsoft.com`,
    /// with or without a trailing slash) or by its appId.
    pub fn resource_service_principal(&self, identifier: &str) -> Option<&DirectoryObject> {
        let wanted = identifier.trim_end_matches('/');
        self.service_principals.iter().find(|sp| {
            sp.str("appId")
                .is_some_and(|a| a.eq_ignore_ascii_case(wanted))
                || sp.array("servicePrincipalNames").iter().any(|n| {
                    n.as_str()
                        .is_some_and(|n| n.trim_end_matches('/').eq_ignore_ascii_case(wanted))
                })
        })
    }
}
