//! A small Microsoft Graph v1.0 client on the session's HTTP client, with the signed-in administrator's
//! delegated token: single requests, and `$batch` (up to 20 requests in one round trip, `dependsOn`,
//! throttled items retried alone). <https://learn.microsoft.com/graph/json-batching>

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderName;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::auth::delegated::DelegatedTokens;
use crate::call::Call;
use crate::error::{Error, ServiceAnswer};
use crate::event::WaitReason;
use crate::graph::error::{GraphError, graph_failure};
use crate::http::retry::{backoff, parse_retry_after, wait};
use crate::http::{HttpClient, Request, Response, Service};

/// The most requests Graph takes in one `$batch`.
pub const MAX_BATCH: usize = 20;

/// One Graph request.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphRequest {
    /// The method.
    pub method: Method,
    /// The path under `/v1.0`, starting with `/`, with its query (values percent-encoded).
    pub path: String,
    /// The JSON body.
    pub body: Option<Value>,
    /// Extra headers (`Prefer`, `ConsistencyLevel`).
    pub headers: Vec<(&'static str, String)>,
    /// What the connector is doing, for messages: `create the service principal`.
    pub action: String,
    /// Inside a `$batch`: the indexes (in the same batch) of requests this one waits for.
    pub depends_on: Vec<usize>,
}

impl GraphRequest {
    /// A request.
    pub fn new(method: Method, path: impl Into<String>, action: impl Into<String>) -> GraphRequest {
        GraphRequest {
            method,
            path: path.into(),
            body: None,
            headers: Vec::new(),
            action: action.into(),
            depends_on: Vec::new(),
        }
    }

    /// A GET.
    pub fn get(path: impl Into<String>, action: impl Into<String>) -> GraphRequest {
        GraphRequest::new(Method::GET, path, action)
    }

    /// Adds a JSON body.
    pub fn body(mut self, body: Value) -> GraphRequest {
        self.body = Some(body);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> GraphRequest {
        self.headers.push((name, value.into()));
        self
    }

    /// Inside a `$batch`, waits for the request at `index` to succeed first.
    pub fn after(mut self, index: usize) -> GraphRequest {
        self.depends_on.push(index);
        self
    }
}

/// Graph's answer to one request (alone or inside a batch).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// The body (`null` when empty).
    pub body: Value,
    /// What the connector was doing, and the request's ids.
    pub details: ServiceAnswer,
}

impl GraphAnswer {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The error envelope, when the answer is a failure that has one.
    pub fn graph_error(&self) -> Option<GraphError> {
        (!self.is_success())
            .then(|| GraphError::from_body(&self.body))
            .flatten()
    }

    /// The connector error this failure is.
    pub fn failure(&self) -> Error {
        let action = self.details.action.clone().unwrap_or_default();
        graph_failure(self.status, &self.body, &action, self.details.clone())
    }

    /// The body of a success, or the failure's error.
    pub fn into_result(self) -> Result<Value, Error> {
        if self.is_success() {
            Ok(self.body)
        } else {
            Err(self.failure())
        }
    }

    /// The `value` array of a list answer (empty when absent).
    pub fn values(&self) -> &[Value] {
        self.body["value"].as_array().map_or(&[], Vec::as_slice)
    }
}

/// One answer inside a `$batch` response.
#[derive(Deserialize)]
struct BatchItemAnswer {
    id: String,
    status: u16,
    #[serde(default)]
    headers: Map<String, Value>,
    #[serde(default)]
    body: Value,
}

#[derive(Deserialize)]
struct BatchAnswer {
    responses: Vec<BatchItemAnswer>,
}

/// The Graph client of a signed-in session.
pub struct Graph<'a> {
    http: &'a HttpClient,
    base: String,
    tokens: &'a tokio::sync::Mutex<DelegatedTokens>,
}

