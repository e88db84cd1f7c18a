//! The plugin's events as the wizard shows them: the sign-in prompt with its code and URL set apart, waits
//! and progress on the spinner (and as lines off a terminal, where no spinner is drawn), warnings and errors
//! as lines; everything else only with `--verbose`.

use serde_json::Value;

use crate::host::event_line;
use crate::report::text;
use crate::terminal::{Tone, Ui};

/// Shows one event.
pub fn show(ui: &Ui, event: &Value) {
    match text(event, "type") {
        Some("sign_in_prompt") => sign_in_prompt(ui, event),
        Some("wait") => {
            let line = event_line(event);
            if ui.is_terminal() {
                ui.spin(line);
            } else if ui.first_wait() || ui.verbose() {
                // Off a terminal the first wait of a call says why; --verbose shows every one.
                ui.line(format!("  {line}"));
            }
        }
        Some("step") => {
            if ui.verbose() {
                ui.line(format!("  {}", ui.paint(Tone::Quiet, event_line(event))));
            } else if text(event, "phase") == Some("started")
                && let Some(message) = text(event, "message")
            {
                ui.spin(message.to_owned());
            }
        }
        Some("log") => match text(event, "level") {
            Some("warn") => ui.line(format!("  {}", ui.paint(Tone::Warning, event_line(event)))),
            Some("error") => ui.line(format!("  {}", ui.paint(Tone::Bad, event_line(event)))),
            _ if ui.verbose() => ui.line(format!("  {}", ui.paint(Tone::Quiet, event_line(event)))),
            _ => {}
        },
        _ => ui.line(format!("  {}", event_line(event))),
    }
}

/// The sign-in prompt: what to open and what to type, each on a line of its own, then the spinner while
/// the plugin waits for the administrator.
fn sign_in_prompt(ui: &Ui, event: &Value) {
    ui.stop_spinning();
    if let Some(message) = text(event, "message") {
        ui.line(format!("  {message}"));
    }
    if let Some(uri) = text(event, "verification_uri") {
        ui.line(format!("    Open:     {}", ui.paint(Tone::Emphasis, uri)));
    }
    if let Some(code) = text(event, "user_code") {
        ui.line(format!("    Code:     {}", ui.paint(Tone::Emphasis, code)));
    }
    if let Some(url) = text(event, "url") {
        ui.line(format!("    Open:     {}", ui.paint(Tone::Emphasis, url)));
    }
    if let Some(expires) = text(event, "expires_at") {
        ui.line(format!("    Expires:  {expires}"));
    }
    ui.spin("Waiting for the administrator to sign in…");
}
