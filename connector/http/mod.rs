//! The connector's network layer: one HTTP client per session over rustls, the shared retry policy, and
//! the bounds a host sets in the session options. Every request to Entra ID, Microsoft Graph and Exchange
//! Online goes through [`client::HttpClient::send`].

pub mod client;
mod failure;
pub mod options;
pub mod request;
pub mod response;
pub mod retry;
pub mod service;

pub use crate::http::client::{HttpClient, Trust};
pub use crate::http::options::{NetworkOptions, RetryOptions, SignInOptions};
pub use crate::http::request::{Body, Request};
pub use crate::http::response::{RequestIds, Response};
pub use crate::http::service::Service;
