//! The `test` operation, the console's "Test connection": named checks, each `pass`, `fail` or `skipped`
//! with what it found and a hint that names the fix, all reported even when one fails. It runs from the
//! saved settings alone (the application id, the tenant id and the certificate the host keeps): no
//! sign-in is needed, and the checks that need an administrator's reads are skipped when none is signed in
//! on the session.
//!
//! | check | needs |
//! |---|---|
//! | [`certificate_present`] | the settings |
//! | [`certificate_key`] (`certificate_key_matches`) | the certificate |
//! | [`certificate_expiry`] (`certificate_not_expiring`) | the certificate |
//! | [`certificate_accepted`] | a certificate whose key matches; Entra ID |
//! | [`exchange_call`] (`exchange_admin_call`) | the Exchange Online token |
//! | [`application_certificate`], [`role_assignments`] (three), [`consents`] (two) | an administrator |
//!
//! Round trips, with nothing to wait for: the two app-only tokens and the administrator's first reads go
//! together (1), then the Exchange call and the read of the service principal's roles (2).

pub mod application_certificate;
pub mod certificate_accepted;
pub mod certificate_expiry;
pub mod certificate_key;
pub mod certificate_present;
pub mod check;
pub mod consents;
pub mod directory;
pub mod exchange_call;
pub mod role_assignments;

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::auth::authority::Authority;
use crate::call::Call;
use crate::checks::certificate_accepted::{AppIdentity, CERTIFICATE_ACCEPTED, Tokens};
use crate::checks::check::{Check, Definition};
use crate::checks::directory::AdminView;
use crate::checks::exchange_call::CallResult;
use crate::error::{Error, ErrorKind};
use crate::event::WaitReason;
use crate::graph::Graph;
use crate::http::HttpClient;
use crate::http::retry::Patience;
use crate::network::SignedIn;
use crate::operation::Step;
use crate::settings::Settings;

/// Every check, in the order the result lists them.
pub fn all() -> Vec<Definition> {
    let mut all = vec![
        certificate_present::CERTIFICATE_PRESENT,
        certificate_key::CERTIFICATE_KEY_MATCHES,
        certificate_expiry::CERTIFICATE_NOT_EXPIRING,
        CERTIFICATE_ACCEPTED,
        exchange_call::EXCHANGE_ADMIN_CALL,
        application_certificate::APPLICATION_CERTIFICATE,
    ];
    all.extend(role_assignments::ROLE_CHECKS);
    all.extend(consents::CONSENT_CHECKS);
    all
}

/// What the test found.
#[derive(Debug)]
pub struct TestReport {
    /// Every check, in the order of [`all`].
    pub checks: Vec<Check>,
    /// The application tested.
    pub application_id: Option<String>,
    /// Its tenant.
    pub tenant_id: Option<String>,
    /// Whether an administrator was signed in (and so the directory checks ran).
    pub administrator: bool,
}

impl TestReport {
    /// Whether no check failed (skipped ones do not fail the test).
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(Check::failed)
    }

    /// `data` of the result, on success and on `TEST_FAILED`.
    pub fn data(&self) -> Value {
        json!({
            "passed": self.passed(),
            "application_id": self.application_id,
            "tenant_id": self.tenant_id,
            "administrator_checks": self.administrator,
            "checks": self.checks,
        })
    }

    /// `TEST_FAILED` naming the failed checks, with the first one's hint; `None` when the test passed.
    pub fn error(&self) -> Option<Error> {
        let failed: Vec<&Check> = self.checks.iter().filter(|c| c.failed()).collect();
        let first = failed.first()?;
        let names: Vec<&str> = failed.iter().map(|c| c.name).collect();
        let mut error = Error::new(
            ErrorKind::TestFailed,
            format!(
                "The connection test failed: {} of {} checks failed ({}). {}",
                failed.len(),
                self.checks.len(),
                names.join(", "),
                first.message
            ),
        )
        .with_step(Step::Test);
        if let Some(hint) = &first.hint {
            error = error.with_hint(hint.clone());
        }
        Some(error)
    }
}

