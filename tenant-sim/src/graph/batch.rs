//! JSON batching: `POST /v1.0/$batch` (<https://learn.microsoft.com/en-us/graph/json-batching>).
//!
//! [`BatchRequest::parse`] validates `{"requests":[…]}` as Graph does: at most [`MAX_REQUESTS`] items,
//! unique ids (compared without case, as Graph compares them:
//! <https://github.com/microsoftgraph/msgraph-sdk-javascript/issues/433>), a method, a relative url, a
//! `Content-Type` header with every body, and `dependsOn` naming other items of the batch. A bad batch is
//! one 400 for the whole request.
//!
//! [`run`] executes the items through any async executor (the wiring passes each item through the Graph
//! router), in an order that honours `dependsOn`; an item whose dependency failed is not executed and gets
//! 424 Failed Dependency. [`responses_body`] builds `{"responses":[{"id","status","headers","body"}]}`.
//! Throttling and other failures of one item stay inside that item's response: the batch itself is 200.

use std::collections::{BTreeMap, HashMap};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::graph::error::{GraphError, RequestIds};

/// The most requests one batch may hold.
pub const MAX_REQUESTS: usize = 20;

/// The largest item response body [`ItemOutcome::from_response`] reads (Graph caps a batch at 4 MB).
const MAX_ITEM_BODY: usize = 4 * 1024 * 1024;

/// Headers of the outer `$batch` request that every item inherits.
const INHERITED_HEADERS: &[&str] = &["authorization", "client-request-id", "consistencylevel"];

/// Item response headers worth reporting, as Graph names them in batch responses.
const REPORTED_HEADERS: &[&str] = &[
    "Cache-Control",
    "Content-Type",
    "ETag",
    "Location",
    "OData-Version",
    "Preference-Applied",
    "Retry-After",
];

/// One request of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchItem {
    /// The caller's id for this item.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The url relative to the version root, as sent (e.g. `/applications?$filter=…`).
    pub url: String,
    /// The item's headers, names as sent.
    pub headers: BTreeMap<String, String>,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// Ids of items that must succeed before this one runs.
    pub depends_on: Vec<String>,
}

impl BatchItem {
    /// The absolute path (and query) of this item under `version_root` (e.g. `/v1.0`), for the router.
    pub fn path_and_query(&self, version_root: &str) -> String {
        format!(
            "{}/{}",
            version_root.trim_end_matches('/'),
            self.url.trim_start_matches('/')
        )
    }

    /// The HTTP request for this item, to send through the Graph router: its method, `version_root` + url,
    /// its own headers, and the outer request's `Authorization`, `client-request-id` and `ConsistencyLevel`
    /// unless the item sets them. A method, url or header that HTTP cannot carry is a 400 for this item.
    pub fn to_http_request(
        &self,
        version_root: &str,
        outer: &HeaderMap,
    ) -> Result<Request<Body>, GraphError> {
        let invalid = |what: &str| {
            GraphError::invalid_request(format!("Request {} has an invalid {what}.", self.id))
        };
        let method = Method::from_bytes(self.method.as_bytes()).map_err(|_| invalid("method"))?;
        let mut builder = Request::builder()
            .method(method)
            .uri(encode_uri(&self.path_and_query(version_root)));
        let headers = builder.headers_mut().ok_or_else(|| invalid("url"))?;
        for (name, value) in &self.headers {
            let name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("header name"))?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid("header value"))?;
            headers.insert(name, value);
        }
        for name in INHERITED_HEADERS {
            if let Some(value) = outer.get(*name)
                && !headers.contains_key(*name)
            {
                headers.insert(HeaderName::from_static(name), value.clone());
            }
        }
        let body = match &self.body {
            Some(body) => Body::from(serde_json::to_vec(body).unwrap_or_default()),
            None => Body::empty(),
        };
        builder.body(body).map_err(|_| invalid("url"))
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A validated batch, items in the order sent.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRequest {
    /// The items.
    pub items: Vec<BatchItem>,
}

