//! The status a plugin call returned, kept as the raw value so that a status this host does not know (one
//! added by a later minor version of the ABI) is reported as it came, and treated as `INTERNAL`.

use std::fmt;

use connector_abi::ConnectorStatus;

/// Every status of ABI 1.0, with its name as the header and the result documents spell it.
const KNOWN: [(ConnectorStatus, &str); 20] = [
    (ConnectorStatus::Ok, "OK"),
    (ConnectorStatus::InvalidArgument, "INVALID_ARGUMENT"),
    (ConnectorStatus::InvalidJson, "INVALID_JSON"),
    (ConnectorStatus::InvalidSettings, "INVALID_SETTINGS"),
    (ConnectorStatus::Busy, "BUSY"),
    (ConnectorStatus::Cancelled, "CANCELLED"),
    (ConnectorStatus::NotAvailable, "NOT_AVAILABLE"),
    (ConnectorStatus::SignInRequired, "SIGN_IN_REQUIRED"),
    (ConnectorStatus::SignInFailed, "SIGN_IN_FAILED"),
    (ConnectorStatus::PermissionDenied, "PERMISSION_DENIED"),
    (ConnectorStatus::NotFound, "NOT_FOUND"),
    (ConnectorStatus::Conflict, "CONFLICT"),
    (
        ConnectorStatus::ConfirmationRequired,
        "CONFIRMATION_REQUIRED",
    ),
    (ConnectorStatus::ServiceError, "SERVICE_ERROR"),
    (ConnectorStatus::NetworkError, "NETWORK_ERROR"),
    (ConnectorStatus::Timeout, "TIMEOUT"),
    (ConnectorStatus::TestFailed, "TEST_FAILED"),
    (ConnectorStatus::ShutDown, "SHUT_DOWN"),
    (ConnectorStatus::Internal, "INTERNAL"),
    (ConnectorStatus::Panic, "PANIC"),
];

/// A status returned by a plugin call.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status(u32);

impl Status {
    /// Wraps the value a plugin function returned.
    pub fn from_raw(raw: u32) -> Status {
        Status(raw)
    }

    /// The value as the plugin returned it.
    pub fn raw(self) -> u32 {
        self.0
    }

    /// The status, when it is one this host knows.
    pub fn known(self) -> Option<ConnectorStatus> {
        KNOWN
            .iter()
            .find(|(status, _)| *status as u32 == self.0)
            .map(|(status, _)| *status)
    }

    /// The status as a host must treat it: an unknown value counts as `INTERNAL`.
    pub fn get(self) -> ConnectorStatus {
        self.known().unwrap_or(ConnectorStatus::Internal)
    }

    /// Whether the call succeeded.
    pub fn is_ok(self) -> bool {
        self.0 == ConnectorStatus::Ok as u32
    }

    /// The status name as the header spells it without its prefix (`INVALID_SETTINGS`), or `None` for a
    /// value this host does not know.
    pub fn name(self) -> Option<&'static str> {
        KNOWN
            .iter()
            .find(|(status, _)| *status as u32 == self.0)
            .map(|(_, name)| *name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "unknown status {}", self.0),
        }
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::Status;
    use connector_abi::ConnectorStatus;

    #[test]
    fn known_statuses_print_their_header_name_and_value() {
        assert_eq!(Status::from_raw(3).to_string(), "INVALID_SETTINGS (3)");
        assert_eq!(Status::from_raw(99).get(), ConnectorStatus::Panic);
        assert!(Status::from_raw(0).is_ok());
    }

    #[test]
    fn an_unknown_status_is_treated_as_internal_but_reported_as_it_came() {
        let status = Status::from_raw(4242);
        assert_eq!(status.known(), None);
        assert_eq!(status.get(), ConnectorStatus::Internal);
        assert_eq!(status.to_string(), "unknown status 4242");
        assert!(!status.is_ok());
    }
}
