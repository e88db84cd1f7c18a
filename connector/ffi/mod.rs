//! The C boundary: the exported functions of the connector plugin ABI.
//!
//! Each function checks its pointers (`ptr`), runs inside the one panic boundary (`panic`), calls the
//! safe core ([`crate::session`]) and returns the status the core's error maps to. Hosts normally call these
//! through the table returned by [`connector_entry`]; the functions are also exported by name.

mod callback;
mod panic;
mod ptr;

use std::ffi::{c_char, c_void};

use connector_abi::{
    CONNECTOR_ABI_VERSION, CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR, ConnectorApi,
    ConnectorEventFn, ConnectorSession, ConnectorStatus,
};

use crate::ffi::callback::CallbackSink;
use crate::ffi::panic::{guard, with_result};
use crate::ffi::ptr::{
    optional_str, required_str, session_from_raw, session_into_raw, session_ref, write_out,
};
use crate::result::Outcome;
use crate::session::{Operation, Session};

/// The packed ABI version of this plugin, `major << 16 | minor`. Safe to call first, from any thread, at any
/// time (also after `shutdown`).
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_abi_version() -> u32 {
    guard(CONNECTOR_ABI_VERSION, || CONNECTOR_ABI_VERSION)
}

/// The plugin's function table. Never NULL; the table is static and lives until the library is unloaded.
/// Check `struct_size` and `abi_major` before using any other field. Callable from any thread.
///
/// # Safety
/// None: always safe to call. The table's functions have their own contracts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_entry() -> *const ConnectorApi {
    &API
}

/// The table [`connector_entry`] returns.
static API: ConnectorApi = ConnectorApi {
    struct_size: size_of::<ConnectorApi>() as u32,
    abi_major: CONNECTOR_ABI_VERSION_MAJOR,
    abi_minor: CONNECTOR_ABI_VERSION_MINOR,
    session_new: connector_session_new,
    session_free: connector_session_free,
    describe: connector_describe,
    configure: connector_configure,
    authenticate: connector_authenticate,
    provision: connector_provision,
    consent: connector_consent,
    test: connector_test,
    remove: connector_remove,
    cancel: connector_cancel,
    shutdown: connector_shutdown,
    document_free: connector_document_free,
};

/// Creates a session.
///
/// `options_json`: a session options document (docs/abi.md), borrowed for the call; NULL for defaults.
/// `event_cb`: called with event documents while an operation of this session runs, on the thread that called
/// the operation, never after it returned; NULL for no events. `user_data` is passed to `event_cb` unchanged
/// and never dereferenced by the plugin.
/// `session_out` must not be NULL: on `OK` it receives a session the host frees with `session_free`; on any
/// failure it receives NULL. `result_out` may be NULL; otherwise it receives a result document (on success and
/// on failure) that the host frees with `document_free`.
/// Returns `SHUT_DOWN` after `shutdown`, `INVALID_JSON` for malformed or unknown options. Any thread.
///
/// # Safety
/// `options_json` is NULL or a NUL-terminated string valid for the call; `event_cb` is NULL or a function
/// with this signature that stays callable while the session lives; `session_out` and `result_out` are NULL or
/// point to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_session_new(
    options_json: *const c_char,
    event_cb: Option<ConnectorEventFn>,
    user_data: *mut c_void,
    session_out: *mut *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: session_out is NULL or writable (the function's contract).
    unsafe { write_out(session_out, std::ptr::null_mut()) };
    let operation = Operation::SessionNew;
    let body = || {
        if session_out.is_null() {
            let error = crate::error::Error::new(
                crate::error::ErrorKind::InvalidArgument,
                "session_out is NULL; it must point to where the new session is written.",
            );
            return Outcome::failure(operation, error);
        }
        // SAFETY: options_json is NULL or a NUL-terminated string valid for the call (contract).
        let options = match unsafe { optional_str(options_json, "options_json") } {
            Ok(options) => options,
            Err(error) => return Outcome::failure(operation, error),
        };
        let sink = event_cb.map(|cb| {
            Box::new(CallbackSink::new(cb, user_data)) as Box<dyn crate::event::EventSink>
        });
        match Session::new(options, sink) {
            Ok(session) => {
                // SAFETY: checked not NULL above; writable by the function's contract.
                unsafe { write_out(session_out, session_into_raw(session)) };
                Outcome::success(operation, serde_json::json!({}))
            }
            Err(error) => Outcome::failure(operation, error),
        }
    };
    // SAFETY: result_out is NULL or writable (the function's contract).
    unsafe { with_result(operation, result_out, body) }
}