impl<'a> Graph<'a> {
    /// A client of `base` (the cloud's Graph v1.0 URL, e.g. `https://graph.microsoft.com/v1.0`).
    pub fn new(
        http: &'a HttpClient,
        base: String,
        tokens: &'a tokio::sync::Mutex<DelegatedTokens>,
    ) -> Graph<'a> {
        Graph { http, base, tokens }
    }

    /// Sends one request with the administrator's token; an expired token (401) is renewed once.
    async fn send_raw(
        &self,
        call: &Call<'_>,
        build: impl Fn(&str) -> Request,
    ) -> Result<Response, Error> {
        let mut renewed = false;
        loop {
            let token = self
                .tokens
                .lock()
                .await
                .access_token(call, self.http)
                .await?;
            let response = self.http.send(call, &build(token.expose())).await?;
            if response.status.as_u16() == 401 && !renewed {
                renewed = true;
                self.tokens.lock().await.renew(call, self.http).await?;
                continue;
            }
            return Ok(response);
        }
    }

    /// Sends one request and returns Graph's answer, whatever its status. An answer Graph should have
    /// written as JSON but did not is a `SERVICE_ERROR`.
    pub async fn send(
        &self,
        call: &Call<'_>,
        request: &GraphRequest,
    ) -> Result<GraphAnswer, Error> {
        let url = format!("{}{}", self.base, request.path);
        let response = self
            .send_raw(call, |token| {
                let mut http = Request::new(
                    Service::Graph,
                    request.method.clone(),
                    url.clone(),
                    request.action.clone(),
                )
                .bearer(token);
                for (name, value) in &request.headers {
                    if let Ok(name) = HeaderName::try_from(name.to_ascii_lowercase()) {
                        http = http.header(name, value.clone());
                    }
                }
                if let Some(body) = &request.body {
                    http = http.json(body);
                }
                http
            })
            .await?;
        answer_of(&response)
    }

    /// Sends requests in `$batch`es of at most 20 and returns their answers in the order given. Items Graph
    /// throttled (429) or could not serve (500, 502, 503, 504) are sent again after their `Retry-After` (with the
    /// items that failed only because they depended on them), under the session's retry bound.
    pub async fn batch(
        &self,
        call: &Call<'_>,
        requests: &[GraphRequest],
    ) -> Result<Vec<GraphAnswer>, Error> {
        let mut answers: Vec<Option<GraphAnswer>> = vec![None; requests.len()];
        for start in (0..requests.len()).step_by(MAX_BATCH) {
            let end = (start + MAX_BATCH).min(requests.len());
            self.batch_chunk(call, requests, start..end, &mut answers)
                .await?;
        }
        Ok(answers
            .into_iter()
            .map(|a| a.expect("every item answered"))
            .collect())
    }

    async fn batch_chunk(
        &self,
        call: &Call<'_>,
        requests: &[GraphRequest],
        range: std::ops::Range<usize>,
        answers: &mut [Option<GraphAnswer>],
    ) -> Result<(), Error> {
        let retry = &self.http.options().retry;
        let mut pending: Vec<usize> = range.clone().collect();
        let mut round = 1;
        loop {
            let body = batch_body(requests, &pending);
            let action = batch_action(requests, &pending);
            let url = format!("{}/$batch", self.base);
            let response = self
                .send_raw(call, |token| {
                    Request::new(Service::Graph, Method::POST, url.clone(), action.clone())
                        .bearer(token)
                        .json(&body)
                })
                .await?;
            let BatchRound {
                answered,
                again,
                retry_after,
                details,
            } = sort_batch_round(requests, &pending, &response, round, retry.max_attempts)?;
            for (index, answer) in answered {
                answers[index] = Some(answer);
            }
            if again.is_empty() {
                return Ok(());
            }
            let delay = retry_after.unwrap_or_else(|| backoff(retry, round));
            if delay > Duration::from_millis(retry.max_delay_ms) {
                for &index in &again {
                    answers[index] = Some(GraphAnswer {
                        status: 429,
                        headers: HashMap::new(),
                        body: Value::Null,
                        details: ServiceAnswer {
                            action: Some(requests[index].action.clone()),
                            ..details.clone()
                        },
                    });
                }
                return Ok(());
            }
            let message = format!(
                "Microsoft Graph throttled or could not serve {} of the requests in a batch; sending them again in {:.1} s (attempt {} of {}).",
                again.len(),
                delay.as_secs_f64(),
                round + 1,
                retry.max_attempts
            );
            wait(
                call,
                WaitReason::Throttled,
                delay,
                round + 1,
                retry.max_attempts,
                message,
            )
            .await?;
            pending = again;
            round += 1;
        }
    }
}