/// Why the Entra check cannot run: the fail or skip to report instead.
fn identity_missing(settings: &Settings, tenant_id: Option<&str>) -> Option<Check> {
    if settings.text("application_id").is_none() {
        return Some(Check::fail(
            CERTIFICATE_ACCEPTED,
            "The settings name no application (Application ID), so there is nothing to sign in as.",
            "Run Create or update Azure application and store the settings it returns, or in manual configuration \
             enter the Application ID of your application.",
        ));
    }
    if tenant_id.is_none() {
        return Some(Check::fail(
            CERTIFICATE_ACCEPTED,
            "The settings name no tenant (Tenant ID), so the application cannot sign in.",
            "Run Create or update Azure application again and store the settings it returns (they name the \
             tenant), or enter the Tenant ID.",
        ));
    }
    None
}

/// Whether the administrator's reads show every role and consent the connector writes (or show nothing to
/// wait for: no administrator, no application, a failed read).
fn granted_as_written(view: &AdminView) -> bool {
    !matches!(view, AdminView::Read(_))
        || consents::checks(view)
            .iter()
            .chain(role_assignments::checks(view).iter())
            .all(Check::passed)
}

/// The administrator's reads of the application `app_id` again: the application and what hangs off its
/// service principal, then the service principal's directory roles.
async fn reread(call: &Call<'_>, graph: &Graph<'_>, app_id: &str) -> AdminView {
    match directory::read(call, graph, app_id).await {
        Err(error) => AdminView::Failed(error),
        Ok(mut facts) => {
            if let Some(sp_id) = facts.service_principal_id().map(str::to_owned) {
                facts.role_assignments = Some(directory::read_roles(call, graph, &sp_id).await);
            }
            AdminView::Read(facts)
        }
    }
}

