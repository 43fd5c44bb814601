#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| collatz_fuzz::range(data));
