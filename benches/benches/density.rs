//! A density grid against the summary of the same range, side by side: the issue's target is a
//! grid of [1, 10^9) in no more time than `summary(1, 10^9)`. A script, not a criterion bench:
//! fresh engines, alternating rounds, the ratio of each round and the median.
//!
//! ```text
//! cargo bench -p collatz-benches --bench density -- [END] [ROUNDS] [WIDTH] [HEIGHT]
//! ```
//! (defaults 1e9, 3, 1024 and 512; the summary asks for `Want::default()`, as
//! `collatz_engine.summary` and the CLI's `range` do.)

use std::time::Instant;

use collatz_benches::arg;
use collatz_core::range::{RangeEngine, RunOptions, Want};
use collatz_core::Field;

fn main() {
    let end = arg(1, 1_000_000_000);
    let rounds = arg(2, 3);
    let (width, height) = (arg(3, 1024) as usize, arg(4, 512) as usize);
    let opts = RunOptions::default();
    let mut ratios = Vec::new();
    println!("range [1, {end}), grid {width} x {height}, {rounds} rounds, fresh engines");
    for round in 1..=rounds {
        let t = Instant::now();
        let s = RangeEngine::new()
            .summary(1..end, Want::default(), &opts)
            .expect("a summary");
        let summary = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let d = RangeEngine::new()
            .density(1..end, Field::TotalStoppingTime, width, height, &opts)
            .expect("a density");
        let density = t.elapsed().as_secs_f64();
        let total: u64 = d.counts.iter().map(|&c| c as u64).sum();
        assert_eq!(total, s.count, "every start value counted once");
        assert_eq!(
            d.y_max as u32,
            s.total_stopping_time.expect("total stopping times").max
        );
        ratios.push(density / summary);
        println!(
            "round {round}: summary {summary:.2} s, density {density:.2} s, ratio {:.2}",
            density / summary
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "density / summary: median {:.2} (from {:.2} to {:.2})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
