//! The result document every operation writes, on success and on failure (see `docs/abi.md`).

use connector_abi::ConnectorStatus;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, FieldError, status_name};
use crate::session::Operation;

/// Something an operation already did, so that a console can show partial progress after a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Done {
    /// The wizard step.
    pub step: &'static str,
    /// A stable snake_case action, e.g. `application_created`.
    pub action: &'static str,
    /// The directory object concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// What was done, for a person.
    pub message: String,
}

/// Something a person should know that did not stop the call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable snake_case code.
    pub code: &'static str,
    /// What to know, for a person.
    pub message: String,
}

/// The outcome of one operation call: its data or error, what was done, and warnings. It becomes the result
/// document and the returned status.
#[derive(Clone, Debug)]
pub struct Outcome {
    operation: Operation,
    result: Result<Value, Error>,
    /// `data` of a failure, for the operations that say what they found even when they fail (the checks of
    /// `TEST_FAILED`, the candidates of `CONFIRMATION_REQUIRED` and `CONFLICT`).
    failure_data: Option<Value>,
    done: Vec<Done>,
    warnings: Vec<Warning>,
}

impl Outcome {
    /// A successful outcome carrying `data`.
    pub fn success(operation: Operation, data: Value) -> Self {
        Outcome {
            operation,
            result: Ok(data),
            failure_data: None,
            done: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A failed outcome.
    pub fn failure(operation: Operation, error: Error) -> Self {
        Outcome {
            operation,
            result: Err(error),
            failure_data: None,
            done: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The outcome of a call that panicked (the panic was contained at the C boundary).
    pub fn panicked(operation: Operation) -> Self {
        let message = format!(
            "The connector failed unexpectedly (a panic) during {}. The failure was contained: the host may \
             continue, and the session can still be freed.",
            operation.name()
        );
        let error = Error::new(crate::error::ErrorKind::Panic, message).with_hint(
            "Free the session and create a new one; report this to the connector's maintainers.",
        );
        Outcome::failure(operation, error)
    }

    /// Adds warnings.
    pub fn with_warnings(mut self, warnings: impl IntoIterator<Item = Warning>) -> Self {
        self.warnings.extend(warnings);
        self
    }

    /// Adds what was already done.
    pub fn with_done(mut self, done: impl IntoIterator<Item = Done>) -> Self {
        self.done.extend(done);
        self
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The status the call returns.
    pub fn status(&self) -> ConnectorStatus {
        match &self.result {
            Ok(_) => ConnectorStatus::Ok,
            Err(error) => error.status(),
        }
    }

    /// The data on success.
    pub fn data(&self) -> Option<&Value> {
        match &self.result {
            Ok(data) => Some(data),
            Err(_) => self.failure_data.as_ref(),
        }
    }

    /// Adds `data` to a failure (ignored on success, whose data is already set).
    pub fn with_failure_data(mut self, data: Value) -> Self {
        if self.result.is_err() {
            self.failure_data = Some(data);
        }
        self
    }

    /// The error on failure.
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// The warnings.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The result document (UTF-8 JSON without NUL bytes).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct ErrorDocument<'a> {
            code: &'static str,
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
            service: Option<&'a crate::error::ServiceDetails>,
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
        let error = self.error().map(|error| {
            let (line, column) = match error.kind() {
                crate::error::ErrorKind::InvalidJson { line, column } if *line > 0 => {
                    (Some(*line), Some(*column))
                }
                _ => (None, None),
            };
            ErrorDocument {
                code: error.kind().code(),
                message: error.message(),
                hint: error.hint(),
                step: error
                    .step()
                    .map_or(self.operation.name(), crate::describe::Step::name),
                line,
                column,
                fields: error.fields(),
                service: error.service(),
            }
        });
        let status = self.status();
        let document = Document {
            operation: self.operation.name(),
            status: status_name(status),
            ok: status == ConnectorStatus::Ok,
            data: self.data(),
            error,
            done: &self.done,
            warnings: &self.warnings,
        };
        serde_json::to_string(&document).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::{Done, Outcome, Warning};
    use crate::error::Error;
    use crate::error::ErrorKind;
    use crate::session::Operation;
    use connector_abi::ConnectorStatus;
    use serde_json::Value;
    use serde_json::json;

    fn parsed(outcome: &Outcome) -> Value {
        serde_json::from_str(&outcome.to_json()).unwrap()
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
    fn failure_documents_carry_the_error_and_what_was_done() {
        let error = Error::new(ErrorKind::NotAvailable, "Not yet.")
            .with_step(crate::describe::Step::SignIn);
        let outcome = Outcome::failure(Operation::Authenticate, error).with_done([Done {
            step: "sign_in",
            action: "settings_checked",
            object_id: None,
            message: "Settings are valid.".to_owned(),
        }]);
        let doc = parsed(&outcome);
        assert_eq!(doc["status"], "NOT_AVAILABLE");
        assert_eq!(doc["ok"], false);
        assert_eq!(doc["data"], Value::Null);
        assert_eq!(
            doc["error"],
            json!({"code": "not_available", "message": "Not yet.", "step": "sign_in"})
        );
        assert_eq!(doc["done"][0]["action"], "settings_checked");
    }

    #[test]
    fn json_errors_say_where() {
        let err = serde_json::from_str::<Value>("{]").unwrap_err();
        let doc = parsed(&Outcome::failure(
            Operation::Configure,
            Error::invalid_json("settings document", &err),
        ));
        assert_eq!(doc["status"], "INVALID_JSON");
        assert_eq!(
            (doc["error"]["line"].clone(), doc["error"]["column"].clone()),
            (json!(1), json!(2))
        );
        assert_eq!(doc["error"]["step"], "configure");
    }

    #[test]
    fn the_panic_document_names_the_operation() {
        let outcome = Outcome::panicked(Operation::Describe);
        assert_eq!(outcome.status(), ConnectorStatus::Panic);
        let doc = parsed(&outcome);
        assert_eq!(doc["error"]["code"], "panic");
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("during describe")
                && message.contains("the session can still be freed")
        );
    }
}
