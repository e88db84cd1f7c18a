//! Microsoft Graph's error envelope and the errors the connector can meet.
//!
//! Graph answers every failure with one JSON shape
//! (<https://learn.microsoft.com/en-us/graph/errors>):
//!
//! ```json
//! {"error":{"code":"Request_ResourceNotFound","message":"…","details":[…],
//!           "innerError":{"date":"2025-02-13T10:17:06","request-id":"…","client-request-id":"…"}}}
//! ```
//!
//! [`GraphError`] carries the status, `code`, `message` and optional `details`; the ids and date of
//! `innerError` belong to the request, so they are added when the response is stamped
//! ([`RequestIds`], [`stamp_response`], [`request_ids_middleware`]). Handlers return
//! `Result<_, GraphError>`; the middleware fills `innerError` and the headers Graph sets on every answer.
//!
//! Each constructor names where its status, code and message come from. Where no public source gave the
//! exact wording, the comment says so ("wording is ours").

use std::borrow::Cow;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, STRICT_TRANSPORT_SECURITY};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;
use uuid::Uuid;

/// The `request-id` response header: Graph's id for this request.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
/// The `client-request-id` header: the caller's id, echoed back (or Graph's own id when none was sent).
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
/// The `x-ms-ags-diagnostic` header Graph adds to every response (which front end served it).
pub const AGS_DIAGNOSTIC: HeaderName = HeaderName::from_static("x-ms-ags-diagnostic");

/// The `Content-Type` of Graph's error bodies.
const ERROR_CONTENT_TYPE: &str = "application/json";

/// One entry of an error's `details` array, e.g. `{"code":"NoBackingApplicationObject","target":"appId"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail {
    /// A machine-readable code.
    pub code: String,
    /// The property or parameter the detail is about.
    pub target: Option<String>,
    /// A message, when Graph gives one.
    pub message: Option<String>,
}

/// A Microsoft Graph error: HTTP status, `code`, `message`, optional `details` and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct GraphError {
    status: StatusCode,
    code: Cow<'static, str>,
    message: String,
    details: Vec<ErrorDetail>,
    retry_after_secs: Option<u64>,
    /// Extra `innerError` members some errors carry (e.g. the throttling answer's `code` and `status`).
    inner_extra: Vec<(&'static str, &'static str)>,
}

