//! The password integrity MAC of a PKCS#12 file (RFC 7292 §5 and appendix B): an HMAC over the
//! authenticated safe, keyed by the PKCS#12 key derivation function (appendix B.2, ID 3) from the password
//! as a BMPString.
//!
//! The KDF is written here because it is a dozen lines over aws-lc-rs's digest, which exposes no PKCS#12 KDF;
//! the crates that have one bring a second hash implementation.

use std::num::NonZeroU32;

use aws_lc_rs::digest;
use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use yasna::{BERReader, DERWriter};
use zeroize::Zeroizing;

use crate::certificate::error::CertificateError;
use crate::certificate::pkcs12::algorithm::{AlgorithmIdentifier, write_with_null};
use crate::certificate::pkcs12::oid;
use crate::certificate::pkcs12::pbes2::checked_iterations;

/// MAC iterations for what the connector writes (OpenSSL 3's default).
const WRITE_ITERATIONS: NonZeroU32 = NonZeroU32::new(2048).unwrap();
/// The MAC salt length for what the connector writes.
const SALT_LEN: usize = 16;
/// The PKCS#12 KDF purpose byte for MAC keys (RFC 7292 appendix B.3).
const MAC_KEY_ID: u8 = 3;

/// The hash of the MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MacHash {
    /// SHA-1, still common in files from older tools.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl MacHash {
    /// The aws-lc-rs digest.
    fn digest(self) -> &'static digest::Algorithm {
        match self {
            MacHash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            MacHash::Sha256 => &digest::SHA256,
            MacHash::Sha384 => &digest::SHA384,
            MacHash::Sha512 => &digest::SHA512,
        }
    }

    /// The aws-lc-rs HMAC.
    fn hmac(self) -> hmac::Algorithm {
        match self {
            MacHash::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            MacHash::Sha256 => hmac::HMAC_SHA256,
            MacHash::Sha384 => hmac::HMAC_SHA384,
            MacHash::Sha512 => hmac::HMAC_SHA512,
        }
    }

    /// The OID of the hash.
    fn oid(self) -> &'static [u64] {
        match self {
            MacHash::Sha1 => oid::SHA1,
            MacHash::Sha256 => oid::SHA256,
            MacHash::Sha384 => oid::SHA384,
            MacHash::Sha512 => oid::SHA512,
        }
    }
}

/// `MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }`.
#[derive(Debug)]
pub(crate) struct MacData {
    /// The hash.
    hash: MacHash,
    /// The MAC value.
    mac: Vec<u8>,
    /// The KDF salt.
    salt: Vec<u8>,
    /// The KDF iterations.
    iterations: NonZeroU32,
}

/// What a MAC is checked against: the password, and the authenticated safe's bytes.
impl MacData {
    /// Computes the HMAC-SHA256 MAC of `content` under `password`, with a fresh salt.
    pub(crate) fn compute(
        rng: &SystemRandom,
        password: &str,
        content: &[u8],
    ) -> Result<Self, CertificateError> {
        let mut salt = vec![0; SALT_LEN];
        rng.fill(&mut salt)
            .map_err(|_| CertificateError::Generation {
                reason: "the system random number generator failed".to_owned(),
            })?;
        let mut mac = Self {
            hash: MacHash::Sha256,
            mac: Vec::new(),
            salt,
            iterations: WRITE_ITERATIONS,
        };
        mac.mac = mac.sign(&bmp_password(password), content);
        Ok(mac)
    }

    /// Reads a `MacData`; an unknown hash is refused by OID, PBMAC1 (RFC 9579) by name.
    pub(crate) fn read(
        reader: BERReader<'_, '_>,
    ) -> yasna::ASN1Result<Result<Self, CertificateError>> {
        reader.read_sequence(|reader| {
            let (algorithm, mac) = reader.next().read_sequence(|reader| {
                let algorithm = AlgorithmIdentifier::read(reader.next())?;
                let mac = reader.next().read_bytes()?;
                Ok((algorithm, mac))
            })?;
            let salt = reader.next().read_bytes()?;
            let iterations = reader
                .read_optional(|reader| reader.read_u64())?
                .unwrap_or(1);
            Ok(Self::interpret(&algorithm, mac, salt, iterations))
        })
    }

    /// Checks the MAC fields once read.
    fn interpret(
        algorithm: &AlgorithmIdentifier,
        mac: Vec<u8>,
        salt: Vec<u8>,
        iterations: u64,
    ) -> Result<Self, CertificateError> {
        let hash = [
            MacHash::Sha1,
            MacHash::Sha256,
            MacHash::Sha384,
            MacHash::Sha512,
        ]
        .into_iter()
        .find(|hash| algorithm.is(hash.oid()));
        let Some(hash) = hash else {
            let what = if algorithm.is(oid::PBMAC1) {
                "a PBMAC1 integrity check (RFC 9579)".to_owned()
            } else {
                format!("the MAC hash {}", algorithm.oid)
            };
            return Err(CertificateError::UnsupportedPkcs12 { what });
        };
        Ok(Self {
            hash,
            mac,
            salt,
            iterations: checked_iterations(iterations)?,
        })
    }

    /// Writes the `MacData`.
    pub(crate) fn write(&self, writer: DERWriter<'_>) {
        writer.write_sequence(|writer| {
            writer.next().write_sequence(|writer| {
                write_with_null(writer.next(), self.hash.oid());
                writer.next().write_bytes(&self.mac);
            });
            writer.next().write_bytes(&self.salt);
            writer.next().write_u32(self.iterations.get());
        });
    }

