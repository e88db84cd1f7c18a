//! The tenant's directory: organisation, users, directory roles, applications, service principals,
//! grants and assignments.
//!
//! Objects are kept in their Microsoft Graph JSON representation (one `serde_json::Map` each) so that
//! Graph can serve them, replace collections on PATCH and apply `$select` without a translation layer.
//! Private material that Graph never returns (client-secret hashes, certificate DER) lives in side tables
//! keyed by the credential's `keyId`. Every object records when it was created, for replication lag.

mod applications;
mod clients;
mod credentials;
mod grants;
pub mod ids;
mod organization;
pub mod permissions;
pub(crate) mod seed;
mod service_principals;
mod users;
pub mod well_known;

use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde_json::{Map, Value};
use time::OffsetDateTime;

pub use crate::directory::clients::ClientRegistration;
pub use crate::directory::credentials::{ClientCertificate, SecretCheck};
pub use crate::directory::grants::ConsentType;
pub use crate::directory::seed::{SeedOptions, SeededUser, SeededUsers};

/// One directory object: its Graph JSON and when it was created.
#[derive(Clone, Debug)]
pub struct DirectoryObject {
    /// The Graph JSON representation (`id` always present).
    pub json: Map<String, Value>,
    /// When the object was written, on tokio's clock (for simulated replication lag).
    pub created_at: tokio::time::Instant,
}

impl DirectoryObject {
    /// Wraps a Graph JSON object created now.
    pub fn new(json: Map<String, Value>) -> Self {
        DirectoryObject {
            json,
            created_at: tokio::time::Instant::now(),
        }
    }

    /// The object id (`id`).
    pub fn id(&self) -> &str {
        self.str("id").unwrap_or_default()
    }

    /// A string property, if present and a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.json.get(key).and_then(Value::as_str)
    }

    /// An array property, or an empty slice.
    pub fn array(&self, key: &str) -> &[Value] {
        self.json
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// A failed directory operation.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DirectoryError {
    /// The object does not exist.
    #[error("{kind} '{id}' does not exist")]
    NotFound {
        /// What was looked for (`application`, `servicePrincipal`…).
        kind: &'static str,
        /// The id or key that was looked for.
        id: String,
    },
    /// An equal object already exists.
    #[error("{0}")]
    Conflict(String),
    /// The input is not acceptable.
    #[error("{0}")]
    Invalid(String),
}

/// Private credential material kept out of the Graph representation.
#[derive(Default)]
pub struct CredentialStore {
    /// SHA-256 hashes of client secrets, by `passwordCredentials[].keyId`.
    pub secret_hashes: HashMap<String, [u8; 32]>,
    /// Certificate DER, by `keyCredentials[].keyId` (Graph's `key` is not stored in the JSON).
    pub certificates: HashMap<String, Vec<u8>>,
}

impl std::fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialStore")
            .field("secrets", &self.secret_hashes.len())
            .field("certificates", &self.certificates.len())
            .finish_non_exhaustive()
    }
}

/// All directory objects of the tenant.
#[derive(Debug)]
pub struct DirectoryData {
    /// The tenant id (a lowercase GUID).
    pub tenant_id: String,
    /// The organisation (`GET /organization`).
    pub organization: DirectoryObject,
    /// Directory role definitions (`unifiedRoleDefinition`), ids equal to template ids.
    pub role_definitions: Vec<DirectoryObject>,
    /// Users.
    pub users: Vec<DirectoryObject>,
    /// Applications registered in this tenant.
    pub applications: Vec<DirectoryObject>,
    /// Service principals (enterprise applications), including Microsoft's first-party ones.
    pub service_principals: Vec<DirectoryObject>,
    /// Active directory role assignments (`unifiedRoleAssignment`).
    pub role_assignments: Vec<DirectoryObject>,
    /// Eligible (PIM) role assignments (`unifiedRoleEligibilityScheduleInstance`).
    pub role_eligibilities: Vec<DirectoryObject>,
    /// App role assignments (application permissions granted).
    pub app_role_assignments: Vec<DirectoryObject>,
    /// Delegated permission grants (`oAuth2PermissionGrant`).
    pub oauth2_permission_grants: Vec<DirectoryObject>,
    /// Secret hashes and certificate DER.
    pub credentials: CredentialStore,
    /// Owners of applications: application object id (lowercase) → principal object ids (users or service
    /// principals). Graph keeps owners as a relationship, not a property, so they live beside the JSON.
    pub owners: HashMap<String, Vec<String>>,
    /// Scopes Microsoft's first-party clients are preauthorized for: client appId (lowercase) →
    /// resource appId (lowercase) → scope values. Entra grants them without a consent prompt and
    /// without any `oAuth2PermissionGrant` in the tenant.
    pub preauthorized: HashMap<String, HashMap<String, Vec<String>>>,
    /// When seeding finished: objects created until then have always existed and never lag.
    pub seeded_at: tokio::time::Instant,
}

