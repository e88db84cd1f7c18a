//! A connection's values as the wizard holds them: the settings that are shown (and stored as they are) and
//! the secret ones (masked, stored in the store's protected table), kept apart from the start so that a
//! secret never lands among the settings. Also what the host keeps from `provision`'s one-time credential
//! hand-off (`docs/abi.md`, "Credential hand-off"), and the masking of hand-off members in documents a
//! person or a script sees.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::description::Description;
use crate::store::{Connection, MASK, Secret};

/// The settings field that takes the handed-over certificate's `pem` (certificate and private key), as
/// `docs/abi.md` ("Credential hand-off") says.
pub const CERTIFICATE_FIELD: &str = "certificate_pem";
/// The settings field that carries the held certificate's thumbprint back to the plugin (`docs/abi.md`,
/// "Credential hand-off"); `provision` fills it in.
pub const THUMBPRINT_FIELD: &str = "certificate_thumbprint";
/// The settings field that takes a handed-over client secret's `secret_text`.
pub const CLIENT_SECRET_FIELD: &str = "client_secret";
/// The store's name for the handed-over PKCS#12 (base64), kept for a Windows host; never passed back.
pub const PKCS12_SECRET: &str = "credential.pkcs12_base64";
/// The store's name for the handed-over PKCS#12's password.
pub const PKCS12_PASSWORD_SECRET: &str = "credential.pkcs12_password";

/// The members of a hand-off that hold private material, masked in everything shown.
const PRIVATE_MEMBERS: [&str; 5] = [
    "pem",
    "private_key_pem",
    "pkcs12_base64",
    "pkcs12_password",
    "secret_text",
];

/// A connection's values: settings by field, and secrets by field (secret settings fields, and the
/// hand-off's PKCS#12 under [`PKCS12_SECRET`] and [`PKCS12_PASSWORD_SECRET`]).
#[derive(Clone, Debug, Default)]
pub struct Values {
    /// The non-secret settings.
    pub settings: Map<String, Value>,
    /// The secrets; `Debug` masks them.
    pub secrets: BTreeMap<String, Secret>,
}

impl Values {
    /// The values of a saved connection and its secrets.
    pub fn from_saved(connection: &Connection, secrets: BTreeMap<String, Secret>) -> Values {
        Values {
            settings: connection.settings.clone(),
            secrets,
        }
    }

    /// Sets a field: a secret field among the secrets, anything else among the settings; `None` clears it.
    pub fn set(&mut self, description: &Description, name: &str, value: Option<Value>) {
        match value {
            Some(value) if description.is_secret(name) => {
                self.settings.remove(name);
                self.secrets
                    .insert(name.to_owned(), Secret::new(crate::schema::plain(&value)));
            }
            Some(value) => {
                self.secrets.remove(name);
                self.settings.insert(name.to_owned(), value);
            }
            None => {
                self.settings.remove(name);
                self.secrets.remove(name);
            }
        }
    }

    /// Whether the field has a value (secret or not).
    pub fn has(&self, name: &str) -> bool {
        self.secrets.contains_key(name)
            || self
                .settings
                .get(name)
                .is_some_and(|value| !crate::form::is_blank(value))
    }

    /// The settings document to pass to the plugin: the settings, the secret fields the schema has (not the
    /// PKCS#12 kept for Windows), and `extra` operation members (e.g. `plan_only`).
    pub fn input(&self, description: &Description, extra: &[(&str, Value)]) -> Value {
        let mut input = self.settings.clone();
        for (name, secret) in &self.secrets {
            if description.schema.field(name).is_some() {
                input.insert(name.clone(), Value::String(secret.expose().to_owned()));
            }
        }
        for (name, value) in extra {
            input.insert((*name).to_owned(), value.clone());
        }
        Value::Object(input)
    }

    /// Takes the normalised settings a plugin returned (`data.settings` of `configure` or `provision`),
    /// which leave secret fields out: the secrets held stay as they are. A secret field the plugin did
    /// return anyway is moved to the secrets, never kept among the settings.
    pub fn take_settings(&mut self, description: &Description, settings: &Map<String, Value>) {
        let mut kept = Map::new();
        for (name, value) in settings {
            if description.is_secret(name) {
                if !crate::form::is_blank(value) {
                    self.secrets
                        .insert(name.clone(), Secret::new(crate::schema::plain(value)));
                }
            } else {
                kept.insert(name.clone(), value.clone());
            }
        }
        self.settings = kept;
    }

