//! Event documents and the sink that hands them to the host.
//!
//! An event is a JSON object with `type`, `operation` and `time` (RFC 3339 UTC) plus the members of its type
//! (see `docs/abi.md`). Events never carry tokens, secrets or private keys: the constructors here take only
//! what may be shown.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::operation::Operation;

/// Receives event documents. The C boundary implements it with the host's callback.
///
/// `deliver` is called only while an operation runs, on the thread that called the operation.
pub trait EventSink: Send + Sync {
    /// Hands one event document (UTF-8 JSON, no NUL bytes) to the host.
    fn deliver(&self, event_json: &str);
}

/// How much a `log` event must matter to be sent (session option `log_level`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    /// Only errors.
    Error,
    /// Errors and warnings.
    Warn,
    /// Also progress information (the default).
    #[default]
    Info,
    /// Everything, for troubleshooting.
    Debug,
}

/// The phase of a `step` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The step began.
    Started,
    /// The step ended well.
    Finished,
    /// The step ended with an error.
    Failed,
}

/// Why the connector waits before retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    /// The service throttled the connector (429 with `Retry-After`).
    Throttled,
    /// A new object is not visible yet (directory replication).
    Replication,
    /// The service is temporarily unavailable (503/504).
    ServiceUnavailable,
}

/// The sign-in prompt a host shows to the administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum SignInPrompt {
    /// Enter `user_code` at `verification_uri` before `expires_at`.
    DeviceCode {
        /// Where to enter the code.
        verification_uri: String,
        /// The code to enter (short-lived, not a secret).
        user_code: String,
        /// When the code expires (RFC 3339 UTC).
        expires_at: String,
        /// Microsoft's instruction text.
        message: String,
    },
    /// Open `url` in the system browser.
    Browser {
        /// The authorization URL.
        url: String,
        /// What to do.
        message: String,
    },
    /// Open `url`, Entra ID's admin consent page, in the system browser: an administrator reviews the
    /// application's permissions there and accepts.
    AdminConsent {
        /// The admin consent URL.
        url: String,
        /// What to do.
        message: String,
    },
}

/// The type-specific part of an event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    /// Progress of a step.
    Step {
        /// The wizard step, or the operation's name outside the wizard steps.
        step: &'static str,
        /// Started, finished or failed.
        phase: Phase,
        /// What happens, for a person.
        message: String,
    },
    /// The sign-in prompt.
    SignInPrompt(SignInPrompt),
    /// A wait before a retry.
    Wait {
        /// Why.
        reason: WaitReason,
        /// How long, in seconds.
        seconds: f64,
        /// Which attempt comes next (1-based).
        attempt: u32,
        /// The most attempts that will be made.
        max_attempts: u32,
        /// What happens, for a person.
        message: String,
    },
    /// A log line.
    Log {
        /// Its level.
        level: LogLevel,
        /// The line.
        message: String,
    },
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(flatten)]
    body: &'a EventBody,
    operation: &'static str,
    time: String,
}

/// The event document for `body`, sent during `operation` at `at`.
fn event_document(operation: Operation, body: &EventBody, at: OffsetDateTime) -> String {
    let time = at.format(&Rfc3339).unwrap_or_default();
    let envelope = Envelope {
        body,
        operation: operation.name(),
        time,
    };
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// A session's event channel: the host's sink (if any) and the log level filter.
pub struct Events {
    sink: Option<Box<dyn EventSink>>,
    log_level: LogLevel,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("sink", &self.sink.as_ref().map(|_| "host callback"))
            .field("log_level", &self.log_level)
            .finish()
    }
}

impl Events {
    /// An event channel delivering to `sink` (no events when `None`), sending `log` events at `log_level`
    /// or more important.
    pub fn new(sink: Option<Box<dyn EventSink>>, log_level: LogLevel) -> Self {
        Events { sink, log_level }
    }

    /// Sends an event, unless there is no sink or it is a log line below the level.
    pub fn emit(&self, operation: Operation, body: EventBody) {
        let Some(sink) = &self.sink else { return };
        if let EventBody::Log { level, .. } = &body
            && *level > self.log_level
        {
            return;
        }
        sink.deliver(&event_document(operation, &body, OffsetDateTime::now_utc()));
    }
}

#[cfg(test)]
mod tests {
    use super::{EventBody, EventSink, Events, LogLevel, Phase, SignInPrompt, event_document};
    use crate::operation::Operation;
    use std::sync::{Arc, Mutex};
    use time::OffsetDateTime;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl EventSink for Arc<Recorder> {
        fn deliver(&self, event_json: &str) {
            self.0.lock().unwrap().push(event_json.to_owned());
        }
    }

    #[test]
    fn documents_have_type_operation_and_time() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let body = EventBody::Step {
            step: "sign_in",
            phase: Phase::Started,
            message: "Logging in".to_owned(),
        };
        let doc: serde_json::Value =
            serde_json::from_str(&event_document(Operation::Authenticate, &body, at)).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({
                "type": "step", "operation": "authenticate", "time": "2023-11-14T22:13:20Z",
                "step": "sign_in", "phase": "started", "message": "Logging in"
            })
        );
        let prompt = EventBody::SignInPrompt(SignInPrompt::Browser {
            url: "https://login.test/authorize".to_owned(),
            message: "Open the URL".to_owned(),
        });
        let doc: serde_json::Value =
            serde_json::from_str(&event_document(Operation::Authenticate, &prompt, at)).unwrap();
        assert_eq!(doc["type"], "sign_in_prompt");
        assert_eq!(doc["method"], "browser");
    }

    #[test]
    fn log_lines_below_the_level_are_not_sent() {
        let recorder = Arc::new(Recorder::default());
        let events = Events::new(Some(Box::new(recorder.clone())), LogLevel::Warn);
        events.emit(
            Operation::Configure,
            EventBody::Log {
                level: LogLevel::Info,
                message: "quiet".to_owned(),
            },
        );
        events.emit(
            Operation::Configure,
            EventBody::Log {
                level: LogLevel::Error,
                message: "loud".to_owned(),
            },
        );
        let sent = recorder.0.lock().unwrap();
        assert_eq!(sent.len(), 1);
        assert!(sent[0].contains("loud"));
    }
}
