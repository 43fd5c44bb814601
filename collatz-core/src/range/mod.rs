//! The range engine: statistics of every start value in [a, b), cached, parallel, streaming.
//!
//! One engine computes three kinds of output from the same kernel:
//! - [`RangeEngine::columns`]: one contiguous array per requested statistic;
//! - [`RangeEngine::chunks`]: an iterator of fixed-size [`Columns`], for ranges too large to hold;
//! - [`RangeEngine::summary`]: counts, sums, extremes, the histogram and the records.
//!
//! How it works: the engine keeps a dense memo of results for every n below a bound, grown up
//! to a memory cap on the way through a range. The threads take a range's chunks in order of n
//! from one queue (see `pipeline`): a chunk reads the memo below the watermark P that the
//! finished chunks have reached and, where the memo grows, writes its own entries. Each n is
//! followed with trailing-zero stripping and Bařina odd runs until its value drops below
//! min(n, P), then the memo finishes it. The glide is found exactly on the way; the maximum is
//! tracked at the end of each odd run.

mod classes;
mod density;
mod descent;
mod kernel;
mod leaf;
mod memo;
mod pages;
mod pipeline;
mod plan;
mod pool;
mod sieve;
mod split;
mod summary;
mod summary_plan;
mod verify;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};
pub use density::{Density, MAX_DENSITY_SIDE};
use kernel::{MemoView, PREFIX_LEN};
use leaf::chunk;
use memo::{Memo, MemoSlot, Writer};
use pipeline::Growth;
pub use plan::{ChunkPlan, Merge, DEFAULT_PLAN_CHUNK};
use pool::in_pool;
pub use sieve::SIEVE_BITS;
use split::{column_slices, par_run, split_col, MaxSlice, Slices};
pub use summary::{Record, StatSummary, Summary};
pub use summary_plan::{SummaryAssembly, SummaryPiece, SummaryPlan};
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

/// A cancellation flag shared between a long call and whoever may stop it. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that has not been cancelled.
    pub fn new() -> Self {
        Self::default()
    }
    /// Asks every call holding this token to stop; they return [`Error::Cancelled`].
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Progress callback: `(done, total)` start values, called from worker threads after each chunk.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// How to run a range call.
#[derive(Clone)]
pub struct RunOptions<'a> {
    /// Worker threads; `None` uses rayon's global pool (one thread per core).
    pub threads: Option<usize>,
    /// Start values per chunk: the unit of parallel work, progress and cancellation
    /// (and the size of each item of [`RangeEngine::chunks`]). Default 2^18.
    pub chunk_size: u64,
    /// Called with (done, total) after each chunk.
    pub progress: Option<Progress<'a>>,
    /// Checked at least every 4096 start values.
    pub cancel: Option<CancelToken>,
}

impl RunOptions<'_> {
    /// Checks the options, as every range call does first: at least one thread and a chunk of
    /// at least one start value. (For bindings that must refuse bad options before they start
    /// a call.)
    ///
    /// ```
    /// use collatz_core::range::RunOptions;
    /// assert!(RunOptions::default().check().is_ok());
    /// let none = RunOptions { threads: Some(0), ..RunOptions::default() };
    /// assert_eq!(none.check().unwrap_err().to_string(), "invalid argument: threads must be at least 1");
    /// ```
    pub fn check(&self) -> Result<()> {
        if self.chunk_size == 0 {
            return Err(Error::InvalidArgument(
                "chunk_size must be at least 1".into(),
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::InvalidArgument("threads must be at least 1".into()));
        }
        Ok(())
    }
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            threads: None,
            chunk_size: 1 << 18,
            progress: None,
            cancel: None,
        }
    }
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

/// Columns from 1 take this prefix through the memo, then read the columns themselves.
const COLUMN_PREFIX: u64 = 1 << 16;

