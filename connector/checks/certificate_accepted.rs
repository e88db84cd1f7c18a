//! `certificate_accepted`: Entra ID accepts the certificate for the application: app-only tokens for
//! Exchange Online and for Microsoft Graph, requested in parallel with a client assertion the certificate
//! signs.
//!
//! Newly registered applications, certificates and secrets take a while to reach sign-in: meanwhile Entra
//! answers AADSTS700016 (application not found), 7000215 (invalid secret) or 700027 (key not found)
//! (`docs/microsoft-services.md`, "Replication lag"). Those answers are retried within
//! `network.consistency_wait_ms`, each wait a `wait` event, unless the administrator's reads already show
//! that the certificate is really missing from the application.

use crate::auth::app_only::app_only_token;
use crate::auth::authority::Authority;
use crate::auth::entra_error::EntraError;
use crate::auth::token_endpoint::TokenOutcome;
use crate::call::Call;
use crate::certificate::HeldCertificate;
use crate::checks::check::{Check, Definition};
use crate::checks::directory::AdminView;
use crate::cloud::Endpoints;
use crate::error::{Error, ErrorKind, ServiceAnswer};
use crate::event::WaitReason;
use crate::http::HttpClient;
use crate::http::retry::Patience;
use crate::provision::credential::{key_end, key_thumbprint};
use crate::secret::Secret;

/// The check.
pub const CERTIFICATE_ACCEPTED: Definition = Definition {
    name: "certificate_accepted",
    label: "Entra ID accepts the certificate (app-only tokens for Exchange Online and Microsoft Graph)",
};

/// The AADSTS codes Entra answers while a new application or credential has not reached sign-in yet.
const PROPAGATION_CODES: [u64; 3] = [700016, 7000215, 700027];

/// The application signing in as itself: who, where, and with which certificate.
#[derive(Debug)]
pub struct AppIdentity<'a> {
    /// The session's HTTP client.
    pub http: &'a HttpClient,
    /// The tenant's authority.
    pub authority: Authority,
    /// The application (client) id.
    pub app_id: &'a str,
    /// The tenant id.
    pub tenant_id: &'a str,
    /// The certificate it proves itself with.
    pub certificate: &'a HeldCertificate,
    /// The cloud's endpoints and resource identifiers.
    pub endpoints: &'a Endpoints,
}

impl AppIdentity<'_> {
    /// The certificate's thumbprint.
    pub fn thumbprint(&self) -> &str {
        &self.certificate.details().thumbprint_sha1
    }
}

/// Entra's refusal of a token request.
#[derive(Debug)]
pub struct Refusal {
    /// Its answer.
    pub entra: EntraError,
    /// The request's ids.
    pub details: ServiceAnswer,
}

/// One token request's outcome.
#[derive(Debug)]
pub enum TokenResult {
    /// The token.
    Issued(Secret),
    /// Entra refused.
    Refused(Box<Refusal>),
    /// The request failed (network, an unreadable answer, cancel).
    Failed(Error),
}

impl TokenResult {
    /// The AADSTS code, when Entra refused with one of the propagation signatures.
    fn propagation_code(&self) -> Option<u64> {
        match self {
            TokenResult::Refused(refusal) => refusal
                .entra
                .code()
                .filter(|code| PROPAGATION_CODES.contains(code)),
            _ => None,
        }
    }

    /// The token, when one was issued.
    pub fn token(&self) -> Option<&Secret> {
        match self {
            TokenResult::Issued(token) => Some(token),
            _ => None,
        }
    }
}

/// Requests an app-only token for `resource`.
pub async fn request(call: &Call<'_>, who: &AppIdentity<'_>, resource: &str) -> TokenResult {
    match app_only_token(
        call,
        who.http,
        &who.authority,
        who.app_id,
        who.certificate,
        resource,
    )
    .await
    {
        Ok(TokenOutcome::Issued(answer)) => TokenResult::Issued(answer.access_token.token),
        Ok(TokenOutcome::Refused { entra, response }) => TokenResult::Refused(Box::new(Refusal {
            entra,
            details: response.details(),
        })),
        Err(error) => TokenResult::Failed(error),
    }
}

/// The two tokens of the check.
#[derive(Debug)]
pub struct Tokens {
    /// For Exchange Online.
    pub exchange: TokenResult,
    /// For Microsoft Graph.
    pub graph: TokenResult,
}

/// Requests both tokens in parallel.
pub async fn request_both(call: &Call<'_>, who: &AppIdentity<'_>) -> Tokens {
    let (exchange, graph) = tokio::join!(
        request(call, who, who.endpoints.exchange_resource),
        request(call, who, who.endpoints.graph_resource),
    );
    Tokens { exchange, graph }
}

