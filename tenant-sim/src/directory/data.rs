//! All directory objects of a tenant ([`DirectoryData`]), the private credential material kept beside
//! them, and the lock-protected [`Directory`] every service shares.

use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::directory::object::DirectoryObject;

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
