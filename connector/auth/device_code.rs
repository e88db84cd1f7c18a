//! The device code sign-in (RFC 8628 as Entra ID serves it): the connector asks for a code, the host shows
//! it with the verification URL (a `sign_in_prompt` event), and the connector polls the token endpoint at
//! the interval Entra gives until the administrator approves, declines, the code expires, or the host
//! cancels.
//!
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code>

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::entra_error::{EntraError, SignInContext, sign_in_refused};
use crate::auth::flow::SignInFlow;
use crate::auth::token::TokenAnswer;
use crate::auth::token_endpoint::{TokenOutcome, post_token};
use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::event::{EventBody, LogLevel, SignInPrompt};
use crate::http::{Request, Response, Service};
use crate::secret::Secret;

/// The grant type of the poll (RFC 8628 §3.4).
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The shortest wait between polls, whatever interval the service advertises.
const MIN_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The answer of the device authorization endpoint.
#[derive(Deserialize)]
pub(crate) struct DeviceAuthorization {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    pub(crate) verification_uri: String,
    pub(crate) expires_in: u64,
    #[serde(default)]
    pub(crate) interval: Option<u64>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}

/// The longest device code lifetime the connector believes (Entra's codes last 15 minutes): a larger
/// `expires_in` is read as this, so that no deadline overflows.
const MAX_CODE_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The longest wait between polls, whatever the service asks for (Entra asks for 5 s, and 5 s more after
/// each `slow_down`).
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(300);

/// Reads the device authorization endpoint's answer: the code to show, or Entra's refusal, or a
/// `SERVICE_ERROR` for an answer that is neither. Lifetimes and intervals are bounded.
pub(crate) fn device_authorization(
    response: &Response,
    context: &SignInContext<'_>,
) -> Result<DeviceAuthorization, Error> {
    if !response.status.is_success() {
        return Err(match EntraError::parse(response) {
            Some(entra) => sign_in_refused(&entra, response.details(), context),
            None => response.unreadable("its answer is not an Entra error"),
        });
    }
    let mut authorization: DeviceAuthorization = response.json()?;
    authorization.expires_in = authorization.expires_in.min(MAX_CODE_LIFETIME.as_secs());
    authorization.interval = authorization
        .interval
        .map(|interval| interval.min(MAX_POLL_INTERVAL.as_secs()));
    Ok(authorization)
}

/// Signs in with a device code; returns the token answer once the administrator approved.
pub async fn sign_in(call: &Call<'_>, flow: &SignInFlow<'_>) -> Result<TokenAnswer, Error> {
    let request = Request::new(
        Service::Entra,
        Method::POST,
        flow.authority.device_code_endpoint(),
        "start the device code sign-in",
    )
    .form([("client_id", flow.client_id), ("scope", flow.scopes)]);
    let response = flow.http.send(call, &request).await?;
    let authorization = device_authorization(&response, &flow.context())?;
    let device_code = Secret::new(authorization.device_code);
    let started = Instant::now();
    let lifetime = Duration::from_secs(authorization.expires_in);
    let deadline = started + lifetime.min(flow.options.timeout());
    let expires_at = (OffsetDateTime::now_utc() + lifetime)
        .format(&Rfc3339)
        .unwrap_or_default();
    let message = authorization.message.unwrap_or_else(|| {
        format!(
            "To sign in, open {} and enter the code {}.",
            authorization.verification_uri, authorization.user_code
        )
    });
    call.emit(EventBody::SignInPrompt(SignInPrompt::DeviceCode {
        verification_uri: authorization.verification_uri,
        user_code: authorization.user_code,
        expires_at,
        message,
    }));
    let mut interval =
        Duration::from_secs(authorization.interval.unwrap_or(5)).max(MIN_POLL_INTERVAL);
    let mut first = true;
    loop {
        if !first {
            let now = Instant::now();
            if now + interval > deadline {
                return Err(expired(deadline.saturating_duration_since(started)));
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = call.cancelled() => return Err(call.cancelled_error()),
            }
        }
        first = false;
        let outcome = post_token(
            call,
            flow.http,
            flow.authority,
            "check whether the device code sign-in was completed",
            &[
                ("grant_type", DEVICE_CODE_GRANT),
                ("client_id", flow.client_id),
                ("device_code", device_code.expose()),
            ],
        )
        .await?;
        match outcome {
            TokenOutcome::Issued(answer) => return Ok(answer),
            TokenOutcome::Refused { entra, response } => match entra.error.as_str() {
                "authorization_pending" => {}
                "slow_down" => {
                    interval = (interval + Duration::from_secs(5)).min(MAX_POLL_INTERVAL);
                    call.emit(EventBody::Log {
                        level: LogLevel::Debug,
                        message: format!(
                            "Entra ID asked to poll more slowly; now every {} s.",
                            interval.as_secs()
                        ),
                    });
                }
                "expired_token" | "code_expired" => {
                    return Err(
                        expired(started.elapsed()).with_service(entra.details(response.details()))
                    );
                }
                _ => return Err(sign_in_refused(&entra, response.details(), &flow.context())),
            },
        }
    }
}

/// The error when the code expired (or the host's bound on waiting ran out) before the sign-in finished.
fn expired(waited: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "The device code expired before the sign-in was completed (waited {} s).",
            waited.as_secs()
        ),
    )
    .with_hint("Run Log in to Azure again and enter the new code before it expires.")
}

#[cfg(test)]
mod tests {
    use super::{MAX_CODE_LIFETIME, MAX_POLL_INTERVAL, device_authorization};
    use crate::auth::entra_error::SignInContext;
    use crate::http::{RequestIds, Response, Service};
    use reqwest::StatusCode;
    use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

    fn answer(status: StatusCode, body: &str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Response {
            service: Service::Entra,
            action: "start the device code sign-in".to_owned(),
            status,
            headers,
            body: body.as_bytes().to_vec(),
            ids: RequestIds::default(),
        }
    }

    const CONTEXT: SignInContext<'static> = SignInContext {
        cloud: "global",
        tenant: "organizations",
        client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
    };

    #[test]
    fn lifetimes_and_intervals_are_bounded_so_no_deadline_overflows() {
        let huge = answer(
            StatusCode::OK,
            r#"{"device_code":"d","user_code":"U","verification_uri":"https://microsoft.com/devicelogin",
                "expires_in":18446744073709551615,"interval":18446744073709551615}"#,
        );
        let authorization = device_authorization(&huge, &CONTEXT).unwrap();
        assert_eq!(authorization.expires_in, MAX_CODE_LIFETIME.as_secs());
        assert_eq!(authorization.interval, Some(MAX_POLL_INTERVAL.as_secs()));
        let refused = answer(
            StatusCode::BAD_REQUEST,
            r#"{"error":"invalid_client","error_description":"AADSTS700016: not found","error_codes":[700016]}"#,
        );
        let error = device_authorization(&refused, &CONTEXT).err().unwrap();
        assert!(
            error.message().contains("was not found in this tenant"),
            "{}",
            error.message()
        );
        let html = answer(StatusCode::OK, "<html></html>");
        let error = device_authorization(&html, &CONTEXT).err().unwrap();
        assert_eq!(error.service().map(|s| s.name), Some("entra"));
    }
}
