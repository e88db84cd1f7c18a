//! host-sim: a command-line stand-in for the Synchronization Service Console. It loads a connector plugin
//! by path through the connector C ABI alone (it never links the connector) and shows what a console shows.
//!
//! The library holds the safe loader ([`plugin`]), which is all of host-sim's `unsafe`, the readers and
//! renderers of the ABI's JSON documents, and one module per command (`describe`, `validate`); the binary
//! only parses the command line.
#![deny(missing_docs)]

pub mod describe;
pub mod exit;
pub mod host;
pub mod plugin;
pub mod report;
pub mod schema;
pub mod status;
pub mod store;
pub mod validate;