/// What executing one item produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemOutcome {
    /// The HTTP status.
    pub status: u16,
    /// Response headers worth reporting (e.g. `Content-Type`, `Retry-After`, `Location`).
    pub headers: BTreeMap<String, String>,
    /// The JSON body, if any (none for 204).
    pub body: Option<Value>,
}

impl ItemOutcome {
    /// The outcome of a [`GraphError`]: its status, `Content-Type` and `Retry-After`, and its body.
    pub fn from_error(error: &GraphError, ids: &RequestIds, date: OffsetDateTime) -> Self {
        let mut headers = BTreeMap::new();
        headers.insert("Content-Type".to_owned(), "application/json".to_owned());
        if let Some(seconds) = error.retry_after_secs() {
            headers.insert("Retry-After".to_owned(), seconds.to_string());
        }
        Self {
            status: error.status().as_u16(),
            headers,
            body: Some(error.body(ids, date)),
        }
    }

    /// The outcome of a response from the Graph router: status, the headers Graph reports per item, and the
    /// body (JSON when it is JSON, a string otherwise, absent when empty).
    pub async fn from_response(response: Response) -> Self {
        let status = response.status().as_u16();
        let mut headers = BTreeMap::new();
        for name in REPORTED_HEADERS {
            if let Some(value) = response
                .headers()
                .get(*name)
                .and_then(|value| value.to_str().ok())
            {
                headers.insert((*name).to_owned(), value.to_owned());
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), MAX_ITEM_BODY)
            .await
            .unwrap_or_default();
        let body =
            if bytes.is_empty() {
                None
            } else {
                Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                }))
            };
        Self {
            status,
            headers,
            body,
        }
    }

    fn succeeded(&self) -> bool {
        self.status < 400
    }
}

/// One entry of the batch response.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResponse {
    /// The item's id.
    pub id: String,
    /// What it produced.
    pub outcome: ItemOutcome,
}

impl BatchRequest {
    /// Parses and validates a `$batch` body.
    pub fn parse(body: &Value) -> Result<Self, GraphError> {
        let requests = body
            .as_object()
            .and_then(|object| object.get("requests"))
            .and_then(Value::as_array)
            // Wording is ours for the structural errors below; the rules are Microsoft's.
            .ok_or_else(|| GraphError::invalid_request("Invalid batch payload format."))?;
        if requests.is_empty() {
            return Err(GraphError::invalid_request(
                "Invalid batch payload format. The batch contains no requests.",
            ));
        }
        if requests.len() > MAX_REQUESTS {
            return Err(GraphError::invalid_request(format!(
                "The batch contains {} requests; at most {MAX_REQUESTS} requests are allowed in one batch.",
                requests.len()
            )));
        }
        let mut items: Vec<BatchItem> = Vec::with_capacity(requests.len());
        for (index, request) in requests.iter().enumerate() {
            let item = parse_item(index, request)?;
            if items
                .iter()
                .any(|known| known.id.eq_ignore_ascii_case(&item.id))
            {
                // <https://github.com/microsoftgraph/msgraph-sdk-java/issues/559>
                return Err(GraphError::invalid_request(format!(
                    "Request Id {} has to be unique in a batch.",
                    item.id
                )));
            }
            items.push(item);
        }
        for item in &items {
            for dependency in &item.depends_on {
                let known = items
                    .iter()
                    .any(|other| other.id.eq_ignore_ascii_case(dependency) && other.id != item.id);
                if !known {
                    return Err(GraphError::invalid_request(format!(
                        "Request {} depends on '{dependency}', which is not another request of this batch.",
                        item.id
                    )));
                }
            }
        }
        let batch = BatchRequest { items };
        batch.execution_order()?;
        Ok(batch)
    }

