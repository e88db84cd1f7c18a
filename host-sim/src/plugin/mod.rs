//! A connector plugin, opened by path through the C ABI and wrapped in a safe API.
//!
//! | part | holds |
//! |---|---|
//! | `library` | [`Plugin`]: one loaded library, shared by every handle of its file in the process |
//! | `loader` | opening and checking the library and its table, and every raw call: all of host-sim's `unsafe` |
//! | `session` | [`Session`]: the operations of one plugin session, each returning its status and document |
//! | `events` | the host's event closure, and what each event goes through before it reaches it |
//! | `error` | why loading, a call or a session failed |
//!
//! [`Plugin`] owns the loaded library. Every result document comes back copied into a
//! [`serde_json::Value`], already released with the plugin's `document_free`; every status as a
//! [`connector_abi::StatusCode`], which holds any value a plugin may return. One file loaded twice in a
//! process shares one library. The library is unloaded only after the plugin's `shutdown` returned, when
//! its last handle is dropped; when shutdown did not succeed the library stays loaded until the process
//! exits, because the plugin's threads may still run.

mod error;
mod events;
mod library;
mod loader;
mod session;

pub use crate::plugin::error::{CallError, LoadError, SessionError};
pub use crate::plugin::library::Plugin;
pub use crate::plugin::session::Session;
