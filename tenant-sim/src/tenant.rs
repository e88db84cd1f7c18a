//! [`Tenant`]: start a simulated tenant on 127.0.0.1, reach its URLs, CA, directory, knobs and request
//! log, and stop it by dropping it.

use std::sync::Arc;

use tokio::task::JoinHandle;

use serde_json::Value;

use crate::directory::{Directory, DirectoryError, DirectoryObject, SeedOptions, SeededUsers};
use crate::error::StartError;
use crate::knobs::{KnobSettings, Knobs};
use crate::request_log::RequestLog;
use crate::server::Listeners;
use crate::state::TenantState;

/// How to start a tenant.
#[derive(Clone, Debug, Default)]
pub struct TenantOptions {
    /// What the directory is seeded with.
    pub seed: SeedOptions,
    /// The initial knob values.
    pub knobs: KnobSettings,
}

enum Runner {
    /// Tasks on the caller's runtime, aborted on drop.
    Tasks(Vec<JoinHandle<()>>),
    /// A thread running its own runtime, stopped and joined on drop.
    Thread {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

/// A running simulated Microsoft 365 tenant: Entra ID sign-in, Microsoft Graph and Exchange Online on
/// three HTTPS listeners. Dropping it stops every listener and connection.
pub struct Tenant {
    state: Arc<TenantState>,
    ca_pem: String,
    runner: Runner,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant")
            .field("tenant_id", &self.state.tenant_id)
            .field("urls", &self.state.urls)
            .finish_non_exhaustive()
    }
}

impl Tenant {
    /// Starts a tenant on the current tokio runtime.
    pub async fn start(options: TenantOptions) -> Result<Tenant, StartError> {
        let (data, users) = crate::directory::seed::seed(&options.seed)?;
        let tenant_id = data.tenant_id.clone();
        let initial_domain = data.initial_domain().to_owned();
        let tls = crate::tls::generate(data.organization_name())?;
        let signing_key = crate::tokens::SigningKey::generate()?;
        let listeners = Listeners::bind().await?;
        let urls = listeners.urls()?;
        let state = Arc::new(TenantState {
            tenant_id,
            initial_domain,
            urls,
            directory: Directory::new(data),
            knobs: Arc::new(Knobs::new(options.knobs)),
            request_log: RequestLog::default(),
            signing_key,
            users,
            sessions: Default::default(),
            issued: Default::default(),
        });
        let tasks = crate::server::spawn(&state, listeners, tls.server_config);
        Ok(Tenant {
            state,
            ca_pem: tls.ca_pem,
            runner: Runner::Tasks(tasks),
        })
    }

