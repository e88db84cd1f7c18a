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
//! | [`connections`] | the connection commands: `add-connection` (the wizard), `list`, `show`, `test`, `edit`, `remove`, `renew` |
//! | [`wizard`] | the Add connection wizard built from `describe`: steps, prompts, operations |
//! | [`description`], [`form`], [`values`], [`answers`], [`prompt`], [`terminal`] | what the wizard is built from: the description, field states and checks, the connection's values and secrets, answers from flags, the prompts, the narration |
//! | [`demo`] | `host-sim demo`: the wizard against tenant-sim started in-process (the one module that knows tenant-sim) |
//! | [`store`] | the connection store: connections, their settings and secrets in an owner-only SQLite database |
//! | [`exit`] | the exit codes and the failure that carries one |
//!
//! The binary only parses the command line.
#![deny(missing_docs)]

pub mod answers;
pub mod connections;
pub mod demo;
pub mod describe;
pub mod description;
pub mod exit;
pub mod form;
pub mod host;
pub mod plugin;
pub mod prompt;
pub mod report;
pub mod schema;
pub mod store;
pub mod terminal;
pub mod validate;
pub mod values;
pub mod wizard;
