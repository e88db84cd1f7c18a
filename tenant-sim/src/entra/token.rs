//! `POST /{tenant}/oauth2/v2.0/token`: client credentials, authorization code (+ PKCE), refresh token
//! and device code grants, and the tokens they issue.
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow>
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>

use std::sync::Arc;

use aws_lc_rs::digest;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tokio::time::Instant;

use crate::entra::client_auth;
use crate::entra::clients::lookup_client;
use crate::entra::error::EntraError;
use crate::entra::form::form;
use crate::entra::grant::GrantRequest;
use crate::entra::issue::{Subject, access_claims, token_answer};
use crate::entra::sessions::lock;
use crate::entra::tenant_path::resolve_tenant;
use crate::entra::{device_code, scopes};
use crate::state::TenantState;
use crate::tokens::AccessClaims;

/// The device code grant type.
pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `POST /{tenant}/oauth2/v2.0/token`.
pub(crate) async fn token(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &tenant, &headers, &body) {
        Ok(body) => {
            let mut response = Json(body).into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache"),
            );
            response
        }
        Err(error) => error.into_response(),
    }
}

fn handle(
    state: &TenantState,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, EntraError> {
    resolve_tenant(state, tenant, "invalid_request")?;
    let form = form(body);
    let grant_type = form
        .get("grant_type")
        .cloned()
        .ok_or_else(|| EntraError::missing_parameter("grant_type"))?;
    let (client_id, credential) = client_auth::presented(&form, headers)?;
    let client_id = client_id.ok_or_else(|| EntraError::missing_parameter("client_id"))?;
    let client = lookup_client(state, &client_id)?;
    let grant = GrantRequest {
        state,
        client: &client,
        credential: &credential,
        form: &form,
        tenant,
    };
    match grant_type.as_str() {
        "client_credentials" => client_credentials(&grant),
        "authorization_code" => authorization_code(&grant),
        "refresh_token" => refresh_token(&grant),
        DEVICE_CODE_GRANT => device_code::poll(&grant),
        other => Err(EntraError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn client_credentials(grant: &GrantRequest<'_>) -> Result<Value, EntraError> {
    let GrantRequest { state, client, .. } = *grant;
    let acr = grant.authenticate()?;
    if acr == 0 {
        return Err(EntraError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    }
    let scope = grant.required("scope")?;
    let data = state.directory.read();
    let request = scopes::parse(&data, scope, &client.app_id)?;
    if !request.explicit_resource || !request.resource.default || !request.oidc.is_empty() {
        return Err(EntraError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        ));
    }
    let sp = data.service_principal_by_app_id(&client.app_id).ok_or_else(|| {
        EntraError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000229,
            format!(
                "The client application {} is missing service principal in the tenant {}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
                client.app_id, state.tenant_id
            ),
        )
    })?;
    let roles = data.granted_app_role_values(sp.id(), &request.resource.service_principal_id);
    let wids = data.active_role_template_ids(sp.id());
    let claims = AccessClaims {
        roles: (!roles.is_empty()).then_some(roles),
        wids: (!wids.is_empty()).then_some(wids),
        ..access_claims(
            state,
            &request,
            client,
            acr,
            Subject {
                idtyp: "app",
                oid: sp.id(),
                sub: sp.id().to_owned(),
            },
        )
    };
    drop(data);
    Ok(token_answer(state, &claims))
}

fn invalid_grant(code: u32, message: impl Into<String>) -> EntraError {
    EntraError::new(StatusCode::BAD_REQUEST, "invalid_grant", code, message)
}

/// AADSTS9002313: the code or refresh token is not one Entra ID issued.
fn malformed() -> EntraError {
    invalid_grant(9002313, "Invalid request. Request is malformed or invalid.")
}

/// AADSTS54005: the authorization code was redeemed before.
fn code_redeemed() -> EntraError {
    invalid_grant(
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    )
}

/// AADSTS70008: the authorization code or refresh token has expired.
fn expired() -> EntraError {
    invalid_grant(
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    )
}

fn authorization_code(grant: &GrantRequest<'_>) -> Result<Value, EntraError> {
    let GrantRequest { state, client, .. } = *grant;
    let code = grant.required("code")?;
    let redirect_uri = grant.required("redirect_uri")?;
    let entry = {
        let codes = lock(&state.sessions.authorization_codes);
        codes.get(code).cloned()
    };
    let Some(entry) = entry else {
        return Err(malformed());
    };
    if entry.redeemed {
        return Err(code_redeemed());
    }
    if Instant::now() >= entry.expires_at {
        return Err(expired());
    }
    if !entry.client_id.eq_ignore_ascii_case(&client.app_id) {
        return Err(invalid_grant(
            70000,
            "The provided authorization code was issued to a different client.",
        ));
    }
    if entry.redirect_uri != *redirect_uri {
        return Err(invalid_grant(
            50011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URI used in the authorization request."
            ),
        ));
    }
    if let Some(challenge) = &entry.code_challenge {
        let verifier = grant.required("code_verifier")?;
        let computed = if entry.code_challenge_method.eq_ignore_ascii_case("plain") {
            verifier.clone()
        } else {
            URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref())
        };
        if computed != *challenge {
            return Err(invalid_grant(
                50148,
                "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
            ));
        }
    }
    let acr = grant.authenticate()?;
    {
        let mut codes = lock(&state.sessions.authorization_codes);
        match codes.get_mut(code) {
            Some(stored) if !stored.redeemed => stored.redeemed = true,
            _ => {
                return Err(code_redeemed());
            }
        }
    }
    grant.issue_delegated(
        &entry.user_id,
        &entry.scope,
        acr,
        entry.nonce.as_deref(),
        false,
    )
}

fn refresh_token(grant: &GrantRequest<'_>) -> Result<Value, EntraError> {
    let GrantRequest {
        state,
        client,
        form,
        ..
    } = *grant;
    let token = grant.required("refresh_token")?;
    let entry = lock(&state.sessions.refresh_tokens).get(token).cloned();
    let Some(entry) = entry else {
        return Err(malformed());
    };
    if Instant::now() >= entry.expires_at {
        return Err(expired());
    }
    if !entry.client_id.eq_ignore_ascii_case(&client.app_id) {
        return Err(invalid_grant(
            70000,
            "The refresh token was issued to a different client.",
        ));
    }
    let acr = grant.authenticate()?;
    let scope = form
        .get("scope")
        .cloned()
        .unwrap_or_else(|| entry.scope.clone());
    grant.issue_delegated(&entry.user_id, &scope, acr, None, true)
}
