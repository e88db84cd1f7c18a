//! Validation of a settings document against the schema: every field error at once, values normalised,
//! defaults filled in, older versions migrated, endpoints resolved.
//!
//! Validation walks the schema in order: a field's conditions may only refer to fields before it, and a
//! field hidden by the current choices has no value, exactly as a host renders the form.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::cloud::{Cloud, Endpoints};
use crate::error::{Error, FieldError};
use crate::result::Warning;
use crate::settings::checks;
use crate::settings::choices::SettingChoice;
use crate::settings::fields::{SETTINGS_VERSION, schema};
use crate::settings::migrate::migrate_v1;
use crate::settings::schema::{Check, Field, FieldType, IfHidden, Schema};
use crate::settings::value::Settings;

/// The fields that replace a cloud's endpoints (only all together, only with custom endpoints).
const ENDPOINT_FIELDS: [&str; 3] = ["authority_host", "graph_endpoint", "exchange_endpoint"];

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
                "settings_version must be a whole number such as 3.",
            )]));
        }
    };
    let mut warnings = Vec::new();
    let (document, migrated_from) = match version {
        1 => {
            let migrated = migrate_v1(&document).map_err(Error::invalid_settings)?;
            warnings.push(Warning {
                code: "settings_migrated",
                message: format!(
                    "These settings were saved in version 1 (manual configuration) and were migrated to version \
                     {SETTINGS_VERSION}. Store the returned settings."
                ),
            });
            (migrated, Some(1))
        }
        // Version 3 added fields (all optional) to version 2's: a version 2 document reads as it is.
        2 => {
            warnings.push(Warning {
                code: "settings_migrated",
                message: format!(
                    "These settings were saved in version 2 and were migrated to version {SETTINGS_VERSION}. \
                     Store the returned settings."
                ),
            });
            (document, Some(2))
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
                    "settings_version must be 1, 2 or {SETTINGS_VERSION}; 0 is not a settings version."
                ),
            )]));
        }
    };
    let schema = schema();
    let mut values =
        validate_v2(&schema, &document, &mut warnings).map_err(Error::invalid_settings)?;
    fill_in_thumbprint(&mut values);
    checks::held_certificate(&values, &mut warnings, OffsetDateTime::now_utc())
        .map_err(Error::invalid_settings)?;
    let endpoints = resolve_endpoints(&values, &mut warnings);
    if values.get("mode").and_then(Value::as_str) == Some("manual")
        && !["certificate_pem", "certificate_path", "certificate_store"]
            .iter()
            .any(|f| values.contains_key(*f))
    {
        warnings.push(Warning {
            code: "certificate_source_missing",
            message: "No certificate is given (PEM, file or Windows store): Test connection will need one to \
                      sign in as the application."
                .to_owned(),
        });
    }
    Ok(Settings::new(values, endpoints, migrated_from, warnings))
}

/// Validates a version 2 document; returns the normalised values (adding warnings), or every field error.
fn validate_v2(
    schema: &Schema,
    document: &Map<String, Value>,
    warnings: &mut Vec<Warning>,
) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = document
        .keys()
        .filter(|name| schema.field(name).is_none())
        .map(|name| checks::unknown_field(name, SETTINGS_VERSION))
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
            match (given, field.if_hidden) {
                (None, _) => {}
                (Some(_), IfHidden::Ignore) => ignored.push(field.label),
                (Some(_), IfHidden::Refuse { code, reason }) => {
                    let shown_when = schema
                        .shown_when(field)
                        .unwrap_or_else(|| "it is shown".to_owned());
                    errors.push(FieldError::new(
                        field.name,
                        code,
                        format!(
                            "{} can only be set when {shown_when}: {reason}.",
                            field.label
                        ),
                    ));
                }
            }
            continue;
        }
        match given.or(field.default.as_ref()) {
            Some(value) => match check_value(field, value) {
                Ok(normal) => _ = values.insert(field.name.to_owned(), normal),
                Err(error) => errors.push(error),
            },
            None if required && !derived_later(field, document) => {
                errors.push(required_error(schema, field, &values))
            }
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if !ignored.is_empty() {
        warnings.push(Warning {
            code: "fields_ignored",
            message: format!(
                "These settings do not apply to the chosen options and were ignored: {}.",
                ignored.join(", ")
            ),
        });
    }
    Ok(values)
}

