//! The connector plugin C ABI, version 1: the `#[repr(C)]` contract shared by a connector plugin and the
//! hosts that load it.
//!
//! This crate has no dependencies and no code beyond type definitions and constants, so that a host
//! (host-sim, or any Rust program) can depend on it without depending on a connector. The C header
//! `include/m365_connector.h` is generated from these definitions by cbindgen; C and C# hosts read the header,
//! Rust hosts use this crate, and all three therefore see the same layout.
//!
//! # How a host loads a plugin
//! 1. Open the shared library and resolve [`CONNECTOR_ABI_VERSION_SYMBOL`]; call it. Refuse the plugin when
//!    [`abi_version_major`] of the answer differs from [`CONNECTOR_ABI_VERSION_MAJOR`].
//! 2. Resolve [`CONNECTOR_ENTRY_SYMBOL`]; call it once. The returned [`ConnectorApi`] table is static: it lives
//!    until the library is unloaded. Refuse it when `struct_size` is smaller than the size of the table for
//!    the minor version the host needs. The table is append-only: a later minor version only adds fields at
//!    the end, so a host built against minor N may use every field of minor N when `abi_minor >= N`.
//! 3. Create a session, call operations, free every returned document with `document_free`, free the
//!    session, and call `shutdown` before unloading the library.
//!
//! Every operation that produces output writes a JSON result document to its `result_out` parameter, on
//! success and on failure alike (see the README's "The C ABI" and `docs/abi.md` for the document formats).
#![no_std]
#![deny(missing_docs)]

use core::ffi::{c_char, c_void};

/// The ABI major version this crate describes. A host refuses a plugin with any other major version.
pub const CONNECTOR_ABI_VERSION_MAJOR: u16 = 1;
/// The ABI minor version this crate describes. Minor versions only append fields to [`ConnectorApi`].
pub const CONNECTOR_ABI_VERSION_MINOR: u16 = 0;
/// The packed ABI version, `major << 16 | minor`, as returned by the version query.
pub const CONNECTOR_ABI_VERSION: u32 =
    ((CONNECTOR_ABI_VERSION_MAJOR as u32) << 16) | CONNECTOR_ABI_VERSION_MINOR as u32;

/// Name of the exported version query: `uint32_t connector_abi_version(void)`.
pub const CONNECTOR_ABI_VERSION_SYMBOL: &str = "connector_abi_version";
/// Name of the exported entry: `const ConnectorApi *connector_entry(void)`.
pub const CONNECTOR_ENTRY_SYMBOL: &str = "connector_entry";

/// The major half of a packed ABI version.
pub const fn abi_version_major(packed: u32) -> u16 {
    (packed >> 16) as u16
}

/// The minor half of a packed ABI version.
pub const fn abi_version_minor(packed: u32) -> u16 {
    (packed & 0xffff) as u16
}

/// The status every ABI function returns. Values are fixed forever: a value is never renumbered or reused;
/// a retired status stays listed as a comment. Hosts must treat an unknown value as [`ConnectorStatus::Internal`].
///
/// The status says what kind of outcome happened; the result document says what exactly happened.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectorStatus {
    /// The call succeeded.
    Ok = 0,
    /// A required pointer was NULL, or a string was not valid UTF-8.
    InvalidArgument = 1,
    /// A JSON document passed in was malformed or of the wrong shape.
    InvalidJson = 2,
    /// Settings failed validation; the result document lists the errors field by field.
    InvalidSettings = 3,
    /// Another call is running on this session; nothing was done.
    Busy = 4,
    /// The call was cancelled with `cancel`; the result document says what was already done.
    Cancelled = 5,
    /// This operation is not available in this version of the plugin.
    NotAvailable = 6,
    /// The operation needs an administrator to sign in first (`authenticate`).
    SignInRequired = 7,
    /// Sign-in failed or was refused (declined, expired, blocked by policy, wrong tenant).
    SignInFailed = 8,
    /// The signed-in account or the application lacks a role or permission the step needs.
    PermissionDenied = 9,
    /// Something the call refers to does not exist (an application, a tenant).
    NotFound = 10,
    /// The call found a conflict it may not resolve alone (for example several applications with one name).
    Conflict = 11,
    /// The call needs the host to confirm something first (adoption, removal, consent); nothing was changed.
    ConfirmationRequired = 12,
    /// A Microsoft service answered with an error; the result document carries its request ids.
    ServiceError = 13,
    /// A service could not be reached (DNS, TCP, TLS, proxy).
    NetworkError = 14,
    /// A wait ran out (sign-in not completed in time, replication or throttling beyond the configured bound).
    Timeout = 15,
    /// The connection test ran and at least one check failed; the result document lists the checks.
    TestFailed = 16,
    /// The plugin was shut down; no further calls are possible until the library is loaded again.
    ShutDown = 17,
    /// An unexpected internal error; the result document describes it.
    Internal = 98,
    /// The plugin panicked inside this call. The panic was contained: the host may continue, and the session
    /// can still be freed; the result document describes what happened.
    Panic = 99,
}

/// An opaque connector session. Created by `session_new`, freed by `session_free`; never dereferenced by
/// the host.
#[repr(C)]
pub struct ConnectorSession {
    _private: [u8; 0],
}