    /// Starts a tenant on a thread of its own with its own tokio runtime, for synchronous callers (a C
    /// host test, `host-sim demo`). Must not be called from inside an async context.
    pub fn start_blocking(options: TenantOptions) -> Result<Tenant, StartError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("tenant-sim".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(StartError::Runtime(error.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Tenant::start(options).await {
                        Ok(tenant) => {
                            let _ = ready_tx
                                .send(Ok((Arc::clone(&tenant.state), tenant.ca_pem.clone())));
                            let _ = stop_rx.await;
                            tenant.stop().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
                // Dropping the runtime (not `shutdown_background`) waits until its worker threads
                // have dropped every task, and with them every connection: when this thread ends,
                // nothing of the tenant is left open.
                drop(runtime);
            })
            .map_err(|e| StartError::Runtime(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok((state, ca_pem))) => Ok(Tenant {
                state,
                ca_pem,
                runner: Runner::Thread {
                    stop: Some(stop_tx),
                    thread: Some(thread),
                },
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(StartError::Runtime(
                    "the runtime thread exited before the tenant started".to_owned(),
                ))
            }
        }
    }

    /// Stops every listener and waits until they are closed (dropping a tenant started with
    /// [`Tenant::start`] aborts them without waiting; their sockets close at the runtime's next poll).
    pub async fn stop(mut self) {
        if let Runner::Tasks(tasks) = &mut self.runner {
            let tasks: Vec<JoinHandle<()>> = std::mem::take(tasks);
            for task in &tasks {
                task.abort();
            }
            for task in tasks {
                // An aborted task's handle resolves once the task (its listener and connections with
                // it) has been dropped.
                let _ = task.await;
            }
        }
    }

    /// The Entra ID sign-in base URL (`https://127.0.0.1:PORT`); tenants are paths below it.
    pub fn authority_url(&self) -> &str {
        &self.state.urls.authority
    }

    /// The authority for this tenant by id: `{authority_url}/{tenant_id}`.
    pub fn tenant_authority(&self) -> String {
        format!("{}/{}", self.state.urls.authority, self.state.tenant_id)
    }

    /// The Microsoft Graph base URL (`https://127.0.0.1:PORT`; Graph paths start `/v1.0/`).
    pub fn graph_url(&self) -> &str {
        &self.state.urls.graph
    }

    /// The Exchange Online base URL (`https://127.0.0.1:PORT`).
    pub fn exchange_url(&self) -> &str {
        &self.state.urls.exchange
    }

    /// The CA certificate (PEM) that signed the services' certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The tenant id (lowercase GUID).
    pub fn tenant_id(&self) -> &str {
        &self.state.tenant_id
    }

    /// The initial `*.onmicrosoft.com` domain.
    pub fn initial_domain(&self) -> &str {
        &self.state.initial_domain
    }

    /// The seeded users.
    pub fn users(&self) -> &SeededUsers {
        &self.state.users
    }

    /// Every access, ID and refresh token and client secret the tenant handed out so far: what a client must
    /// never log, send as an event or return (search for these values).
    pub fn issued_secrets(&self) -> Vec<String> {
        self.state.issued.all()
    }

    /// The shared state (for mounting services and for tests that need everything).
    pub fn state(&self) -> &Arc<TenantState> {
        &self.state
    }

    /// The directory.
    pub fn directory(&self) -> &Directory {
        &self.state.directory
    }

    /// The knobs.
    pub fn knobs(&self) -> &Knobs {
        &self.state.knobs
    }

    /// The request log of all three services.
    pub fn request_log(&self) -> &RequestLog {
        &self.state.request_log
    }

    /// The simulated user approves the device code with this user code (signing in as the
    /// `sign_in_user` knob's user). Returns false when no pending code has it.
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        crate::entra::device_code::approve(&self.state, user_code)
    }

    /// The simulated user refuses the device code with this user code. Returns false when no pending
    /// code has it.
    pub fn decline_device_code(&self, user_code: &str) -> bool {
        crate::entra::device_code::decline(&self.state, user_code)
    }

    /// Makes a device code expire now, as if its lifetime had passed. Returns false when unknown.
    pub fn expire_device_code(&self, user_code: &str) -> bool {
        crate::entra::device_code::expire(&self.state, user_code)
    }

    /// Makes every outstanding authorization code expire now, as if ten minutes had passed.
    pub fn expire_authorization_codes(&self) {
        crate::entra::authorize::expire_all(&self.state);
    }

    /// Deletes a principal's active assignment of a directory role (by template or definition id), as
    /// `DELETE /roleManagement/directory/roleAssignments/{id}` would. Tokens issued before keep their
    /// `wids`. Returns whether an assignment was removed.
    pub fn remove_role_assignment(&self, principal_id: &str, role_template_id: &str) -> bool {
        let mut data = self.state.directory.write();
        let Some(role_id) = data
            .role_definition(role_template_id)
            .map(|r| r.id().to_owned())
        else {
            return false;
        };
        let before = data.role_assignments.len();
        data.role_assignments.retain(|a| {
            !(same(a.str("principalId"), principal_id) && same(a.str("roleDefinitionId"), &role_id))
        });
        data.role_assignments.len() < before
    }

    /// Makes a principal's PIM-eligible directory role active, as a PIM activation does: an active
    /// assignment appears (the eligibility stays). Tokens issued afterwards carry the role in `wids`.
    /// Fails when the principal is not eligible for the role, or already holds it actively.
    pub fn activate_eligible_role(
        &self,
        principal_id: &str,
        role_template_id: &str,
    ) -> Result<DirectoryObject, DirectoryError> {
        let mut data = self.state.directory.write();
        let eligible = data
            .eligible_role_template_ids(principal_id)
            .iter()
            .any(|t| t.eq_ignore_ascii_case(role_template_id));
        if !eligible {
            return Err(DirectoryError::NotFound {
                kind: "roleEligibility",
                id: format!("{principal_id}/{role_template_id}"),
            });
        }
        data.assign_directory_role(principal_id, role_template_id)
    }

    /// Removes the assignment of an app role (application permission, e.g. `Exchange.ManageAsApp`'s id)
    /// to a service principal, as `DELETE /servicePrincipals/{id}/appRoleAssignedTo/{id}` would. Tokens
    /// issued before keep their `roles`. Returns whether one was removed.
    pub fn remove_app_role_assignment(&self, principal_id: &str, app_role_id: &str) -> bool {
        let mut data = self.state.directory.write();
        let before = data.app_role_assignments.len();
        data.app_role_assignments.retain(|a| {
            !(same(a.str("principalId"), principal_id) && same(a.str("appRoleId"), app_role_id))
        });
        data.app_role_assignments.len() < before
    }

    /// Removes every delegated permission grant (`oAuth2PermissionGrant`, any consent type) of a client
    /// service principal on a resource service principal. Returns how many were removed.
    pub fn remove_delegated_grants(&self, client_sp_id: &str, resource_sp_id: &str) -> usize {
        let mut data = self.state.directory.write();
        let before = data.oauth2_permission_grants.len();
        data.oauth2_permission_grants.retain(|g| {
            !(same(g.str("clientId"), client_sp_id) && same(g.str("resourceId"), resource_sp_id))
        });
        before - data.oauth2_permission_grants.len()
    }

    /// Expires every certificate credential (`keyCredentials`) of the application with this appId: its
    /// `endDateTime` moves to one day ago (and `startDateTime` before it), so Entra refuses client
    /// assertions signed with it. Returns how many were changed.
    pub fn expire_certificates(&self, app_id: &str) -> usize {
        self.expire_key_credentials(app_id, None)
    }

    /// Expires one certificate credential, by `keyId`, of the application with this appId. Returns
    /// whether it was found.
    pub fn expire_certificate(&self, app_id: &str, key_id: &str) -> bool {
        self.expire_key_credentials(app_id, Some(key_id)) > 0
    }

    fn expire_key_credentials(&self, app_id: &str, key_id: Option<&str>) -> usize {
        let now = time::OffsetDateTime::now_utc();
        let end = crate::directory::graph_timestamp(now - time::Duration::days(1));
        let start = crate::directory::graph_timestamp(now - time::Duration::days(366));
        let mut data = self.state.directory.write();
        let Some(app) = data
            .applications
            .iter_mut()
            .find(|a| same(a.str("appId"), app_id))
        else {
            return 0;
        };
        let Some(Value::Array(credentials)) = app.json.get_mut("keyCredentials") else {
            return 0;
        };
        let mut changed = 0;
        for credential in credentials.iter_mut().filter_map(Value::as_object_mut) {
            let chosen = key_id
                .is_none_or(|wanted| same(credential.get("keyId").and_then(Value::as_str), wanted));
            if chosen {
                credential.insert("endDateTime".to_owned(), Value::from(end.clone()));
                credential.insert("startDateTime".to_owned(), Value::from(start.clone()));
                changed += 1;
            }
        }
        changed
    }

    /// How many objects of each kind the directory holds now.
    pub fn object_counts(&self) -> ObjectCounts {
        let data = self.state.directory.read();
        ObjectCounts {
            users: data.users.len(),
            applications: data.applications.len(),
            service_principals: data.service_principals.len(),
            role_assignments: data.role_assignments.len(),
            role_eligibilities: data.role_eligibilities.len(),
            app_role_assignments: data.app_role_assignments.len(),
            oauth2_permission_grants: data.oauth2_permission_grants.len(),
        }
    }
}

/// How many objects of each kind a directory holds ([`Tenant::object_counts`]); compare two counts to
/// see what a run created or deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObjectCounts {
    /// Users.
    pub users: usize,
    /// Applications.
    pub applications: usize,
    /// Service principals (Microsoft's first-party ones included).
    pub service_principals: usize,
    /// Active directory role assignments.
    pub role_assignments: usize,
    /// Eligible (PIM) role assignments.
    pub role_eligibilities: usize,
    /// App role assignments (application permissions granted).
    pub app_role_assignments: usize,
    /// Delegated permission grants.
    pub oauth2_permission_grants: usize,
}

/// Whether an optional id equals another, ignoring ASCII case (GUIDs).
fn same(value: Option<&str>, wanted: &str) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case(wanted))
}

impl Drop for Tenant {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Tasks(tasks) => {
                for task in tasks.drain(..) {
                    task.abort();
                }
            }
            Runner::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}
