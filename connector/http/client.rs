//! One HTTP client per session, over rustls, reused across the session's calls (HTTP/2 where the service
//! offers it), and the one place where a request is sent: request ids, timeouts, a bound on the size of
//! answers, the shared retry policy, and transport failures turned into errors a person can act on.

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::call::Call;
use crate::error::{Error, ErrorKind, FieldError, ServiceAnswer};
use crate::event::{EventBody, LogLevel, WaitReason};
use crate::http::options::NetworkOptions;
use crate::http::retry::{backoff, parse_retry_after, wait};
use crate::http::service::Service;

/// Which certificate authorities the client trusts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Extra CA certificates (PEM), from the settings' `extra_ca_pem`.
    pub extra_ca_pem: Option<String>,
    /// Trust only `extra_ca_pem` (custom endpoints with their own CA), not the system's roots.
    pub only_extra: bool,
}

/// A request body.
#[derive(Clone)]
pub enum Body {
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`; wiped from memory when dropped (it may carry a refresh token,
    /// a code verifier or a client assertion).
    Form(Zeroizing<String>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            Body::Form(_) => f.write_str("Form(<redacted>)"),
        }
    }
}

/// One request to a Microsoft service.
#[derive(Clone)]
pub struct Request {
    /// The service it goes to (for messages and `error.service.name`).
    pub service: Service,
    /// What the connector is doing, for messages: e.g. `read the organization`.
    pub action: String,
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Extra headers.
    pub headers: Vec<(HeaderName, String)>,
    /// The body, if any.
    pub body: Option<Body>,
    /// The access token sent as `Authorization: Bearer …`, if any.
    pub bearer: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("service", &self.service)
            .field("action", &self.action)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body", &self.body)
            .field("bearer", &self.bearer.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Request {
    /// A request without body or token.
    pub fn new(
        service: Service,
        method: Method,
        url: impl Into<String>,
        action: impl Into<String>,
    ) -> Request {
        Request {
            service,
            action: action.into(),
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            bearer: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &serde_json::Value) -> Request {
        self.body = Some(Body::Json(body.to_string().into_bytes()));
        self
    }

    /// Sets a form body from name/value pairs.
    pub fn form<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Request {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            form.append_pair(name, value);
        }
        self.body = Some(Body::Form(Zeroizing::new(form.finish())));
        self
    }

    /// Sends this access token.
    pub fn bearer(mut self, token: &str) -> Request {
        self.bearer = Some(Zeroizing::new(token.to_owned()));
        self
    }
}

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
                |t| format!("\"{}\"", short(t, 60)),
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
                    short(&e.to_string(), 120)
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

/// The first `max` characters of a text, for messages.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// The statuses retried by the shared policy, with the reason the `wait` event gives.
fn retry_reason(status: StatusCode) -> Option<WaitReason> {
    match status.as_u16() {
        429 => Some(WaitReason::Throttled),
        500 | 502 | 503 | 504 => Some(WaitReason::ServiceUnavailable),
        _ => None,
    }
}

/// Why one attempt got no answer.
#[derive(Debug)]
enum TransportFailure {
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
fn describe_chain(error: &reqwest::Error) -> (String, bool) {
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

fn classify(error: &reqwest::Error) -> TransportFailure {
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

/// The session's HTTP client.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    options: NetworkOptions,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client trusting `trust`, bounded by `options`. Proxies come from `HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY` and `NO_PROXY`. TLS verification is never turned off; redirects are never followed.
    pub fn new(trust: &Trust, options: &NetworkOptions) -> Result<HttpClient, Error> {
        let mut builder = reqwest::Client::builder()
            .tls_backend_rustls()
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout())
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("m365-connector/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &trust.extra_ca_pem {
            let certificates =
                reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|_| {
                    Error::invalid_settings(vec![FieldError::new(
                        "extra_ca_pem",
                        "invalid_pem",
                        "The extra trusted CA could not be read as PEM certificates.",
                    )])
                })?;
            builder = if trust.only_extra {
                builder.tls_certs_only(certificates)
            } else {
                builder.tls_certs_merge(certificates)
            };
        }
        let client = builder.build().map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!(
                    "The connector could not set up its HTTP client: {}.",
                    describe_chain(&e).0
                ),
            )
        })?;
        Ok(HttpClient {
            client,
            options: options.clone(),
        })
    }

    /// The network options this client was made with.
    pub fn options(&self) -> &NetworkOptions {
        &self.options
    }

    /// Sends a request under the shared retry policy and returns the service's answer, whatever its
    /// status (except redirects, which are errors). Throttling (429) and unavailability (500, 502, 503,
    /// 504) are retried after `Retry-After` or a backoff, as are broken connections; each wait is a `wait`
    /// event, and `cancel` ends the call at once with `CANCELLED`.
    pub async fn send(&self, call: &Call<'_>, request: &Request) -> Result<Response, Error> {
        let max_attempts = self.options.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            call.checkpoint()?;
            let client_request_id = uuid::Uuid::new_v4().to_string();
            let started = Instant::now();
            let result = tokio::select! {
                result = self.attempt(request, &client_request_id) => result,
                () = call.cancelled() => return Err(call.cancelled_error()),
            };
            let last = attempt >= max_attempts;
            match result {
                Ok(response) => {
                    call.emit(EventBody::Log {
                        level: LogLevel::Debug,
                        message: format!(
                            "{} {} -> {} in {} ms (request-id {})",
                            request.method,
                            url_without_query(&request.url),
                            response.status.as_u16(),
                            started.elapsed().as_millis(),
                            response.ids.request_id.as_deref().unwrap_or("none"),
                        ),
                    });
                    if response.status.is_redirection() {
                        return Err(redirect_error(&response));
                    }
                    let Some(reason) = retry_reason(response.status) else {
                        return Ok(response);
                    };
                    let retry_after = response
                        .header(RETRY_AFTER.as_str())
                        .and_then(|v| parse_retry_after(v, OffsetDateTime::now_utc()));
                    if last {
                        return Err(gave_up(&response, max_attempts));
                    }
                    let delay =
                        retry_after.unwrap_or_else(|| backoff(&self.options.retry, attempt));
                    if delay > Duration::from_millis(self.options.retry.max_delay_ms) {
                        return Err(Error::new(
                            ErrorKind::Timeout,
                            format!(
                                "{} asked the connector to wait {:.0} s before it may {} again, longer than \
                                 the configured network.retry.max_delay_ms ({} ms).",
                                request.service.display_name(),
                                delay.as_secs_f64(),
                                request.action,
                                self.options.retry.max_delay_ms
                            ),
                        )
                        .with_hint("Try again later: the service is throttling requests.")
                        .with_service(response.details()));
                    }
                    let message = format!(
                        "{} answered HTTP {} to \"{}\"; retrying in {:.1} s (attempt {} of {}).",
                        request.service.display_name(),
                        response.status.as_u16(),
                        request.action,
                        delay.as_secs_f64(),
                        attempt + 1,
                        max_attempts
                    );
                    wait(call, reason, delay, attempt + 1, max_attempts, message).await?;
                }
                Err(TransportFailure::Connection(cause)) if !last => {
                    let delay = backoff(&self.options.retry, attempt);
                    let message = format!(
                        "The connection to {} broke while the connector tried to {} ({}); retrying in {:.1} s \
                         (attempt {} of {}).",
                        request.service.display_name(),
                        request.action,
                        short(&cause, 120),
                        delay.as_secs_f64(),
                        attempt + 1,
                        max_attempts
                    );
                    wait(
                        call,
                        WaitReason::ServiceUnavailable,
                        delay,
                        attempt + 1,
                        max_attempts,
                        message,
                    )
                    .await?;
                }
                Err(failure) => {
                    return Err(self.transport_error(request, &client_request_id, failure));
                }
            }
            attempt += 1;
        }
    }

    /// One attempt: send, then read the whole body within the bound.
    async fn attempt(
        &self,
        request: &Request,
        client_request_id: &str,
    ) -> Result<Response, TransportFailure> {
        let mut builder = self
            .client
            .request(request.method.clone(), &request.url)
            .timeout(self.options.request_timeout())
            .header("client-request-id", client_request_id)
            .header("return-client-request-id", "true");
        for (name, value) in &request.headers {
            builder = builder.header(name.clone(), value.as_str());
        }
        if let Some(token) = &request.bearer {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.as_str())).map_err(|_| {
                    TransportFailure::Other(
                        "the access token is not a valid header value".to_owned(),
                    )
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        builder = match &request.body {
            Some(Body::Json(bytes)) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Some(Body::Form(form)) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form.as_bytes().to_vec()),
            None => builder,
        };
        let mut response = builder.send().await.map_err(|e| classify(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let limit = self.options.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(TransportFailure::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(TransportFailure::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        let request_id = ["request-id", "x-ms-request-id"]
            .iter()
            .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
            .map(|id| short(id, 100));
        Ok(Response {
            service: request.service,
            action: request.action.clone(),
            status,
            headers,
            body,
            ids: RequestIds {
                client_request_id: client_request_id.to_owned(),
                request_id,
            },
        })
    }

    fn transport_error(
        &self,
        request: &Request,
        client_request_id: &str,
        failure: TransportFailure,
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
                    short(&cause, 200)
                ),
                "Check the network, the proxy settings (HTTPS_PROXY, NO_PROXY) and the endpoints in the settings, \
                 then try again.",
            ),
            TransportFailure::Tls(cause) => (
                format!(
                    "The TLS certificate of {service} at {host} was refused, so the connector did not send \
                     anything to it ({}).",
                    short(&cause, 200)
                ),
                "Check that the endpoints point at the real service. A proxy that inspects TLS needs its CA in \
                 the settings' extra_ca_pem.",
            ),
            TransportFailure::Timeout => (
                format!(
                    "{service} at {host} did not finish answering within {} s when the connector tried to {}.",
                    self.options.request_timeout().as_secs_f64(),
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
                    short(&cause, 200)
                ),
                "Try again; if it keeps happening, report it with the request id.",
            ),
        };
        Error::new(ErrorKind::NetworkError, message)
            .with_hint(hint)
            .with_service(details)
    }
}

/// The error for a redirect: the connector never follows one (a token must not travel to another host).
fn redirect_error(response: &Response) -> Error {
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
fn gave_up(response: &Response, attempts: u32) -> Error {
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
pub fn host_of(url: &str) -> String {
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
fn url_without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::{host_of, retry_reason, wraps_tls_error};
    use reqwest::StatusCode;

    #[test]
    fn only_throttling_and_unavailability_are_retried() {
        for status in [429, 500, 502, 503, 504] {
            assert!(
                retry_reason(StatusCode::from_u16(status).unwrap()).is_some(),
                "{status}"
            );
        }
        for status in [200, 201, 204, 400, 401, 403, 404, 409, 501] {
            assert!(
                retry_reason(StatusCode::from_u16(status).unwrap()).is_none(),
                "{status}"
            );
        }
    }

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