/// Runs every check for `settings`, with the administrator `admin` when one is signed in for them (else why
/// not). Returns an error only when the host cancels.
pub async fn run(
    call: &Call<'_>,
    http: &HttpClient,
    settings: &Settings,
    admin: Result<&SignedIn, Error>,
) -> Result<TestReport, Error> {
    let now = OffsetDateTime::now_utc();
    let mut patience = Patience::new(http.options());
    let (present, certificate) = certificate_present::check(settings);
    let key = certificate_key::check(certificate.as_ref());
    let expiry = certificate_expiry::check(certificate.as_ref(), settings, now);
    let app_id = settings.text("application_id");
    let tenant_id = settings
        .tenant_id()
        .map(str::to_owned)
        .or_else(|| admin.as_ref().ok().map(|s| s.tenant_id.clone()));
    let endpoints = settings.endpoints();
    let usable = certificate
        .as_ref()
        .filter(|_| present.passed() && key.passed());
    let who = match (app_id, tenant_id.as_deref(), usable) {
        (Some(app_id), Some(tenant), Some(certificate)) => Some(AppIdentity {
            http,
            authority: Authority::new(&endpoints.authority_host, tenant),
            app_id,
            tenant_id: tenant,
            certificate,
            endpoints,
        }),
        _ => None,
    };
    let graph = admin.as_ref().ok().map(|signed_in| signed_in.graph(http));

    // The tokens and the administrator's first reads, together.
    let tokens = async {
        match &who {
            Some(who) => Some(certificate_accepted::request_both(call, who).await),
            None => None,
        }
    };
    let view = async {
        match (&graph, app_id) {
            (None, _) => AdminView::NotSignedIn(
                admin
                    .as_ref()
                    .err()
                    .map_or_else(String::new, |e| e.message().to_owned()),
            ),
            (Some(_), None) => AdminView::NoApplication,
            (Some(graph), Some(app_id)) => match directory::read(call, graph, app_id).await {
                Ok(facts) => AdminView::Read(facts),
                Err(error) => AdminView::Failed(error),
            },
        }
    };
    let (tokens, mut view) = tokio::join!(tokens, view);
    call.checkpoint()?;
    let tokens: Option<Tokens> = match (tokens, &who) {
        (Some(tokens), Some(who)) => {
            Some(certificate_accepted::settle(call, who, &mut patience, tokens, &view).await?)
        }
        _ => None,
    };

    // The Exchange call and the service principal's roles, together.
    let exchange =
        exchange_call::call_exchange(call, who.as_ref(), tokens.as_ref().map(|t| &t.exchange));
    let sp_id = match &view {
        AdminView::Read(facts) => facts.service_principal_id().map(str::to_owned),
        _ => None,
    };
    let roles = async {
        match (&graph, sp_id) {
            (Some(graph), Some(sp_id)) => Some(directory::read_roles(call, graph, &sp_id).await),
            _ => None,
        }
    };
    let (exchange, roles) = tokio::join!(exchange, roles);
    call.checkpoint()?;
    if let AdminView::Read(facts) = &mut view {
        facts.role_assignments = roles;
    }
    // Roles and consents this sign-in wrote a moment ago may not be readable yet: read again, within the
    // bound, while any is missing (a sign-in that did not write them reports them at once).
    if let (Some(graph), Some(app_id), Ok(signed_in)) = (&graph, app_id, &admin)
        && signed_in.wrote_recently(app_id, http.options().consistency_wait())
    {
        while !granted_as_written(&view) {
            if patience
                .wait(
                    call,
                    WaitReason::Replication,
                    "the new roles and consents to become readable",
                )
                .await
                .is_err()
            {
                call.checkpoint()?;
                break;
            }
            view = reread(call, graph, app_id).await;
        }
    }
    let exchange =
        exchange_call::settle(call, who.as_ref(), &mut patience, exchange, &view).await?;

    let accepted = match (&tokens, &who) {
        (Some(tokens), Some(who)) => certificate_accepted::check(tokens, who),
        _ => identity_missing(settings, tenant_id.as_deref()).unwrap_or_else(|| {
            Check::skipped(
                CERTIFICATE_ACCEPTED,
                "Not tried: the connection has no usable certificate (see certificate_present and \
                 certificate_key_matches).",
            )
        }),
    };
    let exchange = match exchange {
        CallResult::NotTried(_) if tokens.is_none() => Check::skipped(
            exchange_call::EXCHANGE_ADMIN_CALL,
            "Not tried: the application could not sign in (see certificate_accepted).",
        ),
        other => exchange_call::check(&other),
    };
    let thumbprint = certificate
        .as_ref()
        .map(|c| c.details().thumbprint_sha1.clone())
        .or_else(|| settings.text("certificate_thumbprint").map(str::to_owned));
    let mut checks = vec![present, key, expiry, accepted, exchange];
    checks.push(application_certificate::check(
        &view,
        thumbprint.as_deref(),
        now,
    ));
    checks.extend(role_assignments::checks(&view));
    checks.extend(consents::checks(&view));
    Ok(TestReport {
        checks,
        application_id: app_id.map(str::to_owned),
        tenant_id,
        administrator: graph.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::{TestReport, all};
    use crate::checks::check::Check;
    use crate::error::ErrorKind;

    #[test]
    fn names_are_unique_and_a_failure_names_every_failed_check() {
        let definitions = all();
        let mut names: Vec<&str> = definitions.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), definitions.len());
        let report = TestReport {
            checks: vec![
                Check::pass(definitions[0], "ok"),
                Check::fail(definitions[1], "Wrong key.", "Give the right key."),
                Check::skipped(definitions[2], "Not checked."),
                Check::fail(definitions[3], "Refused.", "Register it."),
            ],
            application_id: None,
            tenant_id: None,
            administrator: false,
        };
        assert!(!report.passed());
        let error = report.error().unwrap();
        assert_eq!(error.kind(), &ErrorKind::TestFailed);
        assert!(
            error.message().starts_with(
                "The connection test failed: 2 of 4 checks failed (certificate_key_matches, certificate_accepted)."
            ),
            "{}",
            error.message()
        );
        assert_eq!(error.hint(), Some("Give the right key."));
        assert_eq!(report.data()["checks"][2]["status"], "skipped");
    }
}
