//! Injected faults and throttling: one layer around each service's router answers chosen requests with
//! a 429, 500, 503 or 504 in that service's own error shape, or closes the connection without answering.
//!
//! Two knobs drive it (see [`crate::knobs::KnobSettings`]):
//! - `faults`: a list of [`FaultRule`]s. The first rule matching a request (service, method, path prefix)
//!   decides its fate; a rule made with [`FaultRule::next`] applies to that many requests and is then
//!   removed, one made with [`FaultRule::always`] stays until the test changes the knob.
//! - `rate_limits`: [`RateLimit`]s. More than `max_requests` requests to a service within one fixed
//!   `window` are answered 429 with `Retry-After` set to the seconds left in the window.
//!
//! Every faulted request is in the request log with the status it got and its [`Fault`]; a dropped
//! connection is logged with status 0.
//!
//! Shapes: Microsoft Graph answers with its error envelope (<https://learn.microsoft.com/graph/errors>)
//! and, when throttling, the headers of <https://learn.microsoft.com/graph/throttling>
//! (`Retry-After`, `x-ms-throttle-scope`, `x-ms-throttle-information`, `x-ms-resource-unit`); Exchange
//! Online with its OData error; Entra ID with an AADSTS error body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::entra::error::EntraError;
use crate::graph::error::{GraphError, RequestIds};
use crate::request_log::Service;
use crate::state::TenantState;

/// What happens to a request a rule catches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 Too Many Requests with `Retry-After: retry_after_secs` and the service's throttling answer.
    Throttle {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// 500 Internal Server Error.
    InternalServerError,
    /// 503 Service Unavailable, with `Retry-After` when given.
    ServiceUnavailable {
        /// The `Retry-After` value in seconds, if any.
        retry_after_secs: Option<u64>,
    },
    /// 504 Gateway Timeout.
    GatewayTimeout,
    /// The server closes the connection (TCP and TLS) without sending any response, so the client sees a
    /// connection error. Every other request in flight on the same connection is lost with it.
    DropConnection,
}

impl Fault {
    /// The status a client receives (0 for a dropped connection: no response at all).
    pub fn status(self) -> u16 {
        match self {
            Fault::Throttle { .. } => 429,
            Fault::InternalServerError => 500,
            Fault::ServiceUnavailable { .. } => 503,
            Fault::GatewayTimeout => 504,
            Fault::DropConnection => 0,
        }
    }
}

/// A rule choosing requests to fault: every condition that is set must hold.
///
/// `FaultRule::next(2, Fault::Throttle { retry_after_secs: 1 }).on("POST", "/v1.0/servicePrincipals")`
/// answers the next two POSTs under `/v1.0/servicePrincipals` (on any service) with 429 and then lets
/// requests through; add `.service(Service::Graph)` to narrow it to one service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// Only requests to this service (`None`: any service, the authority included).
    pub service: Option<Service>,
    /// Only requests with this method (case-insensitive; `None`: any method).
    pub method: Option<String>,
    /// Only requests whose path starts with this (ASCII case-insensitive, as Graph treats paths;
    /// `None`: any path). The query string is not part of the path.
    pub path_prefix: Option<String>,
    /// How many more requests the rule applies to; it is removed when this reaches zero. `None`: every
    /// matching request, until the knob changes.
    pub remaining: Option<u32>,
    /// What the matching requests get.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule for the next `count` requests (of any service, method and path until narrowed).
    pub fn next(count: u32, fault: Fault) -> Self {
        FaultRule {
            service: None,
            method: None,
            path_prefix: None,
            remaining: Some(count),
            fault,
        }
    }

    /// A rule for every request (until narrowed, and until the knob changes).
    pub fn always(fault: Fault) -> Self {
        FaultRule {
            remaining: None,
            ..FaultRule::next(0, fault)
        }
    }

    /// Narrows the rule to one service.
    pub fn service(mut self, service: Service) -> Self {
        self.service = Some(service);
        self
    }

    /// Narrows the rule to one method (`"POST"`).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Narrows the rule to paths starting with `prefix` (`"/v1.0/servicePrincipals"`).
    pub fn path_prefix(mut self, prefix: &str) -> Self {
        self.path_prefix = Some(prefix.to_owned());
        self
    }

    /// Narrows the rule to one method and path prefix.
    pub fn on(self, method: &str, prefix: &str) -> Self {
        self.method(method).path_prefix(prefix)
    }

    /// Whether the rule applies to a request (ignoring `remaining`).
    pub fn matches(&self, service: Service, method: &str, path: &str) -> bool {
        self.service.is_none_or(|s| s == service)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path_prefix.as_deref().is_none_or(|prefix| {
                path.len() >= prefix.len()
                    && path.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
            })
    }
}

