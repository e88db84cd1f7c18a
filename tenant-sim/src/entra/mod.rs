//! Entra ID v2.0 sign-in (the authority, `login.microsoftonline.com`): discovery, keys, device code,
//! authorize, token and admin consent under `/{tenant}/`.

pub(crate) mod admin_consent;
pub(crate) mod authorize;
mod client_auth;
pub(crate) mod consent;
pub(crate) mod device_code;
mod discovery;
pub mod error;
mod scopes;
pub(crate) mod sessions;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::entra::error::EntraError;
use crate::state::TenantState;

/// The authority's router.
pub fn router(state: Arc<TenantState>) -> Router {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::keys))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(device_code::device_authorization),
        )
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::authorize))
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(token::token).get(post_only),
        )
        .route("/{tenant}/adminconsent", get(admin_consent::admin_consent))
        .route(
            "/{tenant}/v2.0/adminconsent",
            get(admin_consent::admin_consent),
        )
        .route("/devicelogin", get(device_code::device_login_page))
        .layer(axum::middleware::from_fn(correlate))
        .with_state(state)
}

tokio::task_local! {
    /// The correlation id of the request being handled: the client's `client-request-id` when it sent
    /// one (as Entra does), else a new GUID.
    pub(crate) static CORRELATION_ID: String;
}

/// Echoes `client-request-id` and makes it the correlation id of any error body.
async fn correlate(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| uuid::Uuid::parse_str(v).is_ok())
        .map(str::to_owned);
    let correlation = client_request_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut response = CORRELATION_ID.scope(correlation, next.run(request)).await;
    if let Some(id) = client_request_id
        && let Ok(value) = axum::http::HeaderValue::from_str(&id)
    {
        response.headers_mut().insert("client-request-id", value);
    }
    if !response.headers().contains_key("x-ms-request-id")
        && let Ok(value) = axum::http::HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        response.headers_mut().insert("x-ms-request-id", value);
    }
    response
}

/// A GET on an endpoint that only takes POST (AADSTS900561).
async fn post_only() -> axum::response::Response {
    use axum::response::IntoResponse;
    EntraError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        900561,
        "The endpoint only accepts POST, OPTIONS requests. Received a GET request.",
    )
    .into_response()
}

/// How a tenant was named in the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TenantAlias {
    /// By GUID or verified domain.
    Specific,
    /// `organizations`.
    Organizations,
    /// `common`.
    Common,
}

impl TenantAlias {
    /// The path segment endpoints in the discovery document use.
    pub(crate) fn segment(self, state: &TenantState) -> String {
        match self {
            TenantAlias::Specific => state.tenant_id.clone(),
            TenantAlias::Organizations => "organizations".to_owned(),
            TenantAlias::Common => "common".to_owned(),
        }
    }
}

/// Resolves the `{tenant}` path segment: the tenant id, one of its domains, `organizations` or `common`.
/// Anything else is AADSTS90002 (the simulator knows a single tenant).
pub(crate) fn resolve_tenant(
    state: &TenantState,
    segment: &str,
    error: &'static str,
) -> Result<TenantAlias, EntraError> {
    if segment.eq_ignore_ascii_case("organizations") {
        return Ok(TenantAlias::Organizations);
    }
    if segment.eq_ignore_ascii_case("common") {
        return Ok(TenantAlias::Common);
    }
    if segment.eq_ignore_ascii_case(&state.tenant_id) || state.directory.read().has_domain(segment)
    {
        return Ok(TenantAlias::Specific);
    }
    Err(EntraError::new(
        StatusCode::BAD_REQUEST,
        error,
        90002,
        format!(
            "Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
        ),
    ))
}

/// Parses an `application/x-www-form-urlencoded` body or query into pairs (last value wins).
pub(crate) fn form(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}
