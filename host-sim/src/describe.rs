//! `host-sim describe`: shows what a connector is, the settings it asks for, the steps it supports and the
//! roles and permissions it will request, rendered from its `describe` document alone.

use std::fmt::Write;
use std::path::Path;

use serde_json::{Map, Value};

use crate::exit::Failure;
use crate::host::{describe, load, open};
use crate::report::warnings;
use crate::schema::{Field, SettingsSchema, Validation, plain};

/// Runs `host-sim describe`: prints the rendered description, or with `json` the raw result document.
pub fn run(plugin_path: &Path, json: bool, verbose: bool) -> Result<(), Failure> {
    let plugin = load(plugin_path)?;
    let mut session = open(&plugin, verbose)?;
    let (data, document) = describe(&mut session)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    } else {
        print!("{}", render(&data));
        let mut shown = String::new();
        warnings(&mut shown, &document);
        print!("{shown}");
    }
    drop(session);
    plugin.shutdown();
    Ok(())
}

/// The members of the describe data that name the connector; shown in the heading, not as sections.
const IDENTITY: [&str; 8] = [
    "name",
    "display_name",
    "version",
    "abi_version",
    "description",
    "vendor",
    "publisher",
    "connector",
];

/// Where the settings schema may sit in the describe data.
const SCHEMA_MEMBERS: [&str; 2] = ["settings_schema", "schema"];

/// Finds the settings schema in the data of a `describe` result.
pub fn schema_of(data: &Value) -> Option<&Value> {
    SCHEMA_MEMBERS
        .iter()
        .find_map(|member| data.get(*member))
        .filter(|schema| schema.is_object())
}

/// Renders the data of a `describe` result for a person.
pub fn render(data: &Value) -> String {
    let mut out = String::new();
    let identity = data
        .get("connector")
        .filter(|connector| connector.is_object())
        .unwrap_or(data);
    heading(&mut out, identity, data);

    let schema = match schema_of(data).map(SettingsSchema::from_value) {
        Some(Ok(schema)) => {
            settings(&mut out, &schema);
            Some(schema)
        }
        Some(Err(error)) => {
            let _ = writeln!(
                out,
                "\nSettings: the plugin's schema cannot be read: {error}"
            );
            None
        }
        None => {
            let _ = writeln!(out, "\nSettings: the plugin describes none.");
            None
        }
    };

    // Everything else the plugin says (steps, roles, permissions, …), by member name.
    if let Some(members) = data.as_object() {
        for (key, value) in members {
            if IDENTITY.contains(&key.as_str()) || SCHEMA_MEMBERS.contains(&key.as_str()) {
                continue;
            }
            let _ = writeln!(out, "\n{}", title(key));
            section(&mut out, value, 1, schema.as_ref());
        }
    }
    out
}

fn heading(out: &mut String, identity: &Value, data: &Value) {
    let text = |member: &str| {
        identity
            .get(member)
            .or_else(|| data.get(member))
            .filter(|value| !value.is_null())
            .map(plain)
    };
    let name = text("display_name")
        .or_else(|| text("name"))
        .unwrap_or_else(|| "A connector with no name".to_owned());
    let mut details = Vec::new();
    if let (Some(id), true) = (text("name"), identity.get("display_name").is_some()) {
        details.push(id);
    }
    if let Some(version) = text("version") {
        details.push(format!("version {version}"));
    }
    if let Some(abi) = identity
        .get("abi_version")
        .or_else(|| data.get("abi_version"))
    {
        details.push(format!("connector ABI {}", abi_text(abi)));
    }
    if details.is_empty() {
        let _ = writeln!(out, "{name}");
    } else {
        let _ = writeln!(out, "{name} ({})", details.join(", "));
    }
    for member in ["vendor", "publisher", "description"] {
        if let Some(value) = text(member) {
            let _ = writeln!(out, "{value}");
        }
    }
}

/// An ABI version given as `"1.0"`, as `{ "major": 1, "minor": 0 }`, or packed as a number.
fn abi_text(abi: &Value) -> String {
    match abi {
        Value::Object(parts) => format!(
            "{}.{}",
            parts.get("major").map_or("?".to_owned(), plain),
            parts.get("minor").map_or("?".to_owned(), plain)
        ),
        Value::Number(number) => match number.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(packed) => format!(
                "{}.{}",
                connector_abi::abi_version_major(packed),
                connector_abi::abi_version_minor(packed)
            ),
            None => number.to_string(),
        },
        other => plain(other),
    }
}

