//! The connector's network layer: one HTTP client per session over rustls, the shared retry policy, and
//! the bounds a host sets in the session options. Every request to Entra ID, Microsoft Graph and Exchange
//! Online goes through [`client::HttpClient::send`].

pub mod client;
pub mod options;
pub mod retry;
pub mod service;

pub use crate::http::client::{Body, HttpClient, Request, RequestIds, Response, Trust};
pub use crate::http::options::{NetworkOptions, RetryOptions, SignInOptions};
pub use crate::http::service::Service;
