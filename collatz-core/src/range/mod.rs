//! The range engine: statistics of every start value in [a, b), cached, parallel, streaming.
//!
//! One engine computes three kinds of output from the same kernel:
//! - [`RangeEngine::columns`]: one contiguous array per requested statistic;
//! - [`RangeEngine::chunks`]: an iterator of fixed-size [`Columns`], for ranges too large to hold;
//! - [`RangeEngine::summary`]: counts, sums, extremes, the histogram and the records.
//!
//! How it works: the engine keeps a dense memo of results for every n below a bound, grown in
//! waves [P, 2P) (every value of a wave falls below P, so its chunks are independent and run in
//! parallel) up to a memory cap. Each n is followed with trailing-zero stripping and Bařina odd
//! runs until its value drops below min(n, P), then the memo finishes it. The glide is found
//! exactly on the way; the maximum is tracked at the end of each odd run.

mod kernel;
mod summary;
mod verify;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use kernel::{drop_pending, follow_pending, Memo, MemoView, Out, Pending};
use summary::Acc;
pub use summary::{Record, StatSummary, Summary};
pub use verify::{Verification, SIEVE_BITS};

/// Which statistics to compute. Leave out what you do not need: each costs time and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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

impl Want {
    /// Every statistic.
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
    /// (and the size of each item of [`RangeEngine::chunks`]). Default 2^16.
    pub chunk_size: u64,
    /// Called with (done, total) after each chunk.
    pub progress: Option<Progress<'a>>,
    /// Checked at least every 4096 start values.
    pub cancel: Option<CancelToken>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            threads: None,
            chunk_size: 1 << 16,
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
    memo: Mutex<Memo>,
    memo_bytes_cap: usize,
}

impl Default for RangeEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// The memo grows to at least this many entries (within the cap) before a range is run.
const MIN_MEMO_TARGET: u64 = 1 << 20;

/// Default cap on the memo: 256 MiB.
pub const DEFAULT_MEMO_BYTES: usize = 256 << 20;

impl RangeEngine {
    /// An engine whose memo may use up to [`DEFAULT_MEMO_BYTES`].
    pub fn new() -> Self {
        Self::with_memo_bytes(DEFAULT_MEMO_BYTES)
    }

    /// An engine whose memo may use up to `bytes` (2 bytes per n for step counts, 2 more with
    /// odd steps, 8 more with maxima). A smaller memo costs speed, never correctness.
    pub fn with_memo_bytes(bytes: usize) -> Self {
        RangeEngine {
            memo: Mutex::new(Memo::new(false, false)),
            memo_bytes_cap: bytes,
        }
    }