impl GraphError {
    /// An error with any status, code and message (prefer the named constructors).
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            details: Vec::new(),
            retry_after_secs: None,
            inner_extra: Vec::new(),
        }
    }

    /// Adds a `details` entry.
    pub fn with_detail(mut self, code: impl Into<String>, target: Option<&str>) -> Self {
        self.details.push(ErrorDetail {
            code: code.into(),
            target: target.map(str::to_owned),
            message: None,
        });
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `error.code` value.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The `error.message` value.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `error.details` entries.
    pub fn details(&self) -> &[ErrorDetail] {
        &self.details
    }

    /// The `Retry-After` seconds (throttling only).
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }

    // ----- 404 -----

    /// 404 `Request_ResourceNotFound` for an object id (or alternate key) that does not exist, or not yet:
    /// Graph gives the same answer during replication lag.
    /// Wording: <https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/1107>
    pub fn resource_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    /// 404 `Directory_ObjectNotFound`: an object a write refers to (e.g. a grant's client or resource service
    /// principal) is not visible yet (`docs/microsoft-services.md`, "Replication lag"). The directory's
    /// generic wording for this code, as in
    /// <https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/multi-tenant-organization-configure-graph>.
    pub fn directory_object_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Directory_ObjectNotFound",
            "Unable to read the company information from the directory.",
        )
    }

    /// 501 `TenantSim_NotSimulated`: something Microsoft Graph serves (a path segment of its v1.0 model,
    /// a query option) that tenant-sim does not simulate. Code and wording are ours, so that it is never
    /// mistaken for an answer of Graph's.
    pub fn not_simulated(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "TenantSim_NotSimulated",
            format!(
                "tenant-sim does not simulate {what}. Microsoft Graph serves it; tenant-sim's README lists what is simulated."
            ),
        )
    }

    /// 400 `BadRequest` for a path segment Graph does not know, e.g. `/v1.0/applicatons`.
    pub fn unknown_segment(segment: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Resource not found for the segment '{segment}'."),
        )
    }

    // ----- 401 / 403 -----

    /// 401 `InvalidAuthenticationToken`: no bearer token at all.
    pub fn token_missing() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        )
    }

    /// 401 `InvalidAuthenticationToken`: the token's `exp` (or `nbf`) is out of range.
    /// Wording: <https://github.com/besscroft/diyfile/issues/1>
    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token has expired or is not yet valid.",
        )
    }

    /// 401 `InvalidAuthenticationToken`: the token is for another resource (e.g. Exchange Online).
    pub fn token_wrong_audience() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token validation failure. Invalid audience.",
        )
    }

    /// 401 `InvalidAuthenticationToken`: the token's signature or issuer does not validate.
    pub fn token_invalid() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token validation failure.",
        )
    }

    /// 401 `InvalidAuthenticationToken`: the bearer value is not a JWT at all.
    pub fn token_malformed() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "CompactToken parsing failed with error code: 80049217",
        )
    }

    /// 403 `Authorization_RequestDenied`: the token lacks the permission, or the signed-in user lacks the
    /// directory role. Wording: manicminer/hamilton, and
    /// <https://github.com/Azure/azure-powershell/issues/5460>
    pub fn insufficient_privileges() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    /// 403 `AccessDenied`: an app-only token carrying neither `scp` nor `roles`.
    /// Wording: <https://pnp.github.io/cli-microsoft365/user-guide/cli-certificate-caveats>
    pub fn no_scp_or_roles() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Either scp or roles claim need to be present in the token.",
        )
    }

    /// 400 `BadRequest`: `/me` called with an app-only token (observed: `docs/microsoft-services.md`,
    /// "Who may do what").
    pub fn me_requires_delegated() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "/me request is only valid with delegated authentication flow.",
        )
    }

    // ----- duplicates and conflicts -----

    /// 400 `Request_BadRequest`: the same directory role assignment already exists.
    /// Wording: manicminer/hamilton `odata/odata.go` (`ErrorConflictingObjectPresentInDirectory`).
    pub fn conflicting_object() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "A conflicting object with one or more of the specified property values is present in the directory.",
        )
    }

    /// 400 `Request_BadRequest`: the same app role assignment already exists (observed:
    /// `docs/microsoft-services.md`, "Graph errors").
    pub fn app_role_assignment_exists() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "Permission being assigned already exists on the object",
        )
    }

    /// 409 `Request_MultipleObjectsWithSameKeyValue`: a second delegated grant for the same client, resource
    /// and consent type. <https://github.com/hashicorp/terraform-provider-azuread/issues/690>
    pub fn permission_entry_exists() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "Request_MultipleObjectsWithSameKeyValue",
            "Permission entry already exists.",
        )
    }

    /// 400 `Request_BadRequest` with `details:[{code:"NoBackingApplicationObject",target:"appId"}]`: a
    /// service principal for an application that does not exist or has not replicated yet.
    /// Wording: <https://github.com/manicminer/hamilton> `odata/odata.go`
    /// (`ErrorServicePrincipalInvalidAppId`); see `docs/microsoft-services.md`, "Replication lag".
    pub fn no_backing_application(app_id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            format!("The appId '{app_id}' of the service principal does not reference a valid application object."),
        )
        .with_detail("NoBackingApplicationObject", Some("appId"))
    }

    // ----- bad requests -----

    /// 400 `Request_BadRequest` with a message of the caller's choosing (request body problems).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
    }

    /// 400 `BadRequest` with a message of the caller's choosing (protocol-level problems: `$batch`, paths).
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 400 `Request_UnsupportedQuery`, e.g. "Unsupported property filter clause operator 'NotEqualsMatch'."
    /// <https://github.com/Azure/logicapps/issues/283>
    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", message)
    }

    /// 400 `BadRequest` "Invalid filter clause…" for a `$filter` that does not parse.
    /// <https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/4133>
    pub fn invalid_filter(detail: &str) -> Self {
        let message = if detail.is_empty() {
            "Invalid filter clause".to_owned()
        } else {
            format!("Invalid filter clause: {detail}")
        };
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 400 `BadRequest` for a body that is not JSON, or is sent without a JSON `Content-Type`.
    pub fn unreadable_json() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )
    }

    /// 405 for a method a path does not support. Wording is ours.
    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Request_BadRequest",
            format!("The HTTP method '{method}' is not allowed for the requested resource."),
        )
    }

    // ----- throttling and faults -----

    /// 429 `TooManyRequests` with `Retry-After` in seconds, shaped like the sample in
    /// <https://learn.microsoft.com/en-us/graph/throttling> (whose `innerError` adds `code`, `message`, `status`).
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Please retry again later.",
        );
        error.retry_after_secs = Some(retry_after_secs);
        error.inner_extra = vec![
            ("code", "429"),
            ("message", "Please retry after"),
            ("status", "429"),
        ];
        error
    }

    /// 503 `serviceNotAvailable`, with `Retry-After` when given (Graph sends it on 503 too).
    pub fn service_unavailable(retry_after_secs: Option<u64>) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry later.",
        );
        error.retry_after_secs = retry_after_secs;
        error
    }

    /// 500 `UnknownError` for an injected server fault.
    pub fn internal_server_error() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "UnknownError", "")
    }

    /// 504 `gatewayTimeout` for an injected timeout.
    pub fn gateway_timeout() -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "gatewayTimeout",
            "The server, while acting as a proxy, did not receive a timely response from the upstream server it needed to access in attempting to complete the request.",
        )
    }

    /// 424 `FailedDependency` for a `$batch` item whose `dependsOn` item failed
    /// (<https://learn.microsoft.com/en-us/graph/json-batching>). Wording is ours.
    pub fn failed_dependency() -> Self {
        Self::new(
            StatusCode::FAILED_DEPENDENCY,
            "FailedDependency",
            "Failed dependency.",
        )
    }

    /// The JSON body for this error, with `innerError` made from `ids` and `date`.
    pub fn body(&self, ids: &RequestIds, date: OffsetDateTime) -> Value {
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "innerError": {
                "date": format_inner_date(date),
                "request-id": ids.request_id.to_string(),
                "client-request-id": ids.client_request_id(),
            }
        });
        for (name, value) in &self.inner_extra {
            error["innerError"][*name] = json!(value);
        }
        if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|detail| {
                    let mut entry = json!({ "code": detail.code });
                    if let Some(target) = &detail.target {
                        entry["target"] = json!(target);
                    }
                    if let Some(message) = &detail.message {
                        entry["message"] = json!(message);
                    }
                    entry
                })
                .collect();
            error["details"] = Value::Array(details);
        }
        json!({ "error": error })
    }

    /// The full HTTP response for this error: status, body, `Retry-After` and Graph's headers.
    pub fn to_response(&self, ids: &RequestIds, date: OffsetDateTime) -> Response {
        let body = serde_json::to_vec(&self.body(ids, date)).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ERROR_CONTENT_TYPE));
        if let Some(seconds) = self.retry_after_secs {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        ids.stamp_headers(headers);
        response
    }
}

