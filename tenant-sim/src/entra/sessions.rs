//! Sign-in state in flight: device codes, authorization codes and refresh tokens. Kept in memory only;
//! codes and tokens never reach the request log (it records paths and queries of GETs only, and codes
//! travel in POST bodies, except the authorization code in the redirect, which the client receives).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use tokio::time::Instant;

use crate::entra::error::EntraError;

/// Where a device code stands.
#[derive(Clone, Debug)]
pub(crate) enum DeviceCodeStatus {
    /// Waiting for the user.
    Pending,
    /// The user signed in and consented.
    Approved { user_id: String },
    /// The user refused.
    Declined,
    /// Sign-in or consent failed with this error (e.g. AADSTS90094).
    Failed(EntraError),
    /// Tokens were issued for it.
    Redeemed,
}

/// A device code.
#[derive(Clone, Debug)]
pub(crate) struct DeviceCode {
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub expires_at: Instant,
    pub polls: u32,
    pub last_poll: Option<Instant>,
    pub approval: crate::knobs::DeviceCodeApproval,
    pub status: DeviceCodeStatus,
}

/// An authorization code.
#[derive(Clone, Debug)]
pub(crate) struct AuthorizationCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: String,
    pub user_id: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub expires_at: Instant,
    pub redeemed: bool,
}

/// A refresh token.
#[derive(Clone, Debug)]
pub(crate) struct RefreshToken {
    pub client_id: String,
    pub user_id: String,
    pub scope: String,
    pub expires_at: Instant,
}

/// All sign-in state of a tenant.
#[derive(Default)]
pub(crate) struct Sessions {
    pub device_codes: Mutex<HashMap<String, DeviceCode>>,
    pub authorization_codes: Mutex<HashMap<String, AuthorizationCode>>,
    pub refresh_tokens: Mutex<HashMap<String, RefreshToken>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

/// Locks a session table, recovering from poisoning.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
