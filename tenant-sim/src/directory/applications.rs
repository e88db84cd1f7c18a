//! Applications: create, read, `PATCH` (OData merge of complex values) and delete (with everything
//! that hangs on them).

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::directory::data::DirectoryData;
use crate::directory::error::DirectoryError;
use crate::directory::object::{DirectoryObject, new_object_id, object};
use crate::directory::timestamps::graph_timestamp;

impl DirectoryData {
    /// Fills in the properties Graph gives a new application and stores it. `json` holds what the
    /// caller set (at least `displayName`); `id`, `appId`, `createdDateTime` and `publisherDomain` are
    /// assigned here. Returns the stored object.
    pub fn add_application(&mut self, mut json: Map<String, Value>) -> DirectoryObject {
        let defaults = object([
            ("id", json!(new_object_id())),
            ("appId", json!(new_object_id())),
            ("displayName", Value::Null),
            ("uniqueName", Value::Null),
            ("description", Value::Null),
            (
                "signInAudience",
                json!("AzureADandPersonalMicrosoftAccount"),
            ),
            ("publisherDomain", json!(self.initial_domain())),
            (
                "createdDateTime",
                json!(graph_timestamp(OffsetDateTime::now_utc())),
            ),
            ("deletedDateTime", Value::Null),
            ("identifierUris", json!([])),
            ("tags", json!([])),
            ("notes", Value::Null),
            ("isFallbackPublicClient", Value::Null),
            ("keyCredentials", json!([])),
            ("passwordCredentials", json!([])),
            ("requiredResourceAccess", json!([])),
            ("appRoles", json!([])),
            ("addIns", json!([])),
            ("groupMembershipClaims", Value::Null),
            ("optionalClaims", Value::Null),
            ("tokenEncryptionKeyId", Value::Null),
            ("serviceManagementReference", Value::Null),
            (
                "api",
                json!({"acceptMappedClaims": null, "knownClientApplications": [], "oauth2PermissionScopes": [], "preAuthorizedApplications": [], "requestedAccessTokenVersion": 2}),
            ),
            (
                "web",
                json!({"homePageUrl": null, "logoutUrl": null, "redirectUris": [], "redirectUriSettings": [], "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}}),
            ),
            ("publicClient", json!({"redirectUris": []})),
            ("spa", json!({"redirectUris": []})),
            (
                "info",
                json!({"logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null}),
            ),
        ]);
        for (key, value) in defaults {
            let caller_set = json.contains_key(&key)
                && !matches!(
                    key.as_str(),
                    "id" | "appId" | "createdDateTime" | "publisherDomain"
                );
            if !caller_set {
                json.insert(key, value);
            }
        }
        let app = DirectoryObject::new(json);
        self.applications.push(app.clone());
        app
    }

    /// An application by object id.
    pub fn application(&self, id: &str) -> Option<&DirectoryObject> {
        self.applications
            .iter()
            .find(|a| a.id().eq_ignore_ascii_case(id))
    }

    /// An application by appId (client id).
    pub fn application_by_app_id(&self, app_id: &str) -> Option<&DirectoryObject> {
        self.applications.iter().find(|a| {
            a.str("appId")
                .is_some_and(|v| v.eq_ignore_ascii_case(app_id))
        })
    }

    pub(crate) fn application_mut(
        &mut self,
        id: &str,
    ) -> Result<&mut DirectoryObject, DirectoryError> {
        self.applications
            .iter_mut()
            .find(|a| a.id().eq_ignore_ascii_case(id))
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "application",
                id: id.to_owned(),
            })
    }

    /// Applies a `PATCH` body to an application: collections and scalars are replaced whole, complex
    /// values (`web`, `api`…) are merged property by property (OData PATCH), `keyCredentials` go through
    /// [`Self::set_key_credentials`], and `passwordCredentials` keep only the stored secrets whose `keyId`
    /// the body names. The body must have been validated (new secrets refused).
    pub fn patch_application(
        &mut self,
        application_id: &str,
        body: &Map<String, Value>,
    ) -> Result<(), DirectoryError> {
        if let Some(keys) = body.get("keyCredentials") {
            let keys = keys.as_array().cloned().unwrap_or_default();
            self.set_key_credentials(application_id, &keys)?;
        }
        let app = self.application_mut(application_id)?;
        merge_patch(
            &mut app.json,
            body,
            &["keyCredentials", "passwordCredentials"],
        );
        if let Some(kept) = body.get("passwordCredentials").and_then(Value::as_array) {
            // Secrets are only made by addPassword; a PATCH may only drop some (those it leaves out).
            let kept: Vec<&str> = kept
                .iter()
                .filter_map(|c| c.get("keyId").and_then(Value::as_str))
                .collect();
            let mut dropped = Vec::new();
            if let Some(Value::Array(stored)) = app.json.get_mut("passwordCredentials") {
                stored.retain(|credential| {
                    let key_id = credential
                        .get("keyId")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let keep = kept.iter().any(|k| k.eq_ignore_ascii_case(key_id));
                    if !keep {
                        dropped.push(key_id.to_owned());
                    }
                    keep
                });
            }
            for key_id in dropped {
                self.credentials.secret_hashes.remove(&key_id);
            }
        }
        Ok(())
    }

    /// Deletes an application and, as Entra does, its service principal with everything that hangs on it.
    pub fn remove_application(&mut self, id: &str) -> Result<DirectoryObject, DirectoryError> {
        let index = self
            .applications
            .iter()
            .position(|a| a.id().eq_ignore_ascii_case(id))
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "application",
                id: id.to_owned(),
            })?;
        let app = self.applications.remove(index);
        for credential in app
            .array("keyCredentials")
            .iter()
            .chain(app.array("passwordCredentials"))
        {
            if let Some(key_id) = credential.get("keyId").and_then(Value::as_str) {
                self.credentials
                    .certificates
                    .remove(&key_id.to_ascii_lowercase());
                self.credentials.secret_hashes.remove(key_id);
            }
        }
        self.owners.remove(&app.id().to_ascii_lowercase());
        let sp = app
            .str("appId")
            .and_then(|app_id| self.service_principal_by_app_id(app_id))
            .map(|sp| sp.id().to_owned());
        if let Some(sp) = sp {
            self.remove_service_principal(&sp)?;
        }
        Ok(app)
    }
}

/// OData `PATCH`: each given property replaces the stored one, except complex values (JSON objects) on
/// both sides, which are merged recursively. Keys in `skip` are left alone (handled by the caller).
/// The redirect URIs of an application, each with its section (`web`, `publicClient`, `spa`).
pub(crate) fn redirect_uris(app: &DirectoryObject) -> Vec<(&'static str, &str)> {
    ["web", "publicClient", "spa"]
        .into_iter()
        .flat_map(|section| {
            app.json
                .get(section)
                .and_then(|s| s.get("redirectUris"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(move |uri| (section, uri))
        })
        .collect()
}

pub(crate) fn merge_patch(
    target: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    skip: &[&str],
) {
    for (key, value) in patch {
        if key.starts_with('@') || key.contains("@odata.") || skip.contains(&key.as_str()) {
            continue;
        }
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(given)) => {
                merge_patch(existing, given, &[]);
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}
