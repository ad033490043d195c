#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mnir_fuzzing::htcds_import(data));
