//! The columns hot path ([`FastPath::Dense`](super::FastPath::Dense)): any output without odd
//! steps, the chunk's start values class by class. Even n and n = 1 (mod 4) take one memo
//! lookup each (n/2, (3n+1)/4); n = 3 (mod 4) take the drop table when their class surely drops
//! within 16 steps (glide and maximum before the drop included), and are followed otherwise.
//! Each class keeps its own summary, merged by n at the end.
//!
//! When it runs: chunks of columns with glides or maxima, of summaries with exact maxima, and
//! of the memo's growth with maxima, wherever the memo reaches n/2 and (3n+1)/4 of the chunk.
//! What it costs: one memo read per n (two with maxima), and an output write per column.

use super::super::follow::{compute, Out, Pending};
use super::super::split::{MaxSlice, MemoSlices, Slices};
use super::super::summary::{self, Acc, Summary};
use super::super::tables::{drop_pending, drop_table};
use super::super::tally::Tally;
use super::{to_u16, Reads, Work, BLOCK};
use crate::error::Result;

/// The columns hot path: the chunk's start values class by class. Even n and n = 1 (mod 4)
/// take one memo lookup each (n/2, (3n+1)/4); n = 3 (mod 4) take the residue table when their
/// class surely drops within 16 steps (glide and maximum before the drop included), and are
/// followed otherwise. Each class keeps its own summary, merged by n at the end.
#[inline(never)]
pub(super) fn leaf_dense(
    start: u64,
    mut out: Slices<'_>,
    mut memo: Option<MemoSlices<'_>>,
    reads: Reads,
    work: Work,
) -> Result<Option<Summary>> {
    let Reads { view, ctl, .. } = reads;
    let Work {
        want,
        tally: summarize,
        ..
    } = work;
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
    counts[2] = each_three_mod_four(start, end, reads, |n, r| {
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

/// Where [`leaf_dense`] writes: the wave's memo entries and the requested columns.
struct Sink<'s> {
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

/// Calls `each(n, result)` for every n = 3 (mod 4) in [start, end), in order, a block at a
/// time: the residue table (or the kernel) for the whole block first, then the block's memo
/// lookups, which miss the cache independently of each other. Returns the count.
fn each_three_mod_four(
    start: u64,
    end: u64,
    reads: Reads,
    mut each: impl FnMut(u64, Out) -> Result<()>,
) -> Result<u64> {
    let Reads { p, view, ctl } = reads;
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
