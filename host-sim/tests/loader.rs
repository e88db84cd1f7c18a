//! host-sim's loader against the connector plugin just built: the safe API a Rust host sees. Needs the
//! library built first (`cargo build --workspace`, as the README's test command does).
//!
//! The tests share one `Plugin`, held for the whole run: a plugin's state is per process, so a test that
//! dropped the last handle would shut the plugin down under the others. Shutdown is tested in its own binary
//! (`tests/shutdown.rs`).

#[path = "../../tests/artifacts/mod.rs"]
mod artifacts;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use connector_abi::ConnectorStatus;
use host_sim::plugin::{Plugin, Session};
use serde_json::{Value, json};

/// The plugin every test of this binary uses.
fn plugin() -> &'static Plugin {
    static PLUGIN: OnceLock<Plugin> = OnceLock::new();
    PLUGIN.get_or_init(|| Plugin::load(crate::artifacts::plugin()).expect("the built plugin loads"))
}

#[test]
fn the_plugin_loads_with_its_abi_version_and_describes_itself() {
    let plugin = plugin();
    assert_eq!(
        plugin.abi_version().0,
        connector_abi::CONNECTOR_ABI_VERSION_MAJOR
    );
    let (mut session, opened) = Session::new(plugin, None, |_| {}).expect("a session opens");
    assert_eq!(opened["operation"], "session_new");
    let (status, document) = session.describe().expect("describe answers");
    assert_eq!(status.get(), ConnectorStatus::Ok, "{document}");
    assert_eq!(document["operation"], "describe");
    assert!(
        document["data"]["settings_schema"]["fields"].is_array(),
        "{document}"
    );
}

#[test]
fn events_reach_the_closure_as_json() {
    let plugin = plugin();
    let events: Rc<RefCell<Vec<Value>>> = Rc::default();
    let sink = Rc::clone(&events);
    let options = json!({ "log_level": "debug" });
    let (mut session, _) = Session::new(plugin, Some(&options), move |event| {
        sink.borrow_mut().push(event)
    })
    .unwrap();
    let (status, _) = session
        .configure(&json!({ "settings_version": 3, "application_name": "Identity Sync" }))
        .unwrap();
    assert!(status.is_ok());
    drop(session);
    let events = events.borrow();
    assert!(!events.is_empty(), "configure sent no event");
    for event in events.iter() {
        assert!(
            event["type"].is_string(),
            "an event without a type: {event}"
        );
        assert_eq!(event["operation"], "configure", "{event}");
    }
}

#[test]
fn a_panicking_event_closure_does_not_unwind_into_the_plugin() {
    let plugin = plugin();
    let calls = Rc::new(RefCell::new(0_u32));
    let counter = Rc::clone(&calls);
    let (mut session, _) = Session::new(plugin, None, move |_| {
        *counter.borrow_mut() += 1;
        panic!("a host closure that panics");
    })
    .unwrap();
    let (status, document) = session.describe().unwrap();
    assert_eq!(status.get(), ConnectorStatus::Ok, "{document}");
    assert!(
        *calls.borrow() > 0,
        "describe sent no event, so the closure was never exercised"
    );
    // The session still works after the closure panicked.
    let (status, _) = session.describe().unwrap();
    assert!(status.is_ok());
}

#[test]
fn a_panic_inside_the_plugin_comes_back_as_a_status_and_the_host_continues() {
    let plugin = plugin();
    let options = json!({ "diagnostics": { "panic_in": "describe" } });
    let (mut session, _) = Session::new(plugin, Some(&options), |_| {}).unwrap();
    let (status, document) = session.describe().unwrap();
    assert_eq!(status.get(), ConnectorStatus::Panic, "{document}");
    assert_eq!(document["status"], "PANIC");
    drop(session);

    let (mut session, _) = Session::new(plugin, None, |_| {}).unwrap();
    assert!(session.describe().unwrap().0.is_ok());
}
