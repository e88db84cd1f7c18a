//! A settings form as a host renders it from the schema (rules in `docs/abi.md`, "The settings schema"):
//! which fields are shown and required given the values so far, and what a typed value means and whether it
//! is acceptable, checked as the person types with the field's own `validation`. The plugin's `configure`
//! has the last word; these checks only spare a round trip.

use regex::Regex;
use serde_json::{Map, Value};

use crate::schema::{Field, SettingsSchema};

/// Whether a field is shown and required, given the values of the fields before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldState {
    /// The field is shown (a hidden field has no value).
    pub visible: bool,
    /// A value is required (only while shown).
    pub required: bool,
}

/// The state of every field, in schema order, for these values: a field's own `visible` and `required`,
/// overridden by each of its conditions that holds (a later one wins). A condition tests the value of a field
/// before it, which is its given value or else its default, and no value at all while it is hidden.
pub fn states<'s>(
    schema: &'s SettingsSchema,
    values: &Map<String, Value>,
) -> Vec<(&'s Field, FieldState)> {
    let mut effective: Map<String, Value> = Map::new();
    let mut out = Vec::with_capacity(schema.fields.len());
    for field in &schema.fields {
        let mut state = FieldState {
            visible: field.visible,
            required: field.required,
        };
        for condition in &field.conditions {
            let holds = match (&condition.when.equals, effective.get(&condition.when.field)) {
                (Some(expected), Some(actual)) => expected == actual,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            if holds {
                state.visible = condition.visible.unwrap_or(state.visible);
                state.required = condition.required.unwrap_or(state.required);
            }
        }
        state.required &= state.visible;
        if state.visible {
            let value = values
                .get(&field.name)
                .filter(|value| !is_blank(value))
                .or(Some(&field.default).filter(|value| !value.is_null()));
            if let Some(value) = value {
                effective.insert(field.name.clone(), value.clone());
            }
        }
        out.push((field, state));
    }
    out
}

/// The state of one field for these values (hidden when the schema has no such field).
pub fn state_of(schema: &SettingsSchema, values: &Map<String, Value>, name: &str) -> FieldState {
    states(schema, values)
        .into_iter()
        .find(|(field, _)| field.name == name)
        .map_or(
            FieldState {
                visible: false,
                required: false,
            },
            |(_, state)| state,
        )
}

/// Whether a value counts as not given (`null` or blank text), as the plugin counts it.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// A typed value read for `field`: `Ok(None)` for blank input, the JSON value the settings document takes
/// otherwise (a number for an integer field, the choice's own value for a choice), or why it is refused,
/// in a sentence that names the field by its label.
pub fn parse(field: &Field, typed: &str) -> Result<Option<Value>, String> {
    let label = field.display_label();
    // PEM text keeps its line breaks; everything else is judged without surrounding white space.
    let text = if field.kind.as_deref() == Some("pem") {
        typed
    } else {
        typed.trim()
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let value = match field.kind.as_deref() {
        Some("integer") => {
            let number: i64 = text
                .parse()
                .map_err(|_| format!("{label} must be a whole number."))?;
            Value::from(number)
        }
        Some("boolean") => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Value::Bool(true),
            "false" | "no" | "n" | "0" => Value::Bool(false),
            _ => return Err(format!("{label} must be yes or no.")),
        },
        Some("choice") => {
            let choices = field.choices.as_deref().unwrap_or_default();
            let chosen = choices.iter().find(|choice| {
                crate::schema::plain(&choice.value) == text
                    || choice.label.as_deref().is_some_and(|l| l == text)
            });
            match chosen {
                Some(choice) => choice.value.clone(),
                None if choices.is_empty() => Value::String(text.to_owned()),
                None => {
                    let allowed: Vec<String> = choices
                        .iter()
                        .map(|choice| crate::schema::plain(&choice.value))
                        .collect();
                    return Err(format!("{label} must be one of: {}.", allowed.join(", ")));
                }
            }
        }
        _ => Value::String(text.to_owned()),
    };
    check(field, &value)?;
    Ok(Some(value))
}

/// Checks a value against the field's type and `validation` rules.
pub fn check(field: &Field, value: &Value) -> Result<(), String> {
    let label = field.display_label();
    let rules = field.validation.clone().unwrap_or_default();
    if let Some(number) = value.as_f64() {
        if let Some(min) = rules.min.filter(|min| number < *min) {
            return Err(format!("{label} must be at least {min}."));
        }
        if let Some(max) = rules.max.filter(|max| number > *max) {
            return Err(format!("{label} must be at most {max}."));
        }
        return Ok(());
    }
    let Some(text) = value.as_str() else {
        return Ok(());
    };
    let chars = text.chars().count() as u64;
    if let Some(min) = rules.min_length.filter(|min| chars < *min) {
        return Err(format!("{label} must be at least {min} characters long."));
    }
    if let Some(max) = rules.max_length.filter(|max| chars > *max) {
        return Err(format!("{label} must be at most {max} characters long."));
    }
    if field.kind.as_deref() == Some("guid") && !is_guid(text) {
        return Err(format!(
            "{label} must be a GUID such as 00000000-0000-0000-0000-000000000000."
        ));
    }
    if let Some(scheme) = &rules.scheme {
        let prefix = format!("{scheme}://");
        if !text
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(&prefix))
        {
            return Err(format!("{label} must be a {scheme}:// URL."));
        }
    }
    if let Some(pattern) = &rules.pattern {
        // A pattern this host cannot compile is left to the plugin's configure.
        if let Ok(regex) = Regex::new(pattern)
            && !regex.is_match(text)
        {
            return Err(match field.kind.as_deref() {
                Some("guid") => {
                    format!("{label} must be a GUID such as 00000000-0000-0000-0000-000000000000.")
                }
                _ => format!("{label} does not have the expected form ({pattern})."),
            });
        }
    }
    Ok(())
}

