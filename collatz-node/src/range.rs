//! Ranges of start values: typed-array columns, summaries, verification (sync and as
//! Promises that run off the event loop, with AbortSignal and progress), and the cache.

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use collatz_core::cache::StepCache as CoreCache;
use collatz_core::range::{
    check_range, check_verify_range, CancelToken, Columns as CoreColumns, MaxColumn, RangeEngine,
    Record as CoreRecord, RunOptions, Summary as CoreSummary, Verification as CoreVerification,
    Want,
};
use collatz_core::{Error as CoreError, FieldCase};
use napi::bindgen_prelude::{
    AsyncTask, BigInt, BigUint64Array, Either, Either3, FnArgs, Function, FunctionRef,
    JsObjectValue, Object, ObjectRef, Uint16Array, Unknown,
};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Result, Status, Task};
use napi_derive::napi;

use crate::convert::{bound, non_negative_integer, positive_integer, wide_bound, StartArg};
use crate::errors::{core, js_error, Failure};

/// The engine behind every range call: its memo of step counts (capped at 256 MiB) is reused
/// by later calls, and any number of calls may run on it at once.
pub fn engine() -> Arc<RangeEngine> {
    static ENGINE: OnceLock<Arc<RangeEngine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(RangeEngine::new())).clone()
}

/// An `onProgress` callback, callable from any thread. Weak: it does not keep the process
/// alive (a running call does, through its task; an idle `chunks` iterator must not).
pub type ProgressFn =
    ThreadsafeFunction<FnArgs<(f64, f64)>, (), FnArgs<(f64, f64)>, Status, false, true>;

/// Options of the range calls.
#[napi(object, object_to_js = false)]
pub struct RangeOptions<'env> {
    /// Statistics to compute: any of "totalStoppingTime", "stoppingTime", "oddSteps",
    /// "maxExcursion". Default: ["totalStoppingTime"] for columns and chunks; for summaries
    /// the core's default, every statistic but "oddSteps" (which switches the fast paths off).
    pub fields: Option<Vec<String>>,
    /// Worker threads (default: one per core).
    pub threads: Option<u32>,
    /// Start values per unit of parallel work, progress and cancellation, and per chunk of
    /// `chunks` (default 2^18).
    pub chunk_size: Option<f64>,
    /// Async calls only: stops the call; its Promise rejects with an AbortError.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
    /// Async calls only: called as onProgress(done, total) while the call runs (at most
    /// every 50 ms, and at the end).
    #[napi(ts_type = "(done: number, total: number) => void")]
    pub on_progress: Option<ProgressFn>,
}

/// The validated part of a call: what, where, how.
pub struct Job {
    /// The bounds, for every call but verify (0..0 for a verify job).
    pub range: Range<u64>,
    /// The bounds of a verify job (below 2^128).
    pub wide: Range<u128>,
    pub want: Want,
    threads: Option<usize>,
    chunk_size: u64,
}

/// Checks a call's bounds and options (synchronously, so that an async call's bad arguments
/// throw before a Promise exists).
pub fn job(
    env: &Env,
    start: StartArg,
    end: StartArg,
    o: &Option<RangeOptions<'_>>,
    default: Want,
) -> Result<Job> {
    let want = match o.as_ref().and_then(|o| o.fields.as_ref()) {
        Some(names) => {
            Want::from_names_in(names, FieldCase::Camel).map_err(|e| js_error(env, e, None))?
        }
        None => default,
    };
    let threads = o.as_ref().and_then(|o| o.threads);
    let chunk_size = o.as_ref().and_then(|o| o.chunk_size);
    job_of(env, start, end, want, threads, chunk_size)
}

/// A verify job: bounds below 2^128.
pub fn verify_job(
    env: &Env,
    start: StartArg,
    end: StartArg,
    threads: Option<u32>,
    chunk_size: Option<f64>,
) -> Result<Job> {
    let start = wide_bound(env, start, "start")?;
    let end = wide_bound(env, end, "end")?;
    check_verify_range(&(start..end)).map_err(|e| js_error(env, e, None))?;
    let (threads, chunk_size) = options(env, threads, chunk_size)?;
    Ok(Job {
        range: 0..0,
        wide: start..end,
        want: Want::TOTAL_STOPPING_TIME,
        threads,
        chunk_size,
    })
}

