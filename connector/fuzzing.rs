//! Entry points for the fuzz targets in `fuzz/`, compiled only with `--cfg fuzzing` (as `cargo fuzz`
//! builds): each hands arbitrary bytes to one reader of service answers exactly as the connector reads a
//! live answer, and checks what every caller relies on — no panic, and an error that names the service
//! and stays short whatever the answer held. The readers themselves stay private to their modules; this
//! module is not part of the connector's API.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

use crate::auth::device_code::device_authorization;
use crate::auth::entra_error::{EntraError, SignInContext, sign_in_refused};
use crate::auth::id_token::read_id_token;
use crate::auth::token_endpoint::{TokenOutcome, token_outcome};
use crate::error::Error;
use crate::graph::GraphRequest;
use crate::graph::client::{answer_of, sort_batch_round};
use crate::http::{RequestIds, Response, Service};
use crate::provision::lag::{is_duplicate, is_replication_lag};
use crate::secret::Secret;

/// The longest message, hint or `error.service` member an error may carry, whatever the answer held.
const MESSAGE_LIMIT: usize = 2_000;

/// The sign-in client the readers are told about.
const CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// An HTTP answer as the HTTP client hands it over: `status` folded into 100..=999, the content type when
/// it is a valid header value.
pub fn response(service: Service, status: u16, content_type: &[u8], body: &[u8]) -> Response {
    let status = StatusCode::from_u16(100 + status % 900).unwrap_or(StatusCode::OK);
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    Response {
        service,
        action: "read the fuzzed answer".to_owned(),
        status,
        headers,
        body: body.to_vec(),
        ids: RequestIds {
            client_request_id: "00000000-0000-0000-0000-000000000001".to_owned(),
            request_id: None,
        },
    }
}

/// Checks an error the connector would show: short, and naming `service` when it came from an answer.
fn check(error: &Error, service: Option<Service>) {
    assert!(
        error.message().chars().count() <= MESSAGE_LIMIT,
        "a {}-character message",
        error.message().chars().count()
    );
    assert!(
        error
            .hint()
            .is_none_or(|h| h.chars().count() <= MESSAGE_LIMIT)
    );
    if let Some(answer) = error.service() {
        let json = serde_json::to_string(answer).expect("error.service serialises");
        assert!(
            json.chars().count() <= MESSAGE_LIMIT,
            "a {}-character error.service",
            json.chars().count()
        );
    }
    if let Some(service) = service {
        assert_eq!(
            error.service().map(|s| s.name),
            Some(service.name()),
            "the error does not name the service: {}",
            error.message()
        );
    }
}

fn context() -> SignInContext<'static> {
    SignInContext {
        cloud: "global",
        tenant: "organizations",
        client_id: CLIENT_ID,
    }
}

/// A token endpoint's answer (every grant: device code, authorization code, refresh token, client
/// credentials), then the ID token it carries, or the refusal's message.
pub fn token_answer(response: Response) {
    match token_outcome(response) {
        Ok(TokenOutcome::Issued(answer)) => {
            if let Some(id_token) = &answer.id_token {
                if let Err(error) = read_id_token(id_token, CLIENT_ID) {
                    check(&error, None);
                }
            }
            let _ = answer.access_token.needs_renewal(std::time::Instant::now());
        }
        Ok(TokenOutcome::Refused { entra, response }) => {
            let _ = entra.code();
            check(
                &sign_in_refused(&entra, response.details(), &context()),
                Some(Service::Entra),
            );
        }
        Err(error) => check(&error, Some(Service::Entra)),
    }
}

/// The device authorization endpoint's answer (the code an administrator types, or a refusal).
pub fn device_code(response: Response) {
    match device_authorization(&response, &context()) {
        Ok(authorization) => {
            assert!(authorization.expires_in <= 24 * 3600);
            assert!(authorization.interval.is_none_or(|i| i <= 300));
        }
        Err(error) => check(&error, Some(Service::Entra)),
    }
}

/// An Entra error body as any Entra answer carries it.
pub fn entra_error(response: Response) {
    if let Some(entra) = EntraError::parse(&response) {
        let _ = entra.summary();
        check(
            &sign_in_refused(&entra, response.details(), &context()),
            Some(Service::Entra),
        );
    }
}

/// An ID token as the token endpoint hands it over (any text).
pub fn id_token(token: &[u8]) {
    let token = Secret::new(String::from_utf8_lossy(token).into_owned());
    if let Err(error) = read_id_token(&token, CLIENT_ID) {
        check(&error, None);
    }
}

/// A Microsoft Graph answer to one request: its body, error envelope and the connector error it becomes.
pub fn graph_answer(response: Response) {
    match answer_of(&response) {
        Ok(answer) => {
            let _ = answer.graph_error();
            let _ = answer.values();
            let _ = (is_replication_lag(&answer), is_duplicate(&answer));
            if !answer.is_success() {
                check(&answer.failure(), Some(Service::Graph));
            }
        }
        Err(error) => check(&error, Some(Service::Graph)),
    }
}

/// A Microsoft Graph `$batch` answer to `items` requests (1..=20; each depends on the one before when
/// `chained`), read in retry round `round` of 3.
pub fn graph_batch(response: Response, items: u8, chained: bool, round: u8) {
    let items = 1 + usize::from(items) % crate::graph::MAX_BATCH;
    let requests: Vec<GraphRequest> = (0..items)
        .map(|i| {
            let request = GraphRequest::get(format!("/applications?i={i}"), "read an application");
            if chained && i > 0 {
                request.after(i - 1)
            } else {
                request
            }
        })
        .collect();
    let pending: Vec<usize> = (0..items).collect();
    let round = 1 + u32::from(round % 3);
    match sort_batch_round(&requests, &pending, &response, round, 3) {
        Ok(sorted) => {
            assert_eq!(
                sorted.answered.len() + sorted.again.len(),
                items,
                "every request is answered or sent again"
            );
            assert!(round < 3 || sorted.again.is_empty());
            for (_, answer) in &sorted.answered {
                if !answer.is_success() {
                    check(&answer.failure(), Some(Service::Graph));
                }
            }
        }
        Err(error) => check(&error, Some(Service::Graph)),
    }
}