/// Throttling by rate: at most `max_requests` requests to `service` per fixed `window`; the others get
/// 429 with `Retry-After` = the whole seconds left in the window (at least 1). Throttled requests do not
/// count towards the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// The service limited.
    pub service: Service,
    /// Requests allowed per window.
    pub max_requests: u32,
    /// The window length.
    pub window: Duration,
}

/// A rate limit's identity: its service, allowance and window.
type RateKey = (Service, u32, Duration);

/// The fixed windows of the rate limits: when each started and how many requests it let through.
#[derive(Debug, Default)]
pub(crate) struct RateWindows {
    windows: Mutex<HashMap<RateKey, (Instant, u32)>>,
}

impl RateWindows {
    /// Counts a request against `limit`; returns the `Retry-After` seconds when it is over.
    fn admit(&self, limit: &RateLimit, now: Instant) -> Option<u64> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (limit.service, limit.max_requests, limit.window);
        let (start, count) = windows.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= limit.window {
            *start = now;
            *count = 0;
        }
        if *count < limit.max_requests {
            *count += 1;
            return None;
        }
        let left = limit.window.saturating_sub(now.duration_since(*start));
        let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Some(seconds.max(1))
    }
}

/// Marks a response whose connection must be closed without sending it. The server's connection task
/// looks for it (see `server.rs`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// The fault a response was made by, kept in the response's extensions for the request log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InjectedFault(pub Fault);

/// The middleware: decides whether the request is faulted (rules first, then rate limits) and answers
/// for the service if so; otherwise passes the request on.
pub(crate) async fn inject_faults(
    State((state, service)): State<(Arc<TenantState>, Service)>,
    request: Request,
    next: Next,
) -> Response {
    let fault = state
        .knobs
        .take_fault(service, request.method().as_str(), request.uri().path())
        .or_else(|| {
            let now = Instant::now();
            state
                .knobs
                .get()
                .rate_limits
                .iter()
                .filter(|limit| limit.service == service)
                .find_map(|limit| state.rate_windows.admit(limit, now))
                .map(|retry_after_secs| Fault::Throttle { retry_after_secs })
        });
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let mut response = match fault {
        Fault::DropConnection => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
        _ => match service {
            Service::Graph => graph_fault(&state, fault, request.method(), request.headers()),
            Service::Exchange => crate::exchange::fault_response(fault),
            Service::Authority => authority_fault(fault),
        },
    };
    response.extensions_mut().insert(InjectedFault(fault));
    response
}

/// The `x-ms-throttle-scope` header Graph sends with a 429.
const THROTTLE_SCOPE: HeaderName = HeaderName::from_static("x-ms-throttle-scope");
/// The `x-ms-throttle-information` header Graph sends with a 429.
const THROTTLE_INFORMATION: HeaderName = HeaderName::from_static("x-ms-throttle-information");
/// The `x-ms-resource-unit` header: the cost of the request in resource units.
const RESOURCE_UNIT: HeaderName = HeaderName::from_static("x-ms-resource-unit");

/// A fault as Microsoft Graph answers it.
fn graph_fault(
    state: &TenantState,
    fault: Fault,
    method: &Method,
    headers: &HeaderMap,
) -> Response {
    let error = match fault {
        Fault::Throttle { retry_after_secs } => GraphError::too_many_requests(retry_after_secs),
        Fault::InternalServerError => GraphError::internal_server_error(),
        Fault::ServiceUnavailable { retry_after_secs } => {
            GraphError::service_unavailable(retry_after_secs)
        }
        Fault::GatewayTimeout | Fault::DropConnection => GraphError::gateway_timeout(),
    };
    let ids = RequestIds::from_request_headers(headers);
    let mut response = error.to_response(&ids, OffsetDateTime::now_utc());
    if matches!(fault, Fault::Throttle { .. }) {
        // Identity and access throttling is per application and tenant, read or write
        // (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits).
        let kind = if method == Method::GET || method == Method::HEAD {
            "Read"
        } else {
            "ReadWrite"
        };
        let app_id = bearer_app_id(headers).unwrap_or_else(|| "unknown".to_owned());
        let scope = format!("Tenant_Application/{kind}/{app_id}/{}", state.tenant_id);
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&scope) {
            headers.insert(THROTTLE_SCOPE, value);
        }
        headers.insert(
            THROTTLE_INFORMATION,
            HeaderValue::from_static("ResourceUnitLimitExceeded"),
        );
        headers.insert(RESOURCE_UNIT, HeaderValue::from_static("1"));
    }
    response
}

