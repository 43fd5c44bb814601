//! Following one start value down to the memo: the walks of the range engine.
//!
//! - [`follow_pending`] / [`follow_from`]: the exact walk, with trailing-zero stripping and odd
//!   runs ([`crate::step`]); the glide is found on the way, the maximum at the end of each odd
//!   run. Every statistic; the general leaf and the left-overs of the hot paths.
//! - [`descend`] / [`descend_block`]: step counts alone, a jump of 10 T-steps at a time
//!   ([`jump_table`]) above 2^10; the block form advances many walks side by side so that
//!   their table loads overlap.
//! - [`follow_records`]: the summary's left-overs, jumping wherever the jump's bounds show that
//!   no path record can be passed, exact where a record can be.
//!
//! Each returns a [`Pending`] (or the value below the bound): the result less the memo's
//! entries at the value it reached, so that a block of start values issues its memo reads
//! together. A value that outgrows u64 gives `None`; the caller takes the exact
//! arbitrary-precision path.
//!
//! When they run: for every n that a table or the class walk does not answer. What they cost:
//! the bulk of the time of the general paths; a few percent of the summary path.

use super::memo::MemoView;
use super::tables::{first_below, jump_lines, jump_table, JUMP_BITS, JUMP_FROM};
use crate::error::{Error, Result};
use crate::step::odd_run_u64;

/// Everything the kernel learns about one start value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Out {
    pub tst: u32,
    pub glide: u32,
    pub odd: u32,
    /// The exact maximum excursion when the memo has maxima; otherwise the largest value met
    /// before the trajectory fell below the memo bound (exact for records, see `summary.rs`).
    pub max: u128,
}

/// A result still waiting for its memo entry: the final result is this plus the memo's entries
/// at `idx` (a finished result uses idx = 1, whose entries are 0 steps and maximum 1).
/// Splitting the memo lookup off lets a block of start values issue their (cache-missing)
/// lookups together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pending {
    pub part: Out,
    pub idx: u64,
}

impl Pending {
    /// Adds the memo's entries at `idx`.
    #[inline(always)]
    pub fn finish(&self, memo: &MemoView) -> Out {
        let i = self.idx;
        Out {
            tst: self.part.tst + memo.tst_at(i),
            glide: self.part.glide,
            odd: self.part.odd + memo.odd_at(i),
            max: memo
                .max_at(i)
                .map_or(self.part.max, |m| self.part.max.max(m as u128)),
        }
    }
}

/// Follows n (>= 2) until its value falls below `p` (<= n, and the memo covers [1, p)), with
/// trailing-zero stripping and Bařina odd runs; the glide is found exactly on the way, the
/// maximum at the end of each odd run. `None` when a value outgrows u64: the caller falls
/// back to the arbitrary-precision path.
#[cfg(test)]
pub(crate) fn follow(n: u64, p: u64, memo: &MemoView) -> Option<Out> {
    follow_pending(n, p).map(|pending| pending.finish(memo))
}

/// `follow` (the tests' reference walk) without the final memo lookup.
#[inline(always)]
pub(crate) fn follow_pending(n: u64, p: u64) -> Option<Pending> {
    follow_from(n, p, n, 0, 0, n)
}

/// [`follow_pending`] resumed at x after `steps` C-steps (`odd` of them odd) that never fell
/// below n and whose largest value is `mx`.
#[inline(always)]
pub(crate) fn follow_from(
    n: u64,
    p: u64,
    mut x: u64,
    mut steps: u32,
    mut odd: u32,
    mut mx: u64,
) -> Option<Pending> {
    let mut glide: u32 = 0;
    loop {
        if x & 1 == 0 {
            let tz = x.trailing_zeros();
            let y = x >> tz;
            if glide == 0 && y < n {
                glide = steps + halvings_below(x, n);
            }
            steps += tz;
            x = y;
            if x < p {
                break;
            }
        }
        // x odd and >= p >= 1; x = 1 only if p = 1, which callers never pass
        let (y, a) = odd_run_u64(x)?;
        // y = T^a(x); the last 3z+1 of the run, 2y, is the run's peak
        let peak = y.checked_mul(2)?;
        x = y;
        steps += 2 * a;
        odd += a;
        if peak > mx {
            mx = peak;
        }
    }
    Some(Pending {
        part: Out {
            tst: steps,
            glide,
            odd,
            max: mx as u128,
        },
        idx: x,
    })
}