/// Whether a missing required field gets its value from another field after the walk: the thumbprint of
/// the certificate given in `certificate_pem`.
fn derived_later(field: &Field, document: &Map<String, Value>) -> bool {
    field.name == "certificate_thumbprint"
        && document
            .get("certificate_pem")
            .and_then(Value::as_str)
            .and_then(checks::held_thumbprint)
            .is_some()
}

/// Fills an empty `certificate_thumbprint` in from the certificate in `certificate_pem`.
fn fill_in_thumbprint(values: &mut Map<String, Value>) {
    if values.contains_key("certificate_thumbprint") {
        return;
    }
    if let Some(thumbprint) = values
        .get("certificate_pem")
        .and_then(Value::as_str)
        .and_then(checks::held_thumbprint)
    {
        values.insert("certificate_thumbprint".to_owned(), Value::from(thumbprint));
    }
}

/// The `required` error of a field, saying which choice makes it required and why, where the schema says.
fn required_error(schema: &Schema, field: &Field, values: &Map<String, Value>) -> FieldError {
    let condition = field.conditions.iter().rev().find(|condition| {
        condition.required == Some(true)
            && values.get(condition.when.field).and_then(Value::as_str)
                == Some(condition.when.equals)
    });
    let message = match (condition, field.required_because) {
        (Some(condition), Some(reason)) => format!(
            "{} is required when {}: {reason}.",
            field.label,
            schema.say(&condition.when)
        ),
        _ => format!("{} is required.", field.label),
    };
    FieldError::new(field.name, "required", message)
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

/// Checks a value of the right JSON type against the field's published rules and its check, and returns
/// its normal form.
fn check_value(field: &Field, value: &Value) -> Result<Value, FieldError> {
    let text = value.as_str().map(str::trim).unwrap_or_default();
    let label = field.label;
    let error = |code: &str, message: String| FieldError::new(field.name, code, message);
    if value.is_string() {
        let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
        if let Some(max) = field.validation.max_length
            && chars > max
        {
            return Err(error(
                "too_long",
                format!("{label} must be at most {max} characters long."),
            ));
        }
        if let Some(min) = field.validation.min_length
            && chars < min
        {
            return Err(error(
                "too_short",
                format!("{label} must be at least {min} characters long."),
            ));
        }
    }
    match field.check {
        Check::Text => checks::text(text)
            .map(|()| Value::from(text))
            .map_err(|message| error("invalid_characters", format!("{label} {message}"))),
        Check::Guid => checks::guid(text)
            .map(Value::from)
            .map_err(|(code, message)| error(code, format!("{label} {message}"))),
        Check::HttpsUrl => checks::https_url(text)
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
        Check::Thumbprint => checks::thumbprint(text).map(Value::from).ok_or_else(|| {
            error(
                "invalid_thumbprint",
                format!(
                    "{label} must be the certificate's SHA-1 thumbprint: 40 hexadecimal characters, \
                     optionally with a space or a colon between each two."
                ),
            )
        }),
        Check::CaCertificates => checks::pem(text, false)
            .map(|()| Value::from(text))
            .map_err(|message| error("invalid_pem", format!("{label}: {message}"))),
        Check::CertificateWithKey => checks::pem(text, true)
            .map(|()| Value::from(text))
            .map_err(|message| error("invalid_pem", format!("{label}: {message}"))),
        Check::Permissions => crate::settings::permissions::parse_additional(text)
            .map(|_| Value::from(text))
            .map_err(|message| error("invalid_permission", format!("{label}: {message}"))),
    }
}

/// The endpoints of valid values: a built-in cloud's own, or the three custom ones (which validation
/// already required together, and refused under a built-in cloud). Custom endpoints get the warning
/// `endpoints_overridden`, naming each, so that a host shows where tokens will go before sign-in.
fn resolve_endpoints(values: &Map<String, Value>, warnings: &mut Vec<Warning>) -> Endpoints {
    let text = |name: &str| values.get(name).and_then(Value::as_str).unwrap_or_default();
    let cloud = Cloud::from_value(text("cloud")).unwrap_or(Cloud::Global);
    if let Some(builtin) = cloud.builtin_endpoints() {
        return builtin;
    }
    let [authority_host, graph_endpoint, exchange_endpoint] = ENDPOINT_FIELDS.map(text);
    let schema = schema();
    let named: Vec<String> = ENDPOINT_FIELDS
        .iter()
        .map(|name| {
            let label = schema.field(name).map_or(*name, |field| field.label);
            format!("{label} {}", text(name))
        })
        .collect();
    warnings.push(Warning {
        code: "endpoints_overridden",
        message: format!(
            "Custom endpoints replace Microsoft's: {}. The administrator's sign-in and the connector's tokens \
             go to these hosts; sign in only if you trust them.",
            named.join(", ")
        ),
    });
    Endpoints::custom(
        authority_host.to_owned(),
        graph_endpoint.to_owned(),
        exchange_endpoint.to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::{check_value, validate};
    use crate::settings::fields::DEFAULT_CLIENT_ID;
    use crate::settings::fields::schema;
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
            &object(json!({"settings_version": 3, "application_name": "Sync"})),
            &[],
        )
        .unwrap();
        let document = Value::Object(settings.to_document());
        assert_eq!(
            document,
            json!({
                "settings_version": 3, "mode": "auto", "tenant_mode": "one", "cloud": "global",
                "sign_in_method": "device_code", "client_id": DEFAULT_CLIENT_ID, "application_name": "Sync",
                "credential_type": "certificate", "credential_lifetime_days": 365,
                "certificate_renewal_days": 30, "admin_consent_method": "programmatic"
            })
        );
        assert!(settings.warnings().is_empty());
    }

    #[test]
    fn every_default_passes_its_own_check() {
        for field in &schema().fields {
            if let Some(default) = &field.default {
                assert!(
                    check_value(field, default).is_ok(),
                    "default of {} is invalid",
                    field.name
                );
            }
        }
    }

    #[test]
    fn conditions_follow_the_fields_before_them() {
        // tenant_id is required in several-directories mode and in manual mode, not in one-directory mode.
        assert_eq!(
            field_errors(
                json!({"settings_version": 3, "tenant_mode": "several", "application_name": "a"})
            ),
            [("tenant_id".to_owned(), "required".to_owned())]
        );
        assert_eq!(
            field_errors(json!({"settings_version": 3, "mode": "manual"})),
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
            &object(json!({"settings_version": 3, "mode": "manual",
                "tenant_id": "8f3c2a91-4b7e-4d2a-9c1f-6e5b7a8d9c0e",
                "application_id": "0b7a2f4e-5d1c-4e8a-9f3b-2c6d8e0a1b4f",
                "certificate_thumbprint": "AB".repeat(20), "application_name": "not used"})),
            &[],
        )
        .unwrap();
        assert_eq!(settings.get("application_name"), None);
        assert_eq!(settings.warnings()[0].code, "fields_ignored");
        assert!(
            settings.warnings()[0]
                .message
                .contains("Azure application name")
        );
    }

    #[test]
    fn one_directory_keeps_the_tenant_id_provision_filled_in() {
        let settings = validate(
            &object(json!({"settings_version": 3, "application_name": "a",
                "tenant_id": "8F3C2A91-4B7E-4D2A-9C1F-6E5B7A8D9C0E"})),
            &[],
        )
        .unwrap();
        assert_eq!(
            settings.tenant_id(),
            Some("8f3c2a91-4b7e-4d2a-9c1f-6e5b7a8d9c0e")
        );
        assert!(settings.warnings().is_empty());
        assert_eq!(
            field_errors(
                json!({"settings_version": 3, "application_name": "a", "tenant_id": "not a guid"})
            ),
            [("tenant_id".to_owned(), "invalid_guid".to_owned())]
        );
    }

    #[test]
    fn guids_and_thumbprints_are_normalised() {
        let settings = validate(
            &object(json!({
                "settings_version": 3, "mode": "manual",
                "tenant_id": "  6A1B0C3E-1111-2222-3333-444455556666 ",
                "application_id": "6a1b0c3e-1111-2222-3333-444455556667",
                "certificate_thumbprint": "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01",
                "certificate_store": "LocalMachine\\My"
            })),
            &[],
        )
        .unwrap();
        assert_eq!(
            settings.tenant_id(),
            Some("6a1b0c3e-1111-2222-3333-444455556666")
        );
        assert_eq!(
            settings.text("certificate_thumbprint"),
            Some("ABCDEF0123456789ABCDEF0123456789ABCDEF01")
        );
        assert!(settings.warnings().is_empty(), "{:?}", settings.warnings());
    }

    #[test]
    fn custom_endpoints_need_all_three_and_say_where_tokens_go() {
        let errors = validate(
            &object(json!({
                "settings_version": 3, "application_name": "a", "cloud": "custom",
                "graph_endpoint": "https://graph.example.test"
            })),
            &[],
        )
        .unwrap_err();
        let fields: Vec<(&str, &str)> = errors
            .fields()
            .iter()
            .map(|f| (f.field.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("authority_host", "required"),
                ("exchange_endpoint", "required")
            ]
        );
        assert_eq!(
            errors.fields()[0].message,
            "Sign-in endpoint is required when Tenant environment is \"Custom endpoints\": the sign-in, \
             Microsoft Graph and Exchange Online endpoints are given together."
        );
        let settings = validate(
            &object(json!({
                "settings_version": 3, "application_name": "a", "cloud": "custom",
                "authority_host": "https://login.example.test", "graph_endpoint": "https://graph.example.test/",
                "exchange_endpoint": "https://outlook.example.test"
            })),
            &[],
        )
        .unwrap();
        assert_eq!(
            settings.endpoints().graph_endpoint,
            "https://graph.example.test"
        );
        assert_eq!(settings.warnings()[0].code, "endpoints_overridden");
        for host in [
            "https://login.example.test",
            "https://graph.example.test",
            "https://outlook.example.test",
        ] {
            assert!(settings.warnings()[0].message.contains(host), "{host}");
        }
    }

    #[test]
    fn a_built_in_cloud_refuses_any_endpoint_override() {
        let errors = validate(
            &object(json!({
                "settings_version": 3, "application_name": "a", "cloud": "gcc_high",
                "graph_endpoint": "https://graph.example.test"
            })),
            &[],
        )
        .unwrap_err();
        assert_eq!(errors.fields()[0].code, "custom_cloud_only");
        assert_eq!(
            errors.fields()[0].message,
            "Microsoft Graph endpoint can only be set when Tenant environment is \"Custom endpoints\": a \
             built-in cloud always uses its own sign-in, Microsoft Graph and Exchange Online endpoints, so \
             that an administrator's tokens are sent only to that cloud's services."
        );
    }

    #[test]
    fn an_empty_manual_thumbprint_is_filled_in_from_the_certificate() {
        let ca = include_str!("../testdata/test-ca.pem");
        let key =
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
        let settings = validate(
            &object(json!({
                "settings_version": 3, "mode": "manual",
                "tenant_id": "6a1b0c3e-1111-2222-3333-444455556666",
                "application_id": "6a1b0c3e-1111-2222-3333-444455556667",
                "certificate_thumbprint": "", "certificate_pem": format!("{ca}{key}")
            })),
            &[],
        )
        .unwrap();
        assert_eq!(
            settings.text("certificate_thumbprint").map(str::len),
            Some(40)
        );
    }

    #[test]
    fn secret_fields_are_not_echoed() {
        let ca = include_str!("../testdata/test-ca.pem");
        let key =
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
        let settings = validate(
            &object(json!({"settings_version": 3, "application_name": "a", "certificate_pem": format!("{ca}{key}")})),
            &[],
        )
        .unwrap();
        assert!(settings.get("certificate_pem").is_some());
        assert!(!settings.to_document().contains_key("certificate_pem"));
        assert_eq!(settings.omitted_secrets(), ["certificate_pem"]);
        assert!(!format!("{settings:?}").contains("PRIVATE KEY"));
    }

    #[test]
    fn operation_members_are_not_settings() {
        let ok = validate(
            &object(json!({"settings_version": 3, "application_name": "a", "plan_only": true})),
            &["plan_only"],
        );
        assert!(ok.is_ok());
        assert_eq!(
            field_errors(
                json!({"settings_version": 3, "application_name": "a", "plan_only": true})
            ),
            [("plan_only".to_owned(), "unknown_field".to_owned())]
        );
    }
}
