//! `shutdown` ends the plugin for the process: this test has its own binary, so the other tests' sessions
//! are not affected.

mod plugin_host;

use std::ffi::CString;
use std::ptr;

use connector_abi::{CONNECTOR_ABI_VERSION, ConnectorStatus};

use crate::plugin_host::{Session, api, take_document};

#[test]
fn after_shutdown_only_freeing_and_the_version_still_work() {
    let session = Session::new(None);
    assert_eq!(session.describe().0, ConnectorStatus::Ok);

    // SAFETY: no preconditions; calling it twice is allowed.
    unsafe {
        assert_eq!((api().shutdown)(), ConnectorStatus::Ok);
        assert_eq!((api().shutdown)(), ConnectorStatus::Ok);
    }

    let (status, document) = session.describe();
    assert_eq!(status, ConnectorStatus::ShutDown);
    assert_eq!(document["status"], "SHUT_DOWN");
    assert_eq!(document["error"]["code"], "shut_down");
    let (status, _) = session.call(
        "configure",
        r#"{"settings_version":3,"application_name":"Sync"}"#,
    );
    assert_eq!(status, ConnectorStatus::ShutDown);

    let mut handle = ptr::null_mut();
    let mut result = ptr::null_mut();
    let options = CString::new("{}").unwrap();
    // SAFETY: valid pointers.
    let status = unsafe {
        (api().session_new)(
            options.as_ptr(),
            None,
            ptr::null_mut(),
            &mut handle,
            &mut result,
        )
    };
    assert_eq!(status, ConnectorStatus::ShutDown);
    assert!(handle.is_null());
    assert!(
        take_document(result)["error"]["message"]
            .as_str()
            .unwrap()
            .contains("shut down")
    );

    // SAFETY: a live session; cancel keeps working.
    assert_eq!(
        unsafe { (api().cancel)(session.handle) },
        ConnectorStatus::Ok
    );
    // SAFETY: no preconditions.
    assert_eq!(
        unsafe { m365_connector::ffi::connector_abi_version() },
        CONNECTOR_ABI_VERSION
    );
    drop(session); // session_free works after shutdown
}
