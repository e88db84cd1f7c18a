//! `host-sim show NAME`: one saved connection — its connector, every setting by its label (in the schema's
//! order when the plugin can be loaded to describe itself), and its secrets masked: the field, a mask and
//! the length, never the value.

use std::fmt::Write;

use serde_json::json;

use crate::connections::{Common, connection_json, print_json};
use crate::exit::Failure;
use crate::schema::SettingsSchema;
use crate::store::Connection;

/// Runs `host-sim show NAME`.
pub fn run(common: &Common, name: &str) -> Result<(), Failure> {
    let store = common.open_store()?;
    let connection = store.get(name)?;
    if common.json {
        print_json(
            &Ok(()),
            json!({ "store": store.path(), "connection": connection_json(&connection) }),
        );
        return Ok(());
    }
    let schema = schema_of(&connection);
    print!("{}", render(&connection, schema.as_ref()));
    Ok(())
}

/// The plugin's schema, when its library still loads; labels then replace names.
fn schema_of(connection: &Connection) -> Option<SettingsSchema> {
    let plugin = crate::host::load(&connection.plugin.path).ok()?;
    let mut session = crate::host::open(&plugin, false).ok()?;
    let (data, _) = crate::host::describe(&mut session).ok()?;
    crate::describe::schema_of(&data).and_then(|schema| SettingsSchema::from_value(schema).ok())
}

/// The connection as a person reads it.
pub fn render(connection: &Connection, schema: Option<&SettingsSchema>) -> String {
    let mut out = String::new();
    let time = |at: &time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let _ = writeln!(out, "{}", connection.name);
    let _ = writeln!(
        out,
        "  connector: {} {} ({})",
        connection.plugin.name,
        connection.plugin.version,
        connection.plugin.path.display()
    );
    let _ = writeln!(
        out,
        "  saved: {}, last changed: {}",
        time(&connection.created_at),
        time(&connection.updated_at)
    );
    let _ = writeln!(out, "  settings:");
    let mut names: Vec<&str> = schema
        .into_iter()
        .flat_map(|schema| schema.fields.iter().map(|field| field.name.as_str()))
        .filter(|name| connection.settings.contains_key(*name))
        .collect();
    for name in connection.settings.keys() {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    for name in names {
        let value = &connection.settings[name];
        let field = schema.and_then(|schema| schema.field(name));
        let shown = match field {
            Some(field) if field.kind.as_deref() == Some("pem") => {
                format!(
                    "({} lines of PEM text)",
                    crate::schema::plain(value).lines().count()
                )
            }
            Some(field) => field.say_value(value),
            None => value.to_string(),
        };
        let label = schema.map_or(name, |schema| schema.label_of(name));
        if label == name {
            let _ = writeln!(out, "    {name}: {shown}");
        } else {
            let _ = writeln!(out, "    {label} ({name}): {shown}");
        }
    }
    let _ = writeln!(
        out,
        "  secrets (kept in the store's protected table, never shown):"
    );
    if connection.secrets.is_empty() {
        let _ = writeln!(out, "    (none)");
    }
    for secret in &connection.secrets {
        let label = schema.map_or(secret.field.as_str(), |schema| {
            schema.label_of(&secret.field)
        });
        if label == secret.field {
            let _ = writeln!(out, "    {}: {secret}", secret.field);
        } else {
            let _ = writeln!(out, "    {label} ({}): {secret}", secret.field);
        }
    }
    out
}
