//! The object identifiers a PKCS#12 file uses, as arcs (RFC 7292, RFC 8018, RFC 5652, RFC 2985, and
//! Microsoft's key provider name attribute).

/// `id-data` (RFC 5652 §4): content that is an OCTET STRING.
pub(crate) const DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 1];
/// `id-signedData` (RFC 5652 §5): public-key integrity mode, which the connector does not read.
pub(crate) const SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
/// `id-envelopedData` (RFC 5652 §6): public-key privacy mode, which the connector does not read.
pub(crate) const ENVELOPED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 3];
/// `id-encryptedData` (RFC 5652 §8): password-encrypted content.
pub(crate) const ENCRYPTED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 6];

/// `keyBag` (RFC 7292 §4.2.1): an unencrypted PKCS#8 key.
pub(crate) const KEY_BAG: &[u64] = &[1, 2, 840, 113549, 1, 12, 10, 1, 1];
/// `pkcs8ShroudedKeyBag` (RFC 7292 §4.2.2): an encrypted PKCS#8 key.
pub(crate) const SHROUDED_KEY_BAG: &[u64] = &[1, 2, 840, 113549, 1, 12, 10, 1, 2];
/// `certBag` (RFC 7292 §4.2.3).
pub(crate) const CERT_BAG: &[u64] = &[1, 2, 840, 113549, 1, 12, 10, 1, 3];
/// `safeContentsBag` (RFC 7292 §4.2.6): nested safe contents.
pub(crate) const SAFE_CONTENTS_BAG: &[u64] = &[1, 2, 840, 113549, 1, 12, 10, 1, 6];
/// `x509Certificate` (RFC 7292 §4.2.3): the certificate type inside a certBag.
pub(crate) const X509_CERTIFICATE: &[u64] = &[1, 2, 840, 113549, 1, 9, 22, 1];

/// `friendlyName` (PKCS #9, RFC 2985 §5.5.1): a BMPString.
pub(crate) const FRIENDLY_NAME: &[u64] = &[1, 2, 840, 113549, 1, 9, 20];
/// `localKeyId` (PKCS #9, RFC 2985 §5.5.2): an OCTET STRING pairing a key with its certificate.
pub(crate) const LOCAL_KEY_ID: &[u64] = &[1, 2, 840, 113549, 1, 9, 21];
/// `szOID_PKCS_12_KEY_PROVIDER_NAME_ATTR` (Microsoft's wincrypt.h; OpenSSL shows it as "Microsoft CSP Name"):
/// the name of the cryptographic service provider Windows imports the key into, a BMPString.
pub(crate) const MICROSOFT_CSP_NAME: &[u64] = &[1, 3, 6, 1, 4, 1, 311, 17, 1];

/// `PBES2` (RFC 8018 §6.2).
pub(crate) const PBES2: &[u64] = &[1, 2, 840, 113549, 1, 5, 13];
/// `id-PBKDF2` (RFC 8018 appendix A.2).
pub(crate) const PBKDF2: &[u64] = &[1, 2, 840, 113549, 1, 5, 12];
/// `id-scrypt` (RFC 7914 §7).
pub(crate) const SCRYPT: &[u64] = &[1, 3, 6, 1, 4, 1, 11591, 4, 11];
/// `PBMAC1` (RFC 8018 §7.1, used for PKCS#12 by RFC 9579).
pub(crate) const PBMAC1: &[u64] = &[1, 2, 840, 113549, 1, 5, 14];

/// `hmacWithSHA1` (RFC 8018 appendix B.1.1), PBKDF2's default PRF.
pub(crate) const HMAC_WITH_SHA1: &[u64] = &[1, 2, 840, 113549, 2, 7];
/// `hmacWithSHA256` (RFC 8018 appendix B.1.2).
pub(crate) const HMAC_WITH_SHA256: &[u64] = &[1, 2, 840, 113549, 2, 9];
/// `hmacWithSHA384` (RFC 8018 appendix B.1.2).
pub(crate) const HMAC_WITH_SHA384: &[u64] = &[1, 2, 840, 113549, 2, 10];
/// `hmacWithSHA512` (RFC 8018 appendix B.1.2).
pub(crate) const HMAC_WITH_SHA512: &[u64] = &[1, 2, 840, 113549, 2, 11];

/// `aes128-CBC-PAD` (RFC 8018 appendix B.2.5).
pub(crate) const AES128_CBC: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 1, 2];
/// `aes192-CBC-PAD` (RFC 8018 appendix B.2.5).
pub(crate) const AES192_CBC: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 1, 22];
/// `aes256-CBC-PAD` (RFC 8018 appendix B.2.5).
pub(crate) const AES256_CBC: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 1, 42];
/// `des-EDE3-CBC` (RFC 8018 appendix B.2.2): legacy.
pub(crate) const DES_EDE3_CBC: &[u64] = &[1, 2, 840, 113549, 3, 7];
/// `rc2CBC` (RFC 8018 appendix B.2.3): legacy.
pub(crate) const RC2_CBC: &[u64] = &[1, 2, 840, 113549, 3, 2];
/// `desCBC` (RFC 8018 appendix B.2.1): legacy.
pub(crate) const DES_CBC: &[u64] = &[1, 3, 14, 3, 2, 7];

/// The prefix of the PKCS#12 v1 PBE algorithms (RFC 7292 appendix C): RC4, 3DES and RC2 with SHA-1.
pub(crate) const PKCS12_PBE_PREFIX: &[u64] = &[1, 2, 840, 113549, 1, 12, 1];
/// The prefix of the PBES1 algorithms (RFC 8018 §6.1 and appendix A.3): DES and RC2 with MD2, MD5 or SHA-1.
pub(crate) const PBES1_PREFIX: &[u64] = &[1, 2, 840, 113549, 1, 5];

/// `id-sha1` (RFC 3279 §2.2.1).
pub(crate) const SHA1: &[u64] = &[1, 3, 14, 3, 2, 26];
/// `id-sha256` (RFC 5754 §2.2).
pub(crate) const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
/// `id-sha384` (RFC 5754 §2.3).
pub(crate) const SHA384: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 2];
/// `id-sha512` (RFC 5754 §2.4).
pub(crate) const SHA512: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 3];

/// The OID for writing with yasna.
pub(crate) fn oid(arcs: &[u64]) -> yasna::models::ObjectIdentifier {
    yasna::models::ObjectIdentifier::from_slice(arcs)
}
