//! `certificate_not_expiring`: the certificate is valid now and for longer than the renewal window
//! (`certificate_renewal_days`, 30 days unless the settings say), so the connection does not stop working
//! soon.

use time::OffsetDateTime;

use crate::certificate::HeldCertificate;
use crate::checks::check::{Check, Definition};
use crate::provision::DEFAULT_RENEWAL_DAYS;
use crate::settings::Settings;

/// The check.
pub const CERTIFICATE_NOT_EXPIRING: Definition = Definition {
    name: "certificate_not_expiring",
    label: "The certificate is valid and not near its expiry",
};

/// What renews a certificate.
const RENEW: &str = "Run Create or update Azure application: it adds a new certificate to the application \
     (the old one stays until the new one passed Test connection), then store the new one. In manual \
     configuration, register a new certificate on your application and give it here.";

/// Checks the certificate's validity at `now`.
pub fn check(
    certificate: Option<&HeldCertificate>,
    settings: &Settings,
    now: OffsetDateTime,
) -> Check {
    let Some(certificate) = certificate else {
        return Check::skipped(
            CERTIFICATE_NOT_EXPIRING,
            "Not checked: no certificate could be read (see certificate_present).",
        );
    };
    let details = certificate.details();
    let thumbprint = &details.thumbprint_sha1;
    let window = settings
        .get("certificate_renewal_days")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(DEFAULT_RENEWAL_DAYS);
    let end = details.not_after.date();
    if details.not_before > now {
        Check::fail(
            CERTIFICATE_NOT_EXPIRING,
            format!(
                "The certificate {thumbprint} is not valid before {}.",
                details.not_before.date()
            ),
            "Check this computer's clock, or use a certificate that is valid now.",
        )
    } else if details.not_after <= now {
        Check::fail(
            CERTIFICATE_NOT_EXPIRING,
            format!("The certificate {thumbprint} expired on {end}."),
            RENEW,
        )
    } else if details.not_after - now <= time::Duration::days(window) {
        let days = (details.not_after - now).whole_days();
        Check::fail(
            CERTIFICATE_NOT_EXPIRING,
            format!(
                "The certificate {thumbprint} expires on {end}, in {days} days: within the renewal window of \
                 {window} days."
            ),
            RENEW,
        )
    } else {
        Check::pass(
            CERTIFICATE_NOT_EXPIRING,
            format!("The certificate {thumbprint} is valid until {end}."),
        )
    }
}
