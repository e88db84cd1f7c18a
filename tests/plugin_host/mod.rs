//! A minimal host for the integration tests: it calls the plugin only through the function table that
//! `connector_entry` returns, as a C host would, and frees every document it gets.
#![allow(dead_code)] // each test binary uses part of this module

use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr;
use std::sync::Mutex;

use connector_abi::{ConnectorApi, ConnectorSession, ConnectorStatus, StatusCode};
use serde_json::Value;

/// The plugin's function table.
pub fn api() -> &'static ConnectorApi {
    // SAFETY: connector_entry returns a pointer to a static table that is never NULL.
    unsafe { &*m365_connector::ffi::connector_entry() }
}

/// The named status a call returned; a value ABI 1.0 does not name fails the test.
pub fn named(status: StatusCode) -> ConnectorStatus {
    status
        .known()
        .unwrap_or_else(|| panic!("the plugin returned {status}, which ABI 1.0 does not name"))
}

/// Takes a result document from the plugin: parses it and frees it.
pub fn take_document(document: *mut c_char) -> Value {
    assert!(!document.is_null(), "the plugin wrote no result document");
    // SAFETY: the plugin wrote a NUL-terminated string that stays valid until document_free.
    let text = unsafe { CStr::from_ptr(document) }
        .to_str()
        .expect("documents are UTF-8")
        .to_owned();
    // SAFETY: the document came from this plugin and is freed once.
    unsafe { (api().document_free)(document) };
    serde_json::from_str(&text).expect("result documents are JSON")
}

/// What a test does with each event inside the callback.
pub type OnEvent = Box<dyn Fn(&Value) + Send + Sync>;

/// Events a session received, in order.
#[derive(Default)]
pub struct EventLog {
    pub events: Mutex<Vec<Value>>,
    /// Called for every event, after it was recorded (to block or act inside the callback).
    pub on_event: Option<OnEvent>,
}

unsafe extern "C" fn record_event(user_data: *mut c_void, event_json: *const c_char) {
    // SAFETY: user_data is the EventLog the Session below owns; event_json is valid during the call.
    let (log, text) = unsafe { (&*user_data.cast::<EventLog>(), CStr::from_ptr(event_json)) };
    let event: Value = serde_json::from_str(text.to_str().unwrap()).unwrap();
    log.events.lock().unwrap().push(event.clone());
    if let Some(on_event) = &log.on_event {
        on_event(&event);
    }
}

/// A session with its event log.
pub struct Session {
    pub handle: *mut ConnectorSession,
    pub log: Box<EventLog>,
}

// SAFETY: the plugin's sessions may be used from any thread, one call at a time (the tests that share a
// session across threads do so to check that rule), and the EventLog is Sync.
unsafe impl Send for Session {}
// SAFETY: as above.
unsafe impl Sync for Session {}

impl Session {
    /// Creates a session with these options (None: NULL), panicking when that fails.
    pub fn new(options: Option<&str>) -> Session {
        Session::with_log(options, EventLog::default())
    }

    /// Creates a session with an event log of the caller's.
    pub fn with_log(options: Option<&str>, log: EventLog) -> Session {
        let mut log = Box::new(log);
        let options = options.map(|o| CString::new(o).unwrap());
        let mut handle = ptr::null_mut();
        let mut result = ptr::null_mut();
        // SAFETY: valid pointers; the log outlives the session (both dropped together, session first).
        let status = unsafe {
            (api().session_new)(
                options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
                Some(record_event),
                (&mut *log as *mut EventLog).cast(),
                &mut handle,
                &mut result,
            )
        };
        let document = take_document(result);
        assert_eq!(
            status,
            ConnectorStatus::Ok,
            "session_new failed: {document}"
        );
        Session { handle, log }
    }

    /// Calls describe.
    pub fn describe(&self) -> (ConnectorStatus, Value) {
        let mut result = ptr::null_mut();
        // SAFETY: a live session and a valid out-pointer.
        let status = unsafe { (api().describe)(self.handle, &mut result) };
        (named(status), take_document(result))
    }

    /// Calls an operation with an input document (configure, authenticate, …).
    pub fn call(&self, operation: &str, input: &str) -> (ConnectorStatus, Value) {
        let input = CString::new(input).unwrap();
        self.call_raw(operation, input.as_ptr())
    }

    /// Calls an operation with a raw input pointer.
    pub fn call_raw(&self, operation: &str, input: *const c_char) -> (ConnectorStatus, Value) {
        let mut result = ptr::null_mut();
        // SAFETY: a live session, an input that is NULL or NUL-terminated, a valid out-pointer.
        let status = unsafe { (operation_fn(operation))(self.handle, input, &mut result) };
        (named(status), take_document(result))
    }

    /// The events received so far.
    pub fn events(&self) -> Vec<Value> {
        self.log.events.lock().unwrap().clone()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: the handle is live and no call runs on it any more.
        unsafe { (api().session_free)(self.handle) };
    }
}

/// The table entry of an operation that takes an input document.
pub fn operation_fn(operation: &str) -> connector_abi::ConnectorOperationFn {
    let api = api();
    match operation {
        "configure" => api.configure,
        "authenticate" => api.authenticate,
        "provision" => api.provision,
        "consent" => api.consent,
        "test" => api.test,
        "remove" => api.remove,
        other => panic!("no operation {other}"),
    }
}

/// Every operation that takes an input document.
pub const INPUT_OPERATIONS: [&str; 6] = [
    "configure",
    "authenticate",
    "provision",
    "consent",
    "test",
    "remove",
];