fn settings(out: &mut String, schema: &SettingsSchema) {
    match schema.settings_version {
        Some(version) => {
            let _ = writeln!(out, "\nSettings (format version {version})");
        }
        None => {
            let _ = writeln!(out, "\nSettings");
        }
    }
    for (group, fields) in schema.grouped() {
        let _ = writeln!(
            out,
            "\n  {}",
            group.map_or("Other settings", |group| group.display_label())
        );
        for field in fields {
            render_field(out, schema, field);
        }
    }
}

fn render_field(out: &mut String, schema: &SettingsSchema, field: &Field) {
    let _ = writeln!(out, "    {} [{}]", field.display_label(), field.name);
    let mut facts = vec![kind_text(field)];
    facts.push(
        match (field.visible, field.required) {
            (false, _) => "hidden unless shown below",
            (true, true) => "required",
            (true, false) => "optional",
        }
        .to_owned(),
    );
    if field.secret {
        facts.push("secret".to_owned());
    }
    if !field.default.is_null() {
        facts.push(format!("default {}", field.say_value(&field.default)));
    }
    let _ = writeln!(out, "        {}", facts.join(", "));
    if let Some(choices) = field.choices.as_ref().filter(|choices| !choices.is_empty()) {
        let choices: Vec<String> = choices
            .iter()
            .map(|choice| match &choice.label {
                Some(label) => format!("\"{label}\" ({})", plain(&choice.value)),
                None => format!("\"{}\"", plain(&choice.value)),
            })
            .collect();
        let _ = writeln!(out, "        choices: {}", choices.join(", "));
    }
    if let Some(rules) = field
        .validation
        .as_ref()
        .map(|rules| validation_text(rules, field.kind.as_deref()))
        .filter(|r| !r.is_empty())
    {
        let _ = writeln!(out, "        {}", rules.join("; "));
    }
    for condition in &field.conditions {
        let when = schema.describe_when(&condition.when);
        let effect = match (condition.visible, condition.required) {
            (Some(false), _) => "hidden".to_owned(),
            (Some(true), Some(true)) => "shown and required".to_owned(),
            (Some(true), Some(false)) => "shown, optional,".to_owned(),
            (Some(true), None) => "shown".to_owned(),
            (None, Some(true)) => "required".to_owned(),
            (None, Some(false)) => "optional".to_owned(),
            (None, None) => "unchanged".to_owned(),
        };
        let _ = writeln!(out, "        {effect} when {when}");
    }
    if let Some(help) = field.help.as_deref().filter(|help| !help.is_empty()) {
        for line in wrap(help, HELP_WIDTH) {
            let _ = writeln!(out, "        {line}");
        }
    }
}

/// The width help text is wrapped to, after its indentation.
const HELP_WIDTH: usize = 96;

/// Splits text into lines of at most `width` characters at spaces (a longer word gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn kind_text(field: &Field) -> String {
    match field.kind.as_deref() {
        Some("text") => "text".to_owned(),
        Some("guid") => "GUID".to_owned(),
        Some("choice") => "one of the choices".to_owned(),
        Some("integer") => "whole number".to_owned(),
        Some("url") => "URL".to_owned(),
        Some("pem") => "PEM text".to_owned(),
        Some("path") => "file path".to_owned(),
        Some(other) => other.to_owned(),
        None => "value".to_owned(),
    }
}

/// The rules of a field in words. A GUID's pattern is left out: the type already says it.
fn validation_text(rules: &Validation, kind: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    match (rules.min_length, rules.max_length) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max} characters")),
        (Some(min), None) => out.push(format!("at least {min} characters")),
        (None, Some(max)) => out.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    match (rules.min, rules.max) {
        (Some(min), Some(max)) => out.push(format!("from {min} to {max}")),
        (Some(min), None) => out.push(format!("at least {min}")),
        (None, Some(max)) => out.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(scheme) = &rules.scheme {
        out.push(format!("must be a {scheme}:// URL"));
    }
    if let Some(pattern) = rules.pattern.as_ref().filter(|_| kind != Some("guid")) {
        out.push(format!("must match {pattern}"));
    }
    out
}

