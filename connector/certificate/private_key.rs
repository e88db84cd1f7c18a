//! The RSA private key of a held certificate: decoded from PKCS#8 or PKCS#1 DER into aws-lc-rs, compared with
//! a certificate's public key, and used to sign RS256.
//!
//! The key lives inside aws-lc (an `EVP_PKEY`), which overwrites key memory when it frees it
//! (`OPENSSL_free` cleanses); the DER it was decoded from is held in [`zeroize::Zeroizing`] by the callers.

use std::fmt;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};

use crate::certificate::details::RsaPublicKeyParts;
use crate::certificate::error::CertificateError;

/// `rsaEncryption` (RFC 8017 appendix C).
const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
/// `id-ecPublicKey` (RFC 5480).
const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
/// `id-Ed25519` (RFC 8410).
const ED25519: &[u64] = &[1, 3, 101, 112];
/// `id-RSASSA-PSS` (RFC 8017), a key restricted to PSS.
const RSASSA_PSS: &[u64] = &[1, 2, 840, 113549, 1, 1, 10];

/// An RSA private key. `Debug` shows `<redacted>`.
pub(crate) struct PrivateKey {
    key: KeyPair,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PrivateKey {
    /// Decodes an unencrypted PKCS#8 `PrivateKeyInfo` (RFC 5208) holding an RSA key.
    pub(crate) fn from_pkcs8(der: &[u8]) -> Result<Self, CertificateError> {
        let algorithm =
            pkcs8_algorithm(der).ok_or_else(|| CertificateError::InvalidPrivateKey {
                reason: "it is not a PKCS#8 private key".to_owned(),
            })?;
        let not_rsa = |algorithm| CertificateError::NotRsa {
            what: "private key",
            algorithm,
        };
        match algorithm.components().as_slice() {
            RSA_ENCRYPTION => {}
            EC_PUBLIC_KEY => return Err(not_rsa("an EC key")),
            ED25519 => return Err(not_rsa("an Ed25519 key")),
            RSASSA_PSS => return Err(not_rsa("an RSA key restricted to PSS")),
            _ => return Err(not_rsa("another kind of key")),
        }
        KeyPair::from_pkcs8(der)
            .map(|key| Self { key })
            .map_err(|rejected| CertificateError::InvalidPrivateKey {
                reason: rejected.description_().to_owned(),
            })
    }

    /// Decodes a PKCS#1 `RSAPrivateKey` (RFC 8017), the body of `-----BEGIN RSA PRIVATE KEY-----`.
    pub(crate) fn from_pkcs1(der: &[u8]) -> Result<Self, CertificateError> {
        KeyPair::from_der(der)
            .map(|key| Self { key })
            .map_err(|rejected| CertificateError::InvalidPrivateKey {
                reason: rejected.description_().to_owned(),
            })
    }

    /// The key's public half, for comparing with a certificate's.
    pub(crate) fn public_key(&self) -> RsaPublicKeyParts {
        let public = self.key.public_key();
        RsaPublicKeyParts::new(
            public.modulus().big_endian_without_leading_zero(),
            public.exponent().big_endian_without_leading_zero(),
        )
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 and SHA-256 (JWS `RS256`).
    pub(crate) fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, CertificateError> {
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| CertificateError::Signing)?;
        Ok(signature)
    }
}

/// The algorithm OID of a PKCS#8 `PrivateKeyInfo`, or `None` when the DER is not one.
fn pkcs8_algorithm(der: &[u8]) -> Option<yasna::models::ObjectIdentifier> {
    yasna::parse_der(der, |reader| {
        reader.read_sequence(|reader| {
            let _version = reader.next().read_u8()?;
            let algorithm = reader.next().read_sequence(|reader| {
                let oid = reader.next().read_oid()?;
                let _parameters = reader.read_optional(|reader| reader.read_der())?;
                Ok(oid)
            })?;
            let _key = reader.next().read_der()?;
            // Attributes [0] and the public key [1] of a version 2 (RFC 5958) key.
            let _attributes = reader.read_optional(|reader| reader.read_der())?;
            let _public_key = reader.read_optional(|reader| reader.read_der())?;
            Ok(algorithm)
        })
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::{KeyPair, KeySize};

    use crate::certificate::error::CertificateError;
    use crate::certificate::private_key::PrivateKey;

    #[test]
    fn an_rsa_pkcs8_key_decodes_and_signs_with_its_modulus_length() {
        let generated = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = generated.as_der().unwrap();
        let key = PrivateKey::from_pkcs8(pkcs8.as_ref()).unwrap();
        assert_eq!(key.sign_rs256(b"message").unwrap().len(), 256);
        assert_eq!(key.public_key().modulus.len(), 256);
        assert_eq!(key.public_key().exponent, vec![1, 0, 1]);
        assert_eq!(format!("{key:?}"), "<redacted>");
    }

    #[test]
    fn an_ec_key_is_refused_as_not_rsa() {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &rng,
        )
        .unwrap();
        let error = PrivateKey::from_pkcs8(pkcs8.as_ref()).unwrap_err();
        assert!(
            matches!(
                error,
                CertificateError::NotRsa {
                    algorithm: "an EC key",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("must be RSA"));
    }

    #[test]
    fn garbage_is_not_a_key() {
        assert!(matches!(
            PrivateKey::from_pkcs8(b"\x30\x03\x02\x01\x00"),
            Err(CertificateError::InvalidPrivateKey { .. })
        ));
        assert!(matches!(
            PrivateKey::from_pkcs1(b"not a key"),
            Err(CertificateError::InvalidPrivateKey { .. })
        ));
    }
}
