//! host-sim: a command-line stand-in for the Synchronization Service Console. It loads a connector plugin
//! by path through the connector C ABI alone (it never links the connector) and shows what a console shows.
//!
//! | module | holds |
//! |---|---|
//! | [`plugin`] | the plugin loaded by path and its sessions, safe to use (its `loader` holds all of host-sim's `unsafe`) |
//! | [`host`] | what every command does around its operation: load, open a session that shows events, describe |
//! | [`schema`] | the settings schema of a `describe` document, read into types |
//! | [`report`] | the rendering of result documents: errors, field errors, what was done, warnings |
//! | [`describe`], [`validate`] | one module per command |
//! | [`store`] | the connection store: connections, their settings and secrets in an owner-only SQLite database |
//! | [`exit`] | the exit codes and the failure that carries one |
//!
//! The binary only parses the command line.
#![deny(missing_docs)]

pub mod describe;
pub mod exit;
pub mod host;
pub mod plugin;
pub mod report;
pub mod schema;
pub mod store;
pub mod validate;
