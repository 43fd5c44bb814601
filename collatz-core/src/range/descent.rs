//! Following one start value n of a verification until its trajectory falls below n, keeping
//! the highest value met: the inner loop of [`verify`](super::RangeEngine::verify).
//!
//! It runs for the start values no sieve decides, about 0.5% of them far out, and takes most
//! of a verification's time. Values are u128 while they fit: the loop strips the factors 2 of
//! a value at once, and does a whole run of odd T-steps with one multiply (the crate's odd run,
//! `step::odd_run_u128`), so one trip round the loop costs two trailing-bit counts, one
//! compare with the start and one 128 x 64-bit multiply. A run
//! whose product would pass 2^128 moves the walk to big integers from that value on, exactly.
//!
//! The highest value of the 3x+1 map on a trajectory is 3y + 1 = 2 T(y) for the odd y before
//! it, so the walk keeps the highest T-value met after an odd step, and [`Peak::value`]
//! doubles it.

use num_bigint::BigUint;
use num_traits::Zero;

use crate::step::odd_run_u128;
use crate::value::Value;

/// The highest T-value met after an odd step on the followed trajectories, and the smallest
/// start value that met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Peak {
    /// The highest T-value below 2^128 (0 when none was met).
    t: u128,
    /// Its start value.
    n: u128,
    /// A higher T-value, past 2^128, and its start value.
    big: Option<(BigUint, u128)>,
}

impl Peak {
    pub(super) fn new() -> Self {
        Peak {
            t: 0,
            n: u128::MAX,
            big: None,
        }
    }

    /// Takes T-value t met by start value n.
    #[inline(always)]
    pub(super) fn offer(&mut self, t: u128, n: u128) {
        if t > self.t || (t == self.t && n < self.n) {
            self.t = t;
            self.n = n;
        }
    }

    /// The T-value below which an offer cannot change the peak (an offer equal to it may, by
    /// a smaller n).
    #[inline(always)]
    pub(super) fn floor(&self) -> u128 {
        if self.big.is_some() {
            u128::MAX
        } else {
            self.t
        }
    }

    fn offer_big(&mut self, t: BigUint, n: u128) {
        let better = match &self.big {
            None => true,
            Some((b, bn)) => t > *b || (t == *b && n < *bn),
        };
        if better {
            self.big = Some((t, n));
        }
    }

    /// The two peaks together, in either order.
    pub(super) fn merge(mut self, other: Peak) -> Peak {
        self.offer(other.t, other.n);
        if let Some((t, n)) = other.big {
            self.offer_big(t, n);
        }
        self
    }

    /// The highest value of the 3x+1 map met, and its start value; `(0, start)` when no
    /// trajectory was followed.
    pub(super) fn value(&self, start: u128) -> (Value, u128) {
        match &self.big {
            Some((t, n)) => (Value::from(t << 1u32), *n),
            None if self.t == 0 => (Value::ZERO, start),
            None => match self.t.checked_mul(2) {
                Some(c) => (Value::from(c), self.n),
                None => (Value::from(BigUint::from(self.t) << 1u32), self.n),
            },
        }
    }
}

/// Where one trip of a walk left it.
enum Trip {
    /// At this value, at or above the start.
    On(u128),
    /// Below the start: the walk is over.
    Below,
    /// At this odd value, whose run of odd steps would pass 2^128.
    Past(u128),
}

/// One trip of the walk of start value n from x: strips the factors 2, and unless the value is
/// then below n, does a run of odd steps and offers the value it reaches.
#[inline(always)]
fn trip(x: u128, n: u128, peak: &mut Peak) -> Trip {
    let x = x >> x.trailing_zeros();
    if x < n {
        return Trip::Below;
    }
    match odd_run_u128(x) {
        Some((y, _)) => {
            if y >= peak.t {
                peak.offer(y, n);
            }
            Trip::On(y)
        }
        None => Trip::Past(x),
    }
}

/// Follows x = T^j(n), for some j >= 1 with x >= n, until it falls below n, offering the
/// peaks. Returns the value it stopped at when the next run of odd steps would pass 2^128
/// (the caller goes on with [`descend_big`]).
#[inline(always)]
pub(super) fn descend(mut x: u128, n: u128, peak: &mut Peak) -> Result<(), u128> {
    loop {
        match trip(x, n, peak) {
            Trip::On(y) => x = y,
            Trip::Below => return Ok(()),
            Trip::Past(x) => return Err(x),
        }
    }
}

/// Several walks of [`descend`] interleaved on one thread: the loop of one walk is a chain of
/// dependent operations (each trip waits for the previous multiply and shifts), so `L`
/// independent walks advanced in turn keep the core busy in the waiting time.
pub(super) struct Lanes<const L: usize> {
    /// The current value of each walk.
    x: [u128; L],
    /// The start value of each walk.
    n: [u128; L],
    /// Walks in the lanes (the first `live`, while filling).
    live: usize,
}

impl<const L: usize> Lanes<L> {
    pub(super) fn new() -> Self {
        Lanes {
            x: [0; L],
            n: [0; L],
            live: 0,
        }
    }

    /// Adds the walk of x = T^j(n) (j >= 1, x >= n); when every lane holds a walk, advances
    /// them all until one falls below its start, offering the peaks.
    #[inline(always)]
    pub(super) fn push(&mut self, x: u128, n: u128, peak: &mut Peak) {
        if self.live < L {
            self.x[self.live] = x;
            self.n[self.live] = n;
            self.live += 1;
            if self.live < L {
                return;
            }
        }
        let free = self.advance(peak);
        self.x[free] = x;
        self.n[free] = n;
    }

