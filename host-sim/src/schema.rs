//! The settings schema a plugin's `describe` returns (format in `docs/abi.md`), read into types a host renders
//! forms and messages from. Unknown members are ignored, as the ABI asks of hosts, so a plugin of a later
//! minor version still renders.

use serde::Deserialize;
use serde_json::Value;

/// A settings schema: groups of fields.
#[derive(Debug, Clone, Deserialize)]
pub struct SettingsSchema {
    /// The settings format version the plugin writes.
    #[serde(default)]
    pub settings_version: Option<u64>,
    /// Every field, in order.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// The groups, in the order a host shows them.
    #[serde(default)]
    pub groups: Vec<Group>,
}

/// A group of fields (one page or section of a form).
#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    /// The group's name, referenced by fields.
    pub name: String,
    /// What a person reads.
    #[serde(default)]
    pub label: Option<String>,
}

/// One settings field.
#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    /// The member name in the settings document.
    pub name: String,
    /// What a person reads.
    #[serde(default)]
    pub label: Option<String>,
    /// A sentence of help.
    #[serde(default)]
    pub help: Option<String>,
    /// `text`, `guid`, `choice`, `integer`, `url`, `pem`, `path`, or a later type.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Whether a value is required while no condition says otherwise (it only counts while visible).
    #[serde(default)]
    pub required: bool,
    /// Whether the field is shown while no condition says otherwise.
    #[serde(default = "shown")]
    pub visible: bool,
    /// The value used when none is given.
    #[serde(default)]
    pub default: Value,
    /// The allowed values of a `choice` field.
    #[serde(default)]
    pub choices: Option<Vec<Choice>>,
    /// Constraints on the value.
    #[serde(default)]
    pub validation: Option<Validation>,
    /// Conditions overriding visibility and requiredness.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The group the field belongs to.
    #[serde(default)]
    pub group: Option<String>,
    /// Whether the value is a secret a host must mask and protect.
    #[serde(default)]
    pub secret: bool,
    /// The operation that fills the field in (e.g. `provision`): a host does not ask for it unless it is
    /// required, and stores what that operation returns.
    #[serde(default)]
    pub set_by: Option<String>,
}

fn shown() -> bool {
    true
}

/// One value of a `choice` field.
#[derive(Debug, Clone, Deserialize)]
pub struct Choice {
    /// The value stored in the settings.
    pub value: Value,
    /// What a person reads.
    #[serde(default)]
    pub label: Option<String>,
}

/// Constraints on a field's value; every member optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Validation {
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The shortest allowed text.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// The longest allowed text.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// The smallest allowed number.
    #[serde(default)]
    pub min: Option<f64>,
    /// The largest allowed number.
    #[serde(default)]
    pub max: Option<f64>,
    /// The URL scheme required.
    #[serde(default)]
    pub scheme: Option<String>,
}

/// A condition: while `when` holds, the field's visibility and requiredness are as given.
#[derive(Debug, Clone, Deserialize)]
pub struct Condition {
    /// What must hold.
    pub when: When,
    /// Whether the field is shown while the condition holds.
    #[serde(default)]
    pub visible: Option<bool>,
    /// Whether the field is required while the condition holds.
    #[serde(default)]
    pub required: Option<bool>,
}

/// The test of a condition: another field's value equals a value.
#[derive(Debug, Clone, Deserialize)]
pub struct When {
    /// The field tested.
    pub field: String,
    /// The value it must equal.
    #[serde(default)]
    pub equals: Option<Value>,
}

