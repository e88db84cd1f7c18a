//! Certificates for the application's credential, offline: generating one, reading the one a host holds,
//! exporting PKCS#12 for a Windows host, and signing the JWTs Microsoft Entra and Graph ask for.
//!
//! - [`generate()`] makes a self-signed RSA certificate (`CN=<name>`, SHA-256 with RSA, digitalSignature,
//!   clientAuth) and hands it over as a [`GeneratedCertificate`]: PEM, DER, private key PEM, thumbprints,
//!   Graph's `keyCredential` `key`, and a PKCS#12 file with a generated password that Windows imports into
//!   the legacy CSP [`WINDOWS_CSP_NAME`] (the Exchange Online PowerShell module cannot sign with a CNG key).
//! - [`HeldCertificate`] is the certificate a host passes back in settings, read
//!   [from PEM text](HeldCertificate::from_pem), [from a PEM or PKCS#12 file](HeldCertificate::from_file) or
//!   [from PKCS#12 bytes](HeldCertificate::from_pkcs12). [`HeldCertificate::check_key_matches`] says whether
//!   its key belongs to it, and it signs the [client assertion](HeldCertificate::client_assertion) of the
//!   client-credentials grant and the [proof of possession](HeldCertificate::proof_of_possession) of Graph's
//!   `addKey` / `removeKey`.
//! - [`read_pem`] checks PEM text in settings without keeping any key.
//!
//! Secrets (private keys, PKCS#12 bytes and passwords, signed assertions) live in [`SecretString`],
//! [`SecretBytes`] or aws-lc key objects: `Debug` shows `<redacted>`, and their memory is overwritten on drop.
//! No [`CertificateError`] message quotes PEM text, key material or a password. Nothing here touches the
//! network or writes a file. The one crypto backend is aws-lc-rs.

mod details;
mod error;
mod generate;
mod held;
mod jwt;
mod pem;
mod pkcs12;
mod private_key;
mod secret;

pub use crate::certificate::details::{CertificateDetails, thumbprint, thumbprint_sha256};
pub use crate::certificate::error::CertificateError;
pub use crate::certificate::generate::{
    CLOCK_SKEW_ALLOWANCE, GenerateOptions, GeneratedCertificate, MAX_COMMON_NAME_CHARS,
    MAX_LIFETIME_DAYS, RsaKeySize, generate,
};
pub use crate::certificate::held::{HeldCertificate, MAX_FILE_BYTES};
pub use crate::certificate::jwt::{
    CLIENT_ASSERTION_LIFETIME, PROOF_OF_POSSESSION_AUDIENCE, PROOF_OF_POSSESSION_LIFETIME,
};
pub use crate::certificate::pem::{CertificateInfo, PemContents, read_pem};
pub use crate::certificate::pkcs12::write::WINDOWS_CSP_NAME;
pub use crate::certificate::secret::{SecretBytes, SecretString};
