//! Microsoft Graph v1.0 as the connector uses it: a small client with the administrator's delegated token,
//! `$batch`, OData literals, and Graph's error envelope turned into connector errors.

pub mod client;
pub mod error;
pub mod odata;

pub use crate::graph::client::{Graph, GraphAnswer, GraphRequest, MAX_BATCH};
pub use crate::graph::error::GraphError;
