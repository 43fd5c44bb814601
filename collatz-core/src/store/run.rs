//! Running a summary or a verification through a [`Store`]: the plan's pieces in order, those
//! already recorded read back, the others computed (each with every thread of the call) and
//! recorded one transaction each, then merged in order. The result is exactly that of an
//! uninterrupted run without a store.

use std::ops::Range;
use std::time::Instant;

use super::{RunSpec, Store};
use crate::error::{Error, Result};
use crate::range::{
    ChunkPlan, Merge, RangeEngine, RunOptions, Summary, SummaryPlan, Verification, Want,
};

/// A run's result, and how much of it the store already held.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    /// The result of the whole range.
    pub value: T,
    /// Pieces in the plan.
    pub pieces: usize,
    /// Pieces read back from the store rather than computed.
    pub resumed: usize,
    /// Start values computed by this run (those of the pieces not read back).
    pub computed: u64,
}

/// A piece's result read back from the store.
fn decode<T: serde::de::DeserializeOwned>(store: &Store, index: usize, json: &str) -> Result<T> {
    serde_json::from_str(json)
        .map_err(|e| store.fail(format!("piece {index} does not read back ({e}): corrupted")))
}

/// Runs the pieces `pieces` of `spec`'s plan through `store` in order: a recorded piece is read
/// back, another computed by `compute` (with progress over the whole run) and recorded in its
/// own transaction; `take` sees every piece's result in order. Returns how many pieces were
/// read back, and how many start values were computed.
fn drive<T>(
    store: &mut Store,
    spec: &RunSpec,
    pieces: &[Range<u64>],
    opts: &RunOptions,
    mut compute: impl FnMut(usize, &RunOptions) -> Result<T>,
    mut take: impl FnMut(usize, T) -> Result<()>,
) -> Result<(usize, u64)>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let (run, done) = store.begin(spec, pieces.len())?;
    let mut recorded = done.into_iter().peekable();
    let mut resumed = 0;
    let mut computed = 0u64;
    let total = spec.end - spec.start;
    let mut covered = 0u64;
    for (i, piece) in pieces.iter().enumerate() {
        opts.check()?;
        let part = match recorded.next_if(|(idx, _)| *idx == i) {
            Some((_, json)) => {
                resumed += 1;
                decode(store, i, &json)?
            }
            None => {
                let report = |d: u64, _t: u64| {
                    if let Some(p) = opts.progress {
                        p(covered + d, total);
                    }
                };
                // progress over the whole run: the recorded pieces' start values, then this
                // piece's as it goes
                let piece_opts = RunOptions {
                    progress: opts.progress.map(|_| &report as &(dyn Fn(u64, u64) + Sync)),
                    ..opts.clone()
                };
                let clock = Instant::now();
                let part = compute(i, &piece_opts)?;
                let json = serde_json::to_string(&part)
                    .map_err(|e| Error::InvalidArgument(format!("a result as JSON: {e}")))?;
                let seconds = clock.elapsed().as_secs_f64();
                store.record(run, i, (piece.start, piece.end), &json, seconds)?;
                computed += piece.end - piece.start;
                part
            }
        };
        covered += piece.end - piece.start;
        if let Some(p) = opts.progress {
            p(covered, total);
        }
        take(i, part)?;
    }
    Ok((resumed, computed))
}

/// The summary of `range` through `store`, in the pieces of [`SummaryPlan::new`]`(range,
/// chunk)`: recorded pieces are read back, the others computed and recorded.
/// `Error::StoreMismatch` if the store holds a run of other arguments.
pub fn summary(
    engine: &RangeEngine,
    store: &mut Store,
    range: Range<u64>,
    want: Want,
    chunk: u64,
    opts: &RunOptions,
) -> Result<Stored<Summary>> {
    let plan = SummaryPlan::new(range.clone(), chunk)?;
    let spec = RunSpec::new("range", &range, &want.names().join(","), chunk);
    let pieces: Vec<Range<u64>> = plan.pieces().iter().map(|p| p.range()).collect();
    let mut assembly = plan.assembly();
    let (resumed, computed) = drive(
        store,
        &spec,
        &pieces,
        opts,
        |i, o| engine.summary_piece(&plan.pieces()[i], want, o),
        |i, part| assembly.push(i, part),
    )?;
    Ok(Stored {
        value: assembly.finish()?,
        pieces: plan.len(),
        resumed,
        computed,
    })
}

