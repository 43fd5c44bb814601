//! Runs cut into pieces: a deterministic plan of chunks for a range, and the merge of the
//! pieces' results in order. What a run over many processes, machines or sittings needs: each
//! chunk is computed anywhere, at any time, and the merged result is that of the whole range.
//!
//! When it runs: on the caller's side of a run in pieces (a result store, a cluster), never
//! inside a range call. It costs nothing measurable.

use std::ops::Range;

use super::{check_range, Summary, Verification};
use crate::error::{Error, Result};

/// The chunk length of [`ChunkPlan::new`] when none is given: 2^30 start values (a few
/// seconds of a summary on one core; a multiple of the verification sieve's period).
pub const DEFAULT_PLAN_CHUNK: u64 = 1 << 30;

/// The chunks of a range: its cuts lie at the multiples of the chunk length (the first and the
/// last chunk are clipped to the range), so the same arguments always give the same chunks,
/// and two ranges that overlap cut their common part alike.
///
/// ```
/// use collatz_core::range::ChunkPlan;
/// let plan = ChunkPlan::new(5..25, 10)?;
/// assert_eq!(plan.len(), 3);
/// assert_eq!(plan.iter().collect::<Vec<_>>(), [5..10, 10..20, 20..25]);
/// assert_eq!(plan.chunk(1), Some(10..20));
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChunkPlan {
    /// The whole range.
    pub range: Range<u64>,
    /// The chunk length: cuts at its multiples.
    pub chunk: u64,
}

impl ChunkPlan {
    /// The plan of `range` in chunks of `chunk` start values; `Error::InvalidArgument` for a
    /// chunk of 0, the range's own errors (see [`check_range`]) otherwise.
    pub fn new(range: Range<u64>, chunk: u64) -> Result<ChunkPlan> {
        check_range(&range)?;
        if chunk == 0 {
            return Err(Error::InvalidArgument(
                "a plan's chunk must be at least 1".into(),
            ));
        }
        Ok(ChunkPlan { range, chunk })
    }

    /// How many chunks (0 for an empty range).
    pub fn len(&self) -> u64 {
        if self.range.is_empty() {
            return 0;
        }
        (self.range.end - 1) / self.chunk - self.range.start / self.chunk + 1
    }

    /// Whether the plan has no chunk.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Chunk `i` (from 0), if there is one.
    pub fn chunk(&self, i: u64) -> Option<Range<u64>> {
        if i >= self.len() {
            return None;
        }
        let first = self.range.start / self.chunk;
        let lo = (first + i).saturating_mul(self.chunk).max(self.range.start);
        let hi = (first + i + 1)
            .saturating_mul(self.chunk)
            .min(self.range.end);
        Some(lo..hi)
    }

    /// The chunks in order.
    pub fn iter(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        (0..self.len()).map_while(|i| self.chunk(i))
    }
}

/// Results of adjacent ranges that merge into the result of their union, whatever the cut.
pub trait Merge: Sized {
    /// The result of `self`'s range followed by `later`'s, which must start where `self`'s
    /// ends (`Error::InvalidArgument` otherwise, or when they hold different statistics).
    fn merge(self, later: Self) -> Result<Self>;
}

fn adjacent<T: PartialEq + std::fmt::Display>(
    what: &str,
    a: &Range<T>,
    b: &Range<T>,
) -> Result<()> {
    if a.end != b.start {
        return Err(Error::InvalidArgument(format!(
            "{what} of [{}, {}) and [{}, {}) do not meet: merge them in order",
            a.start, a.end, b.start, b.end
        )));
    }
    Ok(())
}

impl Merge for Summary {
    /// ```
    /// use collatz_core::range::{Merge, RangeEngine, RunOptions, Want};
    /// let (engine, opts) = (RangeEngine::new(), RunOptions::default());
    /// let a = engine.summary(1..500_000, Want::default(), &opts)?;
    /// let b = engine.summary(500_000..1_000_000, Want::default(), &opts)?;
    /// let whole = engine.summary(1..1_000_000, Want::default(), &opts)?;
    /// assert_eq!(a.merge(b)?, whole);
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    fn merge(self, later: Summary) -> Result<Summary> {
        adjacent(
            "summaries",
            &(self.start..self.end),
            &(later.start..later.end),
        )?;
        if !self.merges_with(&later) {
            return Err(Error::InvalidArgument(
                "summaries with different statistics do not merge".into(),
            ));
        }
        Ok(Summary::merge(self, later))
    }
}

