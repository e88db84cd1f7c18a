//! Microsoft Graph v1.0 (issue #4).

pub mod authz;
pub mod batch;
pub mod error;
pub mod ids;
pub mod odata;
pub mod schema;
