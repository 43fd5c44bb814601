//! The work on one chunk: per-number results (`compute`), the general leaf, and the two
//! hot paths (`leaf_dense` for columns, `leaf_summary` for summaries).

use super::classes::{classes, fill_classes, fill_classes_max, sparse_from, stream, SPARSE_MIN};
use super::control::Control;
use super::follow::{descend, descend_block, follow_pending, follow_records, Out, Pending};
use super::memo::{prefetch, MemoView};
use super::split::{split_memo, MaxSlice, MemoSlices, Slices};
use super::summary::{self, Acc, Record, StatSummary, Summary};
use super::tables::{
    drop_hot, drop_peak, drop_peak_bound, drop_pending, drop_slot, drop_table, DropHot, CONTINUE,
    DROP_BITS, JUMP_FROM,
};
use super::tally::{merge_opt, Tally};
use super::Want;
use crate::error::{Error, Result};

/// The results for n, less its memo entries (see [`Pending`]), with the residue rules of
/// PERFORMANCE.md where the memo allows: an even n takes one halving to n/2, an n = 1 (mod 4)
/// three steps to (3n+1)/4, both below n. Values that outgrow u64 take the exact
/// arbitrary-precision path.
#[inline(always)]
pub(super) fn compute(n: u64, p: u64) -> Result<Pending> {
    if n & 1 == 0 {
        let h = n >> 1;
        if h < p {
            return Ok(Pending {
                part: Out {
                    tst: 1,
                    glide: 1,
                    odd: 0,
                    max: n as u128,
                },
                idx: h,
            });
        }
    } else if n & 3 == 1 && n > 1 {
        // n = 4k + 1: n -> 12k + 4 -> 6k + 2 -> 3k + 1
        let q = 3 * (n >> 2) + 1;
        if q < p {
            return Ok(Pending {
                part: Out {
                    tst: 3,
                    glide: 3,
                    odd: 1,
                    max: 3 * n as u128 + 1,
                },
                idx: q,
            });
        }
    } else if n == 1 {
        return Ok(Pending {
            part: Out {
                tst: 0,
                glide: 0,
                odd: 0,
                max: 1,
            },
            idx: 1,
        });
    }
    match follow_pending(n, p.min(n)) {
        Some(pending) => Ok(pending),
        None => Ok(Pending {
            part: slow(n)?,
            idx: 1,
        }),
    }
}

#[cold]
pub(super) fn slow(n: u64) -> Result<Out> {
    let s = crate::stats(n)?;
    let too_big = || Error::Overflow {
        what: "maximum excursion",
        ty: "u128",
        n,
    };
    Ok(Out {
        tst: u32::try_from(s.total_stopping_time).map_err(|_| too_big())?,
        glide: u32::try_from(s.stopping_time).map_err(|_| too_big())?,
        odd: u32::try_from(s.odd_steps).map_err(|_| too_big())?,
        max: s.max.as_u128().ok_or_else(too_big)?,
    })
}

/// The maximum excursion `r.max` as u64 (for a u64 column or memo table), or a typed error.
#[inline(always)]
fn max_to_u64(r: &Out, what: &'static str, n: u64) -> Result<u64> {
    u64::try_from(r.max).map_err(|_| Error::Overflow { what, ty: "u64", n })
}

pub(super) fn to_u16(v: u32, n: u64) -> Result<u16> {
    u16::try_from(v).map_err(|_| Error::Overflow {
        what: "step count",
        ty: "u16",
        n,
    })
}

