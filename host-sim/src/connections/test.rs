//! `host-sim test NAME`: Test connection on a saved connection, from its saved settings and secrets alone
//! (no sign-in), every check with its result and hint.

use serde_json::json;

use crate::connections::{Common, plugin_of, print_json, wizard_for};
use crate::exit::{BAD_INPUT, Failure};
use crate::wizard::Choices;

/// Runs `host-sim test NAME` (with `plugin`, another library than the saved one).
pub fn run(common: &Common, name: &str, plugin: Option<&std::path::Path>) -> Result<(), Failure> {
    let store = common.open_store()?;
    let connection = store.get(name)?;
    let plugin = plugin_of(&connection, plugin)?;
    let ui = common.ui();
    let mut wizard = wizard_for(&plugin, &store, &connection, ui, None, Choices::default())?;
    wizard.saves = false;
    let outcome = match wizard.step_of("test") {
        Some(step) => wizard.test(&step),
        None => Err(Failure::new(
            BAD_INPUT,
            format!(
                "{} has no Test connection step",
                wizard.description().display_name
            ),
        )),
    };
    if common.json {
        print_json(
            &outcome,
            json!({ "connection": name, "steps": wizard.record() }),
        );
    }
    outcome
}
