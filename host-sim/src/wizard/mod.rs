//! The Add connection wizard, as the console walks an administrator through it, built from the plugin's
//! `describe` alone: its steps in order (those of the chosen configuration mode), each step's fields
//! prompted from the schema (or taken from flags), and the operation each step names called through the
//! C ABI. host-sim knows the operations of the ABI (`configure`, `authenticate`, `provision`, `consent`,
//! `test`) and their documents (`docs/abi.md`), nothing about any one connector.
//!
//! | part | holds |
//! |---|---|
//! | `mod.rs` | [`Wizard`]: the session, the values, the run through the steps, the record for `--json` |
//! | `collect` | a step's fields: prompted or given, then checked by `configure` |
//! | `sign_in`, `provision`, `consent`, `test` | one operation step each |
//! | `events` | the plugin's events on the terminal (sign-in prompt, waits, the spinner) |
//! | `render` | items, checks, adoption candidates and failures as lines |

mod collect;
mod consent;
mod events;
mod provision;
pub mod render;
mod sign_in;
mod test;

use std::rc::Rc;

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};

use crate::description::{Description, MODE_FIELD, Step};
use crate::exit::{BAD_INPUT, Failure, OPERATION_FAILED};
use crate::host::{describe, session_options};
use crate::plugin::{CallError, Plugin, Session};
use crate::prompt::Prompter;
use crate::terminal::Ui;
use crate::values::{Values, masked};
use connector_abi::StatusCode;

pub use crate::wizard::consent::ConsentAnswer;

/// How a wizard run gets its answers and what it may decide alone.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    /// The application id of an existing application the administrator agrees to adopt (`--adopt`).
    pub adopt: Option<String>,
    /// The answer to the consent dialog (`--consent`); required when there is no terminal to ask.
    pub consent: Option<ConsentAnswer>,
    /// Save the connection even when Test connection fails (`--save-untested`).
    pub save_untested: bool,
}

/// Which steps a run goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// Every step of the mode, fields prompted (Add connection).
    Everything,
    /// The operation steps only, fields as they are (editing settings that the application depends on).
    Operations,
    /// Test connection only (editing settings that need no new application).
    TestOnly,
}

/// An observer of every event, beside the wizard's own rendering (the demo plays the administrator with it).
pub type Observer<'p> = Box<dyn FnMut(&Value) + 'p>;

/// One wizard run on one plugin session.
pub struct Wizard<'p> {
    session: Session<'p>,
    description: Description,
    ui: Rc<Ui>,
    prompter: Option<Prompter>,
    choices: Choices,
    /// The connection's values so far.
    pub values: Values,
    /// Fields whose value came from a flag or was saved before: shown, never prompted.
    given: Vec<String>,
    /// Fields collected by the steps so far (the only ones whose `configure` errors count yet).
    collected: Vec<String>,
    record: Vec<Value>,
    /// The warning codes shown already (each is shown once a run).
    warned: Vec<String>,
    /// The step whose title was printed last.
    headed: Option<String>,
    /// Whether the run ends in a save (Add connection, edit), which a failed step then prevents; `false` for
    /// a command that only tests.
    pub saves: bool,
}

