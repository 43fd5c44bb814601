//! The work on one chunk of start values, by one of five paths, chosen once per call (per
//! segment of a call, and per wave of `columns()` from 1) as a [`FastPath`]:
//!
//! | path | takes | file |
//! | --- | --- | --- |
//! | [`FastPath::Summary`] | summaries without odd steps or exact maxima | `summary.rs` |
//! | [`FastPath::Steps`] | step-count columns (and memo entries) alone | `steps.rs` |
//! | [`FastPath::StepsAndMax`] | step-count and u64 maxima columns, from a memo with maxima | `steps_max.rs` |
//! | [`FastPath::Dense`] | any other output without odd steps | `dense.rs` |
//! | [`FastPath::General`] | everything, odd steps included | `general.rs` |
//!
//! The hot paths walk a chunk class by class: an even n takes one halving to n/2, an
//! n = 1 (mod 4) three steps to (3n+1)/4, both below n, each one memo read; the
//! n = 3 (mod 4) take the residue tables (`tables`), the class walk (`classes`) or a walk to
//! below the memo (`follow`). The general path follows every n ([`compute`](super::follow::compute)) and reads the memo
//! where it lands.
//!
//! What the choice costs: nothing per chunk but two checks that belong to the chunk, not the
//! call: a chunk below [`DENSE_FROM`] (whose n/2 or (3n+1)/4 can be n itself or 1) and an empty
//! one take the general path, and `StepsAndMax` and `Dense` need the memo to reach n/2 and
//! (3n+1)/4 of every n of the chunk (else the general path, which walks on past the memo).
//! What the paths cost, measured, is in docs/performance.md.

mod dense;
mod general;
mod steps;
mod steps_max;
mod summary;

use super::control::Control;
use super::follow::Out;
use super::memo::{MemoTables, MemoView};
use super::split::{split_memo, MaxSlice, MemoSlices, Slices};
use super::summary::Summary;
use super::tally::{merge_opt, Tally};
use super::Want;
use crate::error::{Error, Result};

/// The path that a call's chunks take, chosen once from what they compute, read and write
/// ([`FastPath::choose`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FastPath {
    /// The summary hot path: the chunk's step counts class by class into a buffer (pass one,
    /// `steps.rs`), then sums, histogram and records over it in order of n (pass two).
    Summary,
    /// Step counts alone: pass one of the summary path, written where they are wanted.
    Steps,
    /// Step counts and maxima, from a memo of both: class by class with their peak lines.
    StepsAndMax,
    /// The columns hot path: every output but odd steps, one class at a time.
    Dense,
    /// Every n followed one by one: any output, odd steps included.
    General,
}

impl FastPath {
    /// The path for chunks of a call that wants `want`, adds up `tally`, writes the columns of
    /// `out` (their presence, not their length, counts), reads a memo with the tables `reads`,
    /// and writes memo entries with the tables `writes` (`None` where it writes none).
    pub(super) fn choose(
        want: Want,
        tally: Tally,
        out: &Slices,
        reads: MemoTables,
        writes: Option<MemoTables>,
    ) -> FastPath {
        // the hot paths count no odd steps
        if want.odd_steps || reads.odd {
            return FastPath::General;
        }
        if tally.on() && out.is_none() && !reads.max {
            return FastPath::Summary;
        }
        let tst_only = want.total_stopping_time && !want.stopping_time && !want.max_excursion;
        let writes_tst_only = writes.is_none_or(|w| !w.odd && !w.max);
        if !tally.on() && tst_only && !reads.max && writes_tst_only {
            return FastPath::Steps;
        }
        let tst_and_max = Want {
            total_stopping_time: true,
            max_excursion: true,
            ..Want::NONE
        };
        if !tally.on()
            && want == tst_and_max
            && writes.is_none()
            && out.glide.is_none()
            && out.tst.is_some()
            && matches!(out.max, Some(MaxSlice::U64(_)))
            && reads.max
        {
            return FastPath::StepsAndMax;
        }
        FastPath::Dense
    }
}

