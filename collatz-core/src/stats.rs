//! Per-number statistics of the standard 3x+1 map: [`Stats`] in one pass, and cheap
//! single-purpose functions for the hot cases.
//!
//! Definitions (C(n) = n/2 for even n, 3n+1 for odd n; T(n) = n/2 or (3n+1)/2):
//!
//! | quantity | definition | OEIS |
//! |---|---|---|
//! | total stopping time | C-steps from n to 1; 0 for n = 1 | A006577 |
//! | stopping time (glide) | least k with C^k(n) < n; 0 for n = 1 by convention | A102419 |
//! | stopping time in T-steps | least k with T^k(n) < n; 0 for n = 1 | A126241 |
//! | even (halving) steps | halving steps to 1 (also the number of T-steps) | A006666 |
//! | odd (tripling) steps | 3x+1 steps to 1 | A006667 |
//! | maximum excursion | largest value of the C-trajectory, n included | A025586 |
//! | parity vector | parities of the T-trajectory before 1 | row n of A070165's parities |

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::parity::ParityVector;
use crate::value::Value;
use crate::walk::{drive, drive_in, limit_error, Kernel, TotalSteps, Walk, Width, Word};

/// All per-number statistics of one start value under the standard map, from a single pass.
///
/// ```
/// let s = collatz_core::stats(27u64)?;
/// assert_eq!(s.total_stopping_time, 111);
/// assert_eq!((s.odd_steps, s.even_steps), (41, 70));
/// assert_eq!(s.stopping_time, 96);
/// assert_eq!(s.max, 9232u64);
/// assert_eq!(s.parity_vector.len(), 70);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "crate::shape::StatsShape", from = "crate::shape::StatsShape")]
pub struct Stats {
    /// The start value.
    pub n: Value,
    /// C-steps to reach 1 (A006577). Equals `odd_steps + even_steps`.
    pub total_stopping_time: u64,
    /// C-steps until the value first falls below n (A102419); 0 for n = 1.
    pub stopping_time: u64,
    /// T-steps until the value first falls below n (A126241); 0 for n = 1.
    pub stopping_time_shortcut: u64,
    /// Tripling steps (A006667).
    pub odd_steps: u64,
    /// Halving steps (A006666); also the length of the shortcut trajectory in T-steps.
    pub even_steps: u64,
    /// The largest value in the trajectory, n included (A025586).
    pub max: Value,
    /// Parities of the shortcut trajectory, one bit per T-step.
    pub parity_vector: ParityVector,
}

impl Stats {
    /// Length of the shortcut (T-map) trajectory in T-steps: the same as `even_steps`.
    pub fn shortcut_steps(&self) -> u64 {
        self.parity_vector.len()
    }
}

fn checked_start(n: impl Into<Value>, limits: &Limits) -> Result<Value> {
    let n = n.into();
    if n.is_zero() {
        return Err(Error::Zero);
    }
    if n.bits() > limits.max_bits {
        return Err(limit_error(limits, 0, n.bits()));
    }
    Ok(n)
}

/// Total stopping time: the number of C-steps from `n` to 1 (OEIS A006577; 0 for n = 1).
///
/// The fastest per-number function: shortcut map, trailing-zero stripping, u64 arithmetic that
/// moves to u128 and then to arbitrary precision only if a value outgrows it.
///
/// ```
/// use collatz_core::total_stopping_time;
/// assert_eq!(total_stopping_time(27u64)?, 111);
/// assert_eq!(total_stopping_time(1u64)?, 0);
/// // 2^100 takes exactly 100 halvings
/// assert_eq!(total_stopping_time("2^100".parse::<collatz_core::Value>()?)?, 100);
/// assert!(total_stopping_time(0u64).is_err());
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn total_stopping_time(n: impl Into<Value>) -> Result<u64> {
    total_stopping_time_with_limits(n, &Limits::UNLIMITED)
}

/// [`total_stopping_time`] that stops with [`Error::LimitExceeded`] past `limits`.
pub fn total_stopping_time_with_limits(n: impl Into<Value>, limits: &Limits) -> Result<u64> {
    let n = checked_start(n, limits)?;
    let mut k = TotalSteps {
        steps: 0,
        limits: *limits,
    };
    drive(&n, &mut k)?;
    Ok(k.steps)
}

