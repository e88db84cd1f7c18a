//! Exchange Online: the admin endpoint the ExchangeOnlineManagement PowerShell module (v3) calls,
//! `POST /adminapi/beta/{tenantId}/InvokeCommand`.
//!
//! **Microsoft does not document this endpoint**: it is internal to the module (which is documented at
//! <https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2>) and known from public
//! code and write-ups (e.g. <https://michev.info/blog/post/5822/all-you-need-to-know-about-exchange-online-admin-api-or-how-to-run-cmdlets-without-powershell>, Prowler, Monkey365, ScubaGear). The
//! simulator serves what the connector's Test connection needs:
//!
//! - body `{"CmdletInput":{"CmdletName":"Get-OrganizationConfig","Parameters":{}}}` or
//!   `Get-AcceptedDomain`; the answer is `{"@odata.context":…,"value":[{…}]}` drawn from the directory;
//! - a bearer token for `https://outlook.office365.com`, app-only, with the
//!   `X-AnchorMailbox: APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@<initial domain>` header
//!   (a verified domain or the tenant id after the `@`);
//! - the two documented requirements of app-only access, each refused with its own error: the
//!   `Exchange.ManageAsApp` application permission in `roles`, and a supported directory role in `wids`.
//!
//! Errors use Exchange's OData shape `{"error":{"code","message","innererror":{"message","type"}}}`
//! (<https://github.com/MicrosoftDocs/office-docs-powershell/issues/4333>,
//! <https://github.com/MicrosoftDocs/office-docs-powershell/issues/7970>). Statuses and messages other
//! than those cited are ours; the README's behaviour table says which.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::directory::well_known::{
    COMPLIANCE_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR, EXCHANGE_ONLINE_APP_ID,
    EXCHANGE_ONLINE_RESOURCE, EXCHANGE_RECIPIENT_ADMINISTRATOR, GLOBAL_ADMINISTRATOR,
    GLOBAL_READER, HELPDESK_ADMINISTRATOR, SECURITY_ADMINISTRATOR, SECURITY_READER,
};
use crate::faults::rules::Fault;
use crate::state::TenantState;
use crate::tokens::{AccessClaims, TokenError};

/// The application permission app-only callers need (Office 365 Exchange Online app role
/// `dc50a0fb-09a3-484d-be87-e023b12c6440`).
pub const MANAGE_AS_APP: &str = "Exchange.ManageAsApp";

/// The system mailbox app-only callers name in `X-AnchorMailbox` (`APP:SystemMailbox{…}@<domain>`), as
/// the ExchangeOnlineManagement module sends it.
pub const APP_ANCHOR_MAILBOX: &str = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";

/// The directory roles (template ids) Exchange Online accepts for app-only access, per
/// <https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2#assign-microsoft-entra-roles-to-the-application>;
/// ids from <https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference>.
pub const SUPPORTED_ROLES: [&str; 8] = [
    COMPLIANCE_ADMINISTRATOR,
    EXCHANGE_ADMINISTRATOR,
    EXCHANGE_RECIPIENT_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    HELPDESK_ADMINISTRATOR,
    SECURITY_ADMINISTRATOR,
    SECURITY_READER,
];

/// The cmdlets the simulator runs.
pub const CMDLETS: [&str; 2] = ["Get-OrganizationConfig", "Get-AcceptedDomain"];

/// The `innererror.type` of Exchange's OData errors.
const ODATA_EXCEPTION: &str = "Microsoft.Exchange.Admin.OData.Core.ODataServiceException";

/// Exchange's `request-id` response header.
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// The Exchange Online router.
pub fn router(state: Arc<TenantState>) -> Router {
    Router::new()
        .route(
            "/adminapi/beta/{tenant}/InvokeCommand",
            post(invoke_command),
        )
        .fallback(not_found)
        .with_state(state)
}

/// An Exchange error: status, `code` and `message` (repeated in `innererror`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error.code`.
    pub code: &'static str,
    /// `error.message` and `error.innererror.message`.
    pub message: String,
    /// Whether the answer carries `WWW-Authenticate` (the token itself was refused).
    challenge: bool,
}

impl ExchangeError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ExchangeError {
            status,
            code,
            message: message.into(),
            challenge: false,
        }
    }

    /// 401 for a request whose token is missing or not acceptable; answered with a bearer challenge.
    fn token(message: impl Into<String>) -> Self {
        ExchangeError {
            challenge: true,
            ..Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", message)
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innererror": {"message": self.message, "type": ODATA_EXCEPTION},
            }
        })
    }
}

