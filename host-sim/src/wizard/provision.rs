//! The step whose operation is `provision` ("Create or update Azure application"): the plan first
//! (`plan_only`, nothing written), an existing application offered for adoption shown with its owners and
//! credentials and adopted only when the administrator confirms (or `--adopt` names it), then the run with
//! each item's outcome; the settings and the one-time credential it hands over are kept at once, also when
//! it fails half-way (`docs/abi.md`, "provision").

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};

use crate::description::Step;
use crate::exit::{CANCELLED, Failure, OPERATION_FAILED};
use crate::report::text;
use crate::terminal::Tone;
use crate::wizard::{Wizard, render, retry_or_stop};

impl Wizard<'_> {
    /// Runs the provision step: plan, adoption, confirmation, run.
    pub(crate) fn provision(&mut self, step: &Step) -> Result<(), Failure> {
        self.step_heading(step);
        let adopt = self.plan(step)?;
        if let Some(prompter) = self.prompter()
            && !prompter.confirm("Apply these changes now?", true)?
        {
            return Err(Failure::new(
                CANCELLED,
                format!(
                    "{} was cancelled; nothing was written or saved",
                    step.title()
                ),
            ));
        }
        let mut extra: Vec<(&str, Value)> = Vec::new();
        if let Some(app_id) = &adopt {
            extra.push(("adopt_application_id", json!(app_id)));
        }
        self.apply(step, &extra)
    }

    /// Runs `provision` for real with `extra` members and keeps what it hands over; on failure asks to try
    /// again (which completes the job) or stops.
    pub(crate) fn apply(&mut self, step: &Step, extra: &[(&str, Value)]) -> Result<(), Failure> {
        loop {
            self.ui.spin(format!("{}…", step.title()));
            let (status, document) = self.call(step, "provision", extra)?;
            // What the host must keep comes on failure too (a certificate already on the application).
            self.keep(&document["data"]);
            if status.is_ok() {
                self.ui.line("  Done:");
                render::items(&self.ui, items_of(&document));
                self.warn_once(&document);
                return Ok(());
            }
            self.failed_step(step, status, &document)?;
        }
    }

    /// Keeps the settings and the credential a `provision` result hands over.
    fn keep(&mut self, data: &Value) {
        if let Some(settings) = data["settings"].as_object() {
            let settings = settings.clone();
            self.values.take_settings(&self.description, &settings);
        }
        if self.values.take_handoff(data) {
            let thumbprint = text(&data["credential"], "thumbprint").unwrap_or("?");
            let until = text(&data["credential"], "not_after").unwrap_or("?");
            self.ui.line(format!(
                "  {}",
                self.ui.paint(
                    Tone::Quiet,
                    format!(
                        "new certificate {thumbprint} (valid until {until}) received; it is saved with the \
                         connection at Finish"
                    )
                )
            ));
        }
    }

    /// Shows the plan; returns the application id to adopt when an existing application was confirmed.
    fn plan(&mut self, step: &Step) -> Result<Option<String>, Failure> {
        let mut adopt: Option<String> = None;
        loop {
            self.ui.spin("Working out what would change…");
            let mut extra = vec![("plan_only", json!(true))];
            if let Some(app_id) = &adopt {
                extra.push(("adopt_application_id", json!(app_id)));
            }
            let (status, document) = self.call(step, "provision", &extra)?;
            if status.is_ok() {
                self.ui
                    .line("  The plan (nothing is written until you apply it):");
                render::plan(&self.ui, items_of(&document));
                self.warn_once(&document);
                return Ok(adopt);
            }
            let candidates = document["data"]["candidates"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            match status.known() {
                Some(ConnectorStatus::ConfirmationRequired)
                    if adopt.is_none() && candidates.len() == 1 =>
                {
                    adopt = Some(self.confirm_adoption(&document, &candidates[0])?);
                }
                Some(ConnectorStatus::Conflict) if !candidates.is_empty() => {
                    self.show_failure(status, &document);
                    render::candidates(&self.ui, &candidates);
                    return Err(Failure::new(
                        OPERATION_FAILED,
                        "several applications have this name: rename one, or choose another name",
                    ));
                }
                _ => {
                    self.show_failure(status, &document);
                    if !retry_or_stop(self, step.title())? {
                        return Err(Failure::new(
                            OPERATION_FAILED,
                            format!("{} failed; nothing was written or saved", step.title()),
                        ));
                    }
                }
            }
        }
    }

    /// Shows the application offered for adoption; returns its application id once adoption is confirmed.
    fn confirm_adoption(&self, document: &Value, candidate: &Value) -> Result<String, Failure> {
        let app_id = text(candidate, "app_id").unwrap_or_default().to_owned();
        let message = text(&document["error"], "message").unwrap_or(
            "An application with this name exists, and the connector did not create it.",
        );
        self.ui
            .line(format!("  {}", self.ui.paint(Tone::Warning, message)));
        render::candidates(&self.ui, std::slice::from_ref(candidate));
        let confirmed = match self.prompter() {
            Some(prompter) => prompter.confirm(
                "Adopt this application for the connection (its owners and credentials stay)?",
                false,
            )?,
            None => self.choices.adopt.as_deref() == Some(app_id.as_str()),
        };
        if confirmed {
            return Ok(app_id);
        }
        Err(Failure::new(
            if self.interactive() {
                CANCELLED
            } else {
                OPERATION_FAILED
            },
            format!(
                "the existing application was not adopted (to adopt it, pass --adopt {app_id}); nothing was \
                 written or saved"
            ),
        ))
    }
}

/// The `items` of a provision result.
fn items_of(document: &Value) -> &[Value] {
    document["data"]["items"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}
