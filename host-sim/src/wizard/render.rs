//! The parts of result documents the wizard lists: items with their outcome (a provision plan and what it
//! did, what consent granted), the checks of a connection test with their hints, adoption candidates, and a
//! failure in full. Lists are read by their documented members and any array of objects with an `outcome`
//! or a `status` is listed the same way, so a later minor version's lists still show.

use serde_json::Value;

use crate::report::{failure, text, warnings};
use crate::schema::{SettingsSchema, plain};
use crate::terminal::{Tone, Ui, mark};
use connector_abi::StatusCode;

/// The members that name an item, most telling first.
const NAME_MEMBERS: [&str; 6] = ["label", "name", "display_name", "permission", "value", "id"];

/// The `name` of each object in a list (e.g. the roles of a document), in order.
pub fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| text(item, "name"))
        .collect()
}

/// Lists items such as `{kind, outcome, name, reason, changes}`, one a line, with their detail under them.
pub fn items(ui: &Ui, items: &[Value]) {
    list(ui, items, false);
}

/// Lists the items of a plan: what a run would do to each (`create`, `keep`, …).
pub fn plan(ui: &Ui, items: &[Value]) {
    list(ui, items, true);
}

fn list(ui: &Ui, items: &[Value], plan: bool) {
    for item in items {
        let done = text(item, "outcome")
            .or_else(|| text(item, "status"))
            .unwrap_or("");
        let outcome = if plan {
            match done {
                "created" => "create",
                "updated" => "update",
                "unchanged" => "keep",
                "adopted" => "adopt",
                "removed" => "remove",
                other => other,
            }
        } else {
            done
        };
        let name = NAME_MEMBERS
            .iter()
            .find_map(|member| text(item, member))
            .unwrap_or("(unnamed)");
        let mark = if plan {
            ui.paint(Tone::Quiet, "→").to_string()
        } else {
            mark(ui, outcome)
        };
        let mut line = format!("  {mark} {outcome:<10}");
        if let Some(kind) = text(item, "kind") {
            line.push_str(&format!(" {}", kind.replace('_', " ")));
        }
        line.push_str(&format!(" {name}"));
        ui.line(line);
        if let Some(changes) = item.get("changes").and_then(Value::as_array) {
            let changes: Vec<String> = changes.iter().map(plain).collect();
            if !changes.is_empty() {
                ui.line(format!(
                    "      {}",
                    ui.paint(Tone::Quiet, format!("changes: {}", changes.join(", ")))
                ));
            }
        }
        for member in ["reason", "message"] {
            if let Some(detail) = text(item, member) {
                ui.line(format!("      {}", ui.paint(Tone::Quiet, detail)));
            }
        }
        if let Some(hint) = text(item, "hint") {
            ui.line(format!("      hint: {}", ui.paint(Tone::Emphasis, hint)));
        }
    }
}

/// Lists every array of objects in `data` that reads as items (objects with an `outcome` or a `status`),
/// under its member's name when there are several. Returns how many items it listed.
pub fn outcome_lists(ui: &Ui, data: &Value) -> usize {
    let Some(members) = data.as_object() else {
        return 0;
    };
    let lists: Vec<(&String, &Vec<Value>)> = members
        .iter()
        .filter_map(|(name, value)| value.as_array().map(|list| (name, list)))
        .filter(|(_, list)| {
            !list.is_empty()
                && list
                    .iter()
                    .all(|item| item.get("outcome").is_some() || item.get("status").is_some())
        })
        .collect();
    let several = lists.len() > 1;
    let mut count = 0;
    for (name, list) in lists {
        if several {
            ui.line(format!("  {}:", name.replace('_', " ")));
        }
        items(ui, list);
        count += list.len();
    }
    count
}

/// The checks of a connection test (`data.checks`, or any list of items with a status); returns the number
/// of checks that passed, failed and were skipped.
pub fn checks(ui: &Ui, data: &Value) -> (usize, usize, usize) {
    let list: Vec<Value> = data
        .get("checks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if list.is_empty() {
        outcome_lists(ui, data);
    } else {
        items(ui, &list);
    }
    let count = |status: &str| {
        list.iter()
            .filter(|check| text(check, "status") == Some(status))
            .count()
    };
    (count("pass"), count("fail"), count("skipped"))
}

/// Lists the applications offered for adoption: name, ids, owners, credentials and permissions.
pub fn candidates(ui: &Ui, candidates: &[Value]) {
    for candidate in candidates {
        ui.line(format!(
            "  {} (application id {}, object id {})",
            ui.paint(
                Tone::Emphasis,
                text(candidate, "display_name").unwrap_or("(no name)")
            ),
            text(candidate, "app_id").unwrap_or("?"),
            text(candidate, "object_id").unwrap_or("?")
        ));
        if let Some(created) = text(candidate, "created") {
            ui.line(format!("      created: {created}"));
        }
        for (member, title, name_members) in [
            (
                "owners",
                "owner",
                &["display_name", "user_principal_name", "id"][..],
            ),
            (
                "certificates",
                "certificate",
                &["display_name", "thumbprint", "key_id"][..],
            ),
            (
                "secrets",
                "client secret",
                &["display_name", "hint", "key_id"][..],
            ),
        ] {
            let list = candidate
                .get(member)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if list.is_empty() {
                ui.line(format!("      {title}s: none"));
            }
            for entry in list {
                let parts: Vec<&str> = name_members
                    .iter()
                    .filter_map(|member| text(&entry, member))
                    .collect();
                let until = text(&entry, "not_after")
                    .map(|end| format!(", until {end}"))
                    .unwrap_or_default();
                ui.line(format!("      {title}: {}{until}", parts.join(", ")));
            }
        }
        if let Some(permissions) = candidate.get("permissions").and_then(Value::as_array) {
            let names: Vec<String> = permissions
                .iter()
                .map(|permission| {
                    format!(
                        "{} {} ({})",
                        text(permission, "resource").unwrap_or("?"),
                        text(permission, "value")
                            .or_else(|| text(permission, "id"))
                            .unwrap_or("?"),
                        text(permission, "type").unwrap_or("?")
                    )
                })
                .collect();
            ui.line(format!(
                "      permissions: {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ));
        }
    }
}

/// A failed call in full: message, field errors by label, hint, service answer, what was done.
pub fn failed(ui: &Ui, status: StatusCode, document: &Value, schema: &SettingsSchema) {
    let mut out = String::new();
    failure(&mut out, status, document, Some(schema));
    for (index, line) in out.trim_end().lines().enumerate() {
        if index == 0 {
            ui.line(format!("  {}", ui.paint(Tone::Bad, line)));
        } else {
            ui.line(format!("  {line}"));
        }
    }
}

/// The warnings of a document, one a line.
pub fn warned(ui: &Ui, document: &Value) {
    let mut out = String::new();
    warnings(&mut out, document);
    for line in out.lines() {
        ui.line(format!("  {}", ui.paint(Tone::Warning, line)));
    }
}