    /// Keeps what a `provision` result hands over once (`data.credential`, `data.secret`): the
    /// certificate's `pem` becomes [`CERTIFICATE_FIELD`], the PKCS#12 and its password are kept for a
    /// Windows host, a client secret becomes [`CLIENT_SECRET_FIELD`]. Returns whether anything was handed
    /// over.
    pub fn take_handoff(&mut self, data: &Value) -> bool {
        let mut taken = false;
        if let Some(credential) = data.get("credential").filter(|c| c.is_object()) {
            for (member, name) in [
                ("pem", CERTIFICATE_FIELD),
                ("pkcs12_base64", PKCS12_SECRET),
                ("pkcs12_password", PKCS12_PASSWORD_SECRET),
            ] {
                if let Some(value) = credential.get(member).and_then(Value::as_str) {
                    self.settings.remove(name);
                    self.secrets
                        .insert(name.to_owned(), Secret::from(value.to_owned()));
                    taken = true;
                }
            }
        }
        if let Some(text) = data
            .get("secret")
            .and_then(|secret| secret.get("secret_text"))
            .and_then(Value::as_str)
        {
            self.secrets.insert(
                CLIENT_SECRET_FIELD.to_owned(),
                Secret::from(text.to_owned()),
            );
            taken = true;
        }
        taken
    }

    /// Forgets the certificate the connection holds (its thumbprint and its PEM and PKCS#12), so that the
    /// next `provision` hands over a new one.
    pub fn forget_certificate(&mut self) {
        self.settings.remove(THUMBPRINT_FIELD);
        for name in [CERTIFICATE_FIELD, PKCS12_SECRET, PKCS12_PASSWORD_SECRET] {
            self.secrets.remove(name);
        }
    }
}

/// A result document as a person or a script may see it: the hand-off's private members
/// (`data.credential.pem`, `private_key_pem`, the PKCS#12 and its password, `data.secret.secret_text`) and any
/// secret field in `data.settings` replaced by the mask.
pub fn masked(document: &Value, description: Option<&Description>) -> Value {
    let mut document = document.clone();
    if let Some(data) = document.get_mut("data").and_then(Value::as_object_mut) {
        for member in ["credential", "secret"] {
            if let Some(handoff) = data.get_mut(member).and_then(Value::as_object_mut) {
                for private in PRIVATE_MEMBERS {
                    if let Some(value) = handoff.get_mut(private).filter(|value| !value.is_null()) {
                        *value = Value::String(MASK.to_owned());
                    }
                }
            }
        }
        if let (Some(settings), Some(description)) = (
            data.get_mut("settings").and_then(Value::as_object_mut),
            description,
        ) {
            for (name, value) in settings.iter_mut() {
                if description.is_secret(name) && !value.is_null() {
                    *value = Value::String(MASK.to_owned());
                }
            }
        }
    }
    document
}

#[cfg(test)]
mod tests {
    use super::{CERTIFICATE_FIELD, PKCS12_SECRET, Values, masked};
    use crate::description::Description;
    use serde_json::json;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    fn description() -> Description {
        Description::from_data(&json!({ "settings_schema": { "fields": [
            { "name": "application_name" },
            { "name": "certificate_pem", "secret": true },
            { "name": "client_secret", "secret": true }
        ] } }))
        .unwrap()
    }

    #[test]
    fn secret_fields_never_land_among_the_settings() {
        let description = description();
        let mut values = Values::default();
        values.set(&description, "application_name", Some(json!("Sync")));
        values.set(&description, "client_secret", Some(json!("s3cr3t")));
        values.take_settings(
            &description,
            json!({ "application_name": "Sync", "certificate_pem": KEY })
                .as_object()
                .unwrap(),
        );
        assert_eq!(values.settings.len(), 1);
        assert_eq!(values.secrets[CERTIFICATE_FIELD].expose(), KEY);
        assert_eq!(values.secrets["client_secret"].expose(), "s3cr3t");
        let input = values.input(&description, &[("plan_only", json!(true))]);
        assert_eq!(input["client_secret"], "s3cr3t");
        assert_eq!(input["plan_only"], true);
        assert!(!format!("{values:?}").contains("s3cr3t"));
    }

    #[test]
    fn the_handoff_is_kept_and_masked_in_what_is_shown() {
        let description = description();
        let document = json!({ "ok": true, "data": {
            "credential": { "type": "certificate", "thumbprint": "AB", "pem": KEY, "private_key_pem": KEY,
                            "pkcs12_base64": "MIIK", "pkcs12_password": "pw" },
            "secret": { "secret_text": "s3cr3t", "hint": "s3c" },
            "settings": { "application_name": "Sync", "client_secret": "s3cr3t" } } });
        let mut values = Values::default();
        assert!(values.take_handoff(&document["data"]));
        assert_eq!(values.secrets[CERTIFICATE_FIELD].expose(), KEY);
        assert_eq!(values.secrets[PKCS12_SECRET].expose(), "MIIK");
        assert_eq!(values.secrets["client_secret"].expose(), "s3cr3t");
        // The PKCS#12 is not a settings field, so it never goes back to the plugin.
        assert!(values.input(&description, &[]).get(PKCS12_SECRET).is_none());
        let shown = masked(&document, Some(&description)).to_string();
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("MIIK"), "{shown}");
        assert!(shown.contains("\"thumbprint\":\"AB\""), "{shown}");
    }
}
