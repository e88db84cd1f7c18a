//! An Entra ID error body (status, content type, body) and the message an administrator gets from it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_connector::http::Service;
use m365_connector_fuzz::answer;

fuzz_target!(|data: &[u8]| {
    m365_connector::fuzzing::entra_error(answer(Service::Entra, data));
});
