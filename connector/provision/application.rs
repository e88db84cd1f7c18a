//! The application registration the connector wants, the body that creates it, and the smallest patch that
//! brings an existing one there: its name, single-tenant audience, the managed-by tag, the permissions
//! merged into what it has, the loopback redirect URI when browser admin consent is chosen, and the
//! certificate credentials.
//!
//! <https://learn.microsoft.com/graph/api/resources/application>

use serde_json::{Map, Value, json};

use crate::provision::permissions::{PermissionRef, merge_required_resource_access};

/// The tag that marks an application as created or adopted by the connector: only such an application
/// may be removed by `remove`.
pub const MANAGED_TAG: &str = "m365-connector:managed";

/// The properties provision reads of an application.
pub const APPLICATION_SELECT: &str = "id,appId,displayName,uniqueName,tags,signInAudience,requiredResourceAccess,keyCredentials,passwordCredentials,web,createdDateTime";

/// The redirect URI browser admin consent returns to. Entra ID ignores the port of a `localhost` redirect
/// (<https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions>), so one
/// registration serves the port chosen at run time.
pub const CONSENT_REDIRECT_URI: &str = "http://localhost";

/// What the application should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desired {
    /// Its display name (the `application_name` setting).
    pub display_name: String,
    /// Its `uniqueName`.
    pub unique_name: String,
    /// The permissions it requests: the two required ones and the additional ones.
    pub permissions: Vec<PermissionRef>,
    /// The redirect URI to register, when browser admin consent is chosen.
    pub redirect_uri: Option<&'static str>,
}

/// The body of the upsert that creates the application (its `uniqueName` is in the URL).
pub fn create_body(desired: &Desired, key_credential: Option<Value>) -> Value {
    let (required, _) =
        merge_required_resource_access(&Value::Array(Vec::new()), &desired.permissions);
    let mut body = json!({
        "displayName": desired.display_name,
        "signInAudience": "AzureADMyOrg",
        "tags": [MANAGED_TAG],
        "requiredResourceAccess": required,
    });
    if let Some(key) = key_credential {
        body["keyCredentials"] = json!([key]);
    }
    if let Some(uri) = desired.redirect_uri {
        body["web"] = json!({"redirectUris": [uri]});
    }
    body
}

/// A patch of an existing application: the members to send and, for people, what changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Patch {
    /// The body (empty: nothing to change).
    pub body: Map<String, Value>,
    /// What changes, in words: `display name`, `permissions`, `managed-by tag`, …
    pub changes: Vec<String>,
    /// The permissions the application lacked.
    pub added_permissions: Vec<PermissionRef>,
    /// Whether the redirect URI was added.
    pub added_redirect_uri: bool,
}

impl Patch {
    /// Whether there is anything to send.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }
}

/// The patch that brings `app` to `desired`. Nothing the administrator added is removed: permissions are
/// merged, tags and redirect URIs appended. `key_credentials` is the new `keyCredentials` collection when
/// certificates change. An application without `uniqueName` gets it (an adopted one).
pub fn patch(app: &Value, desired: &Desired, key_credentials: Option<Vec<Value>>) -> Patch {
    let mut patch = Patch::default();
    if app["displayName"].as_str() != Some(desired.display_name.as_str()) {
        patch
            .body
            .insert("displayName".to_owned(), json!(desired.display_name));
        patch.changes.push("display name".to_owned());
    }
    if app["uniqueName"].as_str().is_none_or(str::is_empty) {
        patch
            .body
            .insert("uniqueName".to_owned(), json!(desired.unique_name));
        patch.changes.push("unique name".to_owned());
    }
    let (required, added) =
        merge_required_resource_access(&app["requiredResourceAccess"], &desired.permissions);
    if !added.is_empty() {
        patch
            .body
            .insert("requiredResourceAccess".to_owned(), required);
        patch.changes.push("permissions".to_owned());
        patch.added_permissions = added;
    }
    let mut tags: Vec<Value> = app["tags"].as_array().cloned().unwrap_or_default();
    if !tags.iter().any(|t| t.as_str() == Some(MANAGED_TAG)) {
        tags.push(json!(MANAGED_TAG));
        patch.body.insert("tags".to_owned(), Value::Array(tags));
        patch.changes.push("managed-by tag".to_owned());
    }
    if let Some(uri) = desired.redirect_uri {
        let uris: Vec<Value> = app["web"]["redirectUris"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !uris.iter().any(|u| u.as_str() == Some(uri)) {
            let mut uris = uris;
            uris.push(json!(uri));
            patch
                .body
                .insert("web".to_owned(), json!({"redirectUris": uris}));
            patch.changes.push("redirect URI".to_owned());
            patch.added_redirect_uri = true;
        }
    }
    if let Some(keys) = key_credentials {
        patch
            .body
            .insert("keyCredentials".to_owned(), Value::Array(keys));
        patch.changes.push("certificates".to_owned());
    }
    patch
}

/// Whether the application carries the connector's managed-by tag.
pub fn is_managed(app: &Value) -> bool {
    app["tags"]
        .as_array()
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(MANAGED_TAG)))
}

#[cfg(test)]
mod tests {
    use super::{Desired, MANAGED_TAG, create_body, patch};
    use crate::provision::permissions::required;
    use serde_json::json;

    fn desired() -> Desired {
        Desired {
            display_name: "Contoso Sync".to_owned(),
            unique_name: "m365-connector-contoso-sync-0123456789ab".to_owned(),
            permissions: required(),
            redirect_uri: None,
        }
    }

    #[test]
    fn the_created_application_is_single_tenant_tagged_with_both_permissions() {
        let body = create_body(&desired(), Some(json!({"type": "AsymmetricX509Cert"})));
        assert_eq!(body["signInAudience"], "AzureADMyOrg");
        assert_eq!(body["tags"], json!([MANAGED_TAG]));
        assert_eq!(body["requiredResourceAccess"].as_array().unwrap().len(), 2);
        assert_eq!(body["keyCredentials"].as_array().unwrap().len(), 1);
        assert!(body.get("web").is_none());
    }

    #[test]
    fn an_application_as_wanted_needs_no_patch_and_an_adopted_one_keeps_its_additions() {
        let created = create_body(&desired(), None);
        let mut app = created.clone();
        app["uniqueName"] = json!("m365-connector-contoso-sync-0123456789ab");
        assert!(patch(&app, &desired(), None).is_empty());

        let adopted = json!({"displayName": "Contoso Sync", "tags": ["Owned by IT"],
            "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
                "resourceAccess": [{"id": "37f7f235-527c-4136-accd-4a02d197296e", "type": "Scope"}]}]});
        let p = patch(&adopted, &desired(), None);
        assert_eq!(p.changes, ["unique name", "permissions", "managed-by tag"]);
        assert_eq!(p.body["tags"], json!(["Owned by IT", MANAGED_TAG]));
        assert_eq!(
            p.body["requiredResourceAccess"][0]["resourceAccess"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }
}
