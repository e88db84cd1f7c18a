//! The core's one error type, and the one place where an error becomes a [`ConnectorStatus`].

use connector_abi::ConnectorStatus;
use serde::Serialize;

use crate::describe::Step;

/// What kind of failure happened. Each kind maps to exactly one [`ConnectorStatus`] in
/// [`ErrorKind::status`], and has a stable snake_case code for result documents ([`ErrorKind::code`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A required pointer was NULL, or a string was not valid UTF-8.
    InvalidArgument,
    /// A JSON document was malformed or of the wrong shape. `line` and `column` are 1-based and point at the
    /// problem when it is a syntax error (0 when the document parsed but had the wrong shape).
    InvalidJson {
        /// The line of the problem (1-based), or 0.
        line: usize,
        /// The column of the problem (1-based), or 0.
        column: usize,
    },
    /// Settings failed validation; every field error found is listed.
    InvalidSettings(Vec<FieldError>),
    /// Another call is running on the session.
    Busy,
    /// The call was cancelled.
    Cancelled,
    /// The operation is not available in this version.
    NotAvailable,
    /// An administrator must sign in first.
    SignInRequired,
    /// Sign-in failed or was refused.
    SignInFailed,
    /// A role or permission is missing.
    PermissionDenied,
    /// Something referred to does not exist.
    NotFound,
    /// A conflict the connector may not resolve alone.
    Conflict,
    /// The host must confirm something first.
    ConfirmationRequired,
    /// A Microsoft service answered with an error.
    ServiceError,
    /// A service could not be reached.
    NetworkError,
    /// A bounded wait ran out.
    Timeout,
    /// The connection test ran and at least one check failed.
    TestFailed,
    /// The plugin was shut down.
    ShutDown,
    /// An unexpected internal error.
    Internal,
    /// A panic was contained at the C boundary.
    Panic,
}

impl ErrorKind {
    /// The ABI status of this kind. This is the only mapping from core errors to statuses.
    pub fn status(&self) -> ConnectorStatus {
        match self {
            ErrorKind::InvalidArgument => ConnectorStatus::InvalidArgument,
            ErrorKind::InvalidJson { .. } => ConnectorStatus::InvalidJson,
            ErrorKind::InvalidSettings(_) => ConnectorStatus::InvalidSettings,
            ErrorKind::Busy => ConnectorStatus::Busy,
            ErrorKind::Cancelled => ConnectorStatus::Cancelled,
            ErrorKind::NotAvailable => ConnectorStatus::NotAvailable,
            ErrorKind::SignInRequired => ConnectorStatus::SignInRequired,
            ErrorKind::SignInFailed => ConnectorStatus::SignInFailed,
            ErrorKind::PermissionDenied => ConnectorStatus::PermissionDenied,
            ErrorKind::NotFound => ConnectorStatus::NotFound,
            ErrorKind::Conflict => ConnectorStatus::Conflict,
            ErrorKind::ConfirmationRequired => ConnectorStatus::ConfirmationRequired,
            ErrorKind::ServiceError => ConnectorStatus::ServiceError,
            ErrorKind::NetworkError => ConnectorStatus::NetworkError,
            ErrorKind::Timeout => ConnectorStatus::Timeout,
            ErrorKind::TestFailed => ConnectorStatus::TestFailed,
            ErrorKind::ShutDown => ConnectorStatus::ShutDown,
            ErrorKind::Internal => ConnectorStatus::Internal,
            ErrorKind::Panic => ConnectorStatus::Panic,
        }
    }

    /// The stable, machine-readable code of this kind, as written to `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::InvalidJson { .. } => "invalid_json",
            ErrorKind::InvalidSettings(_) => "invalid_settings",
            ErrorKind::Busy => "busy",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::NotAvailable => "not_available",
            ErrorKind::SignInRequired => "sign_in_required",
            ErrorKind::SignInFailed => "sign_in_failed",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::ConfirmationRequired => "confirmation_required",
            ErrorKind::ServiceError => "service_error",
            ErrorKind::NetworkError => "network_error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::TestFailed => "test_failed",
            ErrorKind::ShutDown => "shut_down",
            ErrorKind::Internal => "internal",
            ErrorKind::Panic => "panic",
        }
    }
}

/// The name of a status as written to a result document's `status` member: the header's constant name
/// without its `CONNECTOR_STATUS_` prefix.
pub fn status_name(status: ConnectorStatus) -> &'static str {
    match status {
        ConnectorStatus::Ok => "OK",
        ConnectorStatus::InvalidArgument => "INVALID_ARGUMENT",
        ConnectorStatus::InvalidJson => "INVALID_JSON",
        ConnectorStatus::InvalidSettings => "INVALID_SETTINGS",
        ConnectorStatus::Busy => "BUSY",
        ConnectorStatus::Cancelled => "CANCELLED",
        ConnectorStatus::NotAvailable => "NOT_AVAILABLE",
        ConnectorStatus::SignInRequired => "SIGN_IN_REQUIRED",
        ConnectorStatus::SignInFailed => "SIGN_IN_FAILED",
        ConnectorStatus::PermissionDenied => "PERMISSION_DENIED",
        ConnectorStatus::NotFound => "NOT_FOUND",
        ConnectorStatus::Conflict => "CONFLICT",
        ConnectorStatus::ConfirmationRequired => "CONFIRMATION_REQUIRED",
        ConnectorStatus::ServiceError => "SERVICE_ERROR",
        ConnectorStatus::NetworkError => "NETWORK_ERROR",
        ConnectorStatus::Timeout => "TIMEOUT",
        ConnectorStatus::TestFailed => "TEST_FAILED",
        ConnectorStatus::ShutDown => "SHUT_DOWN",
        ConnectorStatus::Internal => "INTERNAL",
        ConnectorStatus::Panic => "PANIC",
    }
}

