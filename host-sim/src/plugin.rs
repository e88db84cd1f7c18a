//! The plugin loader: opens a connector plugin by path through the C ABI and wraps it in a safe API.
//!
//! This module holds all of host-sim's `unsafe` code. Everything it hands out is safe to use:
//! [`Plugin`] owns the loaded library and the function table resolved from it, [`Session`] owns one plugin
//! session (freed on drop) and the event closure the plugin calls back, and every operation returns its
//! status with the result document already copied into a [`serde_json::Value`] and released with the
//! plugin's `document_free`.
//!
//! The loading sequence follows the contract in `connector-abi`: version query first (another major version
//! is refused), entry resolved and called once, the table's size and major version checked, every function
//! pointer checked for NULL. One file loaded twice in a process shares one library. The library is unloaded
//! only after the plugin's `shutdown` returned, when its last handle is dropped; when shutdown did
//! not succeed the library stays loaded until the process exits, because the plugin's threads may still run.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::fmt;
use std::marker::PhantomData;
use std::mem::size_of;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use connector_abi::{
    CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR, CONNECTOR_ABI_VERSION_SYMBOL,
    CONNECTOR_ENTRY_SYMBOL, ConnectorAbiVersionFn, ConnectorApi, ConnectorEntryFn,
    ConnectorEventFn, ConnectorSession, ConnectorStatus, abi_version_major, abi_version_minor,
};
use serde_json::Value;

use crate::status::Status;

// The table's functions as this host calls them: identical to the contract's types except that each status
// comes back as a plain `u32`. A plugin may return a status value this host does not know yet (a later minor
// version may add some); reading it into `ConnectorStatus` would be undefined behaviour, reading a `u32` is not.
type RawSessionNewFn = unsafe extern "C" fn(
    options_json: *const c_char,
    event_cb: Option<ConnectorEventFn>,
    user_data: *mut c_void,
    session_out: *mut *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> u32;
type RawSessionFreeFn = unsafe extern "C" fn(session: *mut ConnectorSession);
type RawQueryFn =
    unsafe extern "C" fn(session: *mut ConnectorSession, result_out: *mut *mut c_char) -> u32;
type RawOperationFn = unsafe extern "C" fn(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> u32;
type RawCancelFn = unsafe extern "C" fn(session: *mut ConnectorSession) -> u32;
type RawShutdownFn = unsafe extern "C" fn() -> u32;
type RawDocumentFreeFn = unsafe extern "C" fn(document: *mut c_char);

/// Why a plugin could not be loaded. Each message names the plugin file and says what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path does not name an existing file.
    #[error("plugin {}: no such file", .path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The operating system could not load the file as a shared library.
    #[error("plugin {}: cannot be loaded as a shared library: {reason}", .path.display())]
    NotALibrary {
        /// The path given.
        path: PathBuf,
        /// The loader's explanation.
        reason: String,
    },
    /// The library loaded but does not export the connector version query.
    #[error(
        "{} is not a connector plugin: it does not export `{symbol}`",
        .path.display()
    )]
    NotAConnector {
        /// The path given.
        path: PathBuf,
        /// The symbol that is missing.
        symbol: &'static str,
    },
    /// The plugin speaks another major version of the ABI.
    #[error(
        "plugin {} speaks connector ABI {major}.{minor}; this host speaks {host_major}.x",
        .path.display(),
        host_major = CONNECTOR_ABI_VERSION_MAJOR
    )]
    AbiMismatch {
        /// The path given.
        path: PathBuf,
        /// The plugin's ABI major version.
        major: u16,
        /// The plugin's ABI minor version.
        minor: u16,
    },
    /// The plugin exports the version query but its function table is missing or malformed.
    #[error("plugin {}: {problem}", .path.display())]
    BadTable {
        /// The path given.
        path: PathBuf,
        /// What is wrong with the table.
        problem: String,
    },
}

/// Why an operation call could not produce a result document.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// An input document contained a NUL byte, which a C string cannot carry.
    #[error("the {operation} input contains a NUL byte")]
    NulInInput {
        /// The operation called.
        operation: &'static str,
    },
    /// The plugin returned a status but no result document.
    #[error("the plugin returned {status} from {operation} without a result document")]
    NoDocument {
        /// The operation called.
        operation: &'static str,
        /// The status it returned.
        status: Status,
    },
    /// The plugin returned a result document that is not UTF-8 JSON.
    #[error(
        "the plugin returned {status} from {operation} with a result document that is not JSON: {reason}"
    )]
    BadDocument {
        /// The operation called.
        operation: &'static str,
        /// The status it returned.
        status: Status,
        /// What is wrong with the document.
        reason: String,
    },
}

