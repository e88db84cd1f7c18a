//! `cancel` from another thread in every phase of every network operation, through the C ABI against
//! tenant-sim: after each answer the operation gets (between one request and the next), during a retry
//! wait, and while a slow request is in flight. Each time the call returns `CANCELLED` within a second of
//! the cancel, naming its step, and a re-run finishes the job with nothing created twice.

mod plugin_host;
mod tenant;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_abi::{ConnectorSession, ConnectorStatus};
use serde_json::{Value, json};
use tenant_sim::{Fault, FaultRule, SeedOptions, Service};

use crate::plugin_host::{EventLog, Session, api};
use crate::tenant::Footprint;

/// When the canceller strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum When {
    /// After the call's n-th answer (1-based), before it sends the next request.
    AfterAnswer(usize),
    /// At the call's first `wait` event (a retry wait).
    InWait,
    /// As the call starts, without holding it back: it goes on into its first (slow) request.
    InFlight,
    /// Never.
    Never,
}

/// A thread that cancels the session's running call when the event callback asks it to, and remembers
/// when it did.
struct Canceller {
    when: Mutex<When>,
    answers: AtomicUsize,
    struck: AtomicBool,
    handle: AtomicUsize,
    cancelled_at: Mutex<Option<Instant>>,
    orders: Mutex<mpsc::Sender<mpsc::Sender<()>>>,
}

impl Canceller {
    fn start() -> Arc<Canceller> {
        let (orders, incoming) = mpsc::channel::<mpsc::Sender<()>>();
        let canceller = Arc::new(Canceller {
            when: Mutex::new(When::Never),
            answers: AtomicUsize::new(0),
            struck: AtomicBool::new(false),
            handle: AtomicUsize::new(0),
            cancelled_at: Mutex::new(None),
            orders: Mutex::new(orders),
        });
        let this = Arc::downgrade(&canceller);
        std::thread::spawn(move || {
            for done in incoming {
                let Some(this) = this.upgrade() else { break };
                let handle = this.handle.load(Ordering::SeqCst) as *mut ConnectorSession;
                *this.cancelled_at.lock().unwrap() = Some(Instant::now());
                // SAFETY: the session is live (the call that asked for this cancel is running on it).
                let status = unsafe { (api().cancel)(handle) };
                assert_eq!(status, ConnectorStatus::Ok);
                let _ = done.send(());
            }
        });
        canceller
    }

    fn arm(&self, when: When) {
        *self.when.lock().unwrap() = when;
        self.answers.store(0, Ordering::SeqCst);
        self.struck.store(false, Ordering::SeqCst);
        *self.cancelled_at.lock().unwrap() = None;
    }

    /// Sees an event on the calling thread; cancels (from the other thread) when it is time. `hold` waits
    /// until the cancel landed.
    fn see(&self, event: &Value) {
        let when = *self.when.lock().unwrap();
        let answer = event["type"] == "log"
            && event["level"] == "debug"
            && event["message"]
                .as_str()
                .is_some_and(|m| m.contains(" -> "));
        let n = if answer {
            self.answers.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            0
        };
        let (strike, hold) = match when {
            When::AfterAnswer(k) => (answer && n == k, true),
            When::InFlight => (
                event["type"] == "step" && event["phase"] == "started",
                false,
            ),
            When::InWait => (event["type"] == "wait", true),
            When::Never => (false, false),
        };
        if !strike || self.struck.swap(true, Ordering::SeqCst) {
            return;
        }
        let (done, landed) = mpsc::channel();
        self.orders.lock().unwrap().send(done).unwrap();
        if hold {
            landed.recv().unwrap();
        }
    }
}

/// A signed-in session whose events go through `canceller`.
fn session(canceller: &Arc<Canceller>) -> Session {
    let seer = canceller.clone();
    let log = EventLog {
        on_event: Some(Box::new(move |event: &Value| seer.see(event))),
        ..EventLog::default()
    };
    let session = Session::with_log(Some(&options()), log);
    canceller
        .handle
        .store(session.handle as usize, Ordering::SeqCst);
    session
}

fn options() -> String {
    json!({
        "log_level": "debug",
        "network": {
            "request_timeout_ms": 30_000,
            "retry": { "max_attempts": 4, "base_delay_ms": 10, "max_delay_ms": 60_000 },
            "consistency_wait_ms": 10_000
        },
        "sign_in": { "open_browser": false, "timeout_ms": 60_000 }
    })
    .to_string()
}

