//! The loopback redirect listener of the browser flows (sign-in and admin consent): an HTTP listener on
//! `127.0.0.1` at a port chosen at run time, which waits for the one redirect that carries the answer,
//! checks its `state`, shows the browser a short page, and closes.
//!
//! Entra ID ignores the port of a loopback redirect URI registered as `http://localhost`
//! (<https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions>), so any free port
//! works with the sign-in client's registration. The HTTP side is hyper's server, already in the plugin
//! through its HTTP client.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// The answer a browser brought back: the redirect's query parameters (secret: it may hold a code).
pub struct Redirect {
    params: HashMap<String, Secret>,
}

impl std::fmt::Debug for Redirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.params.keys().collect();
        names.sort();
        f.debug_struct("Redirect").field("params", &names).finish()
    }
}

impl Redirect {
    /// A parameter's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(Secret::expose)
    }
}

/// What a redirect was expected to carry.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// `code` (or `error`): the sign-in.
    Code,
    /// `admin_consent` (or `error`): the admin consent.
    AdminConsent,
}

/// A listener waiting for one redirect.
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Binds `127.0.0.1` at a port the system chooses.
    pub async fn bind() -> Result<Loopback, Error> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            Error::new(
                ErrorKind::NetworkError,
                format!("The connector could not listen on 127.0.0.1 for the browser's answer: {e}."),
            )
            .with_hint("Check that loopback connections are allowed on this machine, or use the device code sign-in.")
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        Ok(Loopback { listener, port })
    }

    /// The redirect URI to register and send: `http://localhost:<port>`.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for the redirect carrying `state`, at most `timeout`, ending early on cancel. A redirect with
    /// another state is refused (the browser is told) and fails the wait: it did not come from this flow.
    /// The listener is closed when this returns.
    pub async fn wait(
        self,
        call: &Call<'_>,
        state: &str,
        expect: Expect,
        timeout: Duration,
    ) -> Result<Redirect, Error> {
        let (sender, mut receiver) = mpsc::channel::<Result<Redirect, Error>>(1);
        let expected = Arc::new(state.to_owned());
        let delivered = Arc::new(Mutex::new(false));
        let mut connections = JoinSet::new();
        let accept_and_wait = async {
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let sender = sender.clone();
                        let expected = expected.clone();
                        let delivered = delivered.clone();
                        connections.spawn(async move {
                            let service = service_fn(move |request: Request<Incoming>| {
                                let answer = answer(&request, &expected, expect);
                                let page = page(&answer, expect);
                                if let Some(result) = answer {
                                    let mut first = delivered.lock().unwrap_or_else(|p| p.into_inner());
                                    if !*first {
                                        *first = true;
                                        let _ = sender.try_send(result);
                                    }
                                }
                                async move { Ok::<_, Infallible>(page) }
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .keep_alive(false)
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                    received = receiver.recv() => {
                        if let Some(result) = received {
                            return result;
                        }
                    }
                }
            }
        };
        let result = tokio::select! {
            result = accept_and_wait => result,
            () = tokio::time::sleep(timeout) => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "The browser did not come back to the connector within {} minutes.",
                    (timeout.as_secs() / 60).max(1)
                ),
            )
            .with_hint("Run the step again and finish it in the browser that opens (or the URL shown).")),
            () = call.cancelled() => Err(call.cancelled_error()),
        };
        // Let the page of the redirect that decided reach the browser, then close everything.
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        connections.abort_all();
        drop(self.listener);
        result
    }
}

/// What one request to the listener decides: `None` for requests that carry no answer (a favicon, a
/// probe); otherwise the redirect, or the error of a redirect with the wrong state.
fn answer(
    request: &Request<Incoming>,
    expected_state: &str,
    expect: Expect,
) -> Option<Result<Redirect, Error>> {
    if request.uri().path() != "/" {
        return None;
    }
    let query = request.uri().query().unwrap_or("");
    let params: HashMap<String, Secret> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), Secret::new(value.into_owned())))
        .collect();
    let carries_answer = params.contains_key("error")
        || match expect {
            Expect::Code => params.contains_key("code"),
            Expect::AdminConsent => params.contains_key("admin_consent"),
        };
    if !carries_answer {
        return None;
    }
    let state_matches = params
        .get("state")
        .is_some_and(|s| constant_time_eq(s.expose().as_bytes(), expected_state.as_bytes()));
    if !state_matches {
        return Some(Err(Error::new(
            ErrorKind::SignInFailed,
            "The answer that reached the connector's loopback listener did not carry this sign-in's state, so it \
             was refused: it did not come from the sign-in the connector started.",
        )
        .with_hint("Run the step again, and use only the browser window the connector opened (or the URL it showed).")));
    }
    Some(Ok(Redirect { params }))
}

/// Compares two byte strings in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The page the browser shows.
fn page(answer: &Option<Result<Redirect, Error>>, expect: Expect) -> Response<Full<Bytes>> {
    let what = match expect {
        Expect::Code => "Sign-in",
        Expect::AdminConsent => "Admin consent",
    };
    let (status, title, text) = match answer {
        None => (StatusCode::NOT_FOUND, "Not found", "This address only receives the connector's sign-in answer.".to_owned()),
        Some(Err(_)) => (
            StatusCode::BAD_REQUEST,
            "Refused",
            "This answer did not come from the sign-in the connector started, so it was refused. Return to the \
             connector."
                .to_owned(),
        ),
        Some(Ok(redirect)) if redirect.get("error").is_some() => (
            StatusCode::OK,
            "Not completed",
            format!("{what} was not completed. Return to the connector to see why; you can close this window."),
        ),
        Some(Ok(_)) => (
            StatusCode::OK,
            "Done",
            format!("{what} finished. Return to the connector; you can close this window."),
        ),
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn state_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
