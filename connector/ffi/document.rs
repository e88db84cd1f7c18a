//! The result document of a call (`docs/abi.md`), made from its outcome at the boundary, because it names
//! the ABI status (`status`, and `error.code`: the status name in lower case).

use serde::Serialize;
use serde_json::Value;

use connector_abi::ConnectorStatus;

use crate::error::{ErrorKind, FieldError, ServiceAnswer};
use crate::ffi::status::{outcome_status, status_of};
use crate::result::{Done, Outcome, Warning};

#[derive(Serialize)]
struct ErrorDocument<'a> {
    code: String,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    step: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    fields: &'a [FieldError],
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a ServiceAnswer>,
}

#[derive(Serialize)]
struct Document<'a> {
    operation: &'static str,
    status: &'static str,
    ok: bool,
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorDocument<'a>>,
    done: &'a [Done],
    warnings: &'a [Warning],
}

/// The result document of `outcome` (UTF-8 JSON without NUL bytes).
pub(crate) fn result_document(outcome: &Outcome) -> String {
    let error = outcome.error().map(|error| {
        let (line, column) = match error.kind() {
            ErrorKind::InvalidJson { line, column } if *line > 0 => (Some(*line), Some(*column)),
            _ => (None, None),
        };
        ErrorDocument {
            code: status_of(error.kind()).name().to_ascii_lowercase(),
            message: error.message(),
            hint: error.hint(),
            step: error
                .step()
                .map_or(outcome.operation().step_name(), |step| step.name()),
            line,
            column,
            fields: error.fields(),
            service: error.service(),
        }
    });
    let status = outcome_status(outcome);
    let document = Document {
        operation: outcome.operation().name(),
        status: status.name(),
        ok: status == ConnectorStatus::Ok,
        data: outcome.data(),
        error,
        done: outcome.done(),
        warnings: outcome.warnings(),
    };
    serde_json::to_string(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::result_document;
    use crate::error::{Error, ErrorKind, ServiceAnswer};
    use crate::operation::{Operation, Step};
    use crate::result::{Done, Outcome, Warning};
    use serde_json::{Value, json};

    fn parsed(outcome: &Outcome) -> Value {
        serde_json::from_str(&result_document(outcome)).unwrap()
    }

    #[test]
    fn success_documents_carry_data_and_no_error() {
        let outcome =
            Outcome::success(Operation::Describe, json!({"name": "m365"})).with_warnings([
                Warning {
                    code: "w",
                    message: "note".to_owned(),
                },
            ]);
        assert_eq!(
            parsed(&outcome),
            json!({
                "operation": "describe", "status": "OK", "ok": true, "data": {"name": "m365"},
                "done": [], "warnings": [{"code": "w", "message": "note"}]
            })
        );
    }

    #[test]
    fn failure_documents_carry_the_error_what_was_done_and_the_service() {
        let error = Error::new(ErrorKind::ServiceError, "Graph refused.")
            .with_step(Step::Provision)
            .with_service(ServiceAnswer {
                name: "graph",
                http_status: Some(403),
                request_id: Some("r-1".to_owned()),
                ..ServiceAnswer::default()
            });
        let outcome = Outcome::failure(Operation::Provision, error).with_done([Done {
            step: "provision",
            action: "application_created",
            object_id: None,
            message: "Created.".to_owned(),
        }]);
        let doc = parsed(&outcome);
        assert_eq!(doc["status"], "SERVICE_ERROR");
        assert_eq!(doc["ok"], false);
        assert_eq!(doc["data"], Value::Null);
        assert_eq!(
            doc["error"],
            json!({"code": "service_error", "message": "Graph refused.", "step": "provision",
                   "service": {"name": "graph", "http_status": 403, "request_id": "r-1"}})
        );
        assert_eq!(doc["done"][0]["action"], "application_created");
    }

    #[test]
    fn json_errors_say_where() {
        let text = "{]";
        let err = serde_json::from_str::<Value>(text).unwrap_err();
        let doc = parsed(&Outcome::failure(
            Operation::Configure,
            Error::invalid_json("settings document", &err, text),
        ));
        assert_eq!(doc["status"], "INVALID_JSON");
        assert_eq!(
            (doc["error"]["line"].clone(), doc["error"]["column"].clone()),
            (json!(1), json!(2))
        );
        assert_eq!(doc["error"]["step"], "configure");
    }
}
