//! The command line's arguments (clap): its subcommands, flags and their help.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "collatz", version, about = "Exact Collatz (3x+1) computations")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Statistics of one start value: total stopping time, stopping time, odd/even steps, maximum.
    Stats {
        /// Start value: digits or an expression such as 2^500+1 (negative only with --map).
        #[arg(allow_hyphen_values = true)]
        n: String,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
        /// Run a generalised map a*x+b (3x+1, 5x+1, 3x-1, ...) with cycle detection.
        #[arg(long)]
        map: Option<String>,
        /// Include the parity vector of the shortcut trajectory.
        #[arg(long)]
        parity: bool,
        /// Stop after this many steps [default: unlimited for 3x+1, 10000000 with --map].
        #[arg(long)]
        max_steps: Option<u64>,
        /// Stop once a value has more bits than this [default: unlimited for 3x+1, 10000 with --map].
        #[arg(long)]
        max_bits: Option<u64>,
    },
    /// Print a trajectory, one value a line, as it is computed.
    Sequence {
        /// Start value: digits or an expression such as 2^500+1.
        n: String,
        /// Use the shortcut map T(n) = (3n+1)/2 for odd n.
        #[arg(long)]
        shortcut: bool,
    },
    /// Analyse every start value in [A, B): sums, extremes, records, histogram.
    Range {
        #[command(flatten)]
        span: Span,
        /// Include the delay, path and glide records.
        #[arg(long)]
        records: bool,
        /// Include the histogram of total stopping times.
        #[arg(long)]
        histogram: bool,
        /// Start values per chunk of parallel work.
        #[arg(long, default_value_t = 1 << 18)]
        chunk: u64,
    },
    /// Verify that every start value in [A, B) reaches 1, given all smaller values do.
    Verify {
        #[command(flatten)]
        span: Span,
    },
    /// List the runs in a result store (see --store) with their progress.
    Runs {
        /// The store's file.
        path: std::path::PathBuf,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Print the levels of the predecessor tree under 1 down to depth D.
    Tree {
        /// Deepest level to print.
        depth: u32,
        /// Print only each level's size.
        #[arg(long)]
        counts: bool,
        /// Refuse to build a level of more values than this.
        #[arg(long, default_value_t = 10_000_000)]
        max_level_size: usize,
    },
}

/// The arguments `range` and `verify` share.
#[derive(clap::Args)]
pub(crate) struct Span {
    /// First start value (digits, 2^40, 1e9, ...).
    pub(crate) a: String,
    /// One past the last start value.
    pub(crate) b: String,
    /// Worker threads [default: one per core].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Print exactly one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
    /// Record the run, piece by piece, in this SQLite file, and resume from it: a run killed
    /// at any moment and started again with the same command computes only the pieces it
    /// lacks, and prints what an uninterrupted run prints (times and the resumed count go to
    /// stderr).
    #[arg(long, value_name = "PATH")]
    pub(crate) store: Option<std::path::PathBuf>,
    /// Start values per piece of a stored run (pieces are cut at its multiples).
    #[arg(long, value_name = "N", default_value = "2^30", requires = "store")]
    pub(crate) plan_chunk: String,
}
