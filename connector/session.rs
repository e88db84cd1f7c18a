//! A connector session: its options, one call at a time, cancellation of the running call, its events, and
//! the operations it runs.
//!
//! Each call gets a generation number and a cancellation token of its own ([`Call`]); `cancel` cancels the
//! token of the call running when it lands. A `cancel` that lands between two calls therefore reaches
//! neither of them, whatever the order in which the threads involved run.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::Deserialize;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::call::Call;
use crate::describe::describe;
use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, EventSink, Events, LogLevel, Phase};
use crate::http::{NetworkOptions, SignInOptions};
use crate::input::{read_input, read_settings};
use crate::network::{Network, Target};
use crate::operation::{Operation, Step};
use crate::provision::input::ProvisionInput;
use crate::result::Outcome;

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

/// The session options document (input of `session_new`; every member optional, each given once).
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
            .map_err(|e| Error::invalid_json("session options document", &e, json))?;
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

/// Shuts the plugin down: later `session_new` and operation calls return `ShutDown`, and the plugin's
/// runtime stops with its threads joined.
pub fn shutdown() {
    SHUT_DOWN.store(true, Ordering::SeqCst);
    crate::runtime::shutdown();
}

fn is_shut_down() -> bool {
    SHUT_DOWN.load(Ordering::SeqCst)
}

fn shut_down_error() -> Error {
    Error::new(
        ErrorKind::ShutDown,
        "The connector was shut down; no further calls are possible.",
    )
    .with_hint("Load the connector library again to continue.")
}

/// The call running on a session: its generation and the token `cancel` cancels.
#[derive(Debug)]
struct Running {
    generation: u64,
    cancellation: CancellationToken,
}

/// A connector session. Calls on one session are serialised (a second concurrent call gets `Busy`); the
/// session is `Sync` so that `cancel` may come from any thread.
#[derive(Debug)]
pub struct Session {
    options: SessionOptions,
    events: Events,
    busy: AtomicBool,
    /// The generation of the latest call started (0: none yet).
    generation: AtomicU64,
    running: Mutex<Option<Running>>,
    /// The HTTP client and the administrator's sign-in. Only the running call uses it (calls are
    /// serialised); the lock makes the session `Sync` for `cancel`.
    network: Mutex<Network>,
}