/// The summary hot path (no columns, no exact maxima): pass one fills the chunk's total
/// stopping times (into the memo wave, or a scratch buffer) class by class with one memo
/// lookup each for even n and n = 1 (mod 4) (after a walk on to below the memo where it does
/// not reach n/2 or (3n+1)/4), and the residue table or the kernel for
/// n = 3 (mod 4), which also yields their glides and maxima before the drop; pass two sums,
/// counts and finds the delay records over the filled buffer in order. With `odd_only` the
/// summary holds the chunk's odd n alone (its `count` is theirs; `start` and `end` stay the
/// chunk's), and the even n are computed only where they are memo entries.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn leaf_summary(
    start: u64,
    len: usize,
    p: u64,
    view: &MemoView,
    memo_out: Option<&mut [u16]>,
    want: Want,
    odd_only: bool,
    ctl: &Control,
) -> Result<Summary> {
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
    let overflow = fill::<true>(start, p, view, t, &mut class, evens_needed, ctl)?;
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
/// to: `MALLOC_TRIM_THRESHOLD_`, measured 13% slower).
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

/// Chunks shorter than this take the n = 3 (mod 4) one by one rather than class by class.
const CLASSES_FROM_LEN: u64 = 1 << 13;

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

/// Pass one of the hot paths: the total stopping time of every n in [start, start + t.len())
/// into `t`, with `class` collecting the n = 3 (mod 4) class's glide and path candidates.
/// Even n and n = 1 (mod 4) read n/2 and (3n+1)/4 from the memo (below `p`) where it reaches
/// them, and walk on from there to below p where it does not ([`fill_onward`]). Without
/// `evens`, the even n are left as they are.
#[allow(clippy::too_many_arguments)]
fn fill<const RECORDS: bool>(
    start: u64,
    p: u64,
    view: &MemoView,
    t: &mut [u16],
    class: &mut ClassRecords,
    evens: bool,
    ctl: &Control,
) -> Result<u32> {
    let end = start + t.len() as u64;
    let mut overflow: u32 = 0;
    ctl.check()?;
    let pass = Pass { p, view, ctl };
    overflow |= fill_three_mod_four_classes::<RECORDS>(pass, start, end, t, class)?;
    // n = 4k + 1: T(n) = T(3k + 1) + 3, a strided stream over whole quads 4k..4k+3; then even
    // n: T(n) = T(n/2) + 1, a pair (2k, 2k + 1) at a time (the odd entry, already in place,
    // is stored back unchanged, so that the loop writes whole vectors); then the chunk's ragged
    // ends one by one.
    let (q0, q1) = (start.div_ceil(4), end / 4);
    // n = 4q + 1 has 3q + 1 below p for q below `q_third`, and the even n of quad q have their
    // halves below p for q below `q_half`; past them (a chunk beyond the memo's reach) the
    // walks go on from 3q + 1 and from n/2
    let q_third = (p.saturating_sub(1)).div_ceil(3).clamp(q0, q1.max(q0));
    let q_half = (p / 2).clamp(q0, q1.max(q0));
    let one = |n: u64| -> Result<u32> {
        let (x, steps) = if n & 1 == 0 {
            (n >> 1, 1)
        } else {
            (3 * (n >> 2) + 1, 3)
        };
        if x < p {
            Ok(view.tst_at(x) + steps)
        } else {
            onward(n, x, steps, p, view)
        }
    };
    if q0 < q_third {
        let m = (q_third - q0) as usize;
        let quads = &mut t[(4 * q0 - start) as usize..(4 * q_third - start) as usize];
        let thirds = &view.tst[(3 * q0 + 1) as usize - view.base..][..3 * (m - 1) + 1];
        overflow |= stream(thirds, &mut quads[1..], 3, 4, 3);
    }
    if q_third < q1 {
        let ones = (q_third..q1).map(|q| 4 * q + 1);
        overflow |= fill_onward(start, p, view, t, ones, |n| (3 * (n >> 2) + 1, 3))?;
    }
    if q_half < q1 && evens {
        let evens = (q_half..q1).flat_map(|q| [4 * q, 4 * q + 2]);
        overflow |= fill_onward(start, p, view, t, evens, |n| (n >> 1, 1))?;
    }
    if q0 < q_half && evens {
        let quads = &mut t[(4 * q0 - start) as usize..(4 * q_half - start) as usize];
        let halves = &view.tst[(2 * q0) as usize - view.base..(2 * q_half) as usize - view.base];
        let pairs = quads
            .chunks_exact_mut(2)
            .map(|c| <&mut [u16; 2]>::try_from(c).expect("chunks of two"));
        let mut top = 0u16;
        for (pair, &h) in pairs.zip(halves) {
            // (a memo entry of u16::MAX would wrap: it is caught by `top` below)
            top = top.max(h);
            *pair = [h.wrapping_add(1), pair[1]];
        }
        overflow |= top as u32 + 1;
    }
    let (head, tail) = if q0 < q1 {
        (4 * q0, 4 * q1)
    } else {
        (end, end)
    };
    let ragged = (start..head).chain(tail..end);
    for n in ragged.filter(|n| n & 3 == 1 || (n & 1 == 0 && evens)) {
        let v = one(n)?;
        overflow |= v;
        t[(n - start) as usize] = v as u16;
    }
    if overflow > u16::MAX as u32 {
        return Err(Error::Overflow {
            what: "step count",
            ty: "u16",
            n: start,
        });
    }
    Ok(overflow)
}

/// What pass one's helpers share over a chunk: the memo's bound `p`, the memo, and the call's
/// control (cancellation, progress).
#[derive(Clone, Copy)]
struct Pass<'a> {
    p: u64,
    view: &'a MemoView<'a>,
    ctl: &'a Control<'a>,
}

/// The n = 3 (mod 4) class's share of a summary: prefix-maximum candidates for the glide and
/// path records (in increasing n) and the sum of glides.
#[derive(Default)]
struct ClassRecords {
    glide_cands: Vec<Record>,
    path_cands: Vec<Record>,
    glide_best: u32,
    path_best: u128,
    glide_sum: u64,
}

impl ClassRecords {
    #[inline(always)]
    fn glide(&mut self, n: u64, glide: u32) {
        self.glide_sum += glide as u64;
        if glide > self.glide_best {
            self.glide_best = glide;
            self.glide_cands.push(Record {
                n,
                value: glide as u128,
            });
        }
    }

    #[inline(always)]
    fn path(&mut self, n: u64, peak: u128) {
        if peak > self.path_best {
            self.path_best = peak;
            self.path_cands.push(Record { n, value: peak });
        }
    }
}

