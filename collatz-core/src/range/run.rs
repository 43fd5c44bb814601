//! How a call runs: which memo it reads, whether it takes the memo's writer and how far it
//! grows the memo, and the stream of chunks over its range (`pipeline`); and the two calls from
//! 1 that run differently (`columns()` in waves over its own columns, the summary with its even
//! n derived).
//!
//! When it runs: once per call, before and around the pool. What it costs: the growth of the
//! memo (a new memo copies the finished entries), and, for a long call that would grow the
//! memo, the wait for another call's growth (never inside the pool).

use std::ops::Range;
#[cfg(test)]
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::bounds::{memo_needed, wave_end, COLUMN_PREFIX, EVENS_FROM, MIN_MEMO_TARGET};
use super::control::{Control, RunOptions};
use super::memo::{Memo, MemoSlot, MemoView, Writer};
use super::path::{chunk, Reads, Work};
use super::pipeline::{self, Growth};
use super::pool::{self, in_pool};
use super::split::{column_slices, par_run, split_col, MaxSlice, Slices};
use super::summary::{self, Summary};
use super::tables::{self, prefix_table, PREFIX_LEN};
use super::tally::{Segments, Tally};
use super::{Columns, MaxColumn, RangeEngine, Want};
use crate::error::{Error, Result};

