//! Certificates the host passes in settings: PEM parsing, the SHA-1 thumbprint Microsoft shows, and expiry.
//! Messages never quote the PEM text.

use time::OffsetDateTime;

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

/// Reads PEM text: every block must decode, certificates must parse as X.509, private keys must not be
/// encrypted, and no other kind of block may appear. Returns a message for a person on failure.
pub fn read_pem(text: &str) -> Result<PemContents, String> {
    let mut contents = PemContents::default();
    for (index, block) in x509_parser::pem::Pem::iter_from_buffer(text.as_bytes()).enumerate() {
        let number = index + 1;
        let block = block
            .map_err(|_| format!("PEM block {number} is damaged (its base64 does not decode)."))?;
        match block.label.as_str() {
            "CERTIFICATE" => {
                let (_, certificate) = x509_parser::parse_x509_certificate(&block.contents)
                    .map_err(|_| format!("PEM block {number} is not a valid X.509 certificate."))?;
                contents.certificates.push(CertificateInfo {
                    thumbprint: thumbprint(&block.contents),
                    not_after: certificate.validity().not_after.to_datetime(),
                    subject: certificate.subject().to_string(),
                });
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => contents.private_keys += 1,
            "ENCRYPTED PRIVATE KEY" => {
                return Err(
                    "the private key is encrypted; pass it unencrypted (the host protects it)."
                        .to_owned(),
                );
            }
            other => {
                return Err(format!(
                    "PEM block {number} is a \"{other}\", which does not belong here."
                ));
            }
        }
    }
    Ok(contents)
}

/// The SHA-1 thumbprint of a DER certificate, upper-case hex.
pub fn thumbprint(der: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{read_pem, thumbprint};

    const CA: &str = include_str!("testdata/test-ca.pem");

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
    fn thumbprints_are_sha1_in_upper_case_hex() {
        // SHA-1("abc"), FIPS 180-1 appendix A.
        assert_eq!(
            thumbprint(b"abc"),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
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
}
