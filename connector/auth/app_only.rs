//! App-only tokens: the client-credentials grant with a certificate assertion, for the application the
//! connection uses (not the administrator). The assertion is a JWT the held certificate signs (RS256, with
//! the certificate's SHA-1 `x5t`), posted to the tenant's token endpoint with `scope=<resource>/.default`.
//!
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow>,
//! <https://learn.microsoft.com/entra/identity-platform/certificate-credentials>
//!
//! Why a direct token request and not azure_identity's `ClientAssertionCredential`: that credential would
//! bring the Azure SDK's own HTTP pipeline (a second HTTP stack beside the session's reqwest client, with its
//! own retry policy, proxies and trust, so the session's bounds, `wait` events and cancel would not apply),
//! and its certificate credential links OpenSSL, which the plugin never loads. The request itself is one
//! form post through [`post_token`], the function every other grant of the connector uses.

use time::OffsetDateTime;

use crate::auth::authority::Authority;
use crate::auth::token_endpoint::{TokenOutcome, post_token};
use crate::call::Call;
use crate::certificate::HeldCertificate;
use crate::error::{Error, ErrorKind};
use crate::http::HttpClient;

/// The `client_assertion_type` of a JWT bearer assertion (RFC 7523).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Asks `authority` (a tenant's, never `organizations`) for an app-only token for `resource` (e.g.
/// `https://outlook.office365.com`), proving the application `client_id` with `certificate`. Entra's
/// refusal comes back as [`TokenOutcome::Refused`], for the caller to explain.
pub async fn app_only_token(
    call: &Call<'_>,
    http: &HttpClient,
    authority: &Authority,
    client_id: &str,
    certificate: &HeldCertificate,
    resource: &str,
) -> Result<TokenOutcome, Error> {
    let token_endpoint = authority.token_endpoint();
    let assertion = certificate
        .client_assertion(client_id, &token_endpoint, OffsetDateTime::now_utc())
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("The connector could not sign the client assertion: {e}"),
            )
        })?;
    let scope = format!("{}/.default", resource.trim_end_matches('/'));
    post_token(
        call,
        http,
        authority,
        &format!("get an app-only token for {resource}"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("scope", &scope),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.expose()),
        ],
    )
    .await
}
