//! The certificate module's error: what is wrong and what to do. Messages never quote PEM text, key material
//! or passwords; they may name a file path, an algorithm or a thumbprint.

use std::path::PathBuf;

/// A certificate could not be generated, read, exported or used for signing.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// The common name for a new certificate is empty, too long or holds control characters.
    #[error(
        "the certificate name must be 1 to {max} characters without control characters (it becomes the \
         subject CN=<name>); choose a shorter or plainer name."
    )]
    InvalidCommonName {
        /// The longest name accepted (the X.509 upper bound for a common name).
        max: usize,
    },
    /// The lifetime asked for a new certificate is outside the accepted range.
    #[error("the certificate lifetime must be 1 to {max} days, not {days}.")]
    InvalidLifetime {
        /// The lifetime asked for.
        days: u32,
        /// The longest lifetime accepted.
        max: u32,
    },
    /// Key generation or self-signing failed inside the crypto library.
    #[error("the certificate could not be generated ({reason}); try again.")]
    Generation {
        /// What the library reported (never key material).
        reason: String,
    },
    /// PEM text is malformed; the message says which block and why.
    #[error("the certificate PEM cannot be read: {0}")]
    Pem(String),
    /// No certificate was found where one was expected.
    #[error(
        "no certificate was found; give the certificate (-----BEGIN CERTIFICATE-----) together with its private \
         key."
    )]
    NoCertificate,
    /// A certificate does not parse as X.509.
    #[error(
        "the certificate is not a valid X.509 certificate; export it again from where it was created."
    )]
    InvalidCertificate,
    /// No private key was found beside the certificate.
    #[error(
        "no private key was found beside the certificate; give the certificate together with its private key: \
         in PEM an unencrypted -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY) block, or a PKCS#12 file \
         exported with its private key."
    )]
    NoPrivateKey,
    /// More than one private key was found, so which one signs is ambiguous.
    #[error(
        "{count} private keys were found; give exactly one, the one that belongs to the certificate."
    )]
    SeveralPrivateKeys {
        /// How many keys were found.
        count: usize,
    },
    /// A PEM private key is encrypted.
    #[error(
        "the private key is encrypted; give it unencrypted (e.g. `openssl pkcs8 -topk8 -nocrypt`), or use a \
         PKCS#12 file with its password."
    )]
    EncryptedPrivateKey,
    /// The key (or the certificate's public key) is not RSA.
    #[error(
        "the {what} is {algorithm}, not RSA; Microsoft Entra application certificates must be RSA (2048 bits or \
         more): create an RSA certificate."
    )]
    NotRsa {
        /// "private key" or "certificate's public key".
        what: &'static str,
        /// The algorithm found, e.g. "an EC key".
        algorithm: &'static str,
    },
    /// The private key does not decode, or the crypto library refuses it (e.g. shorter than 2048 bits).
    #[error(
        "the private key cannot be used ({reason}); give an unencrypted PKCS#8 or PKCS#1 RSA key of 2048 bits \
         or more."
    )]
    InvalidPrivateKey {
        /// Why the key was refused (never key material).
        reason: String,
    },
    /// The private key does not belong to the certificate.
    #[error(
        "the private key does not belong to the certificate {thumbprint}: give the key that was created with \
         this certificate, or the certificate of this key."
    )]
    KeyMismatch {
        /// The certificate's SHA-1 thumbprint.
        thumbprint: String,
    },
    /// A certificate file could not be read.
    #[error("the certificate file {} cannot be read: {source}", path.display())]
    File {
        /// The file's path.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A certificate file is larger than any certificate file should be.
    #[error(
        "the certificate file {} is larger than {max} bytes, which no certificate file is; check the path.",
        path.display()
    )]
    FileTooLarge {
        /// The file's path.
        path: PathBuf,
        /// The largest size accepted.
        max: u64,
    },
    /// A file is neither PEM nor PKCS#12.
    #[error(
        "the certificate file {} is neither PEM nor PKCS#12 (.pfx/.p12); give a PEM file with the certificate \
         and its private key, or a PKCS#12 file.",
        path.display()
    )]
    UnknownFileFormat {
        /// The file's path.
        path: PathBuf,
    },
    /// A PKCS#12 file is damaged or not PKCS#12.
    #[error("the PKCS#12 data is damaged or not PKCS#12 ({reason}); export it again.")]
    Pkcs12Damaged {
        /// What is wrong with its structure.
        reason: String,
    },
    /// The PKCS#12 password is wrong (its integrity check or decryption failed).
    #[error(
        "the PKCS#12 password is wrong (or the file was changed); give the password it was exported with."
    )]
    WrongPassword,
    /// A PKCS#12 file protected with a legacy algorithm (3DES, RC2, RC4, DES).
    #[error(
        "the PKCS#12 file is protected with {algorithm}, a legacy algorithm the connector does not read; \
         export it again with AES-256: with OpenSSL `openssl pkcs12 -export -in cert.pem -inkey key.pem -out \
         cert.pfx -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256`, or on Windows \
         `Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256`."
    )]
    LegacyPkcs12 {
        /// The algorithm found, e.g. "pbeWithSHAAnd3-KeyTripleDES-CBC".
        algorithm: String,
    },
    /// A PKCS#12 file uses an algorithm or structure the connector does not support.
    #[error(
        "the PKCS#12 file uses {what}, which the connector does not read; export it again with AES-256-CBC, \
         PBKDF2 and a SHA-256 MAC."
    )]
    UnsupportedPkcs12 {
        /// What is unsupported, e.g. "the key derivation function 1.3.6.1.4.1.11591.4.11".
        what: String,
    },
    /// A JWT could not be made from the arguments given.
    #[error("cannot sign the token: {0}")]
    InvalidClaims(&'static str),
    /// Signing failed inside the crypto library.
    #[error(
        "signing with the certificate's private key failed; read the certificate again and retry."
    )]
    Signing,
}
