//! The loader: opens a connector plugin's library, checks its ABI version and function table, and calls the
//! table's functions. This file holds all of host-sim's `unsafe` code; what it hands out is safe to use.
//!
//! The loading sequence follows the contract in `connector-abi`: version query first (another major version
//! is refused), entry resolved and called once, the table's size and major version checked, every function
//! pointer checked for NULL (from one list of the table's functions).

use std::ffi::{CStr, c_char, c_void};
use std::mem::size_of;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

use connector_abi::{
    CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR, CONNECTOR_ABI_VERSION_SYMBOL,
    CONNECTOR_API_FUNCTIONS, CONNECTOR_ENTRY_SYMBOL, ConnectorAbiVersionFn, ConnectorApi,
    ConnectorEntryFn, ConnectorOperationFn, ConnectorSession, ConnectorStatus, StatusCode,
    abi_version_major, abi_version_minor,
};
use serde_json::Value;

use crate::plugin::error::LoadError;
use crate::plugin::events::EventSink;

/// A result document as the plugin wrote it, already copied out and released with `document_free`.
pub(super) enum Document {
    /// The plugin wrote none (NULL).
    Missing,
    /// A JSON document.
    Json(Value),
    /// Something that is not UTF-8 JSON, and why.
    Broken(String),
}

/// One plugin session: the plugin's handle, the table of the library that made it (which outlives it: the
/// session borrows the [`Loaded`] library), and the event sink its callback reaches, which lives exactly as
/// long as the handle. Only [`Loaded::session_new`] makes one; dropping it frees the session.
pub(super) struct RawSession<'a> {
    api: &'a ConnectorApi,
    handle: NonNull<ConnectorSession>,
    // Boxed so that its address, passed to the plugin as `user_data`, stays fixed; dropped after the session.
    sink: Option<Box<EventSink<'a>>>,
}

/// One library loaded and checked.
pub(super) struct Loaded {
    /// The table's ABI major version.
    pub(super) abi_major: u16,
    /// The table's ABI minor version.
    pub(super) abi_minor: u16,
    // Valid while `library` is loaded; never handed out, and dropped with it.
    api: &'static ConnectorApi,
    shut_down: Mutex<Option<StatusCode>>,
    // `None` only while dropping.
    library: Option<libloading::Library>,
}

impl Loaded {
    /// Opens and checks the library at `absolute`; errors name the path as the user gave it.
    pub(super) fn open(given: &Path, absolute: &Path) -> Result<Loaded, LoadError> {
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
        for (name, offset) in CONNECTOR_API_FUNCTIONS {
            // SAFETY: the table is at least `size_of::<ConnectorApi>()` bytes (checked above), so each
            // function field is readable and pointer-aligned; it is read as a raw pointer, which may be NULL.
            let entry = unsafe { api.cast::<u8>().add(offset).cast::<*const c_void>().read() };
            if entry.is_null() {
                return Err(LoadError::BadTable {
                    path: given,
                    problem: format!("its function table has no `{name}` (NULL)"),
                });
            }
        }
        // SAFETY: every function pointer of the table is non-NULL (checked above), so the table is a valid
        // `ConnectorApi`; it is static in the library, which `Loaded` keeps loaded while it holds `api`.
        let api: &'static ConnectorApi = unsafe { &*api };

        Ok(Loaded {
            abi_major: table_major,
            abi_minor: table_minor,
            api,
            shut_down: Mutex::new(None),
            library: Some(library),
        })
    }

    /// Calls the plugin's `shutdown` once; later calls return the first call's status.
    pub(super) fn shutdown(&self) -> StatusCode {
        let mut shut_down = self
            .shut_down
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // SAFETY: `shutdown` takes no arguments; the table is valid while `self.library` is loaded.
        *shut_down.get_or_insert_with(|| unsafe { (self.api.shutdown)() })
    }