/// The memo grows to at least this many entries (within the cap) before a range is run.
const MIN_MEMO_TARGET: u64 = 1 << 20;

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
            total_stopping_time: zeroed(want.total_stopping_time, len)?,
            stopping_time: zeroed(want.stopping_time, len)?,
            odd_steps: zeroed(want.odd_steps, len)?,
            max_excursion: match (want.max_excursion, range.end <= U64_MAX_EXCURSION_BOUND) {
                (false, _) => None,
                (true, true) => zeroed(true, len)?.map(MaxColumn::U64),
                (true, false) => zeroed(true, len)?.map(MaxColumn::U128),
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

    /// The summary of [1, end): the odd n are computed, the even ones derived. With
    /// X_0 = end and X_(i+1) = ceil(X_i / 2), the even n of [X_(i+1), X_i) are 2m for m in
    /// [X_(i+2), X_(i+1)) (see [`summary::evens_of`]), so every segment's summary follows from
    /// its odd n and the whole summary of the segment below it. The two lowest segments, below
    /// [`EVENS_FROM`], are computed whole. This halves pass two of the summary path (the sums,
    /// the histogram and the delay records), and the even n above the memo are never computed.
    fn summary_from_one(&self, end: u64, want: Want, opts: &RunOptions) -> Result<Summary> {
        // X_0 > X_1 > ... > X_(L+1), with X_(L+1) < EVENS_FROM <= X_L
        let mut xs = vec![end];
        while let Some(&x) = xs.last().filter(|&&x| x >= EVENS_FROM) {
            xs.push(x.div_ceil(2));
        }
        let segments: Vec<(u64, Tally)> = xs
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| (x, if i < 2 { Tally::All } else { Tally::Odd }))
            .collect();
        let len = (end - 1) as usize;
        let parts = self.run(1..end, want, false, &segments, Slices::none(len), opts)?;
        let mut parts = parts.into_iter().map(|p| p.expect("a summary per segment"));
        let (Some(mut total), Some(mut whole)) = (parts.next(), parts.next()) else {
            unreachable!("at least two segments");
        };
        for odd in parts {
            let next = summary::merge_interleaved(
                odd.start,
                odd.end,
                vec![odd, summary::evens_of(&whole)],
            );
            total = total.merge(whole);
            whole = next;
        }
        Ok(total.merge(whole))
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

    fn run(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        segments: &[(u64, Tally)],
        slices: Slices<'_>,
        opts: &RunOptions,
    ) -> Result<Vec<Option<Summary>>> {
        let call = range.clone();
        let segs = Segments {
            range,
            segments,
            call: &call,
        };
        self.run_for(segs, want, exact_max, slices, opts)
    }

    /// [`RangeEngine::run`] for a part of a longer run (`segs.call`), which sizes the memo:
    /// the pieces of a summary plan grow it once, for the whole plan, rather than piece by
    /// piece (each growth copies the tables).
    fn run_for(
        &self,
        segs: Segments<'_>,
        want: Want,
        exact_max: bool,
        slices: Slices<'_>,
        opts: &RunOptions,
    ) -> Result<Vec<Option<Summary>>> {
        let range = segs.range.clone();
        let ctl = Control::new(range.end - range.start, opts);
        // the memo's writer is taken here, before the pool: a long call that must grow the
        // memo may wait here for another call's growth, never inside the pool
        let writer = self.writer_for(segs.call, want.odd_steps, exact_max, opts)?;
        let out = in_pool(opts, range.end - range.start, || {
            if range.end - range.start >= WARM_FROM {
                warm_tables();
            }
            self.run_part(segs, want, exact_max, slices, &ctl, writer)
        });
        #[cfg(test)]
        self.hot_chunks
            .fetch_add(ctl.hot_chunks.load(Ordering::Relaxed), Ordering::Relaxed);
        out
    }

    /// Columns of [1, b): after the memo's cap, the columns computed so far serve as the memo,
    /// in waves [P, 1.25 P) (1.125 P past 2^18) that read only below P.
    fn columns_from_one(
        &self,
        end: u64,
        want: Want,
        cols: &mut Columns,
        opts: &RunOptions,
    ) -> Result<()> {
        let ctl = Control::new(end - 1, opts);
        in_pool(opts, end - 1, || {
            if end >= WARM_FROM {
                warm_tables();
            }
            // a short prefix through the memo (or, for step counts alone, straight from the
            // process's table of them); the columns carry the rest
            let memo_end = self
                .memo_cap_entries(want.odd_steps, want.max_excursion)
                .min(COLUMN_PREFIX)
                .clamp(2, end);
            let first = (memo_end - 1) as usize;
            match &mut cols.total_stopping_time {
                Some(t) if want == Want::TOTAL_STOPPING_TIME && memo_end as usize <= PREFIX_LEN => {
                    ctl.check()?;
                    t[..first].copy_from_slice(&kernel::prefix_table()[1..memo_end as usize]);
                    ctl.advance(first as u64);
                }
                _ => {
                    let slices = column_slices(cols, 0..first);
                    self.run_in_pool(
                        1..memo_end,
                        want,
                        want.max_excursion,
                        Tally::Off,
                        slices,
                        &ctl,
                    )?;
                }
            }
            let mut cur = memo_end;
            while cur < end {
                let wave = wave_end(cur, end);
                let done = (cur - 1) as usize;
                let todo = (wave - 1) as usize;
                let (tst_done, tst_todo) = split_col(&mut cols.total_stopping_time, done, todo);
                let (max_done, max_todo) = match &mut cols.max_excursion {
                    Some(MaxColumn::U64(m)) => {
                        let (a, b) = m.split_at_mut(done);
                        (Some(&*a), Some(MaxSlice::U64(&mut b[..todo - done])))
                    }
                    _ => (None, None),
                };
                let (_, glide_todo) = split_col(&mut cols.stopping_time, done, todo);
                let view = MemoView {
                    base: 1,
                    tst: tst_done.unwrap_or(&[]),
                    odd: None,
                    max: max_done,
                };
                let part = Slices {
                    len: todo - done,
                    tst: tst_todo,
                    glide: glide_todo,
                    odd: None,
                    max: max_todo,
                };
                par_run(cur, part, &ctl, &|start, sl| {
                    chunk(start, sl, cur, &view, None, Tally::Off, want, &ctl)
                })?;
                cur = wave;
            }
            Ok(())
        })
    }

    /// How many entries the memo that a call with these needs uses may hold.
    fn memo_cap_entries(&self, odd: bool, max: bool) -> u64 {
        let (odd, max) = match odd || max {
            true => {
                let rich = self.rich.load();
                (odd || rich.has_odd(), max || rich.has_max())
            }
            false => (false, false),
        };
        (self.memo_bytes_cap / Memo::entry_bytes(odd, max)) as u64
    }

    fn run_in_pool(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        summarize: Tally,
        slices: Slices<'_>,
        ctl: &Control,
    ) -> Result<Option<Summary>> {
        let segments = [(range.end, summarize)];
        // (a short range, inside the pool: the writer only if it is free)
        let writer = self.slot(want.odd_steps, exact_max).try_writer();
        let parts = self.run_segments(range, want, exact_max, &segments, slices, ctl, writer)?;
        Ok(parts.into_iter().next().flatten())
    }

    /// The memo for calls with these needs: step counts alone for most calls (whose hot paths
    /// need a memo without odd steps or maxima), or the one with them.
    fn slot(&self, odd: bool, max: bool) -> &MemoSlot {
        if odd || max {
            &self.rich
        } else {
            &self.plain
        }
    }

    /// How far the memo should reach for `range` (see [`RangeEngine::run_segments`]), with
    /// the given tables.
    fn memo_target(&self, range: &Range<u64>, odd: bool, max: bool) -> u64 {
        let cap = (self.memo_bytes_cap / Memo::entry_bytes(odd, max)) as u64;
        // a memo in proportion to the work: a short range far out does not build a large one;
        // and none past what the hot paths read (n/2 and (3n+1)/4 of the range's last n): the
        // range's top quarter then runs read-only, in parallel chunks that write nothing, and
        // its memo is neither written nor faulted in (a quarter of the memory; class members
        // whose T^j(n) lands at or above the bound walk on)
        let len = range.end - range.start;
        range
            .end
            .min(memo_needed(range.end))
            .min(cap)
            .min(len.saturating_mul(2).max(MIN_MEMO_TARGET))
            .max(2)
    }

    /// The memo's writer for a call over `range`, taken outside the pool: `None` if the call
    /// does not grow the memo (it covers the range, or has reached its cap), or if another
    /// call holds the writer and this call is short (under [`pool::LONG_CALL`] start values),
    /// lies past the memo's reach, or runs on a pool thread (it then runs on the memo as it
    /// is). A long call that would grow the memo waits for the writer: the
    /// other call gives it back when its growth is done.
    fn writer_for(
        &self,
        range: &Range<u64>,
        odd: bool,
        max: bool,
        opts: &RunOptions,
    ) -> Result<Option<Writer<'_>>> {
        let slot = self.slot(odd, max);
        let memo = slot.load();
        let (odd_all, max_all) = (odd || memo.has_odd(), max || memo.has_max());
        let complete = odd_all == memo.has_odd() && max_all == memo.has_max();
        let target = self.memo_target(range, odd_all, max_all);
        if complete && memo.bound() >= target.min(range.end) {
            return Ok(None);
        }
        // a range past the memo's reach (it starts beyond what the memo would hold) never
        // waits: the memo only shortens its walks
        let long = range.end - range.start >= pool::LONG_CALL && range.start < target;
        if long && rayon::current_thread_index().is_none() {
            return slot.wait_writer(opts.cancel.as_ref()).map(Some);
        }
        Ok(slot.try_writer())
    }

    /// [`RangeEngine::run_in_pool`] over `range` cut into segments, each (end, tally) with
    /// increasing ends, the last at `range.end`: one summary per segment (`None` without a
    /// tally, or for an empty range).
    #[allow(clippy::too_many_arguments)]
    fn run_segments(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        segments: &[(u64, Tally)],
        slices: Slices<'_>,
        ctl: &Control,
        writer: Option<Writer<'_>>,
    ) -> Result<Vec<Option<Summary>>> {
        let call = range.clone();
        let segs = Segments {
            range,
            segments,
            call: &call,
        };
        self.run_part(segs, want, exact_max, slices, ctl, writer)
    }

    /// [`RangeEngine::run_segments`] for a part of a longer call (`segs.call`), which sizes
    /// the memo: a call that runs its range in pieces (a density) grows the memo for the
    /// whole of it.
    fn run_part(
        &self,
        segs: Segments<'_>,
        want: Want,
        exact_max: bool,
        slices: Slices<'_>,
        ctl: &Control,
        writer: Option<Writer<'_>>,
    ) -> Result<Vec<Option<Summary>>> {
        let Segments {
            range,
            segments,
            call,
        } = segs;
        let (need_odd, need_max) = (want.odd_steps, exact_max);
        let slot = self.slot(need_odd, need_max);
        let Some(writer) = writer else {
            // the call does not grow the memo, or another call does: run on what it holds
            // (it only ever gets better while the chunks run), never waiting for that call
            let memo = slot.load();
            let memo = if (need_odd && !memo.has_odd()) || (need_max && !memo.has_max()) {
                // it lacks a table this call needs: a private memo of the first entries
                Arc::new(Memo::new(2, need_odd, need_max).expect("a memo of two entries"))
            } else {
                memo
            };
            return pipeline::run(&memo, None, range, segments, want, ctl, slices);
        };
        let mut memo = slot.load();
        let (odd, max) = (need_odd || memo.has_odd(), need_max || memo.has_max());
        let per_entry = Memo::entry_bytes(odd, max);
        let target = self.memo_target(call, odd, max);
        let no_memory = || Error::OutOfMemory {
            what: "the memo",
            bytes: target.saturating_mul(per_entry as u64),
        };
        if odd != memo.has_odd() || max != memo.has_max() {
            // a table this call needs is missing: a new memo with the union of the tables
            // (a fresh memo of step counts alone starts from the process's copy of its first
            // entries rather than from dozens of tiny waves)
            memo = writer.replace(Memo::new(target, odd, max).ok_or_else(no_memory)?);
        } else if memo.capacity() < target {
            memo = writer.replace(memo.grown(target).ok_or_else(no_memory)?);
        }
        // grow the memo up to the start of the range (no output, and no progress: these are
        // not the caller's start values)
        let quiet_opts = RunOptions {
            progress: None,
            ..ctl.opts.clone()
        };
        let quiet = Control::new(ctl.total, &quiet_opts);
        let p = memo.bound();
        let end = range.start.min(target);
        if p < end {
            pipeline::run(
                &memo,
                Some(Growth {
                    writer: &writer,
                    end,
                    release: false,
                }),
                p..end,
                &[(end, Tally::Off)],
                want,
                &quiet,
                Slices::none((end - p) as usize),
            )?;
        }
        // then the range in one stream of chunks: the memo grows on the way up to the target
        // (the memo's bound is now at or past the range's start, unless the target stopped it)
        let grow_end = range.end.min(target);
        let grows = memo.bound() >= range.start && memo.bound() < grow_end;
        if !grows {
            // no growth left: the writer goes back now, not at the end of a long run (another
            // call may be waiting for it)
            writer.release();
        }
        let grow = grows.then_some(Growth {
            writer: &writer,
            end: grow_end,
            release: true,
        });
        pipeline::run(&memo, grow, range, segments, want, ctl, slices)
    }
}