/// The total stopping time of n from x, a value on its trajectory after `steps` C-steps:
/// [`descend`] to below `p`, then the memo; the exact path where a value outgrows u64.
#[inline(always)]
fn onward(n: u64, x: u64, steps: u32, p: u64, view: &MemoView) -> Result<u32> {
    let (s, y) = match descend(x, steps, p) {
        Some(w) => w,
        None => {
            let pending = compute(n, p)?;
            (pending.part.tst, pending.idx)
        }
    };
    Ok(s + view.tst_at(y))
}

/// The n of `ns` (ascending, in the chunk that starts at `start`), each from `first(n)`: a value
/// on its trajectory at or above `p` and the C-steps to it. They go on to below p a block at
/// a time, side by side ([`descend_block`]), then read the memo, prefetched; the values land
/// in `t` (indexed from `start`). The OR of the values.
fn fill_onward(
    start: u64,
    p: u64,
    view: &MemoView,
    t: &mut [u16],
    ns: impl Iterator<Item = u64>,
    first: impl Fn(u64) -> (u64, u32),
) -> Result<u32> {
    let mut overflow = 0u32;
    let mut n = [0u64; FILL_BLOCK];
    let mut x = [0u64; FILL_BLOCK];
    let mut steps = [0u32; FILL_BLOCK];
    let mut ok = [true; FILL_BLOCK];
    let mut ns = ns.peekable();
    while ns.peek().is_some() {
        let mut m = 0;
        for (slot, v) in n.iter_mut().zip(ns.by_ref()) {
            *slot = v;
            (x[m], steps[m]) = first(v);
            m += 1;
        }
        if p > JUMP_FROM {
            descend_block(&mut x[..m], &mut steps[..m], &mut ok[..m], p);
        } else {
            for ((xi, si), oi) in x[..m].iter_mut().zip(&mut steps[..m]).zip(&mut ok) {
                *oi = match descend(*xi, *si, p) {
                    Some(w) => {
                        (*si, *xi) = w;
                        true
                    }
                    None => false,
                };
            }
        }
        for i in 0..m {
            if !ok[i] {
                let pending = compute(n[i], p)?;
                (steps[i], x[i]) = (pending.part.tst, pending.idx);
            }
            view.prefetch_tst(x[i]);
        }
        for i in 0..m {
            let v = steps[i] + view.tst_at(x[i]);
            overflow |= v;
            t[(n[i] - start) as usize] = v as u16;
        }
    }
    Ok(overflow)
}

/// Writes the total stopping time of every n = 3 (mod 4) in [start, end) into `t` (indexed
/// from `start`), a block at a time: first the hot residue table (one multiply) or the kernel
/// for the whole block, then the block's memo lookups, which miss the cache independently of
/// each other. The table's peaks are computed only while they could still be a record.
/// Returns the OR of the step counts written (for the u16 check).
fn fill_three_mod_four<const RECORDS: bool>(
    pass: Pass,
    start: u64,
    end: u64,
    t: &mut [u16],
    class: &mut ClassRecords,
    until_peaks_off: bool,
) -> Result<(u32, u64)> {
    let Pass { p, view, ctl } = pass;
    let (hot, table) = (drop_hot(), drop_table());
    let mut idx = [0u64; FILL_BLOCK];
    let mut part = [0u32; FILL_BLOCK];
    let mut overflow = 0u32;
    let mut n0 = start + (7 - start % 4) % 4;
    let mut since_check = 0;
    while n0 < end {
        since_check += FILL_BLOCK;
        if since_check >= 1024 {
            ctl.check()?;
            since_check = 0;
        }
        let block = (((end - n0).div_ceil(4)) as usize).min(FILL_BLOCK);
        let peaks = RECORDS && class.path_best < drop_peak_bound(n0 + 4 * (block as u64 - 1));
        if until_peaks_off && class.path_best >= drop_peak_bound(end) {
            break;
        }
        for (j, (slot, steps)) in idx[..block].iter_mut().zip(&mut part).enumerate() {
            let n = n0 + 4 * j as u64;
            let (at, q) = drop_slot(n);
            let e = hot[at];
            // exact whenever the class drops for this q (then T^j(n) < n fits u64)
            let x = q.wrapping_mul(e.mul).wrapping_add(e.d as u64);
            // steps in 1..CONTINUE: a drop entry (one compare)
            let drops = e.steps.wrapping_sub(1) < CONTINUE - 1;
            if drops && q >= e.q_min as u64 && x < p {
                view.prefetch_tst(x);
                *slot = x;
                *steps = e.steps as u32;
                if RECORDS {
                    class.glide(n, e.steps as u32);
                }
                if peaks {
                    class.path(n, drop_peak(table, n));
                }
            } else {
                (*steps, *slot) = left_over::<RECORDS>(n, e, p, peaks, class)?;
            }
        }
        let out = t[(n0 - start) as usize..].iter_mut().step_by(4);
        for ((o, &x), &steps) in out.zip(&idx[..block]).zip(&part) {
            let v = steps + view.tst_at(x);
            overflow |= v;
            *o = v as u16;
        }
        n0 += 4 * block as u64;
    }
    Ok((overflow, n0))
}

