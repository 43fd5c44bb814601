//! The step-count path ([`FastPath::Steps`](super::FastPath::Steps)), which is also pass one
//! of the summary path: the total stopping time of every n of a chunk, class by class.
//!
//! - n = 3 (mod 4): one residue class at a time where the class walk (`classes`) takes them,
//!   else the hot drop table (one multiply) or a walk ([`left_over`]), a block at a time: the
//!   walks first, then the block's memo reads, which miss the cache independently of each
//!   other. With records (the summary path), their glide and path candidates too
//!   ([`ClassRecords`]).
//! - n = 1 (mod 4): T(n) = T(3k + 1) + 3, a strided stream over the memo.
//! - even n: T(n) = T(n/2) + 1, a pair at a time.
//!
//! Past the memo's reach (a chunk beyond it), n/2 and (3n+1)/4 walk on to below the memo a
//! block at a time, side by side ([`fill_onward`]).
//!
//! When it runs: every chunk of step-count columns alone, or of the memo's growth for them;
//! and pass one of every summary chunk. What it costs: about one memo read per n.

use super::super::classes::{classes, fill_classes, sparse_from, stream, SPARSE_MIN};
use super::super::follow::{compute, descend, descend_block, follow_records};
use super::super::memo::MemoView;
use super::super::split::{MemoSlices, Slices};
use super::super::tables::{
    drop_hot, drop_peak, drop_peak_bound, drop_slot, drop_table, DropHot, CONTINUE, DROP_BITS,
    JUMP_FROM,
};
use super::Reads;
use crate::error::{Error, Result};
use crate::range::summary::Record;

/// The step-count path: pass one written where the step counts are wanted (the columns, the
/// memo's growth, or both; without `evens`, the even n's column entries are left as they are).
pub(super) fn fill_columns(
    start: u64,
    out: Slices<'_>,
    memo: Option<MemoSlices<'_>>,
    reads: Reads,
    evens: bool,
) -> Result<()> {
    let mut class = ClassRecords::default();
    match (out.tst, memo) {
        (Some(t), None) => fill::<false>(start, reads, t, &mut class, evens)?,
        (None, Some(m)) => fill::<false>(start, reads, m.tst, &mut class, true)?,
        (Some(t), Some(m)) => {
            fill::<false>(start, reads, m.tst, &mut class, true)?;
            t.copy_from_slice(m.tst);
            0
        }
        (None, None) => 0,
    };
    reads.ctl.advance(out.len as u64);
    Ok(())
}

/// Chunks shorter than this take the n = 3 (mod 4) one by one rather than class by class.
const CLASSES_FROM_LEN: u64 = 1 << 13;

/// Start values of the summary path whose memo lookups are prefetched together.
const FILL_BLOCK: usize = 256;

/// Pass one of the hot paths: the total stopping time of every n in [start, start + t.len())
/// into `t`, with `class` collecting the n = 3 (mod 4) class's glide and path candidates.
/// Even n and n = 1 (mod 4) read n/2 and (3n+1)/4 from the memo (below `p`) where it reaches
/// them, and walk on from there to below p where it does not ([`fill_onward`]). Without
/// `evens`, the even n are left as they are.
pub(super) fn fill<const RECORDS: bool>(
    start: u64,
    reads: Reads,
    t: &mut [u16],
    class: &mut ClassRecords,
    evens: bool,
) -> Result<u32> {
    let Reads { p, view, ctl } = reads;
    let end = start + t.len() as u64;
    let mut overflow: u32 = 0;
    ctl.check()?;
    overflow |= fill_three_mod_four_classes::<RECORDS>(reads, start, end, t, class)?;
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

/// The n = 3 (mod 4) class's share of a summary: prefix-maximum candidates for the glide and
/// path records (in increasing n) and the sum of glides.
#[derive(Default)]
pub(super) struct ClassRecords {
    pub glide_cands: Vec<Record>,
    pub path_cands: Vec<Record>,
    pub glide_best: u32,
    pub path_best: u128,
    pub glide_sum: u64,
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
    reads: Reads,
    start: u64,
    end: u64,
    t: &mut [u16],
    class: &mut ClassRecords,
    until_peaks_off: bool,
) -> Result<(u32, u64)> {
    let Reads { p, view, ctl } = reads;
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
    reads: Reads,
    start: u64,
    end: u64,
    t: &mut [u16],
    class: &mut ClassRecords,
) -> Result<u32> {
    let Reads { p, view, ctl } = reads;
    let cl = classes();
    // a short chunk would pay for the walk over all classes without many members in each
    if (RECORDS && start < cl.glide_exact_from) || end - start < CLASSES_FROM_LEN {
        return Ok(fill_three_mod_four::<RECORDS>(reads, start, end, t, class, false)?.0);
    }
    let (mut overflow, h) = if RECORDS {
        fill_three_mod_four::<RECORDS>(reads, start, end, t, class, true)?
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
        let (top, _) = fill_three_mod_four::<RECORDS>(reads, h, end, region, class, false)?;
        return Ok(overflow | top);
    };
    overflow |= top;
    ctl.check()?;
    let sparse = &cl.sparse[(j0 - SPARSE_MIN) as usize];
    overflow |= fill_rest::<RECORDS>(reads, h, end, region, class, sparse)?;
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
/// ([`Classes::rest`](crate::range::classes::Classes::rest)) and those of the classes too sparse for
/// this chunk ([`Classes::sparse`](crate::range::classes::Classes::sparse)), in order of n.
/// Drop-class members take their class's steps (and, with RECORDS, add their glide to the
/// sum; the caller finds the classes' glide candidates); the others are followed from T^K(n)
/// where the hot table has it, else from n. Their path candidates assume no drop-class n of the
/// range can be a path record.
fn fill_rest<const RECORDS: bool>(
    reads: Reads,
    start: u64,
    end: u64,
    t: &mut [u16],
    class: &mut ClassRecords,
    list: &[u32],
) -> Result<u32> {
    let Reads { p, view, ctl } = reads;
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