/// The memo bound that the hot paths need for every n below `end`: n/2 and (3n+1)/4 below it.
fn memo_needed(end: u64) -> u64 {
    let last = end.saturating_sub(1);
    (3 * (last >> 2) + 2).max(last / 2 + 1)
}

/// Summaries of [1, b) from this b on derive the even n from the odd ones (see
/// [`RangeEngine::summary_from_one`]).
const EVENS_FROM: u64 = 1 << 16;

/// Calls over at least this many start values build the hot paths' tables up front.
const WARM_FROM: u64 = 1 << 20;

/// Builds the hot paths' tables (each once per process, a few milliseconds in all) side by
/// side on the pool's threads, rather than one after another on whichever thread needs each
/// first.
fn warm_tables() {
    rayon::join(
        || {
            kernel::drop_hot();
        },
        || {
            rayon::join(
                || {
                    classes::classes();
                },
                || {
                    kernel::jump_table(); // (and its lines)
                    kernel::prefix_table();
                },
            )
        },
    );
}

/// The end of the wave of `columns()` from 1 past the memo (see
/// [`RangeEngine::columns_from_one`]) that starts at p: at 5p/4 or 9p/8 (below 4p/3), so that
/// n/2 and (3n+1)/4 of every n in the wave are below p, already in the columns, and the wave's
/// chunks are independent.
fn wave_end(p: u64, limit: u64) -> u64 {
    // small memos grow by a quarter (fewer, cheaper waves), large ones by an eighth (more
    // chunks per wave for the threads); both keep n/2 and (3n+1)/4 below p
    let step = if p < 1 << 18 { p / 4 } else { p / 8 };
    (p + step.max(1)).min(limit)
}