    /// `session_new`: creates a session whose events go to `sink`. The session, when the plugin made one,
    /// comes back with its status and result document; on failure a session the plugin made anyway is freed.
    pub(super) fn session_new<'a>(
        &'a self,
        options: Option<&CStr>,
        sink: EventSink<'a>,
    ) -> (StatusCode, Option<RawSession<'a>>, Document) {
        let sink = Box::new(sink);
        let user_data = std::ptr::from_ref::<EventSink<'a>>(&sink)
            .cast_mut()
            .cast::<c_void>();
        let mut handle: *mut ConnectorSession = std::ptr::null_mut();
        let mut document: *mut c_char = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call: `options` is NUL-terminated or NULL, the out-parameters
        // point to locals, `user_data` points to the boxed sink that the `RawSession` keeps until after
        // `session_free`, and `forward_event` matches the callback type and never unwinds.
        let status = unsafe {
            (self.api.session_new)(
                options.map_or(std::ptr::null(), CStr::as_ptr),
                Some(forward_event),
                user_data,
                &mut handle,
                &mut document,
            )
        };
        let document = take_document(self.api, document);
        let session = NonNull::new(handle).map(|handle| RawSession {
            api: self.api,
            handle,
            sink: Some(sink),
        });
        // A session the plugin handed out despite a failure is freed (dropped) here, while its sink lives.
        (status, session.filter(|_| status.is_ok()), document)
    }
}

impl RawSession<'_> {
    /// `describe`.
    pub(super) fn describe(&self) -> (StatusCode, Document) {
        let mut document: *mut c_char = std::ptr::null_mut();
        // SAFETY: `self.handle` is a live session of this plugin (a `RawSession` lives from session_new to
        // its drop, which frees it) and `document` a valid out-parameter.
        let status = unsafe { (self.api.describe)(self.handle.as_ptr(), &mut document) };
        (status, take_document(self.api, document))
    }

    /// An operation with an input document (`configure`, `authenticate`, …), chosen from the table by
    /// `function`.
    pub(super) fn operate(
        &self,
        function: fn(&ConnectorApi) -> ConnectorOperationFn,
        input: &CStr,
    ) -> (StatusCode, Document) {
        let mut document: *mut c_char = std::ptr::null_mut();
        // SAFETY: as in `describe`; `input` is NUL-terminated and outlives the call.
        let status =
            unsafe { (function(self.api))(self.handle.as_ptr(), input.as_ptr(), &mut document) };
        (status, take_document(self.api, document))
    }

    /// `cancel`: may be called at any time while a call runs on the session.
    pub(super) fn cancel(&self) -> StatusCode {
        // SAFETY: `self.handle` is a live session of this plugin; cancel has no other precondition.
        unsafe { (self.api.cancel)(self.handle.as_ptr()) }
    }
}

impl Drop for RawSession<'_> {
    fn drop(&mut self) {
        // SAFETY: `self.handle` is a live session of this plugin, freed exactly once, here; no call is running
        // on it (calls borrow the `RawSession`). The sink outlives it: it is dropped below.
        unsafe { (self.api.session_free)(self.handle.as_ptr()) };
        drop(self.sink.take());
    }
}

/// Copies a result document out of the plugin and releases it with the table's `document_free`.
fn take_document(api: &ConnectorApi, document: *mut c_char) -> Document {
    if document.is_null() {
        return Document::Missing;
    }
    // SAFETY: a non-NULL `result_out` document is a NUL-terminated string owned by the plugin until it is
    // passed to `document_free`; it is copied before that and not used after.
    let parsed = unsafe {
        let parsed = CStr::from_ptr(document)
            .to_str()
            .map_err(|error| error.to_string())
            .and_then(|text| serde_json::from_str::<Value>(text).map_err(|e| e.to_string()));
        (api.document_free)(document);
        parsed
    };
    match parsed {
        Ok(value) => Document::Json(value),
        Err(reason) => Document::Broken(reason),
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

/// The raw half of the event trampoline: the callback the plugin calls with each event. It never unwinds: a
/// panic in the host's closure is caught here and the event is dropped.
unsafe extern "C" fn forward_event(user_data: *mut c_void, event_json: *const c_char) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if user_data.is_null() || event_json.is_null() {
            return;
        }
        // SAFETY: `user_data` is the sink a `RawSession` passed to `session_new`; it stays alive until after
        // `session_free`, and the plugin calls back only during a call on that session, on the thread that
        // made the call (the contract), so the sink is never shared across threads.
        let sink = unsafe { &*user_data.cast::<EventSink<'_>>() };
        // SAFETY: the plugin passes a NUL-terminated string, borrowed for the duration of this callback.
        let event = unsafe { CStr::from_ptr(event_json) };
        sink.deliver(event.to_bytes());
    }));
}
