//! Verification: showing that every n in [a, b) reaches 1, given that every smaller value does.
//!
//! Each n only has to fall below itself. Two sieves decide most n without following them:
//! - modulo 2^k: for n = q 2^k + r, the first k T-steps depend on r alone and
//!   T^j(n) = 3^c q 2^(k-j) + T^j(r). When 3^c < 2^j and that is below n for every q of the
//!   range, the whole residue class falls below itself within j steps (about 2% of classes
//!   survive for k = 20);
//! - modulo 3: an n = 2 (mod 3) is T(m) for the odd m = (2n - 1)/3 < n, so it reaches 1
//!   with m.
//!
//! The survivors are followed with Bařina odd runs until they fall below themselves, in u64,
//! u128 or arbitrary precision as their values require.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

use super::control::{Control, RunOptions};
use crate::error::{Error, Result};
use crate::value::Value;
use crate::walk::{Word, POW3};

/// Bits of the residue sieve.
pub const SIEVE_BITS: u32 = 24;

/// What [`verify`](super::RangeEngine::verify) established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "crate::shape::VerificationShape",
    from = "crate::shape::VerificationShape"
)]
pub struct Verification {
    /// First start value.
    pub start: u64,
    /// One past the last start value.
    pub end: u64,
    /// Start values shown to reach 1 (all of them: a failure would be an error or a hang).
    pub verified: u64,
    /// Start values that survived both sieves and were followed until they fell below
    /// themselves.
    pub followed: u64,
    /// The highest value met on the followed trajectories (a value of the 3x+1 map), and the
    /// start value that met it.
    pub max_value: Value,
    /// The start value whose trajectory met `max_value`.
    pub max_value_n: u64,
}

/// A residue class modulo 2^k that survives the sieve, with what its first k T-steps do to
/// n = q 2^k + r: T^k(n) = 3^c q + d, and every T^j(n) (j <= k) is at most
/// 3^cmax q 2^(k - jmax) + dmax.
#[derive(Debug, Clone, Copy)]
struct Survivor {
    r: u32,
    c: u8,
    d: u64,
    cmax: u8,
    jmax: u8,
    dmax: u64,
    /// No T^j(n), j <= k, falls below n for any q >= the sieve's q_min: the first k steps may
    /// be jumped over.
    clean: bool,
}

/// The residue classes modulo 2^k that survive the sieve, for q = n >> k >= `q_min`.
fn survivors(q_min: u64) -> Vec<Survivor> {
    let k = SIEVE_BITS;
    let mut out = Vec::new();
    for r in 0..1u64 << k {
        let mut x = r;
        let mut c = 0u32;
        let mut falls = false;
        let mut clean = true;
        let (mut cmax, mut jmax, mut dmax) = (0u32, 0u32, r);
        for j in 1..=k {
            if x & 1 == 1 {
                x = (3 * x + 1) >> 1;
                c += 1;
            } else {
                x /= 2;
            }
            let (two_j, three_c) = (1u128 << j, POW3[c as usize]);
            let scale = q_min as u128 * (1u128 << (k - j));
            if three_c < two_j {
                // T^j(n) = 3^c q 2^(k-j) + T^j(r) < q 2^k + r for every q >= q_min?
                if scale * (two_j - three_c) + r as u128 > x as u128 {
                    falls = true;
                    break;
                }
                clean = false;
            } else if scale * (three_c - two_j) + (x as u128) < r as u128 {
                clean = false;
            }
            // the largest ratio 3^c / 2^j so far: compare 3^c 2^jmax with 3^cmax 2^j
            if three_c << jmax > POW3[cmax as usize] << j {
                cmax = c;
                jmax = j;
            }
            dmax = dmax.max(x);
        }
        if !falls {
            out.push(Survivor {
                r: r as u32,
                c: c as u8,
                d: x,
                cmax: cmax as u8,
                jmax: jmax as u8,
                dmax,
                clean,
            });
        }
    }
    out
}

/// The survivors for ranges far out (q >= 2^10), built once.
fn far_survivors() -> &'static [Survivor] {
    static FAR: OnceLock<Vec<Survivor>> = OnceLock::new();
    FAR.get_or_init(|| survivors(1 << 10))
}

/// Follows n until it falls below itself; returns the largest C-value met.
fn drop_below<W: Word>(mut x: W, n: &W) -> Option<W> {
    let mut peak_t = x.clone();
    loop {
        x.strip_twos();
        if x < *n {
            return Some(peak_t);
        }
        if x.odd_run() == 0 {
            return None;
        }
        if x > peak_t {
            peak_t = x.clone();
        }
    }
}

