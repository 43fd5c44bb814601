//! Benchmarks for collatz-core live in `benches/`; run them with `cargo bench -p collatz-benches`.