/// The `appid` claim of the request's bearer token, read without verifying it (only to name the
/// throttling scope; the token is never logged).
fn bearer_app_id(headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    let app_id = claims.get("appid")?.as_str()?;
    uuid::Uuid::parse_str(app_id).ok().map(|id| id.to_string())
}

/// A fault as Entra ID's token endpoints answer it: an AADSTS body. The codes are Entra's documented
/// ones for throttling (90055 TenantThrottlingError), an unavailable directory (90033) and a token
/// issuance error (50000) (https://learn.microsoft.com/entra/identity-platform/reference-error-codes);
/// pairing them with these statuses is ours.
fn authority_fault(fault: Fault) -> Response {
    let (error, retry_after) = match fault {
        Fault::Throttle { retry_after_secs } => (
            EntraError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                90055,
                "There are too many incoming requests. Please retry later.",
            ),
            Some(retry_after_secs),
        ),
        Fault::ServiceUnavailable { retry_after_secs } => (
            EntraError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                90033,
                "A transient error has occurred. Please try again.",
            ),
            retry_after_secs,
        ),
        Fault::GatewayTimeout | Fault::DropConnection => (
            EntraError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "temporarily_unavailable",
                90033,
                "A transient error has occurred. Please try again.",
            ),
            None,
        ),
        Fault::InternalServerError => (
            EntraError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                50000,
                "There was an error issuing a token or an issue with the sign-in service.",
            ),
            None,
        ),
    };
    let mut response = error.into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_on_every_condition_set() {
        let rule = FaultRule::next(1, Fault::GatewayTimeout)
            .service(Service::Graph)
            .on("post", "/v1.0/servicePrincipals");
        assert!(rule.matches(Service::Graph, "POST", "/v1.0/servicePrincipals"));
        assert!(rule.matches(Service::Graph, "POST", "/v1.0/serviceprincipals(appId='x')"));
        assert!(!rule.matches(Service::Graph, "GET", "/v1.0/servicePrincipals"));
        assert!(!rule.matches(Service::Exchange, "POST", "/v1.0/servicePrincipals"));
        assert!(!rule.matches(Service::Graph, "POST", "/v1.0/applications"));
        assert!(!rule.matches(Service::Graph, "POST", "/v1.0"));
        let any = FaultRule::always(Fault::InternalServerError);
        assert!(any.matches(Service::Authority, "GET", "/"));
        assert_eq!(any.remaining, None);
    }

    #[test]
    fn rate_windows_admit_up_to_the_limit_then_name_the_seconds_left() {
        let windows = RateWindows::default();
        let limit = RateLimit {
            service: Service::Graph,
            max_requests: 2,
            window: Duration::from_millis(2500),
        };
        let start = Instant::now();
        assert_eq!(windows.admit(&limit, start), None);
        assert_eq!(windows.admit(&limit, start), None);
        assert_eq!(windows.admit(&limit, start), Some(3));
        assert_eq!(
            windows.admit(&limit, start + Duration::from_millis(2000)),
            Some(1)
        );
        assert_eq!(
            windows.admit(&limit, start + Duration::from_millis(2500)),
            None
        );
    }

    #[test]
    fn fault_statuses() {
        assert_eq!(
            Fault::Throttle {
                retry_after_secs: 1
            }
            .status(),
            429
        );
        assert_eq!(Fault::DropConnection.status(), 0);
        assert_eq!(
            Fault::ServiceUnavailable {
                retry_after_secs: None
            }
            .status(),
            503
        );
    }
}
