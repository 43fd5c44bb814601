//! How a call is run and stopped: the options a caller passes ([`RunOptions`], with its
//! [`CancelToken`] and [`Progress`] callback), and the [`Control`] that the chunks of one call
//! share.
//!
//! When it runs: a [`Control`] is made at the start of every call; the chunks check it for
//! cancellation and report progress through it after each chunk. What it costs: a relaxed
//! atomic load per check (at least every 4096 start values) and an atomic add per chunk.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

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
    /// (and the size of each item of [`RangeEngine::chunks`](super::RangeEngine::chunks)). Default 2^18.
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

/// What the chunks of one call share: its options, the progress made, and the path floor.
pub(super) struct Control<'a> {
    pub(super) total: u64,
    done: AtomicU64,
    pub(super) opts: &'a RunOptions<'a>,
    /// Chunks that took the summary hot path.
    pub(super) hot_chunks: AtomicU64,
    /// A maximum (as the summaries report it) that some start value of the range below the
    /// running chunks reaches: a chunk's path candidates at or below it cannot be records, so
    /// the chunk starts its search from it (raised as the chunks below finish; 0 where none is
    /// known yet).
    path_floor: AtomicU64,
}

impl<'a> Control<'a> {
    pub(super) fn new(total: u64, opts: &'a RunOptions<'a>) -> Self {
        Control {
            total,
            done: AtomicU64::new(0),
            opts,
            hot_chunks: AtomicU64::new(0),
            path_floor: AtomicU64::new(0),
        }
    }
    pub(super) fn check(&self) -> Result<()> {
        match &self.opts.cancel {
            Some(c) if c.is_cancelled() => Err(Error::Cancelled),
            _ => Ok(()),
        }
    }
    pub(super) fn path_floor(&self) -> u128 {
        self.path_floor.load(Ordering::Relaxed) as u128
    }
    /// Raises the path floor to `v` (capped to u64: a lower floor stays valid).
    pub(super) fn raise_path_floor(&self, v: u128) {
        self.path_floor
            .fetch_max(v.min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }
    pub(super) fn advance(&self, n: u64) {
        if let Some(progress) = self.opts.progress {
            let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
            progress(done.min(self.total), self.total);
        }
    }
}
