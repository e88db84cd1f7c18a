//! The fault layer in front of one service's router: decides, from the knobs, whether a request is
//! faulted (rules first, then rate limits) and answers for the service if so. It knows no service: each
//! one hands it the function that words its own error answers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use crate::faults::hostile;
use crate::faults::rules::Fault;
use crate::faults::windows::RateWindows;
use crate::knobs::Knobs;
use crate::service::Service;

/// What a service's error answer may depend on: the faulted request's method and headers.
pub(crate) struct FaultedRequest<'a> {
    /// The request method.
    pub method: &'a Method,
    /// The request headers.
    pub headers: &'a HeaderMap,
}

/// How a service words a 429, 500, 503 or 504: the answer its clients would get.
pub(crate) type FaultAnswer = Box<dyn Fn(&FaultedRequest<'_>, Fault) -> Response + Send + Sync>;

/// Marks a response whose connection must be closed without sending it. The server's connection task
/// looks for it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// The fault a response was made by, kept in the response's extensions for the request log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InjectedFault(pub Fault);

/// One service's fault layer: the knobs it reads, the rate windows it keeps, and the service's answer.
/// The middleware puts it into each request's extensions, so a handler that runs sub-requests of its
/// own (Graph's `$batch`) can fault them too.
pub(crate) struct FaultInjector {
    service: Service,
    knobs: Arc<Knobs>,
    windows: RateWindows,
    answer: FaultAnswer,
}

impl FaultInjector {
    /// The fault layer of `service`, reading `knobs` and answering with `answer`.
    pub(crate) fn new(service: Service, knobs: Arc<Knobs>, answer: FaultAnswer) -> Arc<Self> {
        Arc::new(FaultInjector {
            service,
            knobs,
            windows: RateWindows::default(),
            answer,
        })
    }

    /// The fault of a request, if any: the first matching rule (using one of its requests), else a rate
    /// limit that is over. For a `$batch` item only the faults the service words itself apply.
    pub(crate) fn decide(&self, method: &str, path: &str, batch_item: bool) -> Option<Fault> {
        self.knobs
            .take_fault(self.service, method, path, |fault| {
                !batch_item || fault.is_service_error()
            })
            .or_else(|| {
                let now = Instant::now();
                self.knobs
                    .get()
                    .rate_limits
                    .iter()
                    .filter(|limit| limit.service == self.service)
                    .find_map(|limit| self.windows.admit(limit, now))
                    .map(|retry_after_secs| Fault::Throttle { retry_after_secs })
            })
    }

    /// The service's answer to a fault it words itself (429, 500, 503, 504), marked for the log.
    pub(crate) fn service_error(&self, request: &FaultedRequest<'_>, fault: Fault) -> Response {
        let mut response = (self.answer)(request, fault);
        if let Some(seconds) = fault.retry_after_secs() {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(InjectedFault(fault));
        response
    }
}

/// The middleware (`from_fn_with_state(injector, inject)`): a faulted request gets the fault's answer,
/// the others go on to the router.
pub(crate) async fn inject(
    State(injector): State<Arc<FaultInjector>>,
    mut request: Request,
    next: Next,
) -> Response {
    let fault = injector.decide(request.method().as_str(), request.uri().path(), false);
    request.extensions_mut().insert(Arc::clone(&injector));
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if fault.is_service_error() {
        let faulted = FaultedRequest {
            method: request.method(),
            headers: request.headers(),
        };
        return injector.service_error(&faulted, fault);
    }
    let mut response = match fault {
        Fault::DropConnection => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
        Fault::DropAfterHandling => {
            // The answer is made (and its changes happen), then thrown away with the connection.
            drop(next.run(request).await);
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
        hostile_fault => hostile::answer(hostile_fault, request, next).await,
    };
    response.extensions_mut().insert(InjectedFault(fault));
    response
}
