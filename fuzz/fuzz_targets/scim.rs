#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| userbridge_fuzz::exercise(userbridge_core::Dialect::Scim, data));
