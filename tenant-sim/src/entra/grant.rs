//! One request to the token endpoint for a grant, once its client is known: what each grant reads from
//! the form, how the client proves itself and how a delegated grant issues its tokens.
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>

use std::collections::HashMap;

use serde_json::Value;

use crate::directory::ClientRegistration;
use crate::entra::client_auth::{self, Presented};
use crate::entra::error::EntraError;
use crate::entra::issue::{DelegatedIssue, asks_client_info, issue_delegated};
use crate::state::TenantState;

/// A token request for one grant type, with the client it names.
pub(crate) struct GrantRequest<'a> {
    pub state: &'a TenantState,
    pub client: &'a ClientRegistration,
    pub credential: &'a Presented,
    pub form: &'a HashMap<String, String>,
    /// The tenant segment of the path.
    pub tenant: &'a str,
}

impl<'a> GrantRequest<'a> {
    /// The form parameter `name`, or the missing-parameter error.
    pub(crate) fn required(&self, name: &str) -> Result<&'a String, EntraError> {
        self.form
            .get(name)
            .ok_or_else(|| EntraError::missing_parameter(name))
    }

    /// Checks the client's credential; returns its `appidacr` (0 public, 1 secret, 2 certificate).
    pub(crate) fn authenticate(&self) -> Result<u8, EntraError> {
        client_auth::authenticate(self.state, self.client, self.credential, self.tenant)
    }

    /// The delegated tokens of `user_id` for `scope` (never prompting for consent); a refresh token also
    /// without `offline_access` when `force_refresh_token`.
    pub(crate) fn issue_delegated(
        &self,
        user_id: &str,
        scope: &str,
        appidacr: u8,
        nonce: Option<&str>,
        force_refresh_token: bool,
    ) -> Result<Value, EntraError> {
        issue_delegated(
            self.state,
            DelegatedIssue {
                client: self.client,
                user_id,
                scope,
                appidacr,
                nonce,
                interactive: false,
                force_refresh_token,
                client_info: asks_client_info(self.form),
            },
        )
    }
}