/// A zeroed column of `len` entries if `wanted`; an error rather than an abort when the
/// memory cannot be reserved.
fn zeroed<T: Clone + Default>(wanted: bool, len: usize) -> Result<Option<Vec<T>>> {
    if !wanted {
        return Ok(None);
    }
    // first make sure the memory can be had (an error, not an abort) ...
    let mut probe: Vec<T> = Vec::new();
    probe
        .try_reserve_exact(len)
        .map_err(|_| Error::OutOfMemory {
            what: "a column",
            bytes: (len as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        })?;
    drop(probe);
    // ... then take it zeroed: `vec![0; len]` asks the allocator for zeroed memory, which for
    // large tables is fresh pages the kernel zeroes on first touch, so the columns are not
    // written twice (once with zeros, once by the engine)
    let v = vec![T::default(); len];
    pages::advise_huge(&v);
    Ok(Some(v))
}

/// Checks the bounds of a range call, as every range call does first: a start value of at
/// least 1 and an end at or past the start. (For bindings that must refuse bad arguments before
/// they start a call.)
///
/// ```
/// use collatz_core::{range::check_range, Error};
/// assert!(check_range(&(1..10)).is_ok());
/// assert!(check_range(&(5..5)).is_ok());
/// assert_eq!(check_range(&(0..10)), Err(Error::Zero));
/// assert!(matches!(check_range(&(10..5)), Err(Error::InvalidArgument(_))));
/// ```
pub fn check_range(range: &Range<u64>) -> Result<()> {
    if range.start == 0 {
        return Err(Error::Zero);
    }
    if range.end < range.start {
        return Err(Error::InvalidArgument(format!(
            "empty range: end {} is below start {}",
            range.end, range.start
        )));
    }
    if range.end - range.start > usize::MAX as u64 / 16 {
        return Err(Error::InvalidArgument(
            "range too long for this platform".into(),
        ));
    }
    Ok(())
}

fn merge_opt(a: Option<Summary>, b: Option<Summary>) -> Option<Summary> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.merge(b)),
        (a, b) => a.or(b),
    }
}

