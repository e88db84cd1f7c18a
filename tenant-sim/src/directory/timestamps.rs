//! Timestamps as Graph writes and reads them.

use time::OffsetDateTime;

/// A timestamp as Graph writes them (`2025-02-13T10:17:06Z`).
pub fn graph_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Parses a Graph timestamp (RFC 3339).
pub fn parse_graph_timestamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}