/// Runs `operation` with the canceller armed, and checks the cancel's effect: `CANCELLED` within a second of
/// the cancel, naming `step`. Returns false when the call ended before the canceller struck, or when it
/// struck after the last answer (then no phase was left to cancel), after checking that it succeeded.
fn cancelled(
    session: &Session,
    canceller: &Canceller,
    when: When,
    operation: &str,
    input: &str,
    step: &str,
) -> bool {
    canceller.arm(when);
    let (status, document) = session.call(operation, input);
    let returned = Instant::now();
    let cancelled_at = canceller.cancelled_at.lock().unwrap().take();
    canceller.arm(When::Never);
    // A cancel after the last answer finds no checkpoint left: the job is done and the call says so.
    let done_anyway = status == ConnectorStatus::Ok && matches!(when, When::AfterAnswer(_));
    let (Some(at), false) = (cancelled_at, done_anyway) else {
        assert_eq!(
            status,
            ConnectorStatus::Ok,
            "{operation} {when:?}: {}",
            document["error"]
        );
        return false;
    };
    assert_eq!(
        status,
        ConnectorStatus::Cancelled,
        "{operation} {when:?}: {}",
        document["error"]
    );
    assert_eq!(document["error"]["step"], step, "{operation} {when:?}");
    let took = returned.duration_since(at);
    assert!(
        took < Duration::from_secs(1),
        "{operation} {when:?}: returned {took:?} after the cancel"
    );
    true
}

#[test]
fn cancel_reaches_sign_in_in_every_phase() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let canceller = Canceller::start();
    let session = session(&canceller);
    let mut phases = 0;
    for k in 1.. {
        if !cancelled(
            &session,
            &canceller,
            When::AfterAnswer(k),
            "authenticate",
            &settings,
            "sign_in",
        ) {
            break;
        }
        phases += 1;
    }
    assert!(
        phases >= 2,
        "sign-in had only {phases} answers to cancel after"
    );
    // A retry wait, and a slow token request.
    tenant.knobs().update(|k| {
        k.faults = vec![
            FaultRule::always(Fault::Throttle {
                retry_after_secs: 30,
            })
            .service(Service::Authority)
            .on("POST", "/organizations/oauth2/v2.0/token"),
        ];
    });
    assert!(cancelled(
        &session,
        &canceller,
        When::InWait,
        "authenticate",
        &settings,
        "sign_in"
    ));
    tenant.knobs().update(|k| {
        k.faults.clear();
        k.latency = Duration::from_secs(20);
    });
    assert!(cancelled(
        &session,
        &canceller,
        When::InFlight,
        "authenticate",
        &settings,
        "sign_in"
    ));
    tenant.knobs().update(|k| k.latency = Duration::ZERO);
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
}

#[test]
fn cancel_reaches_provision_in_every_phase_and_a_rerun_finishes() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let base = tenant::settings(&tenant, json!({}));
    let canceller = Canceller::start();
    let session = session(&canceller);
    let (status, document) = session.call("authenticate", &base);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let mut cases: Vec<When> = (1..=12).map(When::AfterAnswer).collect();
    cases.extend([When::InWait, When::InFlight]);
    let mut phases = 0;
    for (i, when) in cases.into_iter().enumerate() {
        let name = format!("Cancelled Sync {i}");
        let settings = tenant::with_member(&base, "application_name", json!(name));
        match when {
            When::InWait => tenant.knobs().update(|k| {
                k.faults = vec![
                    FaultRule::next(
                        1,
                        Fault::Throttle {
                            retry_after_secs: 30,
                        },
                    )
                    .service(Service::Graph)
                    .on("PATCH", "/v1.0/servicePrincipals("),
                ];
            }),
            When::InFlight => tenant
                .knobs()
                .update(|k| k.latency = Duration::from_secs(20)),
            _ => {}
        }
        let struck = cancelled(
            &session,
            &canceller,
            when,
            "provision",
            &settings,
            "provision",
        );
        tenant.knobs().update(|k| {
            k.faults.clear();
            k.latency = Duration::ZERO;
        });
        if !struck {
            assert!(
                matches!(when, When::AfterAnswer(_)),
                "{when:?} never struck"
            );
            assert_eq!(
                tenant::footprint(&tenant, &name),
                tenant::PROVISIONED,
                "{when:?}"
            );
            continue;
        }
        phases += 1;
        let (status, document) = session.call("provision", &settings);
        assert_eq!(
            status,
            ConnectorStatus::Ok,
            "{when:?}, re-run: {}",
            document["error"]
        );
        assert_eq!(
            tenant::footprint(&tenant, &name),
            tenant::PROVISIONED,
            "{when:?}"
        );
    }
    assert!(
        phases >= 5,
        "provision had only {phases} phases to cancel in"
    );
    assert_eq!(tenant::duplicates(&tenant), Vec::<String>::new());
}

