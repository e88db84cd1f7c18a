//! What one step cost on the wire, read from tenant-sim's request log: the HTTP requests it sent, the items
//! of its `$batch`es, the round trips on its critical path, and the new TLS connections it opened.

use serde::Serialize;
use tenant_sim::RequestLogEntry;
use time::OffsetDateTime;

/// The wire figures of one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Wire {
    /// HTTP requests (a `$batch` is one).
    pub requests: usize,
    /// Requests inside `$batch`es.
    pub batch_items: usize,
    /// Round trips one after another: requests that did not overlap an earlier one (parallel requests and
    /// the items of one `$batch` count once).
    pub round_trips: usize,
    /// New TLS connections.
    pub new_connections: usize,
}

/// The wire figures of the requests that started within `from..=to`.
pub fn wire(entries: &[RequestLogEntry], from: OffsetDateTime, to: OffsetDateTime) -> Wire {
    let mut requests: Vec<&RequestLogEntry> = entries
        .iter()
        .filter(|e| e.started_at >= from && e.started_at <= to)
        .collect();
    let batch_items = requests.iter().filter(|e| e.batch_item.is_some()).count();
    requests.retain(|e| e.batch_item.is_none());
    requests.sort_by_key(|e| e.started_at);
    let new_connections = requests.iter().filter(|e| e.new_connection).count();
    let mut round_trips = 0;
    let mut busy_until: Option<OffsetDateTime> = None;
    for entry in &requests {
        match busy_until {
            Some(end) if entry.started_at < end => busy_until = Some(end.max(entry.finished_at)),
            _ => {
                round_trips += 1;
                busy_until = Some(entry.finished_at);
            }
        }
    }
    Wire {
        requests: requests.len(),
        batch_items,
        round_trips,
        new_connections,
    }
}
