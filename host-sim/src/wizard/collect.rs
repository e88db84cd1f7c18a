//! A step's fields: each shown field prompted in schema order (its required fields one by one, its optional
//! ones behind a single question), a field given by a flag shown instead of asked, then every value so far
//! checked by the plugin's `configure` (no network). Field errors of the fields collected so far are shown
//! beside their labels and asked again; errors about fields of later steps wait for those steps.

use serde_json::Value;

use crate::description::Step;
use crate::exit::{BAD_INPUT, Failure, OPERATION_FAILED};
use crate::form::{FieldState, state_of};
use crate::schema::Field;
use crate::terminal::Tone;
use crate::wizard::Wizard;

impl Wizard<'_> {
    /// Collects and checks the fields of `step`.
    pub(super) fn collect(&mut self, step: &Step) -> Result<(), Failure> {
        if step.fields.is_empty() {
            return Ok(());
        }
        self.step_heading(step);
        let mut ask: Vec<String> = step.fields.clone();
        loop {
            self.ask_fields(&ask)?;
            for name in &step.fields {
                if !self.collected.contains(name) {
                    self.collected.push(name.clone());
                }
            }
            let wrong = self.check_collected(step)?;
            if wrong.is_empty() {
                return Ok(());
            }
            if !self.interactive() {
                return Err(Failure::new(
                    OPERATION_FAILED,
                    format!("the settings of the step {:?} are not valid", step.title()),
                ));
            }
            // Ask again, the wrong fields only; a given field becomes a question once it was refused.
            self.given.retain(|name| !wrong.contains(name));
            ask = wrong;
        }
    }

    /// Checks every value with `configure`, as before a save: the errors are shown beside their labels and
    /// asked again (interactive), or end the run.
    pub fn validate_all(&mut self) -> Result<(), Failure> {
        let fields: Vec<String> = self
            .description
            .schema
            .fields
            .iter()
            .map(|field| field.name.clone())
            .collect();
        let step = Step {
            name: "configure".to_owned(),
            label: Some("Settings".to_owned()),
            operation: Some("configure".to_owned()),
            modes: None,
            fields: fields.clone(),
        };
        self.collected = fields;
        loop {
            let wrong = self.check_collected(&step)?;
            if wrong.is_empty() {
                return Ok(());
            }
            if !self.interactive() {
                return Err(Failure::new(
                    OPERATION_FAILED,
                    "the settings are not valid; nothing was changed",
                ));
            }
            self.given.retain(|name| !wrong.contains(name));
            self.ask_fields(&wrong)?;
        }
    }

    /// Asks for `names` before their own step (an operation needs them already); they count as collected.
    pub(super) fn ask_now(&mut self, names: &[String]) -> Result<(), Failure> {
        for name in names {
            let Some(field) = self.description.schema.field(name).cloned() else {
                continue;
            };
            let state = state_of(&self.description.schema, &self.values.settings, name);
            self.ask(&field, state)?;
            if !self.collected.contains(name) {
                self.collected.push(name.clone());
            }
            // Answered now: its own step shows it rather than asking again.
            if !self.given.contains(name) {
                self.given.push(name.clone());
            }
        }
        Ok(())
    }

    /// Prompts (or checks the presence of) each of `names`, in order, as the values so far show them.
    fn ask_fields(&mut self, names: &[String]) -> Result<(), Failure> {
        let mut optional: Vec<Field> = Vec::new();
        for name in names {
            let Some(field) = self.description.schema.field(name).cloned() else {
                continue;
            };
            let state = state_of(&self.description.schema, &self.values.settings, name);
            if !state.visible {
                continue;
            }
            if self.given.contains(name) {
                self.show_given(&field);
                continue;
            }
            if field_set_by_an_operation(&field) && !state.required {
                continue;
            }
            if state.required {
                self.ask(&field, state)?;
            } else {
                optional.push(field);
            }
        }
        if optional.is_empty() {
            return Ok(());
        }
        let Some(prompter) = self.prompter() else {
            return Ok(());
        };
        let labels: Vec<&str> = optional.iter().map(Field::display_label).collect();
        self.ui.line(format!(
            "  {}",
            self.ui
                .paint(Tone::Quiet, format!("Optional: {}", labels.join(", ")))
        ));
        if prompter.confirm("Set any of the optional settings?", false)? {
            for field in optional {
                // An earlier answer may have hidden or required it.
                let state = state_of(&self.description.schema, &self.values.settings, &field.name);
                if state.visible {
                    self.ask(&field, state)?;
                }
            }
        }
        Ok(())
    }

    /// Asks for one field (interactive), or makes sure a run from flags has a value for a required one.
    fn ask(&mut self, field: &Field, state: FieldState) -> Result<(), Failure> {
        let current = self.values.settings.get(&field.name).cloned().or_else(|| {
            self.values
                .secrets
                .get(&field.name)
                .map(|secret| Value::String(secret.expose().to_owned()))
        });
        match self.prompter() {
            Some(prompter) => {
                let value = prompter.field(field, current.as_ref(), state.required)?;
                self.values.set(&self.description, &field.name, value);
                Ok(())
            }
            None if self.values.has(&field.name) || !field.default.is_null() => Ok(()),
            None => Err(Failure::new(
                BAD_INPUT,
                format!(
                    "{} ({}) is required here: pass --set {}=VALUE",
                    field.display_label(),
                    field.name,
                    field.name
                ),
            )),
        }
    }

    /// A value given by a flag (or saved before), shown as the prompt would have shown the answer.
    fn show_given(&self, field: &Field) {
        let shown = if self.values.secrets.contains_key(&field.name) {
            crate::store::MASK.to_owned()
        } else {
            match self.values.settings.get(&field.name) {
                Some(value) if field.kind.as_deref() == Some("pem") => {
                    let lines = crate::schema::plain(value).lines().count();
                    format!("({lines} lines of PEM text)")
                }
                Some(value) => field.say_value(value),
                None => "(none)".to_owned(),
            }
        };
        self.ui.line(format!(
            "  {} {}: {shown}",
            self.ui.paint(Tone::Good, "✔"),
            field.display_label()
        ));
    }

    /// Runs `configure` on the values so far; shows the errors of the fields collected so far beside their
    /// labels and returns their names (empty when those fields are valid).
    fn check_collected(&mut self, step: &Step) -> Result<Vec<String>, Failure> {
        let (status, document) = self.call(step, "configure", &[])?;
        if status.is_ok() {
            if let Some(settings) = document["data"]["settings"].as_object() {
                let settings = settings.clone();
                self.values.take_settings(&self.description, &settings);
            }
            self.warn_once(&document);
            return Ok(Vec::new());
        }
        self.warn_once(&document);
        let Some(fields) = document["error"]["fields"].as_array() else {
            self.show_failure(status, &document);
            return Err(Failure::new(
                OPERATION_FAILED,
                format!("the plugin's configure refused the settings ({status})"),
            ));
        };
        let mut wrong = Vec::new();
        for error in fields {
            let Some(name) = error["field"].as_str() else {
                continue;
            };
            // `settings_version` and unknown members are not fields anyone can type: they count at once.
            let counts = self.collected.iter().any(|collected| collected == name)
                || self.description.schema.field(name).is_none();
            if !counts {
                continue;
            }
            self.ui.line(format!(
                "  {} {} ({name}): {} [{}]",
                self.ui.paint(Tone::Bad, "✘"),
                self.description.schema.label_of(name),
                error["message"].as_str().unwrap_or("is not valid"),
                error["code"].as_str().unwrap_or("invalid")
            ));
            if self.description.schema.field(name).is_none() {
                return Err(Failure::new(
                    OPERATION_FAILED,
                    format!("the plugin refused {name}, which is not one of its fields"),
                ));
            }
            if !wrong.iter().any(|seen: &String| seen == name) {
                wrong.push(name.to_owned());
            }
        }
        Ok(wrong)
    }
}

/// Whether an operation fills the field in (`set_by`): a host does not ask for it unless it is required.
fn field_set_by_an_operation(field: &Field) -> bool {
    field.set_by.is_some()
}
