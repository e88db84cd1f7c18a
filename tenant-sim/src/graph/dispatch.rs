//! One Graph request (not a batch): read its body, authenticate it, build the [`GraphRequest`] and hand
//! it to [`crate::graph::paths`]. `$batch` items run through [`single_requests`] too.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::graph::error::{GraphError, request_ids_middleware};
use crate::graph::paths::route;
use crate::graph::request::{GraphRequest, authenticate};
use crate::state::TenantState;

/// The largest request body read (Graph refuses bodies over 4 MB).
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

/// The router of single requests: `/v1.0/…` and Graph's 404 outside it, every answer stamped with
/// `request-id` and `client-request-id`.
pub(crate) fn single_requests(state: Arc<TenantState>) -> Router {
    Router::new()
        .route("/v1.0/{*path}", any(dispatch))
        .fallback(outside_version)
        .layer(axum::middleware::from_fn(request_ids_middleware))
        .with_state(state)
}

/// A path outside `/v1.0`: Graph's 404 for a resource it does not know.
async fn outside_version(uri: Uri) -> Response {
    let segment = uri.path().rsplit('/').next().unwrap_or_default().to_owned();
    GraphError::new(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        format!("Resource not found for the segment '{segment}'."),
    )
    .into_response()
}

pub(crate) async fn dispatch(
    State(state): State<Arc<TenantState>>,
    Path(path): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return GraphError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request_EntityTooLarge",
                "The request body is too large.",
            )
            .into_response();
        }
    };
    let auth = match authenticate(&state, &parts.headers) {
        Ok(auth) => auth,
        Err(error) => return error.into_response(),
    };
    let request = GraphRequest {
        state,
        method: parts.method,
        segments: path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(str::to_owned)
            .collect(),
        raw_query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        auth,
    };
    route(&request).unwrap_or_else(IntoResponse::into_response)
}
