//! How a host-sim command ends: the exit codes, and the failure that carries one with its message.

use std::fmt;
use std::process::ExitCode;

use crate::plugin::{CallError, LoadError};
use crate::store::StoreError;

/// The command did what was asked (and the plugin said OK).
pub const SUCCESS: u8 = 0;
/// The plugin answered, and its answer is a failure (for example settings that are not valid).
pub const OPERATION_FAILED: u8 = 1;
/// The command line or an input file is wrong (clap also uses 2 for usage errors).
pub const BAD_INPUT: u8 = 2;
/// The plugin could not be loaded: missing file, not a connector, another ABI major version.
pub const PLUGIN_REFUSED: u8 = 3;
/// The plugin broke the contract (no result document, a document that is not JSON).
pub const PLUGIN_BROKE_CONTRACT: u8 = 4;
/// The connection store could not be used: damaged, of a newer host-sim, open to other users, locked too
/// long, or the connection asked for is not in it.
pub const STORE_FAILED: u8 = 5;
/// The person at the terminal stopped the wizard (Cancel at a prompt, or the consent dialog's Cancel):
/// nothing was saved.
pub const CANCELLED: u8 = 6;

/// A command that could not finish: the message for the person at the terminal and the exit code. Messages
/// never carry a secret value, so `Debug` shows them.
#[derive(Clone, Debug)]
pub struct Failure {
    /// What went wrong, in a sentence.
    pub message: String,
    /// The process exit code.
    pub code: u8,
}

impl Failure {
    /// A failure with this exit code.
    pub fn new(code: u8, message: impl fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            code,
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl From<LoadError> for Failure {
    fn from(error: LoadError) -> Failure {
        Failure::new(PLUGIN_REFUSED, error)
    }
}

impl From<CallError> for Failure {
    fn from(error: CallError) -> Failure {
        Failure::new(PLUGIN_BROKE_CONTRACT, error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        Failure::new(STORE_FAILED, error)
    }
}
