//! The stepping machinery shared by every per-number computation: one loop body, instantiated
//! for `u64`, `u128` and `BigUint`, and a driver that moves a run to the next width the moment
//! 3n+1 would overflow. Nothing here is public; `stats.rs` and `trajectory.rs` build on it.

use num_bigint::BigUint;
use num_traits::One;

use crate::error::{Error, Limit, Result};
use crate::limits::Limits;
use crate::step::{odd_run_u128, odd_run_u64, residue_jump};
use crate::value::{Repr, Value};

/// An unsigned integer type the standard map can run on.
pub(crate) trait Word: Clone + Ord + Into<Value> {
    /// The next wider type, used when 3n+1 overflows.
    type Wider: Word + From<Self>;
    fn is_one(&self) -> bool;
    fn is_even(&self) -> bool;
    fn halve(&mut self);
    /// Divides out every factor 2 and returns how many there were. `self` is non-zero.
    fn strip_twos(&mut self) -> u64;
    /// Replaces odd `self` by 3*self + 1. Returns false, leaving `self` as it was, on overflow.
    fn triple_plus_one(&mut self) -> bool;
    /// Replaces odd `self` by (3*self + 1)/2. Returns false, leaving `self` as it was, on overflow.
    fn shortcut_odd(&mut self) -> bool;
    /// Applies a run of odd T-steps at once (Bařina): if odd `self` ends in α one-bits,
    /// T^α(self) = 3^α (self + 1) / 2^α - 1, and every one of those α steps is odd. Applies as
    /// many of them as fit and returns how many (0, leaving `self` as it was, on overflow).
    fn odd_run(&mut self) -> u64;
    fn bits(&self) -> u64;
    /// For values far from 1 only (BigUint above 2^(2K)): applies K = 32 T-steps at once,
    /// T^K(x) = 3^c * (x >> K) + T^K(x mod 2^K), and returns the C-steps taken (K + c).
    /// Returns 0 (and leaves `self` alone) when the value is too small or the type has no jump.
    #[inline(always)]
    fn jump(&mut self) -> u64 {
        0
    }
    /// Whether [`Word::jump`] can ever apply.
    const HAS_JUMP: bool = false;
}

/// T-steps applied by one [`Word::jump`].
const JUMP: u32 = 32;

/// T^JUMP(r) and the number of odd steps among them, for r < 2^JUMP (T^32(r) < 3^32 < 2^64).
#[inline]
fn jump_parts(r: u64) -> (u64, u32) {
    residue_jump(r, JUMP)
}

/// 3^k for k = 0..=80 (defined with the steps that use it; `range::verify` reads it here).
pub(crate) use crate::step::POW3;

macro_rules! word_prim {
    ($t:ty, $wider:ty, $odd_run:path) => {
        impl Word for $t {
            type Wider = $wider;
            #[inline(always)]
            fn odd_run(&mut self) -> u64 {
                match $odd_run(*self) {
                    Some((v, a)) => {
                        *self = v;
                        a as u64
                    }
                    None => 0,
                }
            }
            #[inline(always)]
            fn is_one(&self) -> bool {
                *self == 1
            }
            #[inline(always)]
            fn is_even(&self) -> bool {
                *self & 1 == 0
            }
            #[inline(always)]
            fn halve(&mut self) {
                *self >>= 1;
            }
            #[inline(always)]
            fn strip_twos(&mut self) -> u64 {
                let tz = self.trailing_zeros();
                *self >>= tz;
                tz as u64
            }
            #[inline(always)]
            fn triple_plus_one(&mut self) -> bool {
                if *self > (<$t>::MAX - 1) / 3 {
                    return false;
                }
                *self = 3 * *self + 1;
                true
            }
            #[inline(always)]
            fn shortcut_odd(&mut self) -> bool {
                // (3x + 1) / 2 = x + (x >> 1) + 1 for odd x
                match self.checked_add((*self >> 1) + 1) {
                    Some(v) => {
                        *self = v;
                        true
                    }
                    None => false,
                }
            }
            #[inline(always)]
            fn bits(&self) -> u64 {
                (<$t>::BITS - self.leading_zeros()) as u64
            }
        }
    };
}
word_prim!(u64, u128, odd_run_u64);
word_prim!(u128, BigUint, odd_run_u128);

