//! MSAL's instance discovery: `GET /{tenant}/discovery/instance?api-version=1.1&authorization_endpoint=…`
//! answers where the tenant's OpenID configuration is and which host names are one cloud, as MSAL asks
//! before it trusts an authority (`_instance_discovery` in
//! <https://github.com/AzureAD/microsoft-authentication-library-for-python/blob/dev/msal/authority.py>).
//! The metadata is the public cloud's, plus an entry of ours for this listener's own host names.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::entra::error::EntraError;
use crate::entra::form::form;
use crate::entra::tenant_path::resolve_tenant;
use crate::state::TenantState;

/// `GET /{tenant}/discovery/instance`.
pub(crate) async fn instance_discovery(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(error) = resolve_tenant(&state, &tenant, "invalid_instance") {
        return error.into_response();
    }
    let params = form(query.unwrap_or_default().as_bytes());
    let authority_host = state.urls.authority.trim_start_matches("https://");
    let port = authority_host.rsplit(':').next().unwrap_or_default();
    let own_hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    // The tenant the client signs in to: the path after the host of its authorization endpoint.
    let target = match params.get("authorization_endpoint") {
        None => format!("{}/{tenant}", state.urls.authority),
        Some(endpoint) => {
            let parsed = url::Url::parse(endpoint).ok();
            let host = parsed
                .as_ref()
                .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port()?)));
            let tenant_segment = parsed.as_ref().and_then(|u| {
                u.path_segments()
                    .and_then(|mut segments| segments.next().map(str::to_owned))
            });
            match (host, tenant_segment) {
                (Some(host), Some(segment)) if own_hosts.contains(&host) => {
                    format!("https://{host}/{segment}")
                }
                _ => {
                    return EntraError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_instance",
                        50049,
                        "Unknown or invalid instance.",
                    )
                    .into_response();
                }
            }
        }
    };
    Json(json!({
        "tenant_discovery_endpoint": format!("{target}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [
            {
                "preferred_network": "login.microsoftonline.com",
                "preferred_cache": "login.windows.net",
                "aliases": ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
            },
            {
                "preferred_network": own_hosts[0],
                "preferred_cache": own_hosts[0],
                "aliases": own_hosts,
            },
        ],
    }))
    .into_response()
}