/// Frees a session and everything it holds. NULL is a no-op. No call may be running on the session, and the
/// handle must not be used afterwards. Works after `shutdown` too. Any thread.
///
/// # Safety
/// `session` is NULL or a live session from `session_new`, freed only once, with no call running on it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_session_free(session: *mut ConnectorSession) {
    guard((), || {
        // SAFETY: session is NULL or a live handle from session_new that no other thread uses (contract).
        drop(unsafe { session_from_raw(session) });
    });
}

/// Runs an operation without input on a session.
///
/// # Safety
/// `session` is NULL or a live session handle; `result_out` is NULL or writable.
unsafe fn query(
    operation: Operation,
    session: *mut ConnectorSession,
    result_out: *mut *mut c_char,
    call: impl FnOnce(&Session) -> Outcome,
) -> ConnectorStatus {
    // SAFETY: session is NULL or a live handle (forwarded from the caller).
    let body = || match unsafe { session_ref(session) } {
        Ok(session) => call(session),
        Err(error) => Outcome::failure(operation, error),
    };
    // SAFETY: result_out is NULL or writable (forwarded from the caller).
    unsafe { with_result(operation, result_out, body) }
}

/// Runs an operation with a JSON input document on a session.
///
/// # Safety
/// As [`query`]; `input_json` is NULL or a NUL-terminated string valid for the call.
unsafe fn operate(
    operation: Operation,
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
    call: impl FnOnce(&Session, &str) -> Outcome,
) -> ConnectorStatus {
    let body = || {
        // SAFETY: session is NULL or a live handle (forwarded from the caller).
        let session = match unsafe { session_ref(session) } {
            Ok(session) => session,
            Err(error) => return Outcome::failure(operation, error),
        };
        // SAFETY: input_json is NULL or a NUL-terminated string valid for the call (forwarded).
        match unsafe { required_str(input_json, "input_json") } {
            Ok(input) => call(session, input),
            Err(error) => Outcome::failure(operation, error),
        }
    };
    // SAFETY: result_out is NULL or writable (forwarded from the caller).
    unsafe { with_result(operation, result_out, body) }
}

/// Describes the connector (`data`: name, version, ABI version, settings schema, steps, requested roles and
/// permissions). Never touches the network.
/// `session` must not be NULL. `result_out` may be NULL; otherwise it receives a result document the host
/// frees with `document_free`. Returns `BUSY` while another call runs on the session.
///
/// # Safety
/// `session` is NULL or a live session from `session_new`; `result_out` is NULL or points to writable storage
/// for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_describe(
    session: *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is query's.
    unsafe { query(Operation::Describe, session, result_out, Session::describe) }
}

/// Validates a settings document (`input_json`, borrowed for the call, not NULL) without touching the
/// network. On `OK`, `data.settings` holds the normalised settings to store (older versions migrated, defaults
/// filled in, secret fields left out); field errors come back as `INVALID_SETTINGS` with `error.fields`.
/// `session` must not be NULL; `result_out` as in `connector_describe`.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (not freed, no other call running on it from this
/// thread); `input_json` is NULL or a NUL-terminated string valid for the call; `result_out` is NULL or
/// points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_configure(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is operate's.
    unsafe {
        operate(
            Operation::Configure,
            session,
            input_json,
            result_out,
            Session::configure,
        )
    }
}

