//! The summary hot path ([`FastPath::Summary`](super::FastPath::Summary)): summaries without
//! odd steps or exact maxima, the path of a default summary.
//!
//! Pass one fills the chunk's total stopping times class by class (`steps.rs`, which also
//! collects the n = 3 (mod 4) class's glide and path candidates); pass two sums, counts and
//! finds the delay records over the filled buffer in order of n, a block of 64 at a time, with
//! four fixed-size histograms. The buffers are reused per thread ([`Scratch`]).
//!
//! When it runs: every chunk of a summary whose call wants no odd steps and, from 1, no exact
//! maxima (summaries from elsewhere with maxima need a memo of maxima: `Dense`). What it
//! costs: about one memo read per n, and 2 bytes per n of scratch per thread.

use super::steps::{fill, ClassRecords};
use super::Reads;
use crate::error::Result;
use crate::range::summary::{self, Record, StatSummary, Summary};
use crate::range::Want;

/// The summary hot path (no columns, no exact maxima): pass one fills the chunk's total
/// stopping times (into the memo wave, or a scratch buffer) class by class with one memo
/// lookup each for even n and n = 1 (mod 4) (after a walk on to below the memo where it does
/// not reach n/2 or (3n+1)/4), and the residue table or the kernel for
/// n = 3 (mod 4), which also yields their glides and maxima before the drop; pass two sums,
/// counts and finds the delay records over the filled buffer in order. With `odd_only` the
/// summary holds the chunk's odd n alone (its `count` is theirs; `start` and `end` stay the
/// chunk's), and the even n are computed only where they are memo entries.
#[inline(never)]
pub(super) fn leaf_summary(
    start: u64,
    len: usize,
    reads: Reads,
    memo_out: Option<&mut [u16]>,
    want: Want,
    odd_only: bool,
) -> Result<Summary> {
    let ctl = reads.ctl;
    let end = start + len as u64;
    // the even n's step counts are needed only where they are memo entries
    let evens_needed = !odd_only || memo_out.is_some();
    let mut scratch = Scratch::take();
    let t: &mut [u16] = match memo_out {
        Some(m) => m,
        None => {
            scratch.steps.clear();
            scratch.steps.resize(len, 0u16);
            &mut scratch.steps
        }
    };
    // path candidates start from a maximum that an earlier start value of the run reaches
    let mut class = ClassRecords {
        path_best: ctl.path_floor(),
        ..ClassRecords::default()
    };
    let overflow = fill::<true>(start, reads, t, &mut class, evens_needed)?;
    let ClassRecords {
        mut glide_cands,
        mut path_cands,
        glide_sum,
        ..
    } = class;
    let first_even = start + (start & 1);
    let first_one = start + (5 - start % 4) % 4;
    let first_odd = start | 1;
    // pass two: in order of n; with `odd_only` over the odd n alone, gathered first
    let (t, step, first) = if odd_only {
        gather_odd(&t[(first_odd - start) as usize..], &mut scratch.odds);
        (&scratch.odds[..], 2, first_odd)
    } else {
        (&t[..], 1, start)
    };
    let mut summary = Summary::empty(start);
    summary.end = end;
    summary.count = t.len() as u64;
    if want.total_stopping_time {
        let width = (overflow as usize + 1).next_power_of_two();
        let (sum, best, best_n, mut hist) = if width <= SMALL_HIST && len < u32::MAX as usize {
            // four histograms, one per position mod 4 (runs of equal values do not wait on
            // one counter), of u32 counters and a fixed width: 16 KiB, and no bounds checks
            let mut hists = Box::new([[0u32; SMALL_HIST]; 4]);
            let tally = |block: &[u16]| {
                let mut quads = block.chunks_exact(4);
                for quad in quads.by_ref() {
                    for (h, &v) in hists.iter_mut().zip(quad) {
                        h[v as usize % SMALL_HIST] += 1;
                    }
                }
                for (h, &v) in hists.iter_mut().zip(quads.remainder()) {
                    h[v as usize % SMALL_HIST] += 1;
                }
            };
            let (sum, best, best_n) =
                scan_counts(t, first, step, &mut summary.delay_records, tally);
            let hist = (0..width)
                .map(|v| hists.iter().map(|h| h[v] as u64).sum())
                .collect::<Vec<u64>>();
            (sum, best, best_n, hist)
        } else {
            let mut hists = [
                vec![0u64; width],
                vec![0u64; width],
                vec![0u64; width],
                vec![0u64; width],
            ];
            let tally = |block: &[u16]| {
                for (i, &v) in block.iter().enumerate() {
                    hists[i % 4][v as usize] += 1;
                }
            };
            let (sum, best, best_n) =
                scan_counts(t, first, step, &mut summary.delay_records, tally);
            let hist = (0..width)
                .map(|v| hists.iter().map(|h| h[v]).sum())
                .collect::<Vec<u64>>();
            (sum, best, best_n, hist)
        };
        let last = hist.iter().rposition(|&c| c > 0).map_or(0, |i| i + 1);
        hist.truncate(last);
        summary.histogram = hist;
        summary.total_stopping_time = Some(StatSummary {
            sum,
            max: best.max(0) as u32,
            max_n: best_n,
        });
    }
    let evens = if odd_only {
        0
    } else {
        (end - first_even).div_ceil(2)
    };
    let ones = if first_one < end {
        (end - first_one).div_ceil(4)
    } else {
        0
    };
    if want.stopping_time {
        // glides 1 (even) and 3 (1 mod 4) can be records only at their class's first n
        if evens > 0 {
            glide_cands.push(Record {
                n: first_even,
                value: 1,
            });
        }
        if ones > 0 {
            glide_cands.push(Record {
                n: first_one,
                value: 3,
            });
        }
        let records = summary::interleave_records(glide_cands);
        let top = records.last().copied();
        summary.stopping_time = top.map(|r| StatSummary {
            sum: glide_sum + evens + 3 * ones,
            max: r.value as u32,
            max_n: r.n,
        });
        summary.glide_records = records;
    }
    if want.max_excursion {
        // the maximum before the drop is n for even n and 3n+1 for n = 1 (mod 4); n - 1 and
        // n - 2 beat those, so only the first of each class in the chunk can be a record
        if evens > 0 {
            path_cands.push(Record {
                n: first_even,
                value: first_even as u128,
            });
        }
        if ones > 0 {
            path_cands.push(Record {
                n: first_one,
                value: 3 * first_one as u128 + 1,
            });
        }
        let records = summary::interleave_records(path_cands);
        summary.max_excursion = records.last().copied();
        summary.path_records = records;
    }
    ctl.advance(len as u64);
    scratch.put_back();
    Ok(summary)
}

