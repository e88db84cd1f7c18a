//! PEM text: the certificates and key a host passes in settings. Messages never quote the PEM text.

use time::OffsetDateTime;
use zeroize::Zeroize;

use crate::certificate::details::CertificateDetails;
use crate::certificate::error::CertificateError;
use crate::certificate::private_key::PrivateKey;

/// What the connector reads from a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The SHA-1 thumbprint of the DER certificate, upper-case hex, as the Azure portal shows it.
    pub thumbprint: String,
    /// The end of its validity.
    pub not_after: OffsetDateTime,
    /// Its subject, e.g. `CN=m365-connector`.
    pub subject: String,
}

/// The contents of PEM text: the certificates in order, and how many private keys.
#[derive(Clone, Debug, Default)]
pub struct PemContents {
    /// The certificates, in order (the first is the one a credential uses).
    pub certificates: Vec<CertificateInfo>,
    /// The number of unencrypted private key blocks.
    pub private_keys: usize,
}

/// One PEM block the connector accepts.
enum Block {
    /// `CERTIFICATE`, with its parsed details.
    Certificate(CertificateDetails),
    /// `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC 1), DER.
    PrivateKey(KeyBlock),
}

/// The DER of a private key block, zeroized on drop.
struct KeyBlock {
    /// The block's label.
    label: KeyLabel,
    /// The DER.
    der: Vec<u8>,
}

impl Drop for KeyBlock {
    fn drop(&mut self) {
        self.der.zeroize();
    }
}

/// The kinds of private key block.
#[derive(Clone, Copy)]
enum KeyLabel {
    /// `PRIVATE KEY`.
    Pkcs8,
    /// `RSA PRIVATE KEY`.
    Pkcs1,
    /// `EC PRIVATE KEY`.
    Sec1,
}

/// Why PEM text is refused.
enum PemProblem {
    /// A private key block is encrypted.
    Encrypted,
    /// Anything else, as a message for a person that names the block but never quotes it.
    Other(String),
}

impl PemProblem {
    /// The message for a person.
    fn message(self) -> String {
        match self {
            PemProblem::Encrypted => {
                "the private key is encrypted; pass it unencrypted (the host protects it)."
                    .to_owned()
            }
            PemProblem::Other(message) => message,
        }
    }
}

/// Reads every block of PEM text: every block must decode, certificates must parse as X.509, private keys
/// must not be encrypted, and no other kind of block may appear.
fn read_blocks(text: &str) -> Result<Vec<Block>, PemProblem> {
    let mut blocks = Vec::new();
    for (index, block) in x509_parser::pem::Pem::iter_from_buffer(text.as_bytes()).enumerate() {
        let number = index + 1;
        let mut block = block.map_err(|_| {
            PemProblem::Other(format!(
                "PEM block {number} is damaged (its base64 does not decode)."
            ))
        })?;
        let label = match block.label.as_str() {
            "CERTIFICATE" => {
                let details = CertificateDetails::from_der(&block.contents).map_err(|_| {
                    PemProblem::Other(format!(
                        "PEM block {number} is not a valid X.509 certificate."
                    ))
                })?;
                blocks.push(Block::Certificate(details));
                continue;
            }
            "PRIVATE KEY" => KeyLabel::Pkcs8,
            "RSA PRIVATE KEY" => KeyLabel::Pkcs1,
            "EC PRIVATE KEY" => KeyLabel::Sec1,
            "ENCRYPTED PRIVATE KEY" => {
                block.contents.zeroize();
                return Err(PemProblem::Encrypted);
            }
            other => {
                block.contents.zeroize();
                return Err(PemProblem::Other(format!(
                    "PEM block {number} is a \"{other}\", which does not belong here."
                )));
            }
        };
        blocks.push(Block::PrivateKey(KeyBlock {
            label,
            der: std::mem::take(&mut block.contents),
        }));
    }
    Ok(blocks)
}

