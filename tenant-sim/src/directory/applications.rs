//! Applications, service principals and their credentials (client secrets and certificates).

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::directory::well_known::MICROSOFT_SERVICES_TENANT_ID;
use crate::directory::{
    DirectoryData, DirectoryError, DirectoryObject, graph_timestamp, new_object_id, object,
    parse_graph_timestamp,
};

/// The outcome of checking a client secret against an application's password credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretCheck {
    /// The secret matches a current password credential.
    Valid,
    /// The secret matches a credential whose `endDateTime` has passed.
    Expired,
    /// The secret matches no credential of the application.
    Invalid,
}

/// A certificate credential of an application, with its DER for verification.
#[derive(Clone)]
pub struct ClientCertificate {
    /// The credential's `keyId`.
    pub key_id: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// SHA-1 of the DER (the classic thumbprint, `x5t`).
    pub sha1: Vec<u8>,
    /// SHA-256 of the DER (`x5t#S256`).
    pub sha256: Vec<u8>,
    /// Start of validity per the credential.
    pub start: Option<OffsetDateTime>,
    /// End of validity per the credential.
    pub end: Option<OffsetDateTime>,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("key_id", &self.key_id)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

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

/// Generates a client secret shaped like Entra's (40 characters, `~` at position 3).
fn new_secret_text() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
    let mut bytes = [0u8; 40];
    // Random bytes from the system's CSPRNG; a failure there is not recoverable.
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random generator failed");
    let mut text: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    text.replace_range(3..5, "8Q");
    text.replace_range(5..6, "~");
    text
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = digest::digest(&digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

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

    fn application_mut(&mut self, id: &str) -> Result<&mut DirectoryObject, DirectoryError> {
        self.applications
            .iter_mut()
            .find(|a| a.id().eq_ignore_ascii_case(id))
            .ok_or_else(|| DirectoryError::NotFound {
                kind: "application",
                id: id.to_owned(),
            })
    }

    /// Adds a client secret to an application (as `addPassword` does) and returns the
    /// `passwordCredential` with `secretText`, the only time the secret is visible.
    pub fn add_client_secret(
        &mut self,
        application_id: &str,
        display_name: &str,
        end: Option<OffsetDateTime>,
    ) -> Result<Map<String, Value>, DirectoryError> {
        let secret = new_secret_text();
        let key_id = new_object_id();
        let now = OffsetDateTime::now_utc();
        let end = end.unwrap_or(now + time::Duration::days(730));
        let credential = object([
            ("customKeyIdentifier", Value::Null),
            ("displayName", json!(display_name)),
            ("endDateTime", json!(graph_timestamp(end))),
            ("hint", json!(&secret[..3])),
            ("keyId", json!(key_id)),
            ("secretText", Value::Null),
            ("startDateTime", json!(graph_timestamp(now))),
        ]);
        let app = self.application_mut(application_id)?;
        let list = app
            .json
            .entry("passwordCredentials")
            .or_insert_with(|| json!([]));
        if let Value::Array(items) = list {
            items.push(Value::Object(credential.clone()));
        } else {
            *list = json!([credential.clone()]);
        }
        self.credentials
            .secret_hashes
            .insert(key_id, sha256(secret.as_bytes()));
        let mut shown = credential;
        shown.insert("secretText".to_owned(), json!(secret));
        Ok(shown)
    }

    /// Adds a certificate credential (public DER) to an application and returns the `keyCredential`
    /// as Graph shows it (without `key`).
    pub fn add_certificate(
        &mut self,
        application_id: &str,
        der: &[u8],
    ) -> Result<Map<String, Value>, DirectoryError> {
        let credential = key_credential_from_der(der, &Map::new())?;
        let key_id = credential
            .get("keyId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let app = self.application_mut(application_id)?;
        let list = app
            .json
            .entry("keyCredentials")
            .or_insert_with(|| json!([]));
        if let Value::Array(items) = list {
            items.push(Value::Object(credential.clone()));
        } else {
            *list = json!([credential.clone()]);
        }
        self.credentials.certificates.insert(key_id, der.to_vec());
        Ok(credential)
    }

    /// Turns `keyCredentials` as a client sends them (each with `key`, base64 DER) into what the
    /// directory stores: `key` blanked, `keyId`, dates, `displayName` and `customKeyIdentifier` defaulted
    /// from the certificate, the DER kept in the side table. The whole collection is replaced, as a PATCH
    /// replaces it; the DER of credentials that are gone is forgotten.
    pub fn set_key_credentials(
        &mut self,
        application_id: &str,
        given: &[Value],
    ) -> Result<(), DirectoryError> {
        let mut stored = Vec::with_capacity(given.len());
        let mut ders = Vec::with_capacity(given.len());
        for entry in given {
            let entry = entry.as_object().cloned().unwrap_or_default();
            let der = entry
                .get("key")
                .and_then(Value::as_str)
                .and_then(crate::edm_binary::decode)
                .ok_or_else(|| {
                    DirectoryError::Invalid(
                        "Invalid certificate: key value is invalid certificate".to_owned(),
                    )
                })?;
            let credential = key_credential_from_der(&der, &entry)?;
            let key_id = credential
                .get("keyId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            if ders.iter().any(|(known, _)| *known == key_id) {
                // Wording is ours: two credentials of one application cannot share a keyId.
                return Err(DirectoryError::Invalid(format!(
                    "keyCredentials contain the keyId '{key_id}' more than once."
                )));
            }
            ders.push((key_id, der));
            stored.push(Value::Object(credential));
        }
        let app = self.application_mut(application_id)?;
        let old: Vec<String> = app
            .array("keyCredentials")
            .iter()
            .filter_map(|c| c.get("keyId").and_then(Value::as_str))
            .map(str::to_ascii_lowercase)
            .collect();
        app.json
            .insert("keyCredentials".to_owned(), Value::Array(stored));
        for key_id in old {
            self.credentials.certificates.remove(&key_id);
        }
        for (key_id, der) in ders {
            self.credentials.certificates.insert(key_id, der);
        }
        Ok(())
    }

    /// The DER of a certificate credential, by `keyId` (to answer `$select=keyCredentials`).
    pub fn certificate_der(&self, key_id: &str) -> Option<&[u8]> {
        self.credentials
            .certificates
            .get(&key_id.to_ascii_lowercase())
            .or_else(|| self.credentials.certificates.get(key_id))
            .map(Vec::as_slice)
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

    /// Records the DER of a certificate credential whose `keyId` Graph wrote into an application's
    /// `keyCredentials` (for PATCH and upserts, which carry the key inline).
    pub fn store_certificate_der(&mut self, key_id: &str, der: Vec<u8>) {
        self.credentials
            .certificates
            .insert(key_id.to_ascii_lowercase(), der);
    }

    /// Checks a client secret against an application's current password credentials.
    pub fn check_client_secret(&self, app_id: &str, secret: &str) -> SecretCheck {
        let Some(app) = self.application_by_app_id(app_id) else {
            return SecretCheck::Invalid;
        };
        let presented = sha256(secret.as_bytes());
        let now = OffsetDateTime::now_utc();
        for credential in app.array("passwordCredentials") {
            let Some(key_id) = credential.get("keyId").and_then(Value::as_str) else {
                continue;
            };
            let Some(stored) = self.credentials.secret_hashes.get(key_id) else {
                continue;
            };
            if aws_lc_rs::constant_time::verify_slices_are_equal(stored, &presented).is_ok() {
                let expired = credential
                    .get("endDateTime")
                    .and_then(Value::as_str)
                    .and_then(parse_graph_timestamp)
                    .is_some_and(|end| end < now);
                return if expired {
                    SecretCheck::Expired
                } else {
                    SecretCheck::Valid
                };
            }
        }
        SecretCheck::Invalid
    }

    /// The certificate credentials (`AsymmetricX509Cert`, usage `Verify`) of an application whose DER
    /// is known.
    pub fn client_certificates(&self, app_id: &str) -> Vec<ClientCertificate> {
        let Some(app) = self.application_by_app_id(app_id) else {
            return Vec::new();
        };
        app.array("keyCredentials")
            .iter()
            .filter(|c| c.get("type").and_then(Value::as_str) == Some("AsymmetricX509Cert"))
            .filter(|c| c.get("usage").and_then(Value::as_str) == Some("Verify"))
            .filter_map(|c| {
                let key_id = c.get("keyId").and_then(Value::as_str)?;
                let der = self
                    .credentials
                    .certificates
                    .get(&key_id.to_ascii_lowercase())
                    .or_else(|| self.credentials.certificates.get(key_id))?
                    .clone();
                let time = |k: &str| {
                    c.get(k)
                        .and_then(Value::as_str)
                        .and_then(parse_graph_timestamp)
                };
                Some(ClientCertificate {
                    key_id: key_id.to_owned(),
                    sha1: digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &der)
                        .as_ref()
                        .to_vec(),
                    sha256: digest::digest(&digest::SHA256, &der).as_ref().to_vec(),
                    der,
                    start: time("startDateTime"),
                    end: time("endDateTime"),
                })
            })
            .collect()
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
        let mut reply_urls: Vec<Value> = Vec::new();
        for section in ["web", "publicClient", "spa"] {
            if let Some(uris) = app
                .json
                .get(section)
                .and_then(|s| s.get("redirectUris"))
                .and_then(Value::as_array)
            {
                reply_urls.extend(uris.iter().cloned());
            }
        }
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

    /// What the sign-in service knows about a client id: an application registered in this tenant, or a
    /// Microsoft first-party application with a service principal here.
    pub fn client_registration(&self, client_id: &str) -> Option<ClientRegistration> {
        let sp = self.service_principal_by_app_id(client_id);
        if let Some(app) = self.application_by_app_id(client_id) {
            let mut redirect_uris = Vec::new();
            let mut public_uris = false;
            for section in ["web", "publicClient", "spa"] {
                if let Some(uris) = app
                    .json
                    .get(section)
                    .and_then(|s| s.get("redirectUris"))
                    .and_then(Value::as_array)
                {
                    if section == "publicClient" && !uris.is_empty() {
                        public_uris = true;
                    }
                    redirect_uris.extend(uris.iter().filter_map(Value::as_str).map(str::to_owned));
                }
            }
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

impl DirectoryData {
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

/// The `keyCredential` Graph stores for a certificate: what the client gave (`displayName`, dates,
/// `customKeyIdentifier`, `keyId`, `type`, `usage`), the rest from the certificate, `key` blanked.
fn key_credential_from_der(
    der: &[u8],
    given: &Map<String, Value>,
) -> Result<Map<String, Value>, DirectoryError> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|_| {
        DirectoryError::Invalid("Invalid certificate: key value is invalid certificate".to_owned())
    })?;
    let subject = cert.subject().to_string();
    let start = cert.validity().not_before.to_datetime();
    let end = cert.validity().not_after.to_datetime();
    let thumbprint = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    let given_or = |key: &str, default: Value| match given.get(key) {
        Some(value) if !value.is_null() => value.clone(),
        _ => default,
    };
    let key_id = given
        .get("keyId")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(new_object_id);
    Ok(object([
        (
            "customKeyIdentifier",
            given_or(
                "customKeyIdentifier",
                json!(STANDARD.encode(thumbprint.as_ref())),
            ),
        ),
        ("displayName", given_or("displayName", json!(subject))),
        (
            "endDateTime",
            given_or("endDateTime", json!(graph_timestamp(end))),
        ),
        ("key", Value::Null),
        ("keyId", json!(key_id)),
        (
            "startDateTime",
            given_or("startDateTime", json!(graph_timestamp(start))),
        ),
        ("type", given_or("type", json!("AsymmetricX509Cert"))),
        ("usage", given_or("usage", json!("Verify"))),
    ]))
}

/// OData `PATCH`: each given property replaces the stored one, except complex values (JSON objects) on
/// both sides, which are merged recursively. Keys in `skip` are left alone (handled by the caller).
fn merge_patch(target: &mut Map<String, Value>, patch: &Map<String, Value>, skip: &[&str]) {
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
