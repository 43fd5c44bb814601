//! The general path ([`FastPath::General`](super::FastPath::General)): every n of the chunk
//! followed one by one ([`compute`]: the residue rules where the memo reaches, else the walk of
//! `follow`, else the exact arbitrary-precision path), a block of 64 at a time: first every
//! walk of the block, then its memo lookups, which miss the cache independently of each other.
//! Writes every column and memo table there is, and summarises.
//!
//! When it runs: every chunk of a call with odd steps; chunks whose memo does not reach n/2 or
//! (3n+1)/4 where the call's path needs it; the n below 8. What it costs: a full walk per n to
//! below the memo, several times the hot paths (see docs/performance.md).

use super::super::follow::{compute, Out, Pending};
use super::super::split::{MaxSlice, MemoSlices, Slices};
use super::super::summary::{Acc, Summary};
use super::super::tally::Tally;
use super::{max_to_u64, to_u16, Reads, Work, BLOCK};
use crate::error::Result;

/// One chunk, sequentially: compute every n, write the memo and output slices, summarise.
#[inline(never)]
pub(super) fn leaf(
    start: u64,
    mut out: Slices<'_>,
    mut memo: Option<MemoSlices<'_>>,
    reads: Reads,
    work: Work,
) -> Result<Option<Summary>> {
    let Reads { p, view, ctl } = reads;
    let Work {
        want,
        tally: summarize,
        ..
    } = work;
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