/// Reads PEM text: every block must decode, certificates must parse as X.509, private keys must not be
/// encrypted, and no other kind of block may appear. Returns a message for a person on failure.
pub fn read_pem(text: &str) -> Result<PemContents, String> {
    let mut contents = PemContents::default();
    for block in read_blocks(text).map_err(PemProblem::message)? {
        match block {
            Block::Certificate(details) => contents.certificates.push(CertificateInfo {
                thumbprint: details.thumbprint_sha1,
                not_after: details.not_after,
                subject: details.subject,
            }),
            Block::PrivateKey(_) => contents.private_keys += 1,
        }
    }
    Ok(contents)
}

/// Reads a certificate and its private key from PEM text: the first certificate (further ones, e.g. a
/// chain, are ignored) and exactly one unencrypted RSA key, PKCS#8 or PKCS#1. Whether the key belongs to
/// the certificate is not checked here.
pub(crate) fn read_certificate_and_key(
    text: &str,
) -> Result<(CertificateDetails, PrivateKey), CertificateError> {
    let blocks = read_blocks(text).map_err(|problem| match problem {
        PemProblem::Encrypted => CertificateError::EncryptedPrivateKey,
        PemProblem::Other(message) => CertificateError::Pem(message),
    })?;
    let mut certificate = None;
    let mut keys = Vec::new();
    for block in blocks {
        match block {
            Block::Certificate(details) => {
                certificate.get_or_insert(details);
            }
            Block::PrivateKey(key) => keys.push(key),
        }
    }
    let certificate = certificate.ok_or(CertificateError::NoCertificate)?;
    let key = match keys.as_slice() {
        [] => return Err(CertificateError::NoPrivateKey),
        [key] => key,
        _ => {
            return Err(CertificateError::SeveralPrivateKeys { count: keys.len() });
        }
    };
    let key = match key.label {
        KeyLabel::Pkcs8 => PrivateKey::from_pkcs8(&key.der)?,
        KeyLabel::Pkcs1 => PrivateKey::from_pkcs1(&key.der)?,
        KeyLabel::Sec1 => {
            return Err(CertificateError::NotRsa {
                what: "private key",
                algorithm: "an EC key",
            });
        }
    };
    Ok((certificate, key))
}

#[cfg(test)]
mod tests {
    use crate::certificate::error::CertificateError;
    use crate::certificate::pem::{read_certificate_and_key, read_pem};

    const CA: &str = include_str!("../testdata/test-ca.pem");

    #[test]
    fn a_certificate_is_read_with_its_thumbprint_and_expiry() {
        let contents = read_pem(CA).unwrap();
        assert_eq!(contents.certificates.len(), 1);
        assert_eq!(contents.private_keys, 0);
        let certificate = &contents.certificates[0];
        assert_eq!(certificate.thumbprint.len(), 40);
        assert!(
            certificate
                .thumbprint
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert!(
            certificate.subject.starts_with("CN=m365-connector test CA"),
            "{}",
            certificate.subject
        );
        assert!(certificate.not_after.year() > 2100);
    }

    #[test]
    fn other_blocks_and_damage_are_refused_without_quoting() {
        let damaged = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert_eq!(
            read_pem(damaged).unwrap_err(),
            "PEM block 1 is damaged (its base64 does not decode)."
        );
        let public = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        assert_eq!(
            read_pem(public).unwrap_err(),
            "PEM block 1 is a \"PUBLIC KEY\", which does not belong here."
        );
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert!(read_pem(encrypted).unwrap_err().contains("encrypted"));
        assert_eq!(read_pem("no pem here").unwrap().certificates.len(), 0);
    }

    #[test]
    fn a_certificate_without_its_key_is_refused_for_signing() {
        assert!(matches!(
            read_certificate_and_key(CA),
            Err(CertificateError::NoPrivateKey)
        ));
        assert!(matches!(
            read_certificate_and_key(""),
            Err(CertificateError::NoCertificate)
        ));
        let encrypted = format!(
            "{CA}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
        );
        assert!(matches!(
            read_certificate_and_key(&encrypted),
            Err(CertificateError::EncryptedPrivateKey)
        ));
        let public = format!("{CA}-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        let error = read_certificate_and_key(&public).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the certificate PEM cannot be read: PEM block 2 is a \"PUBLIC KEY\", which does not belong here."
        );
    }
}