    /// Bytes the memo holds now.
    pub fn memo_bytes(&self) -> usize {
        self.lock().bytes()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memo> {
        // a panic while holding the lock cannot leave the memo invalid (waves truncate on
        // failure), so a poisoned lock is still usable
        self.memo.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Column results for every n in `range`.
    pub fn columns(&self, range: Range<u64>, want: Want, opts: &RunOptions) -> Result<Columns> {
        check_range(&range)?;
        let len = (range.end - range.start) as usize;
        let mut cols = Columns {
            start: range.start,
            total_stopping_time: want.total_stopping_time.then(|| vec![0u16; len]),
            stopping_time: want.stopping_time.then(|| vec![0u16; len]),
            odd_steps: want.odd_steps.then(|| vec![0u16; len]),
            max_excursion: want.max_excursion.then(|| {
                if range.end <= U64_MAX_EXCURSION_BOUND {
                    MaxColumn::U64(vec![0; len])
                } else {
                    MaxColumn::U128(vec![0; len])
                }
            }),
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
        self.run(range, want, true, false, slices, opts)?;
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
        let s = self.run(range, want, exact_max, true, Slices::none(len), opts)?;
        Ok(s.unwrap_or_else(|| Summary::empty(start)))
    }

    /// Shows that every n in `range` reaches 1, given that every smaller value does: each n
    /// is shown to fall below itself, most of them by a residue sieve, the rest by following
    /// them (see the module `verify` notes in docs/performance.md).
    ///
    /// ```
    /// use collatz_core::range::{RangeEngine, RunOptions};
    /// let v = RangeEngine::new().verify(1 << 40..(1 << 40) + (1 << 22), &RunOptions::default())?;
    /// assert_eq!(v.verified, 1 << 22);
    /// assert!(v.followed < v.verified / 20);
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    pub fn verify(&self, range: Range<u64>, opts: &RunOptions) -> Result<Verification> {
        match opts.threads {
            Some(0) => Err(Error::InvalidArgument("threads must be at least 1".into())),
            Some(t) => rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|e| Error::InvalidArgument(format!("thread pool: {e}")))?
                .install(|| verify::verify(range, opts)),
            None => verify::verify(range, opts),
        }
    }

    /// Column results in chunks of `opts.chunk_size` start values, computed one chunk at a time
    /// (each chunk in parallel): memory stays near one chunk whatever the range.
    pub fn chunks<'e, 'o>(
        &'e self,
        range: Range<u64>,
        want: Want,
        opts: RunOptions<'o>,
    ) -> Result<Chunks<'e, 'o>> {
        check_range(&range)?;
        if opts.chunk_size == 0 {
            return Err(Error::InvalidArgument(
                "chunk_size must be at least 1".into(),
            ));
        }
        Ok(Chunks {
            engine: self,
            next: range.start,
            end: range.end,
            want,
            opts,
        })
    }

    fn run(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        summarize: bool,
        slices: Slices<'_>,
        opts: &RunOptions,
    ) -> Result<Option<Summary>> {
        let ctl = Control {
            total: range.end - range.start,
            done: AtomicU64::new(0),
            opts,
        };
        in_pool(opts, || {
            self.run_in_pool(range, want, exact_max, summarize, slices, &ctl)
        })
    }

    /// Columns of [1, b): after the memo's cap, the columns computed so far serve as the memo,
    /// in waves [P, 1.05 P) that read only below P.
    fn columns_from_one(
        &self,
        end: u64,
        want: Want,
        cols: &mut Columns,
        opts: &RunOptions,
    ) -> Result<()> {
        let ctl = Control {
            total: end - 1,
            done: AtomicU64::new(0),
            opts,
        };
        in_pool(opts, || {
            let memo_end = self
                .memo_cap_entries(want.odd_steps, want.max_excursion)
                .clamp(2, end);
            let first = (memo_end - 1) as usize;
            let slices = column_slices(cols, 0..first);
            self.run_in_pool(1..memo_end, want, true, false, slices, &ctl)?;
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
                    if dense_ok(start, sl.len, cur, &view, want) {
                        leaf_dense(start, sl, cur, &view, None, false, want, &ctl)
                    } else {
                        leaf(start, sl, cur, &view, None, want, false, &ctl)
                    }
                })?;
                cur = wave;
            }
            Ok(())
        })
    }

    /// How many entries the memo may hold with the given components.
    fn memo_cap_entries(&self, odd: bool, max: bool) -> u64 {
        let memo = self.lock();
        let odd = odd || memo.odd.is_some();
        let max = max || memo.max.is_some();
        (self.memo_bytes_cap / (2 + 2 * odd as usize + 8 * max as usize)) as u64
    }

    fn run_in_pool(
        &self,
        range: Range<u64>,
        want: Want,
        exact_max: bool,
        summarize: bool,
        mut slices: Slices<'_>,
        ctl: &Control,
    ) -> Result<Option<Summary>> {
        let mut memo = self.lock();
        let need_odd = want.odd_steps;
        let need_max = exact_max;
        if (need_odd && memo.odd.is_none()) || (need_max && memo.max.is_none()) {
            // rebuild with the union of what was there and what is needed
            *memo = Memo::new(
                need_odd || memo.odd.is_some(),
                need_max || memo.max.is_some(),
            );
        }
        let per_entry = 2 + 2 * memo.odd.is_some() as usize + 8 * memo.max.is_some() as usize;
        let cap = (self.memo_bytes_cap / per_entry) as u64;
        // a memo in proportion to the work: a short range far out does not build a large one
        let len = range.end - range.start;
        let target = range
            .end
            .min(cap)
            .min(len.saturating_mul(2).max(MIN_MEMO_TARGET));
        // grow the memo up to the start of the range (no output)
        while memo.bound() < range.start.min(target) {
            let p = memo.bound();
            let end = wave_end(p, range.start.min(target));
            grow(
                &mut memo,
                p..end,
                want,
                ctl,
                Slices::none((end - p) as usize),
                false,
            )?;
        }
        let mut summary: Option<Summary> = None;
        let mut cur = range.start;
        while cur < range.end {
            let p = memo.bound();
            let (end, part) = if cur < p || p >= target {
                // read-only memo
                let end = if cur < p { p.min(range.end) } else { range.end };
                let (part, rest) = slices.split_at((end - cur) as usize);
                slices = rest;
                let view = memo.view();
                let s = par_run(cur, part, ctl, &|start, sl| {
                    if dense_ok(start, sl.len, p, &view, want) {
                        if summarize && sl.is_none() && view.max.is_none() {
                            leaf_summary(start, sl.len, p, &view, None, want, ctl).map(Some)
                        } else {
                            leaf_dense(start, sl, p, &view, None, summarize, want, ctl)
                        }
                    } else {
                        leaf(start, sl, p, &view, None, want, summarize, ctl)
                    }
                })?;
                (end, s)
            } else {
                // a wave: results land in the memo and in the output
                let end = wave_end(p, target);
                let (part, rest) = slices.split_at((end - cur) as usize);
                slices = rest;
                let s = grow(&mut memo, p..end, want, ctl, part, summarize)?;
                (end, s)
            };
            summary = merge_opt(summary, part);
            cur = end;
        }
        Ok(summary)
    }
}

