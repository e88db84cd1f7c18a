//! The correlation id of a sign-in request: the client's `client-request-id` when it sent one (as
//! Entra does), else a new GUID. It is echoed in the response headers and in every error body.

tokio::task_local! {
    /// The correlation id of the request being handled: the client's `client-request-id` when it sent
    /// one (as Entra does), else a new GUID.
    pub(crate) static CORRELATION_ID: String;
}

/// The middleware: echoes `client-request-id` and makes it the correlation id of any error body.
pub(crate) async fn correlate(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| uuid::Uuid::parse_str(v).is_ok())
        .map(str::to_owned);
    let correlation = client_request_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut response = CORRELATION_ID.scope(correlation, next.run(request)).await;
    if let Some(id) = client_request_id
        && let Ok(value) = axum::http::HeaderValue::from_str(&id)
    {
        response.headers_mut().insert("client-request-id", value);
    }
    if !response.headers().contains_key("x-ms-request-id")
        && let Ok(value) = axum::http::HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        response.headers_mut().insert("x-ms-request-id", value);
    }
    response
}
