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

/// What every PEM block starts with.
const PEM_BEGIN: &[u8] = b"-----BEGIN ";

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
        if bytes
            .windows(PEM_BEGIN.len())
            .any(|window| window == PEM_BEGIN)
        {
            // Text before the first block (e.g. OpenSSL's "Bag Attributes") is allowed, as in PEM generally.
            let text = Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
            Self::from_pem(&text)
        } else if bytes.first() == Some(&0x30) {
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use time::OffsetDateTime;
    use time::macros::datetime;

    use crate::certificate::error::CertificateError;
    use crate::certificate::generate::{GenerateOptions, GeneratedCertificate, generate};
    use crate::certificate::held::{HeldCertificate, MAX_FILE_BYTES};

    const NOW: OffsetDateTime = datetime!(2026-03-01 00:00 UTC);

    fn generated(name: &str) -> GeneratedCertificate {
        generate(&GenerateOptions::new(name, 30), NOW).unwrap()
    }

    /// The PKCS#1 `RSAPrivateKey` inside a PKCS#8 PEM key (its privateKey OCTET STRING), as PEM.
    fn pkcs1_pem(pkcs8_pem: &str) -> String {
        let block = x509_parser::pem::Pem::iter_from_buffer(pkcs8_pem.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let pkcs1 = yasna::parse_der(&block.contents, |reader| {
            reader.read_sequence(|reader| {
                reader.next().read_u8()?;
                reader.next().read_der()?;
                reader.next().read_bytes()
            })
        })
        .unwrap();
        let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pkcs1);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).unwrap())
            .collect();
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn pem_with_a_pkcs8_or_pkcs1_key_is_read_in_any_order() {
        let certificate = generated("pem");
        let key = certificate.private_key_pem.expose();
        let key_first = format!("{key}{}", certificate.certificate_pem);
        let pkcs1 = format!("{}{}", certificate.certificate_pem, pkcs1_pem(key));
        for text in [key_first, pkcs1] {
            let held = HeldCertificate::from_pem(&text).unwrap();
            assert_eq!(held.details(), &certificate.details);
            assert!(held.key_matches());
        }
    }

    #[test]
    fn a_key_of_another_certificate_is_read_but_does_not_match() {
        let certificate = generated("mine");
        let other = generated("other");
        let text = format!(
            "{}{}",
            certificate.certificate_pem,
            other.private_key_pem.expose()
        );
        let held = HeldCertificate::from_pem(&text).unwrap();
        assert!(!held.key_matches());
        let error = held.check_key_matches().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "the private key does not belong to the certificate {}: give the key that was created with this \
                 certificate, or the certificate of this key.",
                certificate.details.thumbprint_sha1
            )
        );
        assert!(matches!(
            held.client_assertion("client", "https://login.example/token", NOW),
            Err(CertificateError::KeyMismatch { .. })
        ));
    }

    #[test]
    fn two_keys_or_none_are_refused() {
        let certificate = generated("keys");
        let key = certificate.private_key_pem.expose();
        let two = format!("{}{key}{key}", certificate.certificate_pem);
        assert!(matches!(
            HeldCertificate::from_pem(&two),
            Err(CertificateError::SeveralPrivateKeys { count: 2 })
        ));
        assert!(matches!(
            HeldCertificate::from_pem(&certificate.certificate_pem),
            Err(CertificateError::NoPrivateKey)
        ));
        assert!(matches!(
            HeldCertificate::from_pem(key),
            Err(CertificateError::NoCertificate)
        ));
    }

    #[test]
    fn pkcs12_needs_its_password() {
        let certificate = generated("password");
        let error = HeldCertificate::from_pkcs12(certificate.pkcs12.expose(), "wrong").unwrap_err();
        assert!(
            matches!(error, CertificateError::WrongPassword),
            "{error:?}"
        );
        assert!(matches!(
            HeldCertificate::from_pkcs12(certificate.pkcs12.expose(), ""),
            Err(CertificateError::WrongPassword)
        ));
        let mut damaged = certificate.pkcs12.expose().to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x01;
        assert!(
            HeldCertificate::from_pkcs12(&damaged, certificate.pkcs12_password.expose()).is_err()
        );
        let error = HeldCertificate::from_pkcs12(b"\x30\x03\x02\x01\x03", "x").unwrap_err();
        assert!(
            matches!(error, CertificateError::Pkcs12Damaged { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_file_is_read_as_pem_or_pkcs12_by_its_content() {
        let certificate = generated("file");
        let directory = tempfile::tempdir().unwrap();
        let pem_path = directory.path().join("credential.pem");
        std::fs::write(
            &pem_path,
            format!(
                "\u{feff}Bag Attributes\n    friendlyName: file\n{}{}",
                certificate.certificate_pem,
                certificate.private_key_pem.expose()
            ),
        )
        .unwrap();
        let pfx_path = directory.path().join("credential.pfx");
        std::fs::write(&pfx_path, certificate.pkcs12.expose()).unwrap();

        let from_pem = HeldCertificate::from_file(&pem_path, None).unwrap();
        let from_pfx =
            HeldCertificate::from_file(&pfx_path, Some(certificate.pkcs12_password.expose()))
                .unwrap();
        assert_eq!(from_pem.details(), &certificate.details);
        assert_eq!(from_pfx.details(), &certificate.details);
        assert!(matches!(
            HeldCertificate::from_file(&pfx_path, None),
            Err(CertificateError::WrongPassword)
        ));
    }

    #[test]
    fn missing_foreign_and_huge_files_are_refused_naming_the_path() {
        let directory = tempfile::tempdir().unwrap();
        let missing = directory.path().join("missing.pfx");
        let error = HeldCertificate::from_file(&missing, None).unwrap_err();
        assert!(matches!(error, CertificateError::File { .. }));
        assert!(error.to_string().contains("missing.pfx"), "{error}");

        let text = directory.path().join("notes.txt");
        std::fs::write(&text, "hello").unwrap();
        let error = HeldCertificate::from_file(&text, None).unwrap_err();
        assert!(matches!(error, CertificateError::UnknownFileFormat { .. }));
        assert!(error.to_string().contains("notes.txt"));

        let huge = directory.path().join("huge.pfx");
        let mut file = std::fs::File::create(&huge).unwrap();
        file.write_all(&vec![0x30; MAX_FILE_BYTES as usize + 1])
            .unwrap();
        assert!(matches!(
            HeldCertificate::from_file(&huge, None),
            Err(CertificateError::FileTooLarge { .. })
        ));
    }

    #[test]
    fn errors_never_quote_key_material() {
        let certificate = generated("quote");
        let key = certificate.private_key_pem.expose();
        let body_line = key.lines().nth(1).unwrap();
        let damaged = format!(
            "{}{}",
            certificate.certificate_pem,
            key.replace(body_line, &format!("{body_line}!"))
        );
        let error = HeldCertificate::from_pem(&damaged).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("PEM block 2 is damaged"), "{message}");
        assert!(!message.contains(&body_line[..16]));
        assert!(!format!("{error:?}").contains(&body_line[..16]));
    }
}