/// The event callback a host passes to `session_new`.
///
/// `user_data` is the pointer the host passed to `session_new`, unchanged. `event_json` is a NUL-terminated
/// UTF-8 JSON event document, borrowed for the duration of the callback only: copy it to keep it.
///
/// Threading: the plugin invokes the callback only while an operation call on that session is running, on
/// the thread that made that call, never after the call returned. The callback must not call back into the
/// same session (that call would return `Busy`) and must not unwind (a C++ exception or a Rust panic must be
/// caught inside the callback).
pub type ConnectorEventFn = unsafe extern "C" fn(user_data: *mut c_void, event_json: *const c_char);

/// `uint32_t connector_abi_version(void)`: the packed ABI version. Safe to call before anything else, from
/// any thread.
pub type ConnectorAbiVersionFn = unsafe extern "C" fn() -> u32;

/// `const ConnectorApi *connector_entry(void)`: the plugin's function table. Never NULL; static for the life
/// of the loaded library.
pub type ConnectorEntryFn = unsafe extern "C" fn() -> *const ConnectorApi;

/// `session_new(options_json, event_cb, user_data, session_out, result_out)`.
pub type ConnectorSessionNewFn = unsafe extern "C" fn(
    options_json: *const c_char,
    event_cb: Option<ConnectorEventFn>,
    user_data: *mut c_void,
    session_out: *mut *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> ConnectorStatus;

/// `session_free(session)`.
pub type ConnectorSessionFreeFn = unsafe extern "C" fn(session: *mut ConnectorSession);

/// An operation without input: `op(session, result_out)`.
pub type ConnectorQueryFn = unsafe extern "C" fn(
    session: *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> ConnectorStatus;

/// An operation with a JSON input document: `op(session, input_json, result_out)`.
pub type ConnectorOperationFn = unsafe extern "C" fn(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> ConnectorStatus;

/// `cancel(session)`.
pub type ConnectorCancelFn =
    unsafe extern "C" fn(session: *mut ConnectorSession) -> ConnectorStatus;

/// `shutdown()`.
pub type ConnectorShutdownFn = unsafe extern "C" fn() -> ConnectorStatus;

/// `document_free(document)`.
pub type ConnectorDocumentFreeFn = unsafe extern "C" fn(document: *mut c_char);

/// The plugin's function table, ABI 1.0. Append-only: later minor versions add fields at the end only.
///
/// Common rules for every function in the table:
/// - Strings are NUL-terminated UTF-8. A NULL where a pointer is required, or invalid UTF-8, returns
///   `InvalidArgument`; malformed JSON returns `InvalidJson`. Nothing is changed in either case.
/// - `result_out` may be NULL (the host does not want the document). When it is not NULL, the plugin writes
///   a JSON result document to `*result_out` on success and on failure, and the host must release it with
///   `document_free`. Input strings are only borrowed for the duration of the call.
/// - Operations block until done. Calls on one session are serialised: a call while another is running on
///   the same session returns `Busy` at once. Different sessions may be used from different threads at once.
/// - A panic inside the plugin never unwinds into the host: the call returns `Panic` with a result document.
#[repr(C)]
pub struct ConnectorApi {
    /// `sizeof(ConnectorApi)` as built into the plugin. Read this before any other field.
    pub struct_size: u32,
    /// The ABI major version of this table; equal to the version query's major.
    pub abi_major: u16,
    /// The ABI minor version of this table.
    pub abi_minor: u16,
    /// Creates a session. `options_json` may be NULL (defaults) or a session options document.
    /// `event_cb` may be NULL (no events). On `Ok`, `*session_out` holds a session the host must free with
    /// `session_free`; on failure `*session_out` is set to NULL. `session_out` must not be NULL.
    pub session_new: ConnectorSessionNewFn,
    /// Frees a session and everything it holds (tokens are wiped). NULL is a no-op. The session must not be
    /// in use by another thread; any running call must have returned.
    pub session_free: ConnectorSessionFreeFn,
    /// Describes the connector: identity, version, ABI version, settings schema, steps, and the roles and
    /// permissions it will request. Never touches the network.
    pub describe: ConnectorQueryFn,
    /// Validates a settings document without touching the network; on success the result holds the
    /// normalised (and, when older, migrated) settings. Field errors come back as `InvalidSettings`.
    pub configure: ConnectorOperationFn,
    /// Signs an administrator in (device code or browser); events carry the sign-in prompt.
    pub authenticate: ConnectorOperationFn,
    /// Creates or updates the application registration; `"plan_only": true` in the input only reports
    /// what would change.
    pub provision: ConnectorOperationFn,
    /// Grants admin consent to the application's permissions, after the host showed them and the admin
    /// accepted.
    pub consent: ConnectorOperationFn,
    /// Tests the connection described by the settings; the result lists named checks.
    pub test: ConnectorOperationFn,
    /// Removes the application this connection uses, after the host confirmed.
    pub remove: ConnectorOperationFn,
    /// Asks the call running on `session` to stop; that call returns `Cancelled` promptly. Callable from any
    /// thread, at any time; returns `Ok` also when nothing was running.
    pub cancel: ConnectorCancelFn,
    /// Stops the plugin's background threads. Call it once, after every session was freed, before the host
    /// exits or unloads the library. Later operation calls and `session_new` return `ShutDown`;
    /// `document_free` and `session_free` keep working.
    pub shutdown: ConnectorShutdownFn,
    /// Frees a document returned through a `result_out` parameter. NULL is a no-op.
    pub document_free: ConnectorDocumentFreeFn,
}
