//! `GET /{tenant}/oauth2/v2.0/authorize`: signs the knob's user in without UI, runs consent, and
//! redirects to the client's registered redirect URI with an authorization code.
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>
//! <https://learn.microsoft.com/entra/identity-platform/reply-url> (loopback: the port is ignored)

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use crate::directory::ClientRegistration;
use crate::entra::clients::lookup_client;
use crate::entra::error::{EntraError, found};
use crate::entra::form::form;
use crate::entra::sessions::{AuthorizationCode, lock};
use crate::entra::tenant_path::resolve_tenant;
use crate::entra::{consent, scopes};
use crate::state::TenantState;
use crate::tokens::random_token;

/// Whether `requested` matches the registered redirect URI `registered`. Exact match, except that for
/// `http://localhost` and `http://127.0.0.1` the port is ignored.
pub(crate) fn redirect_matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(registered), Ok(requested)) = (url::Url::parse(registered), url::Url::parse(requested))
    else {
        return false;
    };
    let loopback = |u: &url::Url| {
        u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1"))
    };
    loopback(&registered)
        && loopback(&requested)
        && registered.host_str() == requested.host_str()
        && registered.path() == requested.path()
        && registered.query() == requested.query()
}

/// The AADSTS50011 error for a redirect URI the application did not register.
pub(crate) fn redirect_mismatch(redirect_uri: &str, client_id: &str) -> EntraError {
    EntraError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        50011,
        format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
        ),
    )
}

/// The client an interactive request (`/authorize`, `/adminconsent`) names by its `client_id`, in a
/// tenant that exists.
pub(crate) fn requesting_client(
    state: &TenantState,
    tenant: &str,
    params: &HashMap<String, String>,
) -> Result<ClientRegistration, EntraError> {
    resolve_tenant(state, tenant, "invalid_request")?;
    let client_id = params
        .get("client_id")
        .ok_or_else(|| EntraError::missing_parameter("client_id"))?;
    lookup_client(state, client_id)
}

/// `GET /{tenant}/oauth2/v2.0/authorize`.
pub(crate) async fn authorize(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = form(query.unwrap_or_default().as_bytes());
    // Errors before the redirect URI is trusted are shown on Entra's page (here: a JSON body).
    let client = match requesting_client(&state, &tenant, &params) {
        Ok(client) => client,
        Err(error) => return error.into_response(),
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return EntraError::missing_parameter("redirect_uri").into_response();
    };
    if !client
        .redirect_uris
        .iter()
        .any(|r| redirect_matches(r, redirect_uri))
    {
        return redirect_mismatch(redirect_uri, &client.app_id).into_response();
    }
    let state_param = params.get("state").map(String::as_str);
    let redirect_error = |error: EntraError| error.into_redirect(redirect_uri, state_param);

    if params.get("response_type").map(String::as_str) != Some("code") {
        return redirect_error(EntraError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_response_type",
            700054,
            format!(
                "response_type '{}' is not enabled for the application.",
                params
                    .get("response_type")
                    .map(String::as_str)
                    .unwrap_or_default()
            ),
        ));
    }
    let Some(scope) = params.get("scope") else {
        return redirect_error(EntraError::missing_parameter("scope"));
    };
    let request = match scopes::parse(&state.directory.read(), scope, &client.app_id) {
        Ok(request) => request,
        Err(error) => return redirect_error(error),
    };
    let challenge = params.get("code_challenge").cloned();
    let method = params
        .get("code_challenge_method")
        .cloned()
        .unwrap_or_else(|| "plain".to_owned());
    if let Some(challenge) = &challenge {
        if !(43..=128).contains(&challenge.len()) {
            return redirect_error(EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                501491,
                "Invalid size of Code_Challenge parameter.",
            ));
        }
        if !method.eq_ignore_ascii_case("S256") && !method.eq_ignore_ascii_case("plain") {
            return redirect_error(EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                5001,
                format!("The code_challenge_method '{method}' is not supported; use S256."),
            ));
        }
    }
    let user = match consent::signed_in_user(&state) {
        Ok(user) => user,
        Err(error) => return redirect_error(error),
    };
    if let Err(error) = consent::ensure_delegated_consent(&state, &client, &user.id, &request, true)
    {
        return redirect_error(error);
    }
    let code = format!("0.A{}", random_token(48));
    let lifetime = state.knobs.get().authorization_code_lifetime;
    lock(&state.sessions.authorization_codes).insert(
        code.clone(),
        AuthorizationCode {
            client_id: client.app_id.clone(),
            redirect_uri: redirect_uri.clone(),
            code_challenge: challenge,
            code_challenge_method: method,
            user_id: user.id,
            scope: scope.clone(),
            nonce: params.get("nonce").cloned(),
            expires_at: Instant::now() + lifetime,
            redeemed: false,
        },
    );
    let Ok(mut location) = url::Url::parse(redirect_uri) else {
        return redirect_mismatch(redirect_uri, &client.app_id).into_response();
    };
    {
        let mut pairs = location.query_pairs_mut();
        pairs.append_pair("code", &code);
        if let Some(state_param) = state_param {
            pairs.append_pair("state", state_param);
        }
        pairs.append_pair("session_state", &uuid::Uuid::new_v4().to_string());
    }
    found(location.as_str())
}

/// Expires every outstanding authorization code (test hook).
pub(crate) fn expire_all(state: &TenantState) {
    let now = Instant::now();
    for code in lock(&state.sessions.authorization_codes).values_mut() {
        code.expires_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::redirect_matches;

    #[test]
    fn loopback_ports_are_ignored_but_paths_hosts_and_schemes_are_not() {
        assert!(redirect_matches(
            "http://localhost",
            "http://localhost:49152/"
        ));
        assert!(redirect_matches("http://localhost", "http://localhost"));
        assert!(redirect_matches(
            "http://127.0.0.1/cb",
            "http://127.0.0.1:8080/cb"
        ));
        assert!(!redirect_matches(
            "http://localhost",
            "http://localhost:49152/cb"
        ));
        assert!(!redirect_matches(
            "http://localhost",
            "http://127.0.0.1:49152/"
        ));
        assert!(!redirect_matches("http://localhost", "https://localhost/"));
        assert!(!redirect_matches(
            "https://app.example/cb",
            "https://app.example:444/cb"
        ));
        assert!(redirect_matches(
            "https://app.example/cb",
            "https://app.example/cb"
        ));
    }
}