/// The largest C-value met before n (> 1) falls below itself, exactly.
fn peak_of(n: u64) -> Value {
    // the peak of an odd run is 2 * T^a(x), the last 3y + 1 before its halving
    let double = |t: Value| Value::from(t.to_biguint() << 1u32);
    match drop_below(n, &n) {
        Some(p) if p == n => Value::from(n),
        Some(p) => match p.checked_mul(2) {
            Some(d) => Value::from(d),
            None => double(Value::from(p)),
        },
        None => match drop_below(n as u128, &(n as u128)) {
            Some(p) => double(Value::from(p)),
            None => {
                let big = BigUint::from(n);
                // BigUint never overflows
                double(Value::from(drop_below(big.clone(), &big).unwrap_or(big)))
            }
        },
    }
}

/// Partial result of a block of start values.
struct Part {
    followed: u64,
    max: Value,
    max_n: u64,
}

impl Part {
    /// The two parts together, in either order (the highest peak, of its smallest n).
    fn merge(self, other: Part) -> Part {
        let (max, max_n) = if (&other.max, std::cmp::Reverse(other.max_n))
            > (&self.max, std::cmp::Reverse(self.max_n))
        {
            (other.max, other.max_n)
        } else {
            (self.max, self.max_n)
        };
        Part {
            followed: self.followed + other.followed,
            max,
            max_n,
        }
    }
}

/// Checks [start, end), all within one sieve period or below 2^(k+10).
fn check_block(range: Range<u64>, survivors: &[Survivor], ctl: &Control) -> Result<Part> {
    let mut part = Part {
        followed: 0,
        max: Value::ZERO,
        max_n: range.start,
    };
    let k = SIEVE_BITS;
    let exact = |n: u64, part: &mut Part| {
        let peak = peak_of(n);
        if peak > part.max {
            part.max = peak;
            part.max_n = n;
        }
    };
    if range.start >> (k + 10) == 0 {
        // near the bottom: no sieve, every n followed
        for (i, n) in range.clone().enumerate() {
            if i % 4096 == 0 {
                ctl.check()?;
            }
            if n > 1 && n % 3 != 2 {
                part.followed += 1;
                exact(n, &mut part);
            }
        }
        return Ok(part);
    }
    let base = range.start >> k << k;
    let q = (range.start >> k) as u128;
    // the largest T-value met so far (C-peaks are twice T-peaks), while it fits u128
    let mut best_t: u128 = 0;
    for (i, s) in survivors.iter().enumerate() {
        if i % 1024 == 0 {
            ctl.check()?;
        }
        let n = base + s.r as u64;
        if n < range.start || n >= range.end || n % 3 == 2 {
            continue;
        }
        part.followed += 1;
        if s.clean {
            // every prefix value is at most `bound`: if that cannot beat the best, jump
            let bound = (q << (k - s.jmax as u32)) * POW3[s.cmax as usize] + s.dmax as u128;
            if bound <= best_t {
                let x = crate::walk::POW3[s.c as usize] * q + s.d as u128;
                if let Some(peak) = tail_peak(x, n) {
                    if peak <= best_t {
                        continue;
                    }
                }
            }
        }
        exact(n, &mut part);
        best_t = part.max.as_u128().map_or(u128::MAX, |m| m / 2);
    }
    Ok(part)
}

/// The largest T-value from x (which is above n) until the trajectory falls below n, or
/// None if a value outgrows u128.
fn tail_peak(x: u128, n: u64) -> Option<u128> {
    match u64::try_from(x) {
        Ok(small) => drop_below(small, &n).map(|p| p as u128),
        Err(_) => drop_below(x, &(n as u128)),
    }
}

pub(super) fn verify(range: Range<u64>, opts: &RunOptions) -> Result<Verification> {
    super::check_range(&range)?;
    let ctl = Control::new(range.end - range.start, opts);
    let survivors = far_survivors();
    let k = SIEVE_BITS;
    // blocks: sieve periods [j 2^k, (j+1) 2^k) clipped to the range
    let first = range.start >> k;
    let last = (range.end - 1) >> k;
    let blocks = last - first + 1;
    let per_leaf = (opts.chunk_size >> k).max(1);
    let part = leaves(first, blocks, per_leaf, &|j0, count| {
        let mut acc: Option<Part> = None;
        for j in j0..j0 + count {
            let lo = (j << k).max(range.start);
            let hi = ((j + 1) << k).min(range.end);
            let p = check_block(lo..hi, survivors, &ctl)?;
            ctl.advance(hi - lo);
            acc = Some(match acc {
                Some(a) => a.merge(p),
                None => p,
            });
        }
        acc.ok_or(Error::InvalidArgument("empty block".into()))
    })?;
    Ok(Verification {
        start: range.start,
        end: range.end,
        verified: range.end - range.start,
        followed: part.followed,
        max_value: part.max,
        max_value_n: part.max_n,
    })
}