/// The functions of the table, resolved once at load time.
#[derive(Clone, Copy)]
struct Table {
    session_new: RawSessionNewFn,
    session_free: RawSessionFreeFn,
    describe: RawQueryFn,
    configure: RawOperationFn,
    authenticate: RawOperationFn,
    provision: RawOperationFn,
    consent: RawOperationFn,
    test: RawOperationFn,
    remove: RawOperationFn,
    cancel: RawCancelFn,
    shutdown: RawShutdownFn,
    document_free: RawDocumentFreeFn,
}

/// A loaded connector plugin. Every `Plugin` of one file in a process shares one loaded library (a plugin's
/// state is per process, whatever the number of handles): when the last of them is dropped, the plugin's
/// `shutdown` is called (unless [`Plugin::shutdown`] was called already) and the library is unloaded, or left
/// loaded when shutdown did not succeed.
pub struct Plugin {
    path: PathBuf,
    loaded: Arc<Loaded>,
}

/// One library loaded and checked, shared by the `Plugin`s of its file.
struct Loaded {
    abi_major: u16,
    abi_minor: u16,
    table: Table,
    shut_down: Mutex<Option<Status>>,
    // `None` only while dropping.
    library: Option<libloading::Library>,
}

/// The libraries this process loaded, by canonical path, so that a second `Plugin::load` of one file shares
/// the first's library instead of shutting it down under the first when it is dropped.
static LOADED: Mutex<Vec<(PathBuf, Weak<Loaded>)>> = Mutex::new(Vec::new());

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.path)
            .field("abi_major", &self.loaded.abi_major)
            .field("abi_minor", &self.loaded.abi_minor)
            .finish_non_exhaustive()
    }
}

/// Reads one function pointer out of the plugin's table, refusing NULL.
///
/// # Safety
/// `field` must point to a readable, pointer-sized, pointer-aligned field of a live `ConnectorApi` whose
/// contract type is a function pointer with the same parameters as `F` and a `#[repr(u32)]` return type
/// where `F` returns `u32`.
unsafe fn read_entry<F: Copy>(field: *const F, name: &str, path: &Path) -> Result<F, LoadError> {
    // SAFETY: the caller guarantees `field` is readable. Reading it as `Option<F>` (which has the niche
    // NULL = None for function pointers) rather than as `F` keeps a NULL entry from being undefined behaviour.
    let entry = unsafe { field.cast::<Option<F>>().read() };
    entry.ok_or_else(|| LoadError::BadTable {
        path: path.to_path_buf(),
        problem: format!("its function table has no `{name}` (NULL)"),
    })
}

impl Plugin {
    /// Loads the connector plugin at `path`: checks its ABI version and function table and resolves every
    /// function once. A file this process already loaded (and still holds) is shared, not loaded again.
    pub fn load(path: impl AsRef<Path>) -> Result<Plugin, LoadError> {
        let given = path.as_ref().to_path_buf();
        if !given.is_file() {
            return Err(LoadError::NotFound { path: given });
        }
        // An absolute path, so that the dynamic loader never searches its library path for a bare name.
        let absolute = given.canonicalize().map_err(|_| LoadError::NotFound {
            path: given.clone(),
        })?;
        let mut registry = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
        registry.retain(|(_, loaded)| loaded.strong_count() > 0);
        if let Some(loaded) = registry
            .iter()
            .find(|(path, _)| *path == absolute)
            .and_then(|(_, loaded)| loaded.upgrade())
        {
            return Ok(Plugin {
                path: given,
                loaded,
            });
        }
        let loaded = Arc::new(Loaded::open(&given, &absolute)?);
        registry.push((absolute, Arc::downgrade(&loaded)));
        Ok(Plugin {
            path: given,
            loaded,
        })
    }
}