/// One round of a `$batch` sorted out: the answers to keep, the items to send again (throttled, or
/// blocked by a throttled item they depend on), and how long Graph asked to wait before that.
pub(crate) struct BatchRound {
    /// The answers to keep, by the index of their request.
    pub answered: Vec<(usize, GraphAnswer)>,
    /// The indexes of the requests to send again.
    pub again: Vec<usize>,
    /// The longest `Retry-After` of the items to send again.
    pub retry_after: Option<Duration>,
    /// The `$batch` request's own ids.
    pub details: ServiceAnswer,
}

/// Reads a `$batch` answer to the `pending` requests (ids `index + 1`) in retry round `round` of at most
/// `max_attempts`. An answer that is not a readable `$batch` response, or lacks an item's response, is a
/// `SERVICE_ERROR`; a failed `$batch` request is its Graph error.
pub(crate) fn sort_batch_round(
    requests: &[GraphRequest],
    pending: &[usize],
    response: &Response,
    round: u32,
    max_attempts: u32,
) -> Result<BatchRound, Error> {
    let outer = answer_of(response)?;
    if !outer.is_success() {
        return Err(outer.failure());
    }
    let parsed: BatchAnswer = serde_json::from_value(outer.body.clone())
        .map_err(|_| response.unreadable("its $batch answer does not list the responses"))?;
    let mut by_id: HashMap<String, BatchItemAnswer> = parsed
        .responses
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut sorted = BatchRound {
        answered: Vec::new(),
        again: Vec::new(),
        retry_after: None,
        details: outer.details,
    };
    for &index in pending {
        let Some(item) = by_id.remove(&(index + 1).to_string()) else {
            return Err(response.unreadable(&format!(
                "its $batch answer has no response for request {}",
                index + 1
            )));
        };
        let headers: HashMap<String, String> = item
            .headers
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.to_ascii_lowercase(), v.to_owned())))
            .collect();
        let throttled = matches!(item.status, 429 | 500 | 502 | 503 | 504);
        let blocked = item.status == 424
            && requests[index]
                .depends_on
                .iter()
                .any(|d| sorted.again.contains(d));
        if (throttled || blocked) && round < max_attempts {
            if let Some(after) = headers
                .get("retry-after")
                .and_then(|v| parse_retry_after(v, OffsetDateTime::now_utc()))
            {
                sorted.retry_after = Some(sorted.retry_after.map_or(after, |r| r.max(after)));
            }
            sorted.again.push(index);
            continue;
        }
        let answer = GraphAnswer {
            status: item.status,
            headers,
            body: item.body,
            details: ServiceAnswer {
                action: Some(requests[index].action.clone()),
                http_status: Some(item.status),
                ..sorted.details.clone()
            },
        };
        sorted.answered.push((index, answer));
    }
    Ok(sorted)
}

/// The `$batch` body for the pending requests, ids `index + 1`; a dependency on a request that is no
/// longer pending (it already succeeded) is dropped.
fn batch_body(requests: &[GraphRequest], pending: &[usize]) -> Value {
    let items: Vec<Value> = pending
        .iter()
        .map(|&index| {
            let request = &requests[index];
            let mut item = json!({
                "id": (index + 1).to_string(),
                "method": request.method.as_str(),
                "url": request.path,
            });
            let mut headers = Map::new();
            for (name, value) in &request.headers {
                headers.insert((*name).to_owned(), Value::String(value.clone()));
            }
            if let Some(body) = &request.body {
                headers.insert(
                    "Content-Type".to_owned(),
                    Value::String("application/json".to_owned()),
                );
                item["body"] = body.clone();
            }
            if !headers.is_empty() {
                item["headers"] = Value::Object(headers);
            }
            let depends: Vec<Value> = request
                .depends_on
                .iter()
                .filter(|d| pending.contains(d))
                .map(|d| Value::String((d + 1).to_string()))
                .collect();
            if !depends.is_empty() {
                item["dependsOn"] = Value::Array(depends);
            }
            item
        })
        .collect();
    json!({ "requests": items })
}

