//! `host-sim remove NAME`: removes a saved connection from the store, and with `--remove-application` first
//! the application it uses, through the plugin's `remove` (after a sign-in, and only once the administrator
//! confirmed the application the plugin names).

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};

use crate::connections::{Common, plugin_of, print_json, wizard_for};
use crate::description::Step;
use crate::exit::{BAD_INPUT, CANCELLED, Failure, OPERATION_FAILED};
use crate::report::text;
use crate::terminal::Tone;
use crate::wizard::{Choices, Wizard};

/// What `remove` is told on its command line.
#[derive(Clone, Debug, Default)]
pub struct RemoveOptions {
    /// Also delete the application the connection uses.
    pub remove_application: bool,
    /// Confirmed already (`--yes`): needed without a terminal.
    pub yes: bool,
}

/// Runs `host-sim remove NAME`.
pub fn run(common: &Common, name: &str, options: &RemoveOptions) -> Result<(), Failure> {
    let mut store = common.open_store()?;
    let connection = store.get(name)?;
    let ui = common.ui();
    let prompter = common.prompter()?;
    if !options.remove_application {
        let confirmed = options.yes
            || match &prompter {
                Some(prompter) => prompter.confirm(
                    &format!(
                        "Remove the connection {name} from the store (its Azure application stays)?"
                    ),
                    false,
                )?,
                None => {
                    return Err(Failure::new(
                        BAD_INPUT,
                        "removing a connection needs a confirmation: pass --yes",
                    ));
                }
            };
        if !confirmed {
            return Err(Failure::new(CANCELLED, "nothing was removed"));
        }
        store.remove(name)?;
        ui.line(format!(
            "{} Removed {name} from {}.",
            ui.paint(Tone::Good, "✔"),
            store.path().display()
        ));
        if common.json {
            print_json(
                &Ok(()),
                json!({ "connection": name, "removed": true, "steps": [] }),
            );
        }
        return Ok(());
    }
    let plugin = plugin_of(&connection, None)?;
    let mut wizard = wizard_for(
        &plugin,
        &store,
        &connection,
        ui,
        prompter,
        Choices::default(),
    )?;
    let outcome = remove_application(&mut wizard, options).and_then(|()| {
        store.remove(name)?;
        wizard.ui().line(format!(
            "  {} Removed {name} from {}.",
            wizard.ui().paint(Tone::Good, "✔"),
            store.path().display()
        ));
        Ok(())
    });
    if common.json {
        print_json(
            &outcome,
            json!({ "connection": name, "removed": outcome.is_ok(), "steps": wizard.record() }),
        );
    }
    outcome
}

/// Signs in, asks the plugin which application it would delete, confirms, deletes.
fn remove_application(wizard: &mut Wizard<'_>, options: &RemoveOptions) -> Result<(), Failure> {
    let sign_in = wizard.step_of("authenticate");
    if let Some(step) = &sign_in {
        wizard.sign_in(step)?;
    }
    let step = Step {
        name: "remove".to_owned(),
        label: Some("Remove the application".to_owned()),
        operation: Some("remove".to_owned()),
        modes: None,
        fields: Vec::new(),
    };
    wizard.ui().heading(step.title());
    let (status, document) = wizard.call(&step, "remove", &[])?;
    let application = match status.known() {
        Some(ConnectorStatus::ConfirmationRequired) => document["data"]["application"].clone(),
        Some(ConnectorStatus::Ok) => {
            return report_removed(wizard, &document);
        }
        _ => {
            wizard.show_failure(status, &document);
            return Err(Failure::new(
                OPERATION_FAILED,
                "the application was not removed; the connection stays",
            ));
        }
    };
    let app_id = text(&application, "app_id").unwrap_or_default().to_owned();
    wizard.ui().line(format!(
        "  The application {} (application id {app_id}, object id {}) and its service principal, role \
         assignments and grants will be deleted.",
        wizard.ui().paint(Tone::Emphasis, text(&application, "display_name").unwrap_or("?")),
        text(&application, "object_id").unwrap_or("?")
    ));
    let confirmed = options.yes
        || match wizard.prompter() {
            Some(prompter) => prompter.confirm("Delete this application?", false)?,
            None => {
                return Err(Failure::new(
                    BAD_INPUT,
                    "deleting the application needs a confirmation: pass --yes",
                ));
            }
        };
    if !confirmed {
        return Err(Failure::new(CANCELLED, "nothing was removed"));
    }
    let (status, document) = wizard.call(
        &step,
        "remove",
        &[("confirm_application_id", Value::String(app_id))],
    )?;
    if !status.is_ok() {
        wizard.show_failure(status, &document);
        return Err(Failure::new(
            OPERATION_FAILED,
            "the application was not removed; the connection stays",
        ));
    }
    report_removed(wizard, &document)
}

/// What `remove` deleted.
fn report_removed(wizard: &Wizard<'_>, document: &Value) -> Result<(), Failure> {
    let data = &document["data"];
    if data["already_gone"].as_bool() == Some(true) {
        wizard.ui().line("  The application was already gone.");
    } else {
        let removed = &data["removed"];
        let counts: Vec<String> = removed
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, value)| value.is_number())
            .map(|(name, value)| format!("{} {}", value, name.replace('_', " ")))
            .collect();
        wizard.ui().line(format!(
            "  {} Deleted the application{}",
            wizard.ui().paint(Tone::Good, "✔"),
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts.join(", "))
            }
        ));
    }
    Ok(())
}