/// `directory_roles` → `Directory roles`.
fn title(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// The members that name an item, most telling first.
const NAME_MEMBERS: [&str; 6] = ["display_name", "label", "title", "name", "value", "step"];
/// The members that identify an item, shown beside its name.
const ID_MEMBERS: [&str; 4] = ["id", "template_id", "app_id", "resource_app_id"];
/// The members that explain an item, shown under it.
const TEXT_MEMBERS: [&str; 2] = ["description", "help"];

/// Renders any JSON value as an indented outline: lists as numbered items, objects by their name and ids
/// with their other members under them. `schema` turns lists of field names into labels.
pub fn section(out: &mut String, value: &Value, depth: usize, schema: Option<&SettingsSchema>) {
    let indent = "  ".repeat(depth);
    match value {
        Value::Array(items) if items.is_empty() => {
            let _ = writeln!(out, "{indent}(none)");
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Object(members) => numbered_item(out, members, depth, index + 1, schema),
                    other => {
                        let _ = writeln!(out, "{indent}- {}", scalar(other));
                    }
                }
            }
        }
        Value::Object(members) if members.is_empty() => {
            let _ = writeln!(out, "{indent}(none)");
        }
        Value::Object(members) => {
            for (key, value) in members {
                member(out, key, value, &indent, depth, schema);
            }
        }
        other => {
            let _ = writeln!(out, "{indent}{}", scalar(other));
        }
    }
}

/// One member of an object: scalars, lists of scalars and small objects on one line, the rest as an outline.
fn member(
    out: &mut String,
    key: &str,
    value: &Value,
    indent: &str,
    depth: usize,
    schema: Option<&SettingsSchema>,
) {
    match value {
        Value::Null => {}
        Value::Array(items) if items.is_empty() => {}
        Value::Array(items)
            if items
                .iter()
                .all(|item| !item.is_object() && !item.is_array()) =>
        {
            let items: Vec<String> = items
                .iter()
                .map(|item| match (key, schema, item.as_str()) {
                    ("fields", Some(schema), Some(name)) => schema.label_of(name).to_owned(),
                    _ => scalar(item),
                })
                .collect();
            let _ = writeln!(out, "{indent}{}: {}", title(key), items.join(", "));
        }
        // A small object of scalars, such as a permission's resource, reads best on one line.
        Value::Object(members)
            if members.len() <= 3
                && members
                    .values()
                    .all(|value| !value.is_object() && !value.is_array()) =>
        {
            let _ = writeln!(out, "{indent}{}: {}", title(key), one_line(members));
        }
        Value::Array(_) | Value::Object(_) => {
            let _ = writeln!(out, "{indent}{}:", title(key));
            section(out, value, depth + 1, schema);
        }
        other => {
            let _ = writeln!(out, "{indent}{}: {}", title(key), scalar(other));
        }
    }
}

/// A scalar as a person reads it: text as is, yes/no for booleans.
fn scalar(value: &Value) -> String {
    match value {
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        other => plain(other),
    }
}

/// The name member of an object, when it has one.
fn name_key(members: &Map<String, Value>) -> Option<&'static str> {
    NAME_MEMBERS.iter().copied().find(|key| {
        members
            .get(*key)
            .is_some_and(|value| value.is_string() || value.is_number())
    })
}

/// An object's name followed by its technical name and ids in parentheses:
/// `Sign in and read user profile (User.Read, id: e1fe…)`.
fn name_and_ids(members: &Map<String, Value>) -> String {
    let key = name_key(members);
    let mut line = key.map_or_else(|| "(unnamed)".to_owned(), |key| plain(&members[key]));
    let mut beside = Vec::new();
    if let Some(key) = key.filter(|key| *key != "name")
        && let Some(name) = members.get("name").filter(|name| name.is_string())
        && members.get(key) != Some(name)
    {
        beside.push(plain(name));
    }
    for id in ID_MEMBERS {
        if let Some(value) = members
            .get(id)
            .filter(|value| !value.is_null() && !value.is_object())
        {
            beside.push(format!("{}: {}", id.replace('_', " "), plain(value)));
        }
    }
    if !beside.is_empty() {
        line.push_str(&format!(" ({})", beside.join(", ")));
    }
    line
}

/// Whether a member is shown in an item's heading line.
fn in_heading(members: &Map<String, Value>, key: &str) -> bool {
    name_key(members) == Some(key) || key == "name" || ID_MEMBERS.contains(&key)
}

/// A small object on one line: its name and ids (when it has them), then its other members.
fn one_line(members: &Map<String, Value>) -> String {
    let mut parts = Vec::new();
    if name_key(members).is_some() || ID_MEMBERS.iter().any(|id| members.contains_key(*id)) {
        parts.push(name_and_ids(members));
    }
    for (key, value) in members {
        if !in_heading(members, key) && !value.is_null() {
            parts.push(format!("{}: {}", key.replace('_', " "), scalar(value)));
        }
    }
    parts.join(", ")
}