/// Pass one's n = 3 (mod 4) share: one residue class at a time ([`fill_classes`]), and the
/// residues that do not drop within K steps one by one in order of n. With records, the start
/// of the chunk goes n by n ([`fill_three_mod_four`]) until no n of the class can hold a path
/// record any more, and the classes' glide candidates come from one period of their glides.
/// Falls back to [`fill_three_mod_four`] for the chunk where a class's glide is not yet exact,
/// the chunk is short, or a value outgrows u64.
fn fill_three_mod_four_classes<const RECORDS: bool>(
    pass: Pass,
    start: u64,
    end: u64,
    t: &mut [u16],
    class: &mut ClassRecords,
) -> Result<u32> {
    let Pass { p, view, ctl } = pass;
    let cl = classes();
    // a short chunk would pay for the walk over all classes without many members in each
    if (RECORDS && start < cl.glide_exact_from) || end - start < CLASSES_FROM_LEN {
        return Ok(fill_three_mod_four::<RECORDS>(pass, start, end, t, class, false)?.0);
    }
    let (mut overflow, h) = if RECORDS {
        fill_three_mod_four::<RECORDS>(pass, start, end, t, class, true)?
    } else {
        (0, start)
    };
    if h >= end {
        return Ok(overflow);
    }
    let region = &mut t[(h - start) as usize..];
    let j0 = sparse_from(end - h);
    let filled = fill_classes(h, end, p, view.base as u64, view.tst, region, j0);
    let Some((top, glide_sum)) = filled else {
        let (top, _) = fill_three_mod_four::<RECORDS>(pass, h, end, region, class, false)?;
        return Ok(overflow | top);
    };
    overflow |= top;
    ctl.check()?;
    let sparse = &cl.sparse[(j0 - SPARSE_MIN) as usize];
    overflow |= fill_rest::<RECORDS>(pass, h, end, region, class, sparse)?;
    if RECORDS {
        class.glide_sum += glide_sum;
        // the classes' glides repeat with period 2^K: their prefix maxima over [h, end) lie in
        // the first period
        let mut best = 0u8;
        let first = h + (7 - h % 4) % 4;
        for n in (first..end.min(h + (1 << DROP_BITS))).step_by(4) {
            let g = cl.glide[((n & ((1 << DROP_BITS) - 1)) >> 2) as usize];
            if g > best {
                best = g;
                class.glide_cands.push(Record {
                    n,
                    value: g as u128,
                });
                if best == cl.max_glide {
                    break;
                }
            }
        }
    }
    Ok(overflow)
}

/// An n = 3 (mod 4) that its hot-table entry `e` does not answer: the C-steps to a value below
/// `p`, and that value. From T^K(n) where the entry has it (a class that stays at or above n for
/// K steps), else from n. With RECORDS also its glide and path candidates, into `class`;
/// `peaks` says whether its first K steps could still hold a path record (then it is followed
/// exactly from n).
#[inline(always)]
fn left_over<const RECORDS: bool>(
    n: u64,
    e: DropHot,
    p: u64,
    peaks: bool,
    class: &mut ClassRecords,
) -> Result<(u32, u64)> {
    let k = (e.steps & !CONTINUE) as u32;
    let from = resume(n, e);
    if RECORDS {
        // the peak of the first K steps is below path_best when !peaks: starting the maximum
        // at n loses no record
        let pending = match from {
            Some(x) if !peaks => follow_records(n, p, x, k, class.path_best),
            _ => None,
        };
        let pending = match pending {
            Some(pending) => pending,
            None => compute(n, p)?,
        };
        class.glide(n, pending.part.glide);
        class.path(n, pending.part.max);
        Ok((pending.part.tst, pending.idx))
    } else {
        let walked = match from {
            Some(x) => descend(x, k, p.min(n)),
            None => descend(n, 0, p.min(n)),
        };
        match walked {
            Some(w) => Ok(w),
            None => {
                let pending = compute(n, p)?;
                Ok((pending.part.tst, pending.idx))
            }
        }
    }
}

/// T^K(n) where the hot-table entry `e` of n has it (a class that stays at or above n for K
/// steps, and q = n >> K large enough), after `e.steps & !CONTINUE` C-steps.
#[inline(always)]
fn resume(n: u64, e: DropHot) -> Option<u64> {
    let q = n >> DROP_BITS;
    (e.steps & CONTINUE != 0 && q >= e.q_min as u64)
        .then(|| q.checked_mul(e.mul)?.checked_add(e.d as u64))
        .flatten()
}

/// Where a member of the one-by-one residues starts, from its hot-table entry `e`: a member of
/// a class that drops (for this q) at T^j(n) < n after its glide (`true`); a residue that
/// stays at or above n for K steps at T^K(n); else n itself, with no steps.
#[inline(always)]
fn first_leg(n: u64, e: DropHot) -> (u64, u32, bool) {
    let q = n >> DROP_BITS;
    // steps in 1..CONTINUE: a drop entry
    if e.steps.wrapping_sub(1) < CONTINUE - 1 && q >= e.q_min as u64 {
        // exact: the class drops for this q, so T^j(n) < n fits u64
        return (
            q.wrapping_mul(e.mul).wrapping_add(e.d as u64),
            e.steps as u32,
            true,
        );
    }
    match resume(n, e) {
        Some(x) => (x, (e.steps & !CONTINUE) as u32, false),
        None => (n, 0, false),
    }
}