/// The start values of one run of the pipeline, cut into segments (each (end, tally) with
/// increasing ends, the last at `range.end`), and the whole call they belong to.
struct Segments<'a> {
    range: Range<u64>,
    segments: &'a [(u64, Tally)],
    call: &'a Range<u64>,
}

/// What the chunks of a call add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tally {
    /// Nothing: columns or memo only.
    Off,
    /// Every start value.
    All,
    /// The odd start values only (the summary from 1 derives the even ones, see
    /// [`summary::evens_of`]).
    Odd,
    /// Nothing, and the step-count columns' hot path may leave the even n's entries as they
    /// are (a density derives them from the odd n: see `density`).
    OddColumns,
}

impl Tally {
    fn on(self) -> bool {
        matches!(self, Tally::All | Tally::Odd)
    }
}

struct Control<'a> {
    total: u64,
    done: AtomicU64,
    opts: &'a RunOptions<'a>,
    /// Chunks that took the summary hot path.
    hot_chunks: AtomicU64,
    /// A maximum (as the summaries report it) that some start value of the range below the
    /// running chunks reaches: a chunk's path candidates at or below it cannot be records, so
    /// the chunk starts its search from it (raised as the chunks below finish; 0 where none is
    /// known yet).
    path_floor: AtomicU64,
}

