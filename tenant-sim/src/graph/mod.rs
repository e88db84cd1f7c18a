//! Microsoft Graph v1.0 (issue #4).

pub mod error;
pub mod ids;
pub mod schema;