/// The end of the memo wave that starts at p: at 4p/3, so that n/2 and (3n+1)/4 of every n
/// in the wave are below p, already in the memo, and the wave's chunks are independent.
fn wave_end(p: u64, limit: u64) -> u64 {
    (p + (p / 8).max(1)).min(limit)
}

/// Runs `f` on a pool of `opts.threads` threads, or on rayon's global pool.
fn in_pool<T: Send>(opts: &RunOptions, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    if opts.chunk_size == 0 {
        return Err(Error::InvalidArgument(
            "chunk_size must be at least 1".into(),
        ));
    }
    match opts.threads {
        Some(0) => Err(Error::InvalidArgument("threads must be at least 1".into())),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| Error::InvalidArgument(format!("thread pool: {e}")))?
            .install(f),
        None => f(),
    }
}

/// Output slices for entries `part` of the columns.
fn column_slices(cols: &mut Columns, part: Range<usize>) -> Slices<'_> {
    Slices {
        len: part.end - part.start,
        tst: cols
            .total_stopping_time
            .as_deref_mut()
            .map(|v| &mut v[part.clone()]),
        glide: cols
            .stopping_time
            .as_deref_mut()
            .map(|v| &mut v[part.clone()]),
        odd: cols.odd_steps.as_deref_mut().map(|v| &mut v[part.clone()]),
        max: cols.max_excursion.as_mut().map(|m| match m {
            MaxColumn::U64(v) => MaxSlice::U64(&mut v[part.clone()]),
            MaxColumn::U128(v) => MaxSlice::U128(&mut v[part.clone()]),
        }),
    }
}

/// Splits a column into what is done (read-only) and the entries [done, todo) to fill.
fn split_col(
    col: &mut Option<Vec<u16>>,
    done: usize,
    todo: usize,
) -> (Option<&[u16]>, Option<&mut [u16]>) {
    match col {
        Some(v) => {
            let (a, b) = v.split_at_mut(done);
            (Some(&*a), Some(&mut b[..todo - done]))
        }
        None => (None, None),
    }
}

fn check_range(range: &Range<u64>) -> Result<()> {
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

/// Extends the memo by the wave `wave` (= [P, end) with end <= 2P), in parallel chunks; on
/// any failure the memo is cut back to P, so it never holds unfinished entries.
fn grow(
    memo: &mut Memo,
    wave: Range<u64>,
    want: Want,
    ctl: &Control,
    out: Slices<'_>,
    summarize: bool,
) -> Result<Option<Summary>> {
    let p = wave.start;
    let new_len = wave.end as usize;
    memo.tst.resize(new_len, 0);
    if let Some(o) = &mut memo.odd {
        o.resize(new_len, 0);
    }
    if let Some(m) = &mut memo.max {
        m.resize(new_len, 0);
    }
    let result = {
        let (tst_r, tst_w) = memo.tst.split_at_mut(p as usize);
        let (odd_r, odd_w) = match &mut memo.odd {
            Some(o) => {
                let (r, w) = o.split_at_mut(p as usize);
                (Some(&*r), Some(w))
            }
            None => (None, None),
        };
        let (max_r, max_w) = match &mut memo.max {
            Some(m) => {
                let (r, w) = m.split_at_mut(p as usize);
                (Some(&*r), Some(w))
            }
            None => (None, None),
        };
        let view = MemoView {
            base: 0,
            tst: tst_r,
            odd: odd_r,
            max: max_r,
        };
        let memo_out = MemoSlices {
            tst: tst_w,
            odd: odd_w,
            max: max_w,
        };
        par_run_memo(p, out, memo_out, ctl, &|start, sl, mw| {
            if dense_ok(start, sl.len, p, &view, want) {
                if summarize && sl.is_none() && view.max.is_none() {
                    leaf_summary(start, sl.len, p, &view, Some(mw.tst), want, ctl).map(Some)
                } else {
                    leaf_dense(start, sl, p, &view, Some(mw), summarize, want, ctl)
                }
            } else {
                leaf(start, sl, p, &view, Some(mw), want, summarize, ctl)
            }
        })
    };
    if result.is_err() {
        memo.tst.truncate(p as usize);
        if let Some(o) = &mut memo.odd {
            o.truncate(p as usize);
        }
        if let Some(m) = &mut memo.max {
            m.truncate(p as usize);
        }
    }
    result
}

struct Control<'a> {
    total: u64,
    done: AtomicU64,
    opts: &'a RunOptions<'a>,
}