/// Marks the session busy for one call; frees it when dropped, also when a panic unwinds.
struct BusyGuard<'a>(&'a AtomicBool);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Registers the running call for `cancel`; unregisters it when dropped, also when a panic unwinds.
struct RunningGuard<'a> {
    session: &'a Session,
    generation: u64,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        let mut running = self.session.running();
        if running
            .as_ref()
            .is_some_and(|r| r.generation == self.generation)
        {
            *running = None;
        }
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
            network: Mutex::new(Network::default()),
            generation: AtomicU64::new(0),
            running: Mutex::new(None),
        })
    }

    /// The session's options.
    pub fn options(&self) -> &SessionOptions {
        &self.options
    }

    /// Cancels the call running now, if any: it returns `Cancelled` at its next checkpoint, and its
    /// cancellation futures complete. Nothing is remembered for a later call. Callable from any thread.
    pub fn cancel(&self) {
        if let Some(running) = self.running().as_ref() {
            running.cancellation.cancel();
        }
    }

    /// Sends the `log` event that says a call panicked (the C boundary contained the panic). `message` names
    /// the operation and never carries a value of the call.
    pub(crate) fn report_panic(&self, operation: Operation, message: String) {
        self.events.emit(
            operation,
            EventBody::Log {
                level: LogLevel::Error,
                message,
            },
        );
    }

    fn running(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        // The lock is only held to swap or read the entry; a poisoned one still holds a valid entry.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one call: refuses it after shutdown or while another runs, gives it its own cancellation, reports
    /// its step as events, and returns its outcome.
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
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        let cancellation = CancellationToken::new();
        *self.running() = Some(Running {
            generation,
            cancellation: cancellation.clone(),
        });
        let _running = RunningGuard {
            session: self,
            generation,
        };
        if self.options.diagnostics.panic_in == Some(operation) {
            panic!("diagnostics.panic_in asked {} to panic", operation.name());
        }
        let call = Call::new(operation, &self.events, cancellation);
        call.emit(EventBody::Step {
            step: operation.step_name(),
            phase: Phase::Started,
            message: format!("{} started.", operation.name()),
        });
        let outcome = match call.checkpoint() {
            Ok(()) => body(&call),
            Err(error) => Outcome::failure(operation, error),
        };
        let (phase, message) = match outcome.error() {
            Some(error) => (
                Phase::Failed,
                format!("{} failed: {}", operation.name(), error.message()),
            ),
            None => (Phase::Finished, format!("{} finished.", operation.name())),
        };
        call.emit(EventBody::Step {
            step: operation.step_name(),
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
                Outcome::success(operation, data).with_warnings(settings.warnings().to_vec())
            }
        })
    }

    /// The session's network state, for the running call.
    fn network(&self) -> std::sync::MutexGuard<'_, Network> {
        self.network.lock().unwrap_or_else(PoisonError::into_inner)
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
            .and_then(|result| result);
            match result {
                Ok((data, warnings)) => Outcome::success(operation, data)
                    .with_warnings(settings.warnings().to_vec())
                    .with_warnings(warnings),
                Err(error) => Outcome::failure(operation, error.or_step(Step::SignIn))
                    .with_warnings(settings.warnings().to_vec()),
            }
        })
    }

    /// `provision`: creates or updates the application registration, its service principal and roles (or,
    /// with `plan_only`, reports what it would do); needs a sign-in on this session.
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
            let (http, signed_in) = match network.prepare(&settings, &self.options.network) {
                Ok(prepared) => prepared,
                Err(error) => return Outcome::failure(operation, error.or_step(Step::Provision)),
            };
            let report = match crate::runtime::block_on(crate::provision::provision(
                call, signed_in, &http, &settings, &input,
            )) {
                Ok(report) => report,
                Err(error) => return Outcome::failure(operation, error),
            };
            let written = match (&report.result, &report.failure_data) {
                (Ok(data), _) | (Err(_), Some(data)) => data["application"]["app_id"].as_str(),
                _ => None,
            };
            if let Some(app_id) = written {
                signed_in.note_written(app_id);
            }
            report.into_outcome(operation, Step::Provision, settings.warnings())
        })
    }

    /// `consent`: grants admin consent to the application's permissions for the organization (from the
    /// connector, or on Entra ID's page in the browser, as `admin_consent_method` says); needs a sign-in on
    /// this session.
    pub fn consent(&self, input_json: &str) -> Outcome {
        let operation = Operation::Consent;
        self.run(operation, |call| {
            let settings = match read_settings(call, input_json) {
                Ok(settings) => settings,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut network = self.network();
            let (http, signed_in) = match network.prepare(&settings, &self.options.network) {
                Ok(prepared) => prepared,
                Err(error) => return Outcome::failure(operation, error.with_step(Step::Consent)),
            };
            let report = match crate::runtime::block_on(crate::consent::consent(
                call,
                signed_in,
                &http,
                &settings,
                &self.options.sign_in,
            )) {
                Ok(report) => report,
                Err(error) => return Outcome::failure(operation, error),
            };
            if let Some(app_id) = settings.text("application_id") {
                signed_in.note_written(app_id);
            }
            report.into_outcome(operation, Step::Consent, settings.warnings())
        })
    }

    /// `test`: the connection test, from the settings alone: every check with its status; `TEST_FAILED`
    /// (with the checks in `data`) when one fails. The checks that need an administrator run when one is
    /// signed in on this session for these settings, and are skipped otherwise.
    pub fn test(&self, input_json: &str) -> Outcome {
        let operation = Operation::Test;
        self.run(operation, |call| {
            let settings = match read_settings(call, input_json) {
                Ok(settings) => settings,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut network = self.network();
            let http = match network.client(&Target::of(&settings), &self.options.network) {
                Ok(http) => http,
                Err(error) => return Outcome::failure(operation, error.with_step(Step::Test)),
            };
            let admin = network.signed_in_for(&settings);
            let report =
                match crate::runtime::block_on(crate::checks::run(call, &http, &settings, admin))
                    .and_then(|report| report)
                {
                    Ok(report) => report,
                    Err(error) => return Outcome::failure(operation, error.or_step(Step::Test)),
                };
            let outcome = match report.error() {
                None => Outcome::success(operation, report.data()),
                Some(error) => Outcome::failure(operation, error).with_failure_data(report.data()),
            };
            outcome.with_warnings(settings.warnings().to_vec())
        })
    }

    /// `remove`: deletes the connection's application (with its service principal, roles and consents)
    /// when the input confirms it by id and the application is the connector's; needs a sign-in on this
    /// session.
    pub fn remove(&self, input_json: &str) -> Outcome {
        let operation = Operation::Remove;
        self.run(operation, |call| {
            let (settings, document) = match read_input(call, input_json) {
                Ok(read) => read,
                Err(error) => return Outcome::failure(operation, error),
            };
            let mut network = self.network();
            let (http, signed_in) = match network.prepare(&settings, &self.options.network) {
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
                Err((error, Some(data))) => {
                    Outcome::failure(operation, error).with_failure_data(data)
                }
                Err((error, None)) => Outcome::failure(operation, error),
            };
            outcome
                .with_done(removal.done)
                .with_warnings(settings.warnings().to_vec())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Session, SessionOptions};
    use crate::error::ErrorKind;
    use crate::event::EventSink;
    use crate::operation::Operation;
    use crate::result::Outcome;
    use serde_json::{Value, json};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

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

    fn kind(outcome: &Outcome) -> Option<&ErrorKind> {
        outcome.error().map(|error| error.kind())
    }

    #[test]
    fn operations_report_their_steps() {
        let recorder = Arc::new(Recorder::default());
        let session = Session::new(None, Some(Box::new(recorder.clone()))).unwrap();
        let outcome = session.consent(r#"{"settings_version":2,"application_name":"Sync"}"#);
        assert_eq!(kind(&outcome), Some(&ErrorKind::SignInRequired));
        let events = recorder.0.lock().unwrap();
        let phases: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e["step"].as_str().unwrap(), e["phase"].as_str().unwrap()))
            .collect();
        assert_eq!(phases, [("consent", "started"), ("consent", "failed")]);
    }

    #[test]
    fn operations_check_their_input_before_anything_else() {
        let session = Session::new(None, None).unwrap();
        let outcome =
            session.provision(r#"{"settings_version":2,"application_name":"","plan_only":"yes"}"#);
        assert!(matches!(
            kind(&outcome),
            Some(ErrorKind::InvalidSettings(_))
        ));
        let outcome =
            session.provision(r#"{"settings_version":2,"application_name":"A","plan_only":true}"#);
        assert_eq!(
            kind(&outcome),
            Some(&ErrorKind::SignInRequired),
            "no sign-in on this session yet"
        );
        // test needs no sign-in: settings without an application or a certificate fail their checks.
        let outcome = session.test(r#"{"settings_version":2,"application_name":"A"}"#);
        assert_eq!(kind(&outcome), Some(&ErrorKind::TestFailed));
        let checks = outcome.data().unwrap()["checks"]
            .as_array()
            .unwrap()
            .clone();
        let status = |name: &str| {
            checks
                .iter()
                .find(|c| c["name"] == name)
                .map(|c| c["status"].as_str().unwrap().to_owned())
        };
        assert_eq!(status("certificate_present").as_deref(), Some("fail"));
        assert_eq!(status("certificate_accepted").as_deref(), Some("fail"));
        assert_eq!(
            status("role_exchange_administrator").as_deref(),
            Some("skipped")
        );
    }

    #[test]
    fn a_cancel_between_calls_reaches_neither() {
        let session = Session::new(None, None).unwrap();
        session.cancel();
        assert!(session.describe().error().is_none());
        session.cancel();
        assert!(session.describe().error().is_none());
    }

    #[test]
    fn a_cancel_reaches_only_the_call_it_landed_in() {
        let session = Session::new(None, None).unwrap();
        let first = session.run(Operation::Test, |call| {
            session.cancel();
            match call.checkpoint() {
                Ok(()) => Outcome::success(Operation::Test, json!({})),
                Err(error) => Outcome::failure(Operation::Test, error),
            }
        });
        assert_eq!(kind(&first), Some(&ErrorKind::Cancelled));
        assert_eq!(
            first.error().unwrap().step().map(|s| s.name()),
            Some("test")
        );
        let second = session.run(Operation::Test, |call| {
            assert!(!call.is_cancelled(), "the second call inherited the cancel");
            Outcome::success(Operation::Test, json!({}))
        });
        assert!(second.error().is_none());
    }

    #[test]
    fn a_wait_is_cut_short_by_a_cancel_from_another_thread() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let session = Session::new(None, None).unwrap();
        let (waiting, wait_began) = std::sync::mpsc::channel();
        let mut waited = Duration::MAX;
        let session = &session;
        let outcome = std::thread::scope(|scope| {
            scope.spawn(move || {
                wait_began.recv().unwrap();
                session.cancel();
            });
            session.run(Operation::Authenticate, |call| {
                let started = Instant::now();
                let result = runtime.block_on(call.unless_cancelled(async {
                    waiting.send(()).unwrap();
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }));
                waited = started.elapsed();
                match result {
                    Ok(()) => Outcome::success(Operation::Authenticate, json!({})),
                    Err(error) => Outcome::failure(Operation::Authenticate, error),
                }
            })
        });
        assert_eq!(kind(&outcome), Some(&ErrorKind::Cancelled));
        assert!(
            waited < Duration::from_secs(1),
            "the 30 s wait took {waited:?} to end"
        );
    }

    #[test]
    fn options_are_checked() {
        assert!(
            SessionOptions::parse(Some(r#"{"log_level":"debug","host":{"name":"h"}}"#)).is_ok()
        );
        let unknown = SessionOptions::parse(Some(r#"{"colour":"blue"}"#)).unwrap_err();
        assert!(matches!(unknown.kind(), ErrorKind::InvalidJson { .. }));
        let twice =
            SessionOptions::parse(Some(r#"{"log_level":"debug","log_level":"info"}"#)).unwrap_err();
        assert!(
            twice.message().contains("duplicate field `log_level`"),
            "{}",
            twice.message()
        );
        let bad_panic =
            SessionOptions::parse(Some(r#"{"diagnostics":{"panic_in":"cancel"}}"#)).unwrap_err();
        assert!(bad_panic.message().contains("cannot be \"cancel\""));
        let not_an_operation =
            SessionOptions::parse(Some(r#"{"diagnostics":{"panic_in":"fly"}}"#)).unwrap_err();
        assert!(matches!(
            not_an_operation.kind(),
            ErrorKind::InvalidJson { .. }
        ));
    }
}
