//! The settings document: its schema (the one source of truth for what `describe` publishes and what
//! `configure` checks), validation with field-by-field errors, and migration of older versions.
//!
//! A settings document is a flat JSON object, one member per schema field plus `settings_version`
//! (see `docs/abi.md`). Validation walks the schema in order: a field's conditions may only refer to fields
//! before it, and a field hidden by the current choices has no value, exactly as a host renders the form.

use serde::Serialize;
use serde_json::{Map, Value};

use time::OffsetDateTime;

use crate::certificate::read_pem;
use crate::cloud::{Cloud, Endpoints, Overrides};
use crate::error::{Error, FieldError};

/// The settings format this connector writes and understands best.
pub const SETTINGS_VERSION: u64 = 2;

/// The public client the sign-in uses unless the settings name another: Microsoft Graph Command Line Tools.
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// Example GUID used in messages.
const GUID_EXAMPLE: &str = "00000000-0000-0000-0000-000000000000";

/// The pattern a GUID field must match (published in the schema for hosts that check as the user types).
const GUID_PATTERN: &str =
    "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

/// The pattern of a certificate thumbprint: SHA-1 in hex, optionally with spaces or colons between bytes.
const THUMBPRINT_PATTERN: &str = "^([0-9A-Fa-f]{2}[ :]?){19}[0-9A-Fa-f]{2}$";

/// The type of a settings field, as published in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text.
    Text,
    /// A GUID in its hyphenated form.
    Guid,
    /// One of the listed `choices`.
    Choice,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// An absolute URL (`validation.scheme` says which scheme).
    Url,
    /// One or more PEM blocks.
    Pem,
    /// A secret: a host stores it protected and masks it.
    Secret,
    /// A file system path.
    Path,
}

/// One choice of a `choice` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The value stored in the settings.
    pub value: &'static str,
    /// What a console shows.
    pub label: &'static str,
}

/// The validation rules of a field, published so that a host can check as the user types. The connector
/// checks the same rules in `configure`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// A regular expression the whole text must match.
    pub pattern: Option<&'static str>,
    /// The least number of characters.
    pub min_length: Option<u32>,
    /// The greatest number of characters.
    pub max_length: Option<u32>,
    /// The least integer value.
    pub min: Option<i64>,
    /// The greatest integer value.
    pub max: Option<i64>,
    /// The URL scheme a `url` field must use.
    pub scheme: Option<&'static str>,
}

/// What a condition tests: another field's value equals one value, or is in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct When {
    /// The field tested; always listed before the field holding the condition.
    pub field: &'static str,
    /// The condition holds when the field's value equals this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equals: Option<&'static str>,
    /// The condition holds when the field's value is one of these.
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<&'static [&'static str]>,
}

impl When {
    fn holds(&self, value: Option<&Value>) -> bool {
        let Some(value) = value.and_then(Value::as_str) else {
            return false;
        };
        self.equals.is_some_and(|equals| equals == value)
            || self.one_of.is_some_and(|list| list.contains(&value))
    }
}

/// A condition: while `when` holds, it overrides the field's `visible` and/or `required`. Conditions apply in
/// order; a later one that holds wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// What must hold.
    pub when: When,
    /// The visibility while it holds (unchanged when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// Whether the field is required while it holds (unchanged when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// The connector-side check of a field beyond its JSON type (not published; the schema's `validation`
/// says the same for hosts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    None,
    Guid,
    HttpsUrl,
    Choice,
    Integer,
    TextLength,
    Thumbprint,
    CaCertificates,
    CertificateWithKey,
}

/// One field of the settings schema.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// The member name in the settings document.
    pub name: &'static str,
    /// The label a console shows.
    pub label: &'static str,
    /// Help text a console shows beside the field.
    pub help: &'static str,
    /// The field type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Whether the field is required (before conditions).
    pub required: bool,
    /// Whether the field is shown (before conditions). A hidden field has no value.
    pub visible: bool,
    /// The value used when the field is visible and absent.
    pub default: Option<Value>,
    /// The choices of a `choice` field.
    pub choices: Option<Vec<Choice>>,
    /// The validation rules.
    pub validation: Validation,
    /// The conditions, applied in order.
    pub conditions: Vec<Condition>,
    /// The group the field is shown in.
    pub group: &'static str,
    /// Whether the value is a secret (masked, stored protected, never echoed back by the connector).
    pub secret: bool,
    #[serde(skip)]
    check: Check,
}

impl Field {
    fn new(
        name: &'static str,
        label: &'static str,
        field_type: FieldType,
        group: &'static str,
    ) -> Self {
        let check = match field_type {
            FieldType::Guid => Check::Guid,
            FieldType::Url => Check::HttpsUrl,
            FieldType::Choice => Check::Choice,
            FieldType::Integer => Check::Integer,
            _ => Check::None,
        };
        let validation = match field_type {
            FieldType::Guid => Validation {
                pattern: Some(GUID_PATTERN),
                ..Validation::default()
            },
            FieldType::Url => Validation {
                scheme: Some("https"),
                ..Validation::default()
            },
            _ => Validation::default(),
        };
        Field {
            name,
            label,
            help: "",
            field_type,
            required: false,
            visible: true,
            default: None,
            choices: None,
            validation,
            conditions: Vec::new(),
            group,
            secret: false,
            check,
        }
    }

    fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn hidden(mut self) -> Self {
        self.visible = false;
        self
    }

    fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self
    }

    fn choices(mut self, choices: &[(&'static str, &'static str)]) -> Self {
        self.choices = Some(
            choices
                .iter()
                .map(|&(value, label)| Choice { value, label })
                .collect(),
        );
        self
    }

    fn when(
        mut self,
        field: &'static str,
        equals: &'static str,
        visible: Option<bool>,
        required: Option<bool>,
    ) -> Self {
        let when = When {
            field,
            equals: Some(equals),
            one_of: None,
        };
        self.conditions.push(Condition {
            when,
            visible,
            required,
        });
        self
    }

    /// Shown and required while `field` equals `value`.
    fn shown_and_required_when(self, field: &'static str, value: &'static str) -> Self {
        self.when(field, value, Some(true), Some(true))
    }

    fn length(mut self, min: u32, max: u32) -> Self {
        self.validation.min_length = Some(min);
        self.validation.max_length = Some(max);
        self.check = Check::TextLength;
        self
    }

    fn range(mut self, min: i64, max: i64) -> Self {
        self.validation.min = Some(min);
        self.validation.max = Some(max);
        self
    }

    fn check(mut self, check: Check) -> Self {
        self.check = check;
        if check == Check::Thumbprint {
            self.validation.pattern = Some(THUMBPRINT_PATTERN);
        }
        self
    }

    fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// Whether the field is shown and whether it is required, given the values of the fields before it.
    fn state(&self, values: &Map<String, Value>) -> (bool, bool) {
        let (mut visible, mut required) = (self.visible, self.required);
        for condition in &self.conditions {
            if condition.when.holds(values.get(condition.when.field)) {
                visible = condition.visible.unwrap_or(visible);
                required = condition.required.unwrap_or(required);
            }
        }
        (visible, visible && required)
    }
}

/// A group of fields, shown together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The group's name, referred to by [`Field::group`].
    pub name: &'static str,
    /// The heading a console shows.
    pub label: &'static str,
}

/// The settings schema published by `describe`.
#[derive(Clone, Debug, Serialize)]
pub struct Schema {
    /// The settings version this schema describes.
    pub settings_version: u64,
    /// The fields, in the order a host shows them.
    pub fields: Vec<Field>,
    /// The groups, in order.
    pub groups: Vec<Group>,
}

