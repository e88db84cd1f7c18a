//! PBES2 (RFC 8018 §6.2) with PBKDF2 and AES-CBC, the password-based encryption of PKCS#12 bags; aws-lc-rs
//! derives the key and runs the cipher. Legacy schemes (the PKCS#12 v1 PBEs with 3DES, RC2 or RC4, PBES1,
//! and PBES2 with DES, 3DES or RC2) are recognised only to refuse them by name.

use std::num::NonZeroU32;

use aws_lc_rs::cipher::{
    AES_128, AES_128_KEY_LEN, AES_192, AES_192_KEY_LEN, AES_256, AES_256_KEY_LEN, Algorithm,
    DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::pbkdf2;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use yasna::DERWriter;
use zeroize::Zeroizing;

use crate::certificate::error::CertificateError;
use crate::certificate::pkcs12::algorithm::{AlgorithmIdentifier, write_with_null};
use crate::certificate::pkcs12::oid;

/// PBKDF2 iterations for what the connector writes: OpenSSL 3's default for PKCS#12. The password is
/// generated with 144 bits of entropy, so the count is not what protects it.
const WRITE_ITERATIONS: NonZeroU32 = NonZeroU32::new(2048).unwrap();
/// The most PBKDF2 iterations read from a file, so a crafted file cannot keep a call busy for minutes.
pub(crate) const MAX_ITERATIONS: u32 = 10_000_000;
/// The salt length for what the connector writes (RFC 8018 §4.1 asks for at least 8 bytes).
const SALT_LEN: usize = 16;

/// The pseudo-random function of PBKDF2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prf {
    /// hmacWithSHA1, PBKDF2's default.
    Sha1,
    /// hmacWithSHA256.
    Sha256,
    /// hmacWithSHA384.
    Sha384,
    /// hmacWithSHA512.
    Sha512,
}

/// The AES key size of the CBC cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aes {
    /// aes128-CBC-PAD.
    Aes128,
    /// aes192-CBC-PAD.
    Aes192,
    /// aes256-CBC-PAD.
    Aes256,
}

impl Aes {
    /// The aws-lc-rs algorithm.
    fn algorithm(self) -> &'static Algorithm {
        match self {
            Aes::Aes128 => &AES_128,
            Aes::Aes192 => &AES_192,
            Aes::Aes256 => &AES_256,
        }
    }

    /// The key length in bytes.
    fn key_len(self) -> usize {
        match self {
            Aes::Aes128 => AES_128_KEY_LEN,
            Aes::Aes192 => AES_192_KEY_LEN,
            Aes::Aes256 => AES_256_KEY_LEN,
        }
    }
}

/// PBES2 parameters: PBKDF2 (salt, iterations, PRF) and AES-CBC (key size, IV).
#[derive(Debug)]
pub(crate) struct Pbes2 {
    /// The PBKDF2 salt.
    salt: Vec<u8>,
    /// The PBKDF2 iteration count.
    iterations: NonZeroU32,
    /// The PBKDF2 PRF.
    prf: Prf,
    /// The cipher.
    aes: Aes,
    /// The CBC initialisation vector.
    iv: [u8; 16],
}

impl Pbes2 {
    /// Fresh parameters for writing: PBKDF2-HMAC-SHA256 with a random salt, AES-256-CBC with a random IV.
    pub(crate) fn generate(rng: &SystemRandom) -> Result<Self, CertificateError> {
        let mut salt = vec![0; SALT_LEN];
        let mut iv = [0; 16];
        rng.fill(&mut salt)
            .and_then(|()| rng.fill(&mut iv))
            .map_err(|_| CertificateError::Generation {
                reason: "the system random number generator failed".to_owned(),
            })?;
        Ok(Self {
            salt,
            iterations: WRITE_ITERATIONS,
            prf: Prf::Sha256,
            aes: Aes::Aes256,
            iv,
        })
    }

