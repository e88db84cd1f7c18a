//! What the fuzz targets share: turning fuzzer bytes into the inputs a host or a service would send, and
//! the checks every result document of the C ABI must pass.

use std::ffi::{CStr, c_char};

use connector_abi::{ConnectorStatus, StatusCode};
use m365_connector::http::{Response, Service};

/// The bytes as a C string: the fuzzer's bytes and a terminating NUL. Bytes that hold a NUL themselves end
/// the string there, as they would for a C host, so inputs with and without an inner NUL are both tried.
pub fn c_string(data: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(data.len() + 1);
    text.extend_from_slice(data);
    text.push(0);
    text
}

/// Checks a call's status and result document as a host sees them, then frees the document: a status
/// ABI 1.0 names, never `PANIC`, a document that is JSON, names the status and says `ok` exactly on `OK`.
pub fn check_result(operation: &str, status: StatusCode, document: *mut c_char) -> ConnectorStatus {
    let named = status
        .known()
        .unwrap_or_else(|| panic!("{operation} returned {}, which ABI 1.0 does not name", status.raw()));
    assert_ne!(named, ConnectorStatus::Panic, "{operation} panicked");
    assert!(!document.is_null(), "{operation} wrote no result document");
    // SAFETY: the plugin wrote a NUL-terminated string that stays valid until document_free.
    let text = unsafe { CStr::from_ptr(document) }
        .to_str()
        .expect("result documents are UTF-8")
        .to_owned();
    // SAFETY: the document came from the plugin and is freed once.
    unsafe { m365_connector::ffi::connector_document_free(document) };
    let document: serde_json::Value = serde_json::from_str(&text).expect("result documents are JSON");
    assert_eq!(document["operation"], operation);
    assert_eq!(document["status"], named.name());
    assert_eq!(document["ok"], named == ConnectorStatus::Ok);
    if named != ConnectorStatus::Ok {
        assert!(document["error"]["message"].is_string(), "a failure without a message");
        assert!(document["error"]["code"].is_string(), "a failure without a code");
    }
    named
}

/// The statuses a service answer most often has; any other comes from the fuzzer's two bytes.
const STATUSES: [u16; 8] = [200, 201, 204, 400, 401, 404, 429, 500];

/// The content types a service answer may claim.
const CONTENT_TYPES: [&[u8]; 6] = [
    b"application/json",
    b"application/json; charset=utf-8",
    b"application/problem+json",
    b"text/html",
    b"text/plain",
    b"",
];

/// A service answer from the fuzzer's bytes: a status (byte 0: one of the usual ones, or bytes 1-2 as a
/// number), a content type (byte 3), and the rest as the body.
pub fn answer(service: Service, data: &[u8]) -> Response {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let status = match STATUSES.get(usize::from(byte(0))) {
        Some(status) => *status,
        None => u16::from_le_bytes([byte(1), byte(2)]),
    };
    let content_type = CONTENT_TYPES[usize::from(byte(3)) % CONTENT_TYPES.len()];
    let body = data.get(4..).unwrap_or_default();
    m365_connector::fuzzing::response(service, status.wrapping_sub(100), content_type, body)
}