impl Control<'_> {
    fn check(&self) -> Result<()> {
        match &self.opts.cancel {
            Some(c) if c.is_cancelled() => Err(Error::Cancelled),
            _ => Ok(()),
        }
    }
    fn advance(&self, n: u64) {
        if let Some(progress) = self.opts.progress {
            let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
            progress(done.min(self.total), self.total);
        }
    }
}

/// Output slices for a run of consecutive start values; every field optional.
struct Slices<'a> {
    len: usize,
    tst: Option<&'a mut [u16]>,
    glide: Option<&'a mut [u16]>,
    odd: Option<&'a mut [u16]>,
    max: Option<MaxSlice<'a>>,
}

enum MaxSlice<'a> {
    U64(&'a mut [u64]),
    U128(&'a mut [u128]),
}

fn split_opt<T>(s: Option<&mut [T]>, mid: usize) -> (Option<&mut [T]>, Option<&mut [T]>) {
    match s {
        Some(s) => {
            let (a, b) = s.split_at_mut(mid);
            (Some(a), Some(b))
        }
        None => (None, None),
    }
}

impl<'a> Slices<'a> {
    /// Whether no column is requested.
    fn is_none(&self) -> bool {
        self.tst.is_none() && self.glide.is_none() && self.odd.is_none() && self.max.is_none()
    }

    fn none(len: usize) -> Self {
        Slices {
            len,
            tst: None,
            glide: None,
            odd: None,
            max: None,
        }
    }

    fn split_at(self, mid: usize) -> (Slices<'a>, Slices<'a>) {
        let (t1, t2) = split_opt(self.tst, mid);
        let (g1, g2) = split_opt(self.glide, mid);
        let (o1, o2) = split_opt(self.odd, mid);
        let (m1, m2) = match self.max {
            Some(MaxSlice::U64(m)) => {
                let (a, b) = m.split_at_mut(mid);
                (Some(MaxSlice::U64(a)), Some(MaxSlice::U64(b)))
            }
            Some(MaxSlice::U128(m)) => {
                let (a, b) = m.split_at_mut(mid);
                (Some(MaxSlice::U128(a)), Some(MaxSlice::U128(b)))
            }
            None => (None, None),
        };
        (
            Slices {
                len: mid,
                tst: t1,
                glide: g1,
                odd: o1,
                max: m1,
            },
            Slices {
                len: self.len - mid,
                tst: t2,
                glide: g2,
                odd: o2,
                max: m2,
            },
        )
    }
}

/// The memo entries a wave writes.
struct MemoSlices<'a> {
    tst: &'a mut [u16],
    odd: Option<&'a mut [u16]>,
    max: Option<&'a mut [u64]>,
}

impl<'a> MemoSlices<'a> {
    fn split_at(self, mid: usize) -> (MemoSlices<'a>, MemoSlices<'a>) {
        let (t1, t2) = self.tst.split_at_mut(mid);
        let (o1, o2) = split_opt(self.odd, mid);
        let (m1, m2) = split_opt(self.max, mid);
        (
            MemoSlices {
                tst: t1,
                odd: o1,
                max: m1,
            },
            MemoSlices {
                tst: t2,
                odd: o2,
                max: m2,
            },
        )
    }
}

/// Where to split `len` start values: on a chunk boundary near the middle.
fn split_point(len: usize, chunk: usize) -> Option<usize> {
    let chunks = len.div_ceil(chunk);
    (chunks > 1).then(|| chunks / 2 * chunk)
}