impl IntoResponse for ExchangeError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        if self.challenge {
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", error=\"invalid_token\"",
                ),
            );
        }
        stamp(headers);
        response
    }
}

/// Sets the headers every Exchange answer carries here: `request-id`.
fn stamp(headers: &mut HeaderMap) {
    if let Ok(value) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        headers.insert(REQUEST_ID, value);
    }
}

/// An injected fault as Exchange answers it (the faults layer calls this). Wording is ours.
pub(crate) fn fault_response(fault: Fault) -> Response {
    let error = match fault {
        Fault::Throttle { .. } => ExchangeError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "The request was throttled. Please retry after the time in the Retry-After header.",
        ),
        Fault::InternalServerError => ExchangeError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "An server side error occured.",
        ),
        Fault::ServiceUnavailable { .. } => ExchangeError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable. Please retry later.",
        ),
        _ => ExchangeError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
            "The request timed out while waiting for a back-end server.",
        ),
    };
    error.into_response()
}

async fn not_found(uri: Uri) -> Response {
    ExchangeError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("The requested resource '{}' was not found.", uri.path()),
    )
    .into_response()
}

/// `POST /adminapi/beta/{tenant}/InvokeCommand`.
async fn invoke_command(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ExchangeError> {
    let claims = authenticate(&state, &headers)?;
    if !tenant.eq_ignore_ascii_case(&state.tenant_id) && !state.directory.read().has_domain(&tenant)
    {
        return Err(ExchangeError::token(format!(
            "The access token was issued for tenant '{}', not for the organization '{tenant}' in the request URL.",
            claims.tid
        )));
    }
    if !claims.is_app_only() {
        // A simplification: the connector calls Exchange app-only; delegated access is not simulated.
        return Err(ExchangeError::token(
            "Delegated access tokens are not supported by this simulated endpoint; use an app-only token.",
        ));
    }
    check_anchor_mailbox(&state, &headers)?;
    if !claims.has_role(MANAGE_AS_APP) {
        return Err(ExchangeError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            format!(
                "The access token of application {} does not carry the {MANAGE_AS_APP} application permission (roles claim) that app-only access to Exchange Online requires.",
                claims.appid
            ),
        ));
    }
    let has_supported_role = claims.wids.as_deref().unwrap_or_default().iter().any(|w| {
        SUPPORTED_ROLES
            .iter()
            .any(|supported| supported.eq_ignore_ascii_case(w))
    });
    if !has_supported_role {
        // Wording: https://github.com/MicrosoftDocs/office-docs-powershell/issues/11332; the status is
        // not public (403 is ours).
        return Err(ExchangeError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "The role assigned to application {} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.",
                claims.appid
            ),
        ));
    }
    let cmdlet = cmdlet_name(&headers, &body)?;
    let value = match cmdlet.as_str() {
        name if name.eq_ignore_ascii_case("Get-OrganizationConfig") => {
            vec![organization_config(&state)]
        }
        name if name.eq_ignore_ascii_case("Get-AcceptedDomain") => accepted_domains(&state),
        other => {
            // What Exchange answers for a cmdlet outside the caller's role
            // (https://github.com/MicrosoftDocs/office-docs-powershell/issues/7970); the simulator
            // runs only the cmdlets in `CMDLETS`.
            return Err(ExchangeError::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                format!("User is not allowed to call {other}"),
            ));
        }
    };
    let body = json!({
        "@odata.context": format!(
            "{}/adminapi/beta/{}/$metadata#Collection(Exchange.GenericHashTable)",
            state.urls.exchange, state.tenant_id
        ),
        "adminapi.warnings@odata.type": "#Collection(String)",
        "@adminapi.warnings": [],
        "value": value,
    });
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;odata.metadata=minimal;charset=utf-8"),
    );
    stamp(response.headers_mut());
    Ok(response)
}

/// The bearer token, verified for Exchange Online.
fn authenticate(state: &TenantState, headers: &HeaderMap) -> Result<AccessClaims, ExchangeError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ExchangeError::token("The request has no bearer access token."))?;
    state
        .verify_access_token(token, EXCHANGE_ONLINE_RESOURCE)
        .map_err(|error| {
            ExchangeError::token(match error {
                TokenError::Expired => "The access token has expired.".to_owned(),
                TokenError::NotYetValid => "The access token is not valid yet.".to_owned(),
                TokenError::WrongAudience { found } => format!(
                    "The access token's audience '{found}' is not Exchange Online ({EXCHANGE_ONLINE_RESOURCE} or {EXCHANGE_ONLINE_APP_ID})."
                ),
                TokenError::WrongIssuer => {
                    "The access token was not issued by this organization.".to_owned()
                }
                TokenError::Malformed | TokenError::BadSignature => {
                    "The access token is not valid.".to_owned()
                }
            })
        })
}

