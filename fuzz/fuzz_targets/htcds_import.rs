#![no_main]

use std::sync::Once;

static PANICS_AS_IN_PRODUCTION: Once = Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys installs a panic hook that aborts at every panic, even one the code catches.
    // The import catches the panics of the XLSX reader (calamine overflows on some cell
    // references where overflow checks are on) and tells the file as unreadable; with that hook
    // the campaign stopped at each of them although the import answers well. This hook only
    // reports the panic: one the import does not catch still ends in libfuzzer-sys's own
    // catch_unwind, which aborts, so the campaign still stops at every panic that escapes.
    PANICS_AS_IN_PRODUCTION.call_once(|| {
        std::panic::set_hook(Box::new(|info| eprintln!("panic (caught or not): {info}")));
    });
    mnir_fuzzing::htcds_import(data)
});
