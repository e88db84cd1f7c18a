//! A token endpoint's answer to any grant (status, content type, body), then the ID token it carries or the refusal it is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_connector::http::Service;
use m365_connector_fuzz::answer;

fuzz_target!(|data: &[u8]| {
    m365_connector::fuzzing::token_answer(answer(Service::Entra, data));
});