/// Checks `X-AnchorMailbox: APP:SystemMailbox{bb558c35-…}@<domain>` (any verified domain of the
/// tenant; the module sends the initial one).
fn check_anchor_mailbox(state: &TenantState, headers: &HeaderMap) -> Result<(), ExchangeError> {
    let expected = format!("APP:{APP_ANCHOR_MAILBOX}@{}", state.initial_domain);
    let anchor = headers
        .get("x-anchormailbox")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    let valid = anchor
        .strip_prefix("APP:")
        .and_then(|rest| rest.split_once('@'))
        .is_some_and(|(mailbox, organization)| {
            // The organization is a verified domain, or the tenant id as public tools send it (observed:
            // `New-ExoBulkRequest` in https://github.com/KelvinTegelaar/CIPP-API).
            mailbox.eq_ignore_ascii_case(APP_ANCHOR_MAILBOX)
                && (organization.eq_ignore_ascii_case(&state.tenant_id)
                    || state.directory.read().has_domain(organization))
        });
    if valid {
        Ok(())
    } else if anchor.is_empty() {
        Err(ExchangeError::token(format!(
            "The X-AnchorMailbox header is required for app-only access; expected '{expected}'."
        )))
    } else {
        Err(ExchangeError::token(format!(
            "The X-AnchorMailbox header '{anchor}' does not name this organization's system mailbox; expected '{expected}'."
        )))
    }
}

/// `CmdletInput.CmdletName` of a JSON body.
fn cmdlet_name(headers: &HeaderMap, body: &[u8]) -> Result<String, ExchangeError> {
    let bad = |message: &str| {
        ExchangeError::new(StatusCode::BAD_REQUEST, "BadRequest", message.to_owned())
    };
    let json_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"));
    if !json_type {
        return Err(bad(
            "The request body must be JSON (Content-Type: application/json).",
        ));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| bad("The request body is not valid JSON."))?;
    let input = value
        .get("CmdletInput")
        .ok_or_else(|| bad("The request body has no CmdletInput."))?;
    if input
        .get("Parameters")
        .is_some_and(|p| !p.is_object() && !p.is_null())
    {
        return Err(bad("CmdletInput.Parameters must be an object."));
    }
    input
        .get("CmdletName")
        .and_then(Value::as_str)
        .filter(|name| !name.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| bad("CmdletInput.CmdletName is required."))
}

/// A stable GUID for an Exchange object, derived from the tenant id and a name.
fn object_guid(tenant_id: &str, name: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{tenant_id}/{}", name.to_ascii_lowercase()).as_bytes(),
    );
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_ref()[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// `Get-OrganizationConfig`: a subset of its properties, from the directory's organisation.
fn organization_config(state: &TenantState) -> Value {
    let data = state.directory.read();
    let domain = data.initial_domain().to_owned();
    json!({
        "Name": domain,
        "DisplayName": data.organization_name(),
        "Identity": domain,
        "Id": domain,
        "Guid": object_guid(&state.tenant_id, "organization"),
        "ExchangeObjectId": object_guid(&state.tenant_id, "organization"),
        "OrganizationId": domain,
        "ExternalDirectoryOrganizationId": state.tenant_id,
        "OrganizationalUnitRoot": domain,
        "IsDehydrated": false,
        "IsValid": true,
        "ObjectState": "Unchanged",
    })
}

/// `Get-AcceptedDomain`: one object per verified domain of the organisation.
fn accepted_domains(state: &TenantState) -> Vec<Value> {
    let domains = state.directory.read().verified_domains();
    domains
        .into_iter()
        .map(|domain| {
            json!({
                "Name": domain.name,
                "DomainName": domain.name,
                "Identity": domain.name,
                "Id": domain.name,
                "Guid": object_guid(&state.tenant_id, &domain.name),
                "DomainType": "Authoritative",
                "Default": domain.is_default,
                "InitialDomain": domain.is_initial,
                "IsValid": true,
                "ObjectState": "Unchanged",
            })
        })
        .collect()
}
