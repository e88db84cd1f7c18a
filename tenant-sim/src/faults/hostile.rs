//! Hostile answers: what a broken proxy, a captive portal or a misbehaving front end could send in place
//! of a service's answer. Each is one [`Fault`] variant; [`answer`] produces it.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};

use crate::faults::rules::Fault;

/// The most of a service's answer [`Fault::TruncatedJson`] reads before cutting it.
const MAX_TRUNCATED_BODY: usize = 16 * 1024 * 1024;
/// The size of the chunks of the streamed bodies.
const CHUNK: usize = 64 * 1024;
/// The pause between two chunks of the endless body (about 64 MB/s at most).
const ENDLESS_PAUSE: Duration = Duration::from_millis(1);
/// The JSON the padded and endless bodies open with.
const OPENING: &[u8] = b"{\"value\":[\"";
/// The JSON the padded body closes with.
const CLOSING: &[u8] = b"\"]}";

/// The hostile answer `fault` makes of `request` (handling it first where the fault says so).
pub(crate) async fn answer(fault: Fault, request: Request, next: Next) -> Response {
    match fault {
        Fault::TruncatedJson => truncated(next.run(request).await).await,
        Fault::WrongContentType => {
            let mut response = next.run(request).await;
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        Fault::Html { status } => html(status),
        Fault::OversizedBody { bytes } => json_stream(
            Body::new(PaddedBody {
                length: bytes,
                sent: 0,
            }),
            Some(bytes),
        ),
        Fault::EndlessBody => json_stream(
            Body::new(EndlessBody {
                started: false,
                pause: None,
            }),
            None,
        ),
        Fault::RedirectToOtherHost => redirect(&request),
        // The layer answers the others itself; reaching here would be a wiring mistake.
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The service's answer with the first half of its body (a 204's empty body becomes `{"` with 200).
async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_TRUNCATED_BODY)
        .await
        .unwrap_or_default();
    let cut = if bytes.len() < 2 {
        if matches!(
            parts.status,
            StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
        ) {
            parts.status = StatusCode::OK;
        }
        Bytes::from_static(b"{\"")
    } else {
        bytes.slice(..bytes.len() / 2)
    };
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .entry(CONTENT_TYPE)
        .or_insert(HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(cut))
}

/// An HTML page with `status`, as a captive portal or a proxy's error page answers.
fn html(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let page = "<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><h1>Sign in to the network</h1><p>This page stands where the service's JSON answer should be (tenant-sim, hostile answer).</p></body></html>";
    let mut response = (status, page).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// A 200 JSON answer with a streamed body (of `length` bytes when known).
fn json_stream(body: Body, length: Option<u64>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(length) = length {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

/// A 307 to the same path and query on the listener's other host name (`127.0.0.1` ↔ `localhost`).
fn redirect(request: &Request) -> Response {
    let authority = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => (host, Some(port)),
        _ => (authority.as_str(), None),
    };
    let other = if host.eq_ignore_ascii_case("localhost") {
        "127.0.0.1"
    } else {
        "localhost"
    };
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let location = match port {
        Some(port) => format!("https://{other}:{port}{path}"),
        None => format!("https://{other}{path}"),
    };
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// `{"value":["xxxx…"]}` of exactly `length` bytes (cut short, and so not JSON, below 14 bytes).
struct PaddedBody {
    length: u64,
    sent: u64,
}

impl PaddedBody {
    /// The byte at `offset` of the body.
    fn byte_at(&self, offset: u64) -> u8 {
        let opening = OPENING.len() as u64;
        let closing_start = self
            .length
            .saturating_sub(CLOSING.len() as u64)
            .max(opening);
        if offset < opening {
            OPENING[offset as usize]
        } else if offset >= closing_start {
            CLOSING[(offset - closing_start) as usize % CLOSING.len()]
        } else {
            b'x'
        }
    }
}

impl HttpBody for PaddedBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.sent >= self.length {
            return Poll::Ready(None);
        }
        let size = (self.length - self.sent).min(CHUNK as u64);
        let chunk: Vec<u8> = (self.sent..self.sent + size)
            .map(|offset| self.byte_at(offset))
            .collect();
        self.sent += size;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
    }

    fn is_end_stream(&self) -> bool {
        self.sent >= self.length
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.length - self.sent)
    }
}

/// `{"value":["` then `"x…x","x…x",…` forever, a chunk at a time with a short pause between chunks.
struct EndlessBody {
    started: bool,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl HttpBody for EndlessBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if !self.started {
            self.started = true;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(OPENING)))));
        }
        let pause = self
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(ENDLESS_PAUSE)));
        if pause.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.pause = None;
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() + 40 < CHUNK {
            chunk.extend_from_slice(b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"");
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
    }

    fn is_end_stream(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_padded_body_is_json_of_exactly_the_length_asked() {
        for length in [14_u64, 15, 100, 200_000] {
            let body = Body::new(PaddedBody { length, sent: 0 });
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            assert_eq!(bytes.len() as u64, length);
            let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            assert_eq!(value["value"].as_array().unwrap().len(), 1);
        }
        let short = Body::new(PaddedBody { length: 5, sent: 0 });
        let bytes = axum::body::to_bytes(short, usize::MAX).await.unwrap();
        assert_eq!(&bytes[..], b"{\"val");
    }
}
