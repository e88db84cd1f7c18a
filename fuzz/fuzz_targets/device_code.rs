//! The device authorization endpoint's answer (status, content type, body): the code to show, or a refusal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_connector::http::Service;
use m365_connector_fuzz::answer;

fuzz_target!(|data: &[u8]| {
    m365_connector::fuzzing::device_code(answer(Service::Entra, data));
});
