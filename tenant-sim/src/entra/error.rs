//! Entra ID's error responses: the JSON body of the token endpoints and the error redirect of the
//! interactive endpoints. <https://learn.microsoft.com/entra/identity-platform/reference-error-codes>

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use time::OffsetDateTime;

use crate::faults::rules::Fault;

/// An Entra error: OAuth `error`, AADSTS code, message and HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntraError {
    /// The HTTP status of a JSON error response.
    pub status: StatusCode,
    /// The OAuth 2.0 `error` value (`invalid_grant`, `authorization_pending`…).
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// The text after `AADSTSnnnn: `.
    pub message: String,
    /// Entra's `suberror` (`basic_action`, `message_only`…), when it sends one.
    pub suberror: Option<&'static str>,
}

impl EntraError {
    /// A new error.
    pub fn new(
        status: StatusCode,
        error: &'static str,
        code: u32,
        message: impl Into<String>,
    ) -> Self {
        EntraError {
            status,
            error,
            code,
            message: message.into(),
            suberror: None,
        }
    }

    /// A 400 `invalid_request` for a missing parameter (AADSTS900144).
    pub fn missing_parameter(name: &str) -> Self {
        EntraError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    /// The `error_description` with Entra's trailer.
    fn description(&self, trace_id: &str, correlation_id: &str, timestamp: &str) -> String {
        format!(
            "AADSTS{}: {} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}",
            self.code, self.message
        )
    }

    /// The error as a redirect to the client's redirect URI (`?error=…&error_description=…&state=…`).
    pub fn into_redirect(self, redirect_uri: &str, state: Option<&str>) -> Response {
        let (trace_id, correlation_id, timestamp) = ids();
        let mut url = match url::Url::parse(redirect_uri) {
            Ok(url) => url,
            Err(_) => return self.into_response(),
        };
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("error", self.error);
            query.append_pair(
                "error_description",
                &self.description(&trace_id, &correlation_id, &timestamp),
            );
            query.append_pair(
                "error_uri",
                &format!("https://login.microsoftonline.com/error?code={}", self.code),
            );
            if let Some(state) = state {
                query.append_pair("state", state);
            }
        }
        found(url.as_str())
    }
}

/// A 302 Found redirect, as Entra answers the interactive endpoints.
pub(crate) fn found(location: &str) -> Response {
    let mut response = Redirect::to(location).into_response();
    *response.status_mut() = StatusCode::FOUND;
    response
}

fn ids() -> (String, String, String) {
    let now = OffsetDateTime::now_utc();
    let timestamp = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let correlation_id = crate::entra::correlation::CORRELATION_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    (uuid::Uuid::new_v4().to_string(), correlation_id, timestamp)
}

impl IntoResponse for EntraError {
    fn into_response(self) -> Response {
        let (trace_id, correlation_id, timestamp) = ids();
        let mut body = json!({
            "error": self.error,
            "error_description": self.description(&trace_id, &correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        if let Some(suberror) = self.suberror {
            body["suberror"] = json!(suberror);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Ok(value) = axum::http::HeaderValue::from_str(&trace_id) {
            response.headers_mut().insert("x-ms-request-id", value);
        }
        response
    }
}

/// A fault as Entra ID's token endpoints answer it: an AADSTS body. The codes are Entra's documented
/// ones for throttling (90055 TenantThrottlingError), an unavailable directory (90033) and a token
/// issuance error (50000) (<https://learn.microsoft.com/entra/identity-platform/reference-error-codes>);
/// pairing them with these statuses is ours. The fault layer calls this.
pub(crate) fn fault_answer(fault: Fault) -> Response {
    let error = match fault {
        Fault::Throttle { .. } => EntraError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            90055,
            "There are too many incoming requests. Please retry later.",
        ),
        Fault::ServiceUnavailable { .. } => EntraError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            90033,
            "A transient error has occurred. Please try again.",
        ),
        Fault::InternalServerError => EntraError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            50000,
            "There was an error issuing a token or an issue with the sign-in service.",
        ),
        _ => EntraError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "temporarily_unavailable",
            90033,
            "A transient error has occurred. Please try again.",
        ),
    };
    error.into_response()
}