impl Loaded {
    /// Opens and checks the library at `absolute`; errors name the path as the user gave it.
    fn open(given: &Path, absolute: &Path) -> Result<Loaded, LoadError> {
        let given = given.to_path_buf();

        // SAFETY: loading a shared library runs its initialisers. host-sim exists to load connector plugins
        // chosen by its user; a plugin's initialisers are trusted as much as the plugin's functions are.
        let library = unsafe { libloading::Library::new(absolute) }.map_err(|error| {
            LoadError::NotALibrary {
                path: given.clone(),
                // libloading's own message is only "dlopen failed"; the loader's reason is its source.
                reason: std::error::Error::source(&error)
                    .map_or_else(|| error.to_string(), ToString::to_string),
            }
        })?;

        // SAFETY: the symbol's type is the contract's `uint32_t connector_abi_version(void)`. A library that
        // exports the name with another type is not a connector; nothing can detect that case.
        let version_fn = unsafe {
            library.get::<ConnectorAbiVersionFn>(CONNECTOR_ABI_VERSION_SYMBOL.as_bytes())
        }
        .map_err(|_| LoadError::NotAConnector {
            path: given.clone(),
            symbol: CONNECTOR_ABI_VERSION_SYMBOL,
        })?;
        // SAFETY: the version query takes no arguments and may be called before anything else.
        let packed = unsafe { version_fn() };
        let (major, minor) = (abi_version_major(packed), abi_version_minor(packed));
        if major != CONNECTOR_ABI_VERSION_MAJOR {
            return Err(LoadError::AbiMismatch {
                path: given,
                major,
                minor,
            });
        }

        // SAFETY: the symbol's type is the contract's `const ConnectorApi *connector_entry(void)`.
        let entry_fn = unsafe {
            library.get::<ConnectorEntryFn>(CONNECTOR_ENTRY_SYMBOL.as_bytes())
        }
        .map_err(|_| LoadError::BadTable {
            path: given.clone(),
            problem: format!(
                "it exports `{CONNECTOR_ABI_VERSION_SYMBOL}` but not `{CONNECTOR_ENTRY_SYMBOL}`"
            ),
        })?;
        // SAFETY: the entry takes no arguments; the ABI major version was checked above.
        let api: *const ConnectorApi = unsafe { entry_fn() };
        if api.is_null() {
            return Err(LoadError::BadTable {
                path: given,
                problem: format!("`{CONNECTOR_ENTRY_SYMBOL}` returned NULL"),
            });
        }
        // SAFETY: `api` is not NULL and points to the plugin's static table, which begins with the `u32`
        // `struct_size` and the two `u16` version fields in every version of the ABI.
        let (struct_size, table_major, table_minor) =
            unsafe { ((*api).struct_size, (*api).abi_major, (*api).abi_minor) };
        let needed = size_of::<ConnectorApi>();
        if (struct_size as usize) < needed {
            return Err(LoadError::BadTable {
                path: given,
                problem: format!(
                    "its function table is {struct_size} bytes; this host needs at least {needed} \
                     (connector ABI {CONNECTOR_ABI_VERSION_MAJOR}.{CONNECTOR_ABI_VERSION_MINOR})"
                ),
            });
        }
        if table_major != major {
            return Err(LoadError::BadTable {
                path: given,
                problem: format!(
                    "its function table says ABI {table_major}.{table_minor} but its version query says \
                     {major}.{minor}"
                ),
            });
        }

        // SAFETY (for every `read_entry` below): `api` points to a live table of at least
        // `size_of::<ConnectorApi>()` bytes (checked above), so each field is readable and aligned; each
        // `Raw*Fn` type has the parameters of the field's contract type and returns `u32` where the contract
        // returns the `#[repr(u32)]` `ConnectorStatus`, the same calling convention.
        let table = unsafe {
            Table {
                session_new: read_entry(
                    std::ptr::addr_of!((*api).session_new).cast::<RawSessionNewFn>(),
                    "session_new",
                    &given,
                )?,
                session_free: read_entry(
                    std::ptr::addr_of!((*api).session_free).cast::<RawSessionFreeFn>(),
                    "session_free",
                    &given,
                )?,
                describe: read_entry(
                    std::ptr::addr_of!((*api).describe).cast::<RawQueryFn>(),
                    "describe",
                    &given,
                )?,
                configure: read_entry(
                    std::ptr::addr_of!((*api).configure).cast::<RawOperationFn>(),
                    "configure",
                    &given,
                )?,
                authenticate: read_entry(
                    std::ptr::addr_of!((*api).authenticate).cast::<RawOperationFn>(),
                    "authenticate",
                    &given,
                )?,
                provision: read_entry(
                    std::ptr::addr_of!((*api).provision).cast::<RawOperationFn>(),
                    "provision",
                    &given,
                )?,
                consent: read_entry(
                    std::ptr::addr_of!((*api).consent).cast::<RawOperationFn>(),
                    "consent",
                    &given,
                )?,
                test: read_entry(
                    std::ptr::addr_of!((*api).test).cast::<RawOperationFn>(),
                    "test",
                    &given,
                )?,
                remove: read_entry(
                    std::ptr::addr_of!((*api).remove).cast::<RawOperationFn>(),
                    "remove",
                    &given,
                )?,
                cancel: read_entry(
                    std::ptr::addr_of!((*api).cancel).cast::<RawCancelFn>(),
                    "cancel",
                    &given,
                )?,
                shutdown: read_entry(
                    std::ptr::addr_of!((*api).shutdown).cast::<RawShutdownFn>(),
                    "shutdown",
                    &given,
                )?,
                document_free: read_entry(
                    std::ptr::addr_of!((*api).document_free).cast::<RawDocumentFreeFn>(),
                    "document_free",
                    &given,
                )?,
            }
        };

        Ok(Loaded {
            abi_major: table_major,
            abi_minor: table_minor,
            table,
            shut_down: Mutex::new(None),
            library: Some(library),
        })
    }

