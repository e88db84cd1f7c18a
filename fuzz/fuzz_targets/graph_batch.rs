//! A Microsoft Graph `$batch` answer (status, content type, body) to 1..=20 requests, alone or chained by
//! `dependsOn`, in any retry round: byte 0 the request count, byte 1 whether they are chained and the round,
//! the rest an answer as the other targets read it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365_connector::http::Service;
use m365_connector_fuzz::answer;

fuzz_target!(|data: &[u8]| {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let (items, flags) = (byte(0), byte(1));
    let rest = data.get(2..).unwrap_or_default();
    m365_connector::fuzzing::graph_batch(answer(Service::Graph, rest), items, flags & 1 == 1, flags >> 1);
});
