//! Running a call over [A, B) for `range` and `verify`: parsing the bounds, a progress bar on
//! stderr for long runs, and the time the call took.

use std::io;
use std::ops::Range;
use std::time::Instant;

use collatz_core::parse_value;
use collatz_core::range::{Progress, RunOptions};
use indicatif::{ProgressBar, ProgressStyle};

use super::args::Span;
use super::Failure;

/// A call's result and its duration.
pub(crate) struct Timed<T> {
    pub(crate) value: T,
    pub(crate) seconds: f64,
}

impl<T> Timed<T> {
    /// `count` start values per second.
    pub(crate) fn rate(&self, count: u64) -> f64 {
        count as f64 / self.seconds.max(1e-9)
    }
}

/// Parses [A, B) and runs `f` on it, with a progress bar on stderr for long runs (when stderr
/// is a terminal, cleared at the end), and times it.
pub(crate) fn run_span<B: Bound, T>(
    span: &Span,
    chunk_size: u64,
    f: impl FnOnce(Range<B>, &RunOptions) -> collatz_core::Result<T>,
) -> Result<Timed<T>, Failure> {
    let (a, b) = (B::parse(&span.a)?, B::parse(&span.b)?);
    let bar = progress_bar(B::len(a, b));
    let update = |done: u64, _total: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    let opts = RunOptions {
        threads: span.threads,
        chunk_size,
        progress: bar.is_some().then_some(&update as Progress),
        cancel: None,
    };
    let clock = Instant::now();
    let result = f(a..b, &opts);
    let seconds = clock.elapsed().as_secs_f64();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    Ok(Timed {
        value: result?,
        seconds,
    })
}

/// The type of a range's bounds: u64 for `range`, u128 for `verify`.
pub(crate) trait Bound: Copy {
    fn parse(s: &str) -> Result<Self, Failure>;
    /// The numbers in [a, b), at most u64::MAX.
    fn len(a: Self, b: Self) -> u64;
}

impl Bound for u64 {
    fn parse(s: &str) -> Result<u64, Failure> {
        parse_u64(s)
    }
    fn len(a: u64, b: u64) -> u64 {
        b.saturating_sub(a)
    }
}

impl Bound for u128 {
    fn parse(s: &str) -> Result<u128, Failure> {
        let v = parse_value(s)?;
        v.as_u128().ok_or_else(|| {
            Failure::Message(format!(
                "{s} is past 2^128: verify takes start values below 2^128"
            ))
        })
    }
    fn len(a: u128, b: u128) -> u64 {
        b.saturating_sub(a).min(u64::MAX as u128) as u64
    }
}

pub(crate) fn parse_u64(s: &str) -> Result<u64, Failure> {
    let v = parse_value(s)?;
    v.as_u64()
        .ok_or_else(|| Failure::Message(format!("{s} is past 2^64: ranges take u64 start values")))
}

/// A progress bar on stderr for long runs, only when stderr is a terminal.
fn progress_bar(total: u64) -> Option<ProgressBar> {
    use std::io::IsTerminal;
    if total < 50_000_000 || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {human_pos}/{human_len} [{elapsed} < {eta}]",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