/// The summary hot path's buffers, one set per thread, reused from chunk to chunk: a fresh
/// half-megabyte buffer per chunk costs its page faults every time, and an `mmap` and a
/// `munmap` where the allocator hands large blocks back at once (as Dask's workers set glibc
/// to: `MALLOC_TRIM_THRESHOLD_`, slower as measured in docs/performance.md, "Long runs in
/// pieces").
#[derive(Default)]
struct Scratch {
    /// A chunk's step counts, when they are not memo entries.
    steps: Vec<u16>,
    /// The odd n's step counts, gathered.
    odds: Vec<u16>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = const {
        std::cell::Cell::new(Scratch {
            steps: Vec::new(),
            odds: Vec::new(),
        })
    };
}

impl Scratch {
    /// This thread's buffers (empty ones if they are out: taken, not borrowed, so that a
    /// nested call cannot fail).
    fn take() -> Scratch {
        SCRATCH.with(|s| s.take())
    }

    /// Returns the buffers for the thread's next chunk.
    fn put_back(self) {
        SCRATCH.with(|s| s.set(self));
    }
}

/// Every second entry of `t`, from the first, into `out`: the odd n's when `t` starts at an
/// odd n.
fn gather_odd(t: &[u16], out: &mut Vec<u16>) {
    out.clear();
    out.resize(t.len().div_ceil(2), 0);
    // whole pairs (a loop that vectorises), then a last single entry
    let pairs = t.chunks_exact(2);
    if let Some(&last) = pairs.remainder().first() {
        out[t.len() / 2] = last;
    }
    for (o, pair) in out.iter_mut().zip(pairs) {
        *o = pair[0];
    }
}

/// Histogram width up to which pass two counts in a fixed-size table.
const SMALL_HIST: usize = 1024;

/// Pass two over the filled step counts `t` of start, start + step, ...: `tally` sees every
/// block of 64, the sum and maximum are taken a block at a time (they vectorise), and only a
/// block whose maximum beats the record so far is scanned for delay records. Returns the sum,
/// the maximum (-1 if `t` is empty) and its n.
fn scan_counts(
    t: &[u16],
    start: u64,
    step: u64,
    records: &mut Vec<Record>,
    mut tally: impl FnMut(&[u16]),
) -> (u64, i64, u64) {
    let (mut sum, mut best, mut best_n) = (0u64, -1i64, start);
    for (b, block) in t.chunks(64).enumerate() {
        sum += block.iter().map(|&v| v as u32).sum::<u32>() as u64;
        tally(block);
        if block.iter().copied().max().unwrap_or(0) as i64 > best {
            for (i, &v) in block.iter().enumerate() {
                if v as i64 > best {
                    best = v as i64;
                    best_n = start + step * (64 * b + i) as u64;
                    records.push(Record {
                        n: best_n,
                        value: v as u128,
                    });
                }
            }
        }
    }
    (sum, best, best_n)
}