/// The options `threads` and `chunkSize`, checked.
fn options(
    env: &Env,
    threads: Option<u32>,
    chunk_size: Option<f64>,
) -> Result<(Option<usize>, u64)> {
    let threads = threads.map(|t| t as usize);
    let chunk_size = match chunk_size {
        Some(c) => positive_integer(env, c, "chunkSize")?,
        None => RunOptions::default().chunk_size,
    };
    RunOptions {
        threads,
        chunk_size,
        ..RunOptions::default()
    }
    .check()
    .map_err(|e| js_error(env, e, None))?;
    Ok((threads, chunk_size))
}

/// [`job`] from its parts: the bounds, the statistics, and the options `threads` and
/// `chunkSize` as given.
pub fn job_of(
    env: &Env,
    start: StartArg,
    end: StartArg,
    want: Want,
    threads: Option<u32>,
    chunk_size: Option<f64>,
) -> Result<Job> {
    let start = bound(env, start, "start")?;
    let end = bound(env, end, "end")?;
    // the core's own checks, before a Promise exists
    check_range(&(start..end)).map_err(|e| js_error(env, e, None))?;
    let (threads, chunk_size) = options(env, threads, chunk_size)?;
    Ok(Job {
        range: start..end,
        wide: start as u128..end as u128,
        want,
        threads,
        chunk_size,
    })
}

impl Job {
    /// Runs `f` with the job's options, a cancel token and throttled progress.
    pub fn run<T>(
        &self,
        cancel: Option<CancelToken>,
        progress: Option<&ProgressFn>,
        f: impl FnOnce(&RunOptions) -> collatz_core::Result<T>,
    ) -> collatz_core::Result<T> {
        let last = Mutex::new(Instant::now());
        let report = |done: u64, total: u64| {
            if let Some(p) = progress {
                let mut at = last.lock().unwrap_or_else(|e| e.into_inner());
                if done == total || at.elapsed() >= Duration::from_millis(50) {
                    *at = Instant::now();
                    p.call(
                        (done as f64, total as f64).into(),
                        ThreadsafeFunctionCallMode::NonBlocking,
                    );
                }
            }
        };
        let opts = RunOptions {
            threads: self.threads,
            chunk_size: self.chunk_size,
            cancel,
            progress: progress
                .is_some()
                .then_some(&report as &(dyn Fn(u64, u64) + Sync)),
        };
        f(&opts)
    }
}

/// `signal.addEventListener(type, listener)` and `removeEventListener`.
type EventListenerMethod<'a> = Function<'a, FnArgs<(&'a str, Function<'a, (), ()>)>, Unknown<'a>>;

/// An AbortSignal tied to a call's cancel token: its "abort" event cancels the call, its
/// `reason` becomes the AbortError's `cause`, and the listener goes when the call ends (a
/// signal shared by many calls does not collect listeners).
pub struct SignalHook {
    signal: ObjectRef<false>,
    listener: Option<FunctionRef<(), ()>>,
}

impl SignalHook {
    /// Hooks `signal` to `cancel`; an already aborted signal cancels at once.
    pub fn attach(env: &Env, signal: Object<'_>, cancel: &CancelToken) -> Result<SignalHook> {
        let not_a_signal = || {
            js_error(
                env,
                Failure::Type("signal must be an AbortSignal".into()),
                None,
            )
        };
        let add: EventListenerMethod<'_> = signal
            .get_named_property("addEventListener")
            .map_err(|_| not_a_signal())?;
        let aborted = signal
            .get_named_property::<Option<bool>>("aborted")
            .map_err(|_| not_a_signal())?
            .unwrap_or(false);
        let listener = if aborted {
            cancel.cancel();
            None
        } else {
            let token = cancel.clone();
            let f = env.create_function_from_closure::<(), (), _>("onabort", move |_| {
                token.cancel();
                Ok(())
            })?;
            add.apply(signal, ("abort", f).into())?;
            Some(f.create_ref()?)
        };
        Ok(SignalHook {
            signal: signal.create_ref()?,
            listener,
        })
    }

    /// The signal's `reason`.
    pub fn reason<'e>(&self, env: &'e Env) -> Option<Unknown<'e>> {
        let signal = self.signal.get_value(env).ok()?;
        signal.get_named_property::<Unknown<'_>>("reason").ok()
    }

    /// Removes the listener and lets the signal go.
    pub fn detach(self, env: &Env) -> Result<()> {
        let signal = self.signal.get_value(env)?;
        if let Some(listener) = &self.listener {
            let remove: EventListenerMethod<'_> =
                signal.get_named_property("removeEventListener")?;
            remove.apply(signal, ("abort", listener.borrow_back(env)?).into())?;
        }
        self.release(env)
    }

    /// Lets the signal go without touching it (from a finalizer, where no JavaScript runs).
    pub fn release(self, env: &Env) -> Result<()> {
        drop(self.listener);
        self.signal.unref(env)
    }
}