/// What the chunks of a call (a segment of it) compute and add up, and the path they take.
#[derive(Debug, Clone, Copy)]
pub(super) struct Work {
    pub want: Want,
    pub tally: Tally,
    pub path: FastPath,
}

impl Work {
    /// The work of chunks like these (see [`FastPath::choose`]), with its path chosen.
    pub(super) fn new(
        want: Want,
        tally: Tally,
        out: &Slices,
        reads: MemoTables,
        writes: Option<MemoTables>,
    ) -> Work {
        Work {
            want,
            tally,
            path: FastPath::choose(want, tally, out, reads, writes),
        }
    }
}

/// What every path reads over a chunk: the memo's bound `p`, the memo below it, and the call's
/// control (cancellation, progress).
#[derive(Clone, Copy)]
pub(super) struct Reads<'a> {
    pub p: u64,
    pub view: &'a MemoView<'a>,
    pub ctl: &'a Control<'a>,
}

/// One chunk of start values from `start`, reading the memo below `reads.p` and writing `out`
/// (and `memo`, in the memo's growth), by the path of `work`.
pub(super) fn chunk(
    start: u64,
    out: Slices<'_>,
    memo: Option<MemoSlices<'_>>,
    reads: Reads,
    work: Work,
) -> Result<Option<Summary>> {
    if start < DENSE_FROM && out.len > (DENSE_FROM - start) as usize {
        // the few n below DENSE_FROM by the general path, the rest by the call's path
        let k = (DENSE_FROM - start) as usize;
        let (head, tail) = out.split_at(k);
        let (memo_head, memo_tail) = split_memo(memo, k);
        let a = chunk(start, head, memo_head, reads, work)?;
        let b = chunk(DENSE_FROM, tail, memo_tail, reads, work)?;
        return Ok(merge_opt(a, b));
    }
    let path = match work.path {
        _ if out.len == 0 || start < DENSE_FROM => FastPath::General,
        // (the summary and step-count paths walk on to below p past the memo's reach)
        FastPath::StepsAndMax | FastPath::Dense if !in_reach(start, out.len, reads.p) => {
            FastPath::General
        }
        path => path,
    };
    match path {
        FastPath::Summary => {
            reads
                .ctl
                .hot_chunks
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let memo_tst = memo.map(|m| m.tst);
            let odd_only = work.tally == Tally::Odd;
            summary::leaf_summary(start, out.len, reads, memo_tst, work.want, odd_only).map(Some)
        }
        FastPath::Steps => {
            let evens = work.tally != Tally::OddColumns;
            steps::fill_columns(start, out, memo, reads, evens)?;
            Ok(None)
        }
        FastPath::StepsAndMax => {
            let mut out = out;
            if let (Some(t), Some(MaxSlice::U64(m)), Some(view_max)) =
                (out.tst.as_deref_mut(), out.max.as_mut(), reads.view.max)
            {
                steps_max::fill_with_max(start, reads, view_max, t, m)?;
                reads.ctl.advance(out.len as u64);
                return Ok(None);
            }
            // (not reached: the path is chosen for these columns and this memo)
            dense::leaf_dense(start, out, memo, reads, work)
        }
        FastPath::Dense => dense::leaf_dense(start, out, memo, reads, work),
        FastPath::General => general::leaf(start, out, memo, reads, work),
    }
}

/// The hot paths start here (below it, n/2 or (3n+1)/4 can be n itself or the special n = 1).
const DENSE_FROM: u64 = 8;

/// Whether the even and n = 1 (mod 4) rules land inside the memo (below `p`) for every n of
/// the chunk [start, start + len): what the `Dense` and `StepsAndMax` paths need.
fn in_reach(start: u64, len: usize, p: u64) -> bool {
    let last = start + len as u64 - 1;
    last / 2 < p && 3 * (last >> 2) + 1 < p
}

/// Start values whose memo lookups are issued together.
pub(super) const BLOCK: usize = 64;

/// The maximum excursion `r.max` as u64 (for a u64 column or memo table), or a typed error.
#[inline(always)]
fn max_to_u64(r: &Out, what: &'static str, n: u64) -> Result<u64> {
    u64::try_from(r.max).map_err(|_| Error::Overflow { what, ty: "u64", n })
}

