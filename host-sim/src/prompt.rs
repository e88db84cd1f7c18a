//! The interactive prompts (dialoguer, on standard error): one for each kind of settings field the schema
//! can have, and the wizard's own questions (choices and confirmations). Each field prompt shows the field's
//! help first and checks what is typed with [`crate::form::parse`] before accepting it.

use std::io::IsTerminal;

use console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Password, Select};
use serde_json::Value;

use crate::exit::{BAD_INPUT, CANCELLED, Failure};
use crate::schema::{Field, plain};

/// The prompts, on the terminal of standard error (where dialoguer draws them).
pub struct Prompter {
    theme: ColorfulTheme,
    term: Term,
}

impl Prompter {
    /// The prompts, or a [`BAD_INPUT`] failure saying to pass `--non-interactive` when standard input or
    /// standard error is not a terminal.
    pub fn new() -> Result<Prompter, Failure> {
        let term = Term::stderr();
        if !term.is_term() || !std::io::stdin().is_terminal() {
            return Err(Failure::new(
                BAD_INPUT,
                "the wizard needs a terminal to ask its questions; pass --non-interactive and give every \
                 answer as a flag (--set FIELD=VALUE, …) to run it from a script",
            ));
        }
        Ok(Prompter {
            theme: ColorfulTheme::default(),
            term,
        })
    }

    /// Asks for the value of `field` (`current` is its value so far, offered as the default). Blank input
    /// clears an optional field. Returns the value to set.
    pub fn field(
        &self,
        field: &Field,
        current: Option<&Value>,
        required: bool,
    ) -> Result<Option<Value>, Failure> {
        let label = field.display_label().to_owned();
        if let Some(help) = field.help.as_deref().filter(|help| !help.is_empty()) {
            let help: Vec<&str> = help.split_whitespace().collect();
            let _ = self.term.write_line(
                &style(format!("  {}", help.join(" ")))
                    .dim()
                    .for_stderr()
                    .to_string(),
            );
        }
        let current = current.filter(|value| !crate::form::is_blank(value));
        if let Some(choices) = field.choices.as_ref().filter(|c| !c.is_empty()) {
            let mut items: Vec<String> = choices
                .iter()
                .map(|choice| choice.label.clone().unwrap_or_else(|| plain(&choice.value)))
                .collect();
            let mut values: Vec<Option<Value>> = choices
                .iter()
                .map(|choice| Some(choice.value.clone()))
                .collect();
            if !required {
                items.insert(0, "(none)".to_owned());
                values.insert(0, None);
            }
            let wanted = current.or(Some(&field.default).filter(|d| !d.is_null()));
            let default = values
                .iter()
                .position(|value| value.as_ref() == wanted)
                .unwrap_or(0);
            let chosen = self.choose(&label, &items, default)?;
            return Ok(values.swap_remove(chosen));
        }
        if field.kind.as_deref() == Some("pem") {
            return self.pem_file(field, &label, required);
        }
        if field.secret {
            let prompt = if current.is_some() {
                format!("{label} (Enter keeps the current value)")
            } else {
                label.clone()
            };
            let check = field.clone();
            let needed = required && current.is_none();
            let typed = Password::with_theme(&self.theme)
                .with_prompt(prompt)
                .allow_empty_password(true)
                .validate_with(move |typed: &String| -> Result<(), String> {
                    match crate::form::parse(&check, typed) {
                        Ok(None) if needed => {
                            Err(format!("{} is required.", check.display_label()))
                        }
                        Ok(_) => Ok(()),
                        Err(reason) => Err(reason),
                    }
                })
                .interact_on(&self.term)
                .map_err(interrupted)?;
            if typed.is_empty() {
                return Ok(current.cloned());
            }
            return crate::form::parse(field, &typed)
                .map_err(|reason| Failure::new(BAD_INPUT, reason));
        }
        let default = current
            .or(Some(&field.default).filter(|d| !d.is_null()))
            .map(plain);
        let check = field.clone();
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(label)
            .allow_empty(!required)
            .validate_with(move |typed: &String| -> Result<(), String> {
                match crate::form::parse(&check, typed) {
                    Ok(None) if required => Err(format!("{} is required.", check.display_label())),
                    Ok(_) => Ok(()),
                    Err(reason) => Err(reason),
                }
            });
        if let Some(default) = default {
            input = input.default(default);
        }
        let typed = input.interact_on(&self.term).map_err(interrupted)?;
        crate::form::parse(field, &typed).map_err(|reason| Failure::new(BAD_INPUT, reason))
    }

    /// A PEM field: the path of a file holding the text (typing PEM into a prompt loses its line breaks).
    fn pem_file(
        &self,
        field: &Field,
        label: &str,
        required: bool,
    ) -> Result<Option<Value>, Failure> {
        loop {
            let path: String = Input::with_theme(&self.theme)
                .with_prompt(format!("{label}: path of a PEM file"))
                .allow_empty(!required)
                .interact_on(&self.term)
                .map_err(interrupted)?;
            if path.trim().is_empty() {
                return Ok(None);
            }
            match std::fs::read_to_string(path.trim()) {
                Ok(text) => match crate::form::parse(field, &text) {
                    Ok(value) => return Ok(value),
                    Err(reason) => self.say_error(&reason),
                },
                Err(error) => self.say_error(&format!("{}: {error}", path.trim())),
            }
        }
    }

    /// Lets the person pick one of `items`; returns its index.
    pub fn choose(&self, prompt: &str, items: &[String], default: usize) -> Result<usize, Failure> {
        Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default.min(items.len().saturating_sub(1)))
            .interact_on(&self.term)
            .map_err(interrupted)
    }

    /// Asks a yes-or-no question.
    pub fn confirm(&self, prompt: &str, default: bool) -> Result<bool, Failure> {
        Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact_on(&self.term)
            .map_err(interrupted)
    }

    /// Asks for text checked by `check` (blank input allowed only when `allow_empty`).
    pub fn text(
        &self,
        prompt: &str,
        default: Option<&str>,
        allow_empty: bool,
        check: impl Fn(&str) -> Result<(), String> + 'static,
    ) -> Result<String, Failure> {
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(allow_empty)
            .validate_with(move |typed: &String| check(typed));
        if let Some(default) = default {
            input = input.default(default.to_owned());
        }
        input.interact_on(&self.term).map_err(interrupted)
    }

    /// Shows a problem the way the prompts show theirs.
    pub fn say_error(&self, message: &str) {
        let _ = self
            .term
            .write_line(&style(format!("✘ {message}")).red().for_stderr().to_string());
    }
}

/// A prompt that could not finish (the terminal closed, or the person interrupted it).
fn interrupted(error: dialoguer::Error) -> Failure {
    Failure::new(
        CANCELLED,
        format!("the prompt ended before an answer ({error}); nothing was saved"),
    )
}
