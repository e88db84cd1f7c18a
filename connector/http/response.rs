//! A service's answer as the HTTP layer hands it back: status, headers, the whole body (bounded), and
//! Microsoft's request ids; reading it as JSON, and the error for an answer that cannot be read.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, ServiceAnswer, excerpt};
use crate::http::service::Service;

/// The ids of one request: the one the connector sent, and Microsoft's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestIds {
    /// The `client-request-id` the connector sent.
    pub client_request_id: String,
    /// Microsoft's `request-id` (Graph, Exchange) or `x-ms-request-id` (Entra ID).
    pub request_id: Option<String>,
}

/// An answer: status, headers and the whole body (bounded by `network.max_response_bytes`).
#[derive(Clone, Debug)]
pub struct Response {
    /// The service that answered.
    pub service: Service,
    /// What the connector was doing.
    pub action: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// The request's ids.
    pub ids: RequestIds,
}

impl Response {
    /// A header's value, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// What this answer says about the request, for `error.service`.
    pub fn details(&self) -> ServiceAnswer {
        ServiceAnswer {
            name: self.service.name(),
            action: Some(self.action.clone()),
            http_status: Some(self.status.as_u16()),
            request_id: self.ids.request_id.clone(),
            client_request_id: Some(self.ids.client_request_id.clone()),
            ..ServiceAnswer::default()
        }
    }

    /// Whether the body is declared as JSON (`application/json`, with or without parameters, or a
    /// `+json` type).
    pub fn is_json(&self) -> bool {
        self.header(CONTENT_TYPE.as_str()).is_some_and(|value| {
            let essence = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        })
    }

    /// Parses the body as JSON of type `T`; an answer that is not JSON, or not of that shape, is a
    /// `SERVICE_ERROR` that names the service and what the connector was doing (never quoting the body).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if !self.is_json() {
            let kind = self.header(CONTENT_TYPE.as_str()).map_or_else(
                || "no content type".to_owned(),
                |t| format!("\"{}\"", excerpt(t, 60)),
            );
            return Err(self.unreadable(&format!("its answer was not JSON ({kind})")));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            let why = if e.is_eof() {
                "its answer ended in the middle of the JSON (truncated)".to_owned()
            } else if e.is_syntax() {
                format!(
                    "its answer is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                )
            } else {
                format!(
                    "its answer does not have the expected shape ({})",
                    excerpt(&e.to_string(), 120)
                )
            };
            self.unreadable(&why)
        })
    }

    /// The error for an answer the connector cannot read.
    pub fn unreadable(&self, why: &str) -> Error {
        Error::new(
            ErrorKind::ServiceError,
            format!(
                "{} answered HTTP {} when the connector tried to {}, but {why}.",
                self.service.display_name(),
                self.status.as_u16(),
                self.action
            ),
        )
        .with_hint(
            "Nothing was changed because of this answer. Check that the endpoints in the settings point at the \
             Microsoft service (not a proxy's or captive portal's page), then try again.",
        )
        .with_service(self.details())
    }
}
