//! Reads a PKCS#12 file (RFC 7292) in password mode: BER or DER, as Windows, OpenSSL, Java and macOS write
//! them; PBES2 with AES-CBC for the encrypted parts; an HMAC password MAC with SHA-1 or SHA-2. Legacy files
//! (3DES, RC2, RC4) are refused with how to export them again.

use yasna::models::ObjectIdentifier;
use yasna::{ASN1Result, BERReader, Tag};
use zeroize::Zeroizing;

use crate::certificate::details::CertificateDetails;
use crate::certificate::error::CertificateError;
use crate::certificate::pkcs12::algorithm::AlgorithmIdentifier;
use crate::certificate::pkcs12::mac::MacData;
use crate::certificate::pkcs12::oid;
use crate::certificate::pkcs12::pbes2::Pbes2;
use crate::certificate::private_key::PrivateKey;

/// How deeply `safeContentsBag`s may nest.
const MAX_NESTING: usize = 4;

/// `ContentInfo`: a content type and its still-encoded `[0]` content.
struct ContentInfo {
    /// The content type.
    content_type: ObjectIdentifier,
    /// The encoded content (a whole TLV), when present.
    content: Option<Vec<u8>>,
}

impl ContentInfo {
    /// Reads `ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content OPTIONAL }`.
    fn read(reader: BERReader<'_, '_>) -> ASN1Result<Self> {
        reader.read_sequence(|reader| {
            let content_type = reader.next().read_oid()?;
            let content = reader.read_optional(|reader| {
                reader.read_tagged(Tag::context(0), |reader| reader.read_der())
            })?;
            Ok(Self {
                content_type,
                content,
            })
        })
    }

    /// Whether the content type is `arcs`.
    fn is(&self, arcs: &[u64]) -> bool {
        self.content_type.components().as_slice() == arcs
    }

    /// The octets of an `id-data` content.
    fn data(&self) -> Result<Vec<u8>, CertificateError> {
        let content = self.content.as_deref().unwrap_or_default();
        yasna::parse_ber(content, |reader| reader.read_bytes())
            .map_err(|_| damaged("a data content does not decode"))
    }
}

/// A `SafeBag`: its type and its still-encoded value.
struct SafeBag {
    /// The bag type.
    bag_id: ObjectIdentifier,
    /// The encoded value (a whole TLV).
    value: Zeroizing<Vec<u8>>,
}

/// What the bags held: certificates (DER) and private keys (PKCS#8 DER).
#[derive(Default)]
struct Found {
    /// The certificates, in file order.
    certificates: Vec<Vec<u8>>,
    /// The private keys, in file order.
    keys: Vec<Zeroizing<Vec<u8>>>,
}