impl RangeEngine {
    /// The summary of [1, end): the odd n are computed, the even ones derived. With
    /// X_0 = end and X_(i+1) = ceil(X_i / 2), the even n of [X_(i+1), X_i) are 2m for m in
    /// [X_(i+2), X_(i+1)) (see [`summary::evens_of`]), so every segment's summary follows from
    /// its odd n and the whole summary of the segment below it. The two lowest segments, below
    /// [`EVENS_FROM`], are computed whole. This halves pass two of the summary path (the sums,
    /// the histogram and the delay records), and the even n above the memo are never computed.
    pub(super) fn summary_from_one(
        &self,
        end: u64,
        want: Want,
        opts: &RunOptions,
    ) -> Result<Summary> {
        // X_0 > X_1 > ... > X_(L+1), with X_(L+1) < EVENS_FROM <= X_L
        let mut xs = vec![end];
        while let Some(&x) = xs.last().filter(|&&x| x >= EVENS_FROM) {
            xs.push(x.div_ceil(2));
        }
        let segments: Vec<(u64, Tally)> = xs
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| (x, if i < 2 { Tally::All } else { Tally::Odd }))
            .collect();
        let len = (end - 1) as usize;
        let parts = self.run(1..end, want, false, &segments, Slices::none(len), opts)?;
        let mut parts = parts.into_iter().map(|p| p.expect("a summary per segment"));
        let (Some(mut total), Some(mut whole)) = (parts.next(), parts.next()) else {
            unreachable!("at least two segments");
        };
        for odd in parts {
            let next = summary::merge_interleaved(
                odd.start,
                odd.end,
                vec![odd, summary::evens_of(&whole)],
            );
            total = total.merge(whole);
            whole = next;
        }
        Ok(total.merge(whole))
    }

    /// Every n of `range` (cut into `segments`, each (end, tally) with increasing ends, the last
    /// at `range.end`) as one call, with exact maxima where `exact_max`: one summary per segment
    /// (`None` without a tally).
    pub(super) fn run(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        segments: &[(u64, Tally)],
        slices: Slices<'_>,
        opts: &RunOptions,
    ) -> Result<Vec<Option<Summary>>> {
        let call = range.clone();
        let segs = Segments {
            range,
            segments,
            call: &call,
        };
        self.run_for(segs, want, exact_max, slices, opts)
    }

    /// [`RangeEngine::run`] for a part of a longer run (`segs.call`), which sizes the memo:
    /// the pieces of a summary plan grow it once, for the whole plan, rather than piece by
    /// piece (each growth copies the tables).
    pub(super) fn run_for(
        &self,
        segs: Segments<'_>,
        want: Want,
        exact_max: bool,
        slices: Slices<'_>,
        opts: &RunOptions,
    ) -> Result<Vec<Option<Summary>>> {
        let range = segs.range.clone();
        let ctl = Control::new(range.end - range.start, opts);
        // the memo's writer is taken here, before the pool: a long call that must grow the
        // memo may wait here for another call's growth, never inside the pool
        let writer = self.writer_for(segs.call, want.odd_steps, exact_max, opts)?;
        let out = in_pool(opts, range.end - range.start, || {
            if range.end - range.start >= tables::WARM_FROM {
                tables::warm();
            }
            self.run_part(segs, want, exact_max, slices, &ctl, writer)
        });
        #[cfg(test)]
        self.hot_chunks
            .fetch_add(ctl.hot_chunks.load(Ordering::Relaxed), Ordering::Relaxed);
        out
    }

    /// Columns of [1, b): after the memo's cap, the columns computed so far serve as the memo,
    /// in waves [P, 1.25 P) (1.125 P past 2^18) that read only below P.
    pub(super) fn columns_from_one(
        &self,
        end: u64,
        want: Want,
        cols: &mut Columns,
        opts: &RunOptions,
    ) -> Result<()> {
        let ctl = Control::new(end - 1, opts);
        in_pool(opts, end - 1, || {
            if end >= tables::WARM_FROM {
                tables::warm();
            }
            // a short prefix through the memo (or, for step counts alone, straight from the
            // process's table of them); the columns carry the rest
            let memo_end = self
                .memo_cap_entries(want.odd_steps, want.max_excursion)
                .min(COLUMN_PREFIX)
                .clamp(2, end);
            let first = (memo_end - 1) as usize;
            match &mut cols.total_stopping_time {
                Some(t) if want == Want::TOTAL_STOPPING_TIME && memo_end as usize <= PREFIX_LEN => {
                    ctl.check()?;
                    t[..first].copy_from_slice(&prefix_table()[1..memo_end as usize]);
                    ctl.advance(first as u64);
                }
                _ => {
                    let slices = column_slices(cols, 0..first);
                    self.run_in_pool(
                        1..memo_end,
                        want,
                        want.max_excursion,
                        Tally::Off,
                        slices,
                        &ctl,
                    )?;
                }
            }
            let mut cur = memo_end;
            while cur < end {
                let wave = wave_end(cur, end);
                let done = (cur - 1) as usize;
                let todo = (wave - 1) as usize;
                let (tst_done, tst_todo) = split_col(&mut cols.total_stopping_time, done, todo);
                let (max_done, max_todo) = match &mut cols.max_excursion {
                    Some(MaxColumn::U64(m)) => {
                        let (a, b) = m.split_at_mut(done);
                        (Some(&*a), Some(MaxSlice::U64(&mut b[..todo - done])))
                    }
                    _ => (None, None),
                };
                let (_, glide_todo) = split_col(&mut cols.stopping_time, done, todo);
                let view = MemoView {
                    base: 1,
                    tst: tst_done.unwrap_or(&[]),
                    odd: None,
                    max: max_done,
                };
                let part = Slices {
                    len: todo - done,
                    tst: tst_todo,
                    glide: glide_todo,
                    odd: None,
                    max: max_todo,
                };
                // (the path is chosen once per wave: its chunks read and write alike)
                let work = Work::new(want, Tally::Off, &part, view.tables(), None);
                let reads = Reads {
                    p: cur,
                    view: &view,
                    ctl: &ctl,
                };
                par_run(cur, part, &ctl, &|start, sl| {
                    chunk(start, sl, None, reads, work)
                })?;
                cur = wave;
            }
            Ok(())
        })
    }

    /// How many entries the memo that a call with these needs uses may hold.
    pub(super) fn memo_cap_entries(&self, odd: bool, max: bool) -> u64 {
        let (odd, max) = match odd || max {
            true => {
                let rich = self.rich.load();
                (odd || rich.has_odd(), max || rich.has_max())
            }
            false => (false, false),
        };
        (self.memo_bytes_cap / Memo::entry_bytes(odd, max)) as u64
    }

    /// A short part of a call already in the pool (`ctl` is the call's): the prefix of
    /// `columns()` from 1 through the memo. It grows the memo only if the writer is free.
    pub(super) fn run_in_pool(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        summarize: Tally,
        slices: Slices<'_>,
        ctl: &Control,
    ) -> Result<Option<Summary>> {
        let segments = [(range.end, summarize)];
        // (a short range, inside the pool: the writer only if it is free)
        let writer = self.slot(want.odd_steps, exact_max).try_writer();
        let call = range.clone();
        let segs = Segments {
            range,
            segments: &segments,
            call: &call,
        };
        let parts = self.run_part(segs, want, exact_max, slices, ctl, writer)?;
        Ok(parts.into_iter().next().flatten())
    }

    /// The memo for calls with these needs: step counts alone for most calls (whose hot paths
    /// need a memo without odd steps or maxima), or the one with them.
    pub(super) fn slot(&self, odd: bool, max: bool) -> &MemoSlot {
        if odd || max {
            &self.rich
        } else {
            &self.plain
        }
    }

    /// How far the memo should reach for `range` (see [`RangeEngine::run_part`]), with
    /// the given tables.
    pub(super) fn memo_target(&self, range: &Range<u64>, odd: bool, max: bool) -> u64 {
        let cap = (self.memo_bytes_cap / Memo::entry_bytes(odd, max)) as u64;
        // a memo in proportion to the work: a short range far out does not build a large one;
        // and none past what the hot paths read (n/2 and (3n+1)/4 of the range's last n): the
        // range's top quarter then runs read-only, in parallel chunks that write nothing, and
        // its memo is neither written nor faulted in (a quarter of the memory; class members
        // whose T^j(n) lands at or above the bound walk on)
        let len = range.end - range.start;
        range
            .end
            .min(memo_needed(range.end))
            .min(cap)
            .min(len.saturating_mul(2).max(MIN_MEMO_TARGET))
            .max(2)
    }

    /// The memo's writer for a call over `range`, taken outside the pool: `None` if the call
    /// does not grow the memo (it covers the range, or has reached its cap), or if another
    /// call holds the writer and this call is short (under [`pool::LONG_CALL`] start values),
    /// lies past the memo's reach, or runs on a pool thread (it then runs on the memo as it
    /// is). A long call that would grow the memo waits for the writer: the
    /// other call gives it back when its growth is done.
    pub(super) fn writer_for(
        &self,
        range: &Range<u64>,
        odd: bool,
        max: bool,
        opts: &RunOptions,
    ) -> Result<Option<Writer<'_>>> {
        let slot = self.slot(odd, max);
        let memo = slot.load();
        let (odd_all, max_all) = (odd || memo.has_odd(), max || memo.has_max());
        let complete = odd_all == memo.has_odd() && max_all == memo.has_max();
        let target = self.memo_target(range, odd_all, max_all);
        if complete && memo.bound() >= target.min(range.end) {
            return Ok(None);
        }
        // a range past the memo's reach (it starts beyond what the memo would hold) never
        // waits: the memo only shortens its walks
        let long = range.end - range.start >= pool::LONG_CALL && range.start < target;
        if long && rayon::current_thread_index().is_none() {
            return slot.wait_writer(opts.cancel.as_ref()).map(Some);
        }
        Ok(slot.try_writer())
    }

    /// The call's range (`segs.range`, cut into segments, each (end, tally) with increasing
    /// ends, the last at the range's end) on the current pool, with the memo's writer if the
    /// call has it: one summary per segment (`None` without a tally, or for an empty range).
    /// The range may be a part of a longer call (`segs.call`), which sizes the memo: a call
    /// that runs its range in pieces (a density) grows the memo for the whole of it.
    pub(super) fn run_part(
        &self,
        segs: Segments<'_>,
        want: Want,
        exact_max: bool,
        slices: Slices<'_>,
        ctl: &Control,
        writer: Option<Writer<'_>>,
    ) -> Result<Vec<Option<Summary>>> {
        let Segments {
            range,
            segments,
            call,
        } = segs;
        let (need_odd, need_max) = (want.odd_steps, exact_max);
        let slot = self.slot(need_odd, need_max);
        let Some(writer) = writer else {
            // the call does not grow the memo, or another call does: run on what it holds
            // (it only ever gets better while the chunks run), never waiting for that call
            let memo = slot.load();
            let memo = if (need_odd && !memo.has_odd()) || (need_max && !memo.has_max()) {
                // it lacks a table this call needs: a private memo of the first entries
                Arc::new(Memo::new(2, need_odd, need_max).expect("a memo of two entries"))
            } else {
                memo
            };
            return pipeline::run(&memo, None, range, segments, want, ctl, slices);
        };
        let mut memo = slot.load();
        let (odd, max) = (need_odd || memo.has_odd(), need_max || memo.has_max());
        let per_entry = Memo::entry_bytes(odd, max);
        let target = self.memo_target(call, odd, max);
        let no_memory = || Error::OutOfMemory {
            what: "the memo",
            bytes: target.saturating_mul(per_entry as u64),
        };
        if odd != memo.has_odd() || max != memo.has_max() {
            // a table this call needs is missing: a new memo with the union of the tables
            // (a fresh memo of step counts alone starts from the process's copy of its first
            // entries rather than from dozens of tiny waves)
            memo = writer.replace(Memo::new(target, odd, max).ok_or_else(no_memory)?);
        } else if memo.capacity() < target {
            memo = writer.replace(memo.grown(target).ok_or_else(no_memory)?);
        }
        // grow the memo up to the start of the range (no output, and no progress: these are
        // not the caller's start values)
        let quiet_opts = RunOptions {
            progress: None,
            ..ctl.opts.clone()
        };
        let quiet = Control::new(ctl.total, &quiet_opts);
        let p = memo.bound();
        let end = range.start.min(target);
        if p < end {
            pipeline::run(
                &memo,
                Some(Growth {
                    writer: &writer,
                    end,
                    release: false,
                }),
                p..end,
                &[(end, Tally::Off)],
                want,
                &quiet,
                Slices::none((end - p) as usize),
            )?;
        }
        // then the range in one stream of chunks: the memo grows on the way up to the target
        // (the memo's bound is now at or past the range's start, unless the target stopped it)
        let grow_end = range.end.min(target);
        let grows = memo.bound() >= range.start && memo.bound() < grow_end;
        if !grows {
            // no growth left: the writer goes back now, not at the end of a long run (another
            // call may be waiting for it)
            writer.release();
        }
        let grow = grows.then_some(Growth {
            writer: &writer,
            end: grow_end,
            release: true,
        });
        pipeline::run(&memo, grow, range, segments, want, ctl, slices)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU64;

    use super::*;
    use crate::range::{CancelToken, DEFAULT_MEMO_BYTES};

    /// The summary of [1, end) with every n tallied (no even n derived).
    fn tallied(engine: &RangeEngine, end: u64, want: Want, opts: &RunOptions) -> Summary {
        let segments = [(end, Tally::All)];
        let len = (end - 1) as usize;
        let parts = engine
            .run(1..end, want, false, &segments, Slices::none(len), opts)
            .unwrap();
        parts.into_iter().next().flatten().unwrap()
    }

    #[test]
    fn calls_with_odd_steps_or_exact_maxima_leave_the_fast_paths_to_the_others() {
        let engine = RangeEngine::new();
        let opts = RunOptions {
            threads: Some(2),
            ..RunOptions::default()
        };
        let default = Want::default();
        let hot = |f: &dyn Fn()| {
            let before = engine.hot_chunks.load(Ordering::Relaxed);
            f();
            engine.hot_chunks.load(Ordering::Relaxed) - before
        };
        // (the first call grows the memo, in shorter chunks)
        engine.summary(1..2_000_000, default, &opts).unwrap();
        let first = hot(&|| {
            engine.summary(1..2_000_000, default, &opts).unwrap();
        });
        assert!(first > 0, "a default summary takes the hot path");
        // calls that need odd steps, exact maxima or both: the general paths, and a memo of
        // their own
        let odd = Want {
            odd_steps: true,
            ..Want::TOTAL_STOPPING_TIME
        };
        let max = Want {
            max_excursion: true,
            ..Want::TOTAL_STOPPING_TIME
        };
        engine.summary(1..2_000_000, odd, &opts).unwrap();
        engine.summary(10..300_000, max, &opts).unwrap();
        engine.summary(1..300_000, Want::ALL, &opts).unwrap();
        let rich = engine.rich.load();
        assert!(rich.has_odd() && rich.has_max());
        let plain = engine.plain.load();
        assert!(!plain.has_odd() && !plain.has_max());
        // the same default summary afterwards takes the hot path for as many chunks
        let again = hot(&|| {
            engine.summary(1..2_000_000, default, &opts).unwrap();
        });
        assert_eq!(again, first);
        // and so does a far range past the memo's reach (without maxima, which need exact
        // values there), and the summary with every field but odd steps
        let steps = Want {
            max_excursion: false,
            ..Want::FAST
        };
        assert!(
            hot(&|| {
                engine
                    .summary(1 << 40..(1 << 40) + 100_000, steps, &opts)
                    .unwrap();
            }) > 0
        );
        let no_odd = Want {
            odd_steps: false,
            ..Want::ALL
        };
        assert!(
            hot(&|| {
                engine.summary(1..2_000_000, no_odd, &opts).unwrap();
            }) > 0
        );
    }

    #[test]
    fn covered_far_and_short_calls_never_wait_for_the_writer() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let steps = Want {
            max_excursion: false,
            ..Want::FAST
        };
        engine.summary(1..1 << 20, steps, &opts).unwrap();
        let expect = |r: Range<u64>| RangeEngine::new().summary(r, steps, &opts).unwrap();
        let calls = [
            1000..1 << 20,                    // covered
            (1 << 40)..(1 << 40) + 3_000_000, // long, past the memo's reach
            50_000_000..50_100_000,           // short, would grow the memo
        ];
        let expected: Vec<Summary> = calls.iter().cloned().map(expect).collect();
        // another call holds the writer (and keeps it): none of these may wait for it
        let writer = engine.plain.try_writer().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                for (r, e) in calls.iter().zip(&expected) {
                    assert_eq!(&engine.summary(r.clone(), steps, &opts).unwrap(), e);
                }
                tx.send(()).unwrap();
            });
            let waited = rx.recv_timeout(std::time::Duration::from_secs(60)).is_err();
            drop(writer); // (lets a call that did wait end, so that the scope ends)
            assert!(!waited, "a call waited for the writer");
        });
        // a long call that would grow the memo from inside its range does wait, and stops
        // when cancelled
        let writer = engine.plain.try_writer().unwrap();
        let token = CancelToken::new();
        token.cancel();
        let o = RunOptions {
            cancel: Some(token),
            ..RunOptions::default()
        };
        let r = engine.summary(1..1 << 28, steps, &o);
        assert_eq!(r, Err(Error::Cancelled));
        drop(writer);
    }

    #[test]
    fn a_call_that_no_longer_grows_the_memo_gives_the_writer_back_while_it_runs() {
        // a long range past the memo's reach grows the memo up to its target, then runs the
        // rest read-only: the writer must be free during that rest
        let engine = RangeEngine::with_memo_bytes(1 << 22);
        let free_seen = AtomicU64::new(0);
        let progress = |_: u64, _: u64| {
            if engine.plain.try_writer().is_some() {
                free_seen.fetch_add(1, Ordering::Relaxed);
            }
        };
        let opts = RunOptions {
            threads: Some(2),
            chunk_size: 1 << 14,
            progress: Some(&progress),
            ..RunOptions::default()
        };
        let steps = Want {
            max_excursion: false,
            ..Want::FAST
        };
        let far = (1 << 40)..(1 << 40) + (1 << 20);
        engine.summary(far, steps, &opts).unwrap();
        assert!(
            free_seen.load(Ordering::Relaxed) > 0,
            "the writer was held to the end"
        );
        // and a call over a range the memo covers gives it back too
        let free_seen_before = free_seen.load(Ordering::Relaxed);
        engine.summary(1000..200_000, steps, &opts).unwrap();
        assert!(free_seen.load(Ordering::Relaxed) > free_seen_before);
    }

    #[test]
    fn summaries_from_one_with_derived_evens_match_every_n_tallied() {
        let want = Want {
            odd_steps: false,
            ..Want::ALL
        };
        // ends at and around the first derived one and its halvings, odd and even
        let ends = [
            EVENS_FROM,
            EVENS_FROM + 1,
            2 * EVENS_FROM - 1,
            2 * EVENS_FROM + 2,
            3 * EVENS_FROM + 5,
            1_000_003,
        ];
        for end in ends {
            for (threads, chunk, memo) in [
                (1, 1 << 18, DEFAULT_MEMO_BYTES),
                (2, 4096, DEFAULT_MEMO_BYTES),
                (2, 3, DEFAULT_MEMO_BYTES),
                // a memo far smaller than the range: the hot paths walk on past its reach
                (2, 1000, 1 << 12),
            ] {
                let opts = RunOptions {
                    threads: Some(threads),
                    chunk_size: chunk,
                    ..RunOptions::default()
                };
                // with odd steps the general leaf; and single statistics
                let one = |f: fn(&mut Want)| {
                    let mut w = Want::NONE;
                    f(&mut w);
                    w
                };
                let wants = [
                    want,
                    Want::ALL,
                    Want::TOTAL_STOPPING_TIME,
                    one(|w| w.stopping_time = true),
                    one(|w| w.max_excursion = true),
                    Want::NONE,
                    Want::default(),
                ];
                for want in wants {
                    let a = RangeEngine::with_memo_bytes(memo)
                        .summary(1..end, want, &opts)
                        .unwrap();
                    let b = tallied(&RangeEngine::with_memo_bytes(memo), end, want, &opts);
                    assert_eq!(
                        a, b,
                        "{want:?}, end {end}, {threads} threads, chunk {chunk}, memo {memo}"
                    );
                }
            }
        }
    }
}