/// Stopping time (glide): the number of C-steps until the value first falls below `n`
/// (OEIS A102419; 0 for n = 1 by convention). Stops as soon as it knows.
///
/// ```
/// assert_eq!(collatz_core::stopping_time(27u64)?, 96);
/// assert_eq!(collatz_core::stopping_time(6u64)?, 1);
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn stopping_time(n: impl Into<Value>) -> Result<u64> {
    let n = checked_start(n, &Limits::UNLIMITED)?;
    let mut k = StatsKernel::new(Limits::UNLIMITED, false, true);
    drive(&n, &mut k)?;
    Ok(k.stopping.unwrap_or(0))
}

/// Maximum excursion: the largest value in the trajectory of `n`, `n` included (OEIS A025586).
///
/// ```
/// assert_eq!(collatz_core::max_excursion(27u64)?, 9232u64);
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn max_excursion(n: impl Into<Value>) -> Result<Value> {
    let n = checked_start(n, &Limits::UNLIMITED)?;
    let mut k = StatsKernel::new(Limits::UNLIMITED, false, false);
    drive(&n, &mut k)
}

/// All statistics of `n` in one pass. See [`Stats`].
pub fn stats(n: impl Into<Value>) -> Result<Stats> {
    stats_with_limits(n, &Limits::UNLIMITED)
}

/// [`stats`] that stops with [`Error::LimitExceeded`] past `limits`.
pub fn stats_with_limits(n: impl Into<Value>, limits: &Limits) -> Result<Stats> {
    stats_in(n, limits, Width::U64)
}

/// Test support: the computations with the run forced to start in a given width, so that the
/// u64, u128 and BigUint paths can be checked against each other. Not part of the stable API.
#[doc(hidden)]
pub mod testing {
    use super::*;
    pub use crate::walk::Width;

    /// [`stats`](crate::stats()) starting in `width`.
    pub fn stats_in_width(n: impl Into<Value>, width: Width) -> Result<Stats> {
        super::stats_in(n, &Limits::UNLIMITED, width)
    }

    /// [`total_stopping_time`](crate::total_stopping_time) starting in `width`.
    pub fn total_stopping_time_in_width(n: impl Into<Value>, width: Width) -> Result<u64> {
        let n = checked_start(n, &Limits::UNLIMITED)?;
        let mut k = TotalSteps {
            steps: 0,
            limits: Limits::UNLIMITED,
        };
        drive_in(&n, width, &mut k)?;
        Ok(k.steps)
    }
}

fn stats_in(n: impl Into<Value>, limits: &Limits, width: Width) -> Result<Stats> {
    let n = checked_start(n, limits)?;
    let mut k = StatsKernel::new(*limits, true, false);
    let max = drive_in(&n, width, &mut k)?;
    Ok(Stats {
        n,
        total_stopping_time: k.steps,
        stopping_time: k.stopping.unwrap_or(0),
        stopping_time_shortcut: k.stopping_shortcut.unwrap_or(0),
        odd_steps: k.odd,
        even_steps: k.even,
        max,
        parity_vector: k.parity.unwrap_or_default(),
    })
}

/// What the range engine's exact path needs of one start value: [`Stats`] less the parity vector
/// (which costs a push per step) and the start value.
pub(crate) struct Counts {
    /// C-steps to 1.
    pub total_stopping_time: u64,
    /// C-steps until the value first falls below n; 0 for n = 1.
    pub stopping_time: u64,
    /// Tripling steps.
    pub odd_steps: u64,
    /// The largest value of the trajectory, n included.
    pub max: Value,
}

/// [`Counts`] of n, by the walk that [`stats`] takes, without its parity vector.
pub(crate) fn counts(n: u64) -> Result<Counts> {
    let n = checked_start(n, &Limits::UNLIMITED)?;
    let mut k = StatsKernel::new(Limits::UNLIMITED, false, false);
    let max = drive(&n, &mut k)?;
    Ok(Counts {
        total_stopping_time: k.steps,
        stopping_time: k.stopping.unwrap_or(0),
        odd_steps: k.odd,
        max,
    })
}

/// Follows the C-trajectory step by step until the value falls below the start, then strips
/// runs of halvings at once; tracks the maximum after each 3x+1.
struct StatsKernel {
    limits: Limits,
    steps: u64,
    odd: u64,
    even: u64,
    stopping: Option<u64>,
    stopping_shortcut: Option<u64>,
    parity: Option<ParityVector>,
    /// The last step was 3x+1: the next halving completes that T-step.
    after_odd: bool,
    /// Stop as soon as the stopping time is known.
    stop_at_glide: bool,
}

impl StatsKernel {
    fn new(limits: Limits, parity: bool, stop_at_glide: bool) -> Self {
        StatsKernel {
            limits,
            steps: 0,
            odd: 0,
            even: 0,
            stopping: None,
            stopping_shortcut: None,
            parity: parity.then(ParityVector::new),
            after_odd: false,
            stop_at_glide,
        }
    }

