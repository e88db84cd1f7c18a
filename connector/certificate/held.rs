//! The certificate a host holds and passes back in settings, with its private key: read from PEM text, or
//! from a PEM or PKCS#12 file; checked against its key; used to sign (see the `jwt` module).

use std::fmt;
use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use crate::certificate::details::CertificateDetails;
use crate::certificate::error::CertificateError;
use crate::certificate::pem::read_certificate_and_key;
use crate::certificate::pkcs12;
use crate::certificate::private_key::PrivateKey;

/// The largest certificate file read: a certificate with its key and a chain is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A certificate with its RSA private key.
///
/// The key is not shown by `Debug` and its memory is overwritten when the value is dropped. Reading does not
/// require the key to belong to the certificate; [`HeldCertificate::check_key_matches`] says whether it does,
/// and signing refuses a key that does not.
pub struct HeldCertificate {
    /// The certificate's public facts.
    details: CertificateDetails,
    /// The private key.
    key: PrivateKey,
    /// Whether the key's public half is the certificate's public key.
    key_matches: bool,
}

impl fmt::Debug for HeldCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeldCertificate")
            .field("thumbprint_sha1", &self.details.thumbprint_sha1)
            .field("subject", &self.details.subject)
            .field("not_after", &self.details.not_after)
            .field("key", &"<redacted>")
            .field("key_matches", &self.key_matches)
            .finish()
    }
}

impl HeldCertificate {
    /// Reads PEM text holding the certificate (the first `CERTIFICATE` block; later ones, e.g. a chain, are
    /// ignored) and exactly one unencrypted RSA private key (`PRIVATE KEY`, PKCS#8, or `RSA PRIVATE KEY`,
    /// PKCS#1).
    pub fn from_pem(text: &str) -> Result<Self, CertificateError> {
        let (details, key) = read_certificate_and_key(text)?;
        Self::new(details, key)
    }

    /// Reads PKCS#12 (`.pfx`, `.p12`) bytes protected by `password` (`""` when it has none). PBES2 with
    /// AES-CBC is read, as OpenSSL 3 and Windows (`AES256_SHA256`) export; legacy 3DES or RC2 files are
    /// refused with how to export them again.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Self, CertificateError> {
        let (details, key) = pkcs12::read::read(bytes, password)?;
        Self::new(details, key)
    }

    /// Reads a PEM or PKCS#12 file, told apart by its content. `password` opens a PKCS#12 file (none means
    /// the empty password) and is not used for PEM. Files over [`MAX_FILE_BYTES`] are refused.
    pub fn from_file(path: &Path, password: Option<&str>) -> Result<Self, CertificateError> {
        let bytes = read_file(path)?;
        let start = bytes
            .iter()
            .position(|byte| !byte.is_ascii_whitespace())
            .unwrap_or(bytes.len());
        let body = bytes[start..]
            .strip_prefix("\u{feff}".as_bytes())
            .unwrap_or(&bytes[start..]);
        if body.starts_with(b"-----BEGIN") {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| CertificateError::Pem("the file is not UTF-8 text.".to_owned()))?;
            Self::from_pem(text)
        } else if body.first() == Some(&0x30) {
            Self::from_pkcs12(&bytes, password.unwrap_or_default())
        } else {
            Err(CertificateError::UnknownFileFormat {
                path: path.to_owned(),
            })
        }
    }

    /// Builds a held certificate from its parts, checking whether they belong together.
    pub(crate) fn new(
        details: CertificateDetails,
        key: PrivateKey,
    ) -> Result<Self, CertificateError> {
        let key_matches = details.rsa_public_key()? == key.public_key();
        Ok(Self {
            details,
            key,
            key_matches,
        })
    }

    /// The certificate's public facts: DER, thumbprints, validity, subject.
    pub fn details(&self) -> &CertificateDetails {
        &self.details
    }

    /// Whether the private key belongs to the certificate (their public keys are the same).
    pub fn key_matches(&self) -> bool {
        self.key_matches
    }

    /// `Ok` when the private key belongs to the certificate, else [`CertificateError::KeyMismatch`] with
    /// the certificate's thumbprint.
    pub fn check_key_matches(&self) -> Result<(), CertificateError> {
        if self.key_matches {
            Ok(())
        } else {
            Err(CertificateError::KeyMismatch {
                thumbprint: self.details.thumbprint_sha1.clone(),
            })
        }
    }

    /// Signs `message` with RS256, refusing a key that does not belong to the certificate.
    pub(crate) fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, CertificateError> {
        self.check_key_matches()?;
        self.key.sign_rs256(message)
    }
}

/// Reads a whole file of at most [`MAX_FILE_BYTES`].
fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, CertificateError> {
    let io_error = |source| CertificateError::File {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    // Sized up front so the buffer is not reallocated, which would leave unzeroized copies behind.
    let expected = file
        .metadata()
        .map_or(0, |metadata| metadata.len().min(MAX_FILE_BYTES));
    let mut bytes = Zeroizing::new(Vec::with_capacity(expected as usize + 1));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(CertificateError::FileTooLarge {
            path: path.to_owned(),
            max: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}