/// The signal and progress callback of an async call's options, its cancel token hooked up.
pub fn hooks(
    env: &Env,
    options: Option<RangeOptions<'_>>,
    cancel: &CancelToken,
) -> Result<(Option<SignalHook>, Option<ProgressFn>)> {
    match options {
        Some(o) => hooks_of(env, o.signal, o.on_progress, cancel),
        None => Ok((None, None)),
    }
}

/// [`hooks`] from an options object's `signal` and `onProgress`.
pub fn hooks_of(
    env: &Env,
    signal: Option<Object<'_>>,
    on_progress: Option<ProgressFn>,
    cancel: &CancelToken,
) -> Result<(Option<SignalHook>, Option<ProgressFn>)> {
    let hook = match signal {
        Some(signal) => Some(SignalHook::attach(env, signal, cancel)?),
        None => None,
    };
    Ok((hook, on_progress))
}

/// A core error of an async call as the JavaScript error it rejects with (an abort's `cause`
/// is the signal's reason).
pub fn rejection(env: &Env, e: CoreError, hook: Option<&SignalHook>) -> napi::Error {
    let reason = match (&e, hook) {
        (CoreError::Cancelled, Some(h)) => h.reason(env),
        _ => None,
    };
    js_error(env, e, reason)
}

/// Column results: one typed array per requested statistic; entry i belongs to start + i.
#[napi(object)]
pub struct Columns {
    /// The first start value.
    pub start: BigInt,
    pub total_stopping_time: Option<Uint16Array>,
    pub stopping_time: Option<Uint16Array>,
    pub odd_steps: Option<Uint16Array>,
    /// Maxima as a BigUint64Array, or an array of bigints past n = 12,327,829,503 (where
    /// they can exceed 64 bits).
    pub max_excursion: Option<Either<BigUint64Array, Vec<BigInt>>>,
}

pub fn columns_js(c: CoreColumns) -> Columns {
    Columns {
        start: BigInt::from(c.start),
        total_stopping_time: c.total_stopping_time.map(Uint16Array::new),
        stopping_time: c.stopping_time.map(Uint16Array::new),
        odd_steps: c.odd_steps.map(Uint16Array::new),
        max_excursion: c.max_excursion.map(|m| match m {
            MaxColumn::U64(v) => Either::A(BigUint64Array::new(v)),
            MaxColumn::U128(v) => Either::B(v.into_iter().map(BigInt::from).collect()),
        }),
    }
}

/// One record: a start value (decimal string) and its statistic (a number of steps, or a
/// maximum as a decimal string).
#[napi(object, js_name = "RangeRecord")]
pub struct Record {
    pub n: String,
    #[napi(ts_type = "number | string")]
    pub value: Either<f64, String>,
}

/// Count, sum, mean and maximum of one statistic over a range.
#[napi(object)]
pub struct StatSummary {
    /// Sum, as a decimal string (it can pass 2^53).
    pub sum: String,
    pub mean: f64,
    pub max: u32,
    /// The first n that reaches `max` (decimal string).
    pub max_n: String,
}

/// A summary as a plain object that `JSON.stringify` serialises as is: 64-bit integers
/// (start values, counts, sums, maxima) are decimal strings, step counts are numbers.
#[napi(object)]
pub struct Summary {
    pub start: String,
    pub end: String,
    pub count: String,
    pub total_stopping_time: Option<StatSummary>,
    pub stopping_time: Option<StatSummary>,
    pub odd_steps: Option<StatSummary>,
    /// The highest maximum excursion and the first n that reaches it.
    pub max_excursion: Option<Record>,
    /// `histogram[t]` = how many n of the range take t steps.
    pub histogram: Vec<f64>,
    pub delay_records: Vec<Record>,
    pub path_records: Vec<Record>,
    pub glide_records: Vec<Record>,
}

fn record(r: &CoreRecord, as_number: bool) -> Record {
    Record {
        n: r.n.to_string(),
        value: if as_number {
            Either::A(r.value as f64)
        } else {
            Either::B(r.value.to_string())
        },
    }
}

