//! Graph's successful answers: the OData `Content-Type`, `OData-Version`, `204 No Content`, and the
//! `@odata.context` of collections and entities.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The service root Graph writes in `@odata.context`.
pub const GRAPH_V1_ROOT: &str = "https://graph.microsoft.com/v1.0";

/// The `Content-Type` Graph gives JSON answers (OData minimal metadata).
pub const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// A successful Graph answer with a JSON body: `status`, the OData `Content-Type` and `OData-Version: 4.0`.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    headers.insert(
        HeaderName::from_static("odata-version"),
        HeaderValue::from_static("4.0"),
    );
    response
}

/// `204 No Content`, Graph's answer to a successful `PATCH` or `DELETE`.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// `@odata.context` of a collection: `{root}/$metadata#applications` or, with `$select`,
/// `{root}/$metadata#applications(id,displayName)`.
pub fn collection_context(root: &str, context_path: &str, select: Option<&[String]>) -> String {
    match select {
        Some(select) => format!("{root}/$metadata#{context_path}({})", select.join(",")),
        None => format!("{root}/$metadata#{context_path}"),
    }
}

/// `@odata.context` of one entity: `{root}/$metadata#applications/$entity` or, with `$select`,
/// `{root}/$metadata#applications(id,displayName)/$entity`.
pub fn entity_context(root: &str, context_path: &str, select: Option<&[String]>) -> String {
    format!("{}/$entity", collection_context(root, context_path, select))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn json_responses_carry_odata_headers() {
        let response = json_response(StatusCode::CREATED, &json!({"id": "x"}));
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[CONTENT_TYPE], ODATA_JSON);
        assert_eq!(response.headers()["OData-Version"], "4.0");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&bytes).unwrap(),
            json!({"id": "x"})
        );
        assert_eq!(no_content().status(), StatusCode::NO_CONTENT);
    }
}
