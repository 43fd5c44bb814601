//! [`StepCache`]: a thread-safe cache of total stopping times for arbitrary start values.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use lru::LruCache;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::range::{RangeEngine, RunOptions, Want};
use crate::step::odd_run_u64;
use crate::value::Value;

/// Counters of a [`StepCache`], readable at any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CacheStats {
    /// Queries answered from the dense table or the LRU shards.
    pub hits: u64,
    /// Queries that had to be computed.
    pub misses: u64,
    /// Entries pushed out of the LRU shards to respect the capacity.
    pub evictions: u64,
    /// Entries in the LRU shards now.
    pub entries: u64,
}

/// Total stopping times for many threads at once: a dense table for every n below a bound
/// (read without locks), and above it LRU shards, each behind its own mutex, holding at most
/// `capacity` entries in all. Misses follow n until it drops into the dense table.
///
/// ```
/// use collatz_core::cache::StepCache;
/// let cache = StepCache::new(1 << 16, 10_000)?;
/// assert_eq!(cache.total_stopping_time(27)?, 111);
/// assert_eq!(cache.total_stopping_time(63_728_127)?, 949); // computed, then cached
/// assert_eq!(cache.total_stopping_time(63_728_127)?, 949);
/// let s = cache.stats();
/// assert_eq!((s.hits, s.misses, s.entries), (2, 1, 1));
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug)]
pub struct StepCache {
    dense: Vec<u16>,
    shards: Vec<Mutex<Shard>>,
    /// hits on the dense table, striped like the shards so threads do not share a counter
    dense_hits: Vec<PaddedCounter>,
}

/// One LRU shard and its counters, all behind the shard's mutex.
#[derive(Debug)]
struct Shard {
    /// None for a shard whose share of the capacity is 0
    lru: Option<LruCache<u64, u32>>,
    hits: u64,
    misses: u64,
    evictions: u64,
}

/// A counter alone on its cache line.
#[derive(Debug, Default)]
#[repr(align(128))]
struct PaddedCounter(AtomicU64);

const SHARDS: usize = 64;

impl StepCache {
    /// A cache with a dense table for n < `dense_below` (2 bytes each; built now, in
    /// parallel) and room for `capacity` larger entries (about 40 bytes each).
    pub fn new(dense_below: u64, capacity: usize) -> Result<Self> {
        if dense_below < 2 {
            return Err(Error::InvalidArgument(
                "dense_below must be at least 2".into(),
            ));
        }
        let engine = RangeEngine::new();
        let cols = engine.columns(
            1..dense_below,
            Want::TOTAL_STOPPING_TIME,
            &RunOptions::default(),
        )?;
        let mut dense = vec![0u16];
        dense.extend(cols.total_stopping_time.unwrap_or_default());
        // the capacity is split exactly: shard i holds capacity / SHARDS entries, one more for
        // the first capacity % SHARDS shards, and none at all where that is 0
        let shard_cap = |i: usize| capacity / SHARDS + usize::from(i < capacity % SHARDS);
        Ok(StepCache {
            dense,
            shards: (0..SHARDS)
                .map(|i| {
                    Mutex::new(Shard {
                        lru: NonZeroUsize::new(shard_cap(i)).map(LruCache::new),
                        hits: 0,
                        misses: 0,
                        evictions: 0,
                    })
                })
                .collect(),
            dense_hits: (0..SHARDS).map(|_| PaddedCounter::default()).collect(),
        })
    }

    /// Total stopping time of `n` (0 is an error).
    pub fn total_stopping_time(&self, n: u64) -> Result<u64> {
        if n == 0 {
            return Err(Error::Zero);
        }
        let slot = shard_of(n);
        if let Some(&t) = self.dense.get(n as usize) {
            self.dense_hits[slot].0.fetch_add(1, Ordering::Relaxed);
            return Ok(t as u64);
        }
        let shard = &self.shards[slot];
        {
            let mut s = lock(shard);
            if let Some(&t) = s.lru.as_mut().and_then(|l| l.get(&n)) {
                s.hits += 1;
                return Ok(t as u64);
            }
            s.misses += 1;
        }
        // computed outside the lock: other threads keep using the shard meanwhile
        let t = self.compute(n)?;
        let stored = u32::try_from(t).unwrap_or(u32::MAX);
        let mut s = lock(shard);
        let evicted = s
            .lru
            .as_mut()
            .and_then(|l| l.push(n, stored))
            .is_some_and(|(old, _)| old != n);
        if evicted {
            s.evictions += 1;
        }
        Ok(t)
    }

