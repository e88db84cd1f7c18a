//! `application_certificate` (needs an administrator): the application exists in the tenant and holds the
//! certificate the connection signs in with, valid there.

use time::OffsetDateTime;

use crate::checks::check::{Check, Definition};
use crate::checks::directory::AdminView;
use crate::provision::credential::{key_end, key_thumbprint};

/// The check.
pub const APPLICATION_CERTIFICATE: Definition = Definition {
    name: "application_certificate",
    label: "The application exists and holds the certificate",
};

/// What a skipped administrator check says, and how to make it run.
pub fn needs_admin(reason: &str) -> String {
    format!(
        "Needs an administrator signed in on this session to read the directory: {reason} Run Log in to Azure \
         on this session, then Test connection again, to run this check."
    )
}

/// Checks that the application holds the certificate `thumbprint` (the one read, or the one the settings
/// name), valid at `now`.
pub fn check(view: &AdminView, thumbprint: Option<&str>, now: OffsetDateTime) -> Check {
    let facts = match view {
        AdminView::NotSignedIn(reason) => {
            return Check::skipped(APPLICATION_CERTIFICATE, needs_admin(reason));
        }
        AdminView::NoApplication => {
            return Check::fail(
                APPLICATION_CERTIFICATE,
                "The settings name no application (Application ID).",
                "Run Create or update Azure application, or in manual configuration enter the Application ID of \
                 your application.",
            );
        }
        AdminView::Failed(error) => return Check::failed_with(APPLICATION_CERTIFICATE, error),
        AdminView::Read(facts) => facts,
    };
    let Some(application) = &facts.application else {
        return Check::fail(
            APPLICATION_CERTIFICATE,
            "The administrator's directory has no application with this Application ID.",
            "Check the Application ID and the tenant, or run Create or update Azure application to create the \
             application.",
        );
    };
    let name = application["displayName"]
        .as_str()
        .unwrap_or("the application");
    let Some(thumbprint) = thumbprint else {
        return Check::skipped(
            APPLICATION_CERTIFICATE,
            format!(
                "The application \"{name}\" exists; the connection names no certificate to look for on it."
            ),
        );
    };
    let keys = application["keyCredentials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let key = keys
        .iter()
        .find(|k| key_thumbprint(k).is_some_and(|t| t.eq_ignore_ascii_case(thumbprint)));
    match key.map(|k| (k, key_end(k))) {
        None => Check::fail(
            APPLICATION_CERTIFICATE,
            format!("The application \"{name}\" does not hold the certificate {thumbprint}."),
            "Run Create or update Azure application: it adds a certificate to the application and hands it over; \
             store that one. In manual configuration, upload this certificate to the app registration \
             (Certificates & secrets).",
        ),
        Some((_, Some(end))) if end <= now => Check::fail(
            APPLICATION_CERTIFICATE,
            format!(
                "The application \"{name}\" holds the certificate {thumbprint}, but it ended there on {}.",
                end.date()
            ),
            "Run Create or update Azure application: it adds a new certificate to the application.",
        ),
        Some((_, end)) => Check::pass(
            APPLICATION_CERTIFICATE,
            format!(
                "The application \"{name}\" holds the certificate {thumbprint}{}.",
                end.map(|e| format!(" (until {})", e.date()))
                    .unwrap_or_default()
            ),
        ),
    }
}
