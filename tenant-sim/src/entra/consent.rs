//! Who signs in and what they may consent to: Entra's user and admin consent for delegated permissions.
//! <https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent>

use axum::http::StatusCode;
use serde_json::Value;

use crate::directory::well_known::{
    APPLICATION_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR,
    MICROSOFT_GRAPH_APP_ID, PRIVILEGED_ROLE_ADMINISTRATOR,
};
use crate::directory::{ClientRegistration, ConsentType, DirectoryData};
use crate::entra::error::EntraError;
use crate::entra::scopes::ScopeRequest;
use crate::knobs::ConsentAnswer;
use crate::state::TenantState;

/// Roles that may grant tenant-wide consent to delegated permissions.
pub(crate) const DELEGATED_CONSENT_ROLES: &[&str] = &[
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    APPLICATION_ADMINISTRATOR,
];

/// The user who signs in interactively.
#[derive(Clone, Debug)]
pub(crate) struct SignedInUser {
    pub id: String,
}

/// The user the `sign_in_user` knob names (default: the seeded Global Administrator).
pub(crate) fn signed_in_user(state: &TenantState) -> Result<SignedInUser, EntraError> {
    let upn = state
        .knobs
        .get()
        .sign_in_user
        .unwrap_or_else(|| state.users.global_admin.user_principal_name.clone());
    let data = state.directory.read();
    let user = data.user_by_upn(&upn).ok_or_else(|| {
        EntraError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50034,
            format!(
                "The user account {upn} does not exist in the {} directory. To sign into this application, the account must be added to the directory.",
                state.tenant_id
            ),
        )
    })?;
    if user.json.get("accountEnabled").and_then(Value::as_bool) == Some(false) {
        return Err(EntraError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50057,
            "The user account is disabled.",
        ));
    }
    Ok(SignedInUser {
        id: user.id().to_owned(),
    })
}

/// The delegated permissions this request needs consent for.
fn needed_scopes(
    data: &DirectoryData,
    client: &ClientRegistration,
    request: &ScopeRequest,
) -> Vec<String> {
    let mut needed = request.resource.permissions.clone();
    if request.resource.default {
        // A first-party client's `.default` covers what it is preauthorized for.
        needed.extend(data.preauthorized_scopes(&client.app_id, &request.resource.app_id));
        for entry in &client.required_resource_access {
            let for_resource = entry
                .get("resourceAppId")
                .and_then(Value::as_str)
                .is_some_and(|a| a.eq_ignore_ascii_case(&request.resource.app_id));
            if !for_resource {
                continue;
            }
            let Some(resource) = data.service_principal(&request.resource.service_principal_id)
            else {
                continue;
            };
            for access in entry
                .get("resourceAccess")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if access.get("type").and_then(Value::as_str) != Some("Scope") {
                    continue;
                }
                let Some(id) = access.get("id").and_then(Value::as_str) else {
                    continue;
                };
                if let Some(value) = resource.permission_value("oauth2PermissionScopes", id) {
                    needed.push(value.to_owned());
                }
            }
        }
    }
    if request
        .resource
        .app_id
        .eq_ignore_ascii_case(MICROSOFT_GRAPH_APP_ID)
    {
        needed.extend(request.oidc.iter().cloned());
    }
    needed
}

/// AADSTS90094: the user may not consent to what `client` asks for; an administrator must.
pub(crate) fn needs_admin_approval(client: &ClientRegistration) -> EntraError {
    EntraError::new(
        StatusCode::BAD_REQUEST,
        "access_denied",
        90094,
        format!(
            "Need admin approval. {} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.",
            client.display_name
        ),
    )
}

fn is_admin_only(data: &DirectoryData, resource_sp_id: &str, scope: &str) -> bool {
    data.service_principal(resource_sp_id).is_some_and(|sp| {
        sp.array("oauth2PermissionScopes").iter().any(|s| {
            s.get("value")
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(scope))
                && s.get("type").and_then(Value::as_str) == Some("Admin")
        })
    })
}

/// Makes sure `user_id` may use the requested delegated permissions through `client`, showing the
/// consent prompt when `interactive` (answered by the `consent_answer` knob). Returns the scopes that go
/// into `scp`.
pub(crate) fn ensure_delegated_consent(
    state: &TenantState,
    client: &ClientRegistration,
    user_id: &str,
    request: &ScopeRequest,
    interactive: bool,
) -> Result<Vec<String>, EntraError> {
    let answer = state.knobs.get().consent_answer;
    let mut data = state.directory.write();
    let client_sp_id = match &client.service_principal_id {
        Some(id) => id.clone(),
        None => match data.service_principal_by_app_id(&client.app_id) {
            Some(sp) => sp.id().to_owned(),
            None if interactive => data
                .add_service_principal(&client.app_id)
                .map(|sp| sp.id().to_owned())
                .map_err(|e| {
                    EntraError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_client",
                        700016,
                        e.to_string(),
                    )
                })?,
            None => String::new(),
        },
    };
    let resource_sp_id = request.resource.service_principal_id.clone();
    let needed = needed_scopes(&data, client, request);
    let preauthorized = data.preauthorized_scopes(&client.app_id, &request.resource.app_id);
    let mut granted = if client_sp_id.is_empty() {
        Vec::new()
    } else {
        data.delegated_scopes(&client_sp_id, &resource_sp_id, user_id)
    };
    granted.extend(preauthorized.iter().cloned());
    let missing: Vec<String> = needed
        .iter()
        .filter(|n| !granted.iter().any(|g| g.eq_ignore_ascii_case(n)))
        .cloned()
        .collect();
    if !missing.is_empty() {
        if !interactive {
            return Err(EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                65001,
                format!(
                    "The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.",
                    client.app_id, client.display_name
                ),
            ));
        }
        let is_admin = data.has_active_role(user_id, DELEGATED_CONSENT_ROLES);
        let admin_only = missing
            .iter()
            .any(|s| is_admin_only(&data, &resource_sp_id, s));
        if admin_only && !is_admin {
            return Err(needs_admin_approval(client));
        }
        if answer == ConsentAnswer::Decline {
            return Err(EntraError::new(
                StatusCode::BAD_REQUEST,
                "access_denied",
                65004,
                "User declined to consent to access the app.",
            ));
        }
        let consent_type = if answer == ConsentAnswer::AcceptForOrganization && is_admin {
            ConsentType::AllPrincipals
        } else {
            ConsentType::Principal
        };
        let scopes: Vec<&str> = missing.iter().map(String::as_str).collect();
        data.grant_delegated_scopes(
            &client_sp_id,
            &resource_sp_id,
            consent_type,
            Some(user_id),
            &scopes,
        )
        .map_err(|e| {
            EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                90009,
                e.to_string(),
            )
        })?;
    }
    let mut scopes = if client_sp_id.is_empty() {
        Vec::new()
    } else {
        data.delegated_scopes(&client_sp_id, &resource_sp_id, user_id)
    };
    for scope in preauthorized {
        if !scopes.iter().any(|s| s.eq_ignore_ascii_case(&scope)) {
            scopes.push(scope);
        }
    }
    Ok(scopes
        .into_iter()
        .filter(|s| !s.eq_ignore_ascii_case("offline_access"))
        .collect())
}
