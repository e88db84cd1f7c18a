//! The connector plugin C ABI, version 1: the `#[repr(C)]` contract shared by a connector plugin and the
//! hosts that load it.
//!
//! This crate has no dependencies and no code beyond type definitions, constants and the one table of status
//! names ([`ConnectorStatus::name`]), so that a host (host-sim, or any Rust program) can depend on it without
//! depending on a connector. The C header
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
//! Every function of the table returns a [`StatusCode`]: the `ConnectorStatus` of the header, read as a plain
//! `u32` so that a value added by a later minor version is not undefined behaviour for a Rust host.
//!
//! Every operation that produces output writes a JSON result document to its `result_out` parameter, on
//! success and on failure alike (see the README's "The C ABI" and `docs/abi.md` for the document formats).
#![no_std]
#![deny(missing_docs)]

use core::ffi::{c_char, c_void};
use core::mem::offset_of;

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
/// a retired status stays listed as a comment. Hosts must treat a value they do not know (one added by a
/// later minor version) as `Internal`. (Rust hosts receive a [`StatusCode`] and read it with
/// [`StatusCode::get`].)
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

impl ConnectorStatus {
    /// Every status of this ABI version, in the order of their values.
    pub const ALL: [ConnectorStatus; 20] = [
        ConnectorStatus::Ok,
        ConnectorStatus::InvalidArgument,
        ConnectorStatus::InvalidJson,
        ConnectorStatus::InvalidSettings,
        ConnectorStatus::Busy,
        ConnectorStatus::Cancelled,
        ConnectorStatus::NotAvailable,
        ConnectorStatus::SignInRequired,
        ConnectorStatus::SignInFailed,
        ConnectorStatus::PermissionDenied,
        ConnectorStatus::NotFound,
        ConnectorStatus::Conflict,
        ConnectorStatus::ConfirmationRequired,
        ConnectorStatus::ServiceError,
        ConnectorStatus::NetworkError,
        ConnectorStatus::Timeout,
        ConnectorStatus::TestFailed,
        ConnectorStatus::ShutDown,
        ConnectorStatus::Internal,
        ConnectorStatus::Panic,
    ];

    /// The status's name: the header's constant without its `CONNECTOR_STATUS_` prefix (`INVALID_SETTINGS`),
    /// as result documents write it in `status`. This is the one table of status names.
    pub const fn name(self) -> &'static str {
        match self {
            ConnectorStatus::Ok => "OK",
            ConnectorStatus::InvalidArgument => "INVALID_ARGUMENT",
            ConnectorStatus::InvalidJson => "INVALID_JSON",
            ConnectorStatus::InvalidSettings => "INVALID_SETTINGS",
            ConnectorStatus::Busy => "BUSY",
            ConnectorStatus::Cancelled => "CANCELLED",
            ConnectorStatus::NotAvailable => "NOT_AVAILABLE",
            ConnectorStatus::SignInRequired => "SIGN_IN_REQUIRED",
            ConnectorStatus::SignInFailed => "SIGN_IN_FAILED",
            ConnectorStatus::PermissionDenied => "PERMISSION_DENIED",
            ConnectorStatus::NotFound => "NOT_FOUND",
            ConnectorStatus::Conflict => "CONFLICT",
            ConnectorStatus::ConfirmationRequired => "CONFIRMATION_REQUIRED",
            ConnectorStatus::ServiceError => "SERVICE_ERROR",
            ConnectorStatus::NetworkError => "NETWORK_ERROR",
            ConnectorStatus::Timeout => "TIMEOUT",
            ConnectorStatus::TestFailed => "TEST_FAILED",
            ConnectorStatus::ShutDown => "SHUT_DOWN",
            ConnectorStatus::Internal => "INTERNAL",
            ConnectorStatus::Panic => "PANIC",
        }
    }
}

/// A status value this ABI version does not name (see [`ConnectorStatus`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownStatus(pub u32);

impl core::fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "unknown status {}", self.0)
    }
}

impl TryFrom<u32> for ConnectorStatus {
    type Error = UnknownStatus;

    /// The named status of a value a host received, or [`UnknownStatus`].
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        let mut index = 0;
        while index < ConnectorStatus::ALL.len() {
            if ConnectorStatus::ALL[index] as u32 == value {
                return Ok(ConnectorStatus::ALL[index]);
            }
            index += 1;
        }
        Err(UnknownStatus(value))
    }
}

/// What every function of the table returns: a status value as it crosses the boundary, `uint32_t`-sized.
///
/// In C and C# it is the `ConnectorStatus` type itself. In Rust it is kept apart from the
/// [`ConnectorStatus`] enum because a plugin of a later minor version may return a value this crate does not
/// name, and reading such a value into a Rust enum would be undefined behaviour; reading it into this type is
/// not. [`StatusCode::get`] gives the status a host acts on.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusCode(u32);

impl StatusCode {
    /// The status code of a raw value.
    pub const fn from_raw(value: u32) -> StatusCode {
        StatusCode(value)
    }

    /// The value as it crossed the boundary.
    pub const fn raw(self) -> u32 {
        self.0
    }

