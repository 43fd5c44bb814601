//! The range engine: statistics of every start value in [a, b), cached, parallel, streaming.
//!
//! One engine computes its outputs from the same paths:
//! - [`RangeEngine::columns`]: one contiguous array per requested statistic;
//! - [`RangeEngine::chunks`] (and [`ChunkCursor`]): fixed-size [`Columns`], for ranges too
//!   large to hold;
//! - [`RangeEngine::summary`]: counts, sums, extremes, the histogram and the records
//!   ([`Summary`]); in independent pieces, [`SummaryPlan`] and [`SummaryAssembly`];
//! - [`RangeEngine::density`]: a 2-D histogram of (n, statistic) ([`Density`]);
//! - [`RangeEngine::verify`]: that every n of a range reaches 1 ([`Verification`]).
//!
//! How it works: the engine keeps a dense memo of results for every n below a bound, grown up
//! to a memory cap on the way through a range. The threads take a range's chunks in order of n
//! from one queue: a chunk reads the memo below the watermark P that the finished chunks have
//! reached and, where the memo grows, writes its own entries. Each chunk takes one of five
//! paths, chosen once per call from what it wants: the hot paths walk the chunk class by class
//! (even n from n/2, n = 1 (mod 4) from (3n+1)/4, n = 3 (mod 4) by residue tables), the general
//! path follows each n with trailing-zero stripping and Bařina odd runs until its value drops
//! below min(n, P), then the memo finishes it.
//!
//! The modules, one concept each (private; the public types are re-exported here):
//!
//! | module | holds |
//! | --- | --- |
//! | `control` | [`RunOptions`], [`CancelToken`], [`Progress`], and the per-call `Control` |
//! | `bounds` | [`check_range`], the memo bound a range needs, the waves of columns from 1 |
//! | `tally` | what a call's chunks add up (`Tally`), and the segments of a call |
//! | `run` | how a call runs: which memo, its writer and growth, the calls from 1 |
//! | `pipeline` | a call's chunks as one stream, in order of n, with no barrier |
//! | `pool` | the pool a call runs on, and how it shares it with other calls |
//! | `split` | the output slices of a call, and their division into chunks |
//! | `path` | the work on one chunk: `FastPath` and one file per path |
//! | `follow` | the walks of one start value down to the memo |
//! | `classes` | the n = 3 (mod 4) walked one residue class at a time |
//! | `tables` | the lookup tables: prefix, jump, drop and its hot form |
//! | `memo` | the memo, its slot and writer, its read-only view |
//! | `pages` | zeroed, huge-page-advised memory for columns and memo |
//! | `summary`, `summary_plan` | [`Summary`] and its merge; summaries in pieces |
//! | `plan`, `density` | [`ChunkPlan`]; [`Density`] |
//! | `verify` | [`Verification`]: the mod-9 test, the items of a range, by class or by number |
//! | `sieve` | the residue classes mod 2^32 that verification walks, and the join table |
//! | `descent` | one verified start value walked to below itself, in u128 or big integers |
//!
//! The odd run and the residue step that the walks and tables are built from are the crate's
//! `step` module. What the paths cost, measured, is in docs/performance.md.

mod bounds;
mod classes;
mod control;
mod density;
mod descent;
mod follow;
mod memo;
mod pages;
mod path;
mod pipeline;
mod plan;
mod pool;
mod run;
mod sieve;
mod split;
mod summary;
mod summary_plan;
mod tables;
mod tally;
mod verify;

use std::ops::Range;
#[cfg(test)]
use std::sync::atomic::AtomicU64;

use crate::error::{Error, Result};
pub use bounds::check_range;
use bounds::EVENS_FROM;
pub use control::{CancelToken, Progress, RunOptions};
pub use density::{Density, MAX_DENSITY_SIDE};
use memo::MemoSlot;
pub use plan::{ChunkPlan, Merge, DEFAULT_PLAN_CHUNK};
use pool::in_pool;
pub use sieve::{JOIN_BITS, SIEVE_BITS};
use split::{column_slices, Slices};
pub use summary::{Record, StatSummary, Summary};
pub use summary_plan::{SummaryAssembly, SummaryPiece, SummaryPlan};
use tally::Tally;
pub use verify::{check_verify_range, Verification};

