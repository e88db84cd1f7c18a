//! Microsoft Graph's error envelope (`{"error": {"code", "message", "innerError": {"request-id", …}}}`)
//! and the connector error each answer becomes. <https://learn.microsoft.com/graph/errors>

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind, SERVICE_ID_LIMIT, ServiceAnswer, excerpt};

/// The `error` member of Graph's envelope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphError {
    /// Graph's error code (`Authorization_RequestDenied`, `Request_ResourceNotFound`, …).
    #[serde(default)]
    pub code: String,
    /// Graph's message.
    #[serde(default)]
    pub message: String,
    /// Details some errors carry (`NoBackingApplicationObject`, …).
    #[serde(default)]
    pub details: Vec<GraphErrorDetail>,
    /// Ids Graph adds.
    #[serde(default, alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

/// One of `details`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct GraphErrorDetail {
    /// The detail's code.
    #[serde(default)]
    pub code: String,
    /// What it is about.
    #[serde(default)]
    pub target: Option<String>,
    /// Its message.
    #[serde(default)]
    pub message: Option<String>,
}

/// `innerError`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct InnerError {
    /// Graph's request id.
    #[serde(default, rename = "request-id")]
    pub request_id: Option<String>,
    /// The client request id Graph saw.
    #[serde(default, rename = "client-request-id")]
    pub client_request_id: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    error: GraphError,
}

impl GraphError {
    /// Reads the envelope from a body; `None` when the body is not one.
    pub fn from_body(body: &Value) -> Option<GraphError> {
        serde_json::from_value::<Envelope>(body.clone())
            .ok()
            .map(|e| e.error)
    }

    /// Whether the code or any detail's code is `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.code == code || self.details.iter().any(|d| d.code == code)
    }

    /// Whether the message contains `text` (case-insensitive): some answers differ by message only.
    pub fn message_contains(&self, text: &str) -> bool {
        self.message.to_lowercase().contains(&text.to_lowercase())
    }
}

/// The connector error for a Graph answer that is not a success: the kind follows the status (403
/// `PERMISSION_DENIED`, 404 `NOT_FOUND`, 409 `CONFLICT`, 401 `SIGN_IN_REQUIRED`, 429/503/504 left after the
/// retries `TIMEOUT`, else `SERVICE_ERROR`), the
/// message names what the connector tried and quotes Graph's message.
pub fn graph_failure(status: u16, body: &Value, action: &str, mut details: ServiceAnswer) -> Error {
    let graph = GraphError::from_body(body);
    if let Some(graph) = &graph {
        if !graph.code.is_empty() {
            details.error_code = Some(graph.code.clone());
        }
        if details.request_id.is_none() {
            details.request_id = graph
                .inner_error
                .as_ref()
                .and_then(|i| i.request_id.clone());
        }
    }
    details.http_status = Some(status);
    let said = graph
        .as_ref()
        .filter(|g| !g.message.is_empty())
        .map(|g| format!(": {}", excerpt(&g.message, 300)))
        .unwrap_or_default();
    let code = graph
        .as_ref()
        .filter(|g| !g.code.is_empty())
        .map(|g| format!(" ({})", excerpt(&g.code, SERVICE_ID_LIMIT)))
        .unwrap_or_default();
    let (kind, hint) = match status {
        401 => (ErrorKind::SignInRequired, "Run Log in to Azure again."),
        403 => (
            ErrorKind::PermissionDenied,
            "The signed-in account lacks a role or permission this step needs.",
        ),
        404 => (ErrorKind::NotFound, "Check that the object still exists."),
        409 | 412 => (
            ErrorKind::Conflict,
            "Another change got there first; run the step again.",
        ),
        429 | 503 | 504 => (
            ErrorKind::Timeout,
            "Microsoft Graph kept throttling or was unavailable beyond the retry bound; try again in a few minutes.",
        ),
        _ => (
            ErrorKind::ServiceError,
            "Try again; if it keeps happening, report it with the request id.",
        ),
    };
    Error::new(
        kind,
        format!("Microsoft Graph refused to {action} (HTTP {status}){said}{code}."),
    )
    .with_hint(hint)
    .with_service(details)
}

#[cfg(test)]
mod tests {
    use super::{GraphError, graph_failure};
    use crate::error::{ErrorKind, ServiceAnswer};
    use serde_json::json;

    #[test]
    fn the_envelope_becomes_an_error_of_the_statuss_kind() {
        let body = json!({"error": {"code": "Authorization_RequestDenied",
            "message": "Insufficient privileges to complete the operation.",
            "innerError": {"request-id": "r-1", "date": "2026-12-01T10:00:00"}}});
        let error = graph_failure(
            403,
            &body,
            "assign the directory roles",
            ServiceAnswer {
                name: "graph",
                ..ServiceAnswer::default()
            },
        );
        assert_eq!(error.kind(), &ErrorKind::PermissionDenied);
        assert_eq!(
            error.message(),
            "Microsoft Graph refused to assign the directory roles (HTTP 403): Insufficient privileges to \
             complete the operation. (Authorization_RequestDenied)."
        );
        let service = error.service().unwrap();
        assert_eq!(service.request_id.as_deref(), Some("r-1"));
        assert_eq!(
            service.error_code.as_deref(),
            Some("Authorization_RequestDenied")
        );
        let lag = GraphError::from_body(
            &json!({"error": {"code": "Request_BadRequest", "message": "x",
            "details": [{"code": "NoBackingApplicationObject", "target": "appId"}]}}),
        )
        .unwrap();
        assert!(lag.has_code("NoBackingApplicationObject"));
    }

    #[test]
    fn a_huge_error_code_is_cut_in_the_message_too() {
        // Found by the graph_answer fuzz target: a code of 2,000 characters and no message.
        let code = "Authorization_".to_owned() + &"t".repeat(2_000);
        let body = json!({"error": {"code": code}});
        let error = graph_failure(
            400,
            &body,
            "create the application",
            ServiceAnswer {
                name: "graph",
                ..ServiceAnswer::default()
            },
        );
        let length = error.message().chars().count();
        assert!(length < 200, "a {length}-character message");
        assert!(
            error.message().starts_with(
                "Microsoft Graph refused to create the application (HTTP 400) (Authorization_tt"
            ),
            "{}",
            error.message()
        );
    }
}
