//! `host-sim add-connection`: the console's Add connection wizard in its order — connection name, connector
//! (a plugin path), then the plugin's own steps (see [`crate::wizard`]) — ending at Finish with the
//! connection saved in the store, secrets in its protected table. Every prompt has a flag, so a script runs
//! it end to end with `--non-interactive`.

use std::path::PathBuf;
use std::rc::Rc;

use serde_json::{Value, json};

use crate::answers::Answers;
use crate::connections::{Common, connection_json, print_json};
use crate::description::Description;
use crate::exit::{BAD_INPUT, Failure};
use crate::prompt::Prompter;
use crate::store::{Connection, NewConnection, PluginInfo, Store, check_name};
use crate::terminal::{Tone, Ui};
use crate::wizard::{Choices, Observer, Run, Wizard};

/// What `add-connection` is told on its command line.
#[derive(Clone, Debug, Default)]
pub struct AddOptions {
    /// The connection's name (`--name`); asked when missing.
    pub name: Option<String>,
    /// The plugin (`--plugin`); asked when missing, offering the connector built beside host-sim.
    pub plugin: Option<PathBuf>,
    /// `--set` and `--set-file`.
    pub answers: Answers,
    /// `--adopt`, `--consent`, `--save-untested`.
    pub choices: Choices,
}

/// Runs `host-sim add-connection` and prints its outcome (a JSON document with `--json`).
pub fn run(common: &Common, options: &AddOptions) -> Result<(), Failure> {
    let ui = common.ui();
    let prompter = common.prompter()?;
    let mut store = common.open_store()?;
    let mut record = Vec::new();
    let outcome = add(&ui, prompter, &mut store, options, None, &mut record);
    if common.json {
        print_json(&outcome, outcome_members(&store, &outcome, record));
    }
    outcome.map(drop)
}

/// The members of the JSON document that tells what `add` did (for `--json`): the store, the connection
/// as saved (`null` when none was) and the calls made.
pub fn outcome_members(
    store: &Store,
    outcome: &Result<(Connection, Description), Failure>,
    record: Vec<Value>,
) -> Value {
    let connection = outcome
        .as_ref()
        .ok()
        .map_or(Value::Null, |(connection, _)| connection_json(connection));
    json!({ "store": store.path(), "connection": connection, "steps": record })
}

/// Runs the wizard and saves the connection: returns it as saved, with the plugin's description. `record` receives every call made
/// (hand-off masked), also when the wizard stops early. `observer` sees every plugin event.
pub fn add<'a>(
    ui: &Rc<Ui>,
    prompter: Option<Prompter>,
    store: &mut Store,
    options: &AddOptions,
    observer: Option<Observer<'a>>,
    record: &mut Vec<Value>,
) -> Result<(Connection, Description), Failure> {
    ui.heading("Add connection");
    let name = connection_name(ui, prompter.as_ref(), store, options.name.as_deref())?;
    let plugin_path = plugin_path(prompter.as_ref(), options.plugin.as_ref())?;
    let plugin = crate::host::load(&plugin_path)?;
    let mut wizard = Wizard::open(
        &plugin,
        Rc::clone(ui),
        prompter,
        options.choices.clone(),
        observer,
    )?;
    let outcome = walk(&mut wizard, store, &name, &plugin_path, options);
    record.extend(wizard.record().iter().cloned());
    outcome.map(|connection| (connection, wizard.description().clone()))
}

/// The wizard's steps and the save at Finish.
fn walk(
    wizard: &mut Wizard<'_>,
    store: &mut Store,
    name: &str,
    plugin_path: &std::path::Path,
    options: &AddOptions,
) -> Result<Connection, Failure> {
    let description = wizard.description().clone();
    wizard.ui().line(format!(
        "  Connector: {} {} ({})",
        description.display_name,
        description.version,
        plugin_path.display()
    ));
    let mut values = std::mem::take(&mut wizard.values);
    let given = options.answers.apply(&description, &mut values)?;
    wizard.values = values;
    wizard.give(given);
    wizard.check_choices(Run::Everything)?;
    wizard.run(Run::Everything)?;

    let finish = wizard
        .step_of_finish()
        .unwrap_or_else(|| "Finish".to_owned());
    wizard.ui().heading(&finish);
    let plugin = PluginInfo {
        path: plugin_path
            .canonicalize()
            .unwrap_or_else(|_| plugin_path.to_path_buf()),
        name: description.name.clone(),
        version: description.version.clone(),
    };
    store.add(&NewConnection {
        name: name.to_owned(),
        plugin,
        settings: wizard.values.settings.clone(),
        secrets: wizard.values.secrets.clone(),
    })?;
    let saved = store.get(name)?;
    wizard.note(json!({ "step": "finish", "saved": true, "connection": name }));
    wizard.ui().line(format!(
        "  {} Saved the connection {} in {} ({} kept in its protected table).",
        wizard.ui().paint(Tone::Good, "✔"),
        wizard.ui().paint(Tone::Emphasis, name),
        store.path().display(),
        crate::terminal::count(saved.secrets.len(), "secret")
    ));
    Ok(saved)
}

/// The connection's name: given, or asked; unique in the store.
fn connection_name(
    ui: &Ui,
    prompter: Option<&Prompter>,
    store: &Store,
    given: Option<&str>,
) -> Result<String, Failure> {
    let taken: Vec<String> = store
        .list()?
        .into_iter()
        .map(|connection| connection.name)
        .collect();
    let check = move |name: &str| -> Result<(), String> {
        check_name(name).map_err(|error| error.to_string())?;
        if taken.iter().any(|taken| taken.eq_ignore_ascii_case(name)) {
            return Err(format!("a connection named {name:?} exists already"));
        }
        Ok(())
    };
    match (given, prompter) {
        (Some(name), _) => {
            check(name).map_err(|reason| Failure::new(BAD_INPUT, format!("--name: {reason}")))?;
            ui.line(format!(
                "  {} Connection name: {name}",
                ui.paint(Tone::Good, "✔")
            ));
            Ok(name.to_owned())
        }
        (None, Some(prompter)) => prompter.text("Connection name", None, false, check),
        (None, None) => Err(Failure::new(
            BAD_INPUT,
            "the connection needs a name: pass --name NAME",
        )),
    }
}

/// The plugin's path: given, or asked (the connector built beside host-sim is offered).
fn plugin_path(prompter: Option<&Prompter>, given: Option<&PathBuf>) -> Result<PathBuf, Failure> {
    let default = crate::host::default_plugin();
    match (given, prompter) {
        (Some(path), _) => Ok(path.clone()),
        (None, Some(prompter)) => {
            let typed = prompter.text(
                "Use the specified connector (plugin library)",
                Some(&default.display().to_string()),
                false,
                |path: &str| {
                    if std::path::Path::new(path.trim()).is_file() {
                        Ok(())
                    } else {
                        Err(format!("{}: no such file", path.trim()))
                    }
                },
            )?;
            Ok(PathBuf::from(typed.trim()))
        }
        (None, None) => Ok(default),
    }
}

impl Wizard<'_> {
    /// The title of the step without an operation (Finish), when the plugin names one.
    pub fn step_of_finish(&self) -> Option<String> {
        self.steps()
            .into_iter()
            .find(|step| step.operation.is_none())
            .map(|step| step.title().to_owned())
    }
}