/// Unstamped conversion: the body is complete except for `innerError`, which [`stamp_response`] (or the
/// middleware) fills from the request. The error travels in the response's extensions for that purpose.
impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let ids = RequestIds::generated();
        let mut response = self.to_response(&ids, OffsetDateTime::now_utc());
        response.extensions_mut().insert(self);
        response
    }
}

/// The two ids of one request: Graph's `request-id` and the caller's `client-request-id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestIds {
    /// Graph's id for this request (a new GUID per request).
    pub request_id: Uuid,
    /// The caller's `client-request-id`, when it sent one.
    pub client_request_id: Option<String>,
}

impl RequestIds {
    /// A fresh `request-id` and no client id.
    pub fn generated() -> Self {
        Self {
            request_id: Uuid::new_v4(),
            client_request_id: None,
        }
    }

    /// A fresh `request-id`, echoing the request's `client-request-id` header if it has a usable one.
    pub fn from_request_headers(headers: &HeaderMap) -> Self {
        let client_request_id = headers
            .get(&CLIENT_REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned);
        Self {
            request_id: Uuid::new_v4(),
            client_request_id,
        }
    }

    /// The `client-request-id` Graph reports: the caller's, else its own `request-id` (as Graph does when the
    /// caller sends none; see the bodies in <https://github.com/Azure/logicapps/issues/283>).
    pub fn client_request_id(&self) -> String {
        self.client_request_id
            .clone()
            .unwrap_or_else(|| self.request_id.to_string())
    }