impl Word for BigUint {
    type Wider = BigUint;
    fn is_one(&self) -> bool {
        One::is_one(self)
    }
    fn is_even(&self) -> bool {
        !self.bit(0)
    }
    fn halve(&mut self) {
        *self >>= 1u32;
    }
    fn strip_twos(&mut self) -> u64 {
        let tz = self.trailing_zeros().unwrap_or(0);
        *self >>= tz;
        tz
    }
    fn triple_plus_one(&mut self) -> bool {
        *self *= 3u32;
        *self += 1u32;
        true
    }
    fn shortcut_odd(&mut self) -> bool {
        *self *= 3u32;
        *self += 1u32;
        *self >>= 1u32;
        true
    }
    fn bits(&self) -> u64 {
        BigUint::bits(self)
    }
    fn odd_run(&mut self) -> u64 {
        self.shortcut_odd();
        1
    }
    const HAS_JUMP: bool = true;
    fn jump(&mut self) -> u64 {
        if BigUint::bits(self) <= 2 * JUMP as u64 + 64 {
            return 0;
        }
        let low = self.iter_u64_digits().next().unwrap_or(0) & ((1 << JUMP) - 1);
        let (d, odd) = jump_parts(low);
        *self >>= JUMP;
        *self *= POW3[odd as usize] as u64;
        *self += d;
        (JUMP + odd) as u64
    }
}

/// The state of a run in one width: the current value, the start value and the maximum so far.
#[derive(Clone)]
pub(crate) struct Walk<W> {
    pub x: W,
    pub start: W,
    pub max: W,
}

impl<W: Word> Walk<W> {
    fn new(n: W) -> Self {
        Walk {
            x: n.clone(),
            start: n.clone(),
            max: n,
        }
    }

    fn widen(self) -> Walk<W::Wider> {
        Walk {
            x: W::Wider::from(self.x),
            start: W::Wider::from(self.start),
            max: W::Wider::from(self.max),
        }
    }
}

/// One computation over a trajectory. `run` advances `walk` until the computation is finished
/// (returns `Ok(true)`) or the next step would overflow `W` (returns `Ok(false)` with `walk` at a
/// consistent point, to be resumed in the wider type).
pub(crate) trait Kernel {
    fn run<W: Word>(&mut self, walk: &mut Walk<W>) -> Result<bool>;
}

/// Runs `kernel` from `start` (which must be non-zero), promoting u64 -> u128 -> BigUint as
/// needed. Returns the final walk state's maximum.
pub(crate) fn drive<K: Kernel>(start: &Value, kernel: &mut K) -> Result<Value> {
    match &start.0 {
        Repr::U64(n) => drive_from(Walk::new(*n), kernel),
        Repr::U128(n) => drive_from(Walk::new(*n), kernel),
        Repr::Big(n) => drive_from(Walk::new(n.clone()), kernel),
    }
}

/// The integer width a run starts in.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    U64,
    U128,
    Big,
}

/// [`drive`], but starting in `width` (or wider, if the start value does not fit), so that
/// tests can check that the u64, u128 and BigUint paths agree.
pub(crate) fn drive_in<K: Kernel>(start: &Value, width: Width, kernel: &mut K) -> Result<Value> {
    match (width, start.as_u64(), start.as_u128()) {
        (Width::U64, _, _) => drive(start, kernel),
        (Width::U128, _, Some(n)) => drive_from(Walk::new(n), kernel),
        _ => drive_from(Walk::new(start.to_biguint()), kernel),
    }
}

