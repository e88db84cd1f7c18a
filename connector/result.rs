//! The outcome of an operation call: its data or its error, what was already done, and warnings. The C
//! boundary turns it into the result document (`docs/abi.md`) and the returned status.

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::operation::{Operation, Step};

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

/// The outcome of one operation call: its data or error, what was done, and warnings.
#[derive(Clone, Debug)]
pub struct Outcome {
    operation: Operation,
    result: Result<Value, Error>,
    /// `data` of a failure, for the operations that say what they found even when they fail (the checks of
    /// `TEST_FAILED`, the candidates of `CONFIRMATION_REQUIRED` and `CONFLICT`, what provision must hand over).
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

    /// Adds `data` to a failure (a success already has its data).
    pub fn with_failure_data(mut self, data: Value) -> Self {
        if self.result.is_err() {
            self.failure_data = Some(data);
        }
        self
    }

    /// The data: of a success, or of a failure that carries some.
    pub fn data(&self) -> Option<&Value> {
        match &self.result {
            Ok(data) => Some(data),
            Err(_) => self.failure_data.as_ref(),
        }
    }

    /// The error on failure.
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// What was already done.
    pub fn done(&self) -> &[Done] {
        &self.done
    }

    /// The warnings.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// What a network operation (`provision`, `consent`) did, including on failure, before the session makes it
/// the call's [`Outcome`].
#[derive(Debug)]
pub struct Report {
    /// `data` on success, or the error.
    pub result: Result<Value, Error>,
    /// What was written before the call ended.
    pub done: Vec<Done>,
    /// `data` of a failure: what the operation found or must hand over even though it failed (the
    /// permissions so far, a certificate already on the application, the adoption candidates).
    pub failure_data: Option<Value>,
    /// Things the administrator should know.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// A report of `data` on success with what was done.
    pub fn success(data: Value, done: Vec<Done>) -> Report {
        Report {
            result: Ok(data),
            done,
            failure_data: None,
            warnings: Vec::new(),
        }
    }

    /// A report of a failure before anything was done.
    pub fn failed(error: Error) -> Report {
        Report {
            result: Err(error),
            done: Vec::new(),
            failure_data: None,
            warnings: Vec::new(),
        }
    }

    /// The outcome of `operation`: its data or its error (said to be in `step` unless it already names
    /// one), the failure's data, what was done, and the warnings: `first` (those of the settings), then the
    /// report's own.
    pub fn into_outcome(self, operation: Operation, step: Step, first: &[Warning]) -> Outcome {
        let outcome = match self.result {
            Ok(data) => Outcome::success(operation, data),
            Err(error) => Outcome::failure(operation, error.or_step(step)),
        };
        let outcome = match self.failure_data {
            Some(data) => outcome.with_failure_data(data),
            None => outcome,
        };
        outcome
            .with_done(self.done)
            .with_warnings(first.iter().cloned())
            .with_warnings(self.warnings)
    }
}