/// The n = 3 (mod 4) of [start, end) whose residue modulo 2^K is in `list` (ascending): the
/// residues that do not drop within K steps
/// ([`Classes::rest`](super::classes::Classes::rest)) and those of the classes too sparse for
/// this chunk ([`Classes::sparse`](super::classes::Classes::sparse)), in order of n.
/// Drop-class members take their class's steps (and, with RECORDS, add their glide to the
/// sum; the caller finds the classes' glide candidates); the others are followed from T^K(n)
/// where the hot table has it, else from n. Their path candidates assume no drop-class n of the
/// range can be a path record.
fn fill_rest<const RECORDS: bool>(
    pass: Pass,
    start: u64,
    end: u64,
    t: &mut [u16],
    class: &mut ClassRecords,
    list: &[u32],
) -> Result<u32> {
    let Pass { p, view, ctl } = pass;
    let hot = drop_hot();
    let mut overflow = 0u32;
    let mut idx = [0u64; FILL_BLOCK];
    let mut part = [0u32; FILL_BLOCK];
    let mut ok = [true; FILL_BLOCK];
    let mut q = start >> DROP_BITS;
    while q << DROP_BITS < end {
        let base_n = q << DROP_BITS;
        let lo = start.saturating_sub(base_n);
        let hi = end - base_n;
        let a = list.partition_point(|&r| (r as u64) < lo);
        let b = list.partition_point(|&r| (r as u64) < hi);
        // a block at a time: the walks first (prefetching each landing place), then the
        // block's memo reads, which miss the cache independently of each other
        for block in list[a..b].chunks(FILL_BLOCK) {
            if !RECORDS && p > JUMP_FROM && p <= start {
                // step counts alone, every n above p: the block's walks side by side
                let m = block.len();
                for (&r, (slot, part)) in block.iter().zip(idx.iter_mut().zip(&mut part)) {
                    let n = base_n + r as u64;
                    (*slot, *part, _) = first_leg(n, hot[(r >> 2) as usize]);
                }
                descend_block(&mut idx[..m], &mut part[..m], &mut ok[..m], p);
                for (i, &r) in block.iter().enumerate() {
                    if !ok[i] {
                        let n = base_n + r as u64;
                        let e = hot[(r >> 2) as usize];
                        (part[i], idx[i]) = left_over::<false>(n, e, p, false, class)?;
                    }
                    view.prefetch_tst(idx[i]);
                }
            } else {
                for (&r, (slot, part)) in block.iter().zip(idx.iter_mut().zip(&mut part)) {
                    let n = base_n + r as u64;
                    let e = hot[(r >> 2) as usize];
                    let (x, steps, drop_member) = first_leg(n, e);
                    (*part, *slot) = if drop_member {
                        if RECORDS {
                            class.glide_sum += steps as u64;
                        }
                        match descend(x, steps, p) {
                            Some(w) => w,
                            None => {
                                let pending = compute(n, p)?;
                                (pending.part.tst, pending.idx)
                            }
                        }
                    } else {
                        // no n of a class can hold a path record here (the caller's promise)
                        left_over::<RECORDS>(n, e, p, false, class)?
                    };
                    view.prefetch_tst(*slot);
                }
            }
            for (&r, (&x, &steps)) in block.iter().zip(idx.iter().zip(&part)) {
                let v = steps + view.tst_at(x);
                overflow |= v;
                t[(base_n + r as u64 - start) as usize] = v as u16;
            }
        }
        ctl.check()?;
        q += 1;
    }
    Ok(overflow)
}

/// Calls `each(n, result)` for every n = 3 (mod 4) in [start, end), in order, a block at a
/// time: the residue table (or the kernel) for the whole block first, then the block's memo
/// lookups, which miss the cache independently of each other. Returns the count.
pub(super) fn each_three_mod_four(
    start: u64,
    end: u64,
    p: u64,
    view: &MemoView,
    ctl: &Control,
    mut each: impl FnMut(u64, Out) -> Result<()>,
) -> Result<u64> {
    let mut pending = [Pending::default(); BLOCK];
    let mut finished = [Out::default(); BLOCK];
    let table = drop_table();
    let mut n0 = start + (7 - start % 4) % 4;
    let mut count = 0;
    let mut since_check = 0;
    while n0 < end {
        since_check += BLOCK;
        if since_check >= 1024 {
            ctl.check()?;
            since_check = 0;
        }
        let block = (((end - n0).div_ceil(4)) as usize).min(BLOCK);
        for (j, slot) in pending[..block].iter_mut().enumerate() {
            let n = n0 + 4 * j as u64;
            *slot = match drop_pending(table, n, p) {
                Some(d) => d,
                None => compute(n, p)?,
            };
        }
        for (slot, fin) in pending[..block].iter().zip(finished.iter_mut()) {
            *fin = slot.finish(view);
        }
        for (j, r) in finished[..block].iter().enumerate() {
            each(n0 + 4 * j as u64, *r)?;
        }
        count += block as u64;
        n0 += 4 * block as u64;
    }
    Ok(count)
}

