//! Settings documents (and the members operations take beside them) as a host passes them: arbitrary bytes
//! behind a valid pointer, to `configure`, and to `provision`, `consent` and `remove`, which check their
//! input the same way and then need a sign-in, so none of them touches the network. The first byte picks
//! the operation.
#![no_main]

use std::ffi::c_char;
use std::ptr;

use connector_abi::ConnectorSession;
use libfuzzer_sys::fuzz_target;
use m365_connector::ffi::{
    connector_configure, connector_consent, connector_provision, connector_remove,
    connector_session_free, connector_session_new,
};
use m365_connector_fuzz::{c_string, check_result};

type Operation = unsafe extern "C" fn(
    *mut ConnectorSession,
    *const c_char,
    *mut *mut c_char,
) -> connector_abi::StatusCode;

const OPERATIONS: [(&str, Operation); 4] = [
    ("configure", connector_configure),
    ("provision", connector_provision),
    ("consent", connector_consent),
    ("remove", connector_remove),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else {
        return;
    };
    let (name, operation) = OPERATIONS[usize::from(pick) % OPERATIONS.len()];
    let mut session = ptr::null_mut();
    // SAFETY: no options, no callback, a valid out-pointer, no document wanted.
    let status = unsafe {
        connector_session_new(ptr::null(), None, ptr::null_mut(), &mut session, ptr::null_mut())
    };
    assert!(status.is_ok() && !session.is_null());
    let input = c_string(input);
    let mut document = ptr::null_mut();
    // SAFETY: a live session, a NUL-terminated input valid for the call, a valid out-pointer.
    let status = unsafe { operation(session, input.as_ptr().cast::<c_char>(), &mut document) };
    let status = check_result(name, status, document);
    if name != "configure" {
        // Without a sign-in nothing valid goes further than SIGN_IN_REQUIRED (and so to no network).
        assert_ne!(status, connector_abi::ConnectorStatus::Ok, "{name} succeeded without a sign-in");
    }
    // SAFETY: the session is live and no call runs on it.
    unsafe { connector_session_free(session) };
});
