//! The n = 3 (mod 4) class of a chunk, one residue class at a time.
//!
//! Every n = 3 (mod 4) whose first j T-steps (j <= [`DROP_BITS`]) end below n belongs to a
//! class n = 2^j k + r, r < 2^j, whose first j steps have the same parities for every k:
//! T^j(n) = 3^c k + T^j(r). Walking one class over a chunk, n steps by 2^j and T^j(n) by 3^c, so
//! each total stopping time costs one add, one memo read (a strided stream, not a random
//! access) and one store, with no table lookup per n. The 789 classes cover 87% of the
//! n = 3 (mod 4); the residues modulo 2^K that do not drop within K steps (`rest`) are
//! followed one by one, in order of n.
//!
//! When it runs: the `Steps`, `Summary` and `StepsAndMax` paths (`path/`) walk the classes over
//! every chunk of at least 2^13 start values; the classes are built once per process from the
//! drop table's residue steps. What it costs: a few hundred kilobytes of class tables, and per
//! chunk a walk over the 789 classes (classes too sparse for the chunk are left to the
//! one-by-one path, see [`sparse_from`]).

use super::follow::descend;
use super::memo::prefetch;
use super::tables::DROP_BITS;
use crate::step::residue_steps;
use crate::walk::POW3;
use std::sync::OnceLock;

/// One class n = 2^j k + r: T^j(n) = `mul` k + `d`, after `steps` C-steps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropClass {
    pub j: u32,
    pub r: u64,
    pub mul: u64,
    pub d: u64,
    /// C-steps of the first j T-steps (j + odd steps): the glide, for k >= `k_min`
    pub steps: u32,
    /// from this k on, T^i(n) >= n for every i < j and T^j(n) < n (so j is the first drop)
    pub k_min: u64,
    /// the largest C-value of the first j T-steps is 2 (`peak_mul` k + `peak_d`) for every k;
    /// `peak_mul` = 0 where no single step's line is the largest for every k
    pub peak_mul: u64,
    pub peak_d: u64,
}

/// The classes and what they leave over.
pub(crate) struct Classes {
    /// in order of j, then r
    pub classes: Vec<DropClass>,
    /// residues r = 3 (mod 4) below 2^K whose n do not drop within K T-steps, ascending
    pub rest: Vec<u32>,
    /// the glide (C-steps) of the class of each residue r = 3 (mod 4) below 2^K, indexed by
    /// r >> 2; 0 for the `rest`
    pub glide: Vec<u8>,
    /// the largest entry of `glide`
    pub max_glide: u8,
    /// every n at or above this has k >= `k_min` in its class
    pub glide_exact_from: u64,
    /// for each j0 from [`SPARSE_MIN`] to K + 1 (index j0 - SPARSE_MIN): the residues
    /// r = 3 (mod 4) below 2^K of the `rest` and of every class with j >= j0, ascending. A
    /// chunk too short to fill such classes takes these residues one by one instead of
    /// walking hundreds of classes with a member or two each (see [`sparse_from`]).
    pub sparse: Vec<Vec<u32>>,
}

/// The least j0 of [`Classes::sparse`].
pub(crate) const SPARSE_MIN: u32 = 8;

/// The j0 for a chunk of `len` start values: classes with j >= j0 (a member or two in the
/// chunk) are left to the one-by-one path, whose cost per member is lower than a class walk's
/// fixed cost spread over so few (measured: docs/performance.md, "Figures from the module
/// docs").
pub(crate) fn sparse_from(len: u64) -> u32 {
    let j = 64 - (len / 2).max(1).leading_zeros(); // about log2(len / 2)
    j.clamp(SPARSE_MIN, DROP_BITS + 1)
}

pub(crate) fn classes() -> &'static Classes {
    static CLASSES: OnceLock<Classes> = OnceLock::new();
    CLASSES.get_or_init(build)
}

