#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mnir_fuzzing::notification_json(data));
