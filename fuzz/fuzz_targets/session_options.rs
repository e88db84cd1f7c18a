//! Session options as a host passes them to `session_new`: arbitrary bytes behind a valid pointer (with a
//! NUL inside or only the terminating one). A session that opens must describe itself and free cleanly.
#![no_main]

use std::ffi::c_char;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use m365_connector::ffi::{connector_describe, connector_session_free, connector_session_new};
use m365_connector_fuzz::{c_string, check_result};

fuzz_target!(|data: &[u8]| {
    let options = c_string(data);
    let mut session = ptr::null_mut();
    let mut document = ptr::null_mut();
    // SAFETY: a NUL-terminated string valid for the call, no callback, valid out-pointers.
    let status = unsafe {
        connector_session_new(
            options.as_ptr().cast::<c_char>(),
            None,
            ptr::null_mut(),
            &mut session,
            &mut document,
        )
    };
    let status = check_result("session_new", status, document);
    if status != connector_abi::ConnectorStatus::Ok {
        assert!(session.is_null(), "a failed session_new wrote a session");
        return;
    }
    let mut document = ptr::null_mut();
    // SAFETY: a live session and a valid out-pointer.
    let status = unsafe { connector_describe(session, &mut document) };
    check_result("describe", status, document);
    // SAFETY: the session is live and no call runs on it.
    unsafe { connector_session_free(session) };
});
