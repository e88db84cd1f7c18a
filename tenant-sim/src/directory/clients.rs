//! What the sign-in service knows about a client id: an application registered in this tenant, or one
//! of Microsoft's first-party applications with a service principal here.

use serde_json::Value;

use crate::directory::applications::redirect_uris;
use crate::directory::data::DirectoryData;
use crate::directory::well_known::MICROSOFT_SERVICES_TENANT_ID;

/// What the sign-in service needs to know about a client application.
#[derive(Clone, Debug)]
pub struct ClientRegistration {
    /// The application (client) id.
    pub app_id: String,
    /// The display name.
    pub display_name: String,
    /// Registered redirect URIs (web and public client).
    pub redirect_uris: Vec<String>,
    /// Whether public-client flows (device code, no secret) are allowed.
    pub public_client: bool,
    /// The application object in this tenant, when registered here.
    pub application_object_id: Option<String>,
    /// The service principal in this tenant, if any.
    pub service_principal_id: Option<String>,
    /// `requiredResourceAccess` of the application (empty for first-party apps).
    pub required_resource_access: Vec<Value>,
}

impl DirectoryData {
    /// What the sign-in service knows about a client id: an application registered in this tenant, or a
    /// Microsoft first-party application with a service principal here.
    pub fn client_registration(&self, client_id: &str) -> Option<ClientRegistration> {
        let sp = self.service_principal_by_app_id(client_id);
        if let Some(app) = self.application_by_app_id(client_id) {
            let registered = redirect_uris(app);
            let public_uris = registered
                .iter()
                .any(|(section, _)| *section == "publicClient");
            let redirect_uris = registered
                .into_iter()
                .map(|(_, uri)| uri.to_owned())
                .collect();
            let fallback_public = app
                .json
                .get("isFallbackPublicClient")
                .and_then(Value::as_bool)
                == Some(true);
            return Some(ClientRegistration {
                app_id: client_id.to_ascii_lowercase(),
                display_name: app.str("displayName").unwrap_or_default().to_owned(),
                redirect_uris,
                public_client: public_uris || fallback_public,
                application_object_id: Some(app.id().to_owned()),
                service_principal_id: sp.map(|s| s.id().to_owned()),
                required_resource_access: app.array("requiredResourceAccess").to_vec(),
            });
        }
        let sp = sp?;
        if sp.str("appOwnerOrganizationId") != Some(MICROSOFT_SERVICES_TENANT_ID) {
            return None;
        }
        Some(ClientRegistration {
            app_id: client_id.to_ascii_lowercase(),
            display_name: sp.str("displayName").unwrap_or_default().to_owned(),
            redirect_uris: sp
                .array("replyUrls")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            public_client: !sp.array("replyUrls").is_empty(),
            application_object_id: None,
            service_principal_id: Some(sp.id().to_owned()),
            required_resource_access: Vec::new(),
        })
    }
}
