//! A connector session: its options, its event channel, one call at a time, cancellation, and the
//! operations (`describe`, `configure`, and the network operations that later versions fill in).

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::describe::{Step, describe};
use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, EventSink, Events, LogLevel, Phase};
use crate::http::{NetworkOptions, SignInOptions};
use crate::network::{Network, Target};
use crate::provision::input::ProvisionInput;
use crate::result::{Outcome, Warning};
use crate::settings::{Settings, validate};

/// An ABI operation, by the name result and event documents use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `session_new`.
    SessionNew,
    /// `describe`.
    Describe,
    /// `configure`.
    Configure,
    /// `authenticate`.
    Authenticate,
    /// `provision`.
    Provision,
    /// `consent`.
    Consent,
    /// `test`.
    Test,
    /// `remove`.
    Remove,
    /// `cancel`.
    Cancel,
}

impl Operation {
    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::SessionNew => "session_new",
            Operation::Describe => "describe",
            Operation::Configure => "configure",
            Operation::Authenticate => "authenticate",
            Operation::Provision => "provision",
            Operation::Consent => "consent",
            Operation::Test => "test",
            Operation::Remove => "remove",
            Operation::Cancel => "cancel",
        }
    }

    /// The wizard step the operation serves, when it is one.
    pub fn step(self) -> Option<Step> {
        match self {
            Operation::Authenticate => Some(Step::SignIn),
            Operation::Provision => Some(Step::Provision),
            Operation::Consent => Some(Step::Consent),
            Operation::Test => Some(Step::Test),
            _ => None,
        }
    }

    /// The members of the operation's input that are not settings.
    fn input_members(self) -> &'static [&'static str] {
        match self {
            Operation::Provision => &crate::provision::input::MEMBERS,
            Operation::Remove => &crate::provision::remove::MEMBERS,
            _ => &[],
        }
    }
}

/// Who the host is (session option `host`), for logs.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostInfo {
    /// The host program's name.
    pub name: Option<String>,
    /// The host program's version.
    pub version: Option<String>,
}

/// Diagnostics for host developers (session option `diagnostics`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnostics {
    /// Makes this operation panic inside the C boundary on every call, so that a host can check it
    /// survives a plugin panic. One of `describe`, `configure`, `authenticate`, `provision`, `consent`,
    /// `test`, `remove`.
    pub panic_in: Option<Operation>,
}

/// The session options document (input of `session_new`; every member optional).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionOptions {
    /// Who the host is.
    pub host: Option<HostInfo>,
    /// The locale messages should use (`en-US` is the only one so far).
    pub locale: Option<String>,
    /// Which `log` events are sent.
    #[serde(default)]
    pub log_level: LogLevel,
    /// Diagnostics for host developers.
    #[serde(default)]
    pub diagnostics: Diagnostics,
    /// Timeouts, retries and waits of the network operations.
    #[serde(default)]
    pub network: NetworkOptions,
    /// The interactive sign-in: who opens the browser, and how long to wait.
    #[serde(default)]
    pub sign_in: SignInOptions,
}

impl SessionOptions {
    /// Parses a session options document; `None` means defaults.
    pub fn parse(json: Option<&str>) -> Result<SessionOptions, Error> {
        let Some(json) = json else {
            return Ok(SessionOptions::default());
        };
        let options: SessionOptions = serde_json::from_str(json)
            .map_err(|e| Error::invalid_json("session options document", &e))?;
        if let Err(message) = options.network.check() {
            return Err(
                Error::new(ErrorKind::InvalidJson { line: 0, column: 0 }, message)
                    .with_hint("Pass session options as described in docs/abi.md."),
            );
        }
        if let Some(op) = options.diagnostics.panic_in
            && matches!(op, Operation::SessionNew | Operation::Cancel)
        {
            return Err(Error::new(
                ErrorKind::InvalidJson { line: 0, column: 0 },
                format!(
                    "diagnostics.panic_in cannot be \"{}\": use describe, configure, authenticate, provision, \
                     consent, test or remove.",
                    op.name()
                ),
            ));
        }
        Ok(options)
    }
}