fn drive_from<W: Word, K: Kernel>(mut walk: Walk<W>, kernel: &mut K) -> Result<Value> {
    if kernel.run(&mut walk)? {
        return Ok(walk.max.into());
    }
    let mut wide = walk.widen();
    if kernel.run(&mut wide)? {
        return Ok(wide.max.into());
    }
    // u64 -> u128 -> BigUint, or u128 -> BigUint -> BigUint: the third width is always BigUint
    let mut big = wide.widen();
    let finished = kernel.run(&mut big)?;
    // BigUint arithmetic never overflows, so the third width always finishes
    debug_assert!(finished, "a BigUint walk reported overflow");
    Ok(big.max.into())
}

/// Error for a run that passed `limits`.
#[cold]
pub(crate) fn limit_error(limits: &Limits, steps: u64, bits: u64) -> Error {
    if steps > limits.max_steps {
        Error::LimitExceeded {
            limit: Limit::Steps,
            max: limits.max_steps,
            steps: limits.max_steps,
            bits,
        }
    } else {
        Error::LimitExceeded {
            limit: Limit::Bits,
            max: limits.max_bits,
            steps,
            bits,
        }
    }
}

/// Counts C-steps to 1 (total stopping time) with the shortcut map and trailing-zero stripping.
pub(crate) struct TotalSteps {
    pub steps: u64,
    pub limits: Limits,
}

impl Kernel for TotalSteps {
    #[inline]
    fn run<W: Word>(&mut self, walk: &mut Walk<W>) -> Result<bool> {
        let x = &mut walk.x;
        loop {
            // huge values: 32 T-steps per bignum multiply. The values inside a jump grow by at
            // most (3/2)^32 < 2^19, so jump only while that stays inside the bit limit.
            while W::HAS_JUMP && x.bits().saturating_add(2 * JUMP as u64) < self.limits.max_bits {
                let taken = x.jump();
                if taken == 0 {
                    break;
                }
                self.steps += taken;
                if self.steps > self.limits.max_steps || x.bits() >= self.limits.max_bits {
                    return Err(limit_error(&self.limits, self.steps, x.bits() + 1));
                }
            }
            self.steps += x.strip_twos();
            if x.is_one() {
                break;
            }
            let run = x.odd_run();
            if run == 0 {
                return Ok(false);
            }
            // each odd T-step is a 3x+1 and a halving
            self.steps += 2 * run;
            // the C-value 3x+1 = 2 * x has one bit more than x
            if self.steps > self.limits.max_steps || x.bits() >= self.limits.max_bits {
                return Err(limit_error(&self.limits, self.steps, x.bits() + 1));
            }
        }
        if self.steps > self.limits.max_steps {
            return Err(limit_error(&self.limits, self.steps, 1));
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jump_parts_matches_single_steps() {
        for r in [0u64, 1, 2, 3, 27, 0xffff_ffff, 0x8000_0001, 0x1234_5678] {
            let (mut x, mut odd) = (r as u128, 0);
            for _ in 0..JUMP {
                if x % 2 == 1 {
                    x = (x * 3 + 1) >> 1;
                    odd += 1;
                } else {
                    x /= 2;
                }
            }
            assert_eq!(jump_parts(r), (x as u64, odd), "r = {r}");
        }
    }

    #[test]
    fn big_jumps_respect_the_bit_limit_exactly() {
        let n: Value = "2^1000 - 1".parse().unwrap();
        let s = crate::stats(n.clone()).unwrap();
        let exact = Limits {
            max_steps: u64::MAX,
            max_bits: s.max.bits(),
        };
        assert_eq!(
            crate::total_stopping_time_with_limits(n.clone(), &exact),
            Ok(s.total_stopping_time)
        );
        let one_less = Limits {
            max_bits: s.max.bits() - 1,
            ..exact
        };
        assert!(crate::total_stopping_time_with_limits(n.clone(), &one_less).is_err());
        assert!(crate::stats_with_limits(n, &one_less).is_err());
    }
}