fn numbered_item(
    out: &mut String,
    members: &Map<String, Value>,
    depth: usize,
    number: usize,
    schema: Option<&SettingsSchema>,
) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}{number}. {}", name_and_ids(members));
    let inner = format!("{}   ", "  ".repeat(depth));
    for key in TEXT_MEMBERS {
        if let Some(text) = members.get(key).and_then(Value::as_str) {
            let _ = writeln!(out, "{inner}{text}");
        }
    }
    for (key, value) in members {
        if in_heading(members, key) || TEXT_MEMBERS.contains(&key.as_str()) {
            continue;
        }
        member(out, key, value, &inner, depth + 2, schema);
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    fn sample() -> serde_json::Value {
        json!({
            "name": "acme-directory",
            "display_name": "Acme Directory",
            "version": "3.1.0",
            "abi_version": { "major": 1, "minor": 0 },
            "description": "Synchronises Acme accounts.",
            "settings_schema": {
                "settings_version": 4,
                "groups": [ { "name": "where", "label": "Where to connect" } ],
                "fields": [
                    { "name": "region", "label": "Region", "type": "choice", "required": true,
                      "default": "eu", "group": "where", "help": "The region of your account.",
                      "choices": [ { "value": "eu", "label": "Europe" }, { "value": "us", "label": "America" } ] },
                    { "name": "endpoint", "label": "Endpoint", "type": "url", "group": "where",
                      "validation": { "scheme": "https" },
                      "conditions": [ { "when": { "field": "region", "equals": "eu" }, "visible": true, "required": true } ] },
                    { "name": "token", "label": "API token", "type": "text", "secret": true, "group": "where",
                      "default": "abc" },
                    { "name": "proxy", "label": "Proxy", "type": "url", "group": "where", "visible": false,
                      "conditions": [ { "when": { "field": "region", "equals": "us" }, "visible": true } ] }
                ]
            },
            "steps": [ { "name": "sign_in", "label": "Sign in", "fields": ["region", "endpoint"], "extra": [] } ],
            "permissions": [ { "name": "Accounts.Write", "id": "p-1", "kind": "application",
                               "description": "Writes accounts.", "admin_consent_required": true,
                               "resource": { "name": "Acme API", "app_id": "a-1" } } ]
        })
    }

    #[test]
    fn the_heading_names_the_connector_its_version_and_abi() {
        let text = render(&sample());
        assert!(
            text.starts_with("Acme Directory (acme-directory, version 3.1.0, connector ABI 1.0)\n"),
            "{text}"
        );
        assert!(text.contains("Synchronises Acme accounts."), "{text}");
    }

    #[test]
    fn fields_show_labels_types_defaults_choices_rules_and_conditions() {
        let text = render(&sample());
        let expected = "\
Settings (format version 4)

  Where to connect
    Region [region]
        one of the choices, required, default \"Europe\" (eu)
        choices: \"Europe\" (eu), \"America\" (us)
        The region of your account.
    Endpoint [endpoint]
        URL, optional
        must be a https:// URL
        shown and required when Region is \"Europe\" (eu)
    API token [token]
        text, optional, secret, default (hidden)
    Proxy [proxy]
        URL, hidden unless shown below
        shown when Region is \"America\" (us)
";
        assert!(text.contains(expected), "{text}");
    }

    #[test]
    fn other_sections_show_names_ids_small_objects_inline_and_field_labels() {
        let text = render(&sample());
        let expected = "\
Permissions
  1. Accounts.Write (id: p-1)
     Writes accounts.
     Admin consent required: yes
     Kind: application
     Resource: Acme API (app id: a-1)

Steps
  1. Sign in (sign_in)
     Fields: Region, Endpoint
";
        assert!(text.ends_with(expected), "{text}");
    }

    #[test]
    fn help_is_wrapped_at_spaces() {
        assert_eq!(
            super::wrap("one two three four", 9),
            ["one two", "three", "four"]
        );
        assert_eq!(
            super::wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
    }

    #[test]
    fn a_connector_without_a_schema_says_so() {
        let text = render(&json!({ "name": "bare" }));
        assert_eq!(text, "bare\n\nSettings: the plugin describes none.\n");
    }
}
