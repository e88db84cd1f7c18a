//! Exchange Online (issue #4 mounts the admin API here). Until then every path answers a 404 in the
//! shape Exchange's REST endpoints use.

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::TenantState;

/// The Exchange Online router (placeholder).
pub fn router(state: Arc<TenantState>) -> Router {
    Router::new().fallback(not_found).with_state(state)
}

async fn not_found(uri: Uri) -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({
            "error": {
                "code": "NotFound",
                "message": format!("The requested resource '{}' was not found.", uri.path()),
            }
        })),
    )
        .into_response()
}
