//! Which client applications the sign-in service knows: those registered in this tenant (once
//! replicated) and Microsoft's first-party ones with a service principal here.

use axum::http::StatusCode;

use crate::directory::ClientRegistration;
use crate::entra::error::EntraError;
use crate::state::TenantState;

/// Looks a client up; AADSTS700016 when this tenant does not know it (or not yet, under replication lag).
pub(crate) fn lookup_client(
    state: &TenantState,
    client_id: &str,
) -> Result<ClientRegistration, EntraError> {
    let lag = state.knobs.get().replication_lag;
    let data = state.directory.read();
    // An application created less than the replication lag ago is not known to the sign-in service yet
    // (AADSTS700016 right after creating an app: docs/microsoft-services.md, "Replication lag").
    let replicated = data
        .application_by_app_id(client_id)
        .is_none_or(|app| data.is_replicated(app, lag));
    data.client_registration(client_id)
        .filter(|_| replicated)
        .ok_or_else(|| {
        EntraError::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                data.organization_name()
            ),
        )
    })
}
