//! Many threads on one loaded library, through the C ABI against one tenant-sim: 16 sessions in parallel
//! threads, each signing in and provisioning its own application; two threads calling into one session at
//! once (the second gets `BUSY`, the first finishes as if alone); and threads racing on one session whose
//! results never cross.

mod plugin_host;
mod tenant;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::{DeviceCodeApproval, KnobSettings, SeedOptions};

use crate::plugin_host::{EventLog, Session};

#[test]
fn sixteen_sessions_in_parallel_threads_each_provision_their_own_application() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let tenant = &tenant;
    let results: Vec<(String, ConnectorStatus, Value)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..16)
            .map(|i| {
                scope.spawn(move || {
                    let name = format!("Parallel Sync {i:02}");
                    let settings = tenant::settings(tenant, json!({ "application_name": name }));
                    let session = tenant::signed_in(tenant, &settings);
                    let (status, document) = session.call("provision", &settings);
                    (name, status, document)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for (name, status, document) in &results {
        assert_eq!(
            *status,
            ConnectorStatus::Ok,
            "{name}: {}",
            document["error"]
        );
        assert_eq!(
            document["data"]["application"]["display_name"],
            name.as_str()
        );
        assert_eq!(
            tenant::footprint(tenant, name),
            tenant::PROVISIONED,
            "{name}"
        );
    }
    let app_ids: std::collections::HashSet<&str> = results
        .iter()
        .map(|(_, _, d)| d["data"]["application"]["app_id"].as_str().unwrap())
        .collect();
    assert_eq!(app_ids.len(), 16, "16 distinct applications");
    assert_eq!(tenant::duplicates(tenant), Vec::<String>::new());
}

#[test]
fn a_second_call_into_a_busy_session_gets_busy_and_the_first_is_unharmed() {
    let knobs = KnobSettings {
        device_code_approval: DeviceCodeApproval::Manual,
        ..tenant::quick_knobs()
    };
    let tenant = tenant::start_with(knobs, SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    // The sign-in waits for the administrator: the prompt's user code reaches this thread, and the
    // session stays busy until the code is approved.
    let (prompted, prompt) = mpsc::channel::<String>();
    let prompted = Mutex::new(prompted);
    let log = EventLog {
        on_event: Some(Box::new(move |event: &Value| {
            if event["type"] == "sign_in_prompt" {
                let code = event["user_code"].as_str().unwrap_or_default().to_owned();
                let _ = prompted.lock().unwrap().send(code);
            }
        })),
        ..EventLog::default()
    };
    let session = Session::with_log(Some(&tenant::fast_options()), log);
    let session = &session;
    let settings = settings.as_str();
    std::thread::scope(|scope| {
        let first = scope.spawn(move || session.call("authenticate", settings));
        let user_code = prompt.recv().expect("the sign-in prompt came");
        for operation in plugin_host::INPUT_OPERATIONS {
            let (status, document) = session.call(operation, settings);
            assert_eq!(
                status,
                ConnectorStatus::Busy,
                "{operation}: {}",
                document["error"]
            );
            assert_eq!(document["operation"], operation);
            assert_eq!(document["error"]["code"], "busy");
        }
        let (status, _) = session.describe();
        assert_eq!(status, ConnectorStatus::Busy, "describe");
        assert!(tenant.approve_device_code(&user_code));
        let (status, document) = first.join().unwrap();
        assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
        assert_eq!(document["operation"], "authenticate");
    });
    // The session is intact: its sign-in is there, and the next call runs.
    let (status, document) = session.call("provision", settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let busy_events = session
        .events()
        .iter()
        .filter(|e| e["type"] == "step" && e["phase"] == "started")
        .count();
    assert_eq!(busy_events, 2, "refused calls send no step events");
}

#[test]
fn calls_racing_on_one_session_never_cross() {
    let session = Arc::new(Session::new(None));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let session = session.clone();
            std::thread::spawn(move || {
                let (mut ok, mut busy) = (0, 0);
                for i in 0..200 {
                    let name = format!("Thread {t} call {i}");
                    let input =
                        json!({"settings_version": 3, "application_name": name}).to_string();
                    let (status, document) = session.call("configure", &input);
                    match status {
                        ConnectorStatus::Ok => {
                            ok += 1;
                            assert_eq!(
                                document["data"]["settings"]["application_name"],
                                name.as_str(),
                                "a result crossed to another thread's call"
                            );
                        }
                        ConnectorStatus::Busy => busy += 1,
                        other => panic!("{other:?}: {}", document["error"]),
                    }
                }
                (ok, busy)
            })
        })
        .collect();
    let (ok, busy) = threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
    assert_eq!(ok + busy, 800);
    assert!(ok > 0);
    // Once the race is over the session works as before.
    let (status, _) = session.describe();
    assert_eq!(status, ConnectorStatus::Ok);
}
