//! The C boundary's promises, checked through the function table as a host would call it: NULL, invalid
//! UTF-8 and malformed JSON are errors with a result document, never crashes; a panic is contained; a busy
//! session says so; cancel works from another thread; freeing NULL does nothing.

mod plugin_host;

use std::ffi::{CString, c_char};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use connector_abi::{CONNECTOR_ABI_VERSION, ConnectorApi, ConnectorStatus};
use serde_json::Value;

use crate::plugin_host::{
    EventLog, INPUT_OPERATIONS, Session, api, named, operation_fn, take_document,
};

const VALID: &str = r#"{"settings_version":3,"application_name":"Sync"}"#;
const NOT_UTF8: &[u8] = b"{\"application_name\":\"\xff\xfe\"}\0";

#[test]
fn the_version_and_table_are_there_before_anything_else() {
    // SAFETY: no preconditions.
    assert_eq!(
        unsafe { m365_connector::ffi::connector_abi_version() },
        CONNECTOR_ABI_VERSION
    );
    let api = api();
    assert_eq!(api.struct_size as usize, size_of::<ConnectorApi>());
    assert_eq!((api.abi_major, api.abi_minor), (1, 0));
}

#[test]
fn session_new_needs_somewhere_to_write_the_session() {
    let mut result = ptr::null_mut();
    // SAFETY: NULL session_out is what is being tested; result_out is valid.
    let status = unsafe {
        (api().session_new)(
            ptr::null(),
            None,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut result,
        )
    };
    assert_eq!(status, ConnectorStatus::InvalidArgument);
    let document = take_document(result);
    assert_eq!(document["operation"], "session_new");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("session_out is NULL")
    );
}

/// Calls session_new with raw options and returns the status, the session pointer and the document.
fn session_new_raw(options: *const c_char) -> (ConnectorStatus, bool, Value) {
    let mut session = ptr::null_mut();
    let mut result = ptr::null_mut();
    // SAFETY: valid out-pointers; options is NULL or NUL-terminated.
    let status =
        unsafe { (api().session_new)(options, None, ptr::null_mut(), &mut session, &mut result) };
    let created = !session.is_null();
    // SAFETY: NULL or a live session.
    unsafe { (api().session_free)(session) };
    (named(status), created, take_document(result))
}

#[test]
fn bad_session_options_are_refused_without_a_session() {
    let (status, created, document) = session_new_raw(NOT_UTF8.as_ptr().cast());
    assert_eq!((status, created), (ConnectorStatus::InvalidArgument, false));
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );

    let malformed = CString::new("{\n \"log_level\": \"info\",,\n}").unwrap();
    let (status, created, document) = session_new_raw(malformed.as_ptr());
    assert_eq!((status, created), (ConnectorStatus::InvalidJson, false));
    assert_eq!(
        (
            document["error"]["line"].clone(),
            document["error"]["column"].clone()
        ),
        (2.into(), 22.into())
    );

    let unknown = CString::new(r#"{"colour":"blue"}"#).unwrap();
    let (status, created, document) = session_new_raw(unknown.as_ptr());
    assert_eq!((status, created), (ConnectorStatus::InvalidJson, false));
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{document}"
    );

    let twice = CString::new(r#"{"log_level":"debug","log_level":"error"}"#).unwrap();
    let (status, created, document) = session_new_raw(twice.as_ptr());
    assert_eq!((status, created), (ConnectorStatus::InvalidJson, false));
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate field `log_level`"),
        "{document}"
    );

    let (status, created, document) = session_new_raw(ptr::null());
    assert_eq!(
        (status, created, document["ok"].clone()),
        (ConnectorStatus::Ok, true, Value::Bool(true))
    );
}

