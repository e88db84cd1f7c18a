//! The terminal the wizard talks to: where its narration goes, its styles (colour only on a terminal and
//! never with `NO_COLOR`, which the `console` crate honours for every style here and in the prompts), and
//! the spinner shown while the plugin works (drawn only on a terminal).

use std::cell::{Cell, RefCell};
use std::io::{IsTerminal, Write};
use std::time::Duration;

use console::{Style, StyledObject};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What a piece of narration is, which decides its style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A step's title.
    Heading,
    /// Something that went well (a check that passed, a saved connection).
    Good,
    /// Something that failed.
    Bad,
    /// A warning, or something skipped.
    Warning,
    /// What a person must read or type (a sign-in code, a URL).
    Emphasis,
    /// Help and secondary detail.
    Quiet,
}

/// Where the wizard's narration goes: standard output, or standard error when standard output carries a
/// JSON document. One spinner at a time; lines printed while it spins appear above it.
pub struct Ui {
    to_stderr: bool,
    verbose: bool,
    spinner: RefCell<Option<ProgressBar>>,
    /// Whether a wait was narrated during the current call (off a terminal, one line tells of the waits).
    waited: Cell<bool>,
}

impl Ui {
    /// Narration on standard output, or on standard error with `to_stderr` (when `--json` is given). With
    /// `verbose`, every plugin event is narrated.
    pub fn new(to_stderr: bool, verbose: bool) -> Ui {
        Ui {
            to_stderr,
            verbose,
            spinner: RefCell::new(None),
            waited: Cell::new(false),
        }
    }

    /// Notes a wait of the current call; returns whether it is the first.
    pub fn first_wait(&self) -> bool {
        !self.waited.replace(true)
    }

    /// Whether every plugin event is narrated.
    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// Whether the narration goes to a terminal (so a spinner is drawn and colour may be used).
    pub fn is_terminal(&self) -> bool {
        if self.to_stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        }
    }

    /// `text` in the style of `tone`, for the stream the narration goes to.
    pub fn paint<D>(&self, tone: Tone, text: D) -> StyledObject<D> {
        let style = match tone {
            Tone::Heading => Style::new().bold().cyan(),
            Tone::Good => Style::new().green(),
            Tone::Bad => Style::new().red().bold(),
            Tone::Warning => Style::new().yellow(),
            Tone::Emphasis => Style::new().bold(),
            Tone::Quiet => Style::new().dim(),
        };
        let style = if self.to_stderr {
            style.for_stderr()
        } else {
            style.for_stdout()
        };
        style.apply_to(text)
    }

    /// Prints one line (or several, for text with line breaks), above the spinner when one spins.
    pub fn line(&self, text: impl AsRef<str>) {
        let text = text.as_ref();
        let print = || {
            if self.to_stderr {
                let _ = writeln!(std::io::stderr(), "{text}");
            } else {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{text}");
                let _ = out.flush();
            }
        };
        match self.spinner.borrow().as_ref() {
            Some(spinner) => spinner.suspend(print),
            None => print(),
        }
    }

    /// Prints an empty line and a step's title.
    pub fn heading(&self, title: &str) {
        self.line("");
        self.line(self.paint(Tone::Heading, title).to_string());
    }

    /// Starts (or retitles) the spinner with this message. Off a terminal nothing is drawn.
    pub fn spin(&self, message: impl Into<String>) {
        let message = message.into();
        let mut spinner = self.spinner.borrow_mut();
        match spinner.as_ref() {
            Some(bar) => bar.set_message(message),
            None => {
                let target = if !self.is_terminal() {
                    ProgressDrawTarget::hidden()
                } else if self.to_stderr {
                    ProgressDrawTarget::stderr()
                } else {
                    ProgressDrawTarget::stdout()
                };
                let bar = ProgressBar::with_draw_target(None, target);
                if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                    bar.set_style(style);
                }
                bar.set_message(message);
                bar.enable_steady_tick(Duration::from_millis(100));
                *spinner = Some(bar);
            }
        }
    }

    /// Stops the spinner and clears its line (the end of a call).
    pub fn stop_spinning(&self) {
        self.waited.set(false);
        if let Some(bar) = self.spinner.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.stop_spinning();
    }
}

/// The mark of an outcome or check status, as a person reads it in a list.
pub fn mark(ui: &Ui, status: &str) -> String {
    match status {
        "pass" | "passed" | "ok" | "created" | "granted" | "widened" | "updated" | "adopted"
        | "removed" => ui.paint(Tone::Good, "✔").to_string(),
        "fail" | "failed" | "error" | "not_granted" => ui.paint(Tone::Bad, "✘").to_string(),
        "skipped" | "warning" => ui.paint(Tone::Warning, "–").to_string(),
        _ => ui.paint(Tone::Quiet, "·").to_string(),
    }
}

/// `n` things, with the noun in the plural unless `n` is 1: `1 check`, `3 checks`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(count(1, "check"), "1 check");
        assert_eq!(count(0, "check"), "0 checks");
        assert_eq!(count(11, "secret"), "11 secrets");
    }
}
