//! Lazy trajectories: iterators over the values of a 3x+1 orbit.

use std::iter::FusedIterator;

use num_bigint::BigUint;

use crate::error::{Error, Result};
use crate::value::{Repr, Value};
use crate::walk::Word;

/// Which map a [`Trajectory`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// C(n) = n/2 for even n, 3n+1 for odd n.
    Standard,
    /// T(n) = n/2 for even n, (3n+1)/2 for odd n.
    Shortcut,
}

/// An iterator over a trajectory, from the start value to 1 inclusive.
///
/// It holds only the current value: O(1) memory while values fit in `u128`, and the size of
/// one value beyond that. Values outgrowing `u64` or `u128` continue exactly in the next width.
///
/// ```
/// use collatz_core::{trajectory, shortcut_trajectory};
/// let c: Vec<u64> = trajectory(6u64)?.map(|v| v.as_u64().unwrap()).collect();
/// assert_eq!(c, [6, 3, 10, 5, 16, 8, 4, 2, 1]);
/// let t: Vec<u64> = shortcut_trajectory(6u64)?.map(|v| v.as_u64().unwrap()).collect();
/// assert_eq!(t, [6, 3, 5, 8, 4, 2, 1]);
/// // lazy: a 2000-bit start value yields its first values at once
/// let big: collatz_core::Value = "2^2000 - 1".parse()?;
/// assert_eq!(trajectory(big)?.take(3).count(), 3);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Trajectory {
    next: Option<Value>,
    step: Step,
}

/// The trajectory of `n` under the standard map C, ending with 1.
pub fn trajectory(n: impl Into<Value>) -> Result<Trajectory> {
    Trajectory::new(n, Step::Standard)
}

/// The trajectory of `n` under the shortcut map T, ending with 1.
pub fn shortcut_trajectory(n: impl Into<Value>) -> Result<Trajectory> {
    Trajectory::new(n, Step::Shortcut)
}

impl Trajectory {
    /// The trajectory of `n` under `step`. Zero is an error.
    pub fn new(n: impl Into<Value>, step: Step) -> Result<Self> {
        let n = n.into();
        if n.is_zero() {
            return Err(Error::Zero);
        }
        Ok(Trajectory {
            next: Some(n),
            step,
        })
    }
}

/// Applies one step of the map to `x`; false (x unchanged) if the result needs a wider type.
#[inline]
fn advance<W: Word>(x: &mut W, step: Step) -> bool {
    if x.is_even() {
        x.halve();
        true
    } else {
        match step {
            Step::Standard => x.triple_plus_one(),
            Step::Shortcut => x.shortcut_odd(),
        }
    }
}

/// The value after `v` (which is not 1 and not 0).
fn successor(v: Value, step: Step) -> Value {
    match v.0 {
        Repr::U64(mut x) => {
            if advance(&mut x, step) {
                return Value(Repr::U64(x));
            }
            successor(Value(Repr::U128(x as u128)), step)
        }
        Repr::U128(mut x) => {
            if advance(&mut x, step) {
                return Value::from(x);
            }
            successor(Value(Repr::Big(BigUint::from(x))), step)
        }
        Repr::Big(mut x) => {
            advance(&mut x, step);
            Value::from(x)
        }
    }
}

impl Iterator for Trajectory {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        let current = self.next.take()?;
        if current != 1 {
            self.next = Some(successor(current.clone(), self.step));
        }
        Some(current)
    }
}

impl FusedIterator for Trajectory {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_yields_one() {
        assert_eq!(trajectory(1u64).unwrap().collect::<Vec<_>>(), [Value::ONE]);
        assert!(trajectory(0u64).is_err());
    }

    #[test]
    fn crosses_width_boundaries_exactly() {
        // u64::MAX is odd: 3n+1 needs u128 at once, (3n+1)/2 too
        let first: Vec<Value> = trajectory(u64::MAX).unwrap().take(2).collect();
        assert_eq!(first[1], Value::from(3 * (u64::MAX as u128) + 1));
        let t: Vec<Value> = shortcut_trajectory(u128::MAX).unwrap().take(2).collect();
        let expect = (BigUint::from(u128::MAX) * 3u32 + 1u32) >> 1u32;
        assert_eq!(t[1], Value::from(expect));
        // and the trajectory still ends at 1, back in u64
        assert_eq!(trajectory(u128::MAX).unwrap().last(), Some(Value::ONE));
    }
}
