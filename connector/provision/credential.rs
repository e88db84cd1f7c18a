//! The application's certificate: whether the one the host holds is on the application and good for long
//! enough, the new one when it is not (appended: the others stay until the host asks to remove them), and
//! the one-time hand-over to the host.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::certificate::GeneratedCertificate;

/// The thumbprint (upper-case SHA-1 hex) a `keyCredential` names in `customKeyIdentifier` (Graph's default
/// for it is the certificate's thumbprint, base64).
pub fn key_thumbprint(key: &Value) -> Option<String> {
    let encoded = key["customKeyIdentifier"].as_str()?;
    let bytes = STANDARD.decode(encoded).ok()?;
    (bytes.len() == 20).then(|| bytes.iter().map(|b| format!("{b:02X}")).collect())
}

/// A `keyCredential`'s end, when it parses.
pub fn key_end(key: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(key["endDateTime"].as_str()?, &Rfc3339).ok()
}

/// Why a new certificate is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renewal {
    /// The host holds no certificate for this application yet.
    NoneHeld,
    /// The host's certificate is not on the application.
    NotOnApplication,
    /// The host's certificate ends within the renewal window (or has ended).
    Expiring,
}

impl Renewal {
    /// For people.
    pub fn reason(self) -> &'static str {
        match self {
            Renewal::NoneHeld => "the connection holds no certificate yet",
            Renewal::NotOnApplication => {
                "the certificate the connection holds is not on the application"
            }
            Renewal::Expiring => {
                "the certificate the connection holds expires within the renewal window"
            }
        }
    }
}

/// What to do about the certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateDecision {
    /// The held certificate is on the application and good beyond the renewal window.
    Keep {
        /// Its `keyId` on the application.
        key_id: String,
        /// Its thumbprint.
        thumbprint: String,
        /// Its end.
        not_after: Option<OffsetDateTime>,
    },
    /// A new certificate is to be added.
    Add(Renewal),
}

/// Decides from the application's `keyCredentials`, the thumbprint the host holds, the renewal window and
/// the time now.
pub fn decide(
    keys: &[Value],
    held: Option<&str>,
    renewal_days: i64,
    now: OffsetDateTime,
) -> CertificateDecision {
    let Some(held) = held.filter(|h| !h.is_empty()) else {
        return CertificateDecision::Add(Renewal::NoneHeld);
    };
    let held = held.to_ascii_uppercase();
    let Some(key) = keys
        .iter()
        .find(|k| key_thumbprint(k).as_deref() == Some(held.as_str()))
    else {
        return CertificateDecision::Add(Renewal::NotOnApplication);
    };
    let end = key_end(key);
    if end.is_none_or(|end| end <= now + Duration::days(renewal_days)) {
        return CertificateDecision::Add(Renewal::Expiring);
    }
    CertificateDecision::Keep {
        key_id: key["keyId"].as_str().unwrap_or_default().to_owned(),
        thumbprint: held,
        not_after: end,
    }
}

fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// The `keyCredential` of a new certificate, as Graph takes it (public key only), with a `keyId` the
/// connector chooses so that it knows it before Graph answers.
pub fn key_credential(generated: &GeneratedCertificate, key_id: &str) -> Value {
    json!({
        "keyId": key_id,
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "key": generated.details.key_base64(),
        "displayName": generated.details.subject,
        "startDateTime": timestamp(generated.details.not_before),
        "endDateTime": timestamp(generated.details.not_after),
    })
}

/// The application's existing `keyCredentials` as Graph returned them (`key` null, same `keyId`), for a
/// PATCH that keeps them: Graph replaces the collection whole.
pub fn kept(keys: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    keys.iter()
        .filter(|k| keep(k))
        .map(|k| {
            let mut k = k.clone();
            if let Some(map) = k.as_object_mut() {
                map.insert("key".to_owned(), Value::Null);
            }
            k
        })
        .collect()
}

/// `data.credential`: the new certificate, once. The private key, the PKCS#12 and its password appear here
/// and nowhere else.
pub fn hand_over(generated: &GeneratedCertificate) -> Value {
    let details = &generated.details;
    json!({
        "type": "certificate",
        "thumbprint": details.thumbprint_sha1,
        "thumbprint_sha256": details.thumbprint_sha256,
        "not_before": timestamp(details.not_before),
        "not_after": timestamp(details.not_after),
        "subject": details.subject,
        "certificate_pem": generated.certificate_pem,
        "private_key_pem": generated.private_key_pem.expose(),
        "pem": format!("{}{}", generated.certificate_pem, generated.private_key_pem.expose()),
        "pkcs12_base64": STANDARD.encode(generated.pkcs12.expose()),
        "pkcs12_password": generated.pkcs12_password.expose(),
    })
}

#[cfg(test)]
mod tests {
    use super::{CertificateDecision, Renewal, decide, key_thumbprint};
    use serde_json::json;
    use time::macros::datetime;

    const THUMBPRINT: &str = "0102030405060708090A0B0C0D0E0F1011121314";

    fn key(end: &str) -> serde_json::Value {
        json!({"keyId": "k1", "customKeyIdentifier": "AQIDBAUGBwgJCgsMDQ4PEBESExQ=", "endDateTime": end})
    }

    #[test]
    fn the_held_certificate_is_kept_until_the_renewal_window() {
        let now = datetime!(2026-12-01 00:00 UTC);
        assert_eq!(
            key_thumbprint(&key("2027-12-01T00:00:00Z")).as_deref(),
            Some(THUMBPRINT)
        );
        assert!(matches!(
            decide(
                &[key("2027-12-01T00:00:00Z")],
                Some(&THUMBPRINT.to_lowercase()),
                30,
                now
            ),
            CertificateDecision::Keep { .. }
        ));
        assert_eq!(
            decide(&[key("2026-12-20T00:00:00Z")], Some(THUMBPRINT), 30, now),
            CertificateDecision::Add(Renewal::Expiring)
        );
        assert_eq!(
            decide(&[key("2027-12-01T00:00:00Z")], Some("FF"), 30, now),
            CertificateDecision::Add(Renewal::NotOnApplication)
        );
        assert_eq!(
            decide(&[], None, 30, now),
            CertificateDecision::Add(Renewal::NoneHeld)
        );
    }
}
