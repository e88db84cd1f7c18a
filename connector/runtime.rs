//! The plugin's own async runtime: started at the first network operation, stopped by `shutdown`.
//!
//! Operations are blocking calls of the C ABI. Each runs its future with [`block_on`] on the host's calling
//! thread, so events (which the ABI promises on that thread) are sent from there; the runtime's one worker
//! thread drives the HTTP connections the sessions keep open between calls. [`shutdown`] stops the runtime
//! and joins its threads, after which unloading the library is safe.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::{Error, ErrorKind};

/// The name of the runtime's threads (the panic hook knows them as the plugin's own).
pub const THREAD_NAME: &str = "m365-connector";

/// The runtime, once started; `None` before the first network call and after shutdown.
static RUNTIME: Mutex<Option<Runtime>> = Mutex::new(None);

/// How long `shutdown` waits for work still running on the runtime (there should be none: every operation
/// has returned by then).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A handle to the runtime, starting it when needed.
fn handle() -> Result<Handle, Error> {
    let mut runtime = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(runtime) = runtime.as_ref() {
        return Ok(runtime.handle().clone());
    }
    let started = Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4)
        .thread_name(THREAD_NAME)
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("The connector could not start its network runtime: {e}."),
            )
        })?;
    let handle = started.handle().clone();
    *runtime = Some(started);
    Ok(handle)
}

/// Runs a future to completion on the calling thread, with the plugin's runtime driving its I/O.
///
/// Must not be called from inside the runtime (operations are called by the host, never from a task).
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Error> {
    let handle = handle()?;
    Ok(handle.block_on(future))
}

/// Whether the runtime's threads are running (for tests and benchmarks that count threads).
pub fn is_running() -> bool {
    RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .is_some()
}

/// Stops the runtime and joins its threads. Later network operations are refused by the session before
/// they get here; calling this twice, or before the runtime started, does nothing.
pub fn shutdown() {
    let runtime = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    if let Some(runtime) = runtime {
        runtime.shutdown_timeout(SHUTDOWN_GRACE);
    }
}
