//! A request to a Microsoft service as the connector's HTTP layer takes it: the service and what the
//! connector is doing (for messages), method, URL, headers, body and bearer token; secrets kept out of
//! `Debug` and wiped when dropped.

use reqwest::Method;
use reqwest::header::HeaderName;
use zeroize::Zeroizing;

use crate::http::service::Service;

/// A request body.
#[derive(Clone)]
pub enum Body {
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`; wiped from memory when dropped (it may carry a refresh token,
    /// a code verifier or a client assertion).
    Form(Zeroizing<String>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            Body::Form(_) => f.write_str("Form(<redacted>)"),
        }
    }
}

/// One request to a Microsoft service.
#[derive(Clone)]
pub struct Request {
    /// The service it goes to (for messages and `error.service.name`).
    pub service: Service,
    /// What the connector is doing, for messages: e.g. `read the organization`.
    pub action: String,
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Extra headers.
    pub headers: Vec<(HeaderName, String)>,
    /// The body, if any.
    pub body: Option<Body>,
    /// The access token sent as `Authorization: Bearer …`, if any.
    pub bearer: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("service", &self.service)
            .field("action", &self.action)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body", &self.body)
            .field("bearer", &self.bearer.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Request {
    /// A request without body or token.
    pub fn new(
        service: Service,
        method: Method,
        url: impl Into<String>,
        action: impl Into<String>,
    ) -> Request {
        Request {
            service,
            action: action.into(),
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            bearer: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &serde_json::Value) -> Request {
        self.body = Some(Body::Json(body.to_string().into_bytes()));
        self
    }

    /// Sets a form body from name/value pairs.
    pub fn form<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Request {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            form.append_pair(name, value);
        }
        self.body = Some(Body::Form(Zeroizing::new(form.finish())));
        self
    }

    /// Sends this access token.
    pub fn bearer(mut self, token: &str) -> Request {
        self.bearer = Some(Zeroizing::new(token.to_owned()));
        self
    }
}
