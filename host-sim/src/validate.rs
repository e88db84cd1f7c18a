//! `host-sim validate`: runs the plugin's `configure` on a settings file and shows the verdict the way a
//! console shows it beside its form: "settings are valid" with the normalised settings, or each field's
//! error beside the field's label.

use std::fmt::Write;
use std::path::Path;

use connector_abi::StatusCode;
use serde_json::Value;

use crate::describe::{schema_of, section};
use crate::exit::{BAD_INPUT, Failure, OPERATION_FAILED};
use crate::host::{describe, load, open};
use crate::report::{failure, warnings};
use crate::schema::SettingsSchema;

/// Runs `host-sim validate`. Prints the verdict (or with `json` the raw result document); invalid settings
/// end the process with [`OPERATION_FAILED`].
pub fn run(
    plugin_path: &Path,
    settings_path: &Path,
    json: bool,
    verbose: bool,
) -> Result<(), Failure> {
    let settings = read_settings(settings_path)?;
    let plugin = load(plugin_path)?;
    let mut session = open(&plugin, verbose)?;
    // The schema names the fields; a plugin whose schema cannot be read still validates, with bare names.
    let (data, _) = describe(&mut session)?;
    let schema = schema_of(&data).and_then(|schema| SettingsSchema::from_value(schema).ok());
    let (status, document) = session.configure_text(&settings)?;
    drop(session);
    plugin.shutdown();

    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    } else {
        print!("{}", verdict(status, &document, schema.as_ref()));
    }
    if status.is_ok() {
        Ok(())
    } else {
        Err(Failure::new(
            OPERATION_FAILED,
            format!("the settings in {} are not valid", settings_path.display()),
        ))
    }
}

/// The settings file's text. It goes to the plugin as it is: judging it is the plugin's job.
fn read_settings(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|error| {
        Failure::new(
            BAD_INPUT,
            format!("cannot read settings file {}: {error}", path.display()),
        )
    })
}

/// The verdict on a `configure` result, as a person reads it.
pub fn verdict(status: StatusCode, document: &Value, schema: Option<&SettingsSchema>) -> String {
    let mut out = String::new();
    if status.is_ok() {
        let _ = writeln!(out, "settings are valid");
        warnings(&mut out, document);
        let data = document.get("data").unwrap_or(&Value::Null);
        let settings = data.get("settings").unwrap_or(data);
        if let Some(settings) = settings.as_object() {
            let _ = writeln!(out, "normalised settings (store these):");
            // settings_version first, then the schema's fields in its order, then anything else.
            let mut names: Vec<&str> = Vec::new();
            let schema_names = schema
                .into_iter()
                .flat_map(|schema| schema.fields.iter().map(|f| f.name.as_str()));
            for name in std::iter::once("settings_version")
                .chain(schema_names)
                .chain(settings.keys().map(String::as_str))
            {
                if settings.contains_key(name) && !names.contains(&name) {
                    names.push(name);
                }
            }
            for name in names {
                let value = &settings[name];
                let shown = match schema.and_then(|schema| schema.field(name)) {
                    Some(field) if field.secret && !value.is_null() => "(hidden)".to_owned(),
                    _ => value.to_string(),
                };
                let label = schema.map_or(name, |schema| schema.label_of(name));
                if label == name {
                    let _ = writeln!(out, "  {name}: {shown}");
                } else {
                    let _ = writeln!(out, "  {label} ({name}): {shown}");
                }
            }
        }
        let omitted: Vec<String> = data
            .get("omitted_secrets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|name| match schema.map(|schema| schema.label_of(name)) {
                Some(label) if label != name => format!("{label} ({name})"),
                _ => name.to_owned(),
            })
            .collect();
        if !omitted.is_empty() {
            let _ = writeln!(
                out,
                "not in the settings to store, keep your own protected copy: {}",
                omitted.join(", ")
            );
        }
        // Whatever else configure reports (for example the endpoints the settings resolve to).
        if let Some(members) = data.as_object() {
            for (key, value) in members {
                let known =
                    ["settings", "omitted_secrets", "migrated_from"].contains(&key.as_str());
                if known || value.is_null() || !data.get("settings").is_some_and(Value::is_object) {
                    continue;
                }
                let mut member = serde_json::Map::new();
                member.insert(key.clone(), value.clone());
                section(&mut out, &Value::Object(member), 0, schema);
            }
        }
    } else {
        let _ = writeln!(out, "settings are not valid");
        failure(&mut out, status, document, schema);
        warnings(&mut out, document);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::verdict;
    use crate::schema::SettingsSchema;
    use connector_abi::StatusCode;
    use serde_json::json;

    fn schema() -> SettingsSchema {
        SettingsSchema::from_value(&json!({ "fields": [
            { "name": "application_name", "label": "Azure application name", "type": "text" },
            { "name": "client_secret", "label": "Client secret", "type": "secret", "secret": true }
        ] }))
        .unwrap()
    }

    #[test]
    fn valid_settings_are_listed_by_label_with_secrets_hidden_and_migration_warnings() {
        let document = json!({
            "operation": "configure", "status": "OK", "ok": true,
            "data": { "settings": { "settings_version": 2, "application_name": "Sync",
                                    "client_secret": "s3cr3t" },
                      "omitted_secrets": ["client_secret"], "migrated_from": 1,
                      "endpoints": { "api": "https://api.example.invalid", "region": "eu" } },
            "done": [], "warnings": [ { "code": "settings_migrated", "message": "Migrated from version 1." } ]
        });
        let text = verdict(StatusCode::from_raw(0), &document, Some(&schema()));
        assert_eq!(
            text,
            "settings are valid\n\
             warning: Migrated from version 1. [settings_migrated]\n\
             normalised settings (store these):\n\
             \x20 settings_version: 2\n\
             \x20 Azure application name (application_name): \"Sync\"\n\
             \x20 Client secret (client_secret): (hidden)\n\
             not in the settings to store, keep your own protected copy: Client secret (client_secret)\n\
             Endpoints: api: https://api.example.invalid, region: eu\n"
        );
        assert!(!text.contains("s3cr3t"));
    }

    #[test]
    fn invalid_settings_show_each_error_beside_its_label() {
        let document = json!({
            "operation": "configure", "status": "INVALID_SETTINGS", "ok": false, "data": null,
            "error": { "code": "invalid_settings", "message": "1 setting needs attention.",
                       "fields": [ { "field": "application_name", "code": "required",
                                     "message": "Enter a name." } ] },
            "done": [], "warnings": []
        });
        let text = verdict(StatusCode::from_raw(3), &document, Some(&schema()));
        assert!(text.starts_with("settings are not valid\n"), "{text}");
        assert!(
            text.contains(
                "  Azure application name (application_name): Enter a name. [required]\n"
            ),
            "{text}"
        );
    }
}
