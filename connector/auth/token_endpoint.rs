//! Requests to Entra ID's token endpoint: every grant the connector uses (device code, authorization
//! code, refresh token, client credentials) posts a form here and gets a token or an Entra error.

use crate::auth::authority::Authority;
use crate::auth::entra_error::EntraError;
use crate::auth::token::{TokenAnswer, read_token_answer};
use crate::call::Call;
use crate::error::Error;
use crate::http::{HttpClient, Request, Response, Service};
use reqwest::Method;

/// What the token endpoint answered.
#[derive(Debug)]
pub enum TokenOutcome {
    /// A token.
    Issued(TokenAnswer),
    /// Entra's refusal (`authorization_pending` included), with the answer for its request ids.
    Refused {
        /// The error.
        entra: EntraError,
        /// The answer.
        response: Box<Response>,
    },
}

/// Posts a grant to the authority's token endpoint. An answer that is neither a token nor an Entra error
/// is a `SERVICE_ERROR`.
pub async fn post_token(
    call: &Call<'_>,
    http: &HttpClient,
    authority: &Authority,
    action: &str,
    form: &[(&str, &str)],
) -> Result<TokenOutcome, Error> {
    let request = Request::new(
        Service::Entra,
        Method::POST,
        authority.token_endpoint(),
        action,
    )
    .form(form.iter().copied());
    token_outcome(http.send(call, &request).await?)
}

/// What a token endpoint's answer says: a token, Entra's refusal, or (neither) a `SERVICE_ERROR` naming
/// Entra ID and what the connector was doing.
pub(crate) fn token_outcome(response: Response) -> Result<TokenOutcome, Error> {
    if response.status.is_success() {
        return read_token_answer(response).map(TokenOutcome::Issued);
    }
    match EntraError::parse(&response) {
        Some(entra) => Ok(TokenOutcome::Refused {
            entra,
            response: Box::new(response),
        }),
        None if response.is_json() => {
            Err(response.unreadable("its answer is neither a token nor an Entra error"))
        }
        None => Err(response.unreadable("its answer was not JSON")),
    }
}