fn summary_js(s: CoreSummary) -> Summary {
    let stat = |x: Option<collatz_core::range::StatSummary>| {
        x.map(|x| StatSummary {
            sum: x.sum.to_string(),
            mean: x.mean(s.count),
            max: x.max,
            max_n: x.max_n.to_string(),
        })
    };
    Summary {
        start: s.start.to_string(),
        end: s.end.to_string(),
        count: s.count.to_string(),
        total_stopping_time: stat(s.total_stopping_time),
        stopping_time: stat(s.stopping_time),
        odd_steps: stat(s.odd_steps),
        max_excursion: s.max_excursion.as_ref().map(|r| record(r, false)),
        histogram: s.histogram.iter().map(|&c| c as f64).collect(),
        delay_records: s.delay_records.iter().map(|r| record(r, true)).collect(),
        path_records: s.path_records.iter().map(|r| record(r, false)).collect(),
        glide_records: s.glide_records.iter().map(|r| record(r, true)).collect(),
    }
}

/// The result of verify: start values shown to reach 1, how many needed following, and the
/// highest value met (with its start value).
#[napi(object)]
pub struct Verification {
    pub start: String,
    pub end: String,
    pub verified: String,
    pub followed: String,
    pub max_value: String,
    pub max_value_n: String,
    /// What was proved, in words.
    pub proved: String,
}

fn verification_js(v: CoreVerification) -> Verification {
    Verification {
        start: v.start.to_string(),
        end: v.end.to_string(),
        verified: v.verified.to_string(),
        followed: v.followed.to_string(),
        max_value: v.max_value.to_string(),
        max_value_n: v.max_value_n.to_string(),
        proved: v.proved(),
    }
}