/// For x >= n whose run of halvings ends below n: how many of them it takes to fall below n.
#[inline(always)]
fn halvings_below(x: u64, n: u64) -> u32 {
    let mut j = 1;
    while (x >> j) >= n {
        j += 1;
    }
    j
}

/// Follows x (reached after `steps` C-steps) until it falls below `p`, counting C-steps only
/// (no glide, no maximum): what step counts alone need. Returns the steps and the value below
/// p; `None` when a value outgrows u64 (the caller takes the exact path).
#[inline(always)]
pub(crate) fn descend(mut x: u64, mut steps: u32, p: u64) -> Option<(u32, u64)> {
    if p > JUMP_FROM {
        // JUMP_BITS T-steps at a time: from x >= p > 2^JUMP_BITS no jump can reach 1 (each
        // T-step at most halves), so the count stays exact; the walk may overshoot p, which
        // does not matter, as the memo answers for any value below p
        let table = jump_table();
        while x >= p {
            let e = table[(x & ((1 << JUMP_BITS) - 1)) as usize];
            x = (x >> JUMP_BITS)
                .checked_mul(e.mul as u64)?
                .checked_add(e.d as u64)?;
            steps += e.steps as u32;
        }
        return Some((steps, x));
    }
    // 1 is below any bound of 2 or more, so the walk ends
    let p = p.max(2);
    loop {
        let tz = x.trailing_zeros();
        x >>= tz;
        steps += tz;
        if x < p {
            return Some((steps, x));
        }
        let (y, a) = odd_run_u64(x)?;
        x = y;
        steps += 2 * a;
    }
}

/// [`descend`] for a block of walks at once, all to below the same bound `p` (> 2^JUMP_BITS):
/// walk i goes from `x[i]` (after `steps[i]` C-steps) to its first jump below p, and both are
/// updated in place. The walks advance in rounds, one jump for each walk still at or above p
/// per round, so that their table loads and multiplies overlap rather than wait on each other
/// (one walk alone waits on every load). A walk that would outgrow u64 stops where it is and
/// gets `ok[i] = false`; the others get true. At most 2^16 walks.
pub(crate) fn descend_block(x: &mut [u64], steps: &mut [u32], ok: &mut [bool], p: u64) {
    debug_assert!(p > JUMP_FROM && x.len() <= 1 << 16);
    let table = jump_table();
    let len = x.len().min(steps.len()).min(ok.len());
    // the walks still at or above p, compacted after every round: (value, steps, index)
    let mut live: Vec<(u64, u32, u32)> = Vec::with_capacity(len);
    for (i, ((&xi, &si), o)) in x.iter().zip(steps.iter()).zip(ok.iter_mut()).enumerate() {
        *o = true;
        if xi >= p {
            live.push((xi, si, i as u32));
        }
    }
    while !live.is_empty() {
        let mut kept = 0;
        for j in 0..live.len() {
            let (xj, sj, i) = live[j];
            let e = table[(xj & ((1 << JUMP_BITS) - 1)) as usize];
            let (y, o1) = (xj >> JUMP_BITS).overflowing_mul(e.mul as u64);
            let (y, o2) = y.overflowing_add(e.d as u64);
            if o1 | o2 {
                ok[i as usize] = false;
                continue;
            }
            let s = sj + e.steps as u32;
            // written every round, final once the walk is below p
            x[i as usize] = y;
            steps[i as usize] = s;
            // (kept <= j: the list is compacted in place)
            live[kept] = (y, s, i);
            kept += (y >= p) as usize;
        }
        live.truncate(kept);
    }
}