impl SettingsSchema {
    /// Reads a schema from the JSON a plugin returned.
    pub fn from_value(value: &Value) -> Result<SettingsSchema, serde_json::Error> {
        SettingsSchema::deserialize(value)
    }

    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// What a person calls the field with this name: its label, else the name itself.
    pub fn label_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.field(name).map_or(name, Field::display_label)
    }

    /// The groups in order, each with its fields in order; fields naming no group or an unknown one come
    /// last, under a group of their own with no label.
    pub fn grouped(&self) -> Vec<(Option<&Group>, Vec<&Field>)> {
        let mut out: Vec<(Option<&Group>, Vec<&Field>)> = self
            .groups
            .iter()
            .map(|group| {
                let fields = self
                    .fields
                    .iter()
                    .filter(|field| field.group.as_deref() == Some(group.name.as_str()))
                    .collect();
                (Some(group), fields)
            })
            .collect();
        let orphans: Vec<&Field> = self
            .fields
            .iter()
            .filter(|field| {
                !self
                    .groups
                    .iter()
                    .any(|group| field.group.as_deref() == Some(group.name.as_str()))
            })
            .collect();
        if !orphans.is_empty() {
            out.push((None, orphans));
        }
        out
    }

    /// Says a condition in words, with labels instead of names: `Tenant mode is "Several directories"`.
    pub fn describe_when(&self, when: &When) -> String {
        let tested = self.field(&when.field);
        let label = self.label_of(&when.field);
        let say =
            |value: &Value| tested.map_or_else(|| plain(value), |field| field.say_value(value));
        match &when.equals {
            Some(value) => format!("{label} is {}", say(value)),
            None => format!("{label} is set"),
        }
    }
}

impl Group {
    /// What a person calls the group: its label, else its name.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

impl Field {
    /// What a person calls the field: its label, else its name.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// A value of this field as a person reads it: a choice by its label with the stored value beside it,
    /// a secret masked, text in quotes, anything else as JSON.
    pub fn say_value(&self, value: &Value) -> String {
        if self.secret {
            return "(hidden)".to_owned();
        }
        let choice = self
            .choices
            .iter()
            .flatten()
            .find(|choice| &choice.value == value);
        match (choice.and_then(|choice| choice.label.as_deref()), value) {
            (Some(label), _) => format!("\"{label}\" ({})", plain(value)),
            (None, Value::String(text)) => format!("\"{text}\""),
            (None, other) => other.to_string(),
        }
    }
}

/// A JSON value as text: strings without quotes, everything else as JSON.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::SettingsSchema;
    use serde_json::json;

    fn schema() -> SettingsSchema {
        SettingsSchema::from_value(&json!({
            "settings_version": 2,
            "fields": [
                { "name": "tenant_mode", "label": "Tenant mode", "type": "choice", "required": true,
                  "default": "one", "group": "sign_in",
                  "choices": [ { "value": "one", "label": "One directory" },
                               { "value": "several", "label": "Several directories" } ] },
                { "name": "tenant_id", "label": "Tenant ID", "type": "guid", "group": "sign_in",
                  "conditions": [ { "when": { "field": "tenant_mode", "equals": "several" },
                                    "visible": true, "required": true } ],
                  "future_member": 1 },
                { "name": "loose", "type": "text" }
            ],
            "groups": [ { "name": "sign_in", "label": "Sign in to Azure" } ]
        }))
        .unwrap()
    }

    #[test]
    fn conditions_are_said_with_labels_and_choice_labels() {
        let schema = schema();
        let when = &schema.field("tenant_id").unwrap().conditions[0].when;
        assert_eq!(
            schema.describe_when(when),
            "Tenant mode is \"Several directories\" (several)"
        );
    }

    #[test]
    fn fields_are_grouped_in_order_and_ungrouped_fields_come_last() {
        let schema = schema();
        let grouped = schema.grouped();
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[0].0.unwrap().display_label(), "Sign in to Azure");
        let names: Vec<&str> = grouped[0]
            .1
            .iter()
            .map(|field| field.name.as_str())
            .collect();
        assert_eq!(names, ["tenant_mode", "tenant_id"]);
        assert!(grouped[1].0.is_none());
        assert_eq!(grouped[1].1[0].display_label(), "loose");
    }

    #[test]
    fn fields_are_visible_unless_the_schema_says_otherwise() {
        let schema = SettingsSchema::from_value(&json!({ "fields": [
            { "name": "a" }, { "name": "b", "visible": false }
        ] }))
        .unwrap();
        assert!(schema.field("a").unwrap().visible);
        assert!(!schema.field("b").unwrap().visible);
    }

    #[test]
    fn labels_fall_back_to_names() {
        let schema = schema();
        assert_eq!(schema.label_of("tenant_id"), "Tenant ID");
        assert_eq!(schema.label_of("settings_version"), "settings_version");
    }
}
