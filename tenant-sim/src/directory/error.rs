//! Why a directory operation failed.

/// A failed directory operation.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DirectoryError {
    /// The object does not exist.
    #[error("{kind} '{id}' does not exist")]
    NotFound {
        /// What was looked for (`application`, `servicePrincipal`…).
        kind: &'static str,
        /// The id or key that was looked for.
        id: String,
    },
    /// An equal object already exists.
    #[error("{0}")]
    Conflict(String),
    /// The input is not acceptable.
    #[error("{0}")]
    Invalid(String),
}
