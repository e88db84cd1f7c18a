//! Pointer and string checks at the C boundary: every raw pointer the host passes goes through here.

use std::ffi::{CStr, CString, c_char};

use connector_abi::ConnectorSession;

use crate::error::{Error, ErrorKind};
use crate::session::Session;

/// Borrows a required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unchanged for `'a`.
pub(crate) unsafe fn required_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name} is NULL; a JSON document is required."),
        )
        .with_hint("Pass a NUL-terminated UTF-8 JSON document."));
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string valid for 'a.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{name} is not valid UTF-8 (invalid byte at offset {}).",
                e.valid_up_to()
            ),
        )
        .with_hint("Encode every string passed to the connector as UTF-8.")
    })
}

/// Borrows an optional string argument: NULL is `None`.
///
/// # Safety
/// As [`required_str`].
pub(crate) unsafe fn optional_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { required_str(ptr, name) }.map(Some)
}

/// Moves a session to the host.
pub(crate) fn session_into_raw(session: Session) -> *mut ConnectorSession {
    Box::into_raw(Box::new(session)).cast::<ConnectorSession>()
}

/// Borrows the session behind a handle.
///
/// # Safety
/// `ptr` is NULL or a handle from [`session_into_raw`] that was not freed and is not freed for `'a`.
pub(crate) unsafe fn session_ref<'a>(ptr: *mut ConnectorSession) -> Result<&'a Session, Error> {
    if ptr.is_null() {
        return Err(Error::new(ErrorKind::InvalidArgument, "session is NULL.")
            .with_hint("Create a session with session_new first."));
    }
    // SAFETY: the handle came from session_into_raw (a Box<Session>) and is still alive; shared access only.
    Ok(unsafe { &*ptr.cast::<Session>() })
}

/// Takes a session back from the host, to drop it. NULL gives `None`.
///
/// # Safety
/// `ptr` is NULL or a handle from [`session_into_raw`] that was not freed and that no other thread uses.
pub(crate) unsafe fn session_from_raw(ptr: *mut ConnectorSession) -> Option<Box<Session>> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the handle is a Box<Session> leaked by session_into_raw, owned back exactly once here.
    Some(unsafe { Box::from_raw(ptr.cast::<Session>()) })
}

/// Writes `value` to an out-parameter, unless it is NULL.
///
/// # Safety
/// `out` is NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: not NULL, and the caller guarantees it is writable.
        unsafe { out.write(value) };
    }
}

/// Moves a document to the host as a NUL-terminated string, to be released with [`document_from_raw`].
pub(crate) fn document_into_raw(json: String) -> *mut c_char {
    // JSON text produced by serde_json never contains a NUL byte (it is escaped as \u0000).
    CString::new(json).unwrap_or_default().into_raw()
}

/// Releases a document made by [`document_into_raw`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or a document from [`document_into_raw`] that was not freed yet.
pub(crate) unsafe fn document_from_raw(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: the pointer came from CString::into_raw and is released exactly once.
        drop(unsafe { CString::from_raw(ptr) });
    }
}
