//! The C boundary: the exported functions of the connector plugin ABI.
//!
//! Each function checks its pointers (`ptr`), runs inside the one panic boundary (`panic`), calls the
//! safe core ([`crate::session`]), maps the core's error to its status (`status`, the one mapping) and
//! writes the result document (`document`). Hosts normally call these through the table returned by
//! [`connector_entry`]; the functions are also exported by name.

mod callback;
mod document;
mod panic;
mod ptr;
mod status;

use std::ffi::{c_char, c_void};

use connector_abi::{
    CONNECTOR_ABI_VERSION, CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR, ConnectorApi,
    ConnectorEventFn, ConnectorSession, ConnectorStatus, StatusCode,
};

use crate::error::{Error, ErrorKind};
use crate::event::EventSink;
use crate::ffi::callback::CallbackSink;
use crate::ffi::document::result_document;
use crate::ffi::panic::{contain, guard};
use crate::ffi::ptr::{
    document_from_raw, document_into_raw, optional_str, required_str, session_from_raw,
    session_into_raw, session_ref, write_out,
};
use crate::ffi::status::{outcome_status, status_of};
use crate::operation::Operation;
use crate::result::Outcome;
use crate::session::{Session, shutdown};

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
    event_cb: ConnectorEventFn,
    user_data: *mut c_void,
    session_out: *mut *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> StatusCode {
    // SAFETY: session_out is NULL or writable (the function's contract).
    unsafe { write_out(session_out, std::ptr::null_mut()) };
    let operation = Operation::SessionNew;
    let body = || {
        if session_out.is_null() {
            let error = Error::new(
                ErrorKind::InvalidArgument,
                "session_out is NULL; it must point to where the new session is written.",
            );
            return Outcome::failure(operation, error);
        }
        // SAFETY: options_json is NULL or a NUL-terminated string valid for the call (contract).
        let options = match unsafe { optional_str(options_json, "options_json") } {
            Ok(options) => options,
            Err(error) => return Outcome::failure(operation, error),
        };
        let sink =
            CallbackSink::new(event_cb, user_data).map(|sink| Box::new(sink) as Box<dyn EventSink>);
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

/// Runs an operation's body inside the panic boundary, and writes its result document to `result_out`
/// (when not NULL). Returns the outcome's status, or `Panic` when the body panicked.
///
/// # Safety
/// `result_out` is NULL or valid for a write of a pointer.
unsafe fn with_result(
    operation: Operation,
    result_out: *mut *mut c_char,
    body: impl FnOnce() -> Outcome,
) -> StatusCode {
    let outcome = contain(body).unwrap_or_else(|panicked| panicked.outcome(operation));
    let status = outcome_status(&outcome);
    if result_out.is_null() {
        // The host does not want the document: make none (it could never be freed).
        return status.into();
    }
    match contain(|| document_into_raw(result_document(&outcome))) {
        Ok(document) => {
            // SAFETY: result_out is not NULL and writable (forwarded from the caller).
            unsafe { write_out(result_out, document) };
            status.into()
        }
        Err(_) => {
            // SAFETY: as above.
            unsafe { write_out(result_out, std::ptr::null_mut()) };
            ConnectorStatus::Panic.into()
        }
    }
}

/// Runs `call` on the session behind `session` inside the panic boundary. A panic becomes the `PANIC`
/// document, after a `log` event to the session's host that names the operation.
///
/// # Safety
/// `session` is NULL or a live session handle; `result_out` is NULL or writable.
unsafe fn on_session(
    operation: Operation,
    session: *mut ConnectorSession,
    result_out: *mut *mut c_char,
    call: impl FnOnce(&Session) -> Outcome,
) -> StatusCode {
    // SAFETY: session is NULL or a live handle (forwarded from the caller).
    let body = || match unsafe { session_ref(session) } {
        Err(error) => Outcome::failure(operation, error),
        Ok(session) => contain(|| call(session)).unwrap_or_else(|panicked| {
            session.report_panic(operation, panicked.log_message(operation));
            panicked.outcome(operation)
        }),
    };
    // SAFETY: result_out is NULL or writable (forwarded from the caller).
    unsafe { with_result(operation, result_out, body) }
}

/// Runs an operation with a JSON input document on a session.
///
/// # Safety
/// As [`on_session`]; `input_json` is NULL or a NUL-terminated string valid for the call.
unsafe fn operate(
    operation: Operation,
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
    call: impl FnOnce(&Session, &str) -> Outcome,
) -> StatusCode {
    // SAFETY: input_json is NULL or a NUL-terminated string valid for the call (forwarded).
    let input = unsafe { required_str(input_json, "input_json") };
    let call = |session: &Session| match input {
        Ok(input) => call(session, input),
        Err(error) => Outcome::failure(operation, error),
    };
    // SAFETY: forwarded from the caller.
    unsafe { on_session(operation, session, result_out, call) }
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
) -> StatusCode {
    // SAFETY: the function's contract is on_session's.
    unsafe { on_session(Operation::Describe, session, result_out, Session::describe) }
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
) -> StatusCode {
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

/// Signs an administrator in (device code or browser, as the settings in `input_json`, not NULL, say) and
/// keeps the sign-in in the session; blocks until the sign-in completes, fails, expires or is cancelled.
/// Pointers as in `connector_configure`.
///
/// # Safety
/// As `connector_configure`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_authenticate(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> StatusCode {
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
/// change) with the session's sign-in (`SIGN_IN_REQUIRED` without one); `input_json` (not NULL) holds the
/// settings. The result hands over a new certificate once. Pointers as in `connector_configure`.
///
/// # Safety
/// As `connector_configure`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_provision(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> StatusCode {
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

/// Grants admin consent to the application's permissions for the organization (from the connector, or on
/// Entra ID's page in the browser) with the session's sign-in (`SIGN_IN_REQUIRED` without one); `input_json`
/// (not NULL) holds the settings. Pointers as in `connector_configure`.
///
/// # Safety
/// As `connector_configure`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_consent(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> StatusCode {
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

/// Tests the connection from the settings in `input_json` (not NULL) alone, no sign-in needed: every check
/// in the result, `TEST_FAILED` (with the checks in `data`) when one fails. Pointers as in
/// `connector_configure`.
///
/// # Safety
/// As `connector_configure`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_test(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> StatusCode {
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

/// Removes the application this connection uses, when `input_json` (not NULL: the settings and
/// `confirm_application_id`) confirms it, with the session's sign-in. Pointers as in `connector_configure`.
///
/// # Safety
/// As `connector_configure`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_remove(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> StatusCode {
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

/// Asks the call running on `session` to stop; it returns `CANCELLED` at its next checkpoint, and any wait
/// it is in ends at once. Callable from any thread while another thread runs an operation on the session
/// (but not after `session_free`). A cancel reaches only the call running when it lands: with nothing
/// running it does nothing and nothing is remembered for a later call. Returns `OK`, or `INVALID_ARGUMENT`
/// when `session` is NULL.
///
/// # Safety
/// `session` is NULL or a live session from `session_new` (it may be running a call on another thread).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_cancel(session: *mut ConnectorSession) -> StatusCode {
    let status = guard(ConnectorStatus::Panic, || {
        // SAFETY: session is NULL or a live handle (contract); cancel only cancels the running call's token.
        match unsafe { session_ref(session) } {
            Ok(session) => {
                session.cancel();
                ConnectorStatus::Ok
            }
            Err(error) => status_of(error.kind()),
        }
    });
    status.into()
}

/// Shuts the plugin down: later `session_new` and operation calls return `SHUT_DOWN`; `session_free`,
/// `document_free`, `cancel` and `connector_abi_version` keep working. Call it once, after every session
/// was freed, before unloading the library. Returns `OK` (also when called again). Any thread.
///
/// # Safety
/// None: always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connector_shutdown() -> StatusCode {
    let status = guard(ConnectorStatus::Panic, || {
        shutdown();
        ConnectorStatus::Ok
    });
    status.into()
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
        unsafe { document_from_raw(document) }
    });
}
