//! The columns path for step counts and maxima together
//! ([`FastPath::StepsAndMax`](super::FastPath::StepsAndMax)), where the memo has both: the
//! n = 3 (mod 4) class by class with their peak lines (`classes`), the rest of them one by one,
//! then even n and n = 1 (mod 4) from n/2 and (3n+1)/4.
//!
//! When it runs: chunks of `columns()` with exactly these two statistics in u64, whose memo (or
//! the columns below, from 1) holds maxima and reaches n/2 and (3n+1)/4 of the chunk, and which
//! grow no memo. What it costs: two memo reads per n (step count and maximum).

use super::super::classes::{classes, fill_classes_max, MaxMemo};
use super::super::follow::{compute, Pending};
use super::super::memo::prefetch;
use super::super::tables::DROP_BITS;
use super::{max_to_u64, to_u16, Reads, BLOCK};
use crate::error::Result;

/// The columns hot path for step counts and maxima together, where the memo has both: the
/// n = 3 (mod 4) class by class ([`fill_classes_max`]), the rest of them one by one, then even
/// n and n = 1 (mod 4) from n/2 and (3n+1)/4.
pub(super) fn fill_with_max(
    start: u64,
    reads: Reads,
    view_max: &[u64],
    t: &mut [u16],
    m: &mut [u64],
) -> Result<()> {
    let Reads { p, view, ctl } = reads;
    let end = start + t.len() as u64;
    let base = view.base as u64;
    ctl.check()?;
    let mut others = Vec::new();
    let memo = MaxMemo {
        p,
        base,
        tst: view.tst,
        max: view_max,
    };
    let mut top =
        match fill_classes_max(start, end, memo, t, m, &mut others) {
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
