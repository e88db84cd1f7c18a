//! Token answers of Entra ID's token endpoint, and the access tokens the session keeps.
//!
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response-2>

use std::time::{Duration, Instant};

use serde::Deserialize;
use zeroize::Zeroize;

use crate::error::Error;
use crate::http::Response;
use crate::secret::Secret;

/// `expires_in` is a number in v2.0 answers, but some services write it as a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Number(u64),
    Text(String),
}

impl Seconds {
    fn value(&self) -> Option<u64> {
        match self {
            Seconds::Number(n) => Some(*n),
            Seconds::Text(text) => text.trim().parse().ok(),
        }
    }
}

#[derive(Deserialize)]
struct RawAnswer {
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    expires_in: Option<Seconds>,
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
}

/// A successful token answer.
#[derive(Debug)]
pub struct TokenAnswer {
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token, when `offline_access` was asked for.
    pub refresh_token: Option<Secret>,
    /// The ID token, when `openid` was asked for.
    pub id_token: Option<Secret>,
}

/// An access token and when it stops being usable.
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token.
    pub token: Secret,
    /// The scopes Entra granted (`scope` of the answer), space-separated.
    pub scope: String,
    /// When it was received.
    pub received_at: Instant,
    /// Its lifetime (`expires_in`).
    pub lifetime: Duration,
}

impl AccessToken {
    /// Whether it should be renewed before use: past its lifetime, less a margin of a quarter of the
    /// lifetime or one minute, whichever is shorter (so short-lived tokens are still used).
    pub fn needs_renewal(&self, now: Instant) -> bool {
        let margin = (self.lifetime / 4).min(Duration::from_secs(60));
        now.saturating_duration_since(self.received_at) + margin >= self.lifetime
    }
}

/// Reads a successful token answer, wiping the answer's bytes afterwards. An answer that is not a bearer
/// token answer is a `SERVICE_ERROR` naming Entra ID and what the connector was doing.
pub fn read_token_answer(mut response: Response) -> Result<TokenAnswer, Error> {
    let parsed = response.json::<RawAnswer>();
    response.body.zeroize();
    let raw = parsed?;
    if raw
        .token_type
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
    {
        return Err(response.unreadable("its token is not a bearer token"));
    }
    if raw.access_token.is_empty() {
        return Err(response.unreadable("its answer holds no access token"));
    }
    let lifetime = raw
        .expires_in
        .as_ref()
        .and_then(Seconds::value)
        .unwrap_or(3600);
    Ok(TokenAnswer {
        access_token: AccessToken {
            token: Secret::new(raw.access_token),
            scope: raw.scope.unwrap_or_default(),
            received_at: Instant::now(),
            lifetime: Duration::from_secs(lifetime),
        },
        refresh_token: raw.refresh_token.filter(|t| !t.is_empty()).map(Secret::new),
        id_token: raw.id_token.filter(|t| !t.is_empty()).map(Secret::new),
    })
}

#[cfg(test)]
mod tests {
    use super::AccessToken;
    use crate::secret::Secret;
    use std::time::{Duration, Instant};

    #[test]
    fn renewal_leaves_a_margin_that_fits_short_tokens() {
        let start = Instant::now();
        let token = |lifetime| AccessToken {
            token: Secret::new("t".to_owned()),
            scope: String::new(),
            received_at: start,
            lifetime,
        };
        let hour = token(Duration::from_secs(3600));
        assert!(!hour.needs_renewal(start + Duration::from_secs(3500)));
        assert!(hour.needs_renewal(start + Duration::from_secs(3541)));
        let short = token(Duration::from_secs(2));
        assert!(!short.needs_renewal(start + Duration::from_millis(1000)));
        assert!(short.needs_renewal(start + Duration::from_millis(1500)));
    }
}