    /// Checks the MAC of `content` under `password`. An empty password is tried both as an empty BMPString
    /// (two zero bytes) and as no bytes at all, as tools differ there.
    pub(crate) fn verify(&self, password: &str, content: &[u8]) -> Result<(), CertificateError> {
        let mut candidates = vec![bmp_password(password)];
        if password.is_empty() {
            candidates.push(Zeroizing::new(Vec::new()));
        }
        let key_len = self.hash.digest().output_len();
        for candidate in candidates {
            let key = pkcs12_kdf(
                self.hash.digest(),
                MAC_KEY_ID,
                &candidate,
                &self.salt,
                self.iterations,
                key_len,
            );
            let key = hmac::Key::new(self.hash.hmac(), &key);
            if hmac::verify(&key, content, &self.mac).is_ok() {
                return Ok(());
            }
        }
        Err(CertificateError::WrongPassword)
    }

    /// The MAC of `content` under the BMPString `password`.
    fn sign(&self, password: &[u8], content: &[u8]) -> Vec<u8> {
        let key_len = self.hash.digest().output_len();
        let key = pkcs12_kdf(
            self.hash.digest(),
            MAC_KEY_ID,
            password,
            &self.salt,
            self.iterations,
            key_len,
        );
        let key = hmac::Key::new(self.hash.hmac(), &key);
        hmac::sign(&key, content).as_ref().to_vec()
    }
}

/// A password as PKCS#12 wants it for its KDF: a BMPString, UTF-16 big-endian with a two-byte zero
/// terminator (RFC 7292 appendix B.1). Characters outside the Basic Multilingual Plane become surrogate pairs,
/// as Windows and OpenSSL write them.
fn bmp_password(password: &str) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
    for unit in password.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

/// The PKCS#12 key derivation function (RFC 7292 appendix B.2): `length` bytes for purpose `id`.
fn pkcs12_kdf(
    hash: &'static digest::Algorithm,
    id: u8,
    password: &[u8],
    salt: &[u8],
    iterations: NonZeroU32,
    length: usize,
) -> Zeroizing<Vec<u8>> {
    let u = hash.output_len();
    let v = hash.block_len();
    // S and P: the salt and password repeated to a whole number of v-byte blocks; I = S || P.
    let repeat = |bytes: &[u8]| -> Vec<u8> {
        let len = bytes.len().div_ceil(v) * v;
        bytes.iter().copied().cycle().take(len).collect()
    };
    let mut input = Zeroizing::new(repeat(salt));
    input.extend_from_slice(&repeat(password));
    let diversifier = vec![id; v];
    let mut output = Zeroizing::new(Vec::with_capacity(length.div_ceil(u) * u));
    while output.len() < length {
        // A = H^iterations(D || I).
        let mut context = digest::Context::new(hash);
        context.update(&diversifier);
        context.update(&input);
        let mut block = Zeroizing::new(context.finish().as_ref().to_vec());
        for _ in 1..iterations.get() {
            *block = digest::digest(hash, &block).as_ref().to_vec();
        }
        output.extend_from_slice(&block);
        // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block I_j, where B is A repeated to v bytes.
        let b: Vec<u8> = block.iter().copied().cycle().take(v).collect();
        for chunk in input.chunks_mut(v) {
            let mut carry = 1u16;
            for (byte, add) in chunk.iter_mut().zip(&b).rev() {
                let sum = u16::from(*byte) + u16::from(*add) + carry;
                *byte = sum as u8;
                carry = sum >> 8;
            }
        }
    }
    output.truncate(length);
    output
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY;
    use aws_lc_rs::rand::SystemRandom;

    use crate::certificate::error::CertificateError;
    use crate::certificate::pkcs12::mac::{MacData, bmp_password, pkcs12_kdf};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_kdf_gives_the_published_test_vectors() {
        // Stephen Henson's PKCS#12 KDF test vectors with SHA-1 (http://www.drh-consultancy.demon.co.uk/test.txt):
        // (password, salt, ID, iterations, output).
        let vectors = [
            (
                "smeg",
                "0A58CF64530D823F",
                1,
                1,
                "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3",
            ),
            (
                "smeg",
                "3D83C0E4546AC140",
                3,
                1,
                "8d967d88f6caa9d714800ab3d48051d63f73a312",
            ),
            (
                "queeg",
                "05DEC959ACFF72F7",
                1,
                1000,
                "ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4",
            ),
        ];
        for (password, salt, id, iterations, expected) in vectors {
            let salt: Vec<u8> = (0..salt.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&salt[i..i + 2], 16).unwrap())
                .collect();
            let key = pkcs12_kdf(
                &SHA1_FOR_LEGACY_USE_ONLY,
                id,
                &bmp_password(password),
                &salt,
                NonZeroU32::new(iterations).unwrap(),
                expected.len() / 2,
            );
            assert_eq!(hex(&key), expected, "{password} {id} {iterations}");
        }
    }

    #[test]
    fn the_password_is_a_terminated_utf16_bmp_string() {
        assert_eq!(&bmp_password("ab")[..], &[0, b'a', 0, b'b', 0, 0]);
        assert_eq!(&bmp_password("")[..], &[0, 0]);
        assert_eq!(&bmp_password("é")[..], &[0, 0xE9, 0, 0]);
    }

    #[test]
    fn a_mac_verifies_with_its_password_and_nothing_else() {
        let mac = MacData::compute(&SystemRandom::new(), "s3cret", b"authenticated safe").unwrap();
        let der = yasna::construct_der(|writer| mac.write(writer));
        let read = yasna::parse_der(&der, MacData::read).unwrap().unwrap();
        read.verify("s3cret", b"authenticated safe").unwrap();
        assert!(matches!(
            read.verify("S3cret", b"authenticated safe"),
            Err(CertificateError::WrongPassword)
        ));
        assert!(matches!(
            read.verify("s3cret", b"authenticated safE"),
            Err(CertificateError::WrongPassword)
        ));
    }
}
