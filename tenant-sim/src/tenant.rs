//! [`Tenant`]: start a simulated tenant on 127.0.0.1, reach its URLs, CA, directory, knobs and request
//! log, and stop it by dropping it.

use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::directory::{Directory, SeedOptions, SeededUsers};
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
            knobs: Knobs::new(options.knobs),
            request_log: RequestLog::default(),
            signing_key,
            users,
            sessions: Default::default(),
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
                            drop(tenant);
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
                runtime.shutdown_background();
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