/// Where [`leaf_dense`] writes: the wave's memo entries and the requested columns.
pub(super) struct Sink<'s> {
    /// the largest step count written, checked against u16 at the end
    top: u32,
    /// whether anything at all is written
    any: bool,
    memo_tst: Option<&'s mut [u16]>,
    memo_max: Option<&'s mut [u64]>,
    tst: Option<&'s mut [u16]>,
    glide: Option<&'s mut [u16]>,
    max: Option<MaxSlice<'s>>,
}

impl Sink<'_> {
    #[inline(always)]
    fn put(&mut self, i: usize, r: &Out) {
        self.top = self.top.max(r.tst).max(r.glide);
        if !self.any {
            return;
        }
        if let Some(t) = &mut self.memo_tst {
            t[i] = r.tst as u16;
        }
        if let Some(m) = &mut self.memo_max {
            // memo values are far below 12,327,829,503: their maxima fit u64
            m[i] = r.max as u64;
        }
        if let Some(t) = &mut self.tst {
            t[i] = r.tst as u16;
        }
        if let Some(g) = &mut self.glide {
            g[i] = r.glide as u16;
        }
        match &mut self.max {
            Some(MaxSlice::U64(m)) => m[i] = r.max as u64,
            Some(MaxSlice::U128(m)) => m[i] = r.max,
            None => {}
        }
    }
}

/// One chunk of start values from `start`, reading the memo below `p` and writing `out`
/// (and `memo`, in a wave): the summary hot path, the columns hot path, or the general leaf.
#[allow(clippy::too_many_arguments)]
pub(super) fn chunk(
    start: u64,
    mut out: Slices<'_>,
    p: u64,
    view: &MemoView,
    memo: Option<MemoSlices<'_>>,
    summarize: Tally,
    want: Want,
    ctl: &Control,
) -> Result<Option<Summary>> {
    if start < DENSE_FROM && out.len > (DENSE_FROM - start) as usize {
        // the few n below DENSE_FROM by the general leaf, the rest by a hot path
        let k = (DENSE_FROM - start) as usize;
        let (head, tail) = out.split_at(k);
        let (memo_head, memo_tail) = split_memo(memo, k);
        let a = chunk(start, head, p, view, memo_head, summarize, want, ctl)?;
        let b = chunk(DENSE_FROM, tail, p, view, memo_tail, summarize, want, ctl)?;
        return Ok(merge_opt(a, b));
    }
    // the summary and the step counts alone take the hot paths wherever the chunk starts past
    // DENSE_FROM (past the memo's reach they walk on to below p, see [`fill`])
    let hot = hot_ok(start, out.len, view, want);
    if hot && summarize.on() && out.is_none() && view.max.is_none() {
        let memo_tst = memo.map(|m| m.tst);
        let odd_only = summarize == Tally::Odd;
        ctl.hot_chunks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return leaf_summary(start, out.len, p, view, memo_tst, want, odd_only, ctl).map(Some);
    }
    let tst_only = want.total_stopping_time && !want.stopping_time && !want.max_excursion;
    let memo_tst_only = memo
        .as_ref()
        .is_none_or(|m| m.odd.is_none() && m.max.is_none());
    if hot && !summarize.on() && tst_only && view.max.is_none() && memo_tst_only {
        // step counts alone: pass one of the summary path, written where they are wanted
        let mut class = ClassRecords::default();
        let evens = summarize != Tally::OddColumns;
        match (out.tst, memo) {
            (Some(t), None) => fill::<false>(start, p, view, t, &mut class, evens, ctl)?,
            (None, Some(m)) => fill::<false>(start, p, view, m.tst, &mut class, true, ctl)?,
            (Some(t), Some(m)) => {
                fill::<false>(start, p, view, m.tst, &mut class, true, ctl)?;
                t.copy_from_slice(m.tst);
                0
            }
            (None, None) => 0,
        };
        ctl.advance(out.len as u64);
        return Ok(None);
    }
    if !dense_ok(start, out.len, p, view, want) {
        return leaf(start, out, p, view, memo, want, summarize, ctl);
    }
    let tst_and_max = Want {
        total_stopping_time: true,
        max_excursion: true,
        ..Want::NONE
    };
    if !summarize.on() && want == tst_and_max && memo.is_none() && out.glide.is_none() {
        if let (Some(t), Some(MaxSlice::U64(m)), Some(view_max)) =
            (out.tst.as_deref_mut(), out.max.as_mut(), view.max)
        {
            fill_with_max(start, p, view, view_max, t, m, ctl)?;
            ctl.advance(out.len as u64);
            return Ok(None);
        }
    }
    leaf_dense(start, out, p, view, memo, summarize, want, ctl)
}

