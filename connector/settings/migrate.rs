//! Settings of older versions, brought to the current one. Version 1 is the manual configuration of earlier
//! releases: `tenant_id`, `application_id`, `certificate_thumbprint` and `environment`.

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::settings::checks::unknown_field;

/// Migrates a version 1 document to version 2: `mode` becomes `manual`, three fields keep their names, and
/// `environment` becomes `cloud`.
pub(super) fn migrate_v1(v1: &Map<String, Value>) -> Result<Map<String, Value>, Vec<FieldError>> {
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
                Value::String(environment) => match cloud_of(environment) {
                    Some(cloud) => _ = v2.insert("cloud".to_owned(), Value::from(cloud)),
                    None => errors.push(FieldError::new(
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

/// The version 2 `cloud` of a version 1 `environment`.
fn cloud_of(environment: &str) -> Option<&'static str> {
    match environment {
        "AzureCloud" => Some("global"),
        "GCC" => Some("gcc"),
        "GCCHigh" => Some("gcc_high"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::migrate_v1;
    use serde_json::json;

    #[test]
    fn version_1_becomes_manual_configuration() {
        let v1 = json!({"tenant_id": "t", "environment": "GCCHigh", "application_id": "a"});
        let v2 = migrate_v1(v1.as_object().unwrap()).unwrap();
        assert_eq!(
            serde_json::Value::Object(v2),
            json!({"mode": "manual", "tenant_id": "t", "cloud": "gcc_high", "application_id": "a"})
        );
    }

    #[test]
    fn unknown_environments_and_members_are_named() {
        let v1 = json!({"environment": "Mars", "colour": "blue"});
        let errors = migrate_v1(v1.as_object().unwrap()).unwrap_err();
        let codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("colour", "unknown_field"),
                ("environment", "invalid_choice")
            ]
        );
    }
}