#[test]
fn cancel_reaches_remove_in_every_phase_and_a_rerun_finishes() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let canceller = Canceller::start();
    let session = session(&canceller);
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let mut cases: Vec<When> = (1..=8).map(When::AfterAnswer).collect();
    cases.extend([When::InWait, When::InFlight]);
    let mut phases = 0;
    for when in cases {
        let (status, document) = session.call("provision", &settings);
        assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
        let input = tenant::with_member(
            &settings,
            "confirm_application_id",
            document["data"]["application"]["app_id"].clone(),
        );
        match when {
            When::InWait => tenant.knobs().update(|k| {
                k.faults = vec![
                    FaultRule::next(
                        1,
                        Fault::ServiceUnavailable {
                            retry_after_secs: Some(30),
                        },
                    )
                    .service(Service::Graph)
                    .on("DELETE", "/v1.0/applications/"),
                ];
            }),
            When::InFlight => tenant
                .knobs()
                .update(|k| k.latency = Duration::from_secs(20)),
            _ => {}
        }
        let struck = cancelled(&session, &canceller, when, "remove", &input, "remove");
        tenant.knobs().update(|k| {
            k.faults.clear();
            k.latency = Duration::ZERO;
        });
        if struck {
            phases += 1;
            let (status, document) = session.call("remove", &input);
            assert_eq!(
                status,
                ConnectorStatus::Ok,
                "{when:?}, re-run: {}",
                document["error"]
            );
        } else {
            assert!(
                matches!(when, When::AfterAnswer(_)),
                "{when:?} never struck"
            );
        }
        assert_eq!(
            tenant::footprint(&tenant, "Contoso Sync"),
            Footprint::default(),
            "{when:?}"
        );
    }
    assert!(phases >= 3, "remove had only {phases} phases to cancel in");
}

/// Cancels `operation` (`consent` or `test`, run with the stored settings of a freshly provisioned and,
/// for `test`, consented application) in every phase; a re-run finishes. Returns how many phases it had.
fn every_phase_of(operation: &str, wait_on: (Service, &str, &str)) -> usize {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let canceller = Canceller::start();
    let session = session(&canceller);
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let mut cases: Vec<When> = (1..=10).map(When::AfterAnswer).collect();
    cases.extend([When::InWait, When::InFlight]);
    let mut phases = 0;
    for (i, when) in cases.into_iter().enumerate() {
        let name = format!("Cancelled {operation} {i}");
        let named = tenant::with_member(&settings, "application_name", json!(name));
        let stored = tenant::provisioned(&session, &named).to_string();
        if operation == "test" {
            let (status, document) = session.call("consent", &stored);
            assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
        }
        let (service, method, path) = wait_on;
        match when {
            When::InWait => tenant.knobs().update(|k| {
                k.faults = vec![
                    FaultRule::next(
                        1,
                        Fault::Throttle {
                            retry_after_secs: 30,
                        },
                    )
                    .service(service)
                    .on(method, path),
                ];
            }),
            When::InFlight => tenant
                .knobs()
                .update(|k| k.latency = Duration::from_secs(20)),
            _ => {}
        }
        let struck = cancelled(&session, &canceller, when, operation, &stored, operation);
        tenant.knobs().update(|k| {
            k.faults.clear();
            k.latency = Duration::ZERO;
        });
        if struck {
            phases += 1;
            let (status, document) = session.call(operation, &stored);
            assert_eq!(
                status,
                ConnectorStatus::Ok,
                "{when:?}, re-run: {}",
                document["error"]
            );
        } else {
            assert!(
                matches!(when, When::AfterAnswer(_)),
                "{when:?} never struck"
            );
        }
        let consented = tenant::Footprint {
            app_role_assignments: 1,
            delegated_grants: 1,
            ..tenant::PROVISIONED
        };
        assert_eq!(tenant::footprint(&tenant, &name), consented, "{when:?}");
    }
    assert_eq!(tenant::duplicates(&tenant), Vec::<String>::new());
    phases
}

#[test]
fn cancel_reaches_consent_in_every_phase_and_a_rerun_finishes() {
    let phases = every_phase_of("consent", (Service::Graph, "POST", "/v1.0/$batch"));
    assert!(phases >= 3, "consent had only {phases} phases to cancel in");
}

#[test]
fn cancel_reaches_the_connection_test_in_every_phase_and_a_rerun_finishes() {
    let phases = every_phase_of("test", (Service::Exchange, "POST", "/adminapi/"));
    assert!(
        phases >= 4,
        "the test had only {phases} phases to cancel in"
    );
}