    /// The counters now.
    pub fn stats(&self) -> CacheStats {
        let mut stats = CacheStats {
            hits: self
                .dense_hits
                .iter()
                .map(|c| c.0.load(Ordering::Relaxed))
                .sum(),
            ..CacheStats::default()
        };
        for shard in &self.shards {
            let s = lock(shard);
            stats.hits += s.hits;
            stats.misses += s.misses;
            stats.evictions += s.evictions;
            stats.entries += s.lru.as_ref().map_or(0, |l| l.len()) as u64;
        }
        stats
    }

    /// Follows n with odd runs until it drops into the dense table; the generic per-number
    /// path takes over if a value outgrows u64.
    fn compute(&self, n: u64) -> Result<u64> {
        let bound = self.dense.len() as u64;
        let mut x = n;
        let mut steps = 0u64;
        loop {
            let tz = x.trailing_zeros();
            x >>= tz;
            steps += tz as u64;
            if x < bound {
                return Ok(steps + self.dense[x as usize] as u64);
            }
            match odd_run_u64(x) {
                Some((y, a)) => {
                    x = y;
                    steps += 2 * a as u64;
                }
                None => return Ok(steps + crate::total_stopping_time(Value::from(x))?),
            }
        }
    }
}

fn shard_of(n: u64) -> usize {
    // Fibonacci hashing spreads consecutive n over the shards
    (n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % SHARDS
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // an LRU shard is valid after any panic in a caller (no operation leaves it half-done)
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_match_the_core_and_capacity_holds() {
        let cache = StepCache::new(1000, 100).unwrap();
        for n in (1..5000u64).chain(1 << 40..(1 << 40) + 300) {
            assert_eq!(
                cache.total_stopping_time(n).unwrap(),
                crate::total_stopping_time(n).unwrap(),
                "n = {n}"
            );
        }
        let s = cache.stats();
        assert!(s.entries <= 100, "{s:?}");
        assert!(s.evictions > 0);
        assert_eq!(s.hits + s.misses, 4999 + 300);
        assert_eq!(cache.total_stopping_time(0), Err(Error::Zero));
        assert!(cache.total_stopping_time(u64::MAX).is_ok());
        assert!(StepCache::new(1, 10).is_err());
    }

    #[test]
    fn the_capacity_is_a_hard_bound() {
        for cap in [0usize, 1, 4, 63, 64, 65, 1000] {
            let cache = StepCache::new(16, cap).unwrap();
            for n in 1u64 << 30..(1 << 30) + 5000 {
                assert_eq!(
                    cache.total_stopping_time(n).unwrap(),
                    crate::total_stopping_time(n).unwrap()
                );
            }
            let s = cache.stats();
            assert!(s.entries <= cap as u64, "cap {cap}: {s:?}");
            // every miss is stored (pushing one out when its shard is full), except in shards
            // whose share of the capacity is 0
            if cap >= SHARDS {
                assert_eq!(s.evictions + s.entries, s.misses, "cap {cap}: {s:?}");
            } else {
                assert!(s.evictions + s.entries <= s.misses, "cap {cap}: {s:?}");
            }
        }
    }

    #[test]
    fn many_threads_share_it() {
        let cache = StepCache::new(1 << 12, 1 << 12).unwrap();
        std::thread::scope(|s| {
            for t in 0..16u64 {
                let cache = &cache;
                s.spawn(move || {
                    for n in (1 << 20) + t..(1 << 20) + 2000 {
                        assert_eq!(
                            cache.total_stopping_time(n).unwrap(),
                            crate::total_stopping_time(n).unwrap()
                        );
                    }
                });
            }
        });
        let s = cache.stats();
        assert_eq!(s.hits + s.misses, (0..16).map(|t| 2000 - t).sum::<u64>());
    }
}