    /// Interprets an encryption `AlgorithmIdentifier`: PBES2 parameters, or a clear refusal.
    pub(crate) fn from_algorithm(
        algorithm: &AlgorithmIdentifier,
    ) -> Result<Self, CertificateError> {
        if !algorithm.is(oid::PBES2) {
            return Err(refusal(algorithm));
        }
        let damaged = |_| CertificateError::Pkcs12Damaged {
            reason: "its PBES2 parameters do not decode".to_owned(),
        };
        let parameters =
            algorithm
                .parameters
                .as_deref()
                .ok_or(CertificateError::Pkcs12Damaged {
                    reason: "its PBES2 parameters are missing".to_owned(),
                })?;
        let (kdf, scheme) = yasna::parse_ber(parameters, |reader| {
            reader.read_sequence(|reader| {
                let kdf = AlgorithmIdentifier::read(reader.next())?;
                let scheme = AlgorithmIdentifier::read(reader.next())?;
                Ok((kdf, scheme))
            })
        })
        .map_err(damaged)?;
        let aes = cipher(&scheme)?;
        let iv: [u8; 16] = scheme
            .parameters
            .as_deref()
            .and_then(|iv| yasna::parse_ber(iv, |reader| reader.read_bytes()).ok())
            .and_then(|iv| iv.try_into().ok())
            .ok_or(CertificateError::Pkcs12Damaged {
                reason: "its AES-CBC initialisation vector is not 16 bytes".to_owned(),
            })?;
        if kdf.is(oid::SCRYPT) {
            return Err(CertificateError::UnsupportedPkcs12 {
                what: "the scrypt key derivation function".to_owned(),
            });
        }
        if !kdf.is(oid::PBKDF2) {
            return Err(CertificateError::UnsupportedPkcs12 {
                what: format!("the key derivation function {}", kdf.oid),
            });
        }
        let kdf_parameters = kdf.parameters.as_deref().unwrap_or_default();
        let (salt, iterations, key_length, prf) = yasna::parse_ber(kdf_parameters, |reader| {
            reader.read_sequence(|reader| {
                let salt = reader.next().read_bytes()?;
                let iterations = reader.next().read_u64()?;
                let key_length = reader.read_optional(|reader| reader.read_u64())?;
                let prf = reader.read_optional(AlgorithmIdentifier::read)?;
                Ok((salt, iterations, key_length, prf))
            })
        })
        .map_err(|_| CertificateError::Pkcs12Damaged {
            reason: "its PBKDF2 parameters do not decode (or give the salt another way)".to_owned(),
        })?;
        let iterations = checked_iterations(iterations)?;
        let prf = match prf {
            None => Prf::Sha1,
            Some(prf) if !prf.has_no_parameters() => {
                return Err(CertificateError::Pkcs12Damaged {
                    reason: "its PBKDF2 PRF has parameters".to_owned(),
                });
            }
            Some(prf) if prf.is(oid::HMAC_WITH_SHA1) => Prf::Sha1,
            Some(prf) if prf.is(oid::HMAC_WITH_SHA256) => Prf::Sha256,
            Some(prf) if prf.is(oid::HMAC_WITH_SHA384) => Prf::Sha384,
            Some(prf) if prf.is(oid::HMAC_WITH_SHA512) => Prf::Sha512,
            Some(prf) => {
                return Err(CertificateError::UnsupportedPkcs12 {
                    what: format!("the PBKDF2 function {}", prf.oid),
                });
            }
        };
        if key_length.is_some_and(|length| length != aes.key_len() as u64) {
            return Err(CertificateError::Pkcs12Damaged {
                reason: "its PBKDF2 key length does not fit its AES key size".to_owned(),
            });
        }
        Ok(Self {
            salt,
            iterations,
            prf,
            aes,
            iv,
        })
    }

    /// Writes the `AlgorithmIdentifier` of these parameters (keyLength omitted, as AES fixes it).
    pub(crate) fn write_algorithm(&self, writer: DERWriter<'_>) {
        writer.write_sequence(|writer| {
            writer.next().write_oid(&oid::oid(oid::PBES2));
            writer.next().write_sequence(|writer| {
                writer.next().write_sequence(|writer| {
                    writer.next().write_oid(&oid::oid(oid::PBKDF2));
                    writer.next().write_sequence(|writer| {
                        writer.next().write_bytes(&self.salt);
                        writer.next().write_u32(self.iterations.get());
                        write_with_null(writer.next(), self.prf_oid());
                    });
                });
                writer.next().write_sequence(|writer| {
                    writer.next().write_oid(&oid::oid(self.aes_oid()));
                    writer.next().write_bytes(&self.iv);
                });
            });
        });
    }