/// For the summary's n that the residue table leaves over: follows n from x = T^k(n)
/// (`steps` C-steps, none of them below n, none of them a path record) to its first value below
/// n, exactly, but a jump of JUMP_BITS T-steps at a time wherever the jump table's bounds show that
/// the jump does not pass `path_best`; where they show that it may fall below n,
/// [`jump_lines`] give the first step that does (the glide); then on to below `p` as
/// [`descend`] does. The result's glide is exact, and so is its maximum wherever that exceeds
/// `path_best` (below it, it may be too low, which no record can tell); `odd` is not counted.
#[inline(always)]
pub(crate) fn follow_records(
    n: u64,
    p: u64,
    mut x: u64,
    mut steps: u32,
    path_best: u128,
) -> Option<Pending> {
    let table = jump_table();
    let lines = jump_lines();
    let mut mx = n;
    let glide;
    loop {
        if x > JUMP_FROM {
            let r = (x & ((1 << JUMP_BITS) - 1)) as usize;
            let q = (x >> JUMP_BITS) as u128;
            let e = table[r];
            if 2 * (q * e.hi as u128 + e.dmax as u128) <= path_best {
                // no step of the jump passes the path record: jump. `drop` is Some(the first
                // step below n, if any, for the glide), or None where the lines cannot tell (a
                // value of 2^58 or more: rare), which steps through exactly below
                let drop = if q * e.lo as u128 >= n as u128 {
                    Some(None)
                } else if x < 1 << 58 {
                    Some(first_below(&lines[r], q as u64, n))
                } else {
                    None
                };
                if let Some(drop) = drop {
                    x = (x >> JUMP_BITS)
                        .checked_mul(e.mul as u64)?
                        .checked_add(e.d as u64)?;
                    if let Some(at) = drop {
                        // past the drop the values are those of a smaller start value, which
                        // no path record can come from: the jump's end is as good as any
                        glide = steps + at;
                        steps += e.steps as u32;
                        break;
                    }
                    steps += e.steps as u32;
                    continue;
                }
            }
        }
        if x & 1 == 0 {
            let tz = x.trailing_zeros();
            let y = x >> tz;
            if y < n {
                glide = steps + halvings_below(x, n);
                steps += tz;
                x = y;
                break;
            }
            steps += tz;
            x = y;
        }
        // x odd and >= n
        let (y, a) = odd_run_u64(x)?;
        // y = T^a(x); the last 3z+1 of the run, 2y, is the run's peak
        let peak = y.checked_mul(2)?;
        x = y;
        steps += 2 * a;
        mx = mx.max(peak);
    }
    let (tst, idx) = if x < p {
        (steps, x)
    } else {
        descend(x, steps, p)?
    };
    Some(Pending {
        part: Out {
            tst,
            glide,
            odd: 0,
            max: mx as u128,
        },
        idx,
    })
}

