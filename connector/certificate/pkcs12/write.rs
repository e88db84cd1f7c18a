//! Writes a PKCS#12 file (RFC 7292) that Windows imports into a legacy CSP: the certificate in an encrypted
//! safe, the key in a shrouded key bag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), an HMAC-SHA256
//! password MAC, `friendlyName` and `localKeyId` on both bags, and Microsoft's key provider name on the key.
//!
//! The Exchange Online PowerShell module signs with the .NET `RSACryptoServiceProvider`, which needs a CSP
//! key; a key imported into a CNG provider fails with "Keyset does not exist". Naming the CSP in the bag makes
//! Windows import the key there.

use aws_lc_rs::rand::SystemRandom;
use yasna::{DERWriter, Tag};

use crate::certificate::error::CertificateError;
use crate::certificate::pkcs12::mac::MacData;
use crate::certificate::pkcs12::oid::{self, oid};
use crate::certificate::pkcs12::pbes2::Pbes2;

/// The legacy CSP that Windows imports the key into: RSA with SHA-2 signatures, as .NET's
/// `RSACryptoServiceProvider` needs.
pub const WINDOWS_CSP_NAME: &str = "Microsoft Enhanced RSA and AES Cryptographic Provider";

/// What goes into the file.
pub(crate) struct Pkcs12Input<'a> {
    /// The certificate, DER.
    pub(crate) certificate_der: &'a [u8],
    /// Its private key, unencrypted PKCS#8 DER.
    pub(crate) pkcs8: &'a [u8],
    /// The name Windows shows for the certificate.
    pub(crate) friendly_name: &'a str,
    /// The SHA-1 of the certificate, which pairs the key bag with the certificate bag.
    pub(crate) local_key_id: &'a [u8],
}

/// Writes the PKCS#12 file, protected by `password`.
pub(crate) fn write(input: &Pkcs12Input<'_>, password: &str) -> Result<Vec<u8>, CertificateError> {
    let rng = SystemRandom::new();

    let certificate_contents = write_safe_contents(
        oid::CERT_BAG,
        |writer| {
            writer.write_sequence(|writer| {
                writer.next().write_oid(&oid(oid::X509_CERTIFICATE));
                writer.next().write_tagged(Tag::context(0), |writer| {
                    writer.write_bytes(input.certificate_der)
                });
            });
        },
        input,
        None,
    );
    let certificate_encryption = Pbes2::generate(&rng)?;
    let encrypted_certificates = certificate_encryption.encrypt(password, &certificate_contents)?;

    let key_encryption = Pbes2::generate(&rng)?;
    let encrypted_key = key_encryption.encrypt(password, input.pkcs8)?;
    let key_contents = write_safe_contents(
        oid::SHROUDED_KEY_BAG,
        |writer| {
            // EncryptedPrivateKeyInfo (RFC 5958 §3).
            writer.write_sequence(|writer| {
                key_encryption.write_algorithm(writer.next());
                writer.next().write_bytes(&encrypted_key);
            });
        },
        input,
        Some(WINDOWS_CSP_NAME),
    );

    let authenticated_safe = yasna::construct_der(|writer| {
        writer.write_sequence_of(|writer| {
            // The certificates: ContentInfo of EncryptedData (RFC 5652 §8).
            write_content_info(writer.next(), oid::ENCRYPTED_DATA, |writer| {
                writer.write_sequence(|writer| {
                    writer.next().write_u8(0);
                    writer.next().write_sequence(|writer| {
                        writer.next().write_oid(&oid(oid::DATA));
                        certificate_encryption.write_algorithm(writer.next());
                        writer
                            .next()
                            .write_tagged_implicit(Tag::context(0), |writer| {
                                writer.write_bytes(&encrypted_certificates);
                            });
                    });
                });
            });
            // The key: plain Data, as its bag is already shrouded.
            write_content_info(writer.next(), oid::DATA, |writer| {
                writer.write_bytes(&key_contents)
            });
        });
    });

    let mac = MacData::compute(&rng, password, &authenticated_safe)?;
    Ok(yasna::construct_der(|writer| {
        writer.write_sequence(|writer| {
            writer.next().write_u8(3);
            write_content_info(writer.next(), oid::DATA, |writer| {
                writer.write_bytes(&authenticated_safe)
            });
            mac.write(writer.next());
        });
    }))
}

/// Writes `ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }`.
fn write_content_info(
    writer: DERWriter<'_>,
    content_type: &[u64],
    content: impl FnOnce(DERWriter<'_>),
) {
    writer.write_sequence(|writer| {
        writer.next().write_oid(&oid(content_type));
        writer.next().write_tagged(Tag::context(0), content);
    });
}

/// Encodes `SafeContents ::= SEQUENCE OF SafeBag` holding the one bag [`write_safe_bag`] writes.
fn write_safe_contents(
    bag_id: &[u64],
    value: impl FnOnce(DERWriter<'_>),
    input: &Pkcs12Input<'_>,
    csp_name: Option<&str>,
) -> Vec<u8> {
    yasna::construct_der(|writer| {
        writer.write_sequence_of(|writer| {
            write_safe_bag(writer.next(), bag_id, value, input, csp_name);
        });
    })
}

/// Writes `SafeBag ::= SEQUENCE { bagId, [0] EXPLICIT bagValue, bagAttributes }` with `friendlyName`,
/// `localKeyId` and, when given, the Microsoft CSP name.
fn write_safe_bag(
    writer: DERWriter<'_>,
    bag_id: &[u64],
    value: impl FnOnce(DERWriter<'_>),
    input: &Pkcs12Input<'_>,
    csp_name: Option<&str>,
) {
    writer.write_sequence(|writer| {
        writer.next().write_oid(&oid(bag_id));
        writer.next().write_tagged(Tag::context(0), value);
        writer.next().write_set_of(|writer| {
            write_attribute(writer.next(), oid::FRIENDLY_NAME, |writer| {
                writer.write_bmp_string(input.friendly_name);
            });
            write_attribute(writer.next(), oid::LOCAL_KEY_ID, |writer| {
                writer.write_bytes(input.local_key_id);
            });
            if let Some(csp_name) = csp_name {
                write_attribute(writer.next(), oid::MICROSOFT_CSP_NAME, |writer| {
                    writer.write_bmp_string(csp_name);
                });
            }
        });
    });
}

/// Writes `Attribute ::= SEQUENCE { attrType, attrValues SET OF ANY }` with one value.
fn write_attribute(writer: DERWriter<'_>, attribute: &[u64], value: impl FnOnce(DERWriter<'_>)) {
    writer.write_sequence(|writer| {
        writer.next().write_oid(&oid(attribute));
        writer.next().write_set_of(|writer| value(writer.next()));
    });
}
