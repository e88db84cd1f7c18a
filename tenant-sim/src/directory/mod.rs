//! The tenant's directory: organisation, users, directory roles, applications, service principals,
//! grants and assignments.
//!
//! Objects are kept in their Microsoft Graph JSON representation (one `serde_json::Map` each) so that
//! Graph can serve them, replace collections on PATCH and apply `$select` without a translation layer.
//! Private material that Graph never returns (client-secret hashes, certificate DER) lives in side tables
//! keyed by the credential's `keyId`. Every object records when it was created, for replication lag.

mod applications;
mod client_credentials;
mod clients;
mod consent_type;
mod credentials;
mod data;
mod error;
mod grants;
pub mod ids;
mod object;
mod organization;
pub mod permissions;
pub(crate) mod seed;
mod service_principals;
mod timestamps;
mod users;
pub mod well_known;

pub use crate::directory::client_credentials::{ClientCertificate, SecretCheck};
pub use crate::directory::clients::ClientRegistration;
pub use crate::directory::consent_type::ConsentType;
pub use crate::directory::data::{CredentialStore, Directory, DirectoryData};
pub use crate::directory::error::DirectoryError;
pub use crate::directory::object::{DirectoryObject, new_object_id};
pub use crate::directory::organization::VerifiedDomain;
pub use crate::directory::seed::{SeedOptions, SeededUser, SeededUsers};
pub use crate::directory::timestamps::{graph_timestamp, parse_graph_timestamp};