/// What a batch does, for messages: its requests' actions.
fn batch_action(requests: &[GraphRequest], pending: &[usize]) -> String {
    let actions: Vec<&str> = pending
        .iter()
        .map(|&i| requests[i].action.as_str())
        .collect();
    match actions.as_slice() {
        [one] => (*one).to_owned(),
        many => format!("{} (in one batch)", many.join(", ")),
    }
}

/// Graph's answer from an HTTP response.
pub(crate) fn answer_of(response: &Response) -> Result<GraphAnswer, Error> {
    let body = if response.body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else if response.is_json() {
        response.json::<Value>()?
    } else if response.status.is_success() {
        return Err(response.unreadable("its answer was not JSON"));
    } else {
        Value::Null
    };
    let headers = response
        .headers
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_owned(), v.to_owned()))
        })
        .collect();
    Ok(GraphAnswer {
        status: response.status.as_u16(),
        headers,
        body,
        details: response.details(),
    })
}

#[cfg(test)]
mod tests {
    use super::{GraphRequest, batch_body, sort_batch_round};
    use crate::http::{RequestIds, Response, Service};
    use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
    use reqwest::{Method, StatusCode};
    use serde_json::json;

    fn batch_answer(body: serde_json::Value) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Response {
            service: Service::Graph,
            action: "assign the directory roles".to_owned(),
            status: StatusCode::OK,
            headers,
            body: body.to_string().into_bytes(),
            ids: RequestIds::default(),
        }
    }

    #[test]
    fn items_graph_could_not_serve_are_sent_again_until_the_last_round() {
        let requests: Vec<GraphRequest> = (0..3)
            .map(|i| GraphRequest::get(format!("/r{i}"), "assign a role"))
            .collect();
        let answer = batch_answer(json!({"responses": [
            {"id": "1", "status": 201, "body": {"id": "a"}},
            {"id": "2", "status": 500, "body": {"error": {"code": "UnknownError", "message": ""}}},
            {"id": "3", "status": 429, "headers": {"Retry-After": "2"}, "body": null}
        ]}));
        let first = sort_batch_round(&requests, &[0, 1, 2], &answer, 1, 3).unwrap();
        assert_eq!(first.answered.len(), 1);
        assert_eq!(first.again, [1, 2]);
        assert_eq!(first.retry_after, Some(std::time::Duration::from_secs(2)));
        let last = sort_batch_round(&requests, &[0, 1, 2], &answer, 3, 3).unwrap();
        assert!(
            last.again.is_empty(),
            "the last round keeps what Graph said"
        );
        assert_eq!(last.answered[1].1.status, 500);
        let short = batch_answer(json!({"responses": [{"id": "1", "status": 200}]}));
        let error = sort_batch_round(&requests, &[0, 1], &short, 1, 3)
            .err()
            .unwrap();
        assert!(
            error.message().contains("no response for request 2"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn batch_items_carry_bodies_headers_and_live_dependencies() {
        let requests = vec![
            GraphRequest::get("/organization", "read the organization"),
            GraphRequest::new(
                Method::PATCH,
                "/applications(uniqueName='k')",
                "create the application",
            )
            .body(json!({"displayName": "Sync"}))
            .header("Prefer", "create-if-missing")
            .after(0),
        ];
        let body = batch_body(&requests, &[0, 1]);
        assert_eq!(
            body,
            json!({"requests": [
                {"id": "1", "method": "GET", "url": "/organization"},
                {"id": "2", "method": "PATCH", "url": "/applications(uniqueName='k')",
                 "body": {"displayName": "Sync"},
                 "headers": {"Prefer": "create-if-missing", "Content-Type": "application/json"},
                 "dependsOn": ["1"]}
            ]})
        );
        // Once the first succeeded, the second goes alone, without the dependency.
        let alone = batch_body(&requests, &[1]);
        assert!(alone["requests"][0].get("dependsOn").is_none());
    }
}