impl Merge for Verification {
    /// ```
    /// use collatz_core::range::{Merge, RangeEngine, RunOptions};
    /// let (engine, opts) = (RangeEngine::new(), RunOptions::default());
    /// let a = engine.verify(1..600_000, &opts)?;
    /// let b = engine.verify(600_000..1_000_000, &opts)?;
    /// assert_eq!(a.merge(b)?, engine.verify(1..1_000_000, &opts)?);
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    fn merge(self, later: Verification) -> Result<Verification> {
        adjacent(
            "verifications",
            &(self.start..self.end),
            &(later.start..later.end),
        )?;
        // the highest value met, of its smallest start value (as a single run reports it)
        let later_wins = later.verified > 0
            && (self.verified == 0
                || (&later.max_value, std::cmp::Reverse(later.max_value_n))
                    > (&self.max_value, std::cmp::Reverse(self.max_value_n)));
        let (max_value, max_value_n) = if later_wins {
            (later.max_value, later.max_value_n)
        } else {
            (self.max_value, self.max_value_n)
        };
        Ok(Verification {
            start: self.start,
            end: later.end,
            verified: self.verified + later.verified,
            followed: self.followed + later.followed,
            max_value,
            max_value_n,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::range::{RangeEngine, RunOptions, Want};

    #[test]
    fn plans_cover_the_range_once_with_cuts_at_the_multiples() {
        for (range, chunk) in [
            (1..1, 7),
            (1..2, 7),
            (5..25, 10),
            (10..30, 10),
            (3..1_000_003, 4096),
            (u64::MAX - 10..u64::MAX, 4),
            (1..100, 1000),
        ] {
            let plan = ChunkPlan::new(range.clone(), chunk).unwrap();
            let chunks: Vec<_> = plan.iter().collect();
            assert_eq!(chunks.len() as u64, plan.len(), "{range:?} {chunk}");
            assert_eq!(plan.is_empty(), range.is_empty());
            let mut at = range.start;
            for c in &chunks {
                assert_eq!(c.start, at);
                assert!(!c.is_empty() && c.end <= range.end);
                assert!(c.start == range.start || c.start % chunk == 0);
                at = c.end;
            }
            if !range.is_empty() {
                assert_eq!(at, range.end);
            }
            // the same arguments, the same plan
            assert_eq!(ChunkPlan::new(range.clone(), chunk).unwrap(), plan);
        }
        assert!(ChunkPlan::new(1..10, 0).is_err());
        assert_eq!(ChunkPlan::new(0..10, 3), Err(Error::Zero));
    }

    #[test]
    fn summaries_merge_to_the_whole_however_the_range_is_cut() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        for want in [Want::default(), Want::ALL, Want::TOTAL_STOPPING_TIME] {
            for (range, chunk) in [
                (1..300_000, 77_777),
                (1..200_001, 1 << 16),
                (1_000..90_000, 9_999),
            ] {
                let whole = engine.summary(range.clone(), want, &opts).unwrap();
                let plan = ChunkPlan::new(range.clone(), chunk).unwrap();
                let mut parts = plan.iter().map(|c| engine.summary(c, want, &opts).unwrap());
                let first = parts.next().unwrap();
                let merged = parts.try_fold(first, Merge::merge).unwrap();
                assert_eq!(merged, whole, "{want:?} {range:?} by {chunk}");
            }
        }
        // out of order, or with other statistics: an error
        let a = engine.summary(1..10, Want::default(), &opts).unwrap();
        let b = engine.summary(10..20, Want::default(), &opts).unwrap();
        assert!(Merge::merge(b.clone(), a.clone()).is_err());
        let odd = engine.summary(10..20, Want::ALL, &opts).unwrap();
        assert!(Merge::merge(a, odd).is_err());
    }

    #[test]
    fn verifications_merge_to_the_whole_however_the_range_is_cut() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        for (range, chunk) in [
            (1u64..2_000_000, 300_001),
            ((1 << 40)..(1 << 40) + (1 << 25), 1 << 23),
        ] {
            let wide = |r: Range<u64>| r.start as u128..r.end as u128;
            let whole = engine.verify(wide(range.clone()), &opts).unwrap();
            let plan = ChunkPlan::new(range, chunk).unwrap();
            let merged = plan
                .iter()
                .map(|c| engine.verify(wide(c), &opts).unwrap())
                .reduce(|a, b| Merge::merge(a, b).unwrap())
                .unwrap();
            assert_eq!(merged, whole);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        #[test]
        fn any_two_cuts_merge_to_the_whole(
            a in 1u64..200_000,
            len in 0u64..150_000,
            cut1 in 0.0f64..1.0,
            cut2 in 0.0f64..1.0,
            all in proptest::bool::ANY,
        ) {
            let engine = RangeEngine::new();
            let opts = RunOptions::default();
            let want = if all { Want::ALL } else { Want::default() };
            let b = a + len;
            let (c1, c2) = {
                let (x, y) = (a + (len as f64 * cut1) as u64, a + (len as f64 * cut2) as u64);
                (x.min(y), x.max(y))
            };
            let s = |r: Range<u64>| engine.summary(r, want, &opts).unwrap();
            let merged = Merge::merge(Merge::merge(s(a..c1), s(c1..c2)).unwrap(), s(c2..b)).unwrap();
            proptest::prop_assert_eq!(merged, s(a..b));
        }
    }
}
