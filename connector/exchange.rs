//! Exchange Online's admin endpoint, as the ExchangeOnlineManagement PowerShell module (v3) calls it:
//! `POST {exchange}/adminapi/beta/{tenant id}/InvokeCommand` with `{"CmdletInput": {"CmdletName": …,
//! "Parameters": {}}}`, answered `{"value": [ … ]}`.
//!
//! **Microsoft does not document this endpoint.** It is internal to the module (whose app-only use is
//! documented at <https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2>) and known
//! from the module and public write-ups
//! (<https://michev.info/blog/post/5822/all-you-need-to-know-about-exchange-online-admin-api-or-how-to-run-cmdlets-without-powershell>);
//! it is kept in this one module so that it can be replaced by Microsoft's documented successor (the
//! Exchange Online Admin API, <https://learn.microsoft.com/exchange/reference/admin-api-overview>) in one
//! place. `docs/microsoft-services.md` ("Exchange Online admin API") gathers what is known.
//!
//! An app-only caller names the organization's system mailbox in `X-AnchorMailbox`,
//! `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@<tenant>`; the tenant is named by its id, as
//! public tools do (observed: `New-ExoBulkRequest` in <https://github.com/KelvinTegelaar/CIPP-API>), so that
//! saved settings, which hold the tenant id but no domain, are enough.

use reqwest::Method;
use reqwest::header::HeaderName;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::call::Call;
use crate::cloud::Endpoints;
use crate::error::{Error, ServiceAnswer};
use crate::http::{HttpClient, Request, Service};

/// The system mailbox app-only callers anchor on.
pub const APP_ANCHOR_MAILBOX: &str = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";

/// The cmdlet the connection test runs: it needs only a role the application has and changes nothing.
pub const TEST_CMDLET: &str = "Get-AcceptedDomain";

/// The directory roles (template ids) Exchange Online accepts for app-only access: Compliance, Exchange,
/// Exchange Recipient, Global, Helpdesk and Security Administrator, Global Reader and Security Reader
/// (<https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2#assign-microsoft-entra-roles-to-the-application>).
pub const SUPPORTED_ROLE_TEMPLATE_IDS: [&str; 8] = [
    "17315797-102d-40b4-93e0-432062caca18",
    "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "31392ffb-586c-42d1-9346-e59415a2cc4e",
    "62e90394-69f5-4237-9190-012177145e10",
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "5d6b6bb7-de71-4623-b4af-96380a352509",
];

/// What Exchange answers when the application's directory role is not one app-only access supports, or
/// has not reached its token yet (observed: <https://github.com/MicrosoftDocs/office-docs-powershell/issues/11332>).
const ROLE_NOT_SUPPORTED: &str = "isn't supported in this scenario";

/// Exchange's OData error, `{"error": {"code", "message"}}`.
#[derive(Deserialize)]
struct Envelope {
    error: ExchangeErrorBody,
}

#[derive(Deserialize)]
struct ExchangeErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// Exchange's answer to one command.
#[derive(Clone, Debug)]
pub struct ExchangeAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The rows of a success (`value`).
    pub values: Vec<Value>,
    /// `error.code` of a failure.
    pub error_code: Option<String>,
    /// `error.message` of a failure.
    pub message: Option<String>,
    /// The request's ids, for `error.service`.
    pub details: ServiceAnswer,
}

impl ExchangeAnswer {
    /// Whether the command succeeded.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether Exchange said the application's role is not supported for app-only access: no supported
    /// directory role, or one granted so recently that its token does not carry it yet.
    pub fn role_not_supported(&self) -> bool {
        !self.is_success()
            && self
                .message
                .as_deref()
                .is_some_and(|m| m.contains(ROLE_NOT_SUPPORTED))
    }

    /// Whether Exchange refused the token itself or its permissions (401).
    pub fn unauthorized(&self) -> bool {
        self.status == 401
    }

    /// Exchange's message, at most 300 characters.
    pub fn summary(&self) -> String {
        let message = self.message.as_deref().unwrap_or("no message");
        let mut summary: String = message.chars().take(300).collect();
        if summary.len() < message.len() {
            summary.push('…');
        }
        summary
    }
}

/// Runs `cmdlet` (without parameters) as the application whose app-only Exchange Online token is `token`.
pub async fn invoke_command(
    call: &Call<'_>,
    http: &HttpClient,
    endpoints: &Endpoints,
    tenant_id: &str,
    token: &str,
    cmdlet: &str,
) -> Result<ExchangeAnswer, Error> {
    let url = format!(
        "{}/adminapi/beta/{tenant_id}/InvokeCommand",
        endpoints.exchange_endpoint
    );
    let request = Request::new(
        Service::Exchange,
        Method::POST,
        url,
        format!("run {cmdlet} in Exchange Online"),
    )
    .bearer(token)
    .header(
        HeaderName::from_static("x-anchormailbox"),
        format!("APP:{APP_ANCHOR_MAILBOX}@{tenant_id}"),
    )
    .json(&json!({"CmdletInput": {"CmdletName": cmdlet, "Parameters": {}}}));
    let response = http.send(call, &request).await?;
    let status = response.status.as_u16();
    let details = response.details();
    if response.status.is_success() {
        let body: Value = response.json()?;
        let values = body["value"].as_array().cloned().ok_or_else(|| {
            response.unreadable("its answer does not list the command's results (value)")
        })?;
        return Ok(ExchangeAnswer {
            status,
            values,
            error_code: None,
            message: None,
            details,
        });
    }
    let error = serde_json::from_slice::<Envelope>(&response.body)
        .ok()
        .map(|e| e.error);
    let error_code = error
        .as_ref()
        .map(|e| e.code.clone())
        .filter(|c| !c.is_empty());
    Ok(ExchangeAnswer {
        status,
        values: Vec::new(),
        error_code: error_code.clone(),
        message: error.map(|e| e.message).filter(|m| !m.is_empty()),
        details: ServiceAnswer {
            error_code,
            ..details
        },
    })
}

#[cfg(test)]
mod tests {
    use super::ExchangeAnswer;
    use crate::error::ServiceAnswer;

    fn answer(status: u16, message: &str) -> ExchangeAnswer {
        ExchangeAnswer {
            status,
            values: Vec::new(),
            error_code: Some("Forbidden".to_owned()),
            message: Some(message.to_owned()),
            details: ServiceAnswer::default(),
        }
    }

    #[test]
    fn an_unsupported_role_is_told_from_other_refusals() {
        let role = answer(
            403,
            "The role assigned to application 1 isn't supported in this scenario. Please check online documentation.",
        );
        assert!(role.role_not_supported());
        assert!(!role.unauthorized());
        let permission = answer(401, "The token does not carry Exchange.ManageAsApp.");
        assert!(!permission.role_not_supported());
        assert!(permission.unauthorized());
        let long = answer(500, &"x".repeat(400));
        assert_eq!(long.summary().chars().count(), 301);
    }
}