/// Reads the certificate and its private key from PKCS#12 `bytes` protected by `password`. With several
/// certificates (a chain), the one whose public key matches the private key is taken, else the first.
pub(crate) fn read(
    bytes: &[u8],
    password: &str,
) -> Result<(CertificateDetails, PrivateKey), CertificateError> {
    let (version, auth_safe, mac) = yasna::parse_ber(bytes, |reader| {
        reader.read_sequence(|reader| {
            let version = reader.next().read_u64()?;
            let auth_safe = ContentInfo::read(reader.next())?;
            let mac = reader.read_optional(MacData::read)?;
            Ok((version, auth_safe, mac))
        })
    })
    .map_err(|_| damaged("it does not decode as PKCS#12"))?;
    if version != 3 {
        return Err(damaged(&format!("its version is {version}, not 3")));
    }
    if auth_safe.is(oid::SIGNED_DATA) {
        return Err(CertificateError::UnsupportedPkcs12 {
            what: "public-key integrity mode (signedData)".to_owned(),
        });
    }
    if !auth_safe.is(oid::DATA) {
        return Err(damaged("its authenticated safe is not data"));
    }
    let auth_safe = auth_safe.data()?;
    let mac_checked = match mac {
        Some(mac) => {
            mac?.verify(password, &auth_safe)?;
            true
        }
        None => false,
    };
    let undecodable = |what: &str| {
        if mac_checked {
            damaged(&format!("{what} does not decode"))
        } else {
            // Without a MAC, a wrong password shows only as decrypted garbage.
            CertificateError::WrongPassword
        }
    };

    let contents = yasna::parse_ber(&auth_safe, |reader| {
        reader.collect_sequence_of(ContentInfo::read)
    })
    .map_err(|_| damaged("its authenticated safe does not decode"))?;
    let mut found = Found::default();
    for content in contents {
        let safe_contents = match content.content_type.components().as_slice() {
            oid::DATA => Zeroizing::new(content.data()?),
            oid::ENCRYPTED_DATA => decrypt_encrypted_data(&content, password)?,
            oid::ENVELOPED_DATA => {
                return Err(CertificateError::UnsupportedPkcs12 {
                    what: "public-key privacy mode (envelopedData)".to_owned(),
                });
            }
            _ => {
                return Err(damaged(
                    "a part of its authenticated safe has an unknown type",
                ));
            }
        };
        collect_bags(&safe_contents, password, &mut found, 0, &undecodable)?;
    }

    let key = match found.keys.as_slice() {
        [] => return Err(CertificateError::NoPrivateKey),
        [key] => PrivateKey::from_pkcs8(key)?,
        keys => return Err(CertificateError::SeveralPrivateKeys { count: keys.len() }),
    };
    let mut certificates = found
        .certificates
        .iter()
        .map(|der| CertificateDetails::from_der(der))
        .collect::<Result<Vec<_>, _>>()?;
    if certificates.is_empty() {
        return Err(CertificateError::NoCertificate);
    }
    let public_key = key.public_key();
    let index = certificates
        .iter()
        .position(|certificate| {
            certificate
                .rsa_public_key()
                .is_ok_and(|parts| parts == public_key)
        })
        .unwrap_or(0);
    Ok((certificates.swap_remove(index), key))
}