    /// Item indexes in an order where every item comes after its dependencies (ties keep the sent order).
    fn execution_order(&self) -> Result<Vec<usize>, GraphError> {
        let index_of: HashMap<String, usize> = self
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| (item.id.to_ascii_lowercase(), index))
            .collect();
        let mut done = vec![false; self.items.len()];
        let mut order = Vec::with_capacity(self.items.len());
        while order.len() < self.items.len() {
            let ready = (0..self.items.len()).find(|&index| {
                !done[index]
                    && self.items[index]
                        .depends_on
                        .iter()
                        .all(|dependency| done[index_of[&dependency.to_ascii_lowercase()]])
            });
            let Some(index) = ready else {
                return Err(GraphError::invalid_request(
                    "The dependsOn references of this batch form a cycle.",
                ));
            };
            done[index] = true;
            order.push(index);
        }
        Ok(order)
    }
}

fn parse_item(index: usize, request: &Value) -> Result<BatchItem, GraphError> {
    let Some(object) = request.as_object() else {
        return Err(GraphError::invalid_request(format!(
            "Invalid batch payload format. Request {index} is not a JSON object."
        )));
    };
    let field = |name: &str| -> Result<String, GraphError> {
        match object.get(name) {
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            _ => Err(GraphError::invalid_request(format!(
                "Invalid batch payload format. Request {index} has no '{name}' string."
            ))),
        }
    };
    let id = field("id")?;
    let method = field("method")?.to_ascii_uppercase();
    if !matches!(method.as_str(), "GET" | "POST" | "PATCH" | "PUT" | "DELETE") {
        return Err(GraphError::invalid_request(format!(
            "Request {id} has an invalid method '{method}'."
        )));
    }
    let url = field("url")?;
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        return Err(GraphError::invalid_request(format!(
            "Request {id} has an absolute url; batch urls are relative to the version root, e.g. '/applications'."
        )));
    }
    let headers = match object.get("headers") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(map)) => parse_headers(&id, map)?,
        Some(_) => {
            return Err(GraphError::invalid_request(format!(
                "Invalid batch payload format. The headers of request {id} are not a JSON object."
            )));
        }
    };
    let body = match object.get("body") {
        None | Some(Value::Null) => None,
        Some(body) => Some(body.clone()),
    };
    let has_content_type = headers
        .keys()
        .any(|name| name.eq_ignore_ascii_case("content-type"));
    let writes = matches!(method.as_str(), "POST" | "PATCH" | "PUT");
    if (body.is_some() && !has_content_type) || (writes && body.is_none()) {
        return Err(GraphError::invalid_request(format!(
            "Write request id : {id} does not contain Content-Type header or body."
        )));
    }
    let depends_on = match object.get("dependsOn") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|value| {
                value.as_str().map(str::to_owned).ok_or_else(|| {
                    GraphError::invalid_request(format!(
                        "Invalid batch payload format. The dependsOn of request {id} must list request ids."
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => {
            return Err(GraphError::invalid_request(format!(
                "Invalid batch payload format. The dependsOn of request {id} must be an array."
            )));
        }
    };
    Ok(BatchItem {
        id,
        method,
        url,
        headers,
        body,
        depends_on,
    })
}

/// Percent-encodes what a URI cannot hold as is (spaces and quotes in `$filter`), keeping what it can.
fn encode_uri(path_and_query: &str) -> String {
    let mut encoded = String::with_capacity(path_and_query.len());
    for byte in path_and_query.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&byte);
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn parse_headers(
    id: &str,
    map: &Map<String, Value>,
) -> Result<BTreeMap<String, String>, GraphError> {
    map.iter()
        .map(|(name, value)| match value {
            Value::String(text) => Ok((name.clone(), text.clone())),
            _ => Err(GraphError::invalid_request(format!(
                "Invalid batch payload format. Header '{name}' of request {id} is not a string."
            ))),
        })
        .collect()
}

/// Executes `batch` with `execute`, one item at a time in dependency order, and returns the responses in
/// the order the items were sent. An item whose dependency failed (status 400 or more, including 424) is
/// answered 424 without being executed.
pub async fn run<F, Fut>(batch: &BatchRequest, mut execute: F) -> Vec<ItemResponse>
where
    F: FnMut(BatchItem) -> Fut,
    Fut: Future<Output = ItemOutcome>,
{
    let order = batch
        .execution_order()
        .unwrap_or_else(|_| (0..batch.items.len()).collect());
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; batch.items.len()];
    for index in order {
        let item = &batch.items[index];
        let dependency_failed = item.depends_on.iter().any(|dependency| {
            batch
                .items
                .iter()
                .position(|other| other.id.eq_ignore_ascii_case(dependency))
                .and_then(|position| outcomes[position].as_ref())
                .is_none_or(|outcome| !outcome.succeeded())
        });
        let outcome = if dependency_failed {
            ItemOutcome::from_error(
                &GraphError::failed_dependency(),
                &RequestIds::generated(),
                OffsetDateTime::now_utc(),
            )
        } else {
            execute(item.clone()).await
        };
        outcomes[index] = Some(outcome);
    }
    batch
        .items
        .iter()
        .zip(outcomes)
        .map(|(item, outcome)| ItemResponse {
            id: item.id.clone(),
            outcome: outcome.expect("every item has run"),
        })
        .collect()
}

/// The `$batch` response body: `{"responses":[{"id","status","headers","body"}]}`.
pub fn responses_body(responses: &[ItemResponse]) -> Value {
    let entries: Vec<Value> = responses
        .iter()
        .map(|response| {
            let mut entry = json!({
                "id": response.id,
                "status": response.outcome.status,
                "headers": response.outcome.headers,
            });
            if let Some(body) = &response.outcome.body {
                entry["body"] = body.clone();
            }
            entry
        })
        .collect();
    json!({ "responses": entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn ok(status: u16, body: Value) -> ItemOutcome {
        let mut headers = BTreeMap::new();
        headers.insert("Content-Type".to_owned(), "application/json".to_owned());
        ItemOutcome {
            status,
            headers,
            body: Some(body),
        }
    }

    fn item(id: &str, url: &str) -> Value {
        json!({"id": id, "method": "GET", "url": url})
    }

    fn message(body: Value) -> String {
        let error = BatchRequest::parse(&body).expect_err("the batch should be refused");
        assert_eq!(error.status().as_u16(), 400);
        assert_eq!(error.code(), "BadRequest");
        error.message().to_owned()
    }

    #[test]
    fn a_valid_batch_parses() {
        let body = json!({"requests": [
            item("1", "/applications?$filter=appId eq 'x'"),
            {"id": "2", "method": "post", "url": "/servicePrincipals",
             "headers": {"Content-Type": "application/json"}, "body": {"appId": "x"}, "dependsOn": ["1"]}
        ]});
        let batch = BatchRequest::parse(&body).unwrap();
        assert_eq!(batch.items.len(), 2);
        assert_eq!(batch.items[1].method, "POST");
        assert_eq!(batch.items[1].depends_on, ["1"]);
        assert_eq!(
            batch.items[1].header("content-type"),
            Some("application/json")
        );
        assert_eq!(
            batch.items[0].path_and_query("/v1.0"),
            "/v1.0/applications?$filter=appId eq 'x'"
        );
        assert_eq!(
            BatchItem {
                url: "me".into(),
                ..batch.items[0].clone()
            }
            .path_and_query("/v1.0/"),
            "/v1.0/me"
        );
    }

    #[test]
    fn more_than_twenty_requests_are_refused() {
        let requests: Vec<Value> = (0..21).map(|n| item(&n.to_string(), "/me")).collect();
        assert!(message(json!({"requests": requests})).contains("at most 20 requests"));
        let twenty: Vec<Value> = (0..20).map(|n| item(&n.to_string(), "/me")).collect();
        assert!(BatchRequest::parse(&json!({"requests": twenty})).is_ok());
    }

    #[test]
    fn ids_must_be_unique_ignoring_case() {
        let body = json!({"requests": [item("a", "/me"), item("A", "/organization")]});
        assert_eq!(message(body), "Request Id A has to be unique in a batch.");
    }

    #[test]
    fn bodies_need_a_content_type_and_writes_need_a_body() {
        let body = json!({"requests": [{"id": "1", "method": "POST", "url": "/applications", "body": {"displayName": "x"}}]});
        assert_eq!(
            message(body),
            "Write request id : 1 does not contain Content-Type header or body."
        );
        let body = json!({"requests": [{"id": "2", "method": "PATCH", "url": "/applications/x",
            "headers": {"content-type": "application/json"}}]});
        assert_eq!(
            message(body),
            "Write request id : 2 does not contain Content-Type header or body."
        );
    }

    #[test]
    fn structure_method_url_and_dependencies_are_checked() {
        assert_eq!(
            message(json!({"request": []})),
            "Invalid batch payload format."
        );
        assert!(message(json!({"requests": []})).contains("no requests"));
        assert!(message(json!({"requests": [{"method": "GET", "url": "/me"}]})).contains("'id'"));
        assert!(
            message(json!({"requests": [{"id": "1", "method": "FETCH", "url": "/me"}]}))
                .contains("invalid method")
        );
        assert!(
            message(json!({"requests": [item("1", "https://graph.microsoft.com/v1.0/me")]}))
                .contains("absolute url")
        );
        let unknown =
            json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]});
        assert!(message(unknown).contains("depends on '9'"));
        let own =
            json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["1"]}]});
        assert!(message(own).contains("depends on '1'"));
        let cycle = json!({"requests": [
            {"id": "1", "method": "GET", "url": "/me", "dependsOn": ["2"]},
            {"id": "2", "method": "GET", "url": "/me", "dependsOn": ["1"]}
        ]});
        assert!(message(cycle).contains("cycle"));
    }

    #[tokio::test]
    async fn dependencies_run_first_and_failures_cascade_as_424() {
        let body = json!({"requests": [
            {"id": "c", "method": "GET", "url": "/third", "dependsOn": ["b"]},
            {"id": "b", "method": "GET", "url": "/fails", "dependsOn": ["a"]},
            item("a", "/first"),
            item("d", "/independent"),
            {"id": "e", "method": "GET", "url": "/after-a", "dependsOn": ["a"]}
        ]});
        let batch = BatchRequest::parse(&body).unwrap();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&calls);
        let responses = run(&batch, move |item| {
            let recorded = Arc::clone(&recorded);
            async move {
                recorded.lock().unwrap().push(item.url.clone());
                if item.url == "/fails" {
                    ItemOutcome::from_error(
                        &GraphError::resource_not_found("x"),
                        &RequestIds::generated(),
                        OffsetDateTime::now_utc(),
                    )
                } else {
                    ok(200, json!({"url": item.url}))
                }
            }
        })
        .await;
        assert_eq!(
            *calls.lock().unwrap(),
            ["/first", "/fails", "/independent", "/after-a"]
        );
        let statuses: Vec<(&str, u16)> = responses
            .iter()
            .map(|response| (response.id.as_str(), response.outcome.status))
            .collect();
        assert_eq!(
            statuses,
            [("c", 424), ("b", 404), ("a", 200), ("d", 200), ("e", 200)]
        );
        assert_eq!(
            responses[0].outcome.body.as_ref().unwrap()["error"]["code"],
            "FailedDependency"
        );
    }

    #[tokio::test]
    async fn items_run_through_a_router_with_the_outer_authorization() {
        use axum::extract::RawQuery;
        use axum::http::StatusCode;
        use axum::routing::get;
        use tower::ServiceExt;

        let router = axum::Router::new()
            .route(
                "/v1.0/applications",
                get(|headers: HeaderMap, RawQuery(query): RawQuery| async move {
                    axum::Json(json!({
                        "authorization": headers.get("authorization").and_then(|v| v.to_str().ok()),
                        "query": query,
                    }))
                })
                .post(|body: String| async move {
                    let mut response =
                        axum::response::IntoResponse::into_response((StatusCode::CREATED, body));
                    response.headers_mut().insert(
                        "Location",
                        HeaderValue::from_static("https://graph/v1.0/applications/1"),
                    );
                    response.headers_mut().insert(
                        "request-id",
                        HeaderValue::from_static("not reported per item"),
                    );
                    response
                }),
            )
            .route(
                "/v1.0/me",
                get(|| async { GraphError::insufficient_privileges() }),
            );
        let batch = BatchRequest::parse(&json!({"requests": [
            item("list", "/applications?$filter=displayName eq 'A b'"),
            {"id": "create", "method": "POST", "url": "applications",
             "headers": {"Content-Type": "application/json"}, "body": {"displayName": "x"}},
            item("me", "/me"),
            {"id": "after-me", "method": "GET", "url": "/applications", "dependsOn": ["me"]}
        ]}))
        .unwrap();
        let mut outer = HeaderMap::new();
        outer.insert("authorization", HeaderValue::from_static("Bearer abc"));
        let responses = run(&batch, |item| {
            let router = router.clone();
            let request = item.to_http_request("/v1.0", &outer);
            async move {
                match request {
                    Ok(request) => {
                        ItemOutcome::from_response(router.oneshot(request).await.unwrap()).await
                    }
                    Err(error) => ItemOutcome::from_error(
                        &error,
                        &RequestIds::generated(),
                        OffsetDateTime::now_utc(),
                    ),
                }
            }
        })
        .await;
        let list = &responses[0].outcome;
        assert_eq!(list.status, 200);
        assert_eq!(list.body.as_ref().unwrap()["authorization"], "Bearer abc");
        assert_eq!(
            list.body.as_ref().unwrap()["query"],
            "$filter=displayName%20eq%20'A%20b'"
        );
        let create = &responses[1].outcome;
        assert_eq!(create.status, 201);
        assert_eq!(
            create.headers["Location"],
            "https://graph/v1.0/applications/1"
        );
        assert!(!create.headers.contains_key("request-id"));
        assert_eq!(create.body, Some(json!({"displayName": "x"})));
        assert_eq!(responses[2].outcome.status, 403);
        assert_eq!(
            responses[2].outcome.body.as_ref().unwrap()["error"]["code"],
            "Authorization_RequestDenied"
        );
        assert_eq!(responses[3].outcome.status, 424);
    }

    #[tokio::test]
    async fn throttled_items_keep_their_status_inside_the_batch() {
        let batch = BatchRequest::parse(
            &json!({"requests": [item("1", "/applications"), item("2", "/me")]}),
        )
        .unwrap();
        let responses = run(&batch, |item| async move {
            if item.id == "1" {
                ItemOutcome::from_error(
                    &GraphError::too_many_requests(3),
                    &RequestIds::generated(),
                    OffsetDateTime::now_utc(),
                )
            } else {
                ItemOutcome {
                    status: 204,
                    headers: BTreeMap::new(),
                    body: None,
                }
            }
        })
        .await;
        let body = responses_body(&responses);
        assert_eq!(body["responses"][0]["id"], "1");
        assert_eq!(body["responses"][0]["status"], 429);
        assert_eq!(body["responses"][0]["headers"]["Retry-After"], "3");
        assert_eq!(
            body["responses"][0]["body"]["error"]["code"],
            "TooManyRequests"
        );
        assert_eq!(
            body["responses"][1],
            json!({"id": "2", "status": 204, "headers": {}})
        );
    }
}
