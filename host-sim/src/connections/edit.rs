//! `host-sim edit NAME`: the console's modify-settings. The changed settings (from `--set`, or chosen and
//! typed at the terminal) are checked again by the plugin; when a changed field belongs to a step before the
//! application is created or updated, the operation steps run again (sign-in, create or update, consent,
//! test), otherwise Test connection alone; it ends in Save.

use serde_json::json;

use crate::answers::Answers;
use crate::connections::{Common, plugin_of, print_json, wizard_for};
use crate::exit::Failure;
use crate::form::state_of;
use crate::terminal::Tone;
use crate::wizard::{Choices, Run, Wizard};

/// What `edit` is told on its command line.
#[derive(Clone, Debug, Default)]
pub struct EditOptions {
    /// `--set` and `--set-file`: the changes.
    pub answers: Answers,
    /// `--adopt`, `--consent`, `--save-untested`.
    pub choices: Choices,
    /// Another plugin library than the saved one.
    pub plugin: Option<std::path::PathBuf>,
}

/// Runs `host-sim edit NAME`.
pub fn run(common: &Common, name: &str, options: &EditOptions) -> Result<(), Failure> {
    let mut store = common.open_store()?;
    let connection = store.get(name)?;
    let plugin = plugin_of(&connection, options.plugin.as_deref())?;
    let prompter = common.prompter()?;
    let mut wizard = wizard_for(
        &plugin,
        &store,
        &connection,
        common.ui(),
        prompter,
        options.choices.clone(),
    )?;
    let outcome = edit(&mut wizard, name, options).and_then(|changed| {
        if !changed {
            return Ok(());
        }
        store.change(|change| {
            change.update_settings(name, &wizard.values.settings)?;
            change.replace_secrets(name, &wizard.values.secrets)
        })?;
        wizard.note(json!({ "step": "finish", "saved": true, "connection": name }));
        wizard.ui().line(format!(
            "  {} Saved the changes to {name}.",
            wizard.ui().paint(Tone::Good, "✔")
        ));
        Ok(())
    });
    if common.json {
        print_json(
            &outcome,
            json!({ "connection": name, "steps": wizard.record() }),
        );
    }
    outcome
}

/// The changes, the check, and the steps they call for; returns whether anything changed.
fn edit(wizard: &mut Wizard<'_>, name: &str, options: &EditOptions) -> Result<bool, Failure> {
    wizard.ui().heading(&format!("Edit {name}"));
    let description = wizard.description().clone();
    let mut values = wizard.values.clone();
    let mut changed = options.answers.apply(&description, &mut values)?;
    wizard.values = values;
    if changed.is_empty() && wizard.interactive() {
        changed = choose_changes(wizard)?;
    }
    if changed.is_empty() {
        wizard.ui().line("  Nothing to change.");
        return Ok(false);
    }
    wizard.validate_all()?;
    let run = run_for(wizard, &changed);
    wizard.ui().line(format!(
        "  {}",
        wizard.ui().paint(
            Tone::Quiet,
            match run {
                Run::TestOnly =>
                    "These changes need no change to the application: testing the connection.",
                _ => "These changes reach the application: it is created or updated again.",
            }
        )
    ));
    wizard.check_choices(run)?;
    wizard.run(run)?;
    Ok(true)
}

/// Asks which settings to change, one at a time, until Done; returns the names changed.
fn choose_changes(wizard: &mut Wizard<'_>) -> Result<Vec<String>, Failure> {
    let mut changed: Vec<String> = Vec::new();
    loop {
        let description = wizard.description().clone();
        let shown: Vec<(String, String)> =
            crate::form::states(&description.schema, &wizard.values.settings)
                .into_iter()
                .filter(|(_, state)| state.visible)
                .map(|(field, _)| {
                    let value = if wizard.values.secrets.contains_key(&field.name) {
                        crate::store::MASK.to_owned()
                    } else {
                        wizard
                            .values
                            .settings
                            .get(&field.name)
                            .map_or("(none)".to_owned(), |value| field.say_value(value))
                    };
                    (
                        field.name.clone(),
                        format!("{}: {value}", field.display_label()),
                    )
                })
                .collect();
        let mut items: Vec<String> = vec!["Done".to_owned()];
        items.extend(shown.iter().map(|(_, label)| label.clone()));
        let Some(prompter) = wizard.prompter() else {
            return Ok(changed);
        };
        let chosen = prompter.choose("Change which setting?", &items, 0)?;
        if chosen == 0 {
            return Ok(changed);
        }
        let field_name = shown[chosen - 1].0.clone();
        let Some(field) = description.schema.field(&field_name) else {
            continue;
        };
        let state = state_of(&description.schema, &wizard.values.settings, &field_name);
        let current = wizard.values.settings.get(&field_name).cloned();
        let value = prompter.field(field, current.as_ref(), state.required)?;
        wizard.values.set(&description, &field_name, value);
        if !changed.contains(&field_name) {
            changed.push(field_name);
        }
    }
}

/// The operation steps again when a changed field belongs to a step before the one that creates or
/// updates the application (or the mode changed); Test connection alone otherwise.
fn run_for(wizard: &Wizard<'_>, changed: &[String]) -> Run {
    let steps = wizard.steps();
    let Some(provision) = steps
        .iter()
        .position(|step| step.operation.as_deref() == Some("provision"))
    else {
        return Run::TestOnly;
    };
    let reaches = changed.iter().any(|name| {
        name == crate::description::MODE_FIELD
            || steps[..provision]
                .iter()
                .any(|step| step.fields.contains(name))
    });
    if reaches {
        Run::Operations
    } else {
        Run::TestOnly
    }
}
