//! Pins the binary layout of every `#[repr(C)]` type of the ABI and the value of every status, so that an
//! accidental change fails here before it breaks a host. Changing any of these is an ABI break (a new major
//! version), or, for a field appended to `ConnectorApi`, a new minor version.

use std::ffi::{c_char, c_void};
use std::mem::{align_of, offset_of, size_of};

use connector_abi::{ConnectorApi, ConnectorEventFn, ConnectorSession, ConnectorStatus};

const PTR: usize = size_of::<*const c_void>();

#[test]
fn status_values_never_change() {
    let values = [
        (ConnectorStatus::Ok, 0),
        (ConnectorStatus::InvalidArgument, 1),
        (ConnectorStatus::InvalidJson, 2),
        (ConnectorStatus::InvalidSettings, 3),
        (ConnectorStatus::Busy, 4),
        (ConnectorStatus::Cancelled, 5),
        (ConnectorStatus::NotAvailable, 6),
        (ConnectorStatus::SignInRequired, 7),
        (ConnectorStatus::SignInFailed, 8),
        (ConnectorStatus::PermissionDenied, 9),
        (ConnectorStatus::NotFound, 10),
        (ConnectorStatus::Conflict, 11),
        (ConnectorStatus::ConfirmationRequired, 12),
        (ConnectorStatus::ServiceError, 13),
        (ConnectorStatus::NetworkError, 14),
        (ConnectorStatus::Timeout, 15),
        (ConnectorStatus::TestFailed, 16),
        (ConnectorStatus::ShutDown, 17),
        (ConnectorStatus::Internal, 98),
        (ConnectorStatus::Panic, 99),
    ];
    for (status, value) in values {
        assert_eq!(status as u32, value, "{status:?}");
    }
    assert_eq!(size_of::<ConnectorStatus>(), 4);
    assert_eq!(align_of::<ConnectorStatus>(), 4);
}

#[test]
fn the_session_handle_is_opaque() {
    assert_eq!(size_of::<ConnectorSession>(), 0);
    assert_eq!(align_of::<ConnectorSession>(), 1);
}

#[test]
fn the_function_table_layout_is_fixed() {
    assert_eq!(offset_of!(ConnectorApi, struct_size), 0);
    assert_eq!(offset_of!(ConnectorApi, abi_major), 4);
    assert_eq!(offset_of!(ConnectorApi, abi_minor), 6);
    let functions = [
        offset_of!(ConnectorApi, session_new),
        offset_of!(ConnectorApi, session_free),
        offset_of!(ConnectorApi, describe),
        offset_of!(ConnectorApi, configure),
        offset_of!(ConnectorApi, authenticate),
        offset_of!(ConnectorApi, provision),
        offset_of!(ConnectorApi, consent),
        offset_of!(ConnectorApi, test),
        offset_of!(ConnectorApi, remove),
        offset_of!(ConnectorApi, cancel),
        offset_of!(ConnectorApi, shutdown),
        offset_of!(ConnectorApi, document_free),
    ];
    // The header fields come first (8 bytes), then one function pointer after another, in this order.
    let first = 8usize.next_multiple_of(PTR);
    for (index, offset) in functions.into_iter().enumerate() {
        assert_eq!(offset, first + index * PTR, "function pointer {index}");
    }
    assert_eq!(size_of::<ConnectorApi>(), first + 12 * PTR);
    assert_eq!(align_of::<ConnectorApi>(), PTR.max(4));
    #[cfg(target_pointer_width = "64")]
    assert_eq!(size_of::<ConnectorApi>(), 104);
}

#[test]
fn the_event_callback_has_the_signature_the_header_declares() {
    // build.rs writes `typedef void (*ConnectorEventFn)(void *user_data, const char *event_json);` by hand
    // (cbindgen cannot place it). If the alias changes, this stops compiling: update build.rs with it.
    unsafe extern "C" fn callback(_user_data: *mut c_void, _event_json: *const c_char) {}
    let as_declared: ConnectorEventFn = callback;
    assert_eq!(size_of_val(&as_declared), PTR);
    // A nullable callback is one pointer, NULL being None.
    assert_eq!(size_of::<Option<ConnectorEventFn>>(), PTR);
}
