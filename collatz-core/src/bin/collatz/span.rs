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
pub(crate) fn run_span<T>(
    span: &Span,
    chunk_size: u64,
    f: impl FnOnce(Range<u64>, &RunOptions) -> collatz_core::Result<T>,
) -> Result<Timed<T>, Failure> {
    let (a, b) = (parse_u64(&span.a)?, parse_u64(&span.b)?);
    let bar = progress_bar(b.saturating_sub(a));
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