/// The hyphenated GUID form (`8-4-4-4-12` hexadecimal digits) that the schema's `guid` type means.
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::{parse, state_of, states};
    use crate::schema::SettingsSchema;
    use serde_json::{Map, Value, json};

    fn schema() -> SettingsSchema {
        SettingsSchema::from_value(&json!({ "fields": [
            { "name": "mode", "label": "Mode", "type": "choice", "required": true, "default": "auto",
              "choices": [ { "value": "auto", "label": "Auto" }, { "value": "manual", "label": "Manual" } ] },
            { "name": "tenant_mode", "type": "choice", "visible": false, "default": "one",
              "choices": [ { "value": "one" }, { "value": "several" } ],
              "conditions": [ { "when": { "field": "mode", "equals": "auto" }, "visible": true, "required": true } ] },
            { "name": "tenant_id", "label": "Tenant ID", "type": "guid", "visible": false,
              "conditions": [
                  { "when": { "field": "tenant_mode", "equals": "several" }, "visible": true, "required": true },
                  { "when": { "field": "mode", "equals": "manual" }, "visible": true, "required": true } ] },
            { "name": "days", "label": "Days", "type": "integer", "validation": { "min": 1, "max": 730 } },
            { "name": "url", "label": "Endpoint", "type": "url", "validation": { "scheme": "https", "max_length": 20 } }
        ] }))
        .unwrap()
    }

    fn values(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn conditions_follow_the_values_and_defaults_of_earlier_fields() {
        let schema = schema();
        let shown = |v: Value| state_of(&schema, &values(v), "tenant_id");
        // The default mode (auto) shows tenant_mode, whose default (one) keeps the tenant id hidden.
        assert!(!shown(json!({})).visible);
        assert!(shown(json!({ "tenant_mode": "several" })).required);
        assert!(shown(json!({ "mode": "manual" })).required);
        // A hidden field has no value: tenant_mode is hidden in manual mode, so its value does not count,
        // but the later manual condition still shows the tenant id.
        let manual = states(
            &schema,
            &values(json!({ "mode": "manual", "tenant_mode": "several" })),
        );
        assert!(!manual[1].1.visible);
        assert!(manual[2].1.visible);
    }

    #[test]
    fn typed_values_become_settings_values_or_a_sentence_naming_the_field() {
        let schema = schema();
        let field = |name: &str| schema.field(name).unwrap();
        assert_eq!(parse(field("days"), " 30 "), Ok(Some(json!(30))));
        assert_eq!(
            parse(field("days"), "0"),
            Err("Days must be at least 1.".to_owned())
        );
        assert_eq!(
            parse(field("days"), "many"),
            Err("Days must be a whole number.".to_owned())
        );
        assert_eq!(parse(field("mode"), "Manual"), Ok(Some(json!("manual"))));
        assert!(
            parse(field("mode"), "other")
                .unwrap_err()
                .contains("auto, manual")
        );
        assert_eq!(parse(field("tenant_id"), "  "), Ok(None));
        assert_eq!(
            parse(field("tenant_id"), "not-a-guid"),
            Err(
                "Tenant ID must be a GUID such as 00000000-0000-0000-0000-000000000000.".to_owned()
            )
        );
        assert!(
            parse(field("tenant_id"), "6F1C2B3A-0000-4000-8000-000000000001")
                .unwrap()
                .is_some()
        );
        assert_eq!(
            parse(field("url"), "http://x"),
            Err("Endpoint must be a https:// URL.".to_owned())
        );
        assert!(
            parse(field("url"), "https://a-very-long-host.example")
                .unwrap_err()
                .contains("at most 20 characters")
        );
    }
}
