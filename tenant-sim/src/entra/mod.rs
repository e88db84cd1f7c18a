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
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/{tenant}/adminconsent", get(admin_consent::admin_consent))
        .route(
            "/{tenant}/v2.0/adminconsent",
            get(admin_consent::admin_consent),
        )
        .route("/devicelogin", get(device_code::device_login_page))
        .with_state(state)
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
