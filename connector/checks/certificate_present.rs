//! `certificate_present`: the certificate the connection signs in with is where the settings say
//! (`certificate_pem`, the PEM or PKCS#12 file `certificate_path`, or on Windows `certificate_store`), can be
//! read with its private key, and is the one `certificate_thumbprint` names.

use std::path::Path;

use crate::certificate::HeldCertificate;
use crate::checks::check::{Check, Definition};
use crate::error::excerpt;
use crate::settings::Settings;

/// The check.
pub const CERTIFICATE_PRESENT: Definition = Definition {
    name: "certificate_present",
    label: "The certificate is present",
};

/// What to do when the connection holds no certificate.
const STORE_THE_CREDENTIAL: &str = "Store the certificate Create or update Azure application handed over \
     (data.credential: pem in certificate_pem, or the PKCS#12 file in certificate_path with \
     certificate_password), or in manual configuration give the certificate registered on your application.";

/// Where the settings keep the certificate, for messages.
fn source(settings: &Settings) -> Option<String> {
    if settings.text("certificate_pem").is_some() {
        Some("Certificate and private key (PEM)".to_owned())
    } else {
        settings
            .text("certificate_path")
            .map(|path| format!("the file {}", excerpt(path, 200)))
    }
}

/// Reads the certificate from the settings; the check, and the certificate when it could be read.
pub fn check(settings: &Settings) -> (Check, Option<HeldCertificate>) {
    let read = if let Some(pem) = settings.text("certificate_pem") {
        HeldCertificate::from_pem(pem)
    } else if let Some(path) = settings.text("certificate_path") {
        HeldCertificate::from_file(Path::new(path), settings.text("certificate_password"))
    } else if let Some(store) = settings.text("certificate_store") {
        return (store_check(store), None);
    } else {
        return (
            Check::fail(
                CERTIFICATE_PRESENT,
                "The settings hold no certificate: none of certificate_pem, certificate_path or certificate_store \
                 is given.",
                STORE_THE_CREDENTIAL,
            ),
            None,
        );
    };
    let from = source(settings).unwrap_or_default();
    let certificate = match read {
        Ok(certificate) => certificate,
        Err(error) => {
            return (
                Check::fail(
                    CERTIFICATE_PRESENT,
                    format!("The certificate could not be read from {from}: {error}"),
                    STORE_THE_CREDENTIAL,
                ),
                None,
            );
        }
    };
    let details = certificate.details();
    let thumbprint = &details.thumbprint_sha1;
    let check = match settings.text("certificate_thumbprint") {
        Some(named) if !named.eq_ignore_ascii_case(thumbprint) => Check::fail(
            CERTIFICATE_PRESENT,
            format!(
                "The certificate in {from} has the thumbprint {thumbprint}, not {named}, the one the settings name."
            ),
            "Give the certificate whose thumbprint the settings name, or correct Certificate thumbprint to the \
             certificate's.",
        ),
        _ => Check::pass(
            CERTIFICATE_PRESENT,
            format!(
                "The certificate {thumbprint} ({}) was read from {from}.",
                excerpt(&details.subject, 128)
            ),
        ),
    };
    (check, Some(certificate))
}

/// The check for a certificate in a Windows certificate store.
#[cfg(windows)]
fn store_check(store: &str) -> Check {
    Check::fail(
        CERTIFICATE_PRESENT,
        format!(
            "This version of the connector cannot read the certificate from the store {store} yet."
        ),
        "Export the certificate with its private key to a PKCS#12 (.pfx) file readable only by the service \
         account, and give it in certificate_path (with certificate_password).",
    )
}

/// The check for a certificate in a Windows certificate store.
#[cfg(not(windows))]
fn store_check(store: &str) -> Check {
    Check::fail(
        CERTIFICATE_PRESENT,
        format!(
            "The settings name the Windows certificate store {store}, and this computer is not running Windows."
        ),
        "Give the certificate and its key in certificate_pem, or as a PEM or PKCS#12 file in certificate_path.",
    )
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::certificate::{GenerateOptions, generate};
    use crate::checks::check::Status;
    use crate::settings::validate;
    use serde_json::{Map, Value, json};

    fn settings(extra: Value) -> crate::settings::Settings {
        let mut document: Map<String, Value> = json!({
            "settings_version": 3, "mode": "manual", "tenant_id": "8f3c2a91-4b7e-4d2a-9c1f-6e5b7a8d9c0e",
            "application_id": "0b7a2f4e-5d1c-4e8a-9f3b-2c6d8e0a1b4f",
            "certificate_thumbprint": "AB".repeat(20)
        })
        .as_object()
        .cloned()
        .unwrap();
        document.extend(extra.as_object().cloned().unwrap());
        validate(&document, &[]).unwrap()
    }

    #[test]
    fn a_missing_certificate_fails_with_where_to_store_it() {
        let (result, certificate) = check(&settings(json!({})));
        assert_eq!(result.status, Status::Fail);
        assert!(certificate.is_none());
        assert!(result.hint.unwrap().contains("data.credential"));
    }

    #[test]
    fn a_file_with_another_certificate_is_read_but_fails_naming_both_thumbprints() {
        let generated = generate(
            &GenerateOptions::new("present", 30),
            time::OffsetDateTime::now_utc(),
        )
        .unwrap();
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("credential.pfx");
        std::fs::write(&path, generated.pkcs12.expose()).unwrap();
        let (result, certificate) = check(&settings(json!({
            "certificate_path": path.to_str().unwrap(),
            "certificate_password": generated.pkcs12_password.expose(),
        })));
        assert_eq!(result.status, Status::Fail, "{result:?}");
        assert!(
            result.message.contains(&generated.details.thumbprint_sha1),
            "{}",
            result.message
        );
        assert!(result.message.contains(&"AB".repeat(20)));
        assert!(certificate.is_some());
    }

    #[cfg(not(windows))]
    #[test]
    fn a_windows_store_elsewhere_says_so() {
        let (result, _) = check(&settings(json!({"certificate_store": "CurrentUser\\My"})));
        assert_eq!(result.status, Status::Fail);
        assert!(result.message.contains("not running Windows"));
    }
}