/// One field's validation error, shown by a console beside that field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The settings field (a schema field name, or `settings_version`).
    pub field: String,
    /// A stable snake_case code: `required`, `invalid_guid`, `unknown_field`, `wrong_type`, …
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// What a Microsoft service answered when a call failed there: which service, what the connector was doing,
/// the HTTP status and the service's error code, and the ids Microsoft support asks for. Written to a result
/// document's `error.service`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceDetails {
    /// The service: `entra`, `graph` or `exchange`.
    pub name: &'static str,
    /// What the connector was doing, e.g. `create the service principal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The HTTP status of the answer; absent when there was no answer (a network error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The service's own error code (`Authorization_RequestDenied`, `invalid_grant`, `AADSTS50076`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Microsoft's `request-id` for the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The `client-request-id` the connector sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// Entra ID's `trace_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Entra ID's `correlation_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// An error of the connector core: a kind, a message for a person, and where it helps a hint, the wizard
/// step it happened in and what a service answered. Messages never contain tokens, secrets or private keys.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    step: Option<Step>,
    service: Option<Box<ServiceDetails>>,
}

impl Error {
    /// An error of `kind` with a message for a person.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            step: None,
            service: None,
        }
    }

    /// Adds what a service answered.
    pub fn with_service(mut self, service: ServiceDetails) -> Self {
        self.service = Some(Box::new(service));
        self
    }

    /// Replaces the message, keeping everything else.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// What a service answered, if the error came from one.
    pub fn service(&self) -> Option<&ServiceDetails> {
        self.service.as_deref()
    }

    /// Adds a hint: what the person can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Says in which wizard step the error happened.
    pub fn with_step(mut self, step: Step) -> Self {
        self.step = Some(step);
        self
    }

    /// Says in which wizard step the error happened, unless it already says.
    pub fn or_step(mut self, step: Step) -> Self {
        self.step.get_or_insert(step);
        self
    }

    /// The settings validation error for a list of field errors (not empty).
    pub fn invalid_settings(fields: Vec<FieldError>) -> Self {
        let message = match fields.len() {
            1 => "1 setting needs attention.".to_owned(),
            n => format!("{n} settings need attention."),
        };
        Error::new(ErrorKind::InvalidSettings(fields), message)
            .with_hint("Correct the fields listed and try again.")
    }

    /// The error for a JSON document that does not parse, or parses to the wrong shape.
    pub fn invalid_json(what: &str, err: &serde_json::Error) -> Self {
        let (line, column) = if err.is_syntax() || err.is_eof() {
            (err.line(), err.column())
        } else {
            (0, 0)
        };
        let message = if line > 0 {
            format!("The {what} is not valid JSON: {err}.")
        } else {
            format!("The {what} has the wrong shape: {err}.")
        };
        Error::new(ErrorKind::InvalidJson { line, column }, message)
            .with_hint("Pass a UTF-8 JSON object as described in docs/abi.md.")
    }

    /// The kind of the error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The ABI status for this error (see [`ErrorKind::status`]).
    pub fn status(&self) -> ConnectorStatus {
        self.kind.status()
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The wizard step, if known.
    pub fn step(&self) -> Option<Step> {
        self.step
    }

    /// The field errors of an [`ErrorKind::InvalidSettings`] error; empty otherwise.
    pub fn fields(&self) -> &[FieldError] {
        match &self.kind {
            ErrorKind::InvalidSettings(fields) => fields,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Error, ErrorKind, FieldError, status_name};
    use connector_abi::ConnectorStatus;

    #[test]
    fn every_kind_maps_to_the_status_of_the_same_name() {
        let kinds = [
            ErrorKind::InvalidArgument,
            ErrorKind::InvalidJson { line: 1, column: 2 },
            ErrorKind::InvalidSettings(Vec::new()),
            ErrorKind::Busy,
            ErrorKind::Cancelled,
            ErrorKind::NotAvailable,
            ErrorKind::SignInRequired,
            ErrorKind::SignInFailed,
            ErrorKind::PermissionDenied,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::ConfirmationRequired,
            ErrorKind::ServiceError,
            ErrorKind::NetworkError,
            ErrorKind::Timeout,
            ErrorKind::TestFailed,
            ErrorKind::ShutDown,
            ErrorKind::Internal,
            ErrorKind::Panic,
        ];
        for kind in kinds {
            // The code is the snake_case form of the status name, so hosts can rely on either.
            assert_eq!(
                kind.code().to_uppercase(),
                status_name(kind.status()),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_syntax_error_keeps_its_line_and_column() {
        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": ,\n}").unwrap_err();
        let error = Error::invalid_json("settings document", &err);
        assert_eq!(error.kind(), &ErrorKind::InvalidJson { line: 2, column: 8 });
        assert!(
            error.message().contains("line 2 column 8"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn the_settings_error_counts_its_fields() {
        let error = Error::invalid_settings(vec![
            FieldError::new("a", "required", "A is required."),
            FieldError::new("b", "required", "B is required."),
        ]);
        assert_eq!(error.message(), "2 settings need attention.");
        assert_eq!(error.fields().len(), 2);
        assert_eq!(error.status(), ConnectorStatus::InvalidSettings);
    }
}
