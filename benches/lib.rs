//! Benchmarks for collatz-core live in `benches/`; run them with `cargo bench -p collatz-benches`.
//!
//! The script-style benches (`latency`, `density`, `plan`) read their positional arguments
//! with [`arg`].

/// Positional argument `i` of a script-style bench (flags such as cargo's `--bench` skipped),
/// read as a number that may be written `1e9`; `default` when absent.
pub fn arg(i: usize, default: u64) -> u64 {
    std::env::args()
        .filter(|a| !a.starts_with("--"))
        .nth(i)
        .map(|a| a.parse::<f64>().expect("a number") as u64)
        .unwrap_or(default)
}