/// Divide and conquer over chunks with rayon::join; summaries merge in order.
fn par_run<F>(start: u64, out: Slices<'_>, ctl: &Control, f: &F) -> Result<Option<Summary>>
where
    F: Fn(u64, Slices<'_>) -> Result<Option<Summary>> + Sync,
{
    ctl.check()?;
    let chunk = ctl.opts.chunk_size.min(usize::MAX as u64) as usize;
    match split_point(out.len, chunk) {
        None => f(start, out),
        Some(mid) => {
            let (a, b) = out.split_at(mid);
            let (ra, rb) = rayon::join(
                || par_run(start, a, ctl, f),
                || par_run(start + mid as u64, b, ctl, f),
            );
            Ok(merge_opt(ra?, rb?))
        }
    }
}

fn par_run_memo<F>(
    start: u64,
    out: Slices<'_>,
    memo: MemoSlices<'_>,
    ctl: &Control,
    f: &F,
) -> Result<Option<Summary>>
where
    F: Fn(u64, Slices<'_>, MemoSlices<'_>) -> Result<Option<Summary>> + Sync,
{
    ctl.check()?;
    let chunk = ctl.opts.chunk_size.min(usize::MAX as u64) as usize;
    match split_point(out.len, chunk) {
        None => f(start, out, memo),
        Some(mid) => {
            let (a, b) = out.split_at(mid);
            let (ma, mb) = memo.split_at(mid);
            let (ra, rb) = rayon::join(
                || par_run_memo(start, a, ma, ctl, f),
                || par_run_memo(start + mid as u64, b, mb, ctl, f),
            );
            Ok(merge_opt(ra?, rb?))
        }
    }
}

/// The results for n, less its memo entries (see [`Pending`]), with the residue rules of
/// PERFORMANCE.md where the memo allows: an even n takes one halving to n/2, an n = 1 (mod 4)
/// three steps to (3n+1)/4, both below n. Values that outgrow u64 take the exact
/// arbitrary-precision path.
#[inline(always)]
fn compute(n: u64, p: u64) -> Result<Pending> {
    if n & 1 == 0 {
        let h = n >> 1;
        if h < p {
            return Ok(Pending {
                part: Out {
                    tst: 1,
                    glide: 1,
                    odd: 0,
                    max: n as u128,
                },
                idx: h,
            });
        }
    } else if n & 3 == 1 && n > 1 {
        // n = 4k + 1: n -> 12k + 4 -> 6k + 2 -> 3k + 1
        let q = 3 * (n >> 2) + 1;
        if q < p {
            return Ok(Pending {
                part: Out {
                    tst: 3,
                    glide: 3,
                    odd: 1,
                    max: 3 * n as u128 + 1,
                },
                idx: q,
            });
        }
    } else if n == 1 {
        return Ok(Pending {
            part: Out {
                tst: 0,
                glide: 0,
                odd: 0,
                max: 1,
            },
            idx: 1,
        });
    }
    match follow_pending(n, p.min(n)) {
        Some(pending) => Ok(pending),
        None => Ok(Pending {
            part: slow(n)?,
            idx: 1,
        }),
    }
}

#[cold]
fn slow(n: u64) -> Result<Out> {
    let s = crate::stats(n)?;
    let too_big = || Error::LimitExceeded {
        what: "u128 maximum",
        limit: 128,
        steps: s.total_stopping_time,
        bits: s.max.bits(),
    };
    Ok(Out {
        tst: u32::try_from(s.total_stopping_time).map_err(|_| too_big())?,
        glide: u32::try_from(s.stopping_time).map_err(|_| too_big())?,
        odd: u32::try_from(s.odd_steps).map_err(|_| too_big())?,
        max: s.max.as_u128().ok_or_else(too_big)?,
    })
}

fn to_u16(v: u32, n: u64) -> Result<u16> {
    u16::try_from(v).map_err(|_| Error::LimitExceeded {
        what: "u16 step count",
        limit: u16::MAX as u64,
        steps: v as u64,
        bits: 64 - n.leading_zeros() as u64,
    })
}

/// The summary hot path (no columns, no exact maxima): pass one fills the chunk's total
/// stopping times (into the memo wave, or a scratch buffer) class by class with one memo
/// lookup each for even n and n = 1 (mod 4), and the residue table or the kernel for
/// n = 3 (mod 4), which also yields their glides and (only where they could matter) their
/// maxima before the drop; pass two sums, counts and finds the delay records over the
/// filled buffer in order.
#[inline(never)]
fn leaf_summary(
    start: u64,
    len: usize,
    p: u64,
    view: &MemoView,
    memo_out: Option<&mut [u16]>,
    want: Want,
    ctl: &Control,
) -> Result<Summary> {
    let end = start + len as u64;
    let mut scratch = Vec::new();
    let t: &mut [u16] = match memo_out {
        Some(m) => m,
        None => {
            scratch.resize(len, 0u16);
            &mut scratch
        }
    };
    let mut overflow: u32 = 0;
    ctl.check()?;
    // even n: T(n) = T(n/2) + 1, from consecutive memo entries
    let first_even = start + (start & 1);
    let evens = t[(first_even - start) as usize..].iter_mut().step_by(2);
    let halves = &view.tst[(first_even / 2) as usize - view.base..];
    for (slot, &h) in evens.zip(halves) {
        let v = h as u32 + 1;
        overflow |= v;
        *slot = v as u16;
    }
    // n = 4k + 1: T(n) = T(3k + 1) + 3, from every third memo entry
    let first_one = start + (5 - start % 4) % 4;
    if first_one < end {
        let ones = t[(first_one - start) as usize..].iter_mut().step_by(4);
        let thirds = view.tst[(3 * (first_one >> 2) + 1) as usize - view.base..]
            .iter()
            .step_by(3);
        for (slot, &h) in ones.zip(thirds) {
            let v = h as u32 + 3;
            overflow |= v;
            *slot = v as u16;
        }
    }
    // n = 4k + 3, a block at a time; glides and maxima before the drop as candidates
    let mut glide_cands: Vec<Record> = Vec::new();
    let mut path_cands: Vec<Record> = Vec::new();
    let (mut glide_best, mut path_best, mut glide_sum) = (0u32, 0u128, 0u64);
    each_three_mod_four(start, end, p, view, ctl, |n, r| {
        overflow |= r.tst;
        t[(n - start) as usize] = r.tst as u16;
        glide_sum += r.glide as u64;
        if r.glide > glide_best {
            glide_best = r.glide;
            glide_cands.push(Record {
                n,
                value: r.glide as u128,
            });
        }
        if r.max > path_best {
            path_best = r.max;
            path_cands.push(Record { n, value: r.max });
        }
        Ok(())
    })?;
    if overflow > u16::MAX as u32 {
        return Err(Error::LimitExceeded {
            what: "u16 step count",
            limit: u16::MAX as u64,
            steps: overflow as u64,
            bits: 64 - start.leading_zeros() as u64,
        });
    }
    // pass two: in order of n
    let mut summary = Summary::empty(start);
    summary.end = end;
    summary.count = len as u64;
    if want.total_stopping_time {
        // four histograms, one per position mod 4: runs of equal values do not wait on one
        // counter
        let width = (overflow as usize + 1).next_power_of_two();
        let mut hists = [
            vec![0u64; width],
            vec![0u64; width],
            vec![0u64; width],
            vec![0u64; width],
        ];
        let (mut sum, mut best, mut best_n) = (0u64, -1i64, start);
        let mut record = |i: usize, v: u16, best: &mut i64, best_n: &mut u64| {
            *best = v as i64;
            *best_n = start + i as u64;
            summary.delay_records.push(Record {
                n: *best_n,
                value: v as u128,
            });
        };
        let mut quads = t.chunks_exact(4);
        for (q, quad) in quads.by_ref().enumerate() {
            for (k, &v) in quad.iter().enumerate() {
                sum += v as u64;
                hists[k][v as usize] += 1;
                if v as i64 > best {
                    record(4 * q + k, v, &mut best, &mut best_n);
                }
            }
        }
        let tail = len - len % 4;
        for (k, &v) in quads.remainder().iter().enumerate() {
            sum += v as u64;
            hists[k][v as usize] += 1;
            if v as i64 > best {
                record(tail + k, v, &mut best, &mut best_n);
            }
        }
        let mut hist: Vec<u64> = (0..width)
            .map(|v| hists.iter().map(|h| h[v]).sum())
            .collect();
        let last = hist.iter().rposition(|&c| c > 0).map_or(0, |i| i + 1);
        hist.truncate(last);
        summary.histogram = hist;
        summary.total_stopping_time = Some(StatSummary {
            sum,
            max: best.max(0) as u32,
            max_n: best_n,
        });
    }
    let evens = (end - first_even).div_ceil(2);
    let ones = if first_one < end {
        (end - first_one).div_ceil(4)
    } else {
        0
    };
    if want.stopping_time {
        // glides 1 (even) and 3 (1 mod 4) can be records only at their class's first n
        if evens > 0 {
            glide_cands.push(Record {
                n: first_even,
                value: 1,
            });
        }
        if ones > 0 {
            glide_cands.push(Record {
                n: first_one,
                value: 3,
            });
        }
        let records = summary::interleave_records(glide_cands);
        let top = records.last().copied();
        summary.stopping_time = top.map(|r| StatSummary {
            sum: glide_sum + evens + 3 * ones,
            max: r.value as u32,
            max_n: r.n,
        });
        summary.glide_records = records;
    }
    if want.max_excursion {
        // the maximum before the drop is n for even n and 3n+1 for n = 1 (mod 4); n - 1 and
        // n - 2 beat those, so only the first of each class in the chunk can be a record
        if evens > 0 {
            path_cands.push(Record {
                n: first_even,
                value: first_even as u128,
            });
        }
        if ones > 0 {
            path_cands.push(Record {
                n: first_one,
                value: 3 * first_one as u128 + 1,
            });
        }
        let records = summary::interleave_records(path_cands);
        summary.max_excursion = records.last().copied();
        summary.path_records = records;
    }
    ctl.advance(len as u64);
    Ok(summary)
}

/// Calls `each(n, result)` for every n = 3 (mod 4) in [start, end), in order, a block at a
/// time: the residue table (or the kernel) for the whole block first, then the block's memo
/// lookups, which miss the cache independently of each other. Returns the count.
fn each_three_mod_four(
    start: u64,
    end: u64,
    p: u64,
    view: &MemoView,
    ctl: &Control,
    mut each: impl FnMut(u64, Out) -> Result<()>,
) -> Result<u64> {
    let mut pending = [Pending::default(); BLOCK];
    let mut finished = [Out::default(); BLOCK];
    let mut n0 = start + (7 - start % 4) % 4;
    let mut count = 0;
    let mut since_check = 0;
    while n0 < end {
        since_check += BLOCK;
        if since_check >= 1024 {
            ctl.check()?;
            since_check = 0;
        }
        let block = (((end - n0).div_ceil(4)) as usize).min(BLOCK);
        for (j, slot) in pending[..block].iter_mut().enumerate() {
            let n = n0 + 4 * j as u64;
            *slot = match drop_pending(n, p) {
                Some(d) => d,
                None => compute(n, p)?,
            };
        }
        for (slot, fin) in pending[..block].iter().zip(finished.iter_mut()) {
            *fin = slot.finish(view);
        }
        for (j, r) in finished[..block].iter().enumerate() {
            each(n0 + 4 * j as u64, *r)?;
        }
        count += block as u64;
        n0 += 4 * block as u64;
    }
    Ok(count)
}

/// Where [`leaf_dense`] writes: the wave's memo entries and the requested columns.
struct Sink<'s> {
    /// the largest step count written, checked against u16 at the end
    top: u32,
    /// whether anything at all is written
    any: bool,
    memo_tst: Option<&'s mut [u16]>,
    memo_max: Option<&'s mut [u64]>,
    tst: Option<&'s mut [u16]>,
    glide: Option<&'s mut [u16]>,
    max: Option<MaxSlice<'s>>,
}

impl Sink<'_> {
    #[inline(always)]
    fn put(&mut self, i: usize, r: &Out) {
        self.top = self.top.max(r.tst).max(r.glide);
        if !self.any {
            return;
        }
        if let Some(t) = &mut self.memo_tst {
            t[i] = r.tst as u16;
        }
        if let Some(m) = &mut self.memo_max {
            // memo values are far below 12,327,829,503: their maxima fit u64
            m[i] = r.max as u64;
        }
        if let Some(t) = &mut self.tst {
            t[i] = r.tst as u16;
        }
        if let Some(g) = &mut self.glide {
            g[i] = r.glide as u16;
        }
        match &mut self.max {
            Some(MaxSlice::U64(m)) => m[i] = r.max as u64,
            Some(MaxSlice::U128(m)) => m[i] = r.max,
            None => {}
        }
    }
}

