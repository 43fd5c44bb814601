//! The drop table: what the first DROP_BITS (16) T-steps do to every n = q 2^16 + r of a
//! residue class r = 3 (mod 4), for q large enough: where the class first drops below n, after
//! how many odd steps, to which value, and the largest value before the drop.
//!
//! Each T^j(n) is a line 3^c q 2^(16-j) + T^j(r) in q, so one entry answers a whole class
//! ([`DropEntry`], 20 bytes; 2^14 entries). Its hot form, for the summary path, is in
//! `drop_hot`.
//!
//! When it runs: the columns path and the general leaf ask [`drop_pending`] for every
//! n = 3 (mod 4) before following it; the summary path reads [`drop_peak`] for the maximum
//! before the drop while that can still be a path record. Built once per process, in about a
//! millisecond.

use super::super::follow::{Out, Pending};
use crate::step::{residue_steps, POW3};

/// Bits of the residue table for n = 3 (mod 4).
pub(crate) const DROP_BITS: u32 = 16;

/// What the first `DROP_BITS` T-steps do to every n = q 2^K + r of one residue class
/// r = 3 (mod 4), for q >= `q_min`: the first drop below n is at T-step `j`, after `c` odd
/// steps, to T^j(n) = 3^c q 2^(K-j) + d; the largest T-value before it is
/// T^jmax(n) = 3^cmax q 2^(K-jmax) + dpeak. (Each T^i(n) is a line a_i q + d_i in q; for these
/// residues the line with the largest slope also has the largest d_i, so it is the maximum
/// for every q: the table builder checks this and leaves out any class where it fails.)
/// `j` = 0: the class is not answered by the table.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DropEntry {
    pub(super) j: u8,
    pub(super) c: u8,
    cmax: u8,
    jmax: u8,
    pub(super) q_min: u32,
    pub(super) d: u32,
    dpeak: u32,
}

pub(crate) fn drop_table() -> &'static [DropEntry] {
    static TABLE: std::sync::OnceLock<Vec<DropEntry>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let k = DROP_BITS;
        (0..1u64 << (k - 2))
            .map(|i| {
                let r = i << 2 | 3;
                let (mut cmax, mut jmax, mut dpeak) = (0u32, 0u32, r);
                // the largest d_i of all steps so far, to check that the peak line dominates
                let mut dmax = r;
                // q must exceed each of these for the class to behave as its residue says
                let mut q_min: u128 = 0;
                for (j, x, c) in residue_steps(r, DROP_BITS) {
                    let (two_j, three_c) = (1u128 << j, POW3[c as usize]);
                    let scale = 1u128 << (k - j);
                    if three_c < two_j {
                        // drop at j: q scale (2^j - 3^c) > T^j(r) - r
                        let need =
                            (x as u128).saturating_sub(r as u128) / (scale * (two_j - three_c)) + 1;
                        q_min = q_min.max(need);
                        if dpeak < dmax {
                            // another step's line could pass the peak line for small q
                            return DropEntry::default();
                        }
                        return DropEntry {
                            j: j as u8,
                            c: c as u8,
                            cmax: cmax as u8,
                            jmax: jmax as u8,
                            q_min: u32::try_from(q_min).unwrap_or(u32::MAX),
                            d: x as u32,
                            dpeak: dpeak as u32,
                        };
                    }
                    q_min = q_min.max(stays_above_from(r, j, x, c));
                    if three_c << jmax > POW3[cmax as usize] << j {
                        cmax = c;
                        jmax = j;
                        dpeak = x;
                    }
                    dmax = dmax.max(x);
                }
                DropEntry::default()
            })
            .collect()
    })
}

/// For n = 3 (mod 4): the table's answer, exact, if the residue class drops within K steps
/// for this q, lands below `p`, and its values fit u64.
#[inline(always)]
pub(crate) fn drop_pending(table: &[DropEntry], n: u64, p: u64) -> Option<Pending> {
    let e = table[((n & ((1 << DROP_BITS) - 1)) >> 2) as usize];
    let q = n >> DROP_BITS;
    if e.j == 0 || q < e.q_min as u64 {
        return None;
    }
    let k = DROP_BITS;
    // the class drops at step j, so 3^c q 2^(k-j) + d = T^j(n) < n: u64 arithmetic is exact
    let x = (q << (k - e.j as u32)) * POW3[e.c as usize] as u64 + e.d as u64;
    if x >= p {
        return None;
    }
    // the peak T-value; the C-value before its halving is twice it
    let peak_t = (q << (k - e.jmax as u32))
        .checked_mul(POW3[e.cmax as usize] as u64)?
        .checked_add(e.dpeak as u64)?;
    let steps = e.j as u32 + e.c as u32;
    Some(Pending {
        part: Out {
            tst: steps,
            glide: steps,
            odd: e.c as u32,
            max: 2 * peak_t as u128,
        },
        idx: x,
    })
}

/// With 3^c > 2^j: the least q for which T^j(n) >= n, i.e.
/// q 2^(K-j) (3^c - 2^j) + T^j(r) >= r.
pub(super) fn stays_above_from(r: u64, j: u32, x: u64, c: u32) -> u128 {
    let (two_j, three_c) = (1u128 << j, POW3[c as usize]);
    let scale = 1u128 << (DROP_BITS - j);
    (r as u128)
        .saturating_sub(x as u128)
        .div_ceil(scale * (three_c - two_j))
}

/// The index of n's entry in [`drop_table`] and [`drop_hot`](super::drop_hot::drop_hot) (n = 3 mod 4), and its q.
#[inline(always)]
pub(crate) fn drop_slot(n: u64) -> (usize, u64) {
    (((n & ((1 << DROP_BITS) - 1)) >> 2) as usize, n >> DROP_BITS)
}

/// For an n the hot table answers: the largest value before its drop (a C-value, twice the
/// peak T-value), exact.
#[inline(always)]
pub(crate) fn drop_peak(table: &[DropEntry], n: u64) -> u128 {
    let (slot, q) = drop_slot(n);
    let e = table[slot];
    let peak_t =
        ((q as u128) << (DROP_BITS - e.jmax as u32)) * POW3[e.cmax as usize] + e.dpeak as u128;
    2 * peak_t
}

/// Every C-value within the first `DROP_BITS` T-steps of n is below this: each T-step at most
/// multiplies by 3/2 (plus 1/2), and (3/2)^16 < 657.
pub(crate) fn drop_peak_bound(n: u64) -> u128 {
    2 * 657 * (n as u128 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::range::follow::follow_pending;
    use crate::range::memo::testing::memo_upto;
    use crate::stats;

    #[test]
    fn the_drop_table_agrees_with_following() {
        let memo = memo_upto(1 << 17);
        let view = memo.view();
        let mut used = 0;
        for n in (3u64..1 << 18).step_by(4) {
            let p = n.min(1 << 17);
            let Some(d) = drop_pending(drop_table(), n, p) else {
                continue;
            };
            used += 1;
            let exact = follow_pending(n, p.min(n)).unwrap();
            let s = stats(n).unwrap();
            assert_eq!(d.finish(&view).tst as u64, s.total_stopping_time, "n={n}");
            assert_eq!(d.part.glide as u64, s.stopping_time, "n={n}");
            assert_eq!(d.finish(&view).odd as u64, s.odd_steps, "n={n}");
            // the maximum before the drop is exact
            let pre = follow_pending(n, n).unwrap().part.max;
            assert_eq!(d.part.max, pre, "n={n}");
            assert!(exact.part.max >= pre);
        }
        assert!(used > 20_000, "{used}");
    }
}
