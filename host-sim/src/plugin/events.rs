//! The event side of a session: the closure a host gives, and what the plugin's callback does with each
//! event before it reaches that closure. The C entry point the plugin calls (the raw half of the trampoline)
//! is in `loader.rs`, with the rest of host-sim's `unsafe` code; it hands each event to [`EventSink::deliver`].

use std::cell::RefCell;

use serde_json::Value;

/// Where a session's events go: the host's closure, behind a `RefCell` so that an event that arrives while
/// the closure runs (the closure itself causing a plugin callback) is dropped rather than aliased.
pub(super) struct EventSink<'a>(RefCell<Box<dyn FnMut(Value) + 'a>>);

impl<'a> EventSink<'a> {
    /// A sink forwarding to `on_event`.
    pub(super) fn new(on_event: impl FnMut(Value) + 'a) -> Self {
        EventSink(RefCell::new(Box::new(on_event)))
    }

    /// Hands one event document to the closure as JSON; an event that is not JSON arrives as a JSON string
    /// holding its text, so nothing is lost. A re-entrant event is dropped.
    pub(super) fn deliver(&self, event_json: &[u8]) {
        let text = String::from_utf8_lossy(event_json);
        let event = serde_json::from_str::<Value>(&text)
            .unwrap_or_else(|_| Value::String(text.into_owned()));
        if let Ok(mut closure) = self.0.try_borrow_mut() {
            closure(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventSink;
    use serde_json::{Value, json};
    use std::cell::RefCell;

    #[test]
    fn events_arrive_as_json_and_text_that_is_not_json_as_a_string() {
        let seen = RefCell::new(Vec::new());
        let sink = EventSink::new(|event| seen.borrow_mut().push(event));
        sink.deliver(br#"{"type":"log","message":"hi"}"#);
        sink.deliver(b"not json \xff");
        drop(sink);
        assert_eq!(
            seen.into_inner(),
            [
                json!({"type": "log", "message": "hi"}),
                Value::String("not json \u{fffd}".to_owned())
            ]
        );
    }
}