/// Whether the administrator's reads show the certificate is not (or no longer) valid on the application:
/// then AADSTS700027 is final, not propagation.
fn certificate_missing(view: &AdminView, thumbprint: &str) -> bool {
    let AdminView::Read(facts) = view else {
        return false;
    };
    let Some(application) = &facts.application else {
        // Not found may itself be replication: no conclusion.
        return false;
    };
    let now = time::OffsetDateTime::now_utc();
    !application["keyCredentials"]
        .as_array()
        .is_some_and(|keys| {
            keys.iter().any(|key| {
                key_thumbprint(key).as_deref() == Some(thumbprint)
                    && key_end(key).is_none_or(|end| end > now)
            })
        })
}

/// Waits out the propagation signatures: requests again whichever token met one, until both are settled,
/// the administrator's reads show the refusal is final, or `patience` is spent. Only a cancel is an error.
pub async fn settle(
    call: &Call<'_>,
    who: &AppIdentity<'_>,
    patience: &mut Patience,
    mut tokens: Tokens,
    view: &AdminView,
) -> Result<Tokens, Error> {
    let final_refusal = |code: u64| code == 700027 && certificate_missing(view, who.thumbprint());
    loop {
        let lagging = |result: &TokenResult| {
            result
                .propagation_code()
                .is_some_and(|code| !final_refusal(code))
        };
        let (exchange, graph) = (lagging(&tokens.exchange), lagging(&tokens.graph));
        if !exchange && !graph {
            return Ok(tokens);
        }
        if let Err(error) = patience
            .wait(
                call,
                WaitReason::Replication,
                "the application's certificate to reach Entra ID's sign-in",
            )
            .await
        {
            return match error.kind() {
                ErrorKind::Timeout => Ok(tokens),
                _ => Err(error),
            };
        }
        if exchange {
            tokens.exchange = request(call, who, who.endpoints.exchange_resource).await;
        }
        if graph {
            tokens.graph = request(call, who, who.endpoints.graph_resource).await;
        }
    }
}

/// The message and hint for an Entra refusal of the application's sign-in.
fn explain(entra: &EntraError, who: &AppIdentity<'_>) -> (String, &'static str) {
    let (app_id, tenant, thumbprint) = (who.app_id, who.tenant_id, who.thumbprint());
    let tag = entra
        .code()
        .map_or_else(|| entra.error.clone(), |code| format!("AADSTS{code}"));
    match entra.code() {
        Some(700027) => (
            format!(
                "Entra ID did not accept the certificate {thumbprint} for the application {app_id}: the certificate \
                 is not registered on the application, or it has expired there ({tag})."
            ),
            "Run Create or update Azure application: it registers a new certificate on the application and hands \
             it over; store that one. In manual configuration, upload this certificate to the app registration \
             (Certificates & secrets), or give the certificate registered there.",
        ),
        Some(700016) => (
            format!("Entra ID knows no application {app_id} in the tenant {tenant} ({tag})."),
            "Check the Application ID, the Tenant ID and the cloud. A new application can take a few minutes to \
             reach sign-in; run Test connection again then.",
        ),
        Some(7000229) => (
            format!(
                "The application {app_id} has no service principal in the tenant {tenant} ({tag})."
            ),
            "Run Create or update Azure application: it creates the service principal.",
        ),
        Some(700024) => (
            format!(
                "Entra ID refused the client assertion's time range ({tag}): this computer's clock may be wrong."
            ),
            "Set this computer's clock right (synchronise it with a time server), then run Test connection again.",
        ),
        Some(90002) => (
            format!("The tenant {tenant} was not found in this cloud ({tag})."),
            "Check the Tenant ID and the cloud setting.",
        ),
        _ => (
            format!(
                "Entra ID refused the application {app_id}'s sign-in: {}",
                entra.summary()
            ),
            "Check the Application ID, the Tenant ID and the certificate, then run Test connection again.",
        ),
    }
}

/// The check from the two tokens.
pub fn check(tokens: &Tokens, who: &AppIdentity<'_>) -> Check {
    for (result, service) in [
        (&tokens.exchange, "Exchange Online"),
        (&tokens.graph, "Microsoft Graph"),
    ] {
        match result {
            TokenResult::Issued(_) => {}
            TokenResult::Refused(refusal) => {
                let (message, hint) = explain(&refusal.entra, who);
                return Check::fail(CERTIFICATE_ACCEPTED, message, hint)
                    .with_service(refusal.entra.details(refusal.details.clone()));
            }
            TokenResult::Failed(error) => {
                let check = Check::failed_with(CERTIFICATE_ACCEPTED, error);
                return Check {
                    message: format!("No token for {service}: {}", error.message()),
                    ..check
                };
            }
        }
    }
    Check::pass(
        CERTIFICATE_ACCEPTED,
        format!(
            "Entra ID issued app-only tokens for Exchange Online and Microsoft Graph to the application {} with \
             the certificate {}.",
            who.app_id,
            who.thumbprint()
        ),
    )
}
