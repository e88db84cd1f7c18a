//! Credentials of applications: client secrets (kept only as hashes) and certificates (their DER kept
//! beside the Graph JSON), and what the sign-in service checks against them.

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::directory::client_credentials::{ClientCertificate, SecretCheck};
use crate::directory::data::DirectoryData;
use crate::directory::error::DirectoryError;
use crate::directory::object::{new_object_id, object};
use crate::directory::timestamps::{graph_timestamp, parse_graph_timestamp};

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
        self.add_key_credential(application_id, der, &Map::new())
    }

    /// Appends a certificate credential (public DER) to an application, with what the client gave
    /// (`displayName`, dates, `type`, `usage`…; `addKey`'s `keyCredential`) and the rest from the
    /// certificate. Returns it as Graph shows it (without `key`). A `keyId` already on the application
    /// is refused.
    pub fn add_key_credential(
        &mut self,
        application_id: &str,
        der: &[u8],
        given: &Map<String, Value>,
    ) -> Result<Map<String, Value>, DirectoryError> {
        let credential = key_credential_from_der(der, given)?;
        let key_id = credential
            .get("keyId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let app = self.application_mut(application_id)?;
        let taken = app.array("keyCredentials").iter().any(|c| {
            c.get("keyId")
                .and_then(Value::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case(&key_id))
        });
        if taken {
            // Wording is ours: two credentials of one application cannot share a keyId.
            return Err(DirectoryError::Conflict(format!(
                "A key credential with keyId '{key_id}' already exists on the application."
            )));
        }
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

    /// Removes the certificate credential `key_id` of an application (`removeKey`), with its DER.
    pub fn remove_key_credential(
        &mut self,
        application_id: &str,
        key_id: &str,
    ) -> Result<(), DirectoryError> {
        self.remove_credential(application_id, "keyCredentials", key_id)?;
        self.credentials
            .certificates
            .remove(&key_id.to_ascii_lowercase());
        Ok(())
    }

    /// Removes the password credential `key_id` of an application (`removePassword`), with its hash.
    pub fn remove_password_credential(
        &mut self,
        application_id: &str,
        key_id: &str,
    ) -> Result<(), DirectoryError> {
        let stored = self.remove_credential(application_id, "passwordCredentials", key_id)?;
        self.credentials.secret_hashes.remove(&stored);
        Ok(())
    }

    /// Removes the entry with `keyId` `key_id` from the credential collection `collection`; returns the
    /// `keyId` as stored.
    fn remove_credential(
        &mut self,
        application_id: &str,
        collection: &str,
        key_id: &str,
    ) -> Result<String, DirectoryError> {
        let app = self.application_mut(application_id)?;
        let Some(Value::Array(items)) = app.json.get_mut(collection) else {
            return Err(DirectoryError::NotFound {
                kind: "credential",
                id: key_id.to_owned(),
            });
        };
        let position = items.iter().position(|c| {
            c.get("keyId")
                .and_then(Value::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case(key_id))
        });
        let Some(position) = position else {
            return Err(DirectoryError::NotFound {
                kind: "credential",
                id: key_id.to_owned(),
            });
        };
        let removed = items.remove(position);
        Ok(removed
            .get("keyId")
            .and_then(Value::as_str)
            .unwrap_or(key_id)
            .to_owned())
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