#[test]
fn a_null_session_is_an_invalid_argument_everywhere() {
    let mut result = ptr::null_mut();
    // SAFETY: a NULL session is what is being tested.
    let status = unsafe { (api().describe)(ptr::null_mut(), &mut result) };
    assert_eq!(status, ConnectorStatus::InvalidArgument);
    assert_eq!(take_document(result)["error"]["code"], "invalid_argument");
    let input = CString::new(VALID).unwrap();
    for operation in INPUT_OPERATIONS {
        let mut result = ptr::null_mut();
        // SAFETY: as above.
        let status =
            unsafe { (operation_fn(operation))(ptr::null_mut(), input.as_ptr(), &mut result) };
        assert_eq!(status, ConnectorStatus::InvalidArgument, "{operation}");
        let document = take_document(result);
        assert_eq!(document["operation"], operation);
        assert_eq!(document["error"]["message"], "session is NULL.");
    }
    // SAFETY: as above.
    assert_eq!(
        unsafe { (api().cancel)(ptr::null_mut()) },
        ConnectorStatus::InvalidArgument
    );
}

#[test]
fn null_and_non_utf8_input_are_invalid_arguments() {
    let session = Session::new(None);
    for operation in INPUT_OPERATIONS {
        let (status, document) = session.call_raw(operation, ptr::null());
        assert_eq!(status, ConnectorStatus::InvalidArgument, "{operation}");
        assert!(
            document["error"]["message"]
                .as_str()
                .unwrap()
                .contains("input_json is NULL")
        );
        let (status, document) = session.call_raw(operation, NOT_UTF8.as_ptr().cast());
        assert_eq!(status, ConnectorStatus::InvalidArgument, "{operation}");
        assert_eq!(
            document["error"]["message"],
            "input_json is not valid UTF-8 (invalid byte at offset 21).",
            "{operation}"
        );
    }
}

#[test]
fn malformed_json_says_where() {
    let session = Session::new(None);
    for operation in INPUT_OPERATIONS {
        let (status, document) = session.call(
            operation,
            "{\"settings_version\": 2,\n  \"application_name\": }",
        );
        assert_eq!(status, ConnectorStatus::InvalidJson, "{operation}");
        assert_eq!(document["status"], "INVALID_JSON");
        assert_eq!(document["error"]["code"], "invalid_json");
        assert_eq!(
            (
                document["error"]["line"].clone(),
                document["error"]["column"].clone()
            ),
            (2.into(), 23.into())
        );
        let (status, document) = session.call(operation, "[1, 2]");
        assert_eq!(status, ConnectorStatus::InvalidJson, "{operation}");
        assert!(
            document["error"]["message"]
                .as_str()
                .unwrap()
                .contains("must be a JSON object")
        );
    }
}

#[test]
fn result_out_may_be_null() {
    let session = Session::new(None);
    // SAFETY: a live session; a NULL result_out means "no document".
    let status = unsafe { (api().describe)(session.handle, ptr::null_mut()) };
    assert_eq!(status, ConnectorStatus::Ok);
    let input = CString::new("{").unwrap();
    // SAFETY: as above.
    let status = unsafe { (api().configure)(session.handle, input.as_ptr(), ptr::null_mut()) };
    assert_eq!(status, ConnectorStatus::InvalidJson);
}

#[test]
fn freeing_null_does_nothing() {
    // SAFETY: NULL is documented as a no-op for both.
    unsafe {
        (api().document_free)(ptr::null_mut());
        (api().session_free)(ptr::null_mut());
    }
}