impl DirectoryData {
    /// Whether `object` is visible to calls other than the one that created it, under replication lag
    /// `lag`: seeded objects always are, new ones once `lag` has passed since they were written.
    pub fn is_replicated(&self, object: &DirectoryObject, lag: Duration) -> bool {
        object.created_at <= self.seeded_at || object.created_at.elapsed() >= lag
    }

    /// Records `principal_id` as an owner of the application `application_id`.
    pub fn add_owner(&mut self, application_id: &str, principal_id: &str) {
        let owners = self
            .owners
            .entry(application_id.to_ascii_lowercase())
            .or_default();
        if !owners.iter().any(|o| o.eq_ignore_ascii_case(principal_id)) {
            owners.push(principal_id.to_ascii_lowercase());
        }
    }

    /// Preauthorizes the client `client_app_id` for `scopes` of the resource `resource_app_id`.
    pub fn preauthorize<'a>(
        &mut self,
        client_app_id: &str,
        resource_app_id: &str,
        scopes: impl IntoIterator<Item = &'a str>,
    ) {
        let granted = self
            .preauthorized
            .entry(client_app_id.to_ascii_lowercase())
            .or_default()
            .entry(resource_app_id.to_ascii_lowercase())
            .or_default();
        for scope in scopes {
            if !granted.iter().any(|g| g.eq_ignore_ascii_case(scope)) {
                granted.push(scope.to_owned());
            }
        }
    }

    /// The scopes of `resource_app_id` the client `client_app_id` is preauthorized for.
    pub fn preauthorized_scopes(&self, client_app_id: &str, resource_app_id: &str) -> Vec<String> {
        self.preauthorized
            .get(&client_app_id.to_ascii_lowercase())
            .and_then(|resources| resources.get(&resource_app_id.to_ascii_lowercase()))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether `principal_id` owns the application `application_id`.
    pub fn owns(&self, application_id: &str, principal_id: &str) -> bool {
        self.owners
            .get(&application_id.to_ascii_lowercase())
            .is_some_and(|owners| owners.iter().any(|o| o.eq_ignore_ascii_case(principal_id)))
    }
}

/// The directory of one tenant: shared, lock-protected state.
#[derive(Debug)]
pub struct Directory {
    data: RwLock<DirectoryData>,
}

impl Directory {
    /// Wraps directory data.
    pub fn new(data: DirectoryData) -> Self {
        Directory {
            data: RwLock::new(data),
        }
    }

    /// Locks the directory for reading. Never hold the guard across an `.await`.
    pub fn read(&self) -> RwLockReadGuard<'_, DirectoryData> {
        self.data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the directory for writing. Never hold the guard across an `.await`.
    pub fn write(&self) -> RwLockWriteGuard<'_, DirectoryData> {
        self.data
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A new random object id (a GUID, as [`crate::directory::ids::new_object_id`] makes them).
pub fn new_object_id() -> String {
    crate::directory::ids::new_object_id().to_string()
}

/// A timestamp as Graph writes them (`2025-02-13T10:17:06Z`).
pub fn graph_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Parses a Graph timestamp (RFC 3339).
pub fn parse_graph_timestamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Builds a JSON object from key/value pairs.
pub(crate) fn object(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
