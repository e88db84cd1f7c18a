//! Pins the binary layout of every `#[repr(C)]` type of the ABI and the value of every status, so that an
//! accidental change fails here before it breaks a host. Changing any of these is an ABI break (a new major
//! version), or, for a field appended to `ConnectorApi`, a new minor version.

use std::ffi::{c_char, c_void};
use std::mem::{align_of, offset_of, size_of};

use connector_abi::{
    CONNECTOR_API_FUNCTIONS, ConnectorApi, ConnectorEventFn, ConnectorSession, ConnectorStatus,
    StatusCode,
};

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
    let functions = CONNECTOR_API_FUNCTIONS.map(|(_, offset)| offset);
    // The header fields come first (8 bytes), then one function pointer after another, in this order.
    let first = 8usize.next_multiple_of(PTR);
    for (index, offset) in functions.into_iter().enumerate() {
        assert_eq!(offset, first + index * PTR, "function pointer {index}");
    }
    assert_eq!(
        size_of::<ConnectorApi>(),
        first + 12 * PTR,
        "the list names every function"
    );
    let names = CONNECTOR_API_FUNCTIONS.map(|(name, _)| name);
    assert_eq!(
        names,
        [
            "session_new",
            "session_free",
            "describe",
            "configure",
            "authenticate",
            "provision",
            "consent",
            "test",
            "remove",
            "cancel",
            "shutdown",
            "document_free"
        ]
    );
    assert_eq!(align_of::<ConnectorApi>(), PTR.max(4));
    #[cfg(target_pointer_width = "64")]
    assert_eq!(size_of::<ConnectorApi>(), 104);
}

#[test]
fn the_header_declares_the_event_callback_hosts_implement() {
    // The typedef is generated from the Rust alias (an `Option` of the function, NULL for none); this pins
    // what C hosts compile their callbacks against, and that both session_new forms take it.
    let header = committed_header();
    assert!(
        header
            .contains("typedef void (*ConnectorEventFn)(void *user_data, const char *event_json);"),
        "the header's ConnectorEventFn typedef changed"
    );
    let session_new_parameters = header.matches("ConnectorEventFn event_cb,").count();
    assert_eq!(
        session_new_parameters, 2,
        "ConnectorSessionNewFn and connector_session_new both take a ConnectorEventFn"
    );
    unsafe extern "C" fn callback(_user_data: *mut c_void, _event_json: *const c_char) {}
    let some: ConnectorEventFn = Some(callback);
    assert!(some.is_some());
}

#[test]
fn status_names_and_values_are_the_headers() {
    let header = committed_header();
    let declared: Vec<(String, u32)> = header
        .lines()
        .filter_map(|line| line.trim().strip_prefix("CONNECTOR_STATUS_"))
        .map(|rest| {
            let (name, value) = rest.trim_end_matches(',').split_once(" = ").unwrap();
            (name.to_owned(), value.parse().unwrap())
        })
        .collect();
    let named: Vec<(String, u32)> = ConnectorStatus::ALL
        .iter()
        .map(|status| (status.name().to_owned(), *status as u32))
        .collect();
    assert_eq!(declared, named);
    for (name, value) in &named {
        let status = ConnectorStatus::try_from(*value).unwrap();
        assert_eq!(status.name(), name);
        assert_eq!(
            StatusCode::from(status).to_string(),
            format!("{name} ({value})")
        );
    }
    assert_eq!(
        ConnectorStatus::try_from(4242).unwrap_err().to_string(),
        "unknown status 4242"
    );
    let unknown = StatusCode::from_raw(4242);
    assert_eq!(
        (unknown.known(), unknown.get()),
        (None, ConnectorStatus::Internal)
    );
}

fn committed_header() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("include/m365_connector.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
