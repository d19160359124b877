#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tetraglot::fuzzing::tmx(data));
