//! tenant-sim: an offline Microsoft 365 tenant over HTTPS, for tests, benchmarks and demos.
//!
//! [`Tenant::start`] binds three HTTPS listeners on `127.0.0.1:0` (Entra ID sign-in, Microsoft Graph,
//! Exchange Online) with a CA it generates, seeds a directory like a real tenant's, and stops on drop.
//! See the README for the knobs and the table of simulated behaviours and their sources.

#![warn(missing_docs)]

pub mod directory;
pub mod edm_binary;
pub mod entra;
mod error;
pub mod exchange;
pub mod faults;
pub mod graph;
pub mod issued;
pub mod knobs;
pub mod request_log;
mod server;
pub mod service;
pub mod state;
mod tenant;
mod tls;
pub mod tokens;

pub use crate::directory::{SeedOptions, SeededUser, SeededUsers};
pub use crate::error::StartError;
pub use crate::faults::{Fault, FaultRule, RateLimit};
pub use crate::knobs::{ConsentAnswer, DeviceCodeApproval, KnobSettings, Knobs, SignInRefusal};
pub use crate::request_log::{RequestLog, RequestLogEntry};
pub use crate::service::Service;
pub use crate::state::{ServiceUrls, TenantState};
pub use crate::tenant::{ObjectCounts, Tenant, TenantOptions};
pub use crate::tokens::{AccessClaims, IdClaims, TokenError};
