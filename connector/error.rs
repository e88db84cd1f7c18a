//! The core's one error type. It knows nothing of C: the C boundary maps each [`ErrorKind`] to the ABI's
//! status (`crate::ffi`), in one place.

use std::borrow::Cow;

use serde::Serialize;

use crate::operation::Step;

/// What kind of failure happened. The C boundary gives each kind exactly one ABI status (of the same name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A required pointer was NULL, or a string was not valid UTF-8.
    InvalidArgument,
    /// A JSON document was malformed or of the wrong shape. `line` and `column` are 1-based and point at the
    /// problem (columns count characters); both are 0 when no position is known.
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

/// What a Microsoft service answered, for the result document's `error.service`: enough for an admin or
/// Microsoft support to find the request, never a token or a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceAnswer {
    /// Which service answered: `entra`, `graph` or `exchange`.
    pub name: &'static str,
    /// What the connector was doing, e.g. `create the service principal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The HTTP status of the answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The service's own error code (`AADSTS50076`, `Authorization_RequestDenied`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Microsoft's `request-id` response header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The `client-request-id` the connector sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// Entra's `trace_id` from an error body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Entra's `correlation_id` from an error body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// An error of the connector core: a kind, a message for a person, and where it helps a hint, the wizard
/// step it happened in and the answer of the service that refused. Messages never contain tokens, secrets or
/// private keys.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    step: Option<Step>,
    // Boxed: most errors have none, and the error travels in every `Result` of the core.
    service: Option<Box<ServiceAnswer>>,
}

/// The most characters of a member name, or of a parser's message, that an error echoes back.
pub(crate) const ECHO_LIMIT: usize = 64;

/// The most characters of a service's error code or request id that `error.service` carries (real ones are
/// at most a few dozen).
pub(crate) const SERVICE_ID_LIMIT: usize = 100;