#[test]
fn network_operations_check_their_settings_before_anything_else() {
    let session = Session::new(None);
    for operation in ["authenticate", "provision", "consent", "test", "remove"] {
        let (status, document) =
            session.call(operation, r#"{"settings_version":3,"application_name":""}"#);
        assert_eq!(status, ConnectorStatus::InvalidSettings, "{operation}");
        assert_eq!(document["error"]["fields"][0]["field"], "application_name");
    }
    // Without a sign-in on the session, the operations that need one say so before any request.
    for operation in ["provision", "consent"] {
        let (status, document) = session.call(operation, VALID);
        assert_eq!(status, ConnectorStatus::SignInRequired, "{operation}");
        assert_eq!(document["status"], "SIGN_IN_REQUIRED");
        assert_eq!(document["error"]["code"], "sign_in_required");
    }
    let (status, _) = session.call(
        "provision",
        r#"{"settings_version":3,"application_name":"Sync","plan_only":true}"#,
    );
    assert_eq!(status, ConnectorStatus::SignInRequired);
}

#[test]
fn a_forced_panic_is_contained_and_the_session_goes_on() {
    for operation in [
        "describe",
        "configure",
        "authenticate",
        "provision",
        "consent",
        "test",
        "remove",
    ] {
        let options = format!(r#"{{"diagnostics": {{"panic_in": "{operation}"}}}}"#);
        let session = Session::new(Some(&options));
        let (status, document) = if operation == "describe" {
            session.describe()
        } else {
            session.call(operation, VALID)
        };
        assert_eq!(status, ConnectorStatus::Panic, "{operation}");
        assert_eq!(document["status"], "PANIC");
        assert_eq!(document["operation"], operation);
        assert_eq!(document["error"]["code"], "panic");
        let message = document["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("during {operation}")),
            "{message}"
        );
        assert!(
            message.contains("the session can still be freed"),
            "{message}"
        );
        // The session is not left busy: other operations still work on it.
        let (status, _) = if operation == "describe" {
            session.call("configure", VALID)
        } else {
            session.describe()
        };
        assert_eq!(status, ConnectorStatus::Ok, "after a panic in {operation}");
        // Session dropped here: session_free after a panic.
    }
}

#[test]
fn panic_in_accepts_only_operations() {
    let options = CString::new(r#"{"diagnostics":{"panic_in":"session_new"}}"#).unwrap();
    let (status, created, document) = session_new_raw(options.as_ptr());
    assert_eq!((status, created), (ConnectorStatus::InvalidJson, false));
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("diagnostics.panic_in")
    );
}

#[test]
fn a_callback_calling_back_into_its_session_gets_busy() {
    let session_handle = Arc::new(std::sync::atomic::AtomicPtr::new(ptr::null_mut()));
    let inner_status = Arc::new(std::sync::Mutex::new(None));
    let log = EventLog {
        on_event: Some(Box::new({
            let session_handle = session_handle.clone();
            let inner_status = inner_status.clone();
            move |event| {
                if event["phase"] == "started" {
                    let mut result = ptr::null_mut();
                    // SAFETY: the handle is live: this runs inside a call on it.
                    let status = unsafe {
                        (api().describe)(session_handle.load(Ordering::SeqCst), &mut result)
                    };
                    *inner_status.lock().unwrap() = Some((status, take_document(result)));
                }
            }
        })),
        ..EventLog::default()
    };
    let session = Session::with_log(None, log);
    session_handle.store(session.handle, Ordering::SeqCst);
    let (status, _) = session.call("configure", VALID);
    assert_eq!(status, ConnectorStatus::Ok);
    let (inner, document) = inner_status
        .lock()
        .unwrap()
        .take()
        .expect("the callback ran");
    assert_eq!(inner, ConnectorStatus::Busy);
    assert_eq!(document["error"]["code"], "busy");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("describe was not started")
    );
}

/// A session whose first `started` event blocks inside the callback until the test lets it go: the test
/// knows a call is running without sleeping.
fn session_paused_in_a_call() -> (Arc<Session>, Arc<Barrier>) {
    session_paused_at("started")
}

/// A session whose first step event of `phase` blocks inside the callback until the test lets it go.
fn session_paused_at(phase: &'static str) -> (Arc<Session>, Arc<Barrier>) {
    let barrier = Arc::new(Barrier::new(2));
    let paused_once = AtomicBool::new(false);
    let log = EventLog {
        on_event: Some(Box::new({
            let barrier = barrier.clone();
            move |event| {
                if event["phase"] == phase && !paused_once.swap(true, Ordering::SeqCst) {
                    barrier.wait(); // the call is running
                    barrier.wait(); // the test is done with it
                }
            }
        })),
        ..EventLog::default()
    };
    (Arc::new(Session::with_log(None, log)), barrier)
}

#[test]
fn a_second_call_from_another_thread_gets_busy() {
    let (session, barrier) = session_paused_in_a_call();
    let running = thread::spawn({
        let session = session.clone();
        move || session.call("configure", VALID)
    });
    barrier.wait();
    let (status, document) = session.describe();
    assert_eq!(status, ConnectorStatus::Busy);
    assert_eq!(document["status"], "BUSY");
    barrier.wait();
    let (status, _) = running.join().unwrap();
    assert_eq!(
        status,
        ConnectorStatus::Ok,
        "the running call was not disturbed"
    );
    assert_eq!(
        session.describe().0,
        ConnectorStatus::Ok,
        "the session is free again"
    );
}

/// Runs `operation` on another thread, pauses it at its first step event of `phase`, calls `cancel` from
/// this thread while it is paused there, and returns what the call returned, with its session.
fn cancelled_at(
    phase: &'static str,
    operation: &'static str,
) -> (Arc<Session>, ConnectorStatus, Value) {
    let (session, barrier) = session_paused_at(phase);
    let running = thread::spawn({
        let session = session.clone();
        move || session.call(operation, VALID)
    });
    barrier.wait();
    // SAFETY: a live session; cancel is callable from any thread while a call runs.
    assert_eq!(
        unsafe { (api().cancel)(session.handle) },
        ConnectorStatus::Ok
    );
    barrier.wait();
    let (status, document) = running.join().unwrap();
    (session, status, document)
}

#[test]
fn cancel_from_another_thread_stops_the_running_call() {
    let (session, status, document) = cancelled_at("started", "provision");
    assert_eq!(status, ConnectorStatus::Cancelled);
    assert_eq!(document["error"]["code"], "cancelled");
    assert_eq!(
        document["error"]["message"],
        "provision was cancelled by the host."
    );
    assert_eq!(document["error"]["step"], "provision");
    let phases: Vec<Value> = session
        .events()
        .iter()
        .map(|e| e["phase"].clone())
        .collect();
    assert_eq!(phases, ["started", "failed"]);
    // A cancel is not remembered for the next call.
    assert_eq!(session.call("configure", VALID).0, ConnectorStatus::Ok);
}

#[test]
fn a_cancel_that_lands_as_a_call_ends_does_not_reach_the_next_call() {
    // The cancel lands in the first call after its last checkpoint (while it sends its `finished` event),
    // so that call finishes; the next call, started after, is a call of its own generation.
    let (session, status, document) = cancelled_at("finished", "configure");
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    for operation in ["configure", "provision"] {
        let (status, document) = session.call(operation, VALID);
        assert_ne!(
            status,
            ConnectorStatus::Cancelled,
            "{operation}: {document}"
        );
    }
}

#[test]
fn cancels_from_another_thread_between_calls_never_cancel_a_later_call() {
    // One thread cancels after each call returned, the other starts the next call only then: each cancel
    // lands between two calls, and no call may come back cancelled.
    let session = Arc::new(Session::new(None));
    let (returned, cancel_next) = std::sync::mpsc::channel::<()>();
    let (cancelled, start_next) = std::sync::mpsc::channel::<()>();
    let canceller = thread::spawn({
        let session = session.clone();
        move || {
            while cancel_next.recv().is_ok() {
                // SAFETY: a live session; cancel is callable from any thread.
                assert_eq!(
                    unsafe { (api().cancel)(session.handle) },
                    ConnectorStatus::Ok
                );
                cancelled.send(()).unwrap();
            }
        }
    });
    for round in 0..50 {
        let (status, document) = session.call("configure", VALID);
        assert_eq!(status, ConnectorStatus::Ok, "round {round}: {document}");
        returned.send(()).unwrap();
        start_next.recv().unwrap();
    }
    drop(returned);
    canceller.join().unwrap();
}
