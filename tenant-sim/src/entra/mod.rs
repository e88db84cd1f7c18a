//! Entra ID v2.0 sign-in (the authority, `login.microsoftonline.com`): discovery, keys, device code,
//! authorize, token and admin consent under `/{tenant}/`.

pub(crate) mod admin_consent;
pub(crate) mod authorize;
mod client_auth;
mod clients;
pub(crate) mod consent;
mod correlation;
pub(crate) mod device_code;
mod discovery;
pub mod error;
mod form;
mod grant;
mod instance_discovery;
mod issue;
mod scopes;
pub(crate) mod sessions;
mod sign_in_refusal;
mod tenant_path;
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
        .route(
            "/{tenant}/discovery/instance",
            get(instance_discovery::instance_discovery),
        )
        .route("/devicelogin", get(device_code::device_login_page))
        .layer(axum::middleware::from_fn(correlation::correlate))
        .with_state(state)
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