    /// Encrypts `plaintext` under `password` (its UTF-8 bytes, as OpenSSL and Windows use for PBES2).
    pub(crate) fn encrypt(
        &self,
        password: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CertificateError> {
        let failed = |_| CertificateError::Generation {
            reason: "AES-CBC encryption failed".to_owned(),
        };
        let key = self.cipher_key(password)?;
        let key = PaddedBlockEncryptingKey::cbc_pkcs7(key).map_err(failed)?;
        let mut buffer = plaintext.to_vec();
        key.less_safe_encrypt(
            &mut buffer,
            EncryptionContext::Iv128(FixedLength::from(self.iv)),
        )
        .map_err(failed)?;
        Ok(buffer)
    }

    /// Decrypts `ciphertext` under `password`. A padding failure means a wrong password (or damage).
    pub(crate) fn decrypt(
        &self,
        password: &str,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CertificateError> {
        let key = self.cipher_key(password)?;
        let key = PaddedBlockDecryptingKey::cbc_pkcs7(key)
            .map_err(|_| CertificateError::WrongPassword)?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let length = key
            .decrypt(
                &mut buffer,
                DecryptionContext::Iv128(FixedLength::from(self.iv)),
            )
            .map_err(|_| CertificateError::WrongPassword)?
            .len();
        buffer.truncate(length);
        Ok(buffer)
    }

    /// Derives the AES key from `password` with PBKDF2.
    fn cipher_key(&self, password: &str) -> Result<UnboundCipherKey, CertificateError> {
        let algorithm = match self.prf {
            Prf::Sha1 => pbkdf2::PBKDF2_HMAC_SHA1,
            Prf::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
            Prf::Sha384 => pbkdf2::PBKDF2_HMAC_SHA384,
            Prf::Sha512 => pbkdf2::PBKDF2_HMAC_SHA512,
        };
        let mut key = Zeroizing::new(vec![0; self.aes.key_len()]);
        pbkdf2::derive(
            algorithm,
            self.iterations,
            &self.salt,
            password.as_bytes(),
            &mut key,
        );
        UnboundCipherKey::new(self.aes.algorithm(), &key).map_err(|_| {
            CertificateError::Pkcs12Damaged {
                reason: "its AES key cannot be made".to_owned(),
            }
        })
    }

    /// The OID of the PRF.
    fn prf_oid(&self) -> &'static [u64] {
        match self.prf {
            Prf::Sha1 => oid::HMAC_WITH_SHA1,
            Prf::Sha256 => oid::HMAC_WITH_SHA256,
            Prf::Sha384 => oid::HMAC_WITH_SHA384,
            Prf::Sha512 => oid::HMAC_WITH_SHA512,
        }
    }

    /// The OID of the cipher.
    fn aes_oid(&self) -> &'static [u64] {
        match self.aes {
            Aes::Aes128 => oid::AES128_CBC,
            Aes::Aes192 => oid::AES192_CBC,
            Aes::Aes256 => oid::AES256_CBC,
        }
    }
}

/// Checks an iteration count read from a file.
pub(crate) fn checked_iterations(iterations: u64) -> Result<NonZeroU32, CertificateError> {
    if iterations > u64::from(MAX_ITERATIONS) {
        return Err(CertificateError::UnsupportedPkcs12 {
            what: format!(
                "{iterations} key derivation iterations (at most {MAX_ITERATIONS} are read)"
            ),
        });
    }
    u32::try_from(iterations)
        .ok()
        .and_then(NonZeroU32::new)
        .ok_or(CertificateError::Pkcs12Damaged {
            reason: "an iteration count is zero".to_owned(),
        })
}

/// The AES size of a PBES2 encryption scheme, or a refusal naming a legacy cipher.
fn cipher(scheme: &AlgorithmIdentifier) -> Result<Aes, CertificateError> {
    let legacy = |name: &str| CertificateError::LegacyPkcs12 {
        algorithm: format!("PBES2 with {name}"),
    };
    match scheme.oid.components().as_slice() {
        oid::AES128_CBC => Ok(Aes::Aes128),
        oid::AES192_CBC => Ok(Aes::Aes192),
        oid::AES256_CBC => Ok(Aes::Aes256),
        oid::DES_EDE3_CBC => Err(legacy("3DES (des-EDE3-CBC)")),
        oid::RC2_CBC => Err(legacy("RC2 (rc2CBC)")),
        oid::DES_CBC => Err(legacy("DES (desCBC)")),
        _ => Err(CertificateError::UnsupportedPkcs12 {
            what: format!("the cipher {}", scheme.oid),
        }),
    }
}

