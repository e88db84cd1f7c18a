//! OpenID Connect discovery and the signing keys.
//! <https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc>

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::entra::tenant_path::{TenantAlias, resolve_tenant};
use crate::state::TenantState;

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
) -> Response {
    let alias = match resolve_tenant(&state, &tenant, "invalid_tenant") {
        Ok(alias) => alias,
        Err(error) => return error.into_response(),
    };
    let base = format!("{}/{}", state.urls.authority, alias.segment(&state));
    let (issuer, region) = match alias {
        TenantAlias::Specific => (state.v2_issuer(), json!("NA")),
        _ => (
            format!("{}/{{tenantid}}/v2.0", state.urls.authority),
            json!(null),
        ),
    };
    let graph_host = state.urls.graph.trim_start_matches("https://").to_owned();
    Json(json!({
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{}/oidc/userinfo", state.urls.graph),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "kerberos_endpoint": format!("{base}/kerberos"),
        "tenant_region_scope": region,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": graph_host,
        "rbac_url": "https://pas.windows.net",
    }))
    .into_response()
}

/// `GET /{tenant}/discovery/v2.0/keys`.
pub(crate) async fn keys(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
) -> Response {
    if let Err(error) = resolve_tenant(&state, &tenant, "invalid_tenant") {
        return error.into_response();
    }
    Json(state.signing_key.jwks(&state.v2_issuer())).into_response()
}
