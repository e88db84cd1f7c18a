//! What an interactive sign-in needs: the HTTP client, the authority, the public client, the scopes, and
//! the host's bounds.

use crate::auth::authority::Authority;
use crate::auth::entra_error::SignInContext;
use crate::http::{HttpClient, SignInOptions};

/// One interactive sign-in's inputs.
#[derive(Clone, Copy, Debug)]
pub struct SignInFlow<'a> {
    /// The session's HTTP client.
    pub http: &'a HttpClient,
    /// Where the sign-in goes.
    pub authority: &'a Authority,
    /// The public client (the `client_id` setting).
    pub client_id: &'a str,
    /// The space-separated scopes asked for.
    pub scopes: &'a str,
    /// The cloud's settings name, for messages.
    pub cloud: &'a str,
    /// The host's bounds (`sign_in` session options).
    pub options: &'a SignInOptions,
}

impl SignInFlow<'_> {
    /// The context Entra errors are explained in.
    pub fn context(&self) -> SignInContext<'_> {
        SignInContext {
            cloud: self.cloud,
            tenant: self.authority.tenant(),
            client_id: self.client_id,
        }
    }
}