/// The columns hot path for step counts and maxima together, where the memo has both: the
/// n = 3 (mod 4) class by class ([`fill_classes_max`]), the rest of them one by one, then even
/// n and n = 1 (mod 4) from n/2 and (3n+1)/4.
fn fill_with_max(
    start: u64,
    p: u64,
    view: &MemoView,
    view_max: &[u64],
    t: &mut [u16],
    m: &mut [u64],
    ctl: &Control,
) -> Result<()> {
    let end = start + t.len() as u64;
    let base = view.base as u64;
    ctl.check()?;
    let mut others = Vec::new();
    let mut top =
        match fill_classes_max(start, end, p, base, view.tst, view_max, t, m, &mut others) {
            Some(top) => top,
            None => {
                // a peak past u64 (not within the columns' range): every class member one by one
                others.clear();
                others.extend((start + (7 - start % 4) % 4..end).step_by(4).filter(|&n| {
                    classes().glide[((n & ((1 << DROP_BITS) - 1)) >> 2) as usize] != 0
                }));
                0
            }
        };
    ctl.check()?;
    let rest = &classes().rest;
    let mut q = start >> DROP_BITS;
    while q << DROP_BITS < end {
        let base_n = q << DROP_BITS;
        let a = rest.partition_point(|&r| (r as u64) < start.saturating_sub(base_n));
        let b = rest.partition_point(|&r| (r as u64) < end - base_n);
        others.extend(rest[a..b].iter().map(|&r| base_n + r as u64));
        q += 1;
    }
    // a block at a time: the walks first (prefetching where each lands), then the reads
    let mut pending = [Pending::default(); BLOCK];
    for block in others.chunks(BLOCK) {
        for (slot, &n) in pending.iter_mut().zip(block) {
            *slot = compute(n, p)?;
            view.prefetch_tst(slot.idx);
            prefetch(view_max, (slot.idx as usize).wrapping_sub(view.base));
        }
        for (slot, &n) in pending.iter().zip(block) {
            let r = slot.finish(view);
            top |= r.tst;
            let at = (n - start) as usize;
            t[at] = r.tst as u16;
            m[at] = max_to_u64(&r, "maximum excursion", n)?;
        }
        ctl.check()?;
    }
    ctl.check()?;
    // even n: T(n/2) + 1 and max(n, M(n/2)); n = 4k + 1: T(3k + 1) + 3 and
    // max(3n + 1, M(3k + 1))
    let first_even = start + (start & 1);
    for n in (first_even..end).step_by(2) {
        let x = (n / 2 - base) as usize;
        let v = view.tst[x] as u32 + 1;
        top |= v;
        let at = (n - start) as usize;
        t[at] = v as u16;
        m[at] = view_max[x].max(n);
    }
    for n in (start + (5 - start % 4) % 4..end).step_by(4) {
        let x = (3 * (n >> 2) + 1 - base) as usize;
        let v = view.tst[x] as u32 + 3;
        top |= v;
        let at = (n - start) as usize;
        t[at] = v as u16;
        m[at] = view_max[x].max(3 * n + 1);
    }
    to_u16(top, start)?;
    Ok(())
}

/// Whether [`leaf_dense`] can take the chunk: no odd steps anywhere, and the even and
/// n = 1 (mod 4) rules land inside the memo for every n of the chunk.
/// The hot paths start here (below it, n/2 or (3n+1)/4 can be n itself or the special n = 1).
const DENSE_FROM: u64 = 8;

/// Whether the hot paths of summaries and of step counts alone ([`fill`]) take the chunk: as
/// [`dense_ok`], but with no condition on the memo's reach.
fn hot_ok(start: u64, len: usize, view: &MemoView, want: Want) -> bool {
    len > 0 && start >= DENSE_FROM && !want.odd_steps && view.odd.is_none()
}

fn dense_ok(start: u64, len: usize, p: u64, view: &MemoView, want: Want) -> bool {
    let last = start + len as u64 - 1;
    len > 0
        && start >= DENSE_FROM
        && !want.odd_steps
        && view.odd.is_none()
        && last / 2 < p
        && 3 * (last >> 2) + 1 < p
}