/// Which statistics to compute. [`Want::default()`] is [`Want::FAST`]: everything but odd steps.
///
/// What each field costs (summaries of [1, 10^8) on two cores, and columns):
/// - `total_stopping_time`: the base of every path (the memo holds it): summaries and step-count
///   columns take the hot paths. 2 bytes per n in columns.
/// - `stopping_time` (the glide): found on the way, almost free in summaries; 2 bytes per n in
///   columns.
/// - `max_excursion`: in summaries from 1, only the maxima that can be path records are
///   followed, almost free; in summaries from elsewhere and in columns the maxima must be exact,
///   which needs the engine's second memo (8 more bytes per entry) and the general path, several
///   times slower. 8 bytes per n in columns (16 past [`U64_MAX_EXCURSION_BOUND`]).
/// - `odd_steps`: switches the hot paths off (the general path: about 5x the time of a default
///   summary) and uses the second memo (2 more bytes per entry). Ask for it only when you need
///   it; calls without it are not slowed by calls with it.
///
/// ```
/// use collatz_core::range::Want;
/// assert_eq!(Want::default(), Want::FAST);
/// assert!(!Want::FAST.odd_steps && Want::FAST.max_excursion);
/// assert_eq!(Want::NONE.names(), Vec::<&str>::new());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Want {
    /// Total stopping time (A006577).
    pub total_stopping_time: bool,
    /// Stopping time / glide (A102419).
    pub stopping_time: bool,
    /// Odd steps (A006667).
    pub odd_steps: bool,
    /// Maximum excursion (A025586).
    pub max_excursion: bool,
}

impl Default for Want {
    /// [`Want::FAST`].
    fn default() -> Self {
        Want::FAST
    }
}

impl Want {
    /// No statistic (a summary still counts the start values and their histogram).
    pub const NONE: Want = Want {
        total_stopping_time: false,
        stopping_time: false,
        odd_steps: false,
        max_excursion: false,
    };
    /// Every statistic that keeps the hot paths: total stopping time, stopping time and
    /// maximum excursion, not odd steps. The default.
    pub const FAST: Want = Want {
        total_stopping_time: true,
        stopping_time: true,
        odd_steps: false,
        max_excursion: true,
    };
    /// Every statistic, odd steps included (which switch the hot paths off: see [`Want`]).
    pub const ALL: Want = Want {
        total_stopping_time: true,
        stopping_time: true,
        odd_steps: true,
        max_excursion: true,
    };
    /// Total stopping time only.
    pub const TOTAL_STOPPING_TIME: Want = Want {
        total_stopping_time: true,
        stopping_time: false,
        odd_steps: false,
        max_excursion: false,
    };
}

/// Maximum excursions of a range: `u64` when every maximum of the range fits (all n below
/// 12,327,829,503), `u128` beyond.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaxColumn {
    /// Maxima as u64.
    U64(Vec<u64>),
    /// Maxima as u128.
    U128(Vec<u128>),
}

impl MaxColumn {
    /// Number of entries.
    pub fn len(&self) -> usize {
        match self {
            MaxColumn::U64(v) => v.len(),
            MaxColumn::U128(v) => v.len(),
        }
    }
    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entry `i` as u128.
    pub fn get(&self, i: usize) -> Option<u128> {
        match self {
            MaxColumn::U64(v) => v.get(i).map(|&x| x as u128),
            MaxColumn::U128(v) => v.get(i).copied(),
        }
    }
}

/// Every n below this has a maximum excursion that fits in u64.
pub const U64_MAX_EXCURSION_BOUND: u64 = 12_327_829_503;

/// Column results for the start values `start .. start + len`: entry i belongs to start + i.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Columns {
    /// The first start value.
    pub start: u64,
    /// Total stopping times, if requested.
    pub total_stopping_time: Option<Vec<u16>>,
    /// Stopping times (glides), if requested.
    pub stopping_time: Option<Vec<u16>>,
    /// Odd steps, if requested.
    pub odd_steps: Option<Vec<u16>>,
    /// Maximum excursions, if requested.
    pub max_excursion: Option<MaxColumn>,
}

/// The engine: holds the memo, which every call on the same engine reuses and extends.
///
/// ```
/// use collatz_core::range::{RangeEngine, RunOptions, Want};
/// let engine = RangeEngine::new();
/// let s = engine.summary(1..1_000_000, Want::ALL, &RunOptions::default())?;
/// assert_eq!(s.total_stopping_time.unwrap().sum, 131_434_272);
/// assert_eq!(s.delay_records.last().unwrap().n, 837_799);
/// let cols = engine.columns(1..10, Want::TOTAL_STOPPING_TIME, &RunOptions::default())?;
/// assert_eq!(cols.total_stopping_time.unwrap(), [0, 1, 7, 2, 5, 8, 16, 3, 19]);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug)]
pub struct RangeEngine {
    /// The memo of step counts alone, which every call reads unless it needs odd steps or
    /// exact maxima: those tables would switch its hot paths off.
    plain: MemoSlot,
    /// The memo with odd steps and/or maxima (the union of what calls asked for).
    rich: MemoSlot,
    memo_bytes_cap: usize,
    /// Chunks that took the summary hot path (for tests that check a path is still taken).
    #[cfg(test)]
    hot_chunks: AtomicU64,
}