/// The settings schema of this connector.
pub fn schema() -> Schema {
    use FieldType::{Choice as Choose, Guid, Integer, Path, Pem, Text, Url};
    let groups = vec![
        Group {
            name: "configuration",
            label: "Configuration",
        },
        Group {
            name: "tenant",
            label: "Azure tenant",
        },
        Group {
            name: "sign_in",
            label: "Log in to Azure",
        },
        Group {
            name: "application",
            label: "Azure application",
        },
        Group {
            name: "certificate",
            label: "Certificate",
        },
    ];
    let endpoint_help = |what| match what {
        "authority" => {
            "The Microsoft Entra sign-in host, for example https://login.microsoftonline.com. Leave empty to use \
             the cloud's own; required for custom endpoints. Must use https://."
        }
        "graph" => {
            "The Microsoft Graph host, for example https://graph.microsoft.com. Leave empty to use the cloud's \
             own; required for custom endpoints. Must use https://."
        }
        _ => {
            "The Exchange Online host, for example https://outlook.office365.com. Leave empty to use the cloud's \
             own; required for custom endpoints. Must use https://."
        }
    };
    let fields = vec![
        Field::new("mode", "Configuration", Choose, "configuration")
            .help(
                "Auto configuration creates a new Azure application (or updates an existing one) for the \
                 connection; recommended for a new connection. Manual configuration uses an application you \
                 registered yourself.",
            )
            .required()
            .default_value("auto")
            .choices(&[("auto", "Auto configuration"), ("manual", "Manual configuration")]),
        Field::new("tenant_mode", "Azure AD directories", Choose, "tenant")
            .help(
                "If you have more than one Azure AD in your Azure tenant, select the second option and enter \
                 the Tenant ID of the Azure AD to synchronize.",
            )
            .hidden()
            .default_value("one")
            .choices(&[
                ("one", "I have one Azure AD in my Azure tenant"),
                ("several", "I have more than one Azure AD in my Azure tenant"),
            ])
            .shown_and_required_when("mode", "auto"),
        Field::new("tenant_id", "Tenant ID", Guid, "tenant")
            .help(
                "The GUID of the Azure AD (Microsoft Entra ID) directory to synchronize, for example \
                 00000000-0000-0000-0000-000000000000. You find it on the Overview page of Microsoft Entra ID in \
                 the Azure portal. Log in to Azure is possible only once this is a well-formed GUID.",
            )
            .hidden()
            .shown_and_required_when("tenant_mode", "several")
            .shown_and_required_when("mode", "manual"),
        Field::new("cloud", "Tenant environment", Choose, "tenant")
            .help(
                "The Microsoft cloud your tenant lives in. Choose Custom endpoints to enter the sign-in, \
                 Microsoft Graph and Exchange Online hosts yourself.",
            )
            .required()
            .default_value("global")
            .choices(&[
                ("global", "Azure Cloud (worldwide)"),
                ("gcc", "Azure US Government (GCC)"),
                ("gcc_high", "Azure US Government (GCC High)"),
                ("dod", "Azure US Government (DoD)"),
                ("china", "Azure China (operated by 21Vianet)"),
                ("custom", "Custom endpoints"),
            ]),
        Field::new("authority_host", "Sign-in endpoint", Url, "tenant")
            .help(endpoint_help("authority"))
            .when("cloud", "custom", None, Some(true)),
        Field::new("graph_endpoint", "Microsoft Graph endpoint", Url, "tenant")
            .help(endpoint_help("graph"))
            .when("cloud", "custom", None, Some(true)),
        Field::new("exchange_endpoint", "Exchange Online endpoint", Url, "tenant")
            .help(endpoint_help("exchange"))
            .when("cloud", "custom", None, Some(true)),
        Field::new("extra_ca_pem", "Additional trusted CA certificates", Pem, "tenant")
            .help(
                "PEM certificates of certification authorities to trust in addition to the system's, for \
                 example a TLS-inspecting proxy's CA. Leave empty when not needed.",
            )
            .check(Check::CaCertificates),
        Field::new("sign_in_method", "Sign-in method", Choose, "sign_in")
            .help(
                "How the administrator logs in to Azure: with a code entered at microsoft.com/devicelogin on any \
                 device, or in the system browser on this computer. Choose the browser when Conditional Access \
                 blocks device code sign-in.",
            )
            .hidden()
            .default_value("device_code")
            .choices(&[("device_code", "Device code"), ("browser", "Browser on this computer")])
            .shown_and_required_when("mode", "auto"),
        Field::new("client_id", "Sign-in client ID", Guid, "sign_in")
            .help(
                "The public client application used to log in to Azure. The default is Microsoft Graph Command \
                 Line Tools (14d82eec-204b-4c2f-b7e8-296a70dab67e). Register your own public client and enter \
                 its Application (client) ID when your organization blocks or restricts that application.",
            )
            .hidden()
            .default_value(DEFAULT_CLIENT_ID)
            .shown_and_required_when("mode", "auto"),
        Field::new("application_name", "Azure application name", Text, "application")
            .help(
                "The name of the new or existing Azure application the connection uses. Create or update Azure \
                 application creates it or brings an existing one up to date.",
            )
            .hidden()
            .length(1, 120)
            .shown_and_required_when("mode", "auto"),
        Field::new("application_id", "Application ID", Guid, "application")
            .help(
                "The Application (client) ID of your Azure application, from its Overview page in the Azure \
                 portal.",
            )
            .hidden()
            .shown_and_required_when("mode", "manual"),
        Field::new("credential_type", "Credentials", Choose, "application")
            .help(
                "What the connector creates for the application: a certificate, or a certificate and a client \
                 secret.",
            )
            .hidden()
            .default_value("certificate")
            .choices(&[
                ("certificate", "Certificate"),
                ("certificate_and_secret", "Certificate and client secret"),
            ])
            .shown_and_required_when("mode", "auto"),
        Field::new("credential_lifetime_days", "Certificate lifetime (days)", Integer, "application")
            .help("How long a certificate the connector creates stays valid, in days (1 to 730).")
            .hidden()
            .default_value(365)
            .range(1, 730)
            .shown_and_required_when("mode", "auto"),
        Field::new("certificate_thumbprint", "Certificate thumbprint", Text, "certificate")
            .help(
                "The SHA-1 thumbprint of the certificate the connection signs in with (40 hexadecimal \
                 characters). Filled in after Create or update Azure application; in manual configuration, \
                 the thumbprint of the certificate registered on your application.",
            )
            .check(Check::Thumbprint)
            .when("mode", "manual", None, Some(true)),
        Field::new("certificate_pem", "Certificate and private key (PEM)", Pem, "certificate")
            .help(
                "The certificate and its private key as PEM text. The connector never returns or stores this \
                 value; keep it in the host's protected store.",
            )
            .check(Check::CertificateWithKey)
            .secret(),
        Field::new("certificate_path", "Certificate file", Path, "certificate").help(
            "The path of a PEM or PKCS#12 file holding the certificate and its private key, readable only by the \
             service account.",
        ),
        Field::new("certificate_store", "Certificate store (Windows)", Choose, "certificate")
            .help("On Windows, the certificate store that holds the certificate with the thumbprint above.")
            .choices(&[
                ("CurrentUser\\My", "Current user, Personal (CurrentUser\\My)"),
                ("LocalMachine\\My", "Local computer, Personal (LocalMachine\\My)"),
            ]),
    ];
    Schema {
        settings_version: SETTINGS_VERSION,
        fields,
        groups,
    }
}