/// The columns hot path: the chunk's start values class by class. Even n and n = 1 (mod 4)
/// take one memo lookup each (n/2, (3n+1)/4); n = 3 (mod 4) take the residue table when their
/// class surely drops within 16 steps (glide and maximum before the drop included), and are
/// followed otherwise. Each class keeps its own summary, merged by n at the end.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn leaf_dense(
    start: u64,
    mut out: Slices<'_>,
    p: u64,
    view: &MemoView,
    mut memo: Option<MemoSlices<'_>>,
    summarize: Tally,
    want: Want,
    ctl: &Control,
) -> Result<Option<Summary>> {
    let len = out.len;
    let end = start + len as u64;
    let exact_max = view.max.is_some();
    let (memo_tst, memo_max) = match memo.take() {
        Some(m) => (Some(m.tst), m.max),
        None => (None, None),
    };
    let mut sink = Sink {
        top: 0,
        any: memo_tst.is_some()
            || memo_max.is_some()
            || out.tst.is_some()
            || out.glide.is_some()
            || out.max.is_some(),
        memo_tst,
        memo_max,
        tst: out.tst.take(),
        glide: out.glide.take(),
        max: out.max.take(),
    };
    let mut emit = |i: usize, r: &Out| sink.put(i, r);
    let mut accs: Vec<Acc> = (0..3).map(|_| Acc::new(start)).collect();
    let mut counts = [0u64; 3];

    ctl.check()?;
    // even n: one halving to n/2 < p; n = 4k + 1: three steps to 3k + 1 < p. Each takes one
    // memo lookup; its maximum before the drop is n or 3n + 1.
    let classes = [
        (start + (start & 1), 2u64, 1u32),
        (start + (5 - start % 4) % 4, 4, 3),
    ];
    for (class, &(first, stride, steps)) in classes.iter().enumerate() {
        let mut n = first;
        while n < end {
            let (idx, peak) = if stride == 2 {
                (n >> 1, n as u128)
            } else {
                (3 * (n >> 2) + 1, 3 * n as u128 + 1)
            };
            let r = Out {
                tst: view.tst_at(idx) + steps,
                glide: steps,
                odd: 0,
                max: view.max_at(idx).map_or(peak, |mx| (mx as u128).max(peak)),
            };
            emit((n - start) as usize, &r);
            // (with Tally::Odd the even n are not added: their part is left out below)
            if summarize.on() {
                accs[class].push_tst(n, r.tst);
                // without exact maxima the value is n (3n + 1), below what the odd n - 1
                // (the n - 2 = 3 mod 4) meets before it drops: only a class's first n in the
                // chunk can be a path record
                if exact_max || n < start + 4 {
                    accs[class].push_max(n, r.max);
                }
            }
            counts[class] += 1;
            n += stride;
        }
        accs[class].push_glides(first, steps, counts[class]);
        ctl.check()?;
    }
    // n = 4k + 3: the residue table or the kernel
    counts[2] = each_three_mod_four(start, end, p, view, ctl, |n, r| {
        emit((n - start) as usize, &r);
        if summarize.on() {
            accs[2].push3(n, r.tst, r.glide, r.max);
        }
        Ok(())
    })?;
    to_u16(sink.top, start)?;
    ctl.advance(len as u64);
    if !summarize.on() {
        return Ok(None);
    }
    let parts: Vec<Summary> = accs
        .into_iter()
        .zip(counts)
        .enumerate()
        .filter(|&(class, _)| class != 0 || summarize == Tally::All)
        .map(|(_, (a, c))| a.finish(c, &want))
        .collect();
    Ok(Some(summary::merge_interleaved(start, end, parts)))
}

/// Start values whose memo lookups are issued together.
pub(super) const BLOCK: usize = 64;

/// Start values of the summary path whose memo lookups are prefetched together.
const FILL_BLOCK: usize = 256;

/// One chunk, sequentially: compute every n, write the memo and output slices, summarise.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn leaf(
    start: u64,
    mut out: Slices<'_>,
    p: u64,
    view: &MemoView,
    mut memo: Option<MemoSlices<'_>>,
    want: Want,
    summarize: Tally,
    ctl: &Control,
) -> Result<Option<Summary>> {
    let mut summary = summarize.on().then(|| Acc::new(start));
    let mut added = 0u64;
    let mut pending = [Pending::default(); BLOCK];
    let mut finished = [Out::default(); BLOCK];
    // a summary of the odd n with nothing to write: the even n are not computed
    let skip_even = summarize == Tally::Odd && memo.is_none() && out.is_none();
    // (the result of an n not computed: idx 1 holds 0 steps)
    let skipped = Pending {
        idx: 1,
        ..Pending::default()
    };
    let mut i = 0;
    while i < out.len {
        if i % 4096 == 0 {
            ctl.check()?;
        }
        let block = BLOCK.min(out.len - i);
        // first every kernel walk of the block, then its memo lookups, which miss the cache
        // independently of each other
        for (j, slot) in pending[..block].iter_mut().enumerate() {
            let n = start + (i + j) as u64;
            *slot = if skip_even && n & 1 == 0 {
                skipped
            } else {
                compute(n, p)?
            };
        }
        // a tight gather loop: all of the block's loads are in flight at once
        for (slot, fin) in pending[..block].iter().zip(finished.iter_mut()) {
            *fin = slot.finish(view);
        }
        for (j, r) in finished[..block].iter().enumerate() {
            let i = i + j;
            let n = start + i as u64;
            if let Some(m) = &mut memo {
                m.tst[i] = to_u16(r.tst, n)?;
                if let Some(o) = &mut m.odd {
                    o[i] = to_u16(r.odd, n)?;
                }
                if let Some(mx) = &mut m.max {
                    // memo bounds stay far below 12,327,829,503, whose maxima fit u64
                    mx[i] = max_to_u64(r, "maximum excursion (memo)", n)?;
                }
            }
            if let Some(t) = &mut out.tst {
                t[i] = to_u16(r.tst, n)?;
            }
            if let Some(g) = &mut out.glide {
                g[i] = to_u16(r.glide, n)?;
            }
            if let Some(o) = &mut out.odd {
                o[i] = to_u16(r.odd, n)?;
            }
            match &mut out.max {
                Some(MaxSlice::U64(m)) => m[i] = r.max as u64,
                Some(MaxSlice::U128(m)) => m[i] = r.max,
                None => {}
            }
            if let Some(s) = &mut summary {
                if summarize == Tally::All || n & 1 == 1 {
                    s.push(n, r, &want);
                    added += 1;
                }
            }
        }
        i += block;
    }
    ctl.advance(out.len as u64);
    Ok(summary.map(|s| {
        let mut s = s.finish(added, &want);
        s.end = start + out.len as u64;
        s
    }))
}