/// Set once `shutdown` was called: later sessions and operations are refused.
static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

/// Shuts the plugin down: later `session_new` and operation calls return `ShutDown`. The plugin has no
/// background threads yet; later versions stop their runtime here.
pub fn shutdown() {
    SHUT_DOWN.store(true, Ordering::SeqCst);
    crate::runtime::shutdown();
}

/// Whether the plugin was shut down.
pub fn is_shut_down() -> bool {
    SHUT_DOWN.load(Ordering::SeqCst)
}

fn shut_down_error() -> Error {
    Error::new(
        ErrorKind::ShutDown,
        "The connector was shut down; no further calls are possible.",
    )
    .with_hint("Load the connector library again to continue.")
}

/// A connector session. Calls on one session are serialised (a second concurrent call gets `Busy`); the
/// session is `Sync` so that `cancel` may come from any thread.
#[derive(Debug)]
pub struct Session {
    options: SessionOptions,
    events: Events,
    busy: AtomicBool,
    cancelled: AtomicBool,
    /// Wakes the running call's network waits when the host cancels.
    cancel_signal: tokio::sync::Notify,
    /// The HTTP client and the administrator's sign-in. Only the running call uses it (calls are
    /// serialised); the lock makes the session `Sync` for `cancel`.
    network: std::sync::Mutex<Network>,
}

/// Marks the session busy for one call; frees it when dropped, also when a panic unwinds.
struct BusyGuard<'a>(&'a AtomicBool);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// One running call: what a long operation consults to report progress and notice cancellation.
pub struct Call<'a> {
    session: &'a Session,
    operation: Operation,
}

impl Call<'_> {
    /// Returns `Cancelled` when the host called `cancel` since this call began.
    pub fn checkpoint(&self) -> Result<(), Error> {
        if self.is_cancelled() {
            Err(self.cancelled_error())
        } else {
            Ok(())
        }
    }

    /// Whether the host cancelled this call.
    pub fn is_cancelled(&self) -> bool {
        self.session.cancelled.load(Ordering::SeqCst)
    }

    /// The error a cancelled call returns.
    pub fn cancelled_error(&self) -> Error {
        Error::new(
            ErrorKind::Cancelled,
            format!("{} was cancelled by the host.", self.operation.name()),
        )
        .with_hint("Run the step again when ready; what was already done is listed.")
    }

    /// Completes when the host cancels this call (at once when it already did): network waits race it, so
    /// that `cancel` ends them within milliseconds.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.session.cancel_signal.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// The operation this call runs.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Sends an event.
    pub fn emit(&self, body: EventBody) {
        self.session.events.emit(self.operation, body);
    }

    fn step_name(&self) -> &'static str {
        self.operation
            .step()
            .map_or(self.operation.name(), Step::name)
    }
}

impl Session {
    /// Creates a session from a session options document (`None`: defaults) and an optional event sink.
    pub fn new(
        options_json: Option<&str>,
        sink: Option<Box<dyn EventSink>>,
    ) -> Result<Session, Error> {
        if is_shut_down() {
            return Err(shut_down_error());
        }
        let options = SessionOptions::parse(options_json)?;
        let events = Events::new(sink, options.log_level);
        Ok(Session {
            options,
            events,
            busy: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            cancel_signal: tokio::sync::Notify::new(),
            network: std::sync::Mutex::new(Network::default()),
        })
    }

    /// The session's options.
    pub fn options(&self) -> &SessionOptions {
        &self.options
    }

    /// Asks the running call, if any, to stop at its next checkpoint. Callable from any thread.
    pub fn cancel(&self) {
        if self.busy.load(Ordering::Acquire) {
            self.cancelled.store(true, Ordering::SeqCst);
            self.cancel_signal.notify_waiters();
        }
    }

