//! A panic inside the plugin never prints on the host's standard error: it reaches the host as a `log`
//! event and the `PANIC` document. A host's own panics (on its own threads, or in its event callback) still
//! print as usual. The plugin is linked into this test binary here, so it shares the host's panic hook: the
//! hardest case. The check runs in a child process (this test, run again) so its stderr can be read whole.

mod plugin_host;

use std::process::Command;

use connector_abi::ConnectorStatus;
use serde_json::Value;

use crate::plugin_host::{EventLog, Session};

/// Set in the child process.
const CHILD: &str = "M365_CONNECTOR_PANIC_HOOK_CHILD";
const TEST: &str = "a_plugin_panic_stays_off_stderr_while_the_hosts_own_panics_print";

#[test]
fn a_plugin_panic_stays_off_stderr_while_the_hosts_own_panics_print() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the test binary runs again as the child");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the child failed:\n{stdout}\n{stderr}"
    );
    assert!(
        !stderr.contains("diagnostics.panic_in"),
        "the plugin's panic reached stderr:\n{stderr}"
    );
    assert_eq!(
        stderr.matches("panicked at").count(),
        2,
        "exactly the host's two panics print:\n{stderr}"
    );
    assert!(
        stderr.contains("the host's own thread panicked on purpose"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the host's callback panicked on purpose"),
        "{stderr}"
    );
}

/// What the child does: a plugin panic through the C ABI, then the host's own panics.
fn child() {
    let log = EventLog {
        on_event: Some(Box::new(|event: &Value| {
            if event["phase"] == "started" {
                // The host's own panic, caught in its own callback (a callback must not unwind).
                let caught = std::panic::catch_unwind(|| {
                    panic!("the host's callback panicked on purpose");
                });
                assert!(caught.is_err());
            }
        })),
        ..EventLog::default()
    };
    let session = Session::with_log(Some(r#"{"diagnostics": {"panic_in": "configure"}}"#), log);
    let (status, document) = session.describe();
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    let (status, document) = session.call(
        "configure",
        r#"{"settings_version": 3, "application_name": "Sync"}"#,
    );
    assert_eq!(status, ConnectorStatus::Panic, "{document}");
    assert_eq!(document["error"]["code"], "panic");
    let logs: Vec<Value> = session
        .events()
        .into_iter()
        .filter(|event| event["type"] == "log")
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["level"], "error");
    assert_eq!(logs[0]["operation"], "configure");
    let message = logs[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("The connector panicked during configure (at connector/"),
        "{message}"
    );
    assert!(
        !message.contains("asked"),
        "the panic's own message leaked: {message}"
    );
    drop(session);

    let joined = std::thread::spawn(|| panic!("the host's own thread panicked on purpose")).join();
    assert!(joined.is_err());
}