fn build() -> Classes {
    let k = DROP_BITS;
    let mut classes = Vec::new();
    let mut rest = Vec::new();
    let mut glide = vec![0u8; 1 << (k - 2)];
    // the j of each residue's class (K + 1 for the rest)
    let mut class_j = vec![k + 1; 1 << (k - 2)];
    for r in (3..1u64 << k).step_by(4) {
        let mut steps = [(0u32, 0u64, 0u32); DROP_BITS as usize];
        for (slot, step) in steps.iter_mut().zip(residue_steps(r, DROP_BITS)) {
            *slot = step;
        }
        let Some(&(j, x, c)) = steps
            .iter()
            .find(|&&(j, _, c)| POW3[c as usize] < 1u128 << j)
        else {
            rest.push(r as u32);
            continue;
        };
        glide[(r >> 2) as usize] = (j + c) as u8;
        class_j[(r >> 2) as usize] = j;
        if r >= 1 << j {
            continue; // a member of the class of r mod 2^j
        }
        // n = 2^j k + r: T^i(n) = 3^c_i 2^(j-i) k + T^i(r) for i <= j. The least k from which
        // every earlier step stays at or above n and step j falls below it.
        let mut k_min: u128 = 0;
        for &(i, xi, ci) in &steps[..j as usize - 1] {
            let grow = (POW3[ci as usize] - (1u128 << i)) << (j - i);
            k_min = k_min.max((r as u128).saturating_sub(xi as u128).div_ceil(grow));
        }
        let shrink = (1u128 << j) - POW3[c as usize];
        if x >= r {
            k_min = k_min.max((x - r) as u128 / shrink + 1);
        }
        // the peak: T^i(n) for 1 <= i <= j is the line 3^c_i 2^(j-i) k + T^i(r); the C-values
        // are these and 2 T^i(n) after each odd step (n itself is below T^1(n) = (3n+1)/2).
        // The largest T-value follows an odd step, so the largest C-value is twice it, when one
        // line has both the largest slope and the largest intercept.
        let lines = steps[..j as usize]
            .iter()
            .map(|&(i, xi, ci)| ((POW3[ci as usize] as u64) << (j - i), xi));
        let top = lines.clone().max().unwrap_or((0, 0));
        let (peak_mul, peak_d) = if lines.clone().all(|(_, xi)| xi <= top.1) {
            top
        } else {
            (0, 0)
        };
        classes.push(DropClass {
            j,
            r,
            mul: POW3[c as usize] as u64,
            d: x,
            steps: j + c,
            k_min: u64::try_from(k_min).unwrap_or(u64::MAX),
            peak_mul,
            peak_d,
        });
    }
    classes.sort_by_key(|c| (c.j, c.r));
    let glide_exact_from = classes
        .iter()
        .map(|c| (c.k_min << c.j) + c.r)
        .max()
        .unwrap_or(0);
    let max_glide = glide.iter().copied().max().unwrap_or(0);
    let sparse = (SPARSE_MIN..=k + 1)
        .map(|j0| {
            (0..1u32 << (k - 2))
                .filter(|&i| class_j[i as usize] >= j0)
                .map(|i| i << 2 | 3)
                .collect()
        })
        .collect();
    Classes {
        classes,
        rest,
        glide,
        max_glide,
        glide_exact_from,
        sparse,
    }
}