/// `text` cut to at most `max_chars` characters, with `…` where it was cut: input a host passes in is never
/// echoed back whole (a 50 MB member name stays a short error).
pub(crate) fn excerpt(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
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

    /// Replaces the message, keeping everything else.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Adds what the Microsoft service answered. The service's own codes and ids are cut to
    /// 100 characters: a hostile or broken answer cannot make an error document large.
    pub fn with_service(mut self, mut service: ServiceAnswer) -> Self {
        for text in [
            &mut service.error_code,
            &mut service.request_id,
            &mut service.trace_id,
            &mut service.correlation_id,
        ]
        .into_iter()
        .flatten()
        {
            if let Cow::Owned(cut) = excerpt(text, SERVICE_ID_LIMIT) {
                *text = cut;
            }
        }
        self.service = Some(Box::new(service));
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

    /// The error for the JSON document `text` (named `what`, e.g. "settings document") that did not parse,
    /// or parsed to the wrong shape. The position is 1-based, in characters, and points at the character
    /// where the parser stopped (the end of a line for a problem at a line break).
    pub fn invalid_json(what: &str, err: &serde_json::Error, text: &str) -> Self {
        let (line, column) = position(text, err.line(), err.column()).unwrap_or((0, 0));
        // serde_json appends its own position, which counts bytes: leave it out.
        let full = err.to_string();
        let reason = full
            .strip_suffix(&format!(" at line {} column {}", err.line(), err.column()))
            .unwrap_or(&full);
        let reason = excerpt(reason, 2 * ECHO_LIMIT);
        let kind = if err.is_syntax() || err.is_eof() {
            "is not valid JSON"
        } else {
            "has the wrong shape"
        };
        let at = if line > 0 {
            format!(" (line {line}, column {column})")
        } else {
            String::new()
        };
        Error::new(
            ErrorKind::InvalidJson { line, column },
            format!("The {what} {kind}: {reason}{at}."),
        )
        .with_hint("Pass a UTF-8 JSON object as described in docs/abi.md.")
    }

    /// The kind of the error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
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

    /// What the service answered, if a service was involved.
    pub fn service(&self) -> Option<&ServiceAnswer> {
        self.service.as_deref()
    }

    /// The field errors of an [`ErrorKind::InvalidSettings`] error; empty otherwise.
    pub fn fields(&self) -> &[FieldError] {
        match &self.kind {
            ErrorKind::InvalidSettings(fields) => fields,
            _ => &[],
        }
    }
}

/// The 1-based character position in `text` of serde_json's `line` and byte `column`. serde_json reports
/// column 0 when the problem is the line break itself: that is the character after the last one of the
/// line before.
fn position(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    if line == 0 {
        return None;
    }
    let nth_line = |n: usize| text.split('\n').nth(n - 1).unwrap_or("");
    if column == 0 {
        return (line > 1).then(|| (line - 1, nth_line(line - 1).chars().count() + 1));
    }
    let this = nth_line(line);
    let mut end = column.min(this.len());
    while !this.is_char_boundary(end) {
        end -= 1;
    }
    Some((line, this[..end].chars().count().max(1)))
}

#[cfg(test)]
mod tests {
    use super::{
        ECHO_LIMIT, Error, ErrorKind, FieldError, SERVICE_ID_LIMIT, ServiceAnswer, excerpt,
    };

    #[test]
    fn a_services_codes_and_ids_are_cut_short() {
        let huge = "X".repeat(1_000_000);
        let error = Error::new(ErrorKind::ServiceError, "refused").with_service(ServiceAnswer {
            name: "graph",
            error_code: Some(huge.clone()),
            request_id: Some(huge.clone()),
            trace_id: Some(huge.clone()),
            correlation_id: Some("c-1".to_owned()),
            ..ServiceAnswer::default()
        });
        let service = error.service().unwrap();
        for text in [&service.error_code, &service.request_id, &service.trace_id] {
            assert_eq!(
                text.as_deref().unwrap().chars().count(),
                SERVICE_ID_LIMIT + 1
            );
        }
        assert_eq!(service.correlation_id.as_deref(), Some("c-1"));
    }

    fn parse_error(text: &str) -> Error {
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        Error::invalid_json("settings document", &err, text)
    }

    #[test]
    fn a_syntax_error_keeps_its_line_and_column() {
        let error = parse_error("{\n  \"a\": ,\n}");
        assert_eq!(error.kind(), &ErrorKind::InvalidJson { line: 2, column: 8 });
        assert_eq!(
            error.message(),
            "The settings document is not valid JSON: expected value (line 2, column 8)."
        );
    }

    #[test]
    fn a_problem_at_a_line_break_points_at_the_end_of_that_line() {
        // serde_json says "line 3 column 0" for both.
        let error = parse_error("{\n \"a\": tru\n}");
        assert_eq!(
            error.kind(),
            &ErrorKind::InvalidJson {
                line: 2,
                column: 10
            }
        );
        let error = parse_error("{\n  \"a\": 1\n");
        assert_eq!(error.kind(), &ErrorKind::InvalidJson { line: 2, column: 9 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let error = parse_error("{\"é\": tru}");
        assert_eq!(
            error.kind(),
            &ErrorKind::InvalidJson {
                line: 1,
                column: 10
            }
        );
    }

    #[test]
    fn long_input_is_echoed_as_a_short_excerpt() {
        let name = "x".repeat(10_000);
        assert_eq!(
            excerpt(&name, ECHO_LIMIT).chars().count(),
            ECHO_LIMIT + 1,
            "the cut is marked with one character"
        );
        assert_eq!(excerpt("short", ECHO_LIMIT), "short");
        let text = format!("{{\"{name}\": }}");
        assert!(parse_error(&text).message().len() < 400);
    }

    #[test]
    fn the_settings_error_counts_its_fields() {
        let error = Error::invalid_settings(vec![
            FieldError::new("a", "required", "A is required."),
            FieldError::new("b", "required", "B is required."),
        ]);
        assert_eq!(error.message(), "2 settings need attention.");
        assert_eq!(error.fields().len(), 2);
    }
}
