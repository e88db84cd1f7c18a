//! The browser sign-in: authorization code with PKCE (RFC 7636) through a loopback redirect. The
//! connector listens on `127.0.0.1` at a port chosen now, sends the authorization URL to the host (a
//! `sign_in_prompt` event) and opens the system browser unless the host said it will, waits for the
//! redirect (its `state` checked), and redeems the code with the PKCE verifier.
//!
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>

use crate::auth::entra_error::{EntraError, sign_in_refused};
use crate::auth::flow::SignInFlow;
use crate::auth::loopback::{Expect, Loopback};
use crate::auth::pkce::{Pkce, random_token};
use crate::auth::token::TokenAnswer;
use crate::auth::token_endpoint::{TokenOutcome, post_token};
use crate::call::Call;
use crate::error::{Error, ErrorKind, ServiceAnswer};
use crate::event::{EventBody, LogLevel, SignInPrompt};
use crate::http::Service;

/// Signs in through the browser; returns the token answer once the code was redeemed.
pub async fn sign_in(call: &Call<'_>, flow: &SignInFlow<'_>) -> Result<TokenAnswer, Error> {
    let loopback = Loopback::bind().await?;
    let redirect_uri = loopback.redirect_uri();
    let pkce = Pkce::new()?;
    let state = random_token(24)?;
    let mut url = url::Url::parse(&flow.authority.authorize_endpoint()).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            "The authorization URL could not be formed from the authority.",
        )
    })?;
    url.query_pairs_mut()
        .append_pair("client_id", flow.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("response_mode", "query")
        .append_pair("scope", flow.scopes)
        .append_pair("state", &state)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("prompt", "select_account");
    let url = url.to_string();
    call.emit(EventBody::SignInPrompt(SignInPrompt::Browser {
        url: url.clone(),
        message:
            "Sign in to Azure in the browser window; the connector continues when you are done."
                .to_owned(),
    }));
    if flow.options.open_browser && webbrowser::open(&url).is_err() {
        call.emit(EventBody::Log {
            level: LogLevel::Warn,
            message:
                "The system browser could not be opened; open the sign-in URL from the prompt."
                    .to_owned(),
        });
    }
    let redirect = loopback
        .wait(call, &state, Expect::Code, flow.options.timeout())
        .await?;
    if let Some(error) = redirect.get("error") {
        let entra = EntraError::from_redirect(error, redirect.get("error_description"));
        let base = ServiceAnswer {
            name: Service::Entra.name(),
            action: Some("sign in through the browser".to_owned()),
            ..ServiceAnswer::default()
        };
        return Err(sign_in_refused(&entra, base, &flow.context()));
    }
    let Some(code) = redirect.get("code") else {
        return Err(Error::new(
            ErrorKind::SignInFailed,
            "The browser came back without an authorization code.",
        ));
    };
    let outcome = post_token(
        call,
        flow.http,
        flow.authority,
        "redeem the browser sign-in's authorization code",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", flow.client_id),
            ("code", code),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", pkce.verifier.expose()),
            ("scope", flow.scopes),
        ],
    )
    .await?;
    match outcome {
        TokenOutcome::Issued(answer) => Ok(answer),
        TokenOutcome::Refused { entra, response } => {
            Err(sign_in_refused(&entra, response.details(), &flow.context()))
        }
    }
}
