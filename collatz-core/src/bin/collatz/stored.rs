//! `--store` and `runs`: `range` and `verify` through a result store (feature `store`), and the
//! list of a store's runs. A build without the feature refuses them with a clear message.

use std::io::Write;
use std::path::Path;

use super::args::Span;
use super::Failure;

#[cfg(feature = "store")]
mod with_store {
    use super::*;
    use collatz_core::range::{RangeEngine, Verification};
    use collatz_core::shape;
    use collatz_core::store::{self, run::Stored, Store};
    use serde_json::json;
    use std::io;

    use super::super::range::{print_summary, print_summary_json, print_time};
    use super::super::span::{parse_u64, run_span, Timed};

    /// `range A B --store PATH`.
    pub(crate) fn summary(
        out: &mut impl Write,
        span: &Span,
        path: &Path,
        records: bool,
        histogram: bool,
        chunk: u64,
    ) -> Result<(), Failure> {
        let plan_chunk = parse_u64(&span.plan_chunk)?;
        let run = run_span(span, chunk, |range, opts| {
            let mut store = Store::open(path)?;
            let engine = RangeEngine::new();
            store::run::summary(
                &engine,
                &mut store,
                range,
                shape::REPORT_WANT,
                plan_chunk,
                opts,
            )
        })?;
        say_resumed(path, &run.value);
        let s = &run.value.value;
        if span.json {
            print_summary_json(out, s, records, histogram)?;
        } else {
            print_summary(out, s, records, histogram)?;
        }
        // the time goes to stderr: what stdout holds is the same however often the run stopped;
        // the rate is that of the start values this run computed
        print_time(&mut io::stderr(), &run, run.value.computed)
    }

    /// `verify A B --store PATH`: the verification and its time (the caller prints them), and
    /// the start values this run computed.
    pub(crate) fn verify(span: &Span, path: &Path) -> Result<(Timed<Verification>, u64), Failure> {
        let plan_chunk = parse_u64(&span.plan_chunk)?;
        let run = run_span(span, 1 << 26, |range, opts| {
            let mut store = Store::open(path)?;
            store::run::verify(&RangeEngine::new(), &mut store, range, plan_chunk, opts)
        })?;
        say_resumed(path, &run.value);
        let computed = run.value.computed;
        let timed = Timed {
            value: run.value.value,
            seconds: run.seconds,
        };
        Ok((timed, computed))
    }

    /// The line on stderr that says how much of a stored run was resumed.
    fn say_resumed<T>(path: &Path, run: &Stored<T>) {
        eprintln!(
            "store {}: {} of {} pieces resumed, {} computed",
            path.display(),
            run.resumed,
            run.pieces,
            run.pieces - run.resumed
        );
    }

    /// `runs PATH`: the runs a result store holds, with their progress.
    pub(crate) fn runs(out: &mut impl Write, path: &Path, json: bool) -> Result<(), Failure> {
        let store = Store::open_existing(path)?;
        let runs = store.runs()?;
        if json {
            let list: Vec<_> = runs
                .iter()
                .map(|r| {
                    json!({
                        "command": r.spec.command,
                        "start": r.spec.start.to_string(),
                        "end": r.spec.end.to_string(),
                        "fields": r.spec.fields,
                        "chunk": r.spec.chunk.to_string(),
                        "version": r.spec.version,
                        "pieces": r.pieces,
                        "done": r.done,
                        "done_count": r.done_count.to_string(),
                        "seconds": r.seconds,
                        "created": r.created,
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                json!({ "path": path.display().to_string(), "runs": list })
            )?;
            return Ok(());
        }
        writeln!(out, "{}: {} run(s)", path.display(), runs.len())?;
        for r in &runs {
            let count = r.spec.end - r.spec.start;
            writeln!(out, "{}", r.spec)?;
            writeln!(
                out,
                "  pieces {} of {} ({:.1}%), start values {} of {}, {:.1} s computing, started {} UTC{}",
                r.done,
                r.pieces,
                100.0 * r.done as f64 / r.pieces.max(1) as f64,
                r.done_count,
                count,
                r.seconds,
                r.created,
                if r.done == r.pieces { ", complete" } else { "" }
            )?;
        }
        Ok(())
    }
}

#[cfg(feature = "store")]
pub(crate) use with_store::{runs, summary, verify};

#[cfg(not(feature = "store"))]
fn no_store() -> Failure {
    Failure::Message(
        "this build has no result store: build the command line with --features cli (or store)"
            .into(),
    )
}

#[cfg(not(feature = "store"))]
pub(crate) fn summary(
    _: &mut impl Write,
    _: &Span,
    _: &Path,
    _: bool,
    _: bool,
    _: u64,
) -> Result<(), Failure> {
    Err(no_store())
}

#[cfg(not(feature = "store"))]
pub(crate) fn verify(
    _: &Span,
    _: &Path,
) -> Result<(super::span::Timed<collatz_core::range::Verification>, u64), Failure> {
    Err(no_store())
}

#[cfg(not(feature = "store"))]
pub(crate) fn runs(_: &mut impl Write, _: &Path, _: bool) -> Result<(), Failure> {
    Err(no_store())
}
