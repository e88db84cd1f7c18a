//! A Microsoft Graph answer to one request (status, content type, body): its body, its error envelope, and the error it becomes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_connector::http::Service;
use m365_connector_fuzz::answer;

fuzz_target!(|data: &[u8]| {
    m365_connector::fuzzing::graph_answer(answer(Service::Graph, data));
});
