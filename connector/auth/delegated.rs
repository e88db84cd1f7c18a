//! The signed-in administrator's delegated tokens for Microsoft Graph, kept in the session's memory only:
//! renewed with the refresh token when they near expiry (or when Graph says the token expired), and wiped
//! when the session is freed.
//!
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token>

use std::time::Instant;

use crate::auth::authority::Authority;
use crate::auth::entra_error::{SignInContext, sign_in_refused};
use crate::auth::token::{AccessToken, TokenAnswer};
use crate::auth::token_endpoint::{TokenOutcome, post_token};
use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::http::HttpClient;
use crate::secret::Secret;

/// Delegated tokens of one sign-in.
#[derive(Debug)]
pub struct DelegatedTokens {
    authority: Authority,
    client_id: String,
    scopes: String,
    cloud: &'static str,
    access: AccessToken,
    refresh: Option<Secret>,
    renewals: u32,
}

impl DelegatedTokens {
    /// The tokens of a sign-in at `authority` (the signed-in tenant's) for `client_id` and `scopes`.
    pub fn new(
        authority: Authority,
        client_id: &str,
        scopes: &str,
        cloud: &'static str,
        answer: TokenAnswer,
    ) -> DelegatedTokens {
        DelegatedTokens {
            authority,
            client_id: client_id.to_owned(),
            scopes: scopes.to_owned(),
            cloud,
            access: answer.access_token,
            refresh: answer.refresh_token,
            renewals: 0,
        }
    }

    /// The authority the tokens came from.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The scopes Entra granted.
    pub fn granted_scopes(&self) -> &str {
        &self.access.scope
    }

    /// How many times the access token was renewed.
    pub fn renewals(&self) -> u32 {
        self.renewals
    }

    /// An access token that is not about to expire, renewing it first when needed.
    pub async fn access_token(
        &mut self,
        call: &Call<'_>,
        http: &HttpClient,
    ) -> Result<Secret, Error> {
        if self.access.needs_renewal(Instant::now()) {
            self.renew(call, http).await?;
        }
        Ok(self.access.token.clone())
    }

    /// Renews the access token with the refresh token. Without one, or when Entra refuses it, the
    /// administrator must sign in again (`SIGN_IN_REQUIRED`).
    pub async fn renew(&mut self, call: &Call<'_>, http: &HttpClient) -> Result<(), Error> {
        let Some(refresh) = &self.refresh else {
            return Err(Error::new(
                ErrorKind::SignInRequired,
                "The administrator's sign-in has expired and cannot be renewed.",
            )
            .with_hint("Run Log in to Azure again."));
        };
        let outcome = post_token(
            call,
            http,
            &self.authority,
            "renew the administrator's access token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &self.client_id),
                ("refresh_token", refresh.expose()),
                ("scope", &self.scopes),
            ],
        )
        .await?;
        match outcome {
            TokenOutcome::Issued(answer) => {
                self.access = answer.access_token;
                if let Some(rotated) = answer.refresh_token {
                    self.refresh = Some(rotated);
                }
                self.renewals += 1;
                Ok(())
            }
            TokenOutcome::Refused { entra, response } => {
                let context = SignInContext {
                    cloud: self.cloud,
                    tenant: self.authority.tenant(),
                    client_id: &self.client_id,
                };
                let error = sign_in_refused(&entra, response.details(), &context);
                // A refused refresh means the sign-in is over, whatever the reason: sign in again.
                Err(if entra.error == "invalid_grant" {
                    Error::new(ErrorKind::SignInRequired, error.message().to_owned())
                        .with_hint("Run Log in to Azure again.")
                        .with_service(error.service().cloned().unwrap_or_default())
                } else {
                    error
                })
            }
        }
    }
}