impl<'p> Wizard<'p> {
    /// Opens a session on `plugin` whose events show on `ui` (and reach `observer`), and reads the plugin's
    /// description. Without `prompter` every answer must come from the values and choices given.
    pub fn open(
        plugin: &'p Plugin,
        ui: Rc<Ui>,
        prompter: Option<Prompter>,
        choices: Choices,
        mut observer: Option<Observer<'p>>,
    ) -> Result<Wizard<'p>, Failure> {
        let shown = Rc::clone(&ui);
        let on_event = move |event: Value| {
            events::show(&shown, &event);
            if let Some(observer) = observer.as_mut() {
                observer(&event);
            }
        };
        let mut session = match Session::new(plugin, Some(&session_options()), on_event) {
            Ok((session, _)) => session,
            Err(crate::plugin::SessionError::Call(error)) => return Err(error.into()),
            Err(crate::plugin::SessionError::Refused { status, document }) => {
                return Err(Failure::new(
                    OPERATION_FAILED,
                    format!(
                        "the plugin refused to open a session ({status}): {}",
                        document["error"]["message"]
                            .as_str()
                            .unwrap_or("no reason given")
                    ),
                ));
            }
        };
        let described = describe(&mut session);
        ui.stop_spinning();
        let (data, _) = described?;
        let description = Description::from_data(&data)?;
        let mut values = Values::default();
        if let Some(version) = description.schema.settings_version {
            values
                .settings
                .insert("settings_version".to_owned(), Value::from(version));
        }
        Ok(Wizard {
            session,
            description,
            ui,
            prompter,
            choices,
            values,
            given: Vec::new(),
            collected: Vec::new(),
            record: Vec::new(),
            warned: Vec::new(),
            headed: None,
            saves: true,
        })
    }

    /// Shows a failed call in full, then its warnings not shown before.
    pub(crate) fn show_failure(&mut self, status: StatusCode, document: &Value) {
        render::failed(&self.ui, status, document, &self.description.schema);
        self.warn_once(document);
    }

    /// After a step's operation failed: shows the failure, then returns to try again (interactive, when the
    /// administrator chose to) or ends the run.
    pub(crate) fn failed_step(
        &mut self,
        step: &Step,
        status: StatusCode,
        document: &Value,
    ) -> Result<(), Failure> {
        self.show_failure(status, document);
        if retry_or_stop(self, step.title())? {
            return Ok(());
        }
        Err(Failure::new(
            OPERATION_FAILED,
            format!("{} failed; nothing was saved", step.title()),
        ))
    }

    /// Prints the title of `step`, once however many parts of the step run.
    pub(crate) fn step_heading(&mut self, step: &Step) {
        if self.headed.as_deref() != Some(step.name.as_str()) {
            self.ui.heading(step.title());
            self.headed = Some(step.name.clone());
        }
    }

    /// Shows the warnings of a document that were not shown before in this run.
    pub(crate) fn warn_once(&mut self, document: &Value) {
        let fresh: Vec<Value> = document["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|warning| {
                let code = warning["code"].as_str().unwrap_or_default().to_owned()
                    + warning["message"].as_str().unwrap_or_default();
                if self.warned.contains(&code) {
                    false
                } else {
                    self.warned.push(code);
                    true
                }
            })
            .cloned()
            .collect();
        render::warned(&self.ui, &json!({ "warnings": fresh }));
    }

    /// The plugin's description.
    pub fn description(&self) -> &Description {
        &self.description
    }

    /// The narration.
    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    /// Whether a person answers the questions.
    pub fn interactive(&self) -> bool {
        self.prompter.is_some()
    }

    /// The prompts, when a person answers.
    pub fn prompter(&self) -> Option<&Prompter> {
        self.prompter.as_ref()
    }

    /// Marks fields as answered already (from flags, or saved before): they are shown, not prompted.
    pub fn give(&mut self, names: impl IntoIterator<Item = String>) {
        for name in names {
            if !self.given.contains(&name) {
                self.given.push(name);
            }
        }
    }

    /// Every call made so far, each as `{step, operation, status, document}` with the hand-off masked: the
    /// `steps` of the `--json` output.
    pub fn record(&self) -> &[Value] {
        &self.record
    }

    /// Adds an entry to the record that is not a plugin call (e.g. the save at Finish).
    pub fn note(&mut self, entry: Value) {
        self.record.push(entry);
    }

    /// The configuration mode the values choose (the [`MODE_FIELD`] field, or its default).
    pub fn mode(&self) -> Option<String> {
        self.values
            .settings
            .get(MODE_FIELD)
            .filter(|value| !value.is_null())
            .or_else(|| {
                self.description
                    .schema
                    .field(MODE_FIELD)
                    .map(|field| &field.default)
                    .filter(|value| !value.is_null())
            })
            .map(crate::schema::plain)
    }

    /// The steps of the current mode, in order.
    pub fn steps(&self) -> Vec<Step> {
        let mode = self.mode();
        self.description
            .steps
            .iter()
            .filter(|step| step.in_mode(mode.as_deref()))
            .cloned()
            .collect()
    }

    /// Before anything is asked or done: a run from flags alone must have an answer for every question the
    /// steps of its mode will ask, so that it never stops half-way for want of one.
    pub fn check_choices(&self, run: Run) -> Result<(), Failure> {
        if self.interactive() || run == Run::TestOnly {
            return Ok(());
        }
        let asks_consent = self
            .steps()
            .iter()
            .any(|step| step.operation.as_deref() == Some("consent"));
        if asks_consent && self.choices.consent.is_none() {
            return Err(Failure::new(
                BAD_INPUT,
                "the consent dialog needs an answer without a terminal: pass --consent accept (grant the \
                 permissions listed by `host-sim describe`) or --consent cancel",
            ));
        }
        Ok(())
    }

    /// Goes through the steps of the current mode (the mode may change at its own step) until Finish, which
    /// is left to the caller (it saves the connection). Returns once Finish is reached.
    pub fn run(&mut self, run: Run) -> Result<(), Failure> {
        let mut index = 0;
        loop {
            // Re-read every time: the mode step may have changed which steps follow.
            let steps = self.steps();
            let Some(step) = steps.get(index).cloned() else {
                return Ok(());
            };
            index += 1;
            let operation = step.operation.clone();
            if run == Run::Everything {
                self.collect(&step)?;
            }
            match operation.as_deref() {
                None => return Ok(()),
                Some("configure") => {}
                Some("authenticate") if run != Run::TestOnly => self.sign_in(&step)?,
                Some("provision") if run != Run::TestOnly => self.provision(&step)?,
                Some("consent") if run != Run::TestOnly => self.consent(&step)?,
                Some("test") => self.test(&step)?,
                Some("authenticate" | "provision" | "consent") => {}
                Some(other) => self.ui.line(format!(
                    "  {}",
                    self.ui.paint(
                        crate::terminal::Tone::Warning,
                        format!(
                            "host-sim does not know the operation {other:?} of the step {:?}; skipped",
                            step.title()
                        )
                    )
                )),
            }
        }
    }

    /// The step named by its operation (`"authenticate"`, …) in the current mode.
    pub fn step_of(&self, operation: &str) -> Option<Step> {
        self.steps()
            .into_iter()
            .find(|step| step.operation.as_deref() == Some(operation))
    }

    /// Calls an operation with the values (and `extra` members), records it, and returns its status and
    /// document.
    ///
    /// When an operation refuses the settings only because fields of later steps are still empty (the
    /// plugin checks every field at every operation), those fields are asked now, in schema order, and the
    /// call is made again.
    pub(crate) fn call(
        &mut self,
        step: &Step,
        operation: &str,
        extra: &[(&str, Value)],
    ) -> Result<(StatusCode, Value), Failure> {
        loop {
            let (status, document) = self.call_once(step, operation, extra)?;
            let early = self.asked_too_early(operation, &document);
            if early.is_empty() {
                return Ok((status, document));
            }
            let labels: Vec<&str> = early
                .iter()
                .map(|name| self.description.schema.label_of(name))
                .collect();
            self.ui.line(format!(
                "  {}",
                self.ui.paint(
                    crate::terminal::Tone::Quiet,
                    format!(
                        "{} needs these settings of a later step already: {}",
                        self.description.display_name,
                        labels.join(", ")
                    )
                )
            ));
            self.ask_now(&early)?;
        }
    }

    /// The fields an operation (not `configure`) refused only as `required` that no step collected yet.
    fn asked_too_early(&self, operation: &str, document: &Value) -> Vec<String> {
        if operation == "configure" || document["status"] != ConnectorStatus::InvalidSettings.name()
        {
            return Vec::new();
        }
        let errors: Vec<&Value> = document["error"]["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let early: Vec<String> = errors
            .iter()
            .filter(|error| error["code"] == "required")
            .filter_map(|error| error["field"].as_str())
            .filter(|name| {
                self.description.schema.field(name).is_some()
                    && !self.collected.iter().any(|collected| collected == name)
            })
            .map(str::to_owned)
            .collect();
        if early.is_empty() || early.len() != errors.len() {
            return Vec::new();
        }
        early
    }

    /// One call of an operation, recorded.
    fn call_once(
        &mut self,
        step: &Step,
        operation: &str,
        extra: &[(&str, Value)],
    ) -> Result<(StatusCode, Value), Failure> {
        let input = self.values.input(&self.description, extra);
        let result = match operation {
            "configure" => self.session.configure(&input),
            "authenticate" => self.session.authenticate(&input),
            "provision" => self.session.provision(&input),
            "consent" => self.session.consent(&input),
            "test" => self.session.test(&input),
            "remove" => self.session.remove(&input),
            other => {
                return Err(Failure::new(
                    BAD_INPUT,
                    format!("host-sim cannot call the operation {other:?}"),
                ));
            }
        };
        self.ui.stop_spinning();
        let (status, document) = result.map_err(|error: CallError| Failure::from(error))?;
        let mut entry = json!({
            "step": step.name,
            "operation": operation,
            "status": status_name(status, &document),
            "document": masked(&document, Some(&self.description)),
        });
        if let Some(plan) = extra.iter().find(|(name, _)| *name == "plan_only") {
            entry["plan_only"] = plan.1.clone();
        }
        self.record.push(entry);
        Ok((status, document))
    }
}

/// The status name a document gives, else the number.
fn status_name(status: StatusCode, document: &Value) -> String {
    document["status"]
        .as_str()
        .map_or_else(|| status.to_string(), str::to_owned)
}

/// What to do after a step failed: retry it, or stop (interactive runs ask; runs from flags stop).
fn retry_or_stop(wizard: &Wizard<'_>, what: &str) -> Result<bool, Failure> {
    match wizard.prompter() {
        Some(prompter) => {
            let items = [
                format!("Try {what} again"),
                "Cancel (nothing is saved)".to_owned(),
            ];
            Ok(prompter.choose("What now?", &items, 0)? == 0)
        }
        None => Ok(false),
    }
}
