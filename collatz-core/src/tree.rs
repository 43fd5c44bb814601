//! The predecessor tree: the inverse of the 3x+1 map, explored breadth first from 1.

use std::iter::FusedIterator;

use num_bigint::BigUint;

use crate::error::{Error, Limit, Result};
use crate::value::{Repr, Value};

/// The predecessors of `m` under C, apart from 1's own cycle: always `2m`, and the odd
/// `(m - 1) / 3` when `m ≡ 4 (mod 6)` and that value exceeds 1.
///
/// ```
/// use collatz_core::{predecessors, Value};
/// assert_eq!(predecessors(16u64)?, (Value::from(32u64), Some(Value::from(5u64))));
/// assert_eq!(predecessors(4u64)?, (Value::from(8u64), None)); // (4-1)/3 = 1 is the root
/// assert_eq!(predecessors(5u64)?, (Value::from(10u64), None));
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn predecessors(m: impl Into<Value>) -> Result<(Value, Option<Value>)> {
    let m = m.into();
    if m.is_zero() {
        return Err(Error::Zero);
    }
    Ok(match m.0 {
        Repr::U64(x) => pair(x as u128),
        Repr::U128(x) => match x.checked_mul(2) {
            Some(_) => pair(x),
            None => big_pair(BigUint::from(x)),
        },
        Repr::Big(x) => big_pair(x),
    })
}

fn pair(x: u128) -> (Value, Option<Value>) {
    // callers guarantee 2x fits
    let double = Value::from(x << 1);
    let odd = (x % 6 == 4 && (x - 1) / 3 > 1).then(|| Value::from((x - 1) / 3));
    (double, odd)
}

fn big_pair(x: BigUint) -> (Value, Option<Value>) {
    let odd = (&x % 6u32 == BigUint::from(4u32)).then(|| Value::from((&x - 1u32) / 3u32));
    (Value::from(x << 1u32), odd)
}

/// One level of the predecessor tree: every start value whose total stopping time is `depth`,
/// in increasing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// Distance from 1 (= total stopping time of every value in the level).
    pub depth: u32,
    /// The values, sorted.
    pub values: Vec<Value>,
}

/// Breadth-first levels of the predecessor tree under 1, yielded one at a time, from depth 0
/// (the level `[1]`) to `max_depth`. Only one level is held at once.
///
/// Level sizes grow roughly like (4/3)^d (A005186: 7,628 values at depth 40, 823,238 at 60);
/// set a cap on the level size with [`TreeLevels::with_max_level_size`] to bound memory. A
/// level over the cap is yielded as [`Error::LimitExceeded`] and iteration stops.
///
/// ```
/// use collatz_core::tree_levels;
/// let sizes: Vec<usize> = tree_levels(8).map(|l| l.map(|l| l.values.len())).collect::<Result<_, _>>()?;
/// assert_eq!(sizes, [1, 1, 1, 1, 1, 2, 2, 4, 4]); // A005186
/// let level5: Vec<u64> = tree_levels(5).last().unwrap()?.values.iter().map(|v| v.as_u64().unwrap()).collect();
/// assert_eq!(level5, [5, 32]);
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn tree_levels(max_depth: u32) -> TreeLevels {
    TreeLevels {
        current: None,
        depth: 0,
        max_depth,
        max_level_size: usize::MAX,
        done: false,
    }
}

/// Iterator returned by [`tree_levels`].
#[derive(Debug, Clone)]
pub struct TreeLevels {
    current: Option<Vec<Value>>,
    depth: u32,
    max_depth: u32,
    max_level_size: usize,
    done: bool,
}

impl TreeLevels {
    /// Stops with [`Error::LimitExceeded`] instead of building a level of more than `cap` values.
    pub fn with_max_level_size(mut self, cap: usize) -> Self {
        self.max_level_size = cap;
        self
    }
}

impl Iterator for TreeLevels {
    type Item = Result<Level>;

    fn next(&mut self) -> Option<Result<Level>> {
        if self.done {
            return None;
        }
        let values = match self.current.take() {
            None => vec![Value::ONE],
            Some(prev) => {
                // each parent has at most two children: bound the work before doing it
                let odd_children = prev.iter().filter(|v| has_odd_predecessor(v)).count();
                let size = prev.len() + odd_children;
                if size > self.max_level_size {
                    self.done = true;
                    return Some(Err(Error::LimitExceeded {
                        limit: Limit::LevelSize,
                        max: self.max_level_size as u64,
                        steps: self.depth as u64 + 1,
                        bits: self.depth as u64 + 1,
                    }));
                }
                let mut next = Vec::with_capacity(size);
                for v in prev {
                    // values are non-zero by construction
                    if let Ok((double, odd)) = predecessors(v) {
                        next.push(double);
                        next.extend(odd);
                    }
                }
                next.sort_unstable();
                self.depth += 1;
                next
            }
        };
        if self.depth >= self.max_depth {
            self.done = true;
        } else {
            self.current = Some(values.clone());
        }
        Some(Ok(Level {
            depth: self.depth,
            values,
        }))
    }
}

fn has_odd_predecessor(v: &Value) -> bool {
    match &v.0 {
        Repr::U64(x) => x % 6 == 4 && *x > 4,
        Repr::U128(x) => x % 6 == 4,
        Repr::Big(x) => x % 6u32 == BigUint::from(4u32),
    }
}

impl FusedIterator for TreeLevels {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::total_stopping_time;

    #[test]
    fn every_level_member_has_that_total_stopping_time() {
        for level in tree_levels(25) {
            let level = level.unwrap();
            for v in &level.values {
                assert_eq!(total_stopping_time(v).unwrap(), level.depth as u64, "{v}");
            }
        }
    }

    #[test]
    fn level_cap_is_an_error_not_an_allocation() {
        let results: Vec<_> = tree_levels(40).with_max_level_size(10).collect();
        assert!(matches!(
            results.last(),
            Some(Err(Error::LimitExceeded {
                limit: Limit::LevelSize,
                ..
            }))
        ));
        assert!(results[..results.len() - 1]
            .iter()
            .all(|r| r.as_ref().is_ok_and(|l| l.values.len() <= 10)));
    }

    #[test]
    fn depth_zero_is_just_one() {
        let levels: Vec<_> = tree_levels(0).collect();
        assert_eq!(
            levels,
            vec![Ok(Level {
                depth: 0,
                values: vec![Value::ONE]
            })]
        );
    }

    #[test]
    fn predecessors_past_u128() {
        let m = Value::from(u128::MAX); // 2m needs a BigUint
        let (double, _) = predecessors(m).unwrap();
        assert_eq!(double.bits(), 129);
        assert!(predecessors(0u64).is_err());
    }
}
