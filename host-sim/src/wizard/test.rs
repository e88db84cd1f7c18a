//! The step whose operation is `test` (Test connection): every check with its result, and for each that
//! failed the hint naming the fix. A failed test saves nothing unless the administrator says to (or
//! `--save-untested`); it can be run again, since newly granted access takes a while to reach tokens.

use crate::description::Step;
use crate::exit::{CANCELLED, Failure, OPERATION_FAILED};
use crate::terminal::{Tone, count};
use crate::wizard::{Wizard, render};
use connector_abi::ConnectorStatus;

impl Wizard<'_> {
    /// Runs Test connection; returns once it passed, or failed and the administrator chose to save anyway.
    pub(crate) fn test(&mut self, step: &Step) -> Result<(), Failure> {
        self.step_heading(step);
        loop {
            self.ui.spin(format!("{}…", step.title()));
            let (status, document) = self.call(step, "test", &[])?;
            let (passed, failed, skipped) = render::checks(&self.ui, &document["data"]);
            if status.is_ok() {
                self.ui.line(format!(
                    "  {}",
                    self.ui.paint(
                        Tone::Good,
                        format!(
                            "The connection works: {} passed, {skipped} skipped.",
                            count(passed, "check")
                        )
                    )
                ));
                self.warn_once(&document);
                return Ok(());
            }
            if document["status"] == ConnectorStatus::TestFailed.name() {
                self.ui.line(format!(
                    "  {}",
                    self.ui.paint(
                        Tone::Bad,
                        format!(
                            "{} failed, {passed} passed, {skipped} skipped.",
                            count(failed, "check")
                        )
                    )
                ));
            } else {
                self.show_failure(status, &document);
            }
            match self.prompter() {
                Some(prompter) => {
                    let items = [
                        "Test again".to_owned(),
                        "Finish anyway (save the connection)".to_owned(),
                        "Cancel (nothing is saved)".to_owned(),
                    ];
                    match prompter.choose("What now?", &items, 0)? {
                        0 => continue,
                        1 => return Ok(()),
                        _ => {
                            return Err(Failure::new(
                                CANCELLED,
                                "Test connection did not pass and the wizard was cancelled; nothing was saved",
                            ));
                        }
                    }
                }
                None if self.choices.save_untested => {
                    self.ui.line(format!(
                        "  {}",
                        self.ui
                            .paint(Tone::Warning, "Saving anyway, as --save-untested asks.")
                    ));
                    return Ok(());
                }
                None if self.saves => {
                    return Err(Failure::new(
                        OPERATION_FAILED,
                        format!(
                            "{} did not pass; nothing was saved (pass --save-untested to save anyway)",
                            step.title()
                        ),
                    ));
                }
                None => {
                    return Err(Failure::new(
                        OPERATION_FAILED,
                        format!("{} did not pass", step.title()),
                    ));
                }
            }
        }
    }
}