/// Runs `f` on the leaves of `per_leaf` blocks from `first` on, `count` blocks in all: every
/// thread of the pool takes the next leaf until none is left, and lets the pool run another
/// call's waiting job between leaves (as `pool::on_every_thread` does, with a result per
/// thread).
fn leaves<F>(first: u64, count: u64, per_leaf: u64, f: &F) -> Result<Part>
where
    F: Fn(u64, u64) -> Result<Part> + Sync,
{
    let total = count.div_ceil(per_leaf);
    let next = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut acc: Option<Part> = None;
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= total {
                break;
            }
            let j0 = first + i * per_leaf;
            let part = f(j0, per_leaf.min(first + count - j0)).inspect_err(|_| {
                failed.store(true, Ordering::Relaxed);
            })?;
            acc = Some(match acc {
                Some(a) => a.merge(part),
                None => part,
            });
            rayon::yield_now();
        }
        Ok(acc)
    };
    // one loop on every thread of the pool, through each thread's broadcast queue (see
    // `pool`)
    let parts: Vec<Result<Option<Part>>> = rayon::broadcast(|_| work());
    let mut all: Option<Part> = None;
    for p in parts {
        if let Some(p) = p? {
            all = Some(match all {
                Some(a) => a.merge(p),
                None => p,
            });
        }
    }
    all.ok_or(Error::InvalidArgument("empty range".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sieve_is_sound() {
        // every residue it removes really falls below itself, for q at the bound and beyond
        let surv = far_survivors();
        let fraction = surv.len() as f64 / (1u64 << SIEVE_BITS) as f64;
        assert!(fraction < 0.03, "{fraction}");
        let mut removed = 0;
        let mut next = surv.iter().map(|s| s.r).peekable();
        for r in 0..1u64 << SIEVE_BITS {
            if next.peek() == Some(&(r as u32)) {
                next.next();
                continue;
            }
            removed += 1;
            if r % 97 != 0 {
                continue;
            }
            for q in [1u64 << 10, (1 << 10) + 1, 1 << 20, 12345] {
                let n = q << SIEVE_BITS | r;
                let glide = crate::stopping_time(n).unwrap();
                assert!(
                    glide > 0 && glide <= 2 * SIEVE_BITS as u64,
                    "n = {n}: glide {glide}"
                );
            }
        }
        assert!(removed > 0);
    }

    #[test]
    fn the_jump_over_clean_prefixes_keeps_the_maximum_exact() {
        // the reference follows every survivor exactly; verify skips what cannot beat the best
        let range = (1u64 << 40) + (5 << 24)..(1u64 << 40) + (7 << 24) + 12345;
        let v = verify(range.clone(), &RunOptions::default()).unwrap();
        let mut best = (Value::ZERO, 0);
        let mut followed = 0;
        for block in range.start >> SIEVE_BITS..=(range.end - 1) >> SIEVE_BITS {
            for s in far_survivors() {
                let n = (block << SIEVE_BITS) + s.r as u64;
                if range.contains(&n) && n % 3 != 2 {
                    followed += 1;
                    let p = peak_of(n);
                    if p > best.0 {
                        best = (p, n);
                    }
                }
            }
        }
        assert_eq!(v.followed, followed);
        assert_eq!((v.max_value, v.max_value_n), best);
        assert_eq!(v.verified, range.end - range.start);
    }

    #[test]
    fn small_ranges_follow_every_candidate() {
        let v = verify(1..100_000, &RunOptions::default()).unwrap();
        assert_eq!(v.verified, 99_999);
        // n > 1 and n != 2 (mod 3)
        assert_eq!(
            v.followed,
            (2..100_000u64).filter(|n| n % 3 != 2).count() as u64
        );
        // the highest value met before falling below the start: 77671's path record, 1570824736
        assert_eq!(
            (v.max_value.clone(), v.max_value_n),
            (Value::from(1_570_824_736u64), 77_671)
        );
    }

    #[test]
    fn peaks_match_a_direct_walk() {
        for n in [3u64, 7, 27, 255, 703, 1 << 40 | 27] {
            let mut best = Value::from(n);
            for v in crate::trajectory(n).unwrap() {
                if v < n {
                    break;
                }
                best = best.max(v);
            }
            assert_eq!(peak_of(n), best, "n = {n}");
        }
    }
}