/// Whether [`leaf_dense`] can take the chunk: no odd steps anywhere, and the even and
/// n = 1 (mod 4) rules land inside the memo for every n of the chunk.
fn dense_ok(start: u64, len: usize, p: u64, view: &MemoView, want: Want) -> bool {
    let last = start + len as u64 - 1;
    len > 0
        && start >= 8
        && !want.odd_steps
        && view.odd.is_none()
        && last / 2 < p
        && 3 * (last >> 2) + 1 < p
}

/// The hot path: the chunk's start values class by class. Even n and n = 1 (mod 4) take one
/// memo lookup each (n/2, (3n+1)/4); n = 3 (mod 4) take the residue table when their class
/// surely drops within 16 steps (the maximum before the drop is computed only when its
/// bound could matter), and are followed otherwise. Each class keeps its own summary, merged
/// by n at the end.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn leaf_dense(
    start: u64,
    mut out: Slices<'_>,
    p: u64,
    view: &MemoView,
    mut memo: Option<MemoSlices<'_>>,
    summarize: bool,
    want: Want,
    ctl: &Control,
) -> Result<Option<Summary>> {
    let len = out.len;
    let end = start + len as u64;
    let exact_max = view.max.is_some();
    let (memo_tst, memo_max) = match memo.take() {
        Some(m) => (Some(m.tst), m.max),
        None => (None, None),
    };
    let mut sink = Sink {
        top: 0,
        any: memo_tst.is_some()
            || memo_max.is_some()
            || out.tst.is_some()
            || out.glide.is_some()
            || out.max.is_some(),
        memo_tst,
        memo_max,
        tst: out.tst.take(),
        glide: out.glide.take(),
        max: out.max.take(),
    };
    let mut emit = |i: usize, r: &Out| sink.put(i, r);
    let mut accs: Vec<Acc> = (0..3).map(|_| Acc::new(start)).collect();
    let mut counts = [0u64; 3];

    ctl.check()?;
    // even n: one halving to n/2 < p; n = 4k + 1: three steps to 3k + 1 < p. Each takes one
    // memo lookup; its maximum before the drop is n or 3n + 1.
    let classes = [
        (start + (start & 1), 2u64, 1u32),
        (start + (5 - start % 4) % 4, 4, 3),
    ];
    for (class, &(first, stride, steps)) in classes.iter().enumerate() {
        let mut n = first;
        while n < end {
            let (idx, peak) = if stride == 2 {
                (n >> 1, n as u128)
            } else {
                (3 * (n >> 2) + 1, 3 * n as u128 + 1)
            };
            let r = Out {
                tst: view.tst_at(idx) + steps,
                glide: steps,
                odd: 0,
                max: view.max_at(idx).map_or(peak, |mx| (mx as u128).max(peak)),
            };
            emit((n - start) as usize, &r);
            if summarize {
                accs[class].push_tst(n, r.tst);
                // without exact maxima the value is n (3n + 1), below what the odd n - 1
                // (the n - 2 = 3 mod 4) meets before it drops: only a class's first n in the
                // chunk can be a path record
                if exact_max || n < start + 4 {
                    accs[class].push_max(n, r.max);
                }
            }
            counts[class] += 1;
            n += stride;
        }
        accs[class].push_glides(first, steps, counts[class]);
        ctl.check()?;
    }
    // n = 4k + 3: the residue table or the kernel
    counts[2] = each_three_mod_four(start, end, p, view, ctl, |n, r| {
        emit((n - start) as usize, &r);
        if summarize {
            accs[2].push3(n, r.tst, r.glide, r.max);
        }
        Ok(())
    })?;
    to_u16(sink.top, start)?;
    ctl.advance(len as u64);
    if !summarize {
        return Ok(None);
    }
    let parts: Vec<Summary> = accs
        .into_iter()
        .zip(counts)
        .map(|(a, c)| a.finish(c, &want))
        .collect();
    Ok(Some(summary::merge_interleaved(start, end, parts)))
}

