//! The operations a host calls and the wizard steps they serve.
//!
//! An [`Operation`] is one function of the C ABI that runs on a session; a [`Step`] is one page of the
//! console's configuration wizard. Result and event documents name both (see `docs/abi.md`). Which settings
//! fields a step collects is said by the settings schema (`crate::settings`), not here.

use serde::{Deserialize, Serialize};

/// An ABI operation, by the name result and event documents use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `session_new`.
    SessionNew,
    /// `describe`.
    Describe,
    /// `configure`.
    Configure,
    /// `authenticate`.
    Authenticate,
    /// `provision`.
    Provision,
    /// `consent`.
    Consent,
    /// `test`.
    Test,
    /// `remove`.
    Remove,
    /// `cancel`.
    Cancel,
}

impl Operation {
    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::SessionNew => "session_new",
            Operation::Describe => "describe",
            Operation::Configure => "configure",
            Operation::Authenticate => "authenticate",
            Operation::Provision => "provision",
            Operation::Consent => "consent",
            Operation::Test => "test",
            Operation::Remove => "remove",
            Operation::Cancel => "cancel",
        }
    }

    /// The wizard step the operation serves, when it is one.
    pub fn step(self) -> Option<Step> {
        match self {
            Operation::Authenticate => Some(Step::SignIn),
            Operation::Provision => Some(Step::Provision),
            Operation::Consent => Some(Step::Consent),
            Operation::Test => Some(Step::Test),
            _ => None,
        }
    }

    /// The step name a document shows for this operation: its wizard step, or its own name outside the
    /// wizard steps (`configure`).
    pub fn step_name(self) -> &'static str {
        self.step().map_or(self.name(), Step::name)
    }

    /// The members of the operation's input document that are not settings (so far only `provision`'s
    /// `plan_only`).
    pub fn input_members(self) -> &'static [&'static str] {
        match self {
            Operation::Provision => &[
                "plan_only",
                "adopt_application_id",
                "remove_other_certificates",
            ],
            Operation::Remove => &["confirm_application_id"],
            _ => &[],
        }
    }
}

/// A step of the configuration wizard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Choose auto or manual configuration.
    Mode,
    /// Say how many directories the tenant holds, and which.
    Tenant,
    /// Log in to Azure as an administrator.
    SignIn,
    /// Name the Azure application (auto), or give the registered one and its certificate (manual).
    Application,
    /// Create or update the Azure application.
    Provision,
    /// Grant admin consent to its permissions.
    Consent,
    /// Test the connection.
    Test,
    /// Save the connection.
    Finish,
}

impl Step {
    /// Every step, in wizard order.
    pub const ALL: [Step; 8] = [
        Step::Mode,
        Step::Tenant,
        Step::SignIn,
        Step::Application,
        Step::Provision,
        Step::Consent,
        Step::Test,
        Step::Finish,
    ];

    /// The step's stable name.
    pub fn name(self) -> &'static str {
        match self {
            Step::Mode => "mode",
            Step::Tenant => "tenant",
            Step::SignIn => "sign_in",
            Step::Application => "application",
            Step::Provision => "provision",
            Step::Consent => "consent",
            Step::Test => "test",
            Step::Finish => "finish",
        }
    }

    /// What a console shows for the step.
    pub fn label(self) -> &'static str {
        match self {
            Step::Mode => "Choose auto or manual configuration",
            Step::Tenant => "Azure tenant",
            Step::SignIn => "Log in to Azure",
            Step::Application => "Azure application",
            Step::Provision => "Create or update Azure application",
            Step::Consent => "Consent",
            Step::Test => "Test connection",
            Step::Finish => "Finish",
        }
    }

    /// The operation a host calls in this step (`None` for `finish`: the host saves the connection).
    pub fn operation(self) -> Option<Operation> {
        match self {
            Step::Mode | Step::Tenant | Step::Application => Some(Operation::Configure),
            Step::SignIn => Some(Operation::Authenticate),
            Step::Provision => Some(Operation::Provision),
            Step::Consent => Some(Operation::Consent),
            Step::Test => Some(Operation::Test),
            Step::Finish => None,
        }
    }

    /// The configuration modes (`mode` setting) the step belongs to.
    pub fn modes(self) -> &'static [&'static str] {
        match self {
            Step::Mode | Step::Tenant | Step::Application | Step::Test | Step::Finish => {
                &["auto", "manual"]
            }
            Step::SignIn | Step::Provision | Step::Consent => &["auto"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Operation, Step};

    #[test]
    fn names_serialise_as_their_names() {
        for step in Step::ALL {
            assert_eq!(serde_json::to_value(step).unwrap(), step.name());
        }
        for operation in [
            Operation::SessionNew,
            Operation::Describe,
            Operation::Configure,
            Operation::Authenticate,
            Operation::Provision,
            Operation::Consent,
            Operation::Test,
            Operation::Remove,
            Operation::Cancel,
        ] {
            assert_eq!(serde_json::to_value(operation).unwrap(), operation.name());
        }
    }

    #[test]
    fn an_operation_of_a_step_serves_that_step() {
        for step in Step::ALL {
            if let Some(operation) = step.operation()
                && let Some(served) = operation.step()
            {
                assert_eq!(served, step, "{operation:?}");
            }
        }
        assert_eq!(Operation::Configure.step_name(), "configure");
        assert_eq!(Operation::Authenticate.step_name(), "sign_in");
    }
}
