//! `POST /v1.0/$batch` (<https://learn.microsoft.com/graph/json-batching>): 200 with one response per
//! item, each produced by the Graph router; a malformed batch is one 400.
//!
//! Each item goes through the service's fault rules and rate limits on its own, as Graph throttles
//! batch items one by one (a throttled item answers 429 with its own `Retry-After` inside the 200),
//! and each is written to the request log under the batch's id with its item id, so round trips
//! (entries without an item id) and retries can be counted.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use tower::ServiceExt;

use crate::faults::injector::{FaultInjector, FaultedRequest};
use crate::faults::rules::Fault;
use crate::graph::batch::{self, BatchItem, BatchRequest, ItemOutcome};
use crate::graph::dispatch::{MAX_BODY, single_requests};
use crate::graph::error::{GraphError, RequestIds};
use crate::graph::odata::json_response;
use crate::graph::schema;
use crate::request_log::{BatchId, ConnectionInfo, LoggedRequest};
use crate::service::Service;
use crate::state::TenantState;

/// What every item's log entry shares with its batch.
#[derive(Clone)]
struct BatchContext {
    state: Arc<TenantState>,
    batch_id: u64,
    connection: ConnectionInfo,
    http_version: String,
}

impl BatchContext {
    /// An item starting now, on its batch's connection (never a new one).
    fn starting(&self, item: &BatchItem) -> LoggedRequest {
        LoggedRequest::starting(
            Service::Graph,
            item.method.clone(),
            &item.path_and_query("/v1.0"),
            ConnectionInfo {
                new: false,
                ..self.connection
            },
            self.http_version.clone(),
        )
    }

    /// Logs an item once answered.
    fn log(&self, item: &BatchItem, logged: LoggedRequest, status: u16, fault: Option<Fault>) {
        self.state.request_log.push(logged.answered(
            status,
            fault,
            Some(self.batch_id),
            Some(item.id.clone()),
        ));
    }
}

/// The `$batch` handler.
pub(crate) async fn batch_handler(
    State(state): State<Arc<TenantState>>,
    request: Request,
) -> Response {
    if request.method() != Method::POST {
        return GraphError::method_not_allowed(request.method().as_str()).into_response();
    }
    let injector = request.extensions().get::<Arc<FaultInjector>>().cloned();
    let connection = request
        .extensions()
        .get::<ConnectionInfo>()
        .copied()
        .unwrap_or(ConnectionInfo { id: 0, new: false });
    let http_version = format!("{:?}", request.version());
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return GraphError::unreadable_json().into_response();
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let parsed =
        schema::parse_json_body(content_type, &bytes).and_then(|value| BatchRequest::parse(&value));
    let batch = match parsed {
        Ok(batch) => batch,
        Err(error) => return error.into_response(),
    };
    let context = BatchContext {
        batch_id: state.request_log.next_batch_id(),
        state: Arc::clone(&state),
        connection,
        http_version,
    };
    let inner = single_requests(Arc::clone(&state));
    let outer_headers = parts.headers;
    let executed = Arc::new(Mutex::new(Vec::new()));
    let responses = batch::run(&batch, |item| {
        let inner = inner.clone();
        let outer_headers = outer_headers.clone();
        let injector = injector.clone();
        let context = context.clone();
        let executed = Arc::clone(&executed);
        async move {
            let logged = context.starting(&item);
            executed
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(item.id.clone());
            let nested = item
                .url
                .trim_start_matches('/')
                .to_ascii_lowercase()
                .starts_with("$batch");
            let http_request = if nested {
                // Wording is ours: a batch cannot contain another batch.
                Err(GraphError::invalid_request(format!(
                    "Request {} cannot be a $batch request.",
                    item.id
                )))
            } else {
                item.to_http_request("/v1.0", &outer_headers)
            };
            let (outcome, fault) = match http_request {
                Ok(http_request) => {
                    let fault = injector.as_ref().and_then(|injector| {
                        injector.decide(
                            http_request.method().as_str(),
                            http_request.uri().path(),
                            true,
                        )
                    });
                    let response = match (fault, &injector) {
                        (Some(fault), Some(injector)) => injector.service_error(
                            &FaultedRequest {
                                method: http_request.method(),
                                headers: http_request.headers(),
                            },
                            fault,
                        ),
                        _ => match inner.oneshot(http_request).await {
                            Ok(response) => response,
                            Err(never) => match never {},
                        },
                    };
                    (ItemOutcome::from_response(response).await, fault)
                }
                Err(error) => (
                    ItemOutcome::from_error(
                        &error,
                        &RequestIds::from_request_headers(&outer_headers),
                        OffsetDateTime::now_utc(),
                    ),
                    None,
                ),
            };
            context.log(&item, logged, outcome.status, fault);
            outcome
        }
    })
    .await;
    // Items that never ran (their dependency failed: 424) are logged too, as part of the batch.
    let executed = executed
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    for (item, response) in batch.items.iter().zip(&responses) {
        if !executed.contains(&item.id) {
            context.log(item, context.starting(item), response.outcome.status, None);
        }
    }
    let mut response = json_response(StatusCode::OK, &batch::responses_body(&responses));
    response.extensions_mut().insert(BatchId(context.batch_id));
    response
}