/// Writes T(n) for every n in [start, end) of the classes with j < `j0` into `t` (indexed
/// from `start`), reading the memo `memo` (entries of [`base`, `p`)). Members whose T^j(n) is
/// not yet in the memo descend further; `None` if one of them outgrows u64. Returns the OR of
/// the values written (for the u16 check) and the sum of the members' class steps (their
/// glides, once n >= [`Classes::glide_exact_from`]).
pub(crate) fn fill_classes(
    start: u64,
    end: u64,
    p: u64,
    base: u64,
    memo: &[u16],
    t: &mut [u16],
    j0: u32,
) -> Option<(u32, u64)> {
    let mut overflow = 0u32;
    let mut glide_sum = 0u64;
    // members whose T^j(n) is not yet in the memo, walked further: their memo reads wait in
    // here (prefetched) so that they miss the cache together rather than one after another
    let mut late: Vec<(usize, u32, usize)> = Vec::with_capacity(LATE);
    let all = &classes().classes;
    for c in &all[..all.partition_point(|c| c.j < j0)] {
        let period = 1u64 << c.j;
        let (k_lo, k_hi) = (class_k(start, c), class_k(end, c));
        if k_lo >= k_hi {
            continue;
        }
        glide_sum += (k_hi - k_lo) * c.steps as u64;
        // T^j(n) < p for k < k_p
        let k_p = below_p(k_hi, p, c);
        let k_fast = k_hi.min(k_p).max(k_lo);
        let steps = c.steps;
        let idx0 = ((k_lo << c.j) + c.r - start) as usize;
        if k_fast > k_lo {
            let x0 = (k_lo * c.mul + c.d - base) as usize;
            let count = (k_fast - k_lo) as usize;
            let (mul, period) = (c.mul as usize, period as usize);
            overflow |= stream(
                &memo[x0..=x0 + (count - 1) * mul],
                &mut t[idx0..=idx0 + (count - 1) * period],
                mul,
                period,
                steps,
            );
        }
        for kk in k_fast..k_hi {
            let x = kk * c.mul + c.d;
            let (s, y) = descend(x, steps, p)?;
            let y = (y - base) as usize;
            prefetch(memo, y);
            late.push((((kk << c.j) + c.r - start) as usize, s, y));
            if late.len() == LATE {
                overflow |= settle(&mut late, memo, t);
            }
        }
    }
    overflow |= settle(&mut late, memo, t);
    Some((overflow, glide_sum))
}

/// The memo of step counts and maxima that [`fill_classes_max`] reads: the entries of
/// [`base`, `p`).
#[derive(Clone, Copy)]
pub(crate) struct MaxMemo<'a> {
    pub p: u64,
    pub base: u64,
    pub tst: &'a [u16],
    pub max: &'a [u64],
}

/// [`fill_classes`] for columns of step counts and maxima, with a memo of both: writes `t` and
/// `m` for every class member of [start, end) whose class has a peak line and whose T^j(n) is
/// below the memo's bound p; the others are left to the caller, which is told them through
/// `others` (in any order). `None` when a peak outgrows u64.
pub(crate) fn fill_classes_max(
    start: u64,
    end: u64,
    memo: MaxMemo,
    t: &mut [u16],
    m: &mut [u64],
    others: &mut Vec<u64>,
) -> Option<u32> {
    let MaxMemo {
        p,
        base,
        tst: memo_tst,
        max: memo_max,
    } = memo;
    let mut overflow = 0u32;
    for c in &classes().classes {
        let period = 1u64 << c.j;
        let (k_lo, k_hi) = (class_k(start, c), class_k(end, c));
        if k_lo >= k_hi {
            continue;
        }
        let k_p = below_p(k_hi, p, c);
        let k_fast = if c.peak_mul == 0 {
            k_lo
        } else {
            k_hi.min(k_p).max(k_lo)
        };
        if k_fast > k_lo {
            // the largest peak of the run fits u64 (twice it, too)
            c.peak_mul
                .checked_mul(k_fast - 1)?
                .checked_add(c.peak_d)?
                .checked_mul(2)?;
            let mut x = (k_lo * c.mul + c.d - base) as usize;
            let mut i = ((k_lo << c.j) + c.r - start) as usize;
            let mut peak = c.peak_mul * k_lo + c.peak_d;
            let (mul, step) = (c.mul as usize, period as usize);
            for _ in k_lo..k_fast {
                let v = memo_tst[x] as u32 + c.steps;
                overflow |= v;
                t[i] = v as u16;
                m[i] = memo_max[x].max(2 * peak);
                x += mul;
                i += step;
                peak += c.peak_mul;
            }
        }
        others.extend((k_fast..k_hi).map(|kk| (kk << c.j) + c.r));
    }
    Some(overflow)
}

/// The least k with 2^j k + r >= n: shifts, not divisions (this runs per class and chunk).
#[inline(always)]
fn class_k(n: u64, c: &DropClass) -> u64 {
    ((n.saturating_sub(c.r) as u128 + (1 << c.j) - 1) >> c.j) as u64
}