impl Default for RangeEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// Default cap on the memo: 256 MiB.
pub const DEFAULT_MEMO_BYTES: usize = 256 << 20;

impl RangeEngine {
    /// An engine whose memo may use up to [`DEFAULT_MEMO_BYTES`].
    pub fn new() -> Self {
        Self::with_memo_bytes(DEFAULT_MEMO_BYTES)
    }

    /// An engine whose memos may each use up to `bytes`: the memo of step counts (2 bytes per
    /// n) that most calls use, and, once a call asks for odd steps or exact maxima, a second one
    /// with them (2 more bytes per n with odd steps, 8 more with maxima). A smaller memo costs
    /// speed, never correctness.
    pub fn with_memo_bytes(bytes: usize) -> Self {
        RangeEngine {
            plain: MemoSlot::new(false, false),
            rich: MemoSlot::new(false, false),
            memo_bytes_cap: bytes,
            #[cfg(test)]
            hot_chunks: AtomicU64::new(0),
        }
    }

    /// Bytes the memos hold now.
    pub fn memo_bytes(&self) -> usize {
        self.plain.load().bytes() + self.rich.load().bytes()
    }

    /// Column results for every n in `range`: 2 bytes per n per step-count column, 8 (16 past
    /// [`U64_MAX_EXCURSION_BOUND`]) for maxima. Memory that cannot be had is an error, not an
    /// abort; for ranges larger than memory use [`RangeEngine::chunks`].
    pub fn columns(&self, range: Range<u64>, want: Want, opts: &RunOptions) -> Result<Columns> {
        check_range(&range)?;
        let len = (range.end - range.start) as usize;
        let mut cols = Columns {
            start: range.start,
            total_stopping_time: pages::zeroed(want.total_stopping_time, len)?,
            stopping_time: pages::zeroed(want.stopping_time, len)?,
            odd_steps: pages::zeroed(want.odd_steps, len)?,
            max_excursion: match (want.max_excursion, range.end <= U64_MAX_EXCURSION_BOUND) {
                (false, _) => None,
                (true, true) => pages::zeroed(true, len)?.map(MaxColumn::U64),
                (true, false) => pages::zeroed(true, len)?.map(MaxColumn::U128),
            },
        };
        if range.start == 1
            && want.total_stopping_time
            && !want.odd_steps
            && range.end <= U64_MAX_EXCURSION_BOUND
            && opts.chunk_size > 0
            && opts.threads != Some(0)
        {
            self.columns_from_one(range.end, want, &mut cols, opts)?;
            return Ok(cols);
        }
        let slices = column_slices(&mut cols, 0..len);
        // exact maxima need a memo of maxima; step counts alone do not
        let segments = [(range.end, Tally::Off)];
        self.run(range, want, want.max_excursion, &segments, slices, opts)?;
        Ok(cols)
    }

    /// Summary of every n in `range`: no per-n output, memory independent of the range size.
    pub fn summary(&self, range: Range<u64>, want: Want, opts: &RunOptions) -> Result<Summary> {
        check_range(&range)?;
        let start = range.start;
        let len = (range.end - range.start) as usize;
        // From a = 1, path records need only the maximum before the value drops below the
        // memo (see summary.rs); elsewhere the memo must hold exact maxima.
        let exact_max = want.max_excursion && range.start > 1;
        if start == 1 && range.end >= EVENS_FROM {
            return self.summary_from_one(range.end, want, opts);
        }
        let segments = [(range.end, Tally::All)];
        let s = self.run(range, want, exact_max, &segments, Slices::none(len), opts)?;
        Ok(s.into_iter()
            .next()
            .flatten()
            .unwrap_or_else(|| Summary::empty(start)))
    }

    /// Shows that every n in `range` reaches 1, given that every n below `range.start` does,
    /// for any range below 2^128 of at most 2^64 - 1 numbers: each n is shown to fall below
    /// itself or to join a smaller number's path, most of them by sieves, the rest by following
    /// them exactly (in big integers where a value passes 2^128). The result reports the highest
    /// value met on the followed trajectories and the start value that met it.
    ///
    /// ```
    /// use collatz_core::range::{RangeEngine, RunOptions};
    /// let engine = RangeEngine::new();
    /// let v = engine.verify(1 << 40..(1 << 40) + (1 << 22), &RunOptions::default())?;
    /// assert_eq!(v.verified, 1 << 22);
    /// assert!(v.followed < v.verified / 100);
    /// // past 2^64
    /// let start = 1u128 << 68;
    /// let v = engine.verify(start..start + 1000, &RunOptions::default())?;
    /// assert_eq!(v.verified, 1000);
    /// assert!(v.max_value > collatz_core::Value::from(start));
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    pub fn verify(&self, range: Range<u128>, opts: &RunOptions) -> Result<Verification> {
        let len = range.end.saturating_sub(range.start).min(u64::MAX as u128) as u64;
        in_pool(opts, len, || verify::verify(range, opts))
    }