/// Decrypts the SafeContents of an `EncryptedData` content (RFC 5652 §8).
fn decrypt_encrypted_data(
    content: &ContentInfo,
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, CertificateError> {
    let encoded = content.content.as_deref().unwrap_or_default();
    let (algorithm, ciphertext) = yasna::parse_ber(encoded, |reader| {
        reader.read_sequence(|reader| {
            let _version = reader.next().read_u64()?;
            let encrypted = reader.next().read_sequence(|reader| {
                let _content_type = reader.next().read_oid()?;
                let algorithm = AlgorithmIdentifier::read(reader.next())?;
                let ciphertext = reader.read_optional(|reader| {
                    reader.read_tagged_implicit(Tag::context(0), |reader| reader.read_bytes())
                })?;
                Ok((algorithm, ciphertext.unwrap_or_default()))
            })?;
            let _unprotected_attributes = reader.read_optional(|reader| reader.read_der())?;
            Ok(encrypted)
        })
    })
    .map_err(|_| damaged("its encrypted data does not decode"))?;
    Pbes2::from_algorithm(&algorithm)?.decrypt(password, &ciphertext)
}

/// Collects the certificates and keys of encoded `SafeContents`, decrypting shrouded keys.
fn collect_bags(
    safe_contents: &[u8],
    password: &str,
    found: &mut Found,
    depth: usize,
    undecodable: &dyn Fn(&str) -> CertificateError,
) -> Result<(), CertificateError> {
    let bags = yasna::parse_ber(safe_contents, |reader| {
        reader.collect_sequence_of(|reader| {
            reader.read_sequence(|reader| {
                let bag_id = reader.next().read_oid()?;
                let value = Zeroizing::new(
                    reader
                        .next()
                        .read_tagged(Tag::context(0), |reader| reader.read_der())?,
                );
                let _attributes = reader.read_optional(|reader| reader.read_der())?;
                Ok(SafeBag { bag_id, value })
            })
        })
    })
    .map_err(|_| undecodable("its safe contents"))?;
    for bag in bags {
        match bag.bag_id.components().as_slice() {
            oid::KEY_BAG => found.keys.push(bag.value),
            oid::SHROUDED_KEY_BAG => {
                let (algorithm, ciphertext) = yasna::parse_ber(&bag.value, |reader| {
                    reader.read_sequence(|reader| {
                        let algorithm = AlgorithmIdentifier::read(reader.next())?;
                        let ciphertext = reader.next().read_bytes()?;
                        Ok((algorithm, ciphertext))
                    })
                })
                .map_err(|_| damaged("its shrouded key bag does not decode"))?;
                found
                    .keys
                    .push(Pbes2::from_algorithm(&algorithm)?.decrypt(password, &ciphertext)?);
            }
            oid::CERT_BAG => {
                let certificate = yasna::parse_ber(&bag.value, |reader| {
                    reader.read_sequence(|reader| {
                        let certificate_type = reader.next().read_oid()?;
                        let value = reader
                            .next()
                            .read_tagged(Tag::context(0), |reader| reader.read_bytes())?;
                        Ok((certificate_type, value))
                    })
                })
                .map_err(|_| damaged("its certificate bag does not decode"))?;
                if certificate.0.components().as_slice() == oid::X509_CERTIFICATE {
                    found.certificates.push(certificate.1);
                }
            }
            oid::SAFE_CONTENTS_BAG if depth < MAX_NESTING => {
                collect_bags(&bag.value, password, found, depth + 1, undecodable)?;
            }
            oid::SAFE_CONTENTS_BAG => return Err(damaged("its safe contents nest too deeply")),
            // CRLs, secrets and unknown bags hold nothing the connector uses.
            _ => {}
        }
    }
    Ok(())
}

/// A structural problem.
fn damaged(reason: &str) -> CertificateError {
    CertificateError::Pkcs12Damaged {
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use crate::certificate::error::CertificateError;
    use crate::certificate::generate::{GenerateOptions, generate};
    use crate::certificate::pkcs12::read::read;

    /// Re-encodes DER as BER the way Java and macOS write PKCS#12: every constructed value with an
    /// indefinite length, and every OCTET STRING longer than 16 bytes as a constructed string of chunks.
    /// The contents of OCTET STRINGs are kept byte for byte, so the MAC still holds.
    fn to_ber(mut der: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while !der.is_empty() {
            let tag = der[0];
            let (length, header) = match der[1] {
                short if short < 0x80 => (usize::from(short), 2),
                long => {
                    let count = usize::from(long & 0x7F);
                    let length = der[2..2 + count]
                        .iter()
                        .fold(0, |acc, byte| acc << 8 | usize::from(*byte));
                    (length, 2 + count)
                }
            };
            let value = &der[header..header + length];
            if tag & 0x20 != 0 {
                out.extend([tag, 0x80]);
                out.extend(to_ber(value));
                out.extend([0, 0]);
            } else if tag == 0x04 && value.len() > 16 {
                out.extend([0x24, 0x80]);
                for chunk in value.chunks(16) {
                    out.extend([0x04, chunk.len() as u8]);
                    out.extend(chunk);
                }
                out.extend([0, 0]);
            } else {
                out.extend(&der[..header + length]);
            }
            der = &der[header + length..];
        }
        out
    }

    #[test]
    fn a_ber_file_with_indefinite_lengths_and_chunked_strings_is_read() {
        let generated = generate(
            &GenerateOptions::new("ber", 1),
            datetime!(2026-01-01 00:00 UTC),
        )
        .unwrap();
        let der = generated.pkcs12.expose();
        let ber = to_ber(der);
        assert_ne!(&ber[..], der);
        assert_eq!(&ber[..2], &[0x30, 0x80]);
        let (details, key) = read(&ber, generated.pkcs12_password.expose()).unwrap();
        assert_eq!(details, generated.details);
        assert_eq!(key.public_key(), details.rsa_public_key().unwrap());
    }

    #[test]
    fn what_is_not_pkcs12_is_called_damaged() {
        for bytes in [
            &b""[..],
            b"\x30\x00",
            b"\x30\x03\x02\x01\x02",
            b"\x04\x02ab",
        ] {
            let error = read(bytes, "").unwrap_err();
            assert!(
                matches!(error, CertificateError::Pkcs12Damaged { .. }),
                "{bytes:?}: {error:?}"
            );
            assert!(error.to_string().ends_with("; export it again."));
        }
    }
}
