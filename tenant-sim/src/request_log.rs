//! The request log shared by every tenant-sim service: one entry per request as it completes (and one
//! per item of a Graph `$batch`), kept in memory and, when asked, appended to a file as JSON lines.
//!
//! Bodies and header values are never logged (tokens and secrets travel in them), and the values of
//! query parameters that can carry a secret (`code`, `client_secret`, `refresh_token`…) are written as
//! `REDACTED`.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::faults::rules::Fault;
pub use crate::service::Service;

/// Query parameters whose values are never logged.
const SECRET_PARAMETERS: &[&str] = &[
    "access_token",
    "client_assertion",
    "client_secret",
    "code",
    "code_verifier",
    "device_code",
    "id_token",
    "id_token_hint",
    "password",
    "refresh_token",
];

/// The TLS connection a request came on; inserted into request extensions by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// A number unique within the tenant (across services).
    pub id: u64,
    /// Whether this is the first request on the connection.
    pub new: bool,
}

/// Marks the response of a Graph `$batch` request with the batch id its items were logged under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BatchId(pub u64);

/// One handled request, or one item of a Graph `$batch`.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestLogEntry {
    /// The service that answered.
    pub service: Service,
    /// The HTTP method.
    pub method: String,
    /// The path, without the query (for a `$batch` item: its url under `/v1.0`).
    pub path: String,
    /// The query string, if any (without `?`), with secret parameter values redacted.
    pub query: Option<String>,
    /// The response status; 0 when the connection was dropped without a response (see `fault`).
    pub status: u16,
    /// When the request arrived (for a batch item: when it started to run).
    pub started_at: OffsetDateTime,
    /// When the response head was ready.
    pub finished_at: OffsetDateTime,
    /// `finished_at - started_at`, on the monotonic clock (includes injected latency).
    pub duration: Duration,
    /// The connection it came on (a batch item: its batch's).
    pub connection_id: u64,
    /// Whether it was the first request on that connection (always false for a batch item, whose
    /// `$batch` request carries it).
    pub new_connection: bool,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub http_version: String,
    /// The fault or throttling injected into this request by the `faults` or `rate_limits` knob, if any.
    pub fault: Option<Fault>,
    /// For a Graph `$batch` request and each of its items: a number shared by the batch and its items,
    /// unique within the tenant. `None` for every other request.
    pub batch_id: Option<u64>,
    /// For an item of a `$batch`: the item's `id` in the batch. `None` for the `$batch` request itself
    /// and every other request, so entries with `batch_item == None` are the round trips.
    pub batch_item: Option<String>,
}

impl RequestLogEntry {
    /// The entry as one JSON object, as `tenant-sim serve --request-log` writes it: `service` (the
    /// short name), `method`, `path`, `query`, `status`, `started_at` and `finished_at` (RFC 3339 with
    /// fractions), `duration_ms`, `connection_id`, `new_connection`, `http_version`, `fault` (its
    /// `Debug` form or null), `batch_id`, `batch_item`.
    pub fn to_json(&self) -> Value {
        let time = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        json!({
            "service": self.service.name(),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "started_at": time(self.started_at),
            "finished_at": time(self.finished_at),
            "duration_ms": self.duration.as_secs_f64() * 1000.0,
            "connection_id": self.connection_id,
            "new_connection": self.new_connection,
            "http_version": self.http_version,
            "fault": self.fault.map(|fault| format!("{fault:?}")),
            "batch_id": self.batch_id,
            "batch_item": self.batch_item,
        })
    }
}

/// A request being handled, as its log entry will describe it once it is answered.
pub(crate) struct LoggedRequest {
    service: Service,
    method: String,
    path: String,
    query: Option<String>,
    connection: ConnectionInfo,
    http_version: String,
    started_at: OffsetDateTime,
    started: tokio::time::Instant,
}

impl LoggedRequest {
    /// A request starting now; `path_and_query` is split at `?` and the query redacted.
    pub(crate) fn starting(
        service: Service,
        method: String,
        path_and_query: &str,
        connection: ConnectionInfo,
        http_version: String,
    ) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(redact_query(query))),
            None => (path_and_query.to_owned(), None),
        };
        LoggedRequest {
            service,
            method,
            path,
            query,
            connection,
            http_version,
            started_at: OffsetDateTime::now_utc(),
            started: tokio::time::Instant::now(),
        }
    }

    /// Its entry, answered now with `status` (and `fault`), in batch `batch_id` as item `batch_item`.
    pub(crate) fn answered(
        self,
        status: u16,
        fault: Option<Fault>,
        batch_id: Option<u64>,
        batch_item: Option<String>,
    ) -> RequestLogEntry {
        RequestLogEntry {
            service: self.service,
            method: self.method,
            path: self.path,
            query: self.query,
            status,
            started_at: self.started_at,
            finished_at: OffsetDateTime::now_utc(),
            duration: self.started.elapsed(),
            connection_id: self.connection.id,
            new_connection: self.connection.new,
            http_version: self.http_version,
            fault,
            batch_id,
            batch_item,
        }
    }
}

/// A query string with the values of secret parameters replaced by `REDACTED`.
pub(crate) fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _))
                if SECRET_PARAMETERS
                    .iter()
                    .any(|s| name.eq_ignore_ascii_case(s)) =>
            {
                format!("{name}=REDACTED")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The request log of a tenant.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<RequestLogEntry>>,
    file: Mutex<Option<std::fs::File>>,
    batches: AtomicU64,
}

impl RequestLog {
    /// A copy of every entry so far, oldest first (entries are added as requests complete, so a
    /// batch's items come before their `$batch` request).
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

    /// How many requests were logged (batch items included).
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

    /// Forgets every entry (e.g. between benchmark steps). A file being written keeps its lines.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// From now on, also appends each entry to `path` (created if missing) as one JSON line
    /// ([`RequestLogEntry::to_json`]), written when the request completes.
    pub fn append_to(&self, path: &Path) -> std::io::Result<()> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        *self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(file);
        Ok(())
    }

    /// A new batch id.
    pub(crate) fn next_batch_id(&self) -> u64 {
        self.batches.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Adds an entry (and its line to the file, if one is set).
    pub(crate) fn push(&self, entry: RequestLogEntry) {
        {
            let mut file = self
                .file
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(file) = file.as_mut() {
                let mut line = entry.to_json().to_string();
                line.push('\n');
                // A full disk must not fail the request: the in-memory log keeps the entry.
                let _ = file.write_all(line.as_bytes());
            }
        }
        self.lock().push(entry);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RequestLogEntry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_redacted() {
        assert_eq!(
            redact_query("code=abc&state=s1&client_secret=x%20y&Refresh_Token=r"),
            "code=REDACTED&state=s1&client_secret=REDACTED&Refresh_Token=REDACTED"
        );
        assert_eq!(redact_query("x=1"), "x=1");
        assert_eq!(redact_query("flag"), "flag");
    }
}
