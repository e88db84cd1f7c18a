//! Injected faults as Microsoft Graph answers them: its error envelope
//! (<https://learn.microsoft.com/graph/errors>) and, when throttling, the headers of
//! <https://learn.microsoft.com/graph/throttling> (`Retry-After`, `x-ms-throttle-scope`,
//! `x-ms-throttle-information`, `x-ms-resource-unit`). The fault layer calls [`fault_answer`].

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use crate::faults::injector::FaultedRequest;
use crate::faults::rules::Fault;
use crate::graph::error::{GraphError, RequestIds};

/// The `x-ms-throttle-scope` header Graph sends with a 429.
const THROTTLE_SCOPE: HeaderName = HeaderName::from_static("x-ms-throttle-scope");
/// The `x-ms-throttle-information` header Graph sends with a 429.
const THROTTLE_INFORMATION: HeaderName = HeaderName::from_static("x-ms-throttle-information");
/// The `x-ms-resource-unit` header: the cost of the request in resource units.
const RESOURCE_UNIT: HeaderName = HeaderName::from_static("x-ms-resource-unit");

/// Graph's answer to `fault` for a request to the tenant `tenant_id`.
pub(crate) fn fault_answer(
    tenant_id: &str,
    request: &FaultedRequest<'_>,
    fault: Fault,
) -> Response {
    let error = graph_error(fault);
    let ids = RequestIds::from_request_headers(request.headers);
    let mut response = error.to_response(&ids, OffsetDateTime::now_utc());
    if matches!(fault, Fault::Throttle { .. }) {
        add_throttle_headers(
            response.headers_mut(),
            tenant_id,
            request.method,
            request.headers,
        );
    }
    response
}

/// The Graph error of a service fault.
pub(crate) fn graph_error(fault: Fault) -> GraphError {
    match fault {
        Fault::Throttle { retry_after_secs } => GraphError::too_many_requests(retry_after_secs),
        Fault::InternalServerError => GraphError::internal_server_error(),
        Fault::ServiceUnavailable { retry_after_secs } => {
            GraphError::service_unavailable(retry_after_secs)
        }
        _ => GraphError::gateway_timeout(),
    }
}

/// The throttling headers of a 429: identity and access throttling is per application and tenant, read
/// or write (<https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits>).
pub(crate) fn add_throttle_headers(
    headers: &mut HeaderMap,
    tenant_id: &str,
    method: &Method,
    request_headers: &HeaderMap,
) {
    let kind = if method == Method::GET || method == Method::HEAD {
        "Read"
    } else {
        "ReadWrite"
    };
    let app_id = bearer_app_id(request_headers).unwrap_or_else(|| "unknown".to_owned());
    let scope = format!("Tenant_Application/{kind}/{app_id}/{tenant_id}");
    if let Ok(value) = HeaderValue::from_str(&scope) {
        headers.insert(THROTTLE_SCOPE, value);
    }
    headers.insert(
        THROTTLE_INFORMATION,
        HeaderValue::from_static("ResourceUnitLimitExceeded"),
    );
    headers.insert(RESOURCE_UNIT, HeaderValue::from_static("1"));
}

/// The `appid` claim of the request's bearer token, read without verifying it (only to name the
/// throttling scope; the token is never logged).
fn bearer_app_id(headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    let app_id = claims.get("appid")?.as_str()?;
    uuid::Uuid::parse_str(app_id).ok().map(|id| id.to_string())
}
