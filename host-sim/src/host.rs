//! What every command does around its operation: load the plugin, open a session that shows the plugin's
//! events on standard error, and read the describe document that the rendering of everything else needs.

use std::path::Path;

use serde_json::{Value, json};

use crate::exit::{Failure, OPERATION_FAILED, PLUGIN_BROKE_CONTRACT};
use crate::plugin::{Plugin, Session, SessionError};
use crate::report::{failure, text};
use crate::schema::plain;

/// The file name of the connector plugin built beside host-sim in this workspace, the default plugin of
/// `add-connection` and `demo`.
pub const DEFAULT_PLUGIN_FILE: &str = if cfg!(windows) {
    "m365_connector.dll"
} else if cfg!(target_os = "macos") {
    "libm365_connector.dylib"
} else {
    "libm365_connector.so"
};

/// The connector plugin built beside the running host-sim (`target/debug/libm365_connector.so` beside
/// `target/debug/host-sim`).
pub fn default_plugin() -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(DEFAULT_PLUGIN_FILE)))
        .unwrap_or_else(|| std::path::PathBuf::from(DEFAULT_PLUGIN_FILE))
}

/// The session options host-sim passes to every session.
pub fn session_options() -> Value {
    json!({ "host": { "name": "host-sim", "version": env!("CARGO_PKG_VERSION") } })
}

/// Loads the plugin at `path`.
pub fn load(path: &Path) -> Result<Plugin, Failure> {
    Ok(Plugin::load(path)?)
}

/// Opens a session whose events are printed on standard error, one a line: with `verbose` every event,
/// otherwise only those a person must see (warnings and errors, waits, sign-in prompts, unknown events).
pub fn open(plugin: &Plugin, verbose: bool) -> Result<Session<'_>, Failure> {
    match Session::new(plugin, Some(&session_options()), move |event| {
        if verbose || worth_showing(&event) {
            eprintln!("{}", event_line(&event));
        }
    }) {
        Ok((session, _)) => Ok(session),
        Err(SessionError::Refused { status, document }) => {
            let message = document
                .get("error")
                .and_then(|error| text(error, "message"))
                .unwrap_or("no reason given");
            Err(Failure::new(
                OPERATION_FAILED,
                format!("the plugin refused to open a session ({status}): {message}"),
            ))
        }
        Err(SessionError::Call(error)) => Err(error.into()),
    }
}

/// Calls `describe` and returns its data, or the failure it reported.
pub fn describe(session: &mut Session<'_>) -> Result<(Value, Value), Failure> {
    let (status, document) = session.describe()?;
    if !status.is_ok() {
        let mut out = String::new();
        failure(&mut out, status, &document, None);
        return Err(Failure::new(
            OPERATION_FAILED,
            format!("describe failed:\n{}", out.trim_end()),
        ));
    }
    match document.get("data") {
        Some(data) if data.is_object() => Ok((data.clone(), document)),
        _ => Err(Failure::new(
            PLUGIN_BROKE_CONTRACT,
            "describe returned OK without a `data` object",
        )),
    }
}

/// Whether an event matters to a person who did not ask for progress: not step progress, not info or debug
/// log lines.
pub fn worth_showing(event: &Value) -> bool {
    match text(event, "type") {
        Some("step") => false,
        Some("log") => matches!(text(event, "level"), Some("warn") | Some("error")),
        _ => true,
    }
}

/// One event as a line a person reads.
pub fn event_line(event: &Value) -> String {
    let message = text(event, "message").unwrap_or("");
    match text(event, "type") {
        Some("log") => format!("[{}] {message}", text(event, "level").unwrap_or("info")),
        Some("step") => format!(
            "step {} {}: {message}",
            text(event, "step").unwrap_or("?"),
            text(event, "phase").unwrap_or("?")
        ),
        Some("wait") => format!(
            "waiting {}s ({}): {message}",
            event.get("seconds").map_or("?".to_owned(), plain),
            text(event, "reason").unwrap_or("?")
        ),
        Some("sign_in_prompt") => {
            let mut line = format!("sign in: {message}");
            for member in ["verification_uri", "user_code", "url"] {
                if let Some(value) = text(event, member) {
                    line.push_str(&format!(" {member}={value}"));
                }
            }
            line
        }
        _ => format!("event: {event}"),
    }
}

#[cfg(test)]
mod tests {
    use super::event_line;
    use serde_json::json;

    #[test]
    fn progress_and_chatter_are_shown_only_when_asked_for() {
        use super::worth_showing;
        assert!(!worth_showing(
            &json!({ "type": "step", "phase": "started" })
        ));
        assert!(!worth_showing(&json!({ "type": "log", "level": "info" })));
        assert!(worth_showing(&json!({ "type": "log", "level": "warn" })));
        assert!(worth_showing(
            &json!({ "type": "wait", "reason": "throttled" })
        ));
        assert!(worth_showing(&json!({ "type": "sign_in_prompt" })));
    }

    #[test]
    fn events_read_as_one_line_each() {
        assert_eq!(
            event_line(
                &json!({ "type": "log", "level": "warn", "message": "slow", "operation": "test" })
            ),
            "[warn] slow"
        );
        assert_eq!(
            event_line(
                &json!({ "type": "step", "step": "provision", "phase": "started", "message": "Creating" })
            ),
            "step provision started: Creating"
        );
        assert_eq!(
            event_line(
                &json!({ "type": "sign_in_prompt", "method": "device_code", "message": "Go",
                                "verification_uri": "https://example.invalid/device", "user_code": "ABC" })
            ),
            "sign in: Go verification_uri=https://example.invalid/device user_code=ABC"
        );
        assert_eq!(event_line(&json!("raw text")), "event: \"raw text\"");
    }
}
