//! What can go wrong with a request, and which requests it happens to: [`Fault`], [`FaultRule`] and
//! [`RateLimit`], the values of the `faults` and `rate_limits` knobs.

use std::time::Duration;

use crate::service::Service;

/// What happens to a request a rule catches.
///
/// The first four answer in the service's own error shape; [`Fault::DropConnection`] answers nothing;
/// the rest are hostile answers for a client's reliability tests: what a broken proxy, a captive portal
/// or a misbehaving front end could send instead of the service's answer.
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
    /// The service handles the request (its changes happen), then the connection closes without the
    /// answer: the client sees a connection error although its write landed, as when an answer is lost on
    /// the way back. A retry must not do the write twice.
    DropAfterHandling,
    /// The service handles the request (its changes happen), then only the first half of its answer's
    /// body is sent, with a `Content-Length` that matches the cut body: JSON that does not parse.
    TruncatedJson,
    /// An HTML page (`Content-Type: text/html`) with this status instead of the service's answer, as a
    /// captive portal or a proxy's error page sends it. The request is not handled.
    Html {
        /// The status of the HTML answer (e.g. 200, 502).
        status: u16,
    },
    /// The service's own answer, status and body unchanged, labelled `Content-Type: text/plain`.
    WrongContentType,
    /// 200 with a JSON body of exactly `bytes` bytes (`{"value":[…]}` padded), streamed, with its
    /// `Content-Length`. The request is not handled.
    OversizedBody {
        /// The body's length in bytes (at least 12).
        bytes: u64,
    },
    /// 200 with a JSON body that never ends (`{"value":[` then objects, chunk after chunk, until the
    /// client stops reading or goes away). The request is not handled.
    EndlessBody,
    /// 307 Temporary Redirect to the same path and query on another host name of this listener
    /// (`127.0.0.1` and `localhost` swap). A client that follows it reaches tenant-sim again on a new
    /// connection, which the request log shows; one that should not follow it can be caught doing so.
    RedirectToOtherHost,
}

impl Fault {
    /// The status this fault answers with: `None` for [`Fault::DropConnection`] and
    /// [`Fault::DropAfterHandling`] (no answer at all; the
    /// request log writes status 0) and for [`Fault::TruncatedJson`] and [`Fault::WrongContentType`],
    /// which keep the service's own status.
    pub fn status(self) -> Option<u16> {
        match self {
            Fault::Throttle { .. } => Some(429),
            Fault::InternalServerError => Some(500),
            Fault::ServiceUnavailable { .. } => Some(503),
            Fault::GatewayTimeout => Some(504),
            Fault::DropConnection
            | Fault::DropAfterHandling
            | Fault::TruncatedJson
            | Fault::WrongContentType => None,
            Fault::Html { status } => Some(status),
            Fault::OversizedBody { .. } | Fault::EndlessBody => Some(200),
            Fault::RedirectToOtherHost => Some(307),
        }
    }

    /// The `Retry-After` seconds this fault's answer carries: those of [`Fault::Throttle`], and of
    /// [`Fault::ServiceUnavailable`] when given.
    pub fn retry_after_secs(self) -> Option<u64> {
        match self {
            Fault::Throttle { retry_after_secs } => Some(retry_after_secs),
            Fault::ServiceUnavailable { retry_after_secs } => retry_after_secs,
            _ => None,
        }
    }

    /// Whether the service words this fault itself (429, 500, 503, 504 in its own error shape). Only
    /// these apply to the items of a Graph `$batch`: the others are about the HTTP exchange, which a
    /// batch item does not have.
    pub fn is_service_error(self) -> bool {
        matches!(
            self,
            Fault::Throttle { .. }
                | Fault::InternalServerError
                | Fault::ServiceUnavailable { .. }
                | Fault::GatewayTimeout
        )
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
    /// `None`: any path). The query string is not part of the path. A `$batch` item's path is the
    /// item's url under `/v1.0` (`/v1.0/organization`).
    pub path_prefix: Option<String>,
    /// How many more requests the rule applies to; it is removed when this reaches zero. `None`: every
    /// matching request, until the knob changes.
    pub remaining: Option<u32>,
    /// What the matching requests get.
    pub fault: Fault,
    /// The chance in percent that a matching request is caught (`None`: every one), drawn from the
    /// knobs' seeded sequence ([`crate::knobs::KnobSettings::fault_seed`]).
    pub percent: Option<u8>,
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
            percent: None,
        }
    }

    /// A rule for every request (until narrowed, and until the knob changes).
    pub fn always(fault: Fault) -> Self {
        FaultRule {
            remaining: None,
            ..FaultRule::next(0, fault)
        }
    }

    /// A rule that catches each matching request with a chance of `percent` (0 to 100), until the knob
    /// changes: `FaultRule::sometimes(20, Fault::Throttle { retry_after_secs: 0 }).service(Service::Graph)`
    /// throttles about a fifth of Graph's requests, `$batch` items included, reproducibly for one seed.
    pub fn sometimes(percent: u8, fault: Fault) -> Self {
        FaultRule {
            percent: Some(percent.min(100)),
            ..FaultRule::always(fault)
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
/// count towards the limit. Each item of a Graph `$batch` counts as one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// The service limited.
    pub service: Service,
    /// Requests allowed per window.
    pub max_requests: u32,
    /// The window length.
    pub window: Duration,
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
    fn fault_statuses() {
        let throttle = Fault::Throttle {
            retry_after_secs: 1,
        };
        assert_eq!(throttle.status(), Some(429));
        assert_eq!(Fault::DropConnection.status(), None);
        assert_eq!(Fault::TruncatedJson.status(), None);
        assert_eq!(Fault::Html { status: 502 }.status(), Some(502));
        assert_eq!(
            Fault::ServiceUnavailable {
                retry_after_secs: None
            }
            .status(),
            Some(503)
        );
        assert!(throttle.is_service_error());
        assert!(!Fault::EndlessBody.is_service_error());
        assert!(!Fault::DropConnection.is_service_error());
    }
}
