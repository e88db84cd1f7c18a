//! Renders the parts of a result document (format in `docs/abi.md`) every command shows a person: the error
//! with its hint, step and service answer, what was already done, and the warnings.

use std::fmt::Write;

use serde_json::Value;

use crate::schema::{SettingsSchema, plain};
use connector_abi::StatusCode;

/// The text of a member when it is a non-empty string.
pub fn text<'a>(value: &'a Value, member: &str) -> Option<&'a str> {
    value
        .get(member)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// Renders a failed call: the message, each field error beside its field's label (when a schema is known),
/// the hint, the step, the service's answer with its request ids, and what was already done.
pub fn failure(
    out: &mut String,
    status: StatusCode,
    document: &Value,
    schema: Option<&SettingsSchema>,
) {
    let error = document.get("error").unwrap_or(&Value::Null);
    let message = text(error, "message").unwrap_or("the plugin gave no message");
    let _ = write!(out, "error: {message}");
    match text(error, "code") {
        Some(code) => {
            let _ = writeln!(out, " [{code}, {status}]");
        }
        None => {
            let _ = writeln!(out, " [{status}]");
        }
    }
    if let (Some(line), Some(column)) = (
        error.get("line").and_then(Value::as_u64),
        error.get("column").and_then(Value::as_u64),
    ) {
        let _ = writeln!(out, "  at line {line}, column {column}");
    }
    if let Some(fields) = error.get("fields").and_then(Value::as_array) {
        for field_error in fields {
            let name = text(field_error, "field").unwrap_or("(no field)");
            let label = schema.map_or(name, |schema| schema.label_of(name));
            let message = text(field_error, "message").unwrap_or("is not valid");
            let code = text(field_error, "code").map_or(String::new(), |code| format!(" [{code}]"));
            if label == name {
                let _ = writeln!(out, "  {label}: {message}{code}");
            } else {
                let _ = writeln!(out, "  {label} ({name}): {message}{code}");
            }
        }
    }
    if let Some(hint) = text(error, "hint") {
        let _ = writeln!(out, "hint: {hint}");
    }
    if let Some(step) = text(error, "step") {
        let _ = writeln!(out, "step: {step}");
    }
    if let Some(service) = error.get("service").filter(|service| service.is_object()) {
        let mut parts = Vec::new();
        if let Some(status) = service
            .get("http_status")
            .filter(|status| !status.is_null())
        {
            parts.push(format!("HTTP {}", plain(status)));
        }
        if let Some(code) = text(service, "error_code") {
            parts.push(code.to_owned());
        }
        for member in ["request_id", "client_request_id"] {
            if let Some(id) = text(service, member) {
                parts.push(format!("{}: {id}", member.replace('_', "-")));
            }
        }
        let name = text(service, "name").unwrap_or("the service");
        let _ = writeln!(out, "{name} answered: {}", parts.join(", "));
    }
    done(out, document);
}

/// Renders what was already done, when anything was.
pub fn done(out: &mut String, document: &Value) {
    let Some(done) = document
        .get("done")
        .and_then(Value::as_array)
        .filter(|done| !done.is_empty())
    else {
        return;
    };
    let _ = writeln!(out, "already done:");
    for item in done {
        let what = text(item, "message")
            .or_else(|| text(item, "action"))
            .unwrap_or("(not described)");
        match text(item, "step") {
            Some(step) => {
                let _ = writeln!(out, "  - {what} ({step})");
            }
            None => {
                let _ = writeln!(out, "  - {what}");
            }
        }
    }
}

/// Renders the warnings, one a line.
pub fn warnings(out: &mut String, document: &Value) {
    for warning in document
        .get("warnings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let message = text(warning, "message").unwrap_or("(no message)");
        match text(warning, "code") {
            Some(code) => {
                let _ = writeln!(out, "warning: {message} [{code}]");
            }
            None => {
                let _ = writeln!(out, "warning: {message}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{failure, warnings};
    use crate::schema::SettingsSchema;
    use connector_abi::StatusCode;
    use serde_json::json;

    #[test]
    fn a_failure_shows_field_errors_by_label_and_the_service_request_ids() {
        let schema = SettingsSchema::from_value(&json!({
            "fields": [ { "name": "tenant_id", "label": "Tenant ID", "type": "guid" } ]
        }))
        .unwrap();
        let document = json!({
            "operation": "configure", "status": "INVALID_SETTINGS", "ok": false, "data": null,
            "error": {
                "code": "invalid_settings", "message": "1 setting needs attention.",
                "hint": "Correct the fields listed and try again.", "step": "configure",
                "fields": [ { "field": "tenant_id", "code": "invalid_guid", "message": "must be a GUID" },
                            { "field": "colour", "code": "unknown_field", "message": "is not a setting" } ],
                "service": { "name": "graph", "http_status": 403, "error_code": "Denied",
                             "request_id": "r-1", "client_request_id": "c-1" }
            },
            "done": [ { "step": "provision", "action": "application_created", "message": "Created the app" } ],
            "warnings": []
        });
        let mut out = String::new();
        failure(&mut out, StatusCode::from_raw(3), &document, Some(&schema));
        assert_eq!(
            out,
            "error: 1 setting needs attention. [invalid_settings, INVALID_SETTINGS (3)]\n\
             \x20 Tenant ID (tenant_id): must be a GUID [invalid_guid]\n\
             \x20 colour: is not a setting [unknown_field]\n\
             hint: Correct the fields listed and try again.\n\
             step: configure\n\
             graph answered: HTTP 403, Denied, request-id: r-1, client-request-id: c-1\n\
             already done:\n\
             \x20 - Created the app (provision)\n"
        );
    }

    #[test]
    fn a_json_syntax_error_says_where() {
        let document = json!({
            "operation": "configure", "status": "INVALID_JSON", "ok": false, "data": null,
            "error": { "code": "invalid_json", "message": "The settings are not valid JSON: EOF.",
                       "line": 3, "column": 1 },
            "done": [], "warnings": []
        });
        let mut out = String::new();
        failure(&mut out, StatusCode::from_raw(2), &document, None);
        assert_eq!(
            out,
            "error: The settings are not valid JSON: EOF. [invalid_json, INVALID_JSON (2)]\n\
             \x20 at line 3, column 1\n"
        );
    }

    #[test]
    fn warnings_are_listed_with_their_codes() {
        let mut out = String::new();
        warnings(
            &mut out,
            &json!({ "warnings": [ { "code": "migrated", "message": "Settings were migrated from version 1." } ] }),
        );
        assert_eq!(
            out,
            "warning: Settings were migrated from version 1. [migrated]\n"
        );
    }
}
