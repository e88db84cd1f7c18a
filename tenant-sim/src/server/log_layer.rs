//! The request-log and latency layer, outermost on every service: waits the `latency` knob, runs the
//! service (behind its fault layer) and logs the exchange.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::faults::injector::InjectedFault;
use crate::faults::rules::Fault;
use crate::request_log::{BatchId, ConnectionInfo, LoggedRequest};
use crate::service::Service;
use crate::state::TenantState;

/// The middleware: waits the latency knob, runs the service, logs the exchange.
pub(crate) async fn log_and_delay(
    State((state, service)): State<(Arc<TenantState>, Service)>,
    request: Request,
    next: Next,
) -> Response {
    let connection = request
        .extensions()
        .get::<ConnectionInfo>()
        .copied()
        .unwrap_or(ConnectionInfo { id: 0, new: true });
    let logged = LoggedRequest::starting(
        service,
        request.method().to_string(),
        request.uri().path_and_query().map_or("/", |p| p.as_str()),
        connection,
        format!("{:?}", request.version()),
    );
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
        Some(Fault::DropConnection | Fault::DropAfterHandling) => 0,
        _ => response.status().as_u16(),
    };
    let batch_id = response.extensions().get::<BatchId>().map(|batch| batch.0);
    state
        .request_log
        .push(logged.answered(status, fault, batch_id, None));
    response
}
