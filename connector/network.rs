//! A session's network state: its HTTP client (made for the endpoints and trust of the settings it last
//! served, and reused while they stay the same) and the administrator's sign-in.
//!
//! Tokens go only where their cloud says: a sign-in is bound to the endpoints, the sign-in client and the
//! tenant it was made for, and a later call whose settings point elsewhere gets `SIGN_IN_REQUIRED` instead
//! of sending the tokens there.

use crate::auth::delegated::DelegatedTokens;
use crate::cloud::{Cloud, Endpoints};
use crate::error::{Error, ErrorKind};
use crate::graph::Graph;
use crate::http::{HttpClient, NetworkOptions, Trust};
use crate::settings::Settings;
use crate::sign_in::account::Account;

/// Where a session's requests go and whom they trust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The cloud's endpoints and resource identifiers.
    pub endpoints: Endpoints,
    /// The trusted certificate authorities.
    pub trust: Trust,
}

impl Target {
    /// The target of a settings document: its endpoints, and its extra CA (the only trust when the
    /// endpoints are custom and a CA is given).
    pub fn of(settings: &Settings) -> Target {
        let endpoints = settings.endpoints().clone();
        let extra_ca_pem = settings.extra_ca_pem().map(str::to_owned);
        let only_extra = endpoints.cloud == Cloud::Custom && extra_ca_pem.is_some();
        Target {
            endpoints,
            trust: Trust {
                extra_ca_pem,
                only_extra,
            },
        }
    }
}

/// A completed sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// Where it was made.
    pub target: Target,
    /// The public client it used.
    pub client_id: String,
    /// The tenant it signed in to.
    pub tenant_id: String,
    /// Who signed in.
    pub account: Account,
    /// The delegated tokens (behind an async lock so that parallel requests of one call share them).
    pub tokens: tokio::sync::Mutex<DelegatedTokens>,
    /// The applications (by app id) whose roles or consents this sign-in wrote, and when: a connection
    /// test soon after waits for them to replicate instead of reporting them missing.
    pub written: std::sync::Mutex<Vec<(String, std::time::Instant)>>,
}

impl SignedIn {
    /// Remembers that this sign-in just wrote the roles or consents of the application `app_id`.
    pub fn note_written(&self, app_id: &str) {
        let mut written = self
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        written.retain(|(id, _)| !id.eq_ignore_ascii_case(app_id));
        written.push((app_id.to_owned(), std::time::Instant::now()));
    }

    /// Whether this sign-in wrote the roles or consents of `app_id` less than `within` ago.
    pub fn wrote_recently(&self, app_id: &str, within: std::time::Duration) -> bool {
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .any(|(id, at)| id.eq_ignore_ascii_case(app_id) && at.elapsed() < within)
    }

    /// The Graph client of this sign-in.
    pub fn graph<'a>(&'a self, http: &'a HttpClient) -> Graph<'a> {
        Graph::new(http, self.target.endpoints.graph_v1(), &self.tokens)
    }
}

/// The network state of one session.
#[derive(Debug, Default)]
pub struct Network {
    client: Option<(Target, NetworkOptions, HttpClient)>,
    signed_in: Option<SignedIn>,
}

impl Network {
    /// The HTTP client for `target`, made (or remade, when the target changed) as needed. Its pooled
    /// connections are reused across the session's calls.
    pub fn client(
        &mut self,
        target: &Target,
        options: &NetworkOptions,
    ) -> Result<HttpClient, Error> {
        if let Some((current, current_options, client)) = &self.client
            && current == target
            && current_options == options
        {
            return Ok(client.clone());
        }
        let client = HttpClient::new(&target.trust, options)?;
        self.client = Some((target.clone(), options.clone(), client.clone()));
        Ok(client)
    }

    /// The HTTP client for these settings and the sign-in they may use (`SIGN_IN_REQUIRED` when there is none
    /// for them): what every operation after sign-in starts with.
    pub fn prepare(
        &mut self,
        settings: &Settings,
        options: &NetworkOptions,
    ) -> Result<(HttpClient, &SignedIn), Error> {
        let http = self.client(&Target::of(settings), options)?;
        let signed_in = self.signed_in_for(settings)?;
        Ok((http, signed_in))
    }

    /// Keeps a completed sign-in, replacing (and so wiping) any earlier one.
    pub fn sign_in(&mut self, signed_in: SignedIn) {
        self.signed_in = Some(signed_in);
    }

    /// The current sign-in, if any.
    pub fn current(&self) -> Option<&SignedIn> {
        self.signed_in.as_ref()
    }

    /// The sign-in, when it was made for these settings' endpoints, client and tenant; otherwise
    /// `SIGN_IN_REQUIRED` saying why.
    pub fn signed_in_for(&self, settings: &Settings) -> Result<&SignedIn, Error> {
        let Some(signed_in) = &self.signed_in else {
            return Err(Error::new(
                ErrorKind::SignInRequired,
                "No administrator is signed in on this session.",
            )
            .with_hint("Run Log in to Azure (authenticate) first, on the same session."));
        };
        let target = Target::of(settings);
        let elsewhere = if signed_in.target.endpoints != target.endpoints {
            Some("other endpoints")
        } else if signed_in.target.trust != target.trust {
            Some("another trusted CA")
        } else if settings.client_id() != signed_in.client_id {
            Some("another sign-in client")
        } else if settings
            .tenant_id()
            .is_some_and(|tenant| tenant != signed_in.tenant_id)
        {
            Some("another tenant")
        } else {
            None
        };
        match elsewhere {
            None => Ok(signed_in),
            Some(what) => Err(Error::new(
                ErrorKind::SignInRequired,
                format!(
                    "The administrator signed in for {}, but these settings use {what}; the sign-in is not used \
                     for them.",
                    signed_in.account.tenant.display_name
                ),
            )
            .with_hint("Run Log in to Azure again with these settings.")),
        }
    }
}
