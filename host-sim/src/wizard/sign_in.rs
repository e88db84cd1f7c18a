//! The step whose operation is `authenticate` ("Log in to Azure" for the Microsoft 365 connector): offered
//! only once the steps before it are valid, then the plugin signs the administrator in (its `sign_in_prompt`
//! event shows what to open and type) and the result says who signed in where, with the warnings about steps
//! their roles do not allow (`docs/abi.md`, "authenticate").

use serde_json::Value;

use crate::description::Step;
use crate::exit::{CANCELLED, Failure};
use crate::report::text;
use crate::terminal::Tone;
use crate::wizard::{Wizard, render};

impl Wizard<'_> {
    /// Runs the sign-in step: asks to go ahead (interactive), signs in, shows who signed in.
    pub(crate) fn sign_in(&mut self, step: &Step) -> Result<(), Failure> {
        self.step_heading(step);
        loop {
            if let Some(prompter) = self.prompter() {
                let items = [
                    step.title().to_owned(),
                    "Cancel (nothing is saved)".to_owned(),
                ];
                if prompter.choose("Ready", &items, 0)? != 0 {
                    return Err(Failure::new(
                        CANCELLED,
                        format!("{} was cancelled; nothing was saved", step.title()),
                    ));
                }
            }
            self.ui.spin(format!("{}…", step.title()));
            let (status, document) = self.call(step, "authenticate", &[])?;
            if status.is_ok() {
                self.signed_in(&document["data"]);
                self.warn_once(&document);
                // `data.can` says, for each later step, whether the account's roles allow it.
                let blocked = document["data"]["can"]
                    .as_object()
                    .is_some_and(|can| can.values().any(|step| step["allowed"] == false));
                if blocked
                    && let Some(prompter) = self.prompter()
                    && !prompter.confirm("Continue with this account anyway?", true)?
                {
                    continue;
                }
                return Ok(());
            }
            self.failed_step(step, status, &document)?;
        }
    }

    /// Who signed in, to which tenant, with which active roles.
    fn signed_in(&self, data: &Value) {
        let user = &data["user"];
        let tenant = &data["tenant"];
        let who = match (
            text(user, "display_name"),
            text(user, "user_principal_name"),
        ) {
            (Some(name), Some(upn)) => format!("{name} ({upn})"),
            (Some(name), None) => name.to_owned(),
            (None, Some(upn)) => upn.to_owned(),
            (None, None) => "the administrator".to_owned(),
        };
        let mut line = format!("  {} Signed in as {who}", self.ui.paint(Tone::Good, "✔"));
        if let Some(name) = text(tenant, "display_name") {
            line.push_str(&format!(" to {name}"));
        }
        let mut details: Vec<&str> = Vec::new();
        details.extend(text(tenant, "initial_domain"));
        details.extend(text(tenant, "id"));
        if !details.is_empty() {
            line.push_str(&format!(" ({})", details.join(", ")));
        }
        self.ui.line(line);
        let roles = render::names(&user["roles"]["active"]);
        if !roles.is_empty() {
            self.ui.line(format!(
                "    {}",
                self.ui
                    .paint(Tone::Quiet, format!("active roles: {}", roles.join(", ")))
            ));
        }
    }
}
