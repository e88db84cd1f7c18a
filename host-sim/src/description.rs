//! What a plugin's `describe` says that a wizard is built from (format in `docs/abi.md`, "The description"):
//! its identity, its settings schema, its steps in order, and the roles and permissions it will request.
//! Unknown members are ignored, as the ABI asks of hosts.

use serde::Deserialize;
use serde_json::Value;

use crate::describe::schema_of;
use crate::exit::{Failure, PLUGIN_BROKE_CONTRACT};
use crate::schema::SettingsSchema;

/// The name of the settings field whose value a step's `modes` are values of.
pub const MODE_FIELD: &str = "mode";

/// A plugin's description, read into what the wizard needs.
#[derive(Debug, Clone)]
pub struct Description {
    /// The connector's stable name (e.g. `m365`).
    pub name: String,
    /// What a person calls it.
    pub display_name: String,
    /// The connector's version.
    pub version: String,
    /// The settings schema.
    pub schema: SettingsSchema,
    /// The wizard's steps, in order.
    pub steps: Vec<Step>,
    /// The roles and permissions the connector will request (`requests`), as the plugin wrote them.
    pub requests: Value,
}

/// One step of the wizard.
#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    /// The step's stable name (e.g. `sign_in`).
    pub name: String,
    /// What a person reads.
    #[serde(default)]
    pub label: Option<String>,
    /// The operation the host calls in this step (`configure`, `authenticate`, `provision`, `consent`,
    /// `test`), or none: the host saves the connection.
    #[serde(default)]
    pub operation: Option<String>,
    /// The configuration modes the step belongs to (values of the [`MODE_FIELD`] field); none: every mode.
    #[serde(default)]
    pub modes: Option<Vec<String>>,
    /// The settings fields the step collects, in order.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl Step {
    /// What a person calls the step: its label, else its name.
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// Whether the step belongs to the configuration mode `mode` (a step without modes belongs to all, and
    /// every step does when the settings have no mode).
    pub fn in_mode(&self, mode: Option<&str>) -> bool {
        match (&self.modes, mode) {
            (Some(modes), Some(mode)) if !modes.is_empty() => modes.iter().any(|m| m == mode),
            _ => true,
        }
    }
}

impl Description {
    /// Reads the `data` of a `describe` result.
    pub fn from_data(data: &Value) -> Result<Description, Failure> {
        let schema = schema_of(data)
            .map(SettingsSchema::from_value)
            .transpose()
            .map_err(|error| {
                Failure::new(
                    PLUGIN_BROKE_CONTRACT,
                    format!("the plugin's settings schema cannot be read: {error}"),
                )
            })?
            .unwrap_or(SettingsSchema {
                settings_version: None,
                fields: Vec::new(),
                groups: Vec::new(),
            });
        let steps = match data.get("steps") {
            None | Some(Value::Null) => Vec::new(),
            Some(steps) => Vec::<Step>::deserialize(steps).map_err(|error| {
                Failure::new(
                    PLUGIN_BROKE_CONTRACT,
                    format!("the plugin's steps cannot be read: {error}"),
                )
            })?,
        };
        let text = |member: &str| data.get(member).and_then(Value::as_str).map(str::to_owned);
        let name = text("name").unwrap_or_else(|| "connector".to_owned());
        Ok(Description {
            display_name: text("display_name").unwrap_or_else(|| name.clone()),
            version: text("version").unwrap_or_default(),
            name,
            schema,
            steps,
            requests: data.get("requests").cloned().unwrap_or(Value::Null),
        })
    }

    /// Whether the field with this name is a secret (masked, kept in the store's protected table).
    pub fn is_secret(&self, name: &str) -> bool {
        self.schema.field(name).is_some_and(|field| field.secret)
    }
}

#[cfg(test)]
mod tests {
    use super::Description;
    use serde_json::json;

    #[test]
    fn steps_are_read_in_order_with_their_modes() {
        let description = Description::from_data(&json!({
            "name": "demo", "version": "1.2.3",
            "settings_schema": { "fields": [ { "name": "token", "secret": true } ] },
            "steps": [
                { "name": "connection", "label": "Connection", "operation": "configure", "fields": ["token"] },
                { "name": "sign_in", "operation": "authenticate", "modes": ["auto"], "future": 1 },
                { "name": "finish", "operation": null }
            ]
        }))
        .unwrap();
        assert_eq!(description.display_name, "demo");
        let names: Vec<&str> = description.steps.iter().map(|s| s.title()).collect();
        assert_eq!(names, ["Connection", "sign_in", "finish"]);
        assert!(description.steps[1].in_mode(Some("auto")));
        assert!(!description.steps[1].in_mode(Some("manual")));
        assert!(description.steps[0].in_mode(Some("manual")));
        assert!(description.steps[2].operation.is_none());
        assert!(description.is_secret("token"));
    }

    #[test]
    fn steps_that_are_not_a_list_are_refused() {
        let error = Description::from_data(&json!({ "steps": "all" })).unwrap_err();
        assert!(
            error.message.contains("steps cannot be read"),
            "{}",
            error.message
        );
    }
}