/// k_p, capped at `k_hi`: T^j(n) = mul k + d < p for every k < k_p. Most calls find every k
/// below `k_hi` fast and skip the division.
#[inline(always)]
fn below_p(k_hi: u64, p: u64, c: &DropClass) -> u64 {
    if k_hi == 0 || (k_hi - 1).saturating_mul(c.mul).saturating_add(c.d) < p {
        k_hi
    } else if p > c.d {
        (p - c.d).div_ceil(c.mul)
    } else {
        0
    }
}

/// How many late members wait for their memo reads at a time.
const LATE: usize = 256;

/// Writes the late members' values, `t[i] = steps + memo[y]`; the OR of the values.
fn settle(late: &mut Vec<(usize, u32, usize)>, memo: &[u16], t: &mut [u16]) -> u32 {
    let mut overflow = 0;
    for &(i, steps, y) in late.iter() {
        let v = steps + memo[y] as u32;
        overflow |= v;
        t[i] = v as u16;
    }
    late.clear();
    overflow
}

/// `t[i period] = memo[i mul] + steps` for every i that both slices reach; the OR of the
/// values written. (A version without bounds checks ran no faster: docs/performance.md.)
#[inline(never)]
pub(crate) fn stream(memo: &[u16], t: &mut [u16], mul: usize, period: usize, steps: u32) -> u32 {
    let mut overflow = 0u32;
    for (o, m) in t.chunks_mut(period).zip(memo.chunks(mul)) {
        let v = m[0] as u32 + steps;
        overflow |= v;
        o[0] = v as u16;
    }
    overflow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats;

    #[test]
    fn classes_partition_the_residues() {
        let cl = classes();
        let k = DROP_BITS;
        // every residue r = 3 (mod 4) below 2^K is in exactly one class or in the rest
        let mut seen = vec![0u8; 1 << (k - 2)];
        for c in &cl.classes {
            assert!(c.r < 1 << c.j && c.r & 3 == 3);
            for m in (c.r..1 << k).step_by(1 << c.j) {
                seen[(m >> 2) as usize] += 1;
            }
        }
        for &r in &cl.rest {
            seen[(r >> 2) as usize] += 1;
        }
        assert!(seen.iter().all(|&s| s == 1));
        assert_eq!(cl.classes.len(), 789);
        assert_eq!(cl.rest.len(), 2114);
    }

    #[test]
    fn class_steps_and_glides_match_stats() {
        let cl = classes();
        for c in &cl.classes {
            for kk in [0, 1, 2, 3, c.k_min, c.k_min + 1, c.k_min + 1000] {
                let n = (kk << c.j) + c.r;
                // T^j(n) = mul k + d, by j steps of the shortcut map
                let mut x = n as u128;
                for _ in 0..c.j {
                    x = if x & 1 == 1 { (3 * x + 1) >> 1 } else { x >> 1 };
                }
                assert_eq!(x, (kk * c.mul + c.d) as u128, "class {c:?} k={kk}");
                if kk >= c.k_min {
                    assert_eq!(stats(n).unwrap().stopping_time, c.steps as u64, "n={n}");
                    assert_eq!(
                        cl.glide[((n % (1 << DROP_BITS)) >> 2) as usize] as u32,
                        c.steps
                    );
                }
            }
            if c.k_min > 0 {
                // k_min is the least such k: the k below it (or some smaller k) differs
                let n = ((c.k_min - 1) << c.j) + c.r;
                assert_ne!(
                    stats(n).unwrap().stopping_time,
                    c.steps as u64,
                    "n={n} {c:?}"
                );
            }
        }
        assert!(cl.glide_exact_from < 1 << 24, "{}", cl.glide_exact_from);
    }

    #[test]
    fn peak_lines_give_the_largest_value_before_the_drop() {
        let cl = classes();
        let with_line = cl.classes.iter().filter(|c| c.peak_mul != 0).count();
        assert!(with_line * 10 > cl.classes.len() * 9, "{with_line}");
        for c in cl.classes.iter().filter(|c| c.peak_mul != 0) {
            for kk in [0u64, 1, 2, 7, 1000, 123_456_789] {
                let n = (kk << c.j) + c.r;
                // the largest C-value of the first j T-steps, step by step
                let (mut x, mut top) = (n as u128, n as u128);
                for _ in 0..c.j {
                    if x & 1 == 1 {
                        top = top.max(3 * x + 1);
                        x = (3 * x + 1) >> 1;
                    } else {
                        x >>= 1;
                    }
                }
                let line = 2 * (c.peak_mul as u128 * kk as u128 + c.peak_d as u128);
                assert_eq!(line, top, "class {c:?} k={kk}");
            }
        }
    }

    #[test]
    fn stream_writes_every_stride_and_stays_in_bounds() {
        for (len_m, len_t, mul, period) in
            [(1, 1, 3, 4), (10, 13, 3, 4), (7, 40, 2, 8), (40, 7, 9, 2)]
        {
            let memo: Vec<u16> = (0..len_m as u16).map(|v| v * 10).collect();
            let mut t = vec![0u16; len_t];
            let top = stream(&memo, &mut t, mul, period, 5);
            let count = ((len_t - 1) / period + 1).min((len_m - 1) / mul + 1);
            for (i, &v) in t.iter().enumerate() {
                let want = if i % period == 0 && i / period < count {
                    memo[i / period * mul] + 5
                } else {
                    0
                };
                assert_eq!(v, want, "i={i}");
                assert!(top >= v as u32);
            }
        }
        assert_eq!(stream(&[], &mut [0u16; 4], 1, 1, 1), 0);
    }

    #[test]
    fn fill_classes_matches_stats() {
        // a memo of [1, p) and a chunk [start, end) above it, some members past p
        let p = 300_000u64;
        let memo: Vec<u16> = (1..p)
            .map(|n| stats(n).unwrap().total_stopping_time as u16)
            .collect();
        for (start, end) in [
            (300_000u64, 330_000u64),
            (310_001, 337_503),
            (300_000, 300_100),
        ] {
            let cl = classes();
            for j0 in [DROP_BITS + 1, 12, SPARSE_MIN] {
                // classes with j >= j0 are left alone (their entries stay 0)
                let sparse = &cl.sparse[(j0 - SPARSE_MIN) as usize];
                let mut t = vec![0u16; (end - start) as usize];
                let (top, _) = fill_classes(start, end, p, 1, &memo, &mut t, j0).unwrap();
                for n in start..end {
                    let r = (n % (1 << DROP_BITS)) as u32;
                    let v = t[(n - start) as usize] as u64;
                    if n & 3 != 3 || sparse.binary_search(&r).is_ok() {
                        assert_eq!(v, 0, "n={n} j0={j0}");
                        continue;
                    }
                    let want = stats(n).unwrap().total_stopping_time;
                    assert_eq!(v, want, "n={n} j0={j0}");
                    assert!(top as u64 >= want);
                }
            }
        }
    }

    #[test]
    fn sparse_lists_are_the_rest_and_the_classes_from_j0() {
        let cl = classes();
        assert_eq!(cl.sparse.len() as u32, DROP_BITS + 2 - SPARSE_MIN);
        assert_eq!(cl.sparse.last(), Some(&cl.rest));
        for (i, list) in cl.sparse.iter().enumerate() {
            let j0 = SPARSE_MIN + i as u32;
            let mut want: Vec<u32> = cl.rest.clone();
            for c in cl.classes.iter().filter(|c| c.j >= j0) {
                want.extend((c.r..1 << DROP_BITS).step_by(1 << c.j).map(|r| r as u32));
            }
            want.sort_unstable();
            assert_eq!(list, &want, "j0={j0}");
        }
        // the cut: a class walk for classes with more than about two members in the chunk
        assert_eq!(sparse_from(0), SPARSE_MIN);
        assert_eq!(sparse_from(1 << 13), 13);
        assert_eq!(sparse_from(1 << 18), DROP_BITS + 1);
    }
}