    /// Calls the plugin's `shutdown` once; later calls return the first call's status.
    fn shutdown(&self) -> Status {
        let mut shut_down = self
            .shut_down
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *shut_down.get_or_insert_with(|| {
            // SAFETY: `shutdown` takes no arguments; the table is valid while `self.library` is loaded.
            Status::from_raw(unsafe { (self.table.shutdown)() })
        })
    }
}

impl Plugin {
    /// The path the plugin was loaded from, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The plugin's ABI version, `(major, minor)`, as its function table reports it.
    pub fn abi_version(&self) -> (u16, u16) {
        (self.loaded.abi_major, self.loaded.abi_minor)
    }

    /// Stops the plugin's background threads, for every handle of this library in the process: later
    /// sessions are refused with `SHUT_DOWN`. Call it after every session was dropped; later calls return the
    /// status of the first. Dropping the last handle calls it when nobody did.
    pub fn shutdown(&self) -> Status {
        self.loaded.shutdown()
    }

    /// Copies a result document out of the plugin and releases it with `document_free`.
    fn take_document(
        &self,
        operation: &'static str,
        status: Status,
        document: *mut c_char,
    ) -> Result<(Status, Value), CallError> {
        if document.is_null() {
            return Err(CallError::NoDocument { operation, status });
        }
        // SAFETY: a non-NULL `result_out` document is a NUL-terminated string owned by the plugin until it is
        // passed to `document_free`; it is copied before that and not used after.
        let parsed = unsafe {
            let parsed = CStr::from_ptr(document)
                .to_str()
                .map_err(|error| error.to_string())
                .and_then(|text| serde_json::from_str::<Value>(text).map_err(|e| e.to_string()));
            (self.loaded.table.document_free)(document);
            parsed
        };
        parsed
            .map(|value| (status, value))
            .map_err(|reason| CallError::BadDocument {
                operation,
                status,
                reason,
            })
    }
}

impl Drop for Loaded {
    fn drop(&mut self) {
        let status = self.shutdown();
        let library = self.library.take();
        if matches!(
            status.known(),
            Some(ConnectorStatus::Ok) | Some(ConnectorStatus::ShutDown)
        ) {
            drop(library);
        } else {
            // The plugin's threads may still be running its code: unloading it now could crash the host.
            std::mem::forget(library);
        }
    }
}

/// The event closure a session forwards plugin events to, boxed once more so that `user_data` is a thin
/// pointer.
type EventSink<'a> = RefCell<Box<dyn FnMut(Value) + 'a>>;

