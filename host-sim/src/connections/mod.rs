//! The connection commands: `add-connection` (the wizard), `list`, `show`, `test`, `edit`, `remove` and
//! `renew`, each on the connection store ([`crate::store`]) and each calling the connection's plugin through
//! the C ABI alone.
//!
//! | command | module |
//! |---|---|
//! | `add-connection` | [`add`] |
//! | `list`, `show` | [`list`], [`show`] |
//! | `test` | [`test`](mod@test) |
//! | `edit` | [`edit`] |
//! | `remove` | [`remove`] |
//! | `renew` | [`renew`] |

pub mod add;
pub mod edit;
pub mod list;
pub mod remove;
pub mod renew;
pub mod show;
pub mod test;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::{Value, json};

use crate::exit::Failure;
use crate::plugin::Plugin;
use crate::prompt::Prompter;
use crate::store::{Connection, Store};
use crate::terminal::Ui;
use crate::values::Values;
use crate::wizard::{Choices, Wizard};

/// What every connection command is told on its command line besides its own options.
#[derive(Clone, Debug, Default)]
pub struct Common {
    /// The store directory (`--store`); `None`: the default store.
    pub store: Option<PathBuf>,
    /// Print one JSON document on standard output (narration goes to standard error).
    pub json: bool,
    /// Show every plugin event.
    pub verbose: bool,
    /// Never ask: every answer comes from flags.
    pub non_interactive: bool,
}

impl Common {
    /// Opens the store this command names.
    pub fn open_store(&self) -> Result<Store, Failure> {
        Ok(match &self.store {
            Some(dir) => Store::open(dir)?,
            None => Store::open_default()?,
        })
    }

    /// The narration for this command.
    pub fn ui(&self) -> Rc<Ui> {
        Rc::new(Ui::new(self.json, self.verbose))
    }

    /// The prompts, unless the command runs from flags alone.
    pub fn prompter(&self) -> Result<Option<Prompter>, Failure> {
        if self.non_interactive {
            Ok(None)
        } else {
            Prompter::new().map(Some)
        }
    }
}

/// Loads the plugin a saved connection uses (or `plugin`, when given instead).
pub fn plugin_of(connection: &Connection, plugin: Option<&Path>) -> Result<Plugin, Failure> {
    crate::host::load(plugin.unwrap_or(&connection.plugin.path))
}

/// A wizard on `plugin` holding the saved values of `name` (settings and secrets), every field marked as
/// answered.
pub fn wizard_for<'p>(
    plugin: &'p Plugin,
    store: &Store,
    connection: &Connection,
    ui: Rc<Ui>,
    prompter: Option<Prompter>,
    choices: Choices,
) -> Result<Wizard<'p>, Failure> {
    let mut wizard = Wizard::open(plugin, ui, prompter, choices, None)?;
    wizard.values = Values::from_saved(connection, store.secrets(&connection.name)?);
    let names: Vec<String> = wizard
        .description()
        .schema
        .fields
        .iter()
        .map(|field| field.name.clone())
        .filter(|name| wizard.values.has(name))
        .collect();
    wizard.give(names);
    Ok(wizard)
}

/// Prints a command's JSON document: `ok`, then `members`, then on failure `error` with its message and
/// exit code.
pub fn print_json<T>(outcome: &Result<T, Failure>, members: Value) {
    let mut document = json!({ "ok": outcome.is_ok() });
    if let (Some(document), Value::Object(members)) = (document.as_object_mut(), members) {
        document.extend(members);
        if let Err(failure) = outcome {
            document.insert(
                "error".to_owned(),
                json!({ "message": failure.message, "exit_code": failure.code }),
            );
        }
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    );
}

/// The saved connection as the JSON output shows it (secrets masked).
pub fn connection_json(connection: &Connection) -> Value {
    serde_json::to_value(connection).unwrap_or(Value::Null)
}
