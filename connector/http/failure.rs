//! What can go wrong on the wire, and the errors a person can act on: no connection, a refused TLS
//! certificate, a timeout, an answer too large, a redirect (never followed), throttling beyond the bound.

use std::error::Error as _;
use std::time::Duration;

use reqwest::StatusCode;

use crate::error::{Error, ErrorKind, ServiceAnswer, excerpt};
use crate::http::request::Request;
use crate::http::response::Response;

/// Why one attempt got no answer.
#[derive(Debug)]
pub(crate) enum TransportFailure {
    /// No connection could be made, or it broke: worth another attempt.
    Connection(String),
    /// The server's certificate was refused: never retried.
    Tls(String),
    /// The request or its answer took longer than the timeout.
    Timeout,
    /// The answer was larger than allowed.
    TooLarge(u64),
    /// Anything else reqwest reports (a malformed answer, an invalid header).
    Other(String),
}

/// The innermost useful message of an error chain, and whether a TLS error is in it.
pub(crate) fn describe_chain(error: &reqwest::Error) -> (String, bool) {
    let mut message = error.to_string();
    let mut tls = false;
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<rustls::Error>().is_some() {
            tls = true;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && wraps_tls_error(io)
        {
            tls = true;
        }
        message = cause.to_string();
        source = cause.source();
    }
    (message, tls)
}

/// Whether an I/O error carries a rustls error, also through I/O errors wrapped in one another (hyper's
/// connector wraps tokio-rustls's `InvalidData` error in an `Other` one, whose `source()` skips the inner
/// error).
fn wraps_tls_error(io: &std::io::Error) -> bool {
    let mut inner = io.get_ref();
    while let Some(error) = inner {
        if error.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        inner = error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref);
    }
    false
}

pub(crate) fn classify(error: &reqwest::Error) -> TransportFailure {
    let (message, tls) = describe_chain(error);
    if tls {
        TransportFailure::Tls(message)
    } else if error.is_timeout() {
        TransportFailure::Timeout
    } else if error.is_connect() || error.is_request() || error.is_body() {
        TransportFailure::Connection(message)
    } else {
        TransportFailure::Other(message)
    }
}

/// The error for a request that got no usable answer: what failed, in words, and what to do.
pub(crate) fn transport_error(
    request: &Request,
    client_request_id: &str,
    failure: TransportFailure,
    timeout: Duration,
) -> Error {
    let service = request.service.display_name();
    let host = host_of(&request.url);
    let details = ServiceAnswer {
        name: request.service.name(),
        action: Some(request.action.clone()),
        client_request_id: Some(client_request_id.to_owned()),
        ..ServiceAnswer::default()
    };
    let (message, hint) = match failure {
        TransportFailure::Connection(cause) => (
            format!(
                "Could not reach {service} at {host} to {}: {}.",
                request.action,
                excerpt(&cause, 200)
            ),
            "Check the network, the proxy settings (HTTPS_PROXY, NO_PROXY) and the endpoints in the settings, \
             then try again.",
        ),
        TransportFailure::Tls(cause) => (
            format!(
                "The TLS certificate of {service} at {host} was refused, so the connector did not send \
                 anything to it ({}).",
                excerpt(&cause, 200)
            ),
            "Check that the endpoints point at the real service. A proxy that inspects TLS needs its CA in \
             the settings' extra_ca_pem.",
        ),
        TransportFailure::Timeout => (
            format!(
                "{service} at {host} did not finish answering within {} s when the connector tried to {}.",
                timeout.as_secs_f64(),
                request.action
            ),
            "Try again; if it keeps happening, check the network or raise network.request_timeout_ms.",
        ),
        TransportFailure::TooLarge(limit) => (
            format!(
                "{service} at {host} sent an answer larger than {limit} bytes when the connector tried to {}; \
                 it was not read.",
                request.action
            ),
            "Check that the endpoints point at the Microsoft service, or raise network.max_response_bytes.",
        ),
        TransportFailure::Other(cause) => (
            format!(
                "The request to {service} at {host} failed when the connector tried to {}: {}.",
                request.action,
                excerpt(&cause, 200)
            ),
            "Try again; if it keeps happening, report it with the request id.",
        ),
    };
    Error::new(ErrorKind::NetworkError, message)
        .with_hint(hint)
        .with_service(details)
}

/// The error for a redirect: the connector never follows one (a token must not travel to another host).
pub(crate) fn redirect_error(response: &Response) -> Error {
    let target = response
        .header("location")
        .map(host_of)
        .unwrap_or_else(|| "an unnamed place".to_owned());
    Error::new(
        ErrorKind::ServiceError,
        format!(
            "{} answered with a redirect to {target} when the connector tried to {}; the connector does not \
             follow redirects, so nothing was sent there.",
            response.service.display_name(),
            response.action
        ),
    )
    .with_hint("Check that the endpoints in the settings point at the Microsoft service itself.")
    .with_service(response.details())
}

/// The error when throttling or unavailability outlasted every attempt.
pub(crate) fn gave_up(response: &Response, attempts: u32) -> Error {
    let what = if response.status == StatusCode::TOO_MANY_REQUESTS {
        "kept throttling the requests"
    } else {
        "kept answering that it is unavailable"
    };
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{} {what} (HTTP {}) when the connector tried to {}; it gave up after {attempts} attempts.",
            response.service.display_name(),
            response.status.as_u16(),
            response.action
        ),
    )
    .with_hint("Try again in a few minutes; what was already done is listed and is not done twice.")
    .with_service(response.details())
}

/// `scheme://host[:port]` of a URL, for messages (never its path or query).
pub(crate) fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{}://{host}:{port}", parsed.scheme()),
            (Some(host), None) => format!("{}://{host}", parsed.scheme()),
            _ => "an address without a host".to_owned(),
        },
        Err(_) => "an unreadable address".to_owned(),
    }
}

/// A URL without its query, for log lines.
pub(crate) fn url_without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::{host_of, wraps_tls_error};

    #[test]
    fn a_tls_error_is_found_inside_nested_io_errors() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName);
        let nested =
            std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
        assert!(wraps_tls_error(&nested));
        let plain =
            std::io::Error::other(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(!wraps_tls_error(&plain));
    }

    #[test]
    fn messages_name_the_host_only() {
        assert_eq!(
            host_of("https://graph.microsoft.com/v1.0/me?$select=id"),
            "https://graph.microsoft.com"
        );
        assert_eq!(
            host_of("https://127.0.0.1:4431/x"),
            "https://127.0.0.1:4431"
        );
    }
}