impl<'a> Control<'a> {
    fn new(total: u64, opts: &'a RunOptions<'a>) -> Self {
        Control {
            total,
            done: AtomicU64::new(0),
            opts,
            hot_chunks: AtomicU64::new(0),
            path_floor: AtomicU64::new(0),
        }
    }
    fn check(&self) -> Result<()> {
        match &self.opts.cancel {
            Some(c) if c.is_cancelled() => Err(Error::Cancelled),
            _ => Ok(()),
        }
    }
    fn path_floor(&self) -> u128 {
        self.path_floor.load(Ordering::Relaxed) as u128
    }
    /// Raises the path floor to `v` (capped to u64: a lower floor stays valid).
    fn raise_path_floor(&self, v: u128) {
        self.path_floor
            .fetch_max(v.min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }
    fn advance(&self, n: u64) {
        if let Some(progress) = self.opts.progress {
            let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
            progress(done.min(self.total), self.total);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary of [1, end) with every n tallied (no even n derived).
    fn tallied(engine: &RangeEngine, end: u64, want: Want, opts: &RunOptions) -> Summary {
        let segments = [(end, Tally::All)];
        let len = (end - 1) as usize;
        let parts = engine
            .run(1..end, want, false, &segments, Slices::none(len), opts)
            .unwrap();
        parts.into_iter().next().flatten().unwrap()
    }

    #[test]
    fn calls_with_odd_steps_or_exact_maxima_leave_the_fast_paths_to_the_others() {
        let engine = RangeEngine::new();
        let opts = RunOptions {
            threads: Some(2),
            ..RunOptions::default()
        };
        let default = Want::default();
        let hot = |f: &dyn Fn()| {
            let before = engine.hot_chunks.load(Ordering::Relaxed);
            f();
            engine.hot_chunks.load(Ordering::Relaxed) - before
        };
        // (the first call grows the memo, in shorter chunks)
        engine.summary(1..2_000_000, default, &opts).unwrap();
        let first = hot(&|| {
            engine.summary(1..2_000_000, default, &opts).unwrap();
        });
        assert!(first > 0, "a default summary takes the hot path");
        // calls that need odd steps, exact maxima or both: the general paths, and a memo of
        // their own
        let odd = Want {
            odd_steps: true,
            ..Want::TOTAL_STOPPING_TIME
        };
        let max = Want {
            max_excursion: true,
            ..Want::TOTAL_STOPPING_TIME
        };
        engine.summary(1..2_000_000, odd, &opts).unwrap();
        engine.summary(10..300_000, max, &opts).unwrap();
        engine.summary(1..300_000, Want::ALL, &opts).unwrap();
        let rich = engine.rich.load();
        assert!(rich.has_odd() && rich.has_max());
        let plain = engine.plain.load();
        assert!(!plain.has_odd() && !plain.has_max());
        // the same default summary afterwards takes the hot path for as many chunks
        let again = hot(&|| {
            engine.summary(1..2_000_000, default, &opts).unwrap();
        });
        assert_eq!(again, first);
        // and so does a far range past the memo's reach (without maxima, which need exact
        // values there), and the summary with every field but odd steps
        let steps = Want {
            max_excursion: false,
            ..Want::FAST
        };
        assert!(
            hot(&|| {
                engine
                    .summary(1 << 40..(1 << 40) + 100_000, steps, &opts)
                    .unwrap();
            }) > 0
        );
        let no_odd = Want {
            odd_steps: false,
            ..Want::ALL
        };
        assert!(
            hot(&|| {
                engine.summary(1..2_000_000, no_odd, &opts).unwrap();
            }) > 0
        );
    }

    #[test]
    fn covered_far_and_short_calls_never_wait_for_the_writer() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let steps = Want {
            max_excursion: false,
            ..Want::FAST
        };
        engine.summary(1..1 << 20, steps, &opts).unwrap();
        let expect = |r: Range<u64>| RangeEngine::new().summary(r, steps, &opts).unwrap();
        let calls = [
            1000..1 << 20,                    // covered
            (1 << 40)..(1 << 40) + 3_000_000, // long, past the memo's reach
            50_000_000..50_100_000,           // short, would grow the memo
        ];
        let expected: Vec<Summary> = calls.iter().cloned().map(expect).collect();
        // another call holds the writer (and keeps it): none of these may wait for it
        let writer = engine.plain.try_writer().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                for (r, e) in calls.iter().zip(&expected) {
                    assert_eq!(&engine.summary(r.clone(), steps, &opts).unwrap(), e);
                }
                tx.send(()).unwrap();
            });
            let waited = rx.recv_timeout(std::time::Duration::from_secs(60)).is_err();
            drop(writer); // (lets a call that did wait end, so that the scope ends)
            assert!(!waited, "a call waited for the writer");
        });
        // a long call that would grow the memo from inside its range does wait, and stops
        // when cancelled
        let writer = engine.plain.try_writer().unwrap();
        let token = CancelToken::new();
        token.cancel();
        let o = RunOptions {
            cancel: Some(token),
            ..RunOptions::default()
        };
        let r = engine.summary(1..1 << 28, steps, &o);
        assert_eq!(r, Err(Error::Cancelled));
        drop(writer);
    }

    #[test]
    fn a_call_that_no_longer_grows_the_memo_gives_the_writer_back_while_it_runs() {
        // a long range past the memo's reach grows the memo up to its target, then runs the
        // rest read-only: the writer must be free during that rest
        let engine = RangeEngine::with_memo_bytes(1 << 22);
        let free_seen = AtomicU64::new(0);
        let progress = |_: u64, _: u64| {
            if engine.plain.try_writer().is_some() {
                free_seen.fetch_add(1, Ordering::Relaxed);
            }
        };
        let opts = RunOptions {
            threads: Some(2),
            chunk_size: 1 << 14,
            progress: Some(&progress),
            ..RunOptions::default()
        };
        let steps = Want {
            max_excursion: false,
            ..Want::FAST
        };
        let far = (1 << 40)..(1 << 40) + (1 << 20);
        engine.summary(far, steps, &opts).unwrap();
        assert!(
            free_seen.load(Ordering::Relaxed) > 0,
            "the writer was held to the end"
        );
        // and a call over a range the memo covers gives it back too
        let free_seen_before = free_seen.load(Ordering::Relaxed);
        engine.summary(1000..200_000, steps, &opts).unwrap();
        assert!(free_seen.load(Ordering::Relaxed) > free_seen_before);
    }

    #[test]
    fn summaries_from_one_with_derived_evens_match_every_n_tallied() {
        let want = Want {
            odd_steps: false,
            ..Want::ALL
        };
        // ends at and around the first derived one and its halvings, odd and even
        let ends = [
            EVENS_FROM,
            EVENS_FROM + 1,
            2 * EVENS_FROM - 1,
            2 * EVENS_FROM + 2,
            3 * EVENS_FROM + 5,
            1_000_003,
        ];
        for end in ends {
            for (threads, chunk, memo) in [
                (1, 1 << 18, DEFAULT_MEMO_BYTES),
                (2, 4096, DEFAULT_MEMO_BYTES),
                (2, 3, DEFAULT_MEMO_BYTES),
                // a memo far smaller than the range: the hot paths walk on past its reach
                (2, 1000, 1 << 12),
            ] {
                let opts = RunOptions {
                    threads: Some(threads),
                    chunk_size: chunk,
                    ..RunOptions::default()
                };
                // with odd steps the general leaf; and single statistics
                let one = |f: fn(&mut Want)| {
                    let mut w = Want::NONE;
                    f(&mut w);
                    w
                };
                let wants = [
                    want,
                    Want::ALL,
                    Want::TOTAL_STOPPING_TIME,
                    one(|w| w.stopping_time = true),
                    one(|w| w.max_excursion = true),
                    Want::NONE,
                    Want::default(),
                ];
                for want in wants {
                    let a = RangeEngine::with_memo_bytes(memo)
                        .summary(1..end, want, &opts)
                        .unwrap();
                    let b = tallied(&RangeEngine::with_memo_bytes(memo), end, want, &opts);
                    assert_eq!(
                        a, b,
                        "{want:?}, end {end}, {threads} threads, chunk {chunk}, memo {memo}"
                    );
                }
            }
        }
    }
}
