//! The Graph router: `POST /v1.0/$batch` ([`crate::graph::batch_endpoint`]) and every other `/v1.0/…`
//! request ([`crate::graph::dispatch`]); a batch's items go through the same single-request router one
//! by one. Every answer is stamped with `request-id` and `client-request-id`.

use std::sync::Arc;

use axum::Router;
use axum::routing::any;

use crate::graph::batch_endpoint::batch_handler;
use crate::graph::dispatch::single_requests;
use crate::graph::error::request_ids_middleware;
use crate::state::TenantState;

/// The Graph service: `/v1.0/…` and `/v1.0/$batch`.
pub fn router(state: Arc<TenantState>) -> Router {
    let batch = Router::new()
        .route("/v1.0/$batch", any(batch_handler))
        .layer(axum::middleware::from_fn(request_ids_middleware))
        .with_state(Arc::clone(&state));
    batch.merge(single_requests(state))
}