    /// Advances every lane a run at a time until one walk ends; returns its lane, which the
    /// caller fills again.
    #[inline(always)]
    fn advance(&mut self, peak: &mut Peak) -> usize {
        loop {
            for i in 0..L {
                match trip(self.x[i], self.n[i], peak) {
                    Trip::On(y) => self.x[i] = y,
                    Trip::Below => return i,
                    Trip::Past(x) => {
                        descend_big(BigUint::from(x), self.n[i], peak);
                        return i;
                    }
                }
            }
        }
    }

    /// Ends every walk still in the lanes.
    pub(super) fn drain(&mut self, peak: &mut Peak) {
        for i in 0..self.live {
            finish(self.x[i], self.n[i], peak);
        }
        self.live = 0;
    }
}

/// [`descend`] in big integers, from a value past what u128 runs can take.
pub(super) fn descend_big(mut x: BigUint, n: u128, peak: &mut Peak) {
    let limit = BigUint::from(n);
    loop {
        let z = x.trailing_zeros().unwrap_or(0);
        x >>= z;
        if x < limit {
            return;
        }
        // odd: x + 1 ends in a zero-bits
        let a = (&x + 1u32).trailing_zeros().unwrap_or(0);
        x = ((x >> a) + 1u32) * BigUint::from(3u32).pow(a as u32) - 1u32;
        match u128::try_from(&x) {
            Ok(t) => peak.offer(t, n),
            Err(_) => peak.offer_big(x.clone(), n),
        }
    }
}

/// Follows x = T^j(n) (j >= 1, x >= n) to below n, in u128 and then big integers as needed.
#[inline(always)]
pub(super) fn finish(x: u128, n: u128, peak: &mut Peak) {
    if let Err(x) = descend(x, n, peak) {
        descend_big(BigUint::from(x), n, peak);
    }
}

/// Whether start value n (>= 2) is one a verification follows: it stays at or above n for its
/// first `k` T-steps. If so, follows it to below n and offers its peaks.
pub(super) fn follow(n: u128, k: u32, peak: &mut Peak) -> bool {
    debug_assert!(n >= 2);
    let mut x = n;
    let mut top = 0u128;
    for _ in 0..k {
        if x & 1 == 1 {
            // (3x + 1)/2 = x + (x >> 1) + 1
            match x.checked_add((x >> 1) + 1) {
                Some(y) => x = y,
                None => return follow_big(n, k, peak),
            }
            top = top.max(x);
        } else {
            x >>= 1;
            if x < n {
                return false;
            }
        }
    }
    if top > 0 {
        peak.offer(top, n);
    }
    finish(x, n, peak);
    true
}

/// [`follow`] in big integers throughout (for n whose first steps pass 2^128).
fn follow_big(n: u128, k: u32, peak: &mut Peak) -> bool {
    let start = BigUint::from(n);
    let mut x = start.clone();
    let mut top = BigUint::zero();
    for _ in 0..k {
        if x.bit(0) {
            x = (&x * 3u32 + 1u32) >> 1u32;
            if x > top {
                top = x.clone();
            }
        } else {
            x >>= 1u32;
            if x < start {
                return false;
            }
        }
    }
    match u128::try_from(&top) {
        Ok(t) => peak.offer(t, n),
        Err(_) => peak.offer_big(top, n),
    }
    match u128::try_from(&x) {
        Ok(x) => finish(x, n, peak),
        Err(_) => descend_big(x, n, peak),
    }
    true
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The peak (a value of the 3x+1 map) of n's walk to below n, step by step in big integers,
    /// and whether it stays at or above n for k T-steps (the tests of `verify` use it too).
    pub(in crate::range) fn oracle(n: u128, k: u32) -> (bool, BigUint) {
        let start = BigUint::from(n);
        let (mut x, mut best, mut t) = (start.clone(), start.clone(), 0);
        loop {
            if x.bit(0) {
                x = &x * 3u32 + 1u32;
                best = best.max(x.clone());
            } else {
                x >>= 1u32;
                t += 1;
                if x < start {
                    return (t > k, best);
                }
            }
        }
    }

    #[test]
    fn follow_matches_a_step_by_step_walk() {
        let k = 32;
        let starts = [
            3u128,
            27,
            255,
            703,
            77671,
            (1 << 40) + 27,
            (1 << 68) + 0x7ff,
            (1 << 100) + 0xffff_ffff,
            u128::MAX - 2,
            u128::MAX / 3,
        ];
        let mut seen_followed = 0;
        for &n0 in &starts {
            for n in n0..n0.saturating_add(64) {
                let mut peak = Peak::new();
                let followed = follow(n, k, &mut peak);
                let (f, best) = oracle(n, k);
                assert_eq!(followed, f, "n = {n}");
                if followed {
                    seen_followed += 1;
                    assert_eq!(peak.value(0), (Value::from(best), n), "n = {n}");
                } else {
                    assert_eq!(peak, Peak::new());
                }
            }
        }
        assert!(seen_followed > 10);
    }

    #[test]
    fn peaks_keep_the_smallest_start_of_the_highest_value() {
        let mut a = Peak::new();
        a.offer(10, 7);
        a.offer(10, 5);
        a.offer(9, 1);
        let mut b = Peak::new();
        b.offer(10, 3);
        assert_eq!(a.clone().merge(b.clone()).value(0), (Value::from(20u64), 3));
        assert_eq!(b.merge(a).value(0), (Value::from(20u64), 3));
        assert_eq!(Peak::new().value(42), (Value::ZERO, 42));
    }
}