    #[inline]
    fn halvings(&mut self, k: u64) {
        self.even += k;
        self.steps += k;
        if let Some(p) = &mut self.parity {
            p.push_zeros(k - self.after_odd as u64);
        }
        self.after_odd = false;
    }
}

impl Kernel for StatsKernel {
    fn run<W: Word>(&mut self, walk: &mut Walk<W>) -> Result<bool> {
        let x = &mut walk.x;
        loop {
            if x.is_one() {
                return Ok(true);
            }
            if x.is_even() {
                if self.stopping.is_some() {
                    let k = x.strip_twos();
                    self.halvings(k);
                } else {
                    x.halve();
                    self.halvings(1);
                    if *x < walk.start {
                        self.stopping = Some(self.steps);
                        // every T-step holds exactly one halving
                        self.stopping_shortcut = Some(self.even);
                        if self.stop_at_glide {
                            return Ok(true);
                        }
                    }
                }
                continue;
            }
            if !x.triple_plus_one() {
                return Ok(false);
            }
            self.odd += 1;
            self.steps += 1;
            if let Some(p) = &mut self.parity {
                p.push(true);
            }
            self.after_odd = true;
            if *x > walk.max {
                walk.max = x.clone();
            }
            if self.steps > self.limits.max_steps || x.bits() > self.limits.max_bits {
                return Err(limit_error(&self.limits, self.steps, x.bits()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Limit;

    #[test]
    fn small_values_by_hand() {
        let s = stats(1u64).unwrap();
        assert_eq!(
            (
                s.total_stopping_time,
                s.stopping_time,
                s.odd_steps,
                s.even_steps
            ),
            (0, 0, 0, 0)
        );
        assert_eq!(s.max, 1u64);
        assert!(s.parity_vector.is_empty());

        // 3 -> 10 -> 5 -> 16 -> 8 -> 4 -> 2 -> 1
        let s = stats(3u64).unwrap();
        assert_eq!(s.total_stopping_time, 7);
        assert_eq!(s.stopping_time, 6); // 3 10 5 16 8 4 2
        assert_eq!(s.stopping_time_shortcut, 4); // 3 5 8 4 2
        assert_eq!((s.odd_steps, s.even_steps), (2, 5));
        assert_eq!(s.max, 16u64);
        assert_eq!(s.parity_vector.to_string(), "11000");
    }

    #[test]
    fn zero_is_an_error() {
        assert_eq!(stats(0u64), Err(Error::Zero));
        assert_eq!(total_stopping_time(0u128), Err(Error::Zero));
        assert_eq!(stopping_time(0u32), Err(Error::Zero));
        assert_eq!(max_excursion(0u8), Err(Error::Zero));
    }

    #[test]
    fn limits_report_how_far_they_got() {
        let lim = Limits {
            max_steps: 100,
            max_bits: u64::MAX,
        };
        match total_stopping_time_with_limits(27u64, &lim) {
            Err(Error::LimitExceeded { limit, steps, .. }) => {
                assert_eq!((limit, steps), (Limit::Steps, 100))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            total_stopping_time_with_limits(
                27u64,
                &Limits {
                    max_steps: 111,
                    ..lim
                }
            ),
            Ok(111)
        );
        let bits = Limits {
            max_steps: u64::MAX,
            max_bits: 13,
        };
        // 27 climbs to 9232, a 14-bit value
        assert!(matches!(
            stats_with_limits(27u64, &bits),
            Err(Error::LimitExceeded {
                limit: Limit::Bits,
                ..
            })
        ));
        assert!(matches!(
            total_stopping_time_with_limits(27u64, &bits),
            Err(Error::LimitExceeded { .. })
        ));
        assert!(stats_with_limits(
            27u64,
            &Limits {
                max_bits: 14,
                ..bits
            }
        )
        .is_ok());
        assert!(total_stopping_time_with_limits(
            27u64,
            &Limits {
                max_bits: 14,
                ..bits
            }
        )
        .is_ok());
    }

    #[test]
    fn overflow_moves_to_wider_types() {
        // the largest u64 odd value overflows 3n+1 at the first step
        let n = u64::MAX;
        let s = stats(n).unwrap();
        assert!(s.max.bits() > 64);
        assert_eq!(total_stopping_time(n).unwrap(), s.total_stopping_time);
        let w = u128::MAX;
        let s = stats(w).unwrap();
        assert!(s.max.bits() > 128);
        assert_eq!(total_stopping_time(w).unwrap(), s.total_stopping_time);
    }
}
