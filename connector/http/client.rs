//! One HTTP client per session, over rustls, reused across the session's calls (HTTP/2 where the service
//! offers it), and the one place where a request is sent: request ids, timeouts, a bound on the size of
//! answers, the shared retry policy, and transport failures turned into errors a person can act on.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use time::OffsetDateTime;

use crate::call::Call;
use crate::error::{Error, ErrorKind, FieldError, excerpt};
use crate::event::{EventBody, LogLevel, WaitReason};
use crate::http::failure::{
    TransportFailure, classify, describe_chain, gave_up, redirect_error, transport_error,
    url_without_query,
};
use crate::http::options::NetworkOptions;
use crate::http::request::{Body, Request};
use crate::http::response::{RequestIds, Response};
use crate::http::retry::{backoff, parse_retry_after, wait};

/// Which certificate authorities the client trusts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Extra CA certificates (PEM), from the settings' `extra_ca_pem`.
    pub extra_ca_pem: Option<String>,
    /// Trust only `extra_ca_pem` (custom endpoints with their own CA), not the system's roots.
    pub only_extra: bool,
}

/// The statuses retried by the shared policy, with the reason the `wait` event gives.
fn retry_reason(status: StatusCode) -> Option<WaitReason> {
    match status.as_u16() {
        429 => Some(WaitReason::Throttled),
        500 | 502 | 503 | 504 => Some(WaitReason::ServiceUnavailable),
        _ => None,
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
                        excerpt(&cause, 120),
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
                    let timeout = self.options.request_timeout();
                    return Err(transport_error(
                        request,
                        &client_request_id,
                        failure,
                        timeout,
                    ));
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
            .map(|id| excerpt(id, 100).into_owned());
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
}

#[cfg(test)]
mod tests {
    use super::retry_reason;
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
}
