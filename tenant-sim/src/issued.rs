//! Every secret value the tenant handed out (access, ID and refresh tokens, client secrets), so that a test
//! can search what a client logged, sent as events or returned for the actual values, not for a pattern.

use std::sync::Mutex;

/// The secrets issued so far, in order.
#[derive(Debug, Default)]
pub struct IssuedSecrets {
    values: Mutex<Vec<String>>,
}

impl IssuedSecrets {
    /// Records one issued value.
    pub(crate) fn record(&self, value: &str) {
        self.values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(value.to_owned());
    }

    /// Every value issued so far.
    pub fn all(&self) -> Vec<String> {
        self.values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}