/// A step count as u16 (for a column or memo table), or a typed error.
pub(super) fn to_u16(v: u32, n: u64) -> Result<u16> {
    u16::try_from(v).map_err(|_| Error::Overflow {
        what: "step count",
        ty: "u16",
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: MemoTables = MemoTables {
        odd: false,
        max: false,
    };
    const MAX: MemoTables = MemoTables {
        odd: false,
        max: true,
    };
    const ODD: MemoTables = MemoTables {
        odd: true,
        max: false,
    };

    #[test]
    fn the_path_is_chosen_from_what_the_chunks_compute_read_and_write() {
        let (mut tst, mut max) = (vec![0u16; 4], vec![0u64; 4]);
        let summary = Slices::none(4);
        let steps = Slices {
            tst: Some(&mut tst),
            ..Slices::none(4)
        };
        let choose = FastPath::choose;
        // a default summary, growing the memo or not; with exact maxima; with odd steps
        assert_eq!(
            choose(Want::FAST, Tally::All, &summary, NONE, None),
            FastPath::Summary
        );
        assert_eq!(
            choose(Want::FAST, Tally::Odd, &summary, NONE, Some(NONE)),
            FastPath::Summary
        );
        assert_eq!(
            choose(Want::FAST, Tally::All, &summary, MAX, Some(MAX)),
            FastPath::Dense
        );
        assert_eq!(
            choose(Want::ALL, Tally::All, &summary, ODD, None),
            FastPath::General
        );
        // step counts alone: into columns, the memo, or both
        let tst_only = Want::TOTAL_STOPPING_TIME;
        assert_eq!(
            choose(tst_only, Tally::Off, &steps, NONE, None),
            FastPath::Steps
        );
        assert_eq!(
            choose(tst_only, Tally::OddColumns, &steps, NONE, Some(NONE)),
            FastPath::Steps
        );
        assert_eq!(
            choose(tst_only, Tally::Off, &summary, NONE, Some(NONE)),
            FastPath::Steps
        );
        // (a memo with maxima to grow: the dense path writes them)
        assert_eq!(
            choose(tst_only, Tally::Off, &steps, NONE, Some(MAX)),
            FastPath::Dense
        );
        // step counts and u64 maxima from a memo of maxima, unless the chunk grows the memo
        let tst_and_max = Want {
            max_excursion: true,
            ..Want::TOTAL_STOPPING_TIME
        };
        let both = Slices {
            tst: Some(&mut tst),
            max: Some(MaxSlice::U64(&mut max)),
            ..Slices::none(4)
        };
        assert_eq!(
            choose(tst_and_max, Tally::Off, &both, MAX, None),
            FastPath::StepsAndMax
        );
        assert_eq!(
            choose(tst_and_max, Tally::Off, &both, MAX, Some(MAX)),
            FastPath::Dense
        );
        assert_eq!(
            choose(tst_and_max, Tally::Off, &both, NONE, None),
            FastPath::Dense
        );
        // anything with odd steps, asked for or in the memo
        let odd = Want {
            odd_steps: true,
            ..Want::TOTAL_STOPPING_TIME
        };
        assert_eq!(
            choose(odd, Tally::Off, &Slices::none(4), NONE, None),
            FastPath::General
        );
        assert_eq!(
            choose(tst_only, Tally::Off, &Slices::none(4), ODD, None),
            FastPath::General
        );
    }

    #[test]
    fn chunks_out_of_the_memos_reach_take_the_general_path() {
        // n/2 and (3n+1)/4 of the chunk's last n must lie below p
        // [8, 16): 15/2 = 7 and (3·15+1)/4 = 10
        assert!(in_reach(8, 8, 11));
        assert!(!in_reach(8, 8, 10));
        // [1000, 1010): 1009/2 = 504 and (3·1009+1)/4 = 757
        assert!(in_reach(1000, 10, 758));
        assert!(!in_reach(1000, 10, 757));
        assert!(!in_reach(1000, 10, 504));
    }
}