/// The trampoline the plugin calls with each event. It never unwinds: a panic in the host's closure is
/// caught here and the event is dropped.
unsafe extern "C" fn forward_event(user_data: *mut c_void, event_json: *const c_char) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if user_data.is_null() || event_json.is_null() {
            return;
        }
        // SAFETY: `user_data` is the `EventSink` a `Session` passed to `session_new`; the session keeps it
        // alive until after `session_free`, and the plugin calls back only during a call on that session, on
        // the thread that made the call (the contract), so the sink is never shared across threads.
        let sink = unsafe { &*user_data.cast::<EventSink<'_>>() };
        // SAFETY: the plugin passes a NUL-terminated string, borrowed for the duration of this callback.
        let text = unsafe { CStr::from_ptr(event_json) }.to_string_lossy();
        let event = serde_json::from_str::<Value>(&text)
            .unwrap_or_else(|_| Value::String(text.into_owned()));
        // A re-entrant event (the closure itself causing a plugin callback) is dropped rather than aliased.
        if let Ok(mut closure) = sink.try_borrow_mut() {
            closure(event);
        }
    }));
}

/// One plugin session. Operations block until the plugin returns; each returns the status and the result
/// document. Dropping the session frees it in the plugin.
pub struct Session<'p> {
    plugin: &'p Plugin,
    raw: *mut ConnectorSession,
    // Boxed so that its address, passed to the plugin as `user_data`, stays fixed; freed after the session.
    sink: Option<Box<EventSink<'p>>>,
    // A session is used from the thread that created it.
    _not_send: PhantomData<*mut ()>,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("plugin", &self.plugin.path)
            .finish_non_exhaustive()
    }
}

impl<'p> Session<'p> {
    /// Creates a session with the given session options (or the plugin's defaults) and an event closure.
    /// On success the result document of `session_new` comes back beside the session; on failure, in the
    /// error.
    ///
    /// `on_event` receives each event the plugin sends during a call on this session, on the calling
    /// thread, as JSON; an event that is not JSON arrives as a JSON string holding its text, so nothing is
    /// lost. A panic in `on_event` is caught before it reaches the plugin (that event is dropped).
    pub fn new(
        plugin: &'p Plugin,
        options: Option<&Value>,
        on_event: impl FnMut(Value) + 'p,
    ) -> Result<(Session<'p>, Value), SessionError> {
        let options = options
            .map(|value| CString::new(value.to_string()))
            .transpose()
            .map_err(|_| {
                SessionError::Call(CallError::NulInInput {
                    operation: "session_new",
                })
            })?;
        let sink: Box<EventSink<'p>> = Box::new(RefCell::new(Box::new(on_event)));
        let user_data = std::ptr::from_ref::<EventSink<'p>>(&sink)
            .cast_mut()
            .cast::<c_void>();
        let mut raw: *mut ConnectorSession = std::ptr::null_mut();
        let mut document: *mut c_char = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call: `options` is NUL-terminated or NULL, the out-parameters
        // point to locals, `user_data` points to the boxed sink that the session keeps until after
        // `session_free`, and `forward_event` matches `ConnectorEventFn` and never unwinds.
        let status = Status::from_raw(unsafe {
            (plugin.loaded.table.session_new)(
                options
                    .as_ref()
                    .map_or(std::ptr::null(), |text| text.as_ptr()),
                Some(forward_event),
                user_data,
                &mut raw,
                &mut document,
            )
        });
        let result = plugin.take_document("session_new", status, document);
        if status.is_ok() && !raw.is_null() {
            let session = Session {
                plugin,
                raw,
                sink: Some(sink),
                _not_send: PhantomData,
            };
            let (_, document) = result.map_err(SessionError::Call)?;
            Ok((session, document))
        } else {
            if !raw.is_null() {
                // SAFETY: the plugin handed out a session despite the failure; free it while the sink lives.
                unsafe { (plugin.loaded.table.session_free)(raw) };
            }
            match result {
                Ok((status, document)) => Err(SessionError::Refused { status, document }),
                Err(error) => Err(SessionError::Call(error)),
            }
        }
    }

    /// `describe`: the connector's identity, settings schema, steps, roles and permissions.
    pub fn describe(&mut self) -> Result<(Status, Value), CallError> {
        let mut document: *mut c_char = std::ptr::null_mut();
        // SAFETY: `self.raw` is a live session of this plugin and `document` a valid out-parameter.
        let status = Status::from_raw(unsafe {
            (self.plugin.loaded.table.describe)(self.raw, &mut document)
        });
        self.plugin.take_document("describe", status, document)
    }

    /// `configure`: validates settings without touching the network.
    pub fn configure(&mut self, settings: &Value) -> Result<(Status, Value), CallError> {
        self.operation(
            "configure",
            self.plugin.loaded.table.configure,
            &settings.to_string(),
        )
    }

