//! An ID token as the token endpoint hands it over: any text, read for its tenant and account.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    m365_connector::fuzzing::id_token(data);
});
