//! The Microsoft 365 connector plugin.
//!
//! The crate is a safe core, one module per concern, and a thin C boundary ([`ffi`]) that checks pointers,
//! converts strings, calls the core and maps its [`error::Error`] to a `connector_abi::ConnectorStatus`.
//! Only [`ffi`] contains `unsafe` code and knows the C types; the core never names a status. The C contract
//! is the `connector-abi` crate and the generated header `include/m365_connector.h`; the JSON documents are
//! described in `docs/abi.md`.
//!
//! Calls flow one way: [`ffi`] → [`session`] (one call at a time, cancellation, events) → the operation's
//! code ([`describe`], [`input`] and [`settings`] for `configure`; [`sign_in`], [`provision`], [`consent`]
//! and [`checks`] for the network operations) → [`graph`], [`exchange`], [`auth`], [`http`], [`cloud`],
//! [`certificate`]. Below the session, code sees a running call as a [`call::Call`]: it reports progress
//! through it ([`event`]) and returns an [`result::Outcome`] or an [`error::Error`]. [`operation`] names
//! the operations and wizard steps everything else refers to. `fuzzing` (built only by `cargo fuzz`, with
//! `--cfg fuzzing`) hands the fuzz targets in `fuzz/` the readers of service answers.
#![deny(missing_docs)]

pub mod auth;
pub mod call;
pub mod certificate;
pub mod checks;
pub mod cloud;
pub mod consent;
pub mod describe;
pub mod directory_roles;
pub mod error;
pub mod event;
pub mod exchange;
pub mod ffi;
#[cfg(fuzzing)]
pub mod fuzzing;
pub mod graph;
pub mod http;
pub mod input;
pub mod network;
pub mod operation;
pub mod provision;
pub mod result;
pub mod runtime;
pub mod secret;
pub mod session;
pub mod settings;
pub mod sign_in;
