//! The request-log and latency layer, outermost on every service: waits the `latency` knob, runs the
//! service (behind its fault layer) and logs the exchange.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use time::OffsetDateTime;

use crate::faults::injector::InjectedFault;
use crate::faults::rules::Fault;
use crate::request_log::{BatchId, ConnectionInfo, RequestLogEntry, redact_query};
use crate::service::Service;
use crate::state::TenantState;

/// The middleware: waits the latency knob, runs the service, logs the exchange.
pub(crate) async fn log_and_delay(
    State((state, service)): State<(Arc<TenantState>, Service)>,
    request: Request,
    next: Next,
) -> Response {
    let started_at = OffsetDateTime::now_utc();
    let started = tokio::time::Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(redact_query);
    let http_version = format!("{:?}", request.version());
    let connection = request
        .extensions()
        .get::<ConnectionInfo>()
        .copied()
        .unwrap_or(ConnectionInfo { id: 0, new: true });
    let latency = state.knobs.get().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let response = next.run(request).await;
    let fault = response
        .extensions()
        .get::<InjectedFault>()
        .map(|injected| injected.0);
    let status = match fault {
        Some(Fault::DropConnection) => 0,
        _ => response.status().as_u16(),
    };
    let batch_id = response.extensions().get::<BatchId>().map(|batch| batch.0);
    state.request_log.push(RequestLogEntry {
        service,
        method,
        path,
        query,
        status,
        started_at,
        finished_at: OffsetDateTime::now_utc(),
        duration: started.elapsed(),
        connection_id: connection.id,
        new_connection: connection.new,
        http_version,
        fault,
        batch_id,
        batch_item: None,
    });
    response
}