    /// The named status, or `None` for a value this ABI version does not know.
    pub fn known(self) -> Option<ConnectorStatus> {
        ConnectorStatus::try_from(self.0).ok()
    }

    /// The status as a host must treat it: a value this ABI version does not know counts as
    /// [`ConnectorStatus::Internal`].
    pub fn get(self) -> ConnectorStatus {
        self.known().unwrap_or(ConnectorStatus::Internal)
    }

    /// Whether the call succeeded.
    pub const fn is_ok(self) -> bool {
        self.0 == ConnectorStatus::Ok as u32
    }

    /// The status's name ([`ConnectorStatus::name`]), or `None` for a value this ABI version does not know.
    pub fn name(self) -> Option<&'static str> {
        self.known().map(ConnectorStatus::name)
    }
}

impl From<ConnectorStatus> for StatusCode {
    fn from(status: ConnectorStatus) -> StatusCode {
        StatusCode(status as u32)
    }
}

impl PartialEq<ConnectorStatus> for StatusCode {
    fn eq(&self, other: &ConnectorStatus) -> bool {
        self.0 == *other as u32
    }
}

impl core::fmt::Display for StatusCode {
    /// `INVALID_SETTINGS (3)`, or `unknown status 4242`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "{}", UnknownStatus(self.0)),
        }
    }
}

impl core::fmt::Debug for StatusCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(self, f)
    }
}

/// An opaque connector session. Created by `session_new`, freed by `session_free`; never dereferenced by
/// the host.
#[repr(C)]
pub struct ConnectorSession {
    _private: [u8; 0],
}

/// The event callback a host passes to `session_new` (NULL for none).
///
/// `user_data` is the pointer the host passed to `session_new`, unchanged. `event_json` is a NUL-terminated
/// UTF-8 JSON event document (docs/abi.md), borrowed for the duration of the callback only: copy it to keep
/// it.
///
/// Threading: the plugin invokes the callback only while an operation call on that session is running, on
/// the thread that made that call, never after the call returned. The callback must not call back into the
/// same session (that call would return `Busy`) and must not unwind (a C++ exception or a Rust panic must be
/// caught inside the callback).
///
/// The type is nullable (`Option` in Rust, a NULL pointer in C): `session_new` takes NULL for "no events".
pub type ConnectorEventFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, event_json: *const c_char)>;

/// `uint32_t connector_abi_version(void)`: the packed ABI version. Safe to call before anything else, from
/// any thread.
pub type ConnectorAbiVersionFn = unsafe extern "C" fn() -> u32;

/// `const ConnectorApi *connector_entry(void)`: the plugin's function table. Never NULL; static for the life
/// of the loaded library.
pub type ConnectorEntryFn = unsafe extern "C" fn() -> *const ConnectorApi;

/// `session_new(options_json, event_cb, user_data, session_out, result_out)`.
pub type ConnectorSessionNewFn = unsafe extern "C" fn(
    options_json: *const c_char,
    event_cb: ConnectorEventFn,
    user_data: *mut c_void,
    session_out: *mut *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> StatusCode;

/// `session_free(session)`.
pub type ConnectorSessionFreeFn = unsafe extern "C" fn(session: *mut ConnectorSession);

/// An operation without input: `op(session, result_out)`.
pub type ConnectorQueryFn = unsafe extern "C" fn(
    session: *mut ConnectorSession,
    result_out: *mut *mut c_char,
) -> StatusCode;

/// An operation with a JSON input document: `op(session, input_json, result_out)`.
pub type ConnectorOperationFn = unsafe extern "C" fn(
    session: *mut ConnectorSession,
    input_json: *const c_char,
    result_out: *mut *mut c_char,
) -> StatusCode;

/// `cancel(session)`.
pub type ConnectorCancelFn = unsafe extern "C" fn(session: *mut ConnectorSession) -> StatusCode;

/// `shutdown()`.
pub type ConnectorShutdownFn = unsafe extern "C" fn() -> StatusCode;

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
    /// Frees a session and everything it holds. NULL is a no-op. The session must not be
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

/// Every function of the ABI 1.0 table, by field name and byte offset, in table order: what a host checks
/// for NULL after reading `struct_size`, without reading each field by hand.
pub const CONNECTOR_API_FUNCTIONS: [(&str, usize); 12] = [
    ("session_new", offset_of!(ConnectorApi, session_new)),
    ("session_free", offset_of!(ConnectorApi, session_free)),
    ("describe", offset_of!(ConnectorApi, describe)),
    ("configure", offset_of!(ConnectorApi, configure)),
    ("authenticate", offset_of!(ConnectorApi, authenticate)),
    ("provision", offset_of!(ConnectorApi, provision)),
    ("consent", offset_of!(ConnectorApi, consent)),
    ("test", offset_of!(ConnectorApi, test)),
    ("remove", offset_of!(ConnectorApi, remove)),
    ("cancel", offset_of!(ConnectorApi, cancel)),
    ("shutdown", offset_of!(ConnectorApi, shutdown)),
    ("document_free", offset_of!(ConnectorApi, document_free)),
];
