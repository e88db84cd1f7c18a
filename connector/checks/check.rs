//! One named check of the connection test, as `test` reports it: `pass`, `fail` or `skipped`, with what was
//! found (or why it did not run), a hint that names the fix, and the service's answer where one refused.

use serde::Serialize;

use crate::error::{Error, ServiceAnswer};

/// A check's stable name and what it checks, for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Definition {
    /// The stable snake_case name (`certificate_present`).
    pub name: &'static str,
    /// What it checks, for people.
    pub label: &'static str,
}

/// How a check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It checked and found what it should.
    Pass,
    /// It checked and found a problem.
    Fail,
    /// It did not run: what it needs was missing (another check failed, or no administrator signed in).
    Skipped,
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The stable name.
    pub name: &'static str,
    /// What it checks, for people.
    pub label: &'static str,
    /// How it ended.
    pub status: Status,
    /// What it found, or why it did not run.
    pub message: String,
    /// What to do about a failure (or to make a skipped check run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The service's answer, when a service refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceAnswer>,
}

impl Check {
    fn new(definition: Definition, status: Status, message: impl Into<String>) -> Check {
        Check {
            name: definition.name,
            label: definition.label,
            status,
            message: message.into(),
            hint: None,
            service: None,
        }
    }

    /// A check that passed.
    pub fn pass(definition: Definition, message: impl Into<String>) -> Check {
        Check::new(definition, Status::Pass, message)
    }

    /// A check that failed, with the fix.
    pub fn fail(
        definition: Definition,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Check {
        Check::new(definition, Status::Fail, message).with_hint(hint)
    }

    /// A check that failed because a request failed: the error's message, hint and service answer.
    pub fn failed_with(definition: Definition, error: &Error) -> Check {
        let mut check = Check::new(definition, Status::Fail, error.message());
        check.hint = error.hint().map(str::to_owned);
        check.service = error.service().cloned();
        check
    }

    /// A check that did not run, and why.
    pub fn skipped(definition: Definition, reason: impl Into<String>) -> Check {
        Check::new(definition, Status::Skipped, reason)
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Check {
        self.hint = Some(hint.into());
        self
    }

    /// Adds the answer of the service that refused.
    pub fn with_service(mut self, service: ServiceAnswer) -> Check {
        self.service = Some(service);
        self
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }

    /// Whether it failed.
    pub fn failed(&self) -> bool {
        self.status == Status::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::{Check, Definition, Status};

    const EXAMPLE: Definition = Definition {
        name: "example",
        label: "An example",
    };

    #[test]
    fn a_check_serialises_with_its_status_in_snake_case() {
        let check = Check::fail(EXAMPLE, "Missing.", "Add it.");
        assert_eq!(check.status, Status::Fail);
        assert_eq!(
            serde_json::to_value(&check).unwrap(),
            serde_json::json!({"name": "example", "label": "An example", "status": "fail",
                "message": "Missing.", "hint": "Add it."})
        );
        let skipped = serde_json::to_value(Check::skipped(EXAMPLE, "Not needed.")).unwrap();
        assert_eq!(skipped["status"], "skipped");
        assert!(skipped.get("hint").is_none());
    }
}
