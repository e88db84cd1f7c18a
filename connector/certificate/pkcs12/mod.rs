//! PKCS#12 (RFC 7292): writing the file a Windows host imports, and reading the files hosts hand back.
//!
//! The ASN.1 is read and written with `yasna`, which reads BER as well as DER (files from Java, macOS and some
//! Windows tools use indefinite lengths); aws-lc-rs does PBKDF2, AES-CBC, HMAC and the digests.

pub(crate) mod algorithm;
pub(crate) mod mac;
pub(crate) mod oid;
pub(crate) mod pbes2;
pub(crate) mod read;
pub(crate) mod write;