    /// Sets the headers Graph puts on every response: `request-id`, `client-request-id`,
    /// `x-ms-ags-diagnostic`, `Strict-Transport-Security` and `Cache-Control`.
    pub fn stamp_headers(&self, headers: &mut HeaderMap) {
        if let Ok(value) = HeaderValue::from_str(&self.request_id.to_string()) {
            headers.insert(REQUEST_ID, value);
        }
        if let Ok(value) = HeaderValue::from_str(&self.client_request_id()) {
            headers.insert(CLIENT_REQUEST_ID, value);
        }
        headers.insert(
            AGS_DIAGNOSTIC,
            HeaderValue::from_static(
                r#"{"ServerInfo":{"DataCenter":"Local","Slice":"E","Ring":"1","ScaleUnit":"000","RoleInstance":"tenant-sim"}}"#,
            ),
        );
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
        headers
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
}

/// Stamps a response with this request's ids: headers always, and, when the response came from a
/// [`GraphError`], a body whose `innerError` carries the same ids.
pub fn stamp_response(response: Response, ids: &RequestIds, date: OffsetDateTime) -> Response {
    if let Some(error) = response.extensions().get::<GraphError>().cloned() {
        let mut stamped = error.to_response(ids, date);
        stamped.extensions_mut().insert(error);
        return stamped;
    }
    let mut response = response;
    ids.stamp_headers(response.headers_mut());
    response
}

/// An axum middleware (`axum::middleware::from_fn(request_ids_middleware)`) that gives each Graph request
/// its ids, makes them available to handlers as an extension, and stamps the response.
pub async fn request_ids_middleware(mut request: Request, next: Next) -> Response {
    let ids = RequestIds::from_request_headers(request.headers());
    request.extensions_mut().insert(ids.clone());
    let response = next.run(request).await;
    stamp_response(response, &ids, OffsetDateTime::now_utc())
}

/// `innerError.date` as Graph writes it: UTC, seconds, no offset (`2025-02-13T10:17:06`).
fn format_inner_date(date: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    date.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ids() -> RequestIds {
        RequestIds {
            request_id: Uuid::parse_str("0f32659a-5bfe-4a7a-a357-b3093816b9f9").unwrap(),
            client_request_id: Some("my-client-id".into()),
        }
    }

    #[test]
    fn not_found_body_has_graphs_shape_and_message() {
        let body = GraphError::resource_not_found("abc")
            .body(&ids(), datetime!(2025-02-13 10:17:06.5 UTC));
        assert_eq!(
            body,
            json!({"error":{
                "code":"Request_ResourceNotFound",
                "message":"Resource 'abc' does not exist or one of its queried reference-property objects are not present.",
                "innerError":{"date":"2025-02-13T10:17:06","request-id":"0f32659a-5bfe-4a7a-a357-b3093816b9f9","client-request-id":"my-client-id"}
            }})
        );
    }

    #[test]
    fn no_backing_application_carries_its_detail() {
        let error = GraphError::no_backing_application("11111111-1111-1111-1111-111111111111");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        let body = error.body(&ids(), datetime!(2025-01-01 0:00 UTC));
        assert_eq!(
            body["error"]["details"],
            json!([{"code":"NoBackingApplicationObject","target":"appId"}])
        );
        assert_eq!(
            body["error"]["message"],
            "The appId '11111111-1111-1111-1111-111111111111' of the service principal does not reference a valid application object."
        );
    }

    #[test]
    fn duplicate_statuses_differ_as_in_graph() {
        assert_eq!(
            GraphError::conflicting_object().status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            GraphError::app_role_assignment_exists().status(),
            StatusCode::BAD_REQUEST
        );
        let grant = GraphError::permission_entry_exists();
        assert_eq!(grant.status(), StatusCode::CONFLICT);
        assert_eq!(grant.code(), "Request_MultipleObjectsWithSameKeyValue");
    }

    #[test]
    fn auth_errors_have_distinct_messages() {
        let messages = [
            GraphError::token_missing(),
            GraphError::token_expired(),
            GraphError::token_wrong_audience(),
            GraphError::token_invalid(),
            GraphError::token_malformed(),
        ];
        for error in &messages {
            assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(error.code(), "InvalidAuthenticationToken");
        }
        let mut texts: Vec<&str> = messages.iter().map(GraphError::message).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), messages.len());
        assert_eq!(
            GraphError::no_scp_or_roles().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            GraphError::insufficient_privileges().code(),
            "Authorization_RequestDenied"
        );
    }

    #[test]
    fn throttling_body_matches_microsofts_sample() {
        let body =
            GraphError::too_many_requests(10).body(&ids(), datetime!(2020-08-18 12:51:51 UTC));
        assert_eq!(
            body,
            json!({"error":{
                "code":"TooManyRequests",
                "message":"Please retry again later.",
                "innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after",
                    "request-id":"0f32659a-5bfe-4a7a-a357-b3093816b9f9","client-request-id":"my-client-id","status":"429"}
            }})
        );
    }

    #[test]
    fn response_sets_status_headers_and_retry_after() {
        let response =
            GraphError::too_many_requests(7).to_response(&ids(), OffsetDateTime::now_utc());
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let headers = response.headers();
        assert_eq!(headers[RETRY_AFTER], "7");
        assert_eq!(headers[REQUEST_ID], "0f32659a-5bfe-4a7a-a357-b3093816b9f9");
        assert_eq!(headers[CLIENT_REQUEST_ID], "my-client-id");
        assert_eq!(headers[CONTENT_TYPE], "application/json");
        assert!(headers.contains_key(AGS_DIAGNOSTIC));
    }

    #[test]
    fn client_request_id_defaults_to_request_id() {
        let ids = RequestIds::from_request_headers(&HeaderMap::new());
        assert_eq!(ids.client_request_id(), ids.request_id.to_string());
        let mut headers = HeaderMap::new();
        headers.insert(CLIENT_REQUEST_ID, HeaderValue::from_static("  abc-123 "));
        assert_eq!(
            RequestIds::from_request_headers(&headers).client_request_id(),
            "abc-123"
        );
    }

    #[tokio::test]
    async fn stamping_rewrites_inner_error_with_the_requests_ids() {
        let response = GraphError::insufficient_privileges().into_response();
        let stamped = stamp_response(response, &ids(), datetime!(2025-02-13 10:17:06 UTC));
        assert_eq!(stamped.status(), StatusCode::FORBIDDEN);
        assert_eq!(stamped.headers()[CLIENT_REQUEST_ID], "my-client-id");
        let bytes = axum::body::to_bytes(stamped.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            body["error"]["innerError"]["client-request-id"],
            "my-client-id"
        );
        assert_eq!(
            body["error"]["innerError"]["request-id"],
            "0f32659a-5bfe-4a7a-a357-b3093816b9f9"
        );
        assert_eq!(
            body["error"]["message"],
            "Insufficient privileges to complete the operation."
        );
    }

    #[tokio::test]
    async fn middleware_echoes_client_request_id_on_success_and_error() {
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route("/ok", axum::routing::get(|| async { "fine" }))
            .route(
                "/missing",
                axum::routing::get(|| async { GraphError::resource_not_found("x") }),
            )
            .layer(axum::middleware::from_fn(request_ids_middleware));
        for path in ["/ok", "/missing"] {
            let request = axum::http::Request::builder()
                .uri(path)
                .header("client-request-id", "caller-42")
                .body(axum::body::Body::empty())
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.headers()[CLIENT_REQUEST_ID], "caller-42", "{path}");
            let request_id = response.headers()[REQUEST_ID].to_str().unwrap().to_owned();
            assert!(Uuid::parse_str(&request_id).is_ok());
            if path == "/missing" {
                assert_eq!(response.status(), StatusCode::NOT_FOUND);
                let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let body: Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(
                    body["error"]["innerError"]["request-id"],
                    request_id.as_str()
                );
                assert_eq!(
                    body["error"]["innerError"]["client-request-id"],
                    "caller-42"
                );
            }
        }
    }
}