/// Why an encryption algorithm other than PBES2 is refused: legacy ones by name.
fn refusal(algorithm: &AlgorithmIdentifier) -> CertificateError {
    let arcs = algorithm.oid.components().as_slice();
    if let Some(&[last]) = arcs.strip_prefix(oid::PKCS12_PBE_PREFIX) {
        let name = match last {
            1 => "pbeWithSHAAnd128BitRC4",
            2 => "pbeWithSHAAnd40BitRC4",
            3 => "pbeWithSHAAnd3-KeyTripleDES-CBC",
            4 => "pbeWithSHAAnd2-KeyTripleDES-CBC",
            5 => "pbeWithSHAAnd128BitRC2-CBC",
            6 => "pbewithSHAAnd40BitRC2-CBC",
            _ => "a PKCS#12 v1 password-based encryption",
        };
        return CertificateError::LegacyPkcs12 {
            algorithm: name.to_owned(),
        };
    }
    if let Some(&[_]) = arcs.strip_prefix(oid::PBES1_PREFIX) {
        return CertificateError::LegacyPkcs12 {
            algorithm: "PBES1 (DES or RC2)".to_owned(),
        };
    }
    CertificateError::UnsupportedPkcs12 {
        what: format!("the encryption algorithm {}", algorithm.oid),
    }
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::rand::SystemRandom;

    use crate::certificate::error::CertificateError;
    use crate::certificate::pkcs12::algorithm::AlgorithmIdentifier;
    use crate::certificate::pkcs12::oid;
    use crate::certificate::pkcs12::pbes2::Pbes2;

    /// Writes the parameters' identifier and reads it back, as a file reader would.
    fn round_trip(parameters: &Pbes2) -> Pbes2 {
        let der = yasna::construct_der(|writer| parameters.write_algorithm(writer));
        let algorithm = yasna::parse_der(&der, AlgorithmIdentifier::read).unwrap();
        Pbes2::from_algorithm(&algorithm).unwrap()
    }

    #[test]
    fn what_is_encrypted_decrypts_with_the_password_only() {
        let parameters = Pbes2::generate(&SystemRandom::new()).unwrap();
        let ciphertext = parameters.encrypt("correct horse", b"the key bag").unwrap();
        assert_ne!(&ciphertext[..], b"the key bag");
        assert_eq!(ciphertext.len() % 16, 0);
        let read = round_trip(&parameters);
        assert_eq!(
            &read.decrypt("correct horse", &ciphertext).unwrap()[..],
            b"the key bag"
        );
        // A wrong password almost always breaks the padding; when it happens not to, the content is garbage
        // that the caller's MAC or DER parsing refuses.
        if let Ok(plaintext) = read.decrypt("wrong horse", &ciphertext) {
            assert_ne!(&plaintext[..], b"the key bag");
        }
    }

    #[test]
    fn legacy_algorithms_are_refused_by_name() {
        let pkcs12_3des = AlgorithmIdentifier {
            oid: oid::oid(&[1, 2, 840, 113549, 1, 12, 1, 3]),
            parameters: None,
        };
        let error = Pbes2::from_algorithm(&pkcs12_3des).unwrap_err();
        assert!(
            matches!(&error, CertificateError::LegacyPkcs12 { algorithm } if algorithm == "pbeWithSHAAnd3-KeyTripleDES-CBC"),
            "{error:?}"
        );
        assert!(error.to_string().contains("-keypbe AES-256-CBC"));
        assert!(error.to_string().contains("AES256_SHA256"));
        let rc2 = AlgorithmIdentifier {
            oid: oid::oid(&[1, 2, 840, 113549, 1, 12, 1, 6]),
            parameters: None,
        };
        assert!(matches!(
            Pbes2::from_algorithm(&rc2),
            Err(CertificateError::LegacyPkcs12 { .. })
        ));
    }
}