/// The verification of `range` through `store`, in the chunks of [`ChunkPlan::new`]`(range,
/// chunk)`, as [`summary`] does it.
pub fn verify(
    engine: &RangeEngine,
    store: &mut Store,
    range: Range<u64>,
    chunk: u64,
    opts: &RunOptions,
) -> Result<Stored<Verification>> {
    let plan = ChunkPlan::new(range.clone(), chunk)?;
    let spec = RunSpec::new("verify", &range, "-", chunk);
    let pieces: Vec<Range<u64>> = plan.iter().collect();
    let mut merged: Option<Verification> = None;
    let (resumed, computed) = drive(
        store,
        &spec,
        &pieces,
        opts,
        |i, o| engine.verify(pieces[i].start as u128..pieces[i].end as u128, o),
        |_, part| {
            merged = Some(match merged.take() {
                Some(m) => m.merge(part)?,
                None => part,
            });
            Ok(())
        },
    )?;
    let value = match merged {
        Some(v) => v,
        None => engine.verify(range.start as u128..range.end as u128, opts)?,
    };
    Ok(Stored {
        value,
        pieces: pieces.len(),
        resumed,
        computed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let p =
            std::env::temp_dir().join(format!("collatz-store-{}-{name}.db", std::process::id()));
        let _ = std::fs::remove_file(&p);
        p
    }

    #[test]
    fn a_run_resumes_from_any_piece_with_the_uninterrupted_result() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let range = 1..3_000_000;
        let whole = engine
            .summary(range.clone(), Want::default(), &opts)
            .unwrap();
        let path = temp("resume");
        let plan = SummaryPlan::new(range.clone(), 250_000).unwrap();
        // a crash after k pieces: the store holds the first k (as a killed run leaves them)
        for k in [0, 1, plan.len() / 2, plan.len()] {
            let _ = std::fs::remove_file(&path);
            {
                let mut store = Store::open(&path).unwrap();
                let fields = Want::default().names().join(",");
                let (run, _) = store
                    .begin(&RunSpec::new("range", &range, &fields, 250_000), plan.len())
                    .unwrap();
                for (i, piece) in plan.pieces().iter().take(k).enumerate() {
                    let part = engine.summary_piece(piece, Want::default(), &opts).unwrap();
                    let json = serde_json::to_string(&part).unwrap();
                    store
                        .record(run, i, (piece.start, piece.end), &json, 0.0)
                        .unwrap();
                }
            }
            let mut store = Store::open(&path).unwrap();
            let done = summary(
                &engine,
                &mut store,
                range.clone(),
                Want::default(),
                250_000,
                &opts,
            )
            .unwrap();
            assert_eq!(done.value, whole, "resumed after {k} pieces");
            assert_eq!(done.resumed, k);
            let runs = store.runs().unwrap();
            assert_eq!(
                (runs.len(), runs[0].done, runs[0].done_count),
                (1, plan.len(), 2_999_999)
            );
        }
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn verify_resumes_too() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let range = (1 << 40)..(1 << 40) + (1 << 24);
        let path = temp("verify");
        let mut store = Store::open(&path).unwrap();
        let first = verify(&engine, &mut store, range.clone(), 1 << 21, &opts).unwrap();
        assert_eq!(
            first.value,
            engine
                .verify(range.start as u128..range.end as u128, &opts)
                .unwrap()
        );
        assert_eq!(
            (first.pieces, first.resumed, first.computed),
            (8, 0, 1 << 24)
        );
        let again = verify(&engine, &mut store, range.clone(), 1 << 21, &opts).unwrap();
        assert_eq!(
            (again.value, again.resumed, again.computed),
            (first.value, 8, 0)
        );
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn other_arguments_foreign_and_corrupted_files_are_refused_untouched() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let path = temp("mismatch");
        let mut store = Store::open(&path).unwrap();
        summary(
            &engine,
            &mut store,
            1..100_000,
            Want::default(),
            30_000,
            &opts,
        )
        .unwrap();
        drop(store);
        let before = std::fs::read(&path).unwrap();
        let mut store = Store::open(&path).unwrap();
        for (range, want, chunk) in [
            (1..200_000, Want::default(), 30_000),
            (1..100_000, Want::ALL, 30_000),
            (1..100_000, Want::default(), 40_000),
        ] {
            let e = summary(&engine, &mut store, range, want, chunk, &opts).unwrap_err();
            assert!(matches!(e, Error::StoreMismatch { .. }), "{e}");
        }
        let e = verify(&engine, &mut store, 1..100_000, 30_000, &opts).unwrap_err();
        assert!(
            e.to_string().contains("holds the run `range 1 100000"),
            "{e}"
        );
        drop(store);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the store is unchanged"
        );
        std::fs::remove_file(&path).ok();

        // a text file, a corrupted store, another program's database: refused, left as they are
        let text = temp("text");
        std::fs::write(&text, "not a database, a shopping list\n".repeat(200)).unwrap();
        let foreign = temp("foreign");
        {
            let c = rusqlite::Connection::open(&foreign).unwrap();
            c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        let broken = temp("broken");
        {
            let mut s = Store::open(&broken).unwrap();
            summary(&engine, &mut s, 1..100_000, Want::default(), 30_000, &opts).unwrap();
        }
        let mut bytes = std::fs::read(&broken).unwrap();
        for b in bytes.iter_mut().skip(4096).take(2048) {
            *b ^= 0x5a;
        }
        std::fs::write(&broken, &bytes).unwrap();
        for p in [&text, &foreign, &broken] {
            let before = std::fs::read(p).unwrap();
            let e = Store::open(p)
                .and_then(|s| s.runs().map(|_| s))
                .unwrap_err();
            assert!(matches!(e, Error::Store { .. }), "{}: {e}", p.display());
            assert_eq!(
                std::fs::read(p).unwrap(),
                before,
                "{} untouched",
                p.display()
            );
            std::fs::remove_file(p).ok();
        }
    }
}