    /// Column results in chunks of `opts.chunk_size` start values, computed one chunk at a time
    /// (each chunk in parallel): memory stays near one chunk whatever the range.
    pub fn chunks<'e, 'o>(
        &'e self,
        range: Range<u64>,
        want: Want,
        opts: RunOptions<'o>,
    ) -> Result<Chunks<'e, 'o>> {
        if opts.chunk_size == 0 {
            return Err(Error::InvalidArgument(
                "chunk_size must be at least 1".into(),
            ));
        }
        Ok(Chunks {
            engine: self,
            cursor: ChunkCursor::new(range, want)?,
            opts,
        })
    }
}

/// Iterator returned by [`RangeEngine::chunks`].
pub struct Chunks<'e, 'o> {
    engine: &'e RangeEngine,
    cursor: ChunkCursor,
    opts: RunOptions<'o>,
}

impl Iterator for Chunks<'_, '_> {
    type Item = Result<Columns>;

    fn next(&mut self) -> Option<Result<Columns>> {
        self.cursor.next_chunk(self.engine, &self.opts)
    }
}

/// Where a walk over a range in chunks stands: the state of [`RangeEngine::chunks`] without
/// the borrow of the engine and options, for callers that must own it (a Python or JavaScript
/// iterator) and pass the engine and options at each step.
///
/// ```
/// use collatz_core::range::{ChunkCursor, RangeEngine, RunOptions, Want};
/// let engine = RangeEngine::new();
/// let opts = RunOptions { chunk_size: 4, ..RunOptions::default() };
/// let mut cursor = ChunkCursor::new(1..10, Want::TOTAL_STOPPING_TIME)?;
/// let first = cursor.next_chunk(&engine, &opts).unwrap()?;
/// assert_eq!(first.total_stopping_time.unwrap(), [0, 1, 7, 2]);
/// assert_eq!(cursor.remaining(), 5);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkCursor {
    first: u64,
    next: u64,
    end: u64,
    want: Want,
}

impl ChunkCursor {
    /// A cursor at the start of `range`.
    pub fn new(range: Range<u64>, want: Want) -> Result<Self> {
        check_range(&range)?;
        Ok(ChunkCursor {
            first: range.start,
            next: range.start,
            end: range.end,
            want,
        })
    }

    /// Start values not yet returned.
    pub fn remaining(&self) -> u64 {
        self.end - self.next
    }

    /// The columns of the next `opts.chunk_size` start values (split among `opts.threads`),
    /// or `None` at the end. After an error the cursor is at the end.
    pub fn next_chunk(
        &mut self,
        engine: &RangeEngine,
        opts: &RunOptions,
    ) -> Option<Result<Columns>> {
        if self.next >= self.end {
            return None;
        }
        if opts.chunk_size == 0 {
            self.next = self.end;
            return Some(Err(Error::InvalidArgument(
                "chunk_size must be at least 1".into(),
            )));
        }
        let start = self.next;
        let end = start.saturating_add(opts.chunk_size).min(self.end);
        self.next = end;
        // split each chunk among the threads; progress counts over the whole range
        let threads = opts.threads.unwrap_or_else(rayon::current_num_threads) as u64;
        let (done_before, total) = (start - self.first, self.end - self.first);
        let outer = opts.progress;
        let overall = move |done: u64, _chunk_total: u64| {
            if let Some(p) = outer {
                p(done_before + done, total);
            }
        };
        // (pieces of at most the default chunk: a piece is also the unit of cancellation, and
        // a chunk of 10^9 start values cut only four ways per thread stopped seconds after
        // its token was cancelled on a busy machine)
        let piece = (end - start)
            .div_ceil(threads.max(1) * 4)
            .min(RunOptions::default().chunk_size);
        let inner = RunOptions {
            chunk_size: piece.max(1024),
            progress: outer.is_some().then_some(&overall as Progress),
            threads: opts.threads,
            cancel: opts.cancel.clone(),
        };
        let result = engine.columns(start..end, self.want, &inner);
        if result.is_err() {
            self.next = self.end;
        }
        Some(result)
    }
}
