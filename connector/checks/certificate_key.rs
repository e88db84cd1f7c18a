//! `certificate_key_matches`: the private key the connection holds belongs to its certificate, so that
//! what it signs verifies against the certificate registered on the application.

use crate::certificate::HeldCertificate;
use crate::checks::check::{Check, Definition};

/// The check.
pub const CERTIFICATE_KEY_MATCHES: Definition = Definition {
    name: "certificate_key_matches",
    label: "The private key belongs to the certificate",
};

/// Checks the key of the certificate read (skipped when none could be read).
pub fn check(certificate: Option<&HeldCertificate>) -> Check {
    let Some(certificate) = certificate else {
        return Check::skipped(
            CERTIFICATE_KEY_MATCHES,
            "Not checked: no certificate could be read (see certificate_present).",
        );
    };
    let thumbprint = &certificate.details().thumbprint_sha1;
    if certificate.key_matches() {
        Check::pass(
            CERTIFICATE_KEY_MATCHES,
            format!("The private key belongs to the certificate {thumbprint}."),
        )
    } else {
        Check::fail(
            CERTIFICATE_KEY_MATCHES,
            format!(
                "The private key given with the certificate {thumbprint} belongs to another certificate."
            ),
            "Give the private key that was created with this certificate (the pem or PKCS#12 file Create or update \
             Azure application handed over holds both).",
        )
    }
}
