//! The shared state of a running tenant, handed to every service's router.

use std::sync::Arc;

use crate::directory::{Directory, SeededUsers};
use crate::entra::sessions::Sessions;
use crate::issued::IssuedSecrets;
use crate::knobs::Knobs;
use crate::request_log::RequestLog;
use crate::tokens::{AccessClaims, SigningKey, TokenError};

/// The base URLs of the three services (`https://127.0.0.1:PORT`, no trailing slash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceUrls {
    /// Entra ID sign-in (stands for `https://login.microsoftonline.com`).
    pub authority: String,
    /// Microsoft Graph (stands for `https://graph.microsoft.com`).
    pub graph: String,
    /// Exchange Online (stands for `https://outlook.office365.com`).
    pub exchange: String,
}

/// Everything a service handler can reach: the directory, knobs, request log, signing key and the
/// sign-in service's sessions.
#[derive(Debug)]
pub struct TenantState {
    /// The tenant id (lowercase GUID).
    pub tenant_id: String,
    /// The initial `*.onmicrosoft.com` domain.
    pub initial_domain: String,
    /// Where the services listen.
    pub urls: ServiceUrls,
    /// The directory.
    pub directory: Directory,
    /// The knobs (shared with the services' fault layers).
    pub knobs: Arc<Knobs>,
    /// The request log of all services.
    pub request_log: RequestLog,
    /// The token-signing key.
    pub signing_key: SigningKey,
    /// The seeded users.
    pub users: SeededUsers,
    /// Device codes, authorization codes and refresh tokens in flight.
    pub(crate) sessions: Sessions,
    /// Every token and client secret handed out.
    pub issued: IssuedSecrets,
}

impl TenantState {
    /// Verifies an access token for a resource (`https://graph.microsoft.com`): signature, lifetime,
    /// audience and that this tenant issued it.
    pub fn verify_access_token(
        &self,
        token: &str,
        expected_audience: &str,
    ) -> Result<AccessClaims, TokenError> {
        let claims = self
            .signing_key
            .verify_access_token(token, expected_audience)?;
        if claims.tid != self.tenant_id {
            return Err(TokenError::WrongIssuer);
        }
        Ok(claims)
    }

    /// The issuer of v2.0 ID tokens and of the discovery document: `{authority}/{tid}/v2.0`.
    pub fn v2_issuer(&self) -> String {
        format!("{}/{}/v2.0", self.urls.authority, self.tenant_id)
    }

    /// The issuer of access tokens (v1 form, as Microsoft Graph tokens carry it).
    pub fn access_token_issuer(&self) -> String {
        format!("https://sts.windows.net/{}/", self.tenant_id)
    }
}
