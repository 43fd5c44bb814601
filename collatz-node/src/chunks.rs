//! `chunks`: an async iterator of chunk columns over the core's `ChunkCursor`. Each `next()`
//! computes one chunk on the libuv thread pool, and only when asked: the consumer sets the
//! pace, and memory stays near one chunk whatever the range.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use collatz_core::range::{CancelToken, ChunkCursor, Columns as CoreColumns, Want};
use collatz_core::Error as CoreError;
use napi::bindgen_prelude::{AsyncTask, ObjectFinalize, PromiseRaw, This};
use napi::{Env, Result, Task};
use napi_derive::napi;

use crate::convert::StartArg;
use crate::errors::core;
use crate::range::{
    columns_js, engine, hooks, job, rejection, Columns, Job, ProgressFn, RangeOptions, SignalHook,
};

/// The columns of [start, end) in chunks of `chunkSize` start values (default 2^18), as an
/// async iterator: `for await (const c of chunks(1, 1e9)) { c.start; c.totalStoppingTime }`.
/// Each chunk is computed on the libuv thread pool when the loop asks for it (never ahead),
/// with `threads` threads; `signal` stops it (the pending `next()` rejects with an AbortError),
/// `onProgress(done, total)` counts over the whole range. Bad arguments throw at once.
#[napi]
pub fn chunks(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<ChunkIterator> {
    let job = job(&env, start, end, &options, Want::TOTAL_STOPPING_TIME)?;
    let cursor = core(&env, ChunkCursor::new(job.range.clone(), job.want))?;
    let cancel = CancelToken::new();
    let (signal, progress) = hooks(&env, options, &cancel)?;
    Ok(ChunkIterator {
        state: Arc::new(Shared {
            job,
            cancel,
            progress,
            closed: AtomicBool::new(false),
            turns: Mutex::new(Turns { cursor, served: 0 }),
            turn_done: Condvar::new(),
            signal: Mutex::new(signal),
        }),
        issued: AtomicU64::new(0),
    })
}

/// The iterator of `chunks`: `next()` gives a Promise of the next chunk's columns, `return()`
/// stops early (what `break` in a `for await` loop calls).
#[napi(custom_finalize)]
pub struct ChunkIterator {
    state: Arc<Shared>,
    /// `next()` calls made so far: each one's turn.
    issued: AtomicU64,
}

/// What the iterator's tasks share.
struct Shared {
    job: Job,
    cancel: CancelToken,
    progress: Option<ProgressFn>,
    /// Set by `return()`: later `next()` calls are done.
    closed: AtomicBool,
    turns: Mutex<Turns>,
    turn_done: Condvar,
    /// The AbortSignal's hook, let go when the iteration ends (used on the JavaScript thread
    /// only).
    signal: Mutex<Option<SignalHook>>,
}

/// The cursor, and how many `next()` calls it has served: calls made before the previous one
/// settled are served in the order they were made.
struct Turns {
    cursor: ChunkCursor,
    served: u64,
}

impl Shared {
    fn hook(&self) -> MutexGuard<'_, Option<SignalHook>> {
        self.signal.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets the signal go: its listener is removed, or, from a finalizer (`detach` false),
    /// only the reference to it dropped.
    fn end(&self, env: &Env, detach: bool) -> Result<()> {
        match self.hook().take() {
            Some(hook) if detach => hook.detach(env),
            Some(hook) => hook.release(env),
            None => Ok(()),
        }
    }

    /// The chunk of turn `turn`, after every earlier turn (the wait is on a libuv thread,
    /// never inside a rayon job; a turn's predecessors were queued before it).
    fn take(&self, turn: u64) -> std::result::Result<Option<CoreColumns>, CoreError> {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        while turns.served < turn {
            turns = self
                .turn_done
                .wait(turns)
                .unwrap_or_else(|e| e.into_inner());
        }
        let out = if self.closed.load(Ordering::Acquire) {
            Ok(None)
        } else if self.cancel.is_cancelled() {
            Err(CoreError::Cancelled)
        } else {
            let (engine, cursor) = (engine(), &mut turns.cursor);
            self.job
                .run(Some(self.cancel.clone()), self.progress.as_ref(), |o| {
                    cursor.next_chunk(&engine, o).transpose()
                })
        };
        turns.served += 1;
        self.turn_done.notify_all();
        out
    }
}

/// One step of the iteration of `chunks` (`IteratorResult<Columns, undefined>`).
#[napi(object, object_from_js = false)]
pub struct ChunkStep {
    pub done: bool,
    pub value: Option<Columns>,
}

const DONE: ChunkStep = ChunkStep {
    done: true,
    value: None,
};

#[napi]
impl ChunkIterator {
    /// The next chunk's columns, computed now on the libuv thread pool; `{ done: true }` after
    /// the last one.
    #[napi(ts_return_type = "Promise<IteratorResult<Columns, undefined>>")]
    pub fn next(&self) -> AsyncTask<NextChunk> {
        AsyncTask::new(NextChunk {
            state: self.state.clone(),
            turn: self.issued.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Stops the iteration: later `next()` calls are done, and the signal is let go.
    #[napi(
        js_name = "return",
        ts_return_type = "Promise<IteratorResult<Columns, undefined>>"
    )]
    pub fn stop<'e>(&self, env: &'e Env) -> Result<PromiseRaw<'e, ChunkStep>> {
        self.state.closed.store(true, Ordering::Release);
        self.state.end(env, true)?;
        PromiseRaw::resolve(env, DONE)
    }

    /// The iterator itself (what `for await` asks for).
    #[napi(well_known_symbol = "asyncIterator")]
    pub fn iterator<'a>(&self, this: This<'a>) -> This<'a> {
        this
    }
}

impl ObjectFinalize for ChunkIterator {
    fn finalize(self, env: Env) -> Result<()> {
        // no JavaScript may run here: the listener stays on the signal (it only cancels a
        // token nobody reads any more), the reference to the signal goes
        self.state.end(&env, false)
    }
}

/// The Promise of one `next()`.
pub struct NextChunk {
    state: Arc<Shared>,
    turn: u64,
}

impl Task for NextChunk {
    type Output = std::result::Result<Option<CoreColumns>, CoreError>;
    type JsValue = ChunkStep;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self.state.take(self.turn))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<ChunkStep> {
        match out {
            Ok(Some(c)) => Ok(ChunkStep {
                done: false,
                value: Some(columns_js(c)),
            }),
            Ok(None) => {
                self.state.end(&env, true)?;
                Ok(DONE)
            }
            Err(e) => {
                let err = rejection(&env, e, self.state.hook().as_ref());
                self.state.end(&env, true)?;
                Err(err)
            }
        }
    }
}
