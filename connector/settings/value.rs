//! Validated settings: the normalised values, the endpoints they resolve to, and typed accessors for the
//! operations that use them. Only `validate` makes them.

use serde_json::{Map, Value};

use crate::cloud::Endpoints;
use crate::result::Warning;
use crate::settings::choices::{Mode, SettingChoice, SignInMethod, TenantMode};
use crate::settings::fields::{DEFAULT_CLIENT_ID, SETTINGS_VERSION, schema};

/// Validated, normalised settings. `Debug` leaves secret fields out.
#[derive(Clone)]
pub struct Settings {
    values: Map<String, Value>,
    endpoints: Endpoints,
    migrated_from: Option<u64>,
    warnings: Vec<Warning>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("values", &public_values(&self.values))
            .field("endpoints", &self.endpoints)
            .field("migrated_from", &self.migrated_from)
            .finish_non_exhaustive()
    }
}

/// `values` without the members of secret fields.
fn public_values(values: &Map<String, Value>) -> Map<String, Value> {
    let schema = schema();
    values
        .iter()
        .filter(|(name, _)| schema.field(name).is_none_or(|field| !field.secret))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

impl Settings {
    /// Settings from validated values.
    pub(super) fn new(
        values: Map<String, Value>,
        endpoints: Endpoints,
        migrated_from: Option<u64>,
        warnings: Vec<Warning>,
    ) -> Self {
        Settings {
            values,
            endpoints,
            migrated_from,
            warnings,
        }
    }

    /// The normalised value of a field (defaults filled in), or `None` when absent or hidden.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    /// The normalised value of a text-like field.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.values.get(field).and_then(Value::as_str)
    }

    fn choice<C: SettingChoice>(&self, field: &str) -> Option<C> {
        self.text(field).and_then(C::from_value)
    }

    /// Auto or manual configuration.
    pub fn mode(&self) -> Mode {
        self.choice("mode").unwrap_or(Mode::Auto)
    }

    /// How many directories the tenant holds; `None` in manual configuration, which always names the
    /// tenant ([`Settings::tenant_id`]).
    pub fn tenant_mode(&self) -> Option<TenantMode> {
        self.choice("tenant_mode")
    }

    /// The tenant id (lower-case GUID, never all zero), when the settings name one: in several-directories
    /// mode and in manual configuration.
    pub fn tenant_id(&self) -> Option<&str> {
        self.text("tenant_id")
    }

    /// How the administrator signs in (device code unless the settings say browser).
    pub fn sign_in_method(&self) -> SignInMethod {
        self.choice("sign_in_method")
            .unwrap_or(SignInMethod::DeviceCode)
    }

    /// The public client id the administrator signs in with: the `client_id` setting, or Microsoft Graph
    /// Command Line Tools when the settings do not show that field (manual configuration).
    pub fn client_id(&self) -> &str {
        self.text("client_id").unwrap_or(DEFAULT_CLIENT_ID)
    }

    /// The endpoints and resource identifiers of the chosen cloud (all three endpoints given together under
    /// custom endpoints, never one by one).
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The extra CA certificates to trust (PEM, one or more certificates), when given.
    pub fn extra_ca_pem(&self) -> Option<&str> {
        self.text("extra_ca_pem")
    }

    /// The version the settings were migrated from, when they were older.
    pub fn migrated_from(&self) -> Option<u64> {
        self.migrated_from
    }

    /// Warnings found while reading the settings.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The normalised settings document as a host should store it: `settings_version` and every visible field
    /// with a value, defaults filled in, secret fields left out (the host keeps its own copy of those).
    pub fn to_document(&self) -> Map<String, Value> {
        let mut document = public_values(&self.values);
        document.insert("settings_version".to_owned(), Value::from(SETTINGS_VERSION));
        document
    }

    /// The names of secret fields that had a value and are left out of [`Settings::to_document`].
    pub fn omitted_secrets(&self) -> Vec<&'static str> {
        schema()
            .fields
            .iter()
            .filter(|f| f.secret && self.values.contains_key(f.name))
            .map(|f| f.name)
            .collect()
    }
}
