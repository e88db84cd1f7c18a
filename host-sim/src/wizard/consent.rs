//! The step whose operation is `consent`: the console's Azure Tenant Consent dialog. It lists the
//! permissions and directory roles the plugin's `describe` says it requests (`requests`), and only after the
//! administrator chose Accept does the plugin grant them. Cancel grants nothing and saves nothing.

use serde_json::Value;

use crate::description::Step;
use crate::exit::{CANCELLED, Failure};
use crate::report::text;
use crate::terminal::Tone;
use crate::wizard::{Wizard, render};

/// The settings field whose permissions the consent dialog lists beside `describe`'s (`docs/abi.md`,
/// "consent").
const ADDITIONAL_PERMISSIONS_FIELD: &str = "additional_permissions";

/// The answer to the consent dialog, given as `--consent` when no one is at a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ConsentAnswer {
    /// Grant the permissions listed.
    Accept,
    /// Grant nothing; the wizard ends without saving.
    Cancel,
}

impl Wizard<'_> {
    /// Runs the consent step: the dialog, then the grant.
    pub(crate) fn consent(&mut self, step: &Step) -> Result<(), Failure> {
        self.step_heading(step);
        self.dialog();
        let answer = match self.prompter() {
            Some(prompter) => {
                let items = ["Accept".to_owned(), "Cancel".to_owned()];
                if prompter.choose("Azure Tenant Consent", &items, 0)? == 0 {
                    ConsentAnswer::Accept
                } else {
                    ConsentAnswer::Cancel
                }
            }
            None => self.choices.consent.unwrap_or(ConsentAnswer::Cancel),
        };
        self.note(serde_json::json!({ "step": step.name, "dialog": "consent",
                                      "answer": format!("{answer:?}").to_lowercase() }));
        if answer == ConsentAnswer::Cancel {
            self.ui.line(format!(
                "  {}",
                self.ui.paint(
                    Tone::Warning,
                    "Consent cancelled: no permission was granted, and the connection is not saved."
                )
            ));
            return Err(Failure::new(
                CANCELLED,
                "the consent dialog was cancelled: nothing was granted and nothing was saved",
            ));
        }
        loop {
            self.ui.spin("Granting admin consent…");
            let (status, document) = self.call(step, "consent", &[])?;
            if status.is_ok() {
                if render::outcome_lists(&self.ui, &document["data"]) == 0 {
                    self.ui.line(format!(
                        "  {} Consent granted",
                        self.ui.paint(Tone::Good, "✔")
                    ));
                }
                self.warn_once(&document);
                return Ok(());
            }
            self.failed_step(step, status, &document)?;
        }
    }

    /// The dialog's text: each permission by its display name with its resource, value and type, then the
    /// directory roles the application holds.
    fn dialog(&self) {
        let requests = &self.description.requests;
        let permissions: Vec<&Value> = requests["permissions"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        self.ui.line(format!(
            "  {}",
            self.ui.paint(Tone::Emphasis, "Azure Tenant Consent")
        ));
        self.ui
            .line("  The application asks for these permissions for your whole organization:");
        for permission in permissions {
            let title = text(permission, "display_name")
                .or_else(|| text(permission, "name"))
                .unwrap_or("(unnamed)");
            let mut details: Vec<String> = Vec::new();
            details.extend(text(&permission["resource"], "name").map(str::to_owned));
            details.extend(text(permission, "name").map(str::to_owned));
            details.extend(text(permission, "type").map(str::to_owned));
            self.ui
                .line(format!("    - {title} ({})", details.join(", ")));
        }
        // The settings' own additions, which `docs/abi.md` ("consent") says the dialog lists too.
        if let Some(additional) = self
            .values
            .settings
            .get(ADDITIONAL_PERMISSIONS_FIELD)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
        {
            for entry in additional
                .split(['\n', ';'])
                .map(str::trim)
                .filter(|entry| !entry.is_empty() && !entry.starts_with('#'))
            {
                self.ui.line(format!("    - {entry} (from the settings)"));
            }
        }
        let roles = render::names(&requests["directory_roles"]);
        if !roles.is_empty() {
            self.ui.line(format!(
                "  It holds these directory roles: {}.",
                roles.join(", ")
            ));
        }
    }
}