/// The results for n, less its memo entries (see [`Pending`]), with the residue rules
/// where the memo allows: an even n takes one halving to n/2, an n = 1 (mod 4)
/// three steps to (3n+1)/4, both below n. Values that outgrow u64 take the exact
/// arbitrary-precision path.
#[inline(always)]
pub(crate) fn compute(n: u64, p: u64) -> Result<Pending> {
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

/// The exact path for an n whose walk outgrows u64: its statistics by the crate's walk kernel
/// (u64, then u128, then arbitrary precision), as an [`Out`], or an overflow error where a
/// count outgrows u32 or the maximum u128.
#[cold]
pub(crate) fn slow(n: u64) -> Result<Out> {
    let s = crate::stats::counts(n)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::range::memo::testing::memo_upto;
    use crate::stats;

    #[test]
    fn descend_with_and_without_jumps_lands_on_the_trajectory() {
        let tst = |n: u64| stats(n).unwrap().total_stopping_time as u32;
        for n in (5000u64..40_000)
            .step_by(7)
            .chain([63_728_127, 1 << 40, (1 << 40) + 27])
        {
            for p in [2, 3, 4096, 4097, 5000, 1 << 13, n / 3 + 5000] {
                let (steps, x) = descend(n, 0, p).unwrap();
                assert!(x < p.max(2), "n={n} p={p} x={x}");
                assert_eq!(steps + tst(x), tst(n), "n={n} p={p}");
            }
        }
        // every table entry is JUMP_BITS T-steps, and its bounds hold every value on the way
        for (r, e) in jump_table().iter().enumerate() {
            for q in [0u64, 1, 5, 977, 1 << 30] {
                let mut y = (q << JUMP_BITS) + r as u64;
                let mut c = 0;
                for _ in 0..JUMP_BITS {
                    y = if y & 1 == 1 {
                        c += 1;
                        (3 * y + 1) >> 1
                    } else {
                        y >> 1
                    };
                    assert!(y >= q * e.lo as u64 && y <= q * e.hi as u64 + e.dmax as u64);
                }
                assert_eq!(y, q * e.mul as u64 + e.d as u64, "r={r} q={q}");
                assert_eq!(e.steps as u32, JUMP_BITS + c);
            }
        }
        // a value that outgrows u64 gives None, never a wrong answer
        assert_eq!(descend(u64::MAX, 0, 1 << 20), None);
    }

    #[test]
    fn descend_block_matches_one_walk_at_a_time() {
        // values below, at and far above p, one that outgrows u64, and a run long enough that
        // walks leave the block in different rounds
        for p in [JUMP_FROM + 1, 5000, 1 << 20, 1 << 33] {
            let mut x: Vec<u64> = (0..300u64)
                .map(|i| p / 2 + i * i * 7919 + (i << (i % 40)))
                .chain([p - 1, p, p + 1, u64::MAX - 2, 63_728_127 << 20])
                .collect();
            let mut steps: Vec<u32> = (0..x.len() as u32).map(|i| i % 5).collect();
            let want: Vec<Option<(u32, u64)>> = x
                .iter()
                .zip(&steps)
                .map(|(&x, &s)| descend(x, s, p))
                .collect();
            let mut ok = vec![false; x.len()];
            descend_block(&mut x, &mut steps, &mut ok, p);
            for i in 0..x.len() {
                match want[i] {
                    Some(w) => {
                        assert!(ok[i], "p={p} i={i}");
                        assert_eq!((steps[i], x[i]), w, "p={p} i={i}");
                        assert!(x[i] < p);
                    }
                    None => assert!(!ok[i], "p={p} i={i}"),
                }
            }
        }
    }

    #[test]
    fn follow_records_is_exact_where_it_must_be() {
        let tst = |n: u64| stats(n).unwrap().total_stopping_time as u32;
        // n = 3 (mod 4) that stay at or above n for the first 16 T-steps, from near 10^7 and
        // 2^40
        let starts = (10_000_003u64..10_400_000)
            .step_by(4)
            .chain(((1u64 << 40) + 3..(1 << 40) + 200_000).step_by(4));
        let mut checked = 0;
        for n in starts {
            // the reference: C-steps to the first value below n, and the largest C-value before
            let (mut x, mut steps, mut peak) = (n as u128, 0u32, n as u128);
            while x >= n as u128 {
                x = if x & 1 == 1 { 3 * x + 1 } else { x / 2 };
                peak = peak.max(x);
                steps += 1;
            }
            let glide = steps;
            if glide < 40 {
                continue; // not one of the long ones this path serves
            }
            // start from T^16(n) by the shortcut map; the peak of those steps (the caller's
            // promise: no record among them) bounds the path_best values to try
            let (mut y, mut k, mut peak16) = (n, 0u32, n as u128);
            for _ in 0..16 {
                if y & 1 == 1 {
                    peak16 = peak16.max(3 * y as u128 + 1);
                    y = (3 * y + 1) >> 1;
                    k += 2;
                } else {
                    y >>= 1;
                    k += 1;
                }
                assert!(y >= n);
            }
            let p = n - n / 9;
            for path_best in [peak16, peak - 1, peak, u128::MAX / 4] {
                if path_best < peak16 {
                    continue;
                }
                let got = follow_records(n, p, y, k, path_best).unwrap();
                assert_eq!(got.part.glide, glide, "n={n}");
                assert!(got.idx < p, "n={n}");
                assert_eq!(got.part.tst + tst(got.idx), tst(n), "n={n}");
                if peak > path_best {
                    assert_eq!(got.part.max, peak, "n={n} path_best={path_best}");
                } else {
                    assert!(got.part.max <= peak, "n={n}");
                }
            }
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn follow_matches_stats_for_every_p() {
        let memo = memo_upto(1000);
        let view = memo.view();
        for n in 2..3000u64 {
            let s = stats(n).unwrap();
            for p in [n.min(999), 2, 17.min(n), n.min(500)] {
                let out = follow(n, p, &view).unwrap();
                assert_eq!(out.tst as u64, s.total_stopping_time, "n={n} p={p}");
                assert_eq!(out.glide as u64, s.stopping_time, "n={n} p={p}");
                assert_eq!(out.odd as u64, s.odd_steps, "n={n} p={p}");
                assert_eq!(out.max, s.max.as_u128().unwrap(), "n={n} p={p}");
            }
        }
    }

    #[test]
    fn descend_counts_steps_exactly() {
        for n in (1u64..20_000).chain((1 << 40..(1 << 40) + 2000).step_by(3)) {
            for p in [2, 100, n.max(2), 1 << 12] {
                let (steps, x) = descend(n, 0, p).unwrap();
                assert!(x < p.max(2) || x == 1, "n={n} p={p}");
                assert_eq!(
                    steps as u64 + stats(x).unwrap().total_stopping_time,
                    stats(n).unwrap().total_stopping_time,
                    "n={n} p={p}"
                );
            }
        }
        assert_eq!(descend(u64::MAX, 0, 5), None);
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        let memo = memo_upto(10);
        assert_eq!(follow(u64::MAX, 5, &memo.view()), None);
    }
}