    /// Runs one call: refuses it after shutdown or while another runs, reports its step as events, and
    /// returns its outcome.
    fn run(&self, operation: Operation, body: impl FnOnce(&Call<'_>) -> Outcome) -> Outcome {
        if is_shut_down() {
            return Outcome::failure(operation, shut_down_error());
        }
        if self
            .busy
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            let error = Error::new(
                ErrorKind::Busy,
                format!(
                    "Another call is running on this session; {} was not started.",
                    operation.name()
                ),
            )
            .with_hint("Wait for the running call to return, or cancel it.");
            return Outcome::failure(operation, error);
        }
        let _busy = BusyGuard(&self.busy);
        self.cancelled.store(false, Ordering::SeqCst);
        if self.options.diagnostics.panic_in == Some(operation) {
            panic!("diagnostics.panic_in asked {} to panic", operation.name());
        }
        let call = Call {
            session: self,
            operation,
        };
        call.emit(EventBody::Step {
            step: call.step_name(),
            phase: Phase::Started,
            message: format!("{} started.", operation.name()),
        });
        let outcome = match call.checkpoint() {
            Ok(()) => body(&call),
            Err(error) => Outcome::failure(operation, error),
        };
        let phase = if outcome.error().is_some() {
            Phase::Failed
        } else {
            Phase::Finished
        };
        let message = match outcome.error() {
            Some(error) => format!("{} failed: {}", operation.name(), error.message()),
            None => format!("{} finished.", operation.name()),
        };
        call.emit(EventBody::Step {
            step: call.step_name(),
            phase,
            message,
        });
        outcome
    }

    /// `describe`: the connector's description. Never touches the network.
    pub fn describe(&self) -> Outcome {
        self.run(Operation::Describe, |_| {
            Outcome::success(Operation::Describe, describe())
        })
    }

    /// `configure`: validates a settings document without touching the network; on success `data` holds
    /// the normalised settings (`settings`), the names of secret fields left out of them
    /// (`omitted_secrets`), the resolved endpoints (`endpoints`), and `migrated_from` when they were older.
    pub fn configure(&self, input_json: &str) -> Outcome {
        let operation = Operation::Configure;
        self.run(operation, |call| match read_settings(call, input_json) {
            Err(error) => Outcome::failure(operation, error),
            Ok(settings) => {
                let data = json!({
                    "settings": Value::Object(settings.to_document()),
                    "omitted_secrets": settings.omitted_secrets(),
                    "endpoints": settings.endpoints(),
                    "migrated_from": settings.migrated_from(),
                });
                Outcome::success(operation, data).with_warnings(settings_warnings(&settings))
            }
        })
    }

