//! Errors of starting a tenant.

/// Why a tenant could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Generating the CA, the server certificate or the token-signing key failed.
    #[error("could not generate a certificate or key: {0}")]
    Certificate(String),
    /// The TLS configuration was refused.
    #[error("could not configure TLS: {0}")]
    Tls(String),
    /// A listener could not be bound.
    #[error("could not bind a listener on 127.0.0.1: {0}")]
    Bind(#[from] std::io::Error),
    /// The seed options are not acceptable.
    #[error("could not seed the directory: {0}")]
    Seed(#[from] crate::directory::DirectoryError),
    /// The runtime thread of a blocking tenant failed to start.
    #[error("the tenant's runtime thread failed: {0}")]
    Runtime(String),
}

impl StartError {
    pub(crate) fn certificate(error: impl std::fmt::Display) -> Self {
        StartError::Certificate(error.to_string())
    }

    pub(crate) fn tls(error: impl std::fmt::Display) -> Self {
        StartError::Tls(error.to_string())
    }
}
