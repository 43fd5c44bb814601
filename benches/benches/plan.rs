//! A summary of [1, END) in one call against the same summary from its [`SummaryPlan`]'s
//! pieces (each piece a separate call, as a result store or a cluster runs them, assembled in
//! order), side by side: fresh engines, alternating rounds, the ratio of each round.
//!
//! ```text
//! cargo bench -p collatz-benches --bench plan -- [END] [CHUNK] [ROUNDS]
//! ```
//! (defaults 1e10, 2^30 and 3.)

use std::time::Instant;

use collatz_benches::arg;
use collatz_core::range::{RangeEngine, RunOptions, SummaryPlan, Want};

fn main() {
    let end = arg(1, 10_000_000_000);
    let chunk = arg(2, 1 << 30);
    let rounds = arg(3, 3);
    let opts = RunOptions::default();
    let plan = SummaryPlan::new(1..end, chunk).expect("a plan");
    println!(
        "[1, {end}): one call against {} pieces of at most {chunk}",
        plan.len()
    );
    let mut ratios = Vec::new();
    for round in 1..=rounds {
        let t = Instant::now();
        let one = RangeEngine::new()
            .summary(1..end, Want::default(), &opts)
            .expect("a summary");
        let single = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let engine = RangeEngine::new();
        let mut assembly = plan.assembly();
        for (i, piece) in plan.pieces().iter().enumerate() {
            let part = engine
                .summary_piece(piece, Want::default(), &opts)
                .expect("a piece");
            assembly.push(i, part).expect("in order");
        }
        let whole = assembly.finish().expect("every piece");
        let pieces = t.elapsed().as_secs_f64();
        assert_eq!(whole, one, "the pieces assemble to the one call");
        ratios.push(pieces / single);
        println!(
            "round {round}: one call {single:.2} s, pieces {pieces:.2} s, ratio {:.3}",
            pieces / single
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "pieces / one call: median {:.3} (from {:.3} to {:.3})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