    /// The session's network state, for the running call.
    fn network(&self) -> std::sync::MutexGuard<'_, Network> {
        self.network
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `authenticate`: signs an administrator in (device code or browser, as the settings say) and keeps
    /// the sign-in in this session; `data` says who signed in to which tenant and what they can do.
    pub fn authenticate(&self, input_json: &str) -> Outcome {
        let operation = Operation::Authenticate;
        self.run(operation, |call| {
            let settings = match read_settings(call, input_json) {
                Ok(settings) => settings,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut network = self.network();
            let result = crate::runtime::block_on(crate::sign_in::authenticate(
                call,
                &mut network,
                &settings,
                &self.options.network,
                &self.options.sign_in,
            ))
            .and_then(|r| r);
            match result {
                Ok((data, warnings)) => Outcome::success(operation, data)
                    .with_warnings(settings_warnings(&settings))
                    .with_warnings(warnings),
                Err(error) => Outcome::failure(operation, error.or_step(Step::SignIn))
                    .with_warnings(settings_warnings(&settings)),
            }
        })
    }

    /// `provision`: creates or updates the application registration, its service principal and roles (or, with
    /// `plan_only`, reports what it would do); needs a sign-in on this session.
    pub fn provision(&self, input_json: &str) -> Outcome {
        let operation = Operation::Provision;
        self.run(operation, |call| {
            let (settings, document) = match read_input(call, input_json) {
                Ok(read) => read,
                Err(error) => return Outcome::failure(operation, error),
            };
            let input = match ProvisionInput::from_document(&document) {
                Ok(input) => input,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut network = self.network();
            let prepared = network
                .client(&Target::of(&settings), &self.options.network)
                .and_then(|http| network.signed_in_for(&settings).map(|signed_in| (http, signed_in)));
            let (http, signed_in) = match prepared {
                Ok(prepared) => prepared,
                Err(error) => return Outcome::failure(operation, error.or_step(Step::Provision)),
            };
            let report = match crate::runtime::block_on(crate::provision::provision(
                call, signed_in, &http, &settings, &input,
            )) {
                Ok(report) => report,
                Err(error) => return Outcome::failure(operation, error),
            };
            let outcome = match report.result {
                Ok(data) => Outcome::success(operation, data),
                Err(error) => Outcome::failure(operation, error.or_step(Step::Provision)),
            };
            let outcome = match report.failure_data {
                Some(data) => outcome.with_failure_data(data),
                None => outcome,
            };
            outcome
                .with_done(report.done)
                .with_warnings(settings_warnings(&settings))
                .with_warnings(report.warnings)
        })
    }

    /// `consent`: validates its input and needs a sign-in; consent is not available in this version yet.
    pub fn consent(&self, input_json: &str) -> Outcome {
        self.signed_in_then_not_available(Operation::Consent, input_json)
    }

    fn signed_in_then_not_available(&self, operation: Operation, input_json: &str) -> Outcome {
        let step = operation.step().unwrap_or(Step::Provision);
        self.run(operation, |call| {
            let settings = match read_settings(call, input_json) {
                Ok(settings) => settings,
                Err(error) => return Outcome::failure(operation, error),
            };
            if let Err(error) = self.network().signed_in_for(&settings) {
                return Outcome::failure(operation, error.with_step(step));
            }
            let error = Error::new(
                ErrorKind::NotAvailable,
                format!("{} is not available in this version yet.", operation.name()),
            )
            .with_step(step);
            Outcome::failure(operation, error).with_warnings(settings_warnings(&settings))
        })
    }

    /// `test`: validates its input; the connection test is not available in this version yet.
    pub fn test(&self, input_json: &str) -> Outcome {
        self.not_available_yet(Operation::Test, input_json)
    }

    /// `remove`: deletes the connection's application (with its service principal, roles and consents) when
    /// the input confirms it by id and the application is the connector's; needs a sign-in on this session.
    pub fn remove(&self, input_json: &str) -> Outcome {
        let operation = Operation::Remove;
        self.run(operation, |call| {
            let (settings, document) = match read_input(call, input_json) {
                Ok(read) => read,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut network = self.network();
            let prepared = network
                .client(&Target::of(&settings), &self.options.network)
                .and_then(|http| network.signed_in_for(&settings).map(|signed_in| (http, signed_in)));
            let (http, signed_in) = match prepared {
                Ok(prepared) => prepared,
                Err(error) => return Outcome::failure(operation, error),
            };
            let removal = match crate::runtime::block_on(crate::provision::remove::remove(
                call, signed_in, &http, &settings, &document,
            )) {
                Ok(removal) => removal,
                Err(error) => return Outcome::failure(operation, error),
            };
            let outcome = match removal.result {
                Ok(data) => Outcome::success(operation, data),
                Err((error, Some(data))) => Outcome::failure(operation, error).with_failure_data(data),
                Err((error, None)) => Outcome::failure(operation, error),
            };
            outcome
                .with_done(removal.done)
                .with_warnings(settings_warnings(&settings))
        })
    }

    fn not_available_yet(&self, operation: Operation, input_json: &str) -> Outcome {
        self.run(operation, |call| {
            let settings = match read_settings(call, input_json) {
                Ok(settings) => settings,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut error = Error::new(
                ErrorKind::NotAvailable,
                format!("{} is not available in this version yet.", operation.name()),
            )
            .with_hint(
                "This version of the connector describes itself and validates settings; signing in, creating \
                 the application, consent, the connection test and removal come in a later version.",
            );
            if let Some(step) = operation.step() {
                error = error.with_step(step);
            }
            Outcome::failure(operation, error).with_warnings(settings_warnings(&settings))
        })
    }
}

/// Parses and validates the settings document an operation got, checking for cancellation after each stage.
fn read_settings(call: &Call<'_>, input_json: &str) -> Result<Settings, Error> {
    read_input(call, input_json).map(|(settings, _)| settings)
}

/// Parses the input document of an operation and validates its settings; returns them with the document
/// (for the operation's own members).
fn read_input(call: &Call<'_>, input_json: &str) -> Result<(Settings, Map<String, Value>), Error> {
    let document: Value = serde_json::from_str(input_json)
        .map_err(|e| Error::invalid_json("settings document", &e))?;
    let Value::Object(document) = document else {
        return Err(Error::new(
            ErrorKind::InvalidJson { line: 0, column: 0 },
            "The settings document must be a JSON object ({ … }).",
        )
        .with_hint("Pass the settings as one flat JSON object, as described in docs/abi.md."));
    };
    if call.operation == Operation::Provision {
        ProvisionInput::from_document(&document)?;
    }
    call.checkpoint()?;
    let settings = validate(&document, call.operation.input_members())?;
    call.checkpoint()?;
    Ok((settings, document))
}

fn settings_warnings(settings: &Settings) -> Vec<Warning> {
    settings
        .warnings()
        .iter()
        .map(|w| Warning {
            code: w.code,
            message: w.message.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Session, SessionOptions};
    use crate::event::EventSink;
    use connector_abi::ConnectorStatus;
    use serde_json::Value;
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    struct Recorder(Mutex<Vec<Value>>);

    impl EventSink for Arc<Recorder> {
        fn deliver(&self, event_json: &str) {
            self.0
                .lock()
                .unwrap()
                .push(serde_json::from_str(event_json).unwrap());
        }
    }

    #[test]
    fn operations_report_their_steps() {
        let recorder = Arc::new(Recorder::default());
        let session = Session::new(None, Some(Box::new(recorder.clone()))).unwrap();
        let outcome = session.consent(r#"{"settings_version":2,"application_name":"Sync"}"#);
        assert_eq!(outcome.status(), ConnectorStatus::SignInRequired);
        let events = recorder.0.lock().unwrap();
        let phases: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e["step"].as_str().unwrap(), e["phase"].as_str().unwrap()))
            .collect();
        assert_eq!(phases, [("consent", "started"), ("consent", "failed")]);
    }

    #[test]
    fn not_available_operations_still_check_their_input() {
        let session = Session::new(None, None).unwrap();
        let outcome =
            session.provision(r#"{"settings_version":2,"application_name":"","plan_only":"yes"}"#);
        assert_eq!(outcome.status(), ConnectorStatus::InvalidSettings);
        let outcome =
            session.provision(r#"{"settings_version":2,"application_name":"A","plan_only":true}"#);
        assert_eq!(outcome.status(), ConnectorStatus::SignInRequired);
        let outcome = session.test(r#"{"settings_version":2,"application_name":"A"}"#);
        assert_eq!(outcome.status(), ConnectorStatus::NotAvailable);
        assert_eq!(
            outcome.error().unwrap().message(),
            "test is not available in this version yet."
        );
    }

    #[test]
    fn cancel_without_a_running_call_changes_nothing() {
        let session = Session::new(None, None).unwrap();
        session.cancel();
        assert_eq!(session.describe().status(), ConnectorStatus::Ok);
    }

    #[test]
    fn options_are_checked() {
        assert!(
            SessionOptions::parse(Some(r#"{"log_level":"debug","host":{"name":"h"}}"#)).is_ok()
        );
        let unknown = SessionOptions::parse(Some(r#"{"colour":"blue"}"#)).unwrap_err();
        assert_eq!(unknown.status(), ConnectorStatus::InvalidJson);
        let bad_panic =
            SessionOptions::parse(Some(r#"{"diagnostics":{"panic_in":"cancel"}}"#)).unwrap_err();
        assert!(bad_panic.message().contains("cannot be \"cancel\""));
        let not_an_operation =
            SessionOptions::parse(Some(r#"{"diagnostics":{"panic_in":"fly"}}"#)).unwrap_err();
        assert_eq!(not_an_operation.status(), ConnectorStatus::InvalidJson);
    }
}