/// Statistics of every n in [start, end) as typed arrays (Uint16Array step counts,
/// BigUint64Array maxima), moved from Rust without a per-element copy. Blocks the event loop:
/// use `columnsAsync` (or `chunks`) for long ranges.
#[napi]
pub fn columns(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<Columns> {
    let j = job(&env, start, end, &options, Want::TOTAL_STOPPING_TIME)?;
    let r = j.run(None, None, |o| engine().columns(j.range.clone(), j.want, o));
    core(&env, r).map(columns_js)
}

/// Summary of [start, end): count, sums, means, maxima, the histogram of total stopping
/// times, and the delay, path and glide records. Memory does not grow with the range.
#[napi]
pub fn summary(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<Summary> {
    let j = job(&env, start, end, &options, Want::default())?;
    let r = j.run(None, None, |o| engine().summary(j.range.clone(), j.want, o));
    core(&env, r).map(summary_js)
}

/// Shows that every n in [start, end) reaches 1, given that every n below start does, for
/// bounds below 2^128 (at most 2^64 - 1 numbers).
#[napi]
pub fn verify(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<Verification> {
    let j = verify_job_of(&env, start, end, &options)?;
    let r = j.run(None, None, |o| engine().verify(j.wide.clone(), o));
    core(&env, r).map(verification_js)
}

/// [`verify_job`] with a range call's options (`fields`, checked as every range call checks
/// it, does not change a verification).
fn verify_job_of(
    env: &Env,
    start: StartArg,
    end: StartArg,
    o: &Option<RangeOptions<'_>>,
) -> Result<Job> {
    if let Some(names) = o.as_ref().and_then(|o| o.fields.as_ref()) {
        Want::from_names_in(names, FieldCase::Camel).map_err(|e| js_error(env, e, None))?;
    }
    let threads = o.as_ref().and_then(|o| o.threads);
    let chunk_size = o.as_ref().and_then(|o| o.chunk_size);
    verify_job(env, start, end, threads, chunk_size)
}

/// Which call an async task runs.
#[derive(Clone, Copy)]
pub enum Kind {
    Columns,
    Summary,
    Verify,
}

pub enum Output {
    Columns(CoreColumns),
    Summary(CoreSummary),
    Verify(CoreVerification),
}

/// A Promise of a range call, computed on the libuv thread pool.
pub struct RangeTask {
    job: Job,
    kind: Kind,
    cancel: CancelToken,
    progress: Option<ProgressFn>,
    signal: Option<SignalHook>,
}

impl Task for RangeTask {
    /// The core's error travels to `resolve`, which turns it into a JavaScript error on the
    /// JavaScript thread.
    type Output = std::result::Result<Output, CoreError>;
    type JsValue = Either3<Columns, Summary, Verification>;

    fn compute(&mut self) -> Result<Self::Output> {
        let (j, e) = (&self.job, engine());
        let cancel = Some(self.cancel.clone());
        let progress = self.progress.as_ref();
        let range = || j.range.clone();
        Ok(match self.kind {
            Kind::Columns => j
                .run(cancel, progress, |o| e.columns(range(), j.want, o))
                .map(Output::Columns),
            Kind::Summary => j
                .run(cancel, progress, |o| e.summary(range(), j.want, o))
                .map(Output::Summary),
            Kind::Verify => j
                .run(cancel, progress, |o| e.verify(j.wide.clone(), o))
                .map(Output::Verify),
        })
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<Self::JsValue> {
        match out {
            Ok(Output::Columns(c)) => Ok(Either3::A(columns_js(c))),
            Ok(Output::Summary(s)) => Ok(Either3::B(summary_js(s))),
            Ok(Output::Verify(v)) => Ok(Either3::C(verification_js(v))),
            Err(e) => Err(rejection(&env, e, self.signal.as_ref())),
        }
    }

    fn finally(self, env: Env) -> Result<()> {
        match self.signal {
            Some(hook) => hook.detach(&env),
            None => Ok(()),
        }
    }
}

fn task(
    env: &Env,
    job: Job,
    kind: Kind,
    options: Option<RangeOptions<'_>>,
) -> Result<AsyncTask<RangeTask>> {
    let cancel = CancelToken::new();
    let (signal, progress) = hooks(env, options, &cancel)?;
    Ok(AsyncTask::new(RangeTask {
        job,
        kind,
        cancel,
        progress,
        signal,
    }))
}

/// `columns` as a Promise, computed off the event loop; `options.signal` aborts it,
/// `options.onProgress(done, total)` reports progress. Bad arguments throw at once.
#[napi(ts_return_type = "Promise<Columns>")]
pub fn columns_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<AsyncTask<RangeTask>> {
    let j = job(&env, start, end, &options, Want::TOTAL_STOPPING_TIME)?;
    task(&env, j, Kind::Columns, options)
}

/// `summary` as a Promise, computed off the event loop, with `signal` and `onProgress`.
#[napi(ts_return_type = "Promise<Summary>")]
pub fn summary_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<AsyncTask<RangeTask>> {
    let j = job(&env, start, end, &options, Want::default())?;
    task(&env, j, Kind::Summary, options)
}

/// `verify` as a Promise, computed off the event loop, with `signal` and `onProgress`.
#[napi(ts_return_type = "Promise<Verification>")]
pub fn verify_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<AsyncTask<RangeTask>> {
    let j = verify_job_of(&env, start, end, &options)?;
    task(&env, j, Kind::Verify, options)
}

/// Counters of a StepCache.
#[napi(object)]
pub struct CacheStats {
    pub hits: f64,
    pub misses: f64,
    pub evictions: f64,
    pub entries: f64,
}

/// A cache of total stopping times: a dense table below `denseBelow`, and at most `capacity`
/// entries above it (least recently used evicted).
#[napi]
pub struct StepCache {
    inner: CoreCache,
}

#[napi]
impl StepCache {
    #[napi(constructor)]
    pub fn new(env: Env, dense_below: Option<f64>, capacity: Option<f64>) -> Result<Self> {
        let size = |v: Option<f64>, what: &str| match v {
            None => Ok(1 << 20),
            Some(x) => non_negative_integer(&env, x, what),
        };
        let dense = size(dense_below, "denseBelow")?;
        let cap = size(capacity, "capacity")?;
        core(&env, CoreCache::new(dense, cap as usize)).map(|inner| StepCache { inner })
    }

    /// Total stopping time of n (below 2^64), from the cache when it is there.
    #[napi]
    pub fn total_stopping_time(
        &self,
        env: Env,
        #[napi(ts_arg_type = "number | bigint | string")] n: StartArg,
    ) -> Result<u32> {
        let v = bound(&env, n, "n")?;
        core(&env, self.inner.total_stopping_time(v)).map(|t| t as u32)
    }

    /// Hits, misses, evictions and entries now.
    #[napi]
    pub fn stats(&self) -> CacheStats {
        let s = self.inner.stats();
        CacheStats {
            hits: s.hits as f64,
            misses: s.misses as f64,
            evictions: s.evictions as f64,
            entries: s.entries as f64,
        }
    }
}
