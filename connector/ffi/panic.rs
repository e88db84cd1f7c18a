//! The one panic boundary: every exported function runs its body through here, so that a panic never
//! unwinds into the host.

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use connector_abi::ConnectorStatus;

use crate::ffi::ptr::{document_into_raw, write_out};
use crate::result::Outcome;
use crate::session::Operation;

/// Runs an operation's body, catching a panic, and writes its result document to `result_out` (when not
/// NULL). Returns the outcome's status, or `Panic` when the body panicked.
///
/// # Safety
/// `result_out` is NULL or valid for a write of a pointer.
pub(crate) unsafe fn with_result(
    operation: Operation,
    result_out: *mut *mut c_char,
    body: impl FnOnce() -> Outcome,
) -> ConnectorStatus {
    // AssertUnwindSafe: after a panic, nothing the body touched is used in a broken state. Session state is
    // atomics only, and the busy flag is released by a guard while unwinding.
    let outcome =
        catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| Outcome::panicked(operation));
    let status = outcome.status();
    if result_out.is_null() {
        // The host does not want the document: make none (it could never be freed).
        return status;
    }
    match catch_unwind(AssertUnwindSafe(|| document_into_raw(outcome.to_json()))) {
        Ok(document) => {
            // SAFETY: result_out is not NULL and writable (forwarded from the caller).
            unsafe { write_out(result_out, document) };
            status
        }
        Err(_) => {
            // SAFETY: as above.
            unsafe { write_out(result_out, std::ptr::null_mut()) };
            ConnectorStatus::Panic
        }
    }
}

/// Runs a body without a result document, returning `on_panic` when it panics.
pub(crate) fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: as in with_result.
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}
