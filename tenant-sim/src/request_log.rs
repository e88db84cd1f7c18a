//! The request log and latency injection shared by every tenant-sim service: one tower layer on the
//! authority, Graph and Exchange routers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use time::OffsetDateTime;

use crate::faults::{Fault, InjectedFault};
use crate::state::TenantState;

/// Which simulated service answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// Entra ID sign-in (`login.microsoftonline.com`).
    Authority,
    /// Microsoft Graph (`graph.microsoft.com`).
    Graph,
    /// Exchange Online (`outlook.office365.com`).
    Exchange,
}

impl Service {
    /// A short lowercase name (`authority`, `graph`, `exchange`).
    pub fn name(self) -> &'static str {
        match self {
            Service::Authority => "authority",
            Service::Graph => "graph",
            Service::Exchange => "exchange",
        }
    }
}

/// The TLS connection a request came on; inserted into request extensions by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// A number unique within the tenant (across services).
    pub id: u64,
    /// Whether this is the first request on the connection.
    pub new: bool,
}

/// One handled request.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestLogEntry {
    /// The service that answered.
    pub service: Service,
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any (without `?`).
    pub query: Option<String>,
    /// The response status; 0 when the connection was dropped without a response (see `fault`).
    pub status: u16,
    /// When the request arrived.
    pub started_at: OffsetDateTime,
    /// When the response head was ready.
    pub finished_at: OffsetDateTime,
    /// `finished_at - started_at`, on the monotonic clock (includes injected latency).
    pub duration: Duration,
    /// The connection it came on.
    pub connection_id: u64,
    /// Whether it was the first request on that connection.
    pub new_connection: bool,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub http_version: String,
    /// The fault or throttling injected into this request by the `faults` or `rate_limits` knob, if any.
    pub fault: Option<Fault>,
}

/// The request log of a tenant.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<RequestLogEntry>>,
}

impl RequestLog {
    /// A copy of every entry so far, oldest first.
    pub fn entries(&self) -> Vec<RequestLogEntry> {
        self.lock().clone()
    }

    /// The entries of one service.
    pub fn entries_for(&self, service: Service) -> Vec<RequestLogEntry> {
        self.lock()
            .iter()
            .filter(|e| e.service == service)
            .cloned()
            .collect()
    }

    /// How many requests were logged.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing was logged.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// How many distinct connections carried requests.
    pub fn connection_count(&self) -> usize {
        self.lock().iter().filter(|e| e.new_connection).count()
    }

    /// Forgets every entry (e.g. between benchmark steps).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn push(&self, entry: RequestLogEntry) {
        self.lock().push(entry);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RequestLogEntry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

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
    let query = request.uri().query().map(str::to_owned);
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
    });
    response
}
