//! The one mapping from the core's errors to the ABI's statuses.

use connector_abi::ConnectorStatus;

use crate::error::ErrorKind;
use crate::result::Outcome;

/// The status of an error kind: each kind has the status of the same name.
pub(crate) fn status_of(kind: &ErrorKind) -> ConnectorStatus {
    match kind {
        ErrorKind::InvalidArgument => ConnectorStatus::InvalidArgument,
        ErrorKind::InvalidJson { .. } => ConnectorStatus::InvalidJson,
        ErrorKind::InvalidSettings(_) => ConnectorStatus::InvalidSettings,
        ErrorKind::Busy => ConnectorStatus::Busy,
        ErrorKind::Cancelled => ConnectorStatus::Cancelled,
        ErrorKind::NotAvailable => ConnectorStatus::NotAvailable,
        ErrorKind::SignInRequired => ConnectorStatus::SignInRequired,
        ErrorKind::SignInFailed => ConnectorStatus::SignInFailed,
        ErrorKind::PermissionDenied => ConnectorStatus::PermissionDenied,
        ErrorKind::NotFound => ConnectorStatus::NotFound,
        ErrorKind::Conflict => ConnectorStatus::Conflict,
        ErrorKind::ConfirmationRequired => ConnectorStatus::ConfirmationRequired,
        ErrorKind::ServiceError => ConnectorStatus::ServiceError,
        ErrorKind::NetworkError => ConnectorStatus::NetworkError,
        ErrorKind::Timeout => ConnectorStatus::Timeout,
        ErrorKind::TestFailed => ConnectorStatus::TestFailed,
        ErrorKind::ShutDown => ConnectorStatus::ShutDown,
        ErrorKind::Internal => ConnectorStatus::Internal,
        ErrorKind::Panic => ConnectorStatus::Panic,
    }
}

/// The status a call with this outcome returns.
pub(crate) fn outcome_status(outcome: &Outcome) -> ConnectorStatus {
    outcome
        .error()
        .map_or(ConnectorStatus::Ok, |error| status_of(error.kind()))
}

#[cfg(test)]
mod tests {
    use super::status_of;
    use crate::error::ErrorKind;
    use connector_abi::ConnectorStatus;

    #[test]
    fn every_status_but_ok_is_the_status_of_one_kind() {
        let kinds = [
            ErrorKind::InvalidArgument,
            ErrorKind::InvalidJson { line: 1, column: 2 },
            ErrorKind::InvalidSettings(Vec::new()),
            ErrorKind::Busy,
            ErrorKind::Cancelled,
            ErrorKind::NotAvailable,
            ErrorKind::SignInRequired,
            ErrorKind::SignInFailed,
            ErrorKind::PermissionDenied,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::ConfirmationRequired,
            ErrorKind::ServiceError,
            ErrorKind::NetworkError,
            ErrorKind::Timeout,
            ErrorKind::TestFailed,
            ErrorKind::ShutDown,
            ErrorKind::Internal,
            ErrorKind::Panic,
        ];
        let mut statuses: Vec<ConnectorStatus> = kinds.iter().map(status_of).collect();
        statuses.insert(0, ConnectorStatus::Ok);
        assert_eq!(statuses, ConnectorStatus::ALL);
        for (kind, status) in kinds.iter().zip(&statuses[1..]) {
            // The kind and the status have the same name (InvalidJson { .. } is INVALID_JSON).
            let mut kind_name = String::new();
            for c in format!("{kind:?}")
                .chars()
                .take_while(char::is_ascii_alphabetic)
            {
                if c.is_ascii_uppercase() && !kind_name.is_empty() {
                    kind_name.push('_');
                }
                kind_name.push(c.to_ascii_uppercase());
            }
            assert_eq!(kind_name, status.name(), "{kind:?}");
        }
    }
}
