//! The `{tenant}` path segment of the sign-in endpoints: the tenant id, one of its domains,
//! `organizations` or `common` (<https://learn.microsoft.com/entra/identity-platform/msal-client-application-configuration>).

use axum::http::StatusCode;

use crate::entra::error::EntraError;
use crate::state::TenantState;

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
