//! `host-sim list`: the saved connections, one a line (name, connector, when last changed), or as JSON.

use serde_json::{Value, json};

use crate::connections::{Common, connection_json, print_json};
use crate::exit::Failure;

/// Runs `host-sim list`.
pub fn run(common: &Common) -> Result<(), Failure> {
    let store = common.open_store()?;
    let connections = store.list()?;
    if common.json {
        let list: Vec<Value> = connections.iter().map(connection_json).collect();
        print_json(
            &Ok(()),
            json!({ "store": store.path(), "connections": list }),
        );
        return Ok(());
    }
    if connections.is_empty() {
        println!("No connections in {}.", store.path().display());
        return Ok(());
    }
    let width = connections
        .iter()
        .map(|connection| connection.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    println!("{:<width$}  CONNECTOR            CHANGED", "NAME");
    for connection in &connections {
        let connector = format!("{} {}", connection.plugin.name, connection.plugin.version);
        let changed = connection
            .updated_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        println!("{:<width$}  {connector:<20} {changed}", connection.name);
    }
    Ok(())
}
