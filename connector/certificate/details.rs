//! The public facts of an X.509 certificate: DER, thumbprints (as Windows and the Azure portal show them),
//! validity and subject, and the encodings Microsoft Graph and Entra ask for.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use time::OffsetDateTime;
use x509_parser::public_key::PublicKey;

use crate::certificate::error::CertificateError;

/// The public facts of one certificate. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateDetails {
    /// The certificate, DER-encoded.
    pub der: Vec<u8>,
    /// SHA-1 of the DER, upper-case hex (40 characters), as Windows and the Azure portal show it.
    pub thumbprint_sha1: String,
    /// SHA-256 of the DER, upper-case hex (64 characters).
    pub thumbprint_sha256: String,
    /// The start of its validity.
    pub not_before: OffsetDateTime,
    /// The end of its validity.
    pub not_after: OffsetDateTime,
    /// Its subject, e.g. `CN=m365-connector`.
    pub subject: String,
}

/// An RSA public key as big-endian magnitudes without leading zeros, for comparing keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RsaPublicKeyParts {
    /// The modulus n.
    pub(crate) modulus: Vec<u8>,
    /// The public exponent e.
    pub(crate) exponent: Vec<u8>,
}

impl RsaPublicKeyParts {
    /// Builds the parts from big-endian integers that may carry leading zero bytes.
    pub(crate) fn new(modulus: &[u8], exponent: &[u8]) -> Self {
        let strip = |bytes: &[u8]| {
            let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
            bytes[start..].to_vec()
        };
        Self {
            modulus: strip(modulus),
            exponent: strip(exponent),
        }
    }
}

impl CertificateDetails {
    /// Parses a DER certificate and computes its thumbprints.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        let (_, certificate) = x509_parser::parse_x509_certificate(der)
            .map_err(|_| CertificateError::InvalidCertificate)?;
        let validity = certificate.validity();
        Ok(Self {
            der: der.to_vec(),
            thumbprint_sha1: thumbprint(der),
            thumbprint_sha256: thumbprint_sha256(der),
            not_before: validity.not_before.to_datetime(),
            not_after: validity.not_after.to_datetime(),
            subject: certificate.subject().to_string(),
        })
    }

    /// The `x5t` JWT header value: base64url (no padding) of the SHA-1 of the DER (RFC 7515 §4.1.7).
    pub fn x5t(&self) -> String {
        URL_SAFE_NO_PAD.encode(sha1(&self.der).as_ref())
    }

    /// The `key` of a Microsoft Graph `keyCredential`: the DER certificate in standard base64.
    pub fn key_base64(&self) -> String {
        STANDARD.encode(&self.der)
    }

    /// The certificate's RSA public key, or why it has none.
    pub(crate) fn rsa_public_key(&self) -> Result<RsaPublicKeyParts, CertificateError> {
        let (_, certificate) = x509_parser::parse_x509_certificate(&self.der)
            .map_err(|_| CertificateError::InvalidCertificate)?;
        let not_rsa = |algorithm| CertificateError::NotRsa {
            what: "certificate's public key",
            algorithm,
        };
        match certificate.public_key().parsed() {
            Ok(PublicKey::RSA(key)) => Ok(RsaPublicKeyParts::new(key.modulus, key.exponent)),
            Ok(PublicKey::EC(_)) => Err(not_rsa("an EC key")),
            Ok(PublicKey::DSA(_)) => Err(not_rsa("a DSA key")),
            Ok(_) => Err(not_rsa("another kind of key")),
            Err(_) => Err(CertificateError::InvalidCertificate),
        }
    }
}

/// The SHA-1 thumbprint of a DER certificate, upper-case hex, as Windows and the Azure portal show it.
pub fn thumbprint(der: &[u8]) -> String {
    upper_hex(sha1(der).as_ref())
}

/// The SHA-256 thumbprint of a DER certificate, upper-case hex.
pub fn thumbprint_sha256(der: &[u8]) -> String {
    upper_hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der).as_ref())
}

/// SHA-1 of `bytes`: only for thumbprints, which Microsoft defines with SHA-1.
fn sha1(bytes: &[u8]) -> aws_lc_rs::digest::Digest {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes)
}

/// Upper-case hex of `bytes`.
fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use crate::certificate::details::{
        CertificateDetails, RsaPublicKeyParts, thumbprint, thumbprint_sha256,
    };
    use crate::certificate::error::CertificateError;

    const CA: &str = include_str!("../testdata/test-ca.pem");

    fn ca_der() -> Vec<u8> {
        let block = x509_parser::pem::Pem::iter_from_buffer(CA.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        block.contents
    }

    #[test]
    fn thumbprints_are_sha1_and_sha256_in_upper_case_hex() {
        // SHA-1("abc") and SHA-256("abc"), FIPS 180-2 appendices A and B.
        assert_eq!(
            thumbprint(b"abc"),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
        assert_eq!(
            thumbprint_sha256(b"abc"),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        );
    }

    #[test]
    fn details_carry_validity_subject_and_encodings() {
        let der = ca_der();
        let details = CertificateDetails::from_der(&der).unwrap();
        assert!(details.subject.starts_with("CN=m365-connector test CA"));
        assert!(details.not_before < details.not_after);
        assert_eq!(details.thumbprint_sha1, thumbprint(&der));
        assert_eq!(details.thumbprint_sha256.len(), 64);
        // x5t is the same SHA-1, base64url without padding: 20 bytes are 27 characters.
        assert_eq!(details.x5t().len(), 27);
        assert!(!details.x5t().contains(['+', '/', '=']));
        assert_eq!(details.key_base64().len(), der.len().div_ceil(3) * 4);
    }

    #[test]
    fn a_damaged_certificate_is_refused() {
        let mut der = ca_der();
        der.truncate(der.len() / 2);
        assert!(matches!(
            CertificateDetails::from_der(&der),
            Err(CertificateError::InvalidCertificate)
        ));
    }

    #[test]
    fn public_key_parts_ignore_leading_zeros() {
        assert_eq!(
            RsaPublicKeyParts::new(&[0, 0, 0xC1, 0], &[0, 1, 0, 1]),
            RsaPublicKeyParts::new(&[0xC1, 0], &[1, 0, 1])
        );
    }
}