/// Signs an administrator in. This version validates the settings (`input_json`, not NULL) and returns
/// `NOT_AVAILABLE`. Pointers as in `connector_configure`.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (not freed, no other call running on it from this
/// thread); `input_json` is NULL or a NUL-terminated string valid for the call; `result_out` is NULL or
/// points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_authenticate(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is operate's.
    unsafe {
        operate(
            Operation::Authenticate,
            session,
            input_json,
            result_out,
            Session::authenticate,
        )
    }
}

/// Creates or updates the Azure application (`"plan_only": true` in the input only reports what would
/// change). This version validates the settings (`input_json`, not NULL) and returns `NOT_AVAILABLE`.
/// Pointers as in `connector_configure`.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (not freed, no other call running on it from this
/// thread); `input_json` is NULL or a NUL-terminated string valid for the call; `result_out` is NULL or
/// points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_provision(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is operate's.
    unsafe {
        operate(
            Operation::Provision,
            session,
            input_json,
            result_out,
            Session::provision,
        )
    }
}

/// Grants admin consent to the application's permissions. This version validates the settings
/// (`input_json`, not NULL) and returns `NOT_AVAILABLE`. Pointers as in `connector_configure`.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (not freed, no other call running on it from this
/// thread); `input_json` is NULL or a NUL-terminated string valid for the call; `result_out` is NULL or
/// points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_consent(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is operate's.
    unsafe {
        operate(
            Operation::Consent,
            session,
            input_json,
            result_out,
            Session::consent,
        )
    }
}

/// Tests the connection. This version validates the settings (`input_json`, not NULL) and returns
/// `NOT_AVAILABLE`. Pointers as in `connector_configure`.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (not freed, no other call running on it from this
/// thread); `input_json` is NULL or a NUL-terminated string valid for the call; `result_out` is NULL or
/// points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_test(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is operate's.
    unsafe {
        operate(
            Operation::Test,
            session,
            input_json,
            result_out,
            Session::test,
        )
    }
}

/// Removes the application this connection uses. This version validates the settings (`input_json`, not
/// NULL) and returns `NOT_AVAILABLE`. Pointers as in `connector_configure`.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (not freed, no other call running on it from this
/// thread); `input_json` is NULL or a NUL-terminated string valid for the call; `result_out` is NULL or
/// points to writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_remove(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus {
    // SAFETY: the function's contract is operate's.
    unsafe {
        operate(
            Operation::Remove,
            session,
            input_json,
            result_out,
            Session::remove,
        )
    }
}

/// Asks the call running on `session` to stop; it returns `CANCELLED` at its next checkpoint. Callable from
/// any thread while another thread runs an operation on the session (but not after `session_free`). Returns
/// `OK` also when nothing was running (nothing is remembered for a later call); `INVALID_ARGUMENT` when
/// `session` is NULL.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (it may be running a call on another thread).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_cancel(session: *mut ConnectorSession) -> ConnectorStatus {
    guard(ConnectorStatus::Panic, || {
        // SAFETY: session is NULL or a live handle (contract); cancel only touches an atomic flag.
        match unsafe { session_ref(session) } {
            Ok(session) => {
                session.cancel();
                ConnectorStatus::Ok
            }
            Err(error) => error.status(),
        }
    })
}

/// Shuts the plugin down: later `session_new` and operation calls return `SHUT_DOWN`; `session_free`,
/// `document_free`, `cancel` and `connector_abi_version` keep working. Call it once, after every session
/// was freed, before unloading the library. Returns `OK` (also when called again). Any thread.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_shutdown() -> ConnectorStatus {
    guard(ConnectorStatus::Panic, || {
        crate::session::shutdown();
        ConnectorStatus::Ok
    })
}

/// Frees a document returned through a `result_out` parameter. NULL is a no-op. Each document is freed once.
/// Any thread.
///
/// # Safety
/// `document` is NULL or a document this plugin wrote to a `result_out`, not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_document_free(document: *mut c_char) {
    guard((), || {
        // SAFETY: document is NULL or a document from this plugin not freed yet (contract).
        unsafe { crate::ffi::ptr::document_from_raw(document) }
    });
}
