//! `GET /{tenant}/adminconsent` (and `/{tenant}/v2.0/adminconsent`): the signed-in admin grants the
//! application's required permissions tenant-wide, and Entra redirects with `admin_consent=True`.
//! <https://learn.microsoft.com/entra/identity-platform/v2-admin-consent>

use std::sync::Arc;

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::directory::well_known::{
    APPLICATION_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR,
    MICROSOFT_GRAPH_APP_ID, PRIVILEGED_ROLE_ADMINISTRATOR,
};
use crate::directory::{ConsentType, DirectoryError};
use crate::entra::authorize::{redirect_matches, redirect_mismatch, requesting_client};
use crate::entra::consent::{DELEGATED_CONSENT_ROLES, needs_admin_approval, signed_in_user};
use crate::entra::error::{EntraError, found};
use crate::entra::form::form;
use crate::knobs::ConsentAnswer;
use crate::state::TenantState;

/// Roles that may grant Microsoft Graph application permissions.
const GRAPH_APP_ROLE_CONSENT_ROLES: &[&str] =
    &[GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR];
/// Roles that may grant application permissions of other APIs.
const APP_ROLE_CONSENT_ROLES: &[&str] = &[
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    APPLICATION_ADMINISTRATOR,
];

/// One permission the application requires.
struct Required {
    resource_sp_id: String,
    resource_app_id: String,
    permission_id: String,
    is_app_role: bool,
    value: String,
}

/// `GET /{tenant}/adminconsent`.
pub(crate) async fn admin_consent(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> Response {
    let v2 = uri.path().contains("/v2.0/");
    let params = form(query.unwrap_or_default().as_bytes());
    let client = match requesting_client(&state, &tenant, &params) {
        Ok(client) => client,
        Err(error) => return error.into_response(),
    };
    let redirect_uri = match params.get("redirect_uri") {
        Some(uri)
            if client
                .redirect_uris
                .iter()
                .any(|r| redirect_matches(r, uri)) =>
        {
            uri.clone()
        }
        Some(uri) => return redirect_mismatch(uri, &client.app_id).into_response(),
        None => match client.redirect_uris.first() {
            Some(uri) => uri.clone(),
            None => {
                return EntraError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    500113,
                    "No reply address is registered for the application.",
                )
                .into_response();
            }
        },
    };
    let state_param = params.get("state").map(String::as_str);
    let fail = |mut error: EntraError| {
        if v2 {
            // The v2.0 endpoint keeps admin_consent=True on errors and says consent_required.
            error.error = "consent_required";
            let mut with_flag = url::Url::parse(&redirect_uri).ok();
            if let Some(url) = &mut with_flag {
                url.query_pairs_mut().append_pair("admin_consent", "True");
            }
            let target = with_flag
                .map(|u| u.to_string())
                .unwrap_or_else(|| redirect_uri.clone());
            return error.into_redirect(&target, state_param);
        }
        error.into_redirect(&redirect_uri, state_param)
    };

    let user = match signed_in_user(&state) {
        Ok(user) => user,
        Err(error) => return fail(error),
    };
    if state.knobs.get().consent_answer == ConsentAnswer::Decline {
        let mut error = EntraError::new(
            StatusCode::BAD_REQUEST,
            "access_denied",
            65004,
            "The admin canceled the request.",
        );
        error.error = "permission_denied";
        return fail(error);
    }

    let mut data = state.directory.write();
    let mut required = Vec::new();
    for entry in &client.required_resource_access {
        let Some(resource_app_id) = entry.get("resourceAppId").and_then(Value::as_str) else {
            continue;
        };
        let Some(resource) = data.service_principal_by_app_id(resource_app_id) else {
            drop(data);
            return fail(EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                650052,
                format!(
                    "The app needs access to a service ('{resource_app_id}') that your organization has not subscribed to or enabled. Contact your IT Admin to review the configuration of your service subscriptions."
                ),
            ));
        };
        for access in entry
            .get("resourceAccess")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = access.get("id").and_then(Value::as_str).unwrap_or_default();
            let is_app_role = access.get("type").and_then(Value::as_str) == Some("Role");
            let collection = if is_app_role {
                "appRoles"
            } else {
                "oauth2PermissionScopes"
            };
            let value = resource.permission_value(collection, id).map(str::to_owned);
            let Some(value) = value else {
                continue;
            };
            required.push(Required {
                resource_sp_id: resource.id().to_owned(),
                resource_app_id: resource_app_id.to_owned(),
                permission_id: id.to_owned(),
                is_app_role,
                value,
            });
        }
    }
    let allowed = required.iter().all(|r| {
        let roles = if !r.is_app_role {
            DELEGATED_CONSENT_ROLES
        } else if r
            .resource_app_id
            .eq_ignore_ascii_case(MICROSOFT_GRAPH_APP_ID)
        {
            GRAPH_APP_ROLE_CONSENT_ROLES
        } else {
            APP_ROLE_CONSENT_ROLES
        };
        data.has_active_role(&user.id, roles)
    }) && data.has_active_role(&user.id, DELEGATED_CONSENT_ROLES);
    if !allowed {
        drop(data);
        return fail(needs_admin_approval(&client));
    }
    let client_sp_id = match data.service_principal_by_app_id(&client.app_id) {
        Some(sp) => sp.id().to_owned(),
        None => match data.add_service_principal(&client.app_id) {
            Ok(sp) => sp.id().to_owned(),
            Err(error) => {
                drop(data);
                return fail(EntraError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_client",
                    700016,
                    error.to_string(),
                ));
            }
        },
    };
    for r in &required {
        let outcome = if r.is_app_role {
            data.grant_app_role(&client_sp_id, &r.resource_sp_id, &r.permission_id)
                .map(|_| ())
        } else {
            data.grant_delegated_scopes(
                &client_sp_id,
                &r.resource_sp_id,
                ConsentType::AllPrincipals,
                None,
                &[r.value.as_str()],
            )
            .map(|_| ())
        };
        match outcome {
            Ok(()) | Err(DirectoryError::Conflict(_)) => {}
            Err(error) => {
                drop(data);
                return fail(EntraError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    90009,
                    error.to_string(),
                ));
            }
        }
    }
    drop(data);
    let Ok(mut location) = url::Url::parse(&redirect_uri) else {
        return redirect_mismatch(&redirect_uri, &client.app_id).into_response();
    };
    {
        let mut pairs = location.query_pairs_mut();
        pairs.append_pair("admin_consent", "True");
        pairs.append_pair("tenant", &state.tenant_id);
        if let Some(state_param) = state_param {
            pairs.append_pair("state", state_param);
        }
        if v2 && let Some(scope) = params.get("scope") {
            pairs.append_pair("scope", scope);
        }
    }
    found(location.as_str())
}
