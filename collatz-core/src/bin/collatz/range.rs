//! The commands on a range [A, B): `range` (the summary: sums, extremes, records, histogram)
//! and `verify`. Both end their human output with the time taken and the rate.

use std::io::{self, Write};

use collatz_core::range::{RangeEngine, Summary};
use collatz_core::shape;
use serde_json::json;

use super::args::Span;
use super::span::{run_span, Timed};
use super::stored;
use super::Failure;

/// `range A B`: the summary of total stopping times, glides and maxima (with `--store`,
/// through a result store).
pub(crate) fn summary(
    out: &mut impl Write,
    span: &Span,
    records: bool,
    histogram: bool,
    chunk: u64,
) -> Result<(), Failure> {
    if let Some(path) = &span.store {
        return stored::summary(out, span, path, records, histogram, chunk);
    }
    let run = run_span(span, chunk, |range, opts| {
        RangeEngine::new().summary(range, shape::REPORT_WANT, opts)
    })?;
    if span.json {
        print_summary_json(out, &run.value, records, histogram)
    } else {
        print_summary(out, &run.value, records, histogram)?;
        print_time(out, &run, run.value.count)
    }
}

pub(crate) fn print_summary_json(
    out: &mut impl Write,
    s: &Summary,
    records: bool,
    histogram: bool,
) -> Result<(), Failure> {
    writeln!(out, "{}", shape::summary_json(s, records, histogram))?;
    Ok(())
}

pub(crate) fn print_summary(
    out: &mut impl Write,
    s: &Summary,
    records: bool,
    histogram: bool,
) -> Result<(), Failure> {
    writeln!(out, "range                  [{}, {})", s.start, s.end)?;
    writeln!(out, "count                  {}", s.count)?;
    if let Some(t) = s.total_stopping_time {
        writeln!(out, "sum of stopping times  {}", t.sum)?;
        writeln!(out, "mean                   {:.4}", t.mean(s.count))?;
        writeln!(
            out,
            "longest                {} steps at n = {}",
            t.max, t.max_n
        )?;
    }
    if let Some(g) = s.stopping_time {
        writeln!(
            out,
            "longest glide          {} steps at n = {}",
            g.max, g.max_n
        )?;
    }
    if let Some(r) = s.max_excursion {
        writeln!(out, "highest excursion      {} at n = {}", r.value, r.n)?;
    }
    if records {
        for (name, list) in [
            ("delay records (n: steps)", &s.delay_records),
            ("path records (n: maximum)", &s.path_records),
            ("glide records (n: glide)", &s.glide_records),
        ] {
            writeln!(out, "{name}, {} found:", list.len())?;
            for r in list {
                writeln!(out, "  {:>20}  {}", r.n, r.value)?;
            }
        }
    }
    if histogram {
        writeln!(out, "histogram (steps: count):")?;
        for (t, c) in s.histogram.iter().enumerate().filter(|(_, c)| **c > 0) {
            writeln!(out, "  {t:>5}  {c}")?;
        }
    }
    Ok(())
}

/// `verify A B`: every start value of the range reaches 1 (with `--store`, through a result
/// store; then the time goes to stderr, and stdout is the same however often the run stopped).
pub(crate) fn verify(out: &mut impl Write, span: &Span) -> Result<(), Failure> {
    let stored = match &span.store {
        Some(path) => Some(stored::verify(span, path)?),
        None => None,
    };
    let timed_here = stored.is_none();
    let (run, computed) = match stored {
        Some((run, computed)) => (run, computed),
        None => {
            let run = run_span(span, 1 << 26, |range: std::ops::Range<u128>, opts| {
                RangeEngine::new().verify(range, opts)
            })?;
            let all = run.value.verified;
            (run, all)
        }
    };
    let v = &run.value;
    if span.json {
        let mut obj = serde_json::to_value(v)?;
        if timed_here {
            obj["seconds"] = json!(run.seconds);
            obj["rate_per_second"] = json!(run.rate(v.verified));
        }
        writeln!(out, "{obj}")?;
    } else {
        writeln!(
            out,
            "verified               {} start values in [{}, {})",
            v.verified, v.start, v.end
        )?;
        writeln!(
            out,
            "followed               {} (the rest removed by the sieves)",
            v.followed
        )?;
        writeln!(
            out,
            "highest value met      {} (from n = {})",
            v.max_value, v.max_value_n
        )?;
        writeln!(out, "proved                 {}", v.proved())?;
    }
    match (timed_here, span.json) {
        (true, true) => Ok(()),
        (true, false) => print_time(out, &run, v.verified),
        // with a store: the rate of the start values this run computed
        (false, _) => print_time(&mut io::stderr(), &run, computed),
    }
}

/// The last line of `range` and `verify`: seconds and start values per second.
pub(crate) fn print_time<T>(
    out: &mut impl Write,
    run: &Timed<T>,
    count: u64,
) -> Result<(), Failure> {
    writeln!(
        out,
        "time                   {:.3} s, {:.3e} numbers/s",
        run.seconds,
        run.rate(count)
    )?;
    Ok(())
}