/// A warning found while reading settings (it did not stop the call).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettingsWarning {
    /// A stable snake_case code.
    pub code: &'static str,
    /// What a person should know.
    pub message: String,
}

/// Validated, normalised settings.
#[derive(Clone)]
pub struct Settings {
    values: Map<String, Value>,
    endpoints: Endpoints,
    migrated_from: Option<u64>,
    warnings: Vec<SettingsWarning>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secret fields never reach a log.
        f.debug_struct("Settings")
            .field("values", &public_values(&self.values))
            .field("endpoints", &self.endpoints)
            .field("migrated_from", &self.migrated_from)
            .finish_non_exhaustive()
    }
}

/// `values` without the members of secret fields.
fn public_values(values: &Map<String, Value>) -> Map<String, Value> {
    let secret: Vec<&str> = schema()
        .fields
        .iter()
        .filter(|f| f.secret)
        .map(|f| f.name)
        .collect();
    values
        .iter()
        .filter(|(k, _)| !secret.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl Settings {
    /// The normalised value of a field (defaults filled in), or `None` when absent or hidden.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    /// The normalised value of a text-like field.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.values.get(field).and_then(Value::as_str)
    }

    /// The endpoints and resource identifiers of the chosen cloud, overrides applied.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The version the settings were migrated from, when they were older.
    pub fn migrated_from(&self) -> Option<u64> {
        self.migrated_from
    }

    /// Warnings found while reading the settings.
    pub fn warnings(&self) -> &[SettingsWarning] {
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

/// Validates a settings document (already parsed), migrating older versions, and returns the normalised
/// settings or every field error found. `operation_members` are the non-settings members the calling
/// operation accepts (such as `plan_only`); they are skipped here.
pub fn validate(
    document: &Map<String, Value>,
    operation_members: &[&str],
) -> Result<Settings, Error> {
    let mut document: Map<String, Value> = document
        .iter()
        .filter(|(k, _)| !operation_members.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let version = match document.remove("settings_version") {
        None | Some(Value::Null) => 1,
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or_default(),
        Some(_) => {
            return Err(Error::invalid_settings(vec![FieldError::new(
                "settings_version",
                "wrong_type",
                "settings_version must be a whole number such as 2.",
            )]));
        }
    };
    let mut warnings = Vec::new();
    let (document, migrated_from) = match version {
        1 => {
            let migrated = migrate_v1(&document).map_err(Error::invalid_settings)?;
            warnings.push(SettingsWarning {
                code: "settings_migrated",
                message: format!(
                    "These settings were saved in version 1 (manual configuration) and were migrated to version \
                     {SETTINGS_VERSION}. Store the returned settings."
                ),
            });
            (migrated, Some(1))
        }
        SETTINGS_VERSION => (document, None),
        newer if newer > SETTINGS_VERSION => {
            return Err(Error::invalid_settings(vec![FieldError::new(
                "settings_version",
                "unsupported_version",
                format!(
                    "These settings are version {newer}, newer than this connector understands (version \
                     {SETTINGS_VERSION}, connector {}). Update the connector to use them.",
                    env!("CARGO_PKG_VERSION")
                ),
            )])
            .with_hint("Install a newer version of the Microsoft 365 connector."));
        }
        _ => {
            return Err(Error::invalid_settings(vec![FieldError::new(
                "settings_version",
                "unsupported_version",
                format!(
                    "settings_version must be 1 or {SETTINGS_VERSION}; 0 is not a settings version."
                ),
            )]));
        }
    };
    let (mut values, mut more_warnings) =
        validate_v2(&document).map_err(Error::invalid_settings)?;
    warnings.append(&mut more_warnings);
    check_held_certificate(&mut values, &mut warnings, OffsetDateTime::now_utc())
        .map_err(Error::invalid_settings)?;
    let endpoints = resolve_endpoints(&values).map_err(Error::invalid_settings)?;
    if values.get("mode").and_then(Value::as_str) == Some("manual")
        && !["certificate_pem", "certificate_path", "certificate_store"]
            .iter()
            .any(|f| values.contains_key(*f))
    {
        warnings.push(SettingsWarning {
            code: "certificate_source_missing",
            message: "No certificate is given (PEM, file or Windows store): Test connection will need one to \
                      sign in as the application."
                .to_owned(),
        });
    }
    Ok(Settings {
        values,
        endpoints,
        migrated_from,
        warnings,
    })
}

/// Migrates a version 1 document (manual configuration of earlier releases) to version 2.
fn migrate_v1(v1: &Map<String, Value>) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut v2 = Map::new();
    v2.insert("mode".to_owned(), Value::from("manual"));
    for (name, value) in v1 {
        match name.as_str() {
            "tenant_id" | "application_id" | "certificate_thumbprint" => {
                v2.insert(name.clone(), value.clone());
            }
            "environment" => match value {
                Value::Null => {}
                Value::String(env) => match env.as_str() {
                    "AzureCloud" => _ = v2.insert("cloud".to_owned(), Value::from("global")),
                    "GCC" => _ = v2.insert("cloud".to_owned(), Value::from("gcc")),
                    "GCCHigh" => _ = v2.insert("cloud".to_owned(), Value::from("gcc_high")),
                    _ => errors.push(FieldError::new(
                        "environment",
                        "invalid_choice",
                        "Tenant environment (version 1 settings) must be one of: AzureCloud, GCC, GCCHigh.",
                    )),
                },
                _ => errors.push(FieldError::new(
                    "environment",
                    "wrong_type",
                    "Tenant environment (version 1 settings) must be text.",
                )),
            },
            other => errors.push(unknown_field(other, 1)),
        }
    }
    if errors.is_empty() {
        Ok(v2)
    } else {
        Err(errors)
    }
}

fn unknown_field(name: &str, version: u64) -> FieldError {
    FieldError::new(
        name,
        "unknown_field",
        format!("\"{name}\" is not a setting of this connector (settings version {version})."),
    )
}

/// The normalised values of a valid version 2 document, and the warnings found.
type Validated = (Map<String, Value>, Vec<SettingsWarning>);

/// Validates a version 2 document; returns the normalised values and warnings, or every field error.
fn validate_v2(document: &Map<String, Value>) -> Result<Validated, Vec<FieldError>> {
    let schema = schema();
    let mut errors: Vec<FieldError> = document
        .keys()
        .filter(|name| !schema.fields.iter().any(|f| f.name == name.as_str()))
        .map(|name| unknown_field(name, SETTINGS_VERSION))
        .collect();
    let mut values = Map::new();
    let mut ignored = Vec::new();
    for field in &schema.fields {
        let given = document.get(field.name).filter(|v| !is_empty(v));
        if let Some(Err(error)) = given.map(|value| check_json_type(field, value)) {
            errors.push(error);
            continue;
        }
        let (visible, required) = field.state(&values);
        if !visible {
            if given.is_some() {
                ignored.push(field.label);
            }
            continue;
        }
        match given.or(field.default.as_ref()) {
            Some(value) => match check_value(field, value) {
                Ok(normal) => _ = values.insert(field.name.to_owned(), normal),
                Err(error) => errors.push(error),
            },
            None if required => errors.push(FieldError::new(
                field.name,
                "required",
                format!("{} is required.", field.label),
            )),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut warnings = Vec::new();
    if !ignored.is_empty() {
        warnings.push(SettingsWarning {
            code: "fields_ignored",
            message: format!(
                "These settings do not apply to the chosen options and were ignored: {}.",
                ignored.join(", ")
            ),
        });
    }
    Ok((values, warnings))
}

/// `null` and blank text count as "not given".
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn check_json_type(field: &Field, value: &Value) -> Result<(), FieldError> {
    let (ok, expected) = match field.field_type {
        FieldType::Integer => (value.as_i64().is_some(), "a whole number"),
        FieldType::Boolean => (value.is_boolean(), "true or false"),
        _ => (value.is_string(), "text"),
    };
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field.name,
            "wrong_type",
            format!("{} must be {expected}.", field.label),
        ))
    }
}

/// Checks a value of the right JSON type and returns its normal form.
fn check_value(field: &Field, value: &Value) -> Result<Value, FieldError> {
    let text = value.as_str().map(str::trim).unwrap_or_default();
    let label = field.label;
    let error = |code: &str, message: String| FieldError::new(field.name, code, message);
    match field.check {
        Check::None => Ok(value_of(field, value, text)),
        Check::Guid => parse_guid(text).map(Value::from).ok_or_else(|| {
            error(
                "invalid_guid",
                format!("{label} must be a GUID such as {GUID_EXAMPLE}."),
            )
        }),
        Check::HttpsUrl => check_https_url(text)
            .map(Value::from)
            .map_err(|(code, message)| error(code, format!("{label} {message}"))),
        Check::Choice => {
            let choices = field.choices.as_deref().unwrap_or_default();
            if choices.iter().any(|c| c.value == text) {
                Ok(Value::from(text))
            } else {
                let values: Vec<&str> = choices.iter().map(|c| c.value).collect();
                Err(error(
                    "invalid_choice",
                    format!("{label} must be one of: {}.", values.join(", ")),
                ))
            }
        }
        Check::Integer => {
            let n = value.as_i64().unwrap_or_default();
            let (min, max) = (
                field.validation.min.unwrap_or(i64::MIN),
                field.validation.max.unwrap_or(i64::MAX),
            );
            if (min..=max).contains(&n) {
                Ok(Value::from(n))
            } else {
                Err(error(
                    "out_of_range",
                    format!("{label} must be between {min} and {max}."),
                ))
            }
        }
        Check::TextLength => {
            let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
            let max = field.validation.max_length.unwrap_or(u32::MAX);
            if chars > max {
                Err(error(
                    "too_long",
                    format!("{label} must be at most {max} characters long."),
                ))
            } else {
                Ok(Value::from(text))
            }
        }
        Check::Thumbprint => {
            let hex: String = text.chars().filter(|c| *c != ' ' && *c != ':').collect();
            if hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                Ok(Value::from(hex.to_ascii_uppercase()))
            } else {
                Err(error(
                    "invalid_thumbprint",
                    format!(
                        "{label} must be the certificate's SHA-1 thumbprint: 40 hexadecimal characters."
                    ),
                ))
            }
        }
        Check::CaCertificates => check_pem(text, false)
            .map(|()| Value::from(text))
            .map_err(|message| error("invalid_pem", format!("{label}: {message}"))),
        Check::CertificateWithKey => check_pem(text, true)
            .map(|()| Value::from(text))
            .map_err(|message| error("invalid_pem", format!("{label}: {message}"))),
    }
}

/// The normal form of a value without a specific check: trimmed text, or the value itself.
fn value_of(field: &Field, value: &Value, text: &str) -> Value {
    match field.field_type {
        FieldType::Integer | FieldType::Boolean => value.clone(),
        _ => Value::from(text),
    }
}

/// Parses a GUID in its hyphenated form (the form Microsoft shows), returning it in lower case.
pub fn parse_guid(text: &str) -> Option<String> {
    if text.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(text)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// Checks an endpoint override: an absolute `https://` URL with a host and no credentials, query or
/// fragment. Returns it without a trailing slash.
fn check_https_url(text: &str) -> Result<String, (&'static str, String)> {
    let url = url::Url::parse(text).map_err(|_| {
        (
            "invalid_url",
            "must be an absolute URL such as https://login.microsoftonline.com.".to_owned(),
        )
    })?;
    if url.scheme() != "https" {
        return Err((
            "https_required",
            format!("must use https:// (not {}://).", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err((
            "invalid_url",
            "must be an https:// URL with a host and no user name, query or fragment.".to_owned(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Checks PEM text: at least one certificate; with `with_key`, exactly one (unencrypted) private key too,
/// and without it none. Messages never quote the text.
fn check_pem(text: &str, with_key: bool) -> Result<(), String> {
    let contents = read_pem(text)?;
    if contents.certificates.is_empty() {
        return Err("no PEM certificate found (-----BEGIN CERTIFICATE-----).".to_owned());
    }
    match (with_key, contents.private_keys) {
        (true, 1) | (false, 0) => Ok(()),
        (true, keys) => Err(format!(
            "expected one private key (-----BEGIN PRIVATE KEY-----), found {keys}."
        )),
        (false, _) => Err("a private key does not belong here; only certificates.".to_owned()),
    }
}

/// How close to its expiry a held certificate gets a warning.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// Checks the held certificate in `certificate_pem` against `certificate_thumbprint` (filling the thumbprint
/// in when absent) and warns when it expired or expires soon.
fn check_held_certificate(
    values: &mut Map<String, Value>,
    warnings: &mut Vec<SettingsWarning>,
    now: OffsetDateTime,
) -> Result<(), Vec<FieldError>> {
    let Some(pem) = values.get("certificate_pem").and_then(Value::as_str) else {
        return Ok(());
    };
    let Some(held) = read_pem(pem)
        .ok()
        .and_then(|c| c.certificates.into_iter().next())
    else {
        return Ok(());
    };
    match values.get("certificate_thumbprint").and_then(Value::as_str) {
        Some(thumbprint) if thumbprint != held.thumbprint => {
            return Err(vec![FieldError::new(
                "certificate_thumbprint",
                "thumbprint_mismatch",
                format!(
                    "Certificate thumbprint does not match the certificate in Certificate and private key (PEM), \
                     whose thumbprint is {}.",
                    held.thumbprint
                ),
            )]);
        }
        Some(_) => {}
        None => {
            _ = values.insert(
                "certificate_thumbprint".to_owned(),
                Value::from(held.thumbprint.clone()),
            )
        }
    }
    let date = held.not_after.date();
    if held.not_after <= now {
        warnings.push(SettingsWarning {
            code: "certificate_expired",
            message: format!(
                "The certificate {} ({}) expired on {date}: signing in with it will fail. Create or update the \
                 Azure application to add a new certificate, or register a new one yourself.",
                held.thumbprint, held.subject
            ),
        });
    } else if held.not_after - now <= time::Duration::days(EXPIRY_WARNING_DAYS) {
        warnings.push(SettingsWarning {
            code: "certificate_expiring",
            message: format!(
                "The certificate {} ({}) expires on {date}. Create or update the Azure application to add a new \
                 certificate before then.",
                held.thumbprint, held.subject
            ),
        });
    }
    Ok(())
}

/// Resolves the cloud's endpoints from normalised values.
fn resolve_endpoints(values: &Map<String, Value>) -> Result<Endpoints, Vec<FieldError>> {
    let text = |name: &str| values.get(name).and_then(Value::as_str);
    let cloud = text("cloud")
        .and_then(Cloud::from_name)
        .unwrap_or(Cloud::Global);
    let overrides = Overrides {
        authority_host: text("authority_host").map(str::to_owned),
        graph_endpoint: text("graph_endpoint").map(str::to_owned),
        exchange_endpoint: text("exchange_endpoint").map(str::to_owned),
    };
    cloud.endpoints(&overrides).map_err(|missing| {
        missing
            .into_iter()
            .map(|field| {
                FieldError::new(
                    field,
                    "required",
                    format!("{field} is required for custom endpoints."),
                )
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::{
        DEFAULT_CLIENT_ID, check_held_certificate, check_pem, check_value, schema, validate,
    };
    use crate::certificate::read_pem;
    use serde_json::json;
    use serde_json::{Map, Value};

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    fn field_errors(value: Value) -> Vec<(String, String)> {
        let error = validate(&object(value), &[]).expect_err("invalid settings");
        error
            .fields()
            .iter()
            .map(|f| (f.field.clone(), f.code.clone()))
            .collect()
    }

    #[test]
    fn minimal_auto_settings_get_their_defaults() {
        let settings = validate(
            &object(json!({"settings_version": 2, "application_name": "Sync"})),
            &[],
        )
        .unwrap();
        let document = Value::Object(settings.to_document());
        assert_eq!(
            document,
            json!({
                "settings_version": 2, "mode": "auto", "tenant_mode": "one", "cloud": "global",
                "sign_in_method": "device_code", "client_id": DEFAULT_CLIENT_ID, "application_name": "Sync",
                "credential_type": "certificate", "credential_lifetime_days": 365
            })
        );
        assert!(settings.warnings().is_empty());
    }

    #[test]
    fn conditions_follow_the_fields_before_them() {
        // tenant_id is required in several-directories mode and in manual mode, not in one-directory mode.
        assert_eq!(
            field_errors(
                json!({"settings_version": 2, "tenant_mode": "several", "application_name": "a"})
            ),
            [("tenant_id".to_owned(), "required".to_owned())]
        );
        assert_eq!(
            field_errors(json!({"settings_version": 2, "mode": "manual"})),
            [
                ("tenant_id".to_owned(), "required".to_owned()),
                ("application_id".to_owned(), "required".to_owned()),
                ("certificate_thumbprint".to_owned(), "required".to_owned()),
            ]
        );
    }

    #[test]
    fn hidden_fields_are_ignored_with_a_warning() {
        let settings = validate(
            &object(json!({"settings_version": 2, "application_name": "a", "application_id": "not a guid"})),
            &[],
        )
        .unwrap();
        assert_eq!(settings.get("application_id"), None);
        assert_eq!(settings.warnings()[0].code, "fields_ignored");
        assert!(settings.warnings()[0].message.contains("Application ID"));
    }

    #[test]
    fn guids_urls_and_thumbprints_are_normalised() {
        let settings = validate(
            &object(json!({
                "settings_version": 2, "mode": "manual",
                "tenant_id": "  6A1B0C3E-1111-2222-3333-444455556666 ",
                "application_id": "6a1b0c3e-1111-2222-3333-444455556667",
                "certificate_thumbprint": "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01",
                "graph_endpoint": "https://graph.example.test/",
                "certificate_store": "LocalMachine\\My"
            })),
            &[],
        )
        .unwrap();
        assert_eq!(
            settings.text("tenant_id"),
            Some("6a1b0c3e-1111-2222-3333-444455556666")
        );
        assert_eq!(
            settings.text("certificate_thumbprint"),
            Some("ABCDEF0123456789ABCDEF0123456789ABCDEF01")
        );
        assert_eq!(
            settings.endpoints().graph_endpoint,
            "https://graph.example.test"
        );
        assert!(settings.warnings().is_empty(), "{:?}", settings.warnings());
    }

    #[test]
    fn custom_endpoints_need_all_three() {
        assert_eq!(
            field_errors(json!({
                "settings_version": 2, "application_name": "a", "cloud": "custom",
                "graph_endpoint": "https://graph.example.test"
            })),
            [
                ("authority_host".to_owned(), "required".to_owned()),
                ("exchange_endpoint".to_owned(), "required".to_owned()),
            ]
        );
    }

    #[test]
    fn pem_fields_must_hold_certificates() {
        let ca = include_str!("testdata/test-ca.pem");
        let ok = validate(
            &object(json!({"settings_version": 2, "application_name": "a", "extra_ca_pem": ca})),
            &[],
        );
        assert!(ok.is_ok(), "{ok:?}");
        let errors = field_errors(json!({
            "settings_version": 2, "application_name": "a",
            "extra_ca_pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "certificate_pem": ca,
        }));
        assert_eq!(
            errors,
            [
                ("extra_ca_pem".to_owned(), "invalid_pem".to_owned()),
                ("certificate_pem".to_owned(), "invalid_pem".to_owned()),
            ]
        );
        assert_eq!(
            check_pem("no pem here", false),
            Err("no PEM certificate found (-----BEGIN CERTIFICATE-----).".to_owned())
        );
    }

    #[test]
    fn secret_fields_are_not_echoed() {
        let ca = include_str!("testdata/test-ca.pem");
        let key =
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
        let settings = validate(
            &object(json!({"settings_version": 2, "application_name": "a", "certificate_pem": format!("{ca}{key}")})),
            &[],
        )
        .unwrap();
        assert!(settings.get("certificate_pem").is_some());
        assert!(!settings.to_document().contains_key("certificate_pem"));
        assert_eq!(settings.omitted_secrets(), ["certificate_pem"]);
        assert!(!format!("{settings:?}").contains("PRIVATE KEY"));
    }

    fn held(thumbprint: Option<&str>) -> Map<String, Value> {
        let ca = include_str!("testdata/test-ca.pem");
        let key =
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
        let mut values = Map::new();
        values.insert(
            "certificate_pem".to_owned(),
            Value::from(format!("{ca}{key}")),
        );
        if let Some(thumbprint) = thumbprint {
            values.insert("certificate_thumbprint".to_owned(), Value::from(thumbprint));
        }
        values
    }

    #[test]
    fn the_held_certificate_fills_in_and_must_match_its_thumbprint() {
        let leaf = read_pem(include_str!("testdata/test-ca.pem"))
            .unwrap()
            .certificates
            .remove(0);
        let now = leaf.not_after - time::Duration::days(365);
        let mut values = held(None);
        let mut warnings = Vec::new();
        check_held_certificate(&mut values, &mut warnings, now).unwrap();
        assert_eq!(values["certificate_thumbprint"], leaf.thumbprint.as_str());
        assert!(warnings.is_empty());

        let mut values = held(Some("0000000000000000000000000000000000000000"));
        let errors = check_held_certificate(&mut values, &mut warnings, now).unwrap_err();
        assert_eq!(errors[0].code, "thumbprint_mismatch");
        assert!(
            errors[0]
                .message
                .ends_with(&format!("whose thumbprint is {}.", leaf.thumbprint))
        );
    }

    #[test]
    fn an_expired_or_expiring_certificate_is_a_warning() {
        let leaf = read_pem(include_str!("testdata/test-ca.pem"))
            .unwrap()
            .certificates
            .remove(0);
        let mut warnings = Vec::new();
        let soon = leaf.not_after - time::Duration::days(10);
        check_held_certificate(&mut held(None), &mut warnings, soon).unwrap();
        let later = leaf.not_after + time::Duration::days(1);
        check_held_certificate(&mut held(None), &mut warnings, later).unwrap();
        let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["certificate_expiring", "certificate_expired"]);
        assert!(
            warnings[1]
                .message
                .contains(&format!("expired on {}", leaf.not_after.date()))
        );
        assert!(!warnings[1].message.contains("PRIVATE"));
    }

    #[test]
    fn operation_members_are_not_settings() {
        let ok = validate(
            &object(json!({"settings_version": 2, "application_name": "a", "plan_only": true})),
            &["plan_only"],
        );
        assert!(ok.is_ok());
        assert_eq!(
            field_errors(
                json!({"settings_version": 2, "application_name": "a", "plan_only": true})
            ),
            [("plan_only".to_owned(), "unknown_field".to_owned())]
        );
    }

    #[test]
    fn version_1_environment_must_be_known() {
        assert_eq!(
            field_errors(
                json!({"tenant_id": "6a1b0c3e-1111-2222-3333-444455556666", "environment": "Mars"})
            ),
            [("environment".to_owned(), "invalid_choice".to_owned())]
        );
    }

    #[test]
    fn the_schema_is_consistent() {
        let schema = schema();
        for (index, field) in schema.fields.iter().enumerate() {
            assert!(
                schema.groups.iter().any(|g| g.name == field.group),
                "{} has no group",
                field.name
            );
            assert!(!field.help.is_empty(), "{} has no help", field.name);
            for condition in &field.conditions {
                let before = &schema.fields[..index];
                assert!(
                    before.iter().any(|f| f.name == condition.when.field),
                    "{} refers forward",
                    field.name
                );
            }
            if let Some(default) = &field.default {
                assert!(
                    check_value(field, default).is_ok(),
                    "default of {} is invalid",
                    field.name
                );
            }
        }
    }
}