    /// `configure` on settings given as JSON text, passed to the plugin as they are, so that the plugin
    /// judges them itself (a syntax error comes back as `INVALID_JSON` with its line and column).
    pub fn configure_text(&mut self, settings_json: &str) -> Result<(Status, Value), CallError> {
        self.operation(
            "configure",
            self.plugin.loaded.table.configure,
            settings_json,
        )
    }

    /// `authenticate`: signs an administrator in.
    pub fn authenticate(&mut self, input: &Value) -> Result<(Status, Value), CallError> {
        self.operation(
            "authenticate",
            self.plugin.loaded.table.authenticate,
            &input.to_string(),
        )
    }

    /// `provision`: creates or updates the application registration.
    pub fn provision(&mut self, input: &Value) -> Result<(Status, Value), CallError> {
        self.operation(
            "provision",
            self.plugin.loaded.table.provision,
            &input.to_string(),
        )
    }

    /// `consent`: grants admin consent to the application's permissions.
    pub fn consent(&mut self, input: &Value) -> Result<(Status, Value), CallError> {
        self.operation(
            "consent",
            self.plugin.loaded.table.consent,
            &input.to_string(),
        )
    }

    /// `test`: tests the connection the settings describe.
    pub fn test(&mut self, input: &Value) -> Result<(Status, Value), CallError> {
        self.operation("test", self.plugin.loaded.table.test, &input.to_string())
    }

    /// `remove`: removes the connection's application.
    pub fn remove(&mut self, input: &Value) -> Result<(Status, Value), CallError> {
        self.operation(
            "remove",
            self.plugin.loaded.table.remove,
            &input.to_string(),
        )
    }

    /// Asks the plugin to cancel the call running on this session; with nothing running it does nothing.
    pub fn cancel(&self) -> Status {
        // SAFETY: `self.raw` is a live session of this plugin; `cancel` may be called at any time.
        Status::from_raw(unsafe { (self.plugin.loaded.table.cancel)(self.raw) })
    }

    fn operation(
        &mut self,
        operation: &'static str,
        function: RawOperationFn,
        input: &str,
    ) -> Result<(Status, Value), CallError> {
        let input = CString::new(input).map_err(|_| CallError::NulInInput { operation })?;
        let mut document: *mut c_char = std::ptr::null_mut();
        // SAFETY: `self.raw` is a live session of this plugin, `input` is NUL-terminated and outlives the
        // call, and `document` is a valid out-parameter. `&mut self` keeps calls on this session sequential.
        let status = Status::from_raw(unsafe { function(self.raw, input.as_ptr(), &mut document) });
        self.plugin.take_document(operation, status, document)
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        // SAFETY: `self.raw` is a live session of this plugin, freed exactly once, here; no call is running
        // on it (they all borrow the session mutably). The event sink outlives it: it is dropped below.
        unsafe { (self.plugin.loaded.table.session_free)(self.raw) };
        drop(self.sink.take());
    }
}

/// Why a session could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The plugin refused to create the session; its result document says why.
    #[error("the plugin refused to create a session: {status}")]
    Refused {
        /// The status `session_new` returned.
        status: Status,
        /// The result document it wrote.
        document: Value,
    },
    /// The call itself failed.
    #[error(transparent)]
    Call(#[from] CallError),
}

#[cfg(test)]
mod tests {
    use super::{LoadError, Plugin};

    #[test]
    fn a_missing_file_is_reported_by_its_path() {
        let error = Plugin::load("/nonexistent/libnothing.so").unwrap_err();
        assert!(matches!(error, LoadError::NotFound { .. }));
        assert_eq!(
            error.to_string(),
            "plugin /nonexistent/libnothing.so: no such file"
        );
    }

    #[test]
    fn a_file_that_is_not_a_library_is_refused() {
        let dir = std::env::temp_dir().join(format!("host-sim-plugin-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("libtext.so");
        std::fs::write(&path, "not an ELF file\n").unwrap();
        let error = Plugin::load(&path).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(error, LoadError::NotALibrary { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("cannot be loaded as a shared library"),
            "{error}"
        );
    }

    #[test]
    fn an_abi_mismatch_names_both_versions() {
        let error = LoadError::AbiMismatch {
            path: "libfuture.so".into(),
            major: 2,
            minor: 0,
        };
        assert_eq!(
            error.to_string(),
            "plugin libfuture.so speaks connector ABI 2.0; this host speaks 1.x"
        );
    }
}