/// Start values whose memo lookups are issued together.
const BLOCK: usize = 32;

/// One chunk, sequentially: compute every n, write the memo and output slices, summarise.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn leaf(
    start: u64,
    mut out: Slices<'_>,
    p: u64,
    view: &MemoView,
    mut memo: Option<MemoSlices<'_>>,
    want: Want,
    summarize: bool,
    ctl: &Control,
) -> Result<Option<Summary>> {
    let mut summary = summarize.then(|| Acc::new(start));
    let mut pending = [Pending::default(); BLOCK];
    let mut finished = [Out::default(); BLOCK];
    let mut i = 0;
    while i < out.len {
        if i % 4096 == 0 {
            ctl.check()?;
        }
        let block = BLOCK.min(out.len - i);
        // first every kernel walk of the block, then its memo lookups, which miss the cache
        // independently of each other
        for (j, slot) in pending[..block].iter_mut().enumerate() {
            *slot = compute(start + (i + j) as u64, p)?;
        }
        // a tight gather loop: all of the block's loads are in flight at once
        for (slot, fin) in pending[..block].iter().zip(finished.iter_mut()) {
            *fin = slot.finish(view);
        }
        for (j, r) in finished[..block].iter().enumerate() {
            let i = i + j;
            let n = start + i as u64;
            if let Some(m) = &mut memo {
                m.tst[i] = to_u16(r.tst, n)?;
                if let Some(o) = &mut m.odd {
                    o[i] = to_u16(r.odd, n)?;
                }
                if let Some(mx) = &mut m.max {
                    // memo bounds stay far below 12,327,829,503, whose maxima fit u64
                    mx[i] = u64::try_from(r.max).map_err(|_| Error::LimitExceeded {
                        what: "u64 maximum in memo",
                        limit: 64,
                        steps: r.tst as u64,
                        bits: 128 - r.max.leading_zeros() as u64,
                    })?;
                }
            }
            if let Some(t) = &mut out.tst {
                t[i] = to_u16(r.tst, n)?;
            }
            if let Some(g) = &mut out.glide {
                g[i] = to_u16(r.glide, n)?;
            }
            if let Some(o) = &mut out.odd {
                o[i] = to_u16(r.odd, n)?;
            }
            match &mut out.max {
                Some(MaxSlice::U64(m)) => m[i] = r.max as u64,
                Some(MaxSlice::U128(m)) => m[i] = r.max,
                None => {}
            }
            if let Some(s) = &mut summary {
                s.push(n, r, &want);
            }
        }
        i += block;
    }
    ctl.advance(out.len as u64);
    Ok(summary.map(|s| s.finish(out.len as u64, &want)))
}

/// Iterator returned by [`RangeEngine::chunks`].
pub struct Chunks<'e, 'o> {
    engine: &'e RangeEngine,
    next: u64,
    end: u64,
    want: Want,
    opts: RunOptions<'o>,
}

impl Iterator for Chunks<'_, '_> {
    type Item = Result<Columns>;

    fn next(&mut self) -> Option<Result<Columns>> {
        if self.next >= self.end {
            return None;
        }
        let start = self.next;
        let end = start.saturating_add(self.opts.chunk_size).min(self.end);
        self.next = end;
        // split each chunk among the threads
        let threads = self.opts.threads.unwrap_or_else(rayon::current_num_threads) as u64;
        let inner = RunOptions {
            chunk_size: ((end - start).div_ceil(threads.max(1) * 4)).max(1024),
            ..self.opts.clone()
        };
        let result = self.engine.columns(start..end, self.want, &inner);
        if result.is_err() {
            self.next = self.end;
        }
        Some(result)
    }
}
