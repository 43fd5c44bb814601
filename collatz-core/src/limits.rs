//! [`Limits`]: caller-set bounds on how far a computation may go.

/// Bounds on a single computation: the number of map steps and the bit length of the values met.
///
/// The plain functions ([`crate::total_stopping_time`], [`crate::stats()`], ...) run the standard
/// 3x+1 map, which reaches 1 from every start value ever tried, so they have no limit; their
/// `*_with_limits` twins stop with [`crate::Error::LimitExceeded`] once a limit is passed.
/// Generalised maps can diverge, so [`crate::Map::run`] always takes limits.
///
/// ```
/// use collatz_core::{stats_with_limits, Error, Limits};
/// let tight = Limits { max_steps: 50, ..Limits::UNLIMITED };
/// assert!(matches!(stats_with_limits(27u64, &tight), Err(Error::LimitExceeded { steps: 50, .. })));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// The most map steps (C-steps) a run may take.
    pub max_steps: u64,
    /// The largest bit length a value may reach.
    pub max_bits: u64,
}

impl Limits {
    /// No limit at all.
    pub const UNLIMITED: Limits = Limits {
        max_steps: u64::MAX,
        max_bits: u64::MAX,
    };
}

impl Default for Limits {
    /// Ten million steps and values of up to 10,000 bits: generous for any convergent run,
    /// quick to hit for a divergent one.
    fn default() -> Self {
        Limits {
            max_steps: 10_000_000,
            max_bits: 10_000,
        }
    }
}
