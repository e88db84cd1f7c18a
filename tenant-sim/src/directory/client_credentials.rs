//! What the sign-in service checks a client's credentials against: the outcome of a secret check and
//! a certificate credential with its DER.

use time::OffsetDateTime;

/// The outcome of checking a client secret against an application's password credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretCheck {
    /// The secret matches a current password credential.
    Valid,
    /// The secret matches a credential whose `endDateTime` has passed.
    Expired,
    /// The secret matches no credential of the application.
    Invalid,
}

/// A certificate credential of an application, with its DER for verification.
#[derive(Clone)]
pub struct ClientCertificate {
    /// The credential's `keyId`.
    pub key_id: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// SHA-1 of the DER (the classic thumbprint, `x5t`).
    pub sha1: Vec<u8>,
    /// SHA-256 of the DER (`x5t#S256`).
    pub sha256: Vec<u8>,
    /// Start of validity per the credential.
    pub start: Option<OffsetDateTime>,
    /// End of validity per the credential.
    pub end: Option<OffsetDateTime>,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("key_id", &self.key_id)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}
