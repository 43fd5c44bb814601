//! Ranges of start values: typed-array columns, summaries, verification (sync and as
//! Promises that run off the event loop, with AbortSignal and progress), and the cache.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use collatz_core::cache::StepCache as CoreCache;
use collatz_core::range::{
    CancelToken, Columns as CoreColumns, MaxColumn, RangeEngine, Record as CoreRecord, RunOptions,
    Summary as CoreSummary, Verification as CoreVerification, Want,
};
use napi::bindgen_prelude::{
    AsyncTask, BigInt, BigUint64Array, Either, FnArgs, Function, JsObjectValue, Object,
    Uint16Array, Unknown,
};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Error, Result, Status, Task};
use napi_derive::napi;

use crate::convert::{abort_error, bound, core_error, range_error, StartArg};

/// The engine behind every range call: its memo of step counts (capped at 256 MiB) is reused
/// by later calls.
fn engine() -> Arc<RangeEngine> {
    static ENGINE: OnceLock<Arc<RangeEngine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(RangeEngine::new())).clone()
}

type ProgressFn = ThreadsafeFunction<FnArgs<(f64, f64)>, (), FnArgs<(f64, f64)>, Status, false>;

/// Options of the range calls.
#[napi(object, object_to_js = false)]
pub struct RangeOptions<'env> {
    /// Statistics to compute: any of "totalStoppingTime", "stoppingTime", "oddSteps",
    /// "maxExcursion". Default: ["totalStoppingTime"] for columns; all but "oddSteps" for
    /// summaries.
    pub fields: Option<Vec<String>>,
    /// Worker threads (default: one per core).
    pub threads: Option<u32>,
    /// Start values per unit of parallel work, progress and cancellation (default 2^18).
    pub chunk_size: Option<f64>,
    /// Async calls only: stops the call; its Promise rejects with an AbortError.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
    /// Async calls only: called as onProgress(done, total) while the call runs (at most
    /// every 50 ms, and at the end).
    #[napi(ts_type = "(done: number, total: number) => void")]
    pub on_progress: Option<ProgressFn>,
}

const SUMMARY_DEFAULT: [&str; 3] = ["totalStoppingTime", "stoppingTime", "maxExcursion"];

/// The validated part of a call: what, where, how.
pub struct Job {
    start: u64,
    end: u64,
    want: Want,
    threads: Option<usize>,
    chunk_size: Option<u64>,
}

fn job(
    env: &Env,
    start: StartArg,
    end: StartArg,
    o: &Option<RangeOptions<'_>>,
    default: &[&str],
) -> Result<Job> {
    let start = bound(env, start, "start")?;
    let end = bound(env, end, "end")?;
    if end < start {
        return range_error(
            env,
            &format!("end ({end}) must not be below start ({start})"),
        );
    }
    let names: Vec<String> = match o.as_ref().and_then(|o| o.fields.clone()) {
        Some(f) => f,
        None => default.iter().map(|s| s.to_string()).collect(),
    };
    let mut want = Want::default();
    for name in &names {
        match name.as_str() {
            "totalStoppingTime" => want.total_stopping_time = true,
            "stoppingTime" => want.stopping_time = true,
            "oddSteps" => want.odd_steps = true,
            "maxExcursion" => want.max_excursion = true,
            other => {
                return range_error(
                    env,
                    &format!("unknown field {other:?}: use totalStoppingTime, stoppingTime, oddSteps or maxExcursion"),
                )
            }
        }
    }
    if want == Want::default() {
        return range_error(env, "fields must name at least one statistic");
    }
    let threads = match o.as_ref().and_then(|o| o.threads) {
        Some(0) => return range_error(env, "threads must be at least 1"),
        t => t.map(|t| t as usize),
    };
    let chunk_size = match o.as_ref().and_then(|o| o.chunk_size) {
        Some(c) if !(c >= 1.0 && c.fract() == 0.0 && c <= 9_007_199_254_740_991.0) => {
            return range_error(
                env,
                &format!("chunkSize must be a positive safe integer, got {c}"),
            )
        }
        c => c.map(|c| c as u64),
    };
    Ok(Job {
        start,
        end,
        want,
        threads,
        chunk_size,
    })
}

impl Job {
    /// Runs `f` with the job's options, a cancel token and throttled progress.
    fn run<T>(
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
        let mut opts = RunOptions {
            threads: self.threads,
            cancel,
            progress: progress
                .is_some()
                .then_some(&report as &(dyn Fn(u64, u64) + Sync)),
            ..RunOptions::default()
        };
        if let Some(c) = self.chunk_size {
            opts.chunk_size = c;
        }
        f(&opts)
    }
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

fn columns_js(c: CoreColumns) -> Columns {
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
}

fn verification_js(v: CoreVerification) -> Verification {
    Verification {
        start: v.start.to_string(),
        end: v.end.to_string(),
        verified: v.verified.to_string(),
        followed: v.followed.to_string(),
        max_value: v.max_value.to_string(),
        max_value_n: v.max_value_n.to_string(),
    }
}

/// Statistics of every n in [start, end) as typed arrays (Uint16Array step counts,
/// BigUint64Array maxima), moved from Rust without a per-element copy. Blocks the event loop:
/// use `columnsAsync` for long ranges.
#[napi]
pub fn columns(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<Columns> {
    let j = job(&env, start, end, &options, &["totalStoppingTime"])?;
    match j.run(None, None, |o| engine().columns(j.start..j.end, j.want, o)) {
        Ok(c) => Ok(columns_js(c)),
        Err(e) => core_error(&env, e),
    }
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
    let j = job(&env, start, end, &options, &SUMMARY_DEFAULT)?;
    match j.run(None, None, |o| engine().summary(j.start..j.end, j.want, o)) {
        Ok(s) => Ok(summary_js(s)),
        Err(e) => core_error(&env, e),
    }
}

/// Shows that every n in [start, end) reaches 1, given that every smaller value does.
#[napi]
pub fn verify(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<RangeOptions<'_>>,
) -> Result<Verification> {
    let j = job(&env, start, end, &options, &["totalStoppingTime"])?;
    match j.run(None, None, |o| engine().verify(j.start..j.end, o)) {
        Ok(v) => Ok(verification_js(v)),
        Err(e) => core_error(&env, e),
    }
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

pub struct RangeTask {
    job: Job,
    kind: Kind,
    cancel: CancelToken,
    progress: Option<ProgressFn>,
}

impl Task for RangeTask {
    type Output = Output;
    type JsValue = Either<Either<Columns, Summary>, Verification>;

    fn compute(&mut self) -> Result<Output> {
        let (j, e) = (&self.job, engine());
        let cancel = Some(self.cancel.clone());
        let progress = self.progress.as_ref();
        let r = match self.kind {
            Kind::Columns => j
                .run(cancel, progress, |o| e.columns(j.start..j.end, j.want, o))
                .map(Output::Columns),
            Kind::Summary => j
                .run(cancel, progress, |o| e.summary(j.start..j.end, j.want, o))
                .map(Output::Summary),
            Kind::Verify => j
                .run(cancel, progress, |o| e.verify(j.start..j.end, o))
                .map(Output::Verify),
        };
        r.map_err(|e| match e {
            collatz_core::Error::Cancelled => abort_error(),
            other => Error::new(Status::InvalidArg, format!("RangeError: {other}")),
        })
    }

    fn resolve(&mut self, _env: Env, out: Output) -> Result<Self::JsValue> {
        Ok(match out {
            Output::Columns(c) => Either::A(Either::A(columns_js(c))),
            Output::Summary(s) => Either::A(Either::B(summary_js(s))),
            Output::Verify(v) => Either::B(verification_js(v)),
        })
    }
}

/// `signal.addEventListener(type, listener)`.
type AddEventListener<'a> = Function<'a, FnArgs<(&'a str, Function<'a, (), ()>)>, Unknown<'a>>;

fn task(
    env: &Env,
    j: Job,
    kind: Kind,
    options: Option<RangeOptions<'_>>,
) -> Result<AsyncTask<RangeTask>> {
    let cancel = CancelToken::new();
    let (signal, progress) = match options {
        Some(o) => (o.signal, o.on_progress),
        None => (None, None),
    };
    if let Some(signal) = signal {
        // an already aborted signal cancels at once; otherwise its "abort" event does
        if signal
            .get_named_property::<Option<bool>>("aborted")?
            .unwrap_or(false)
        {
            cancel.cancel();
        } else {
            let token = cancel.clone();
            let listener = env.create_function_from_closure::<(), (), _>("onabort", move |_| {
                token.cancel();
                Ok(())
            })?;
            let add: AddEventListener<'_> = signal.get_named_property("addEventListener")?;
            add.apply(signal, ("abort", listener).into())?;
        }
    }
    Ok(AsyncTask::new(RangeTask {
        job: j,
        kind,
        cancel,
        progress,
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
    let j = job(&env, start, end, &options, &["totalStoppingTime"])?;
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
    let j = job(&env, start, end, &options, &SUMMARY_DEFAULT)?;
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
    let j = job(&env, start, end, &options, &["totalStoppingTime"])?;
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
        let check = |v: Option<f64>, default: u64, what: &str| -> Result<u64> {
            match v {
                None => Ok(default),
                Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_991.0 => {
                    Ok(x as u64)
                }
                Some(x) => range_error(
                    &env,
                    &format!("{what} must be a non-negative safe integer, got {x}"),
                ),
            }
        };
        let dense = check(dense_below, 1 << 20, "denseBelow")?;
        let cap = check(capacity, 1 << 20, "capacity")?;
        match CoreCache::new(dense, cap as usize) {
            Ok(inner) => Ok(StepCache { inner }),
            Err(e) => core_error(&env, e),
        }
    }

    /// Total stopping time of n (below 2^64), from the cache when it is there.
    #[napi]
    pub fn total_stopping_time(
        &self,
        env: Env,
        #[napi(ts_arg_type = "number | bigint | string")] n: StartArg,
    ) -> Result<u32> {
        let v = bound(&env, n, "n")?;
        match self.inner.total_stopping_time(v) {
            Ok(t) => Ok(t as u32),
            Err(e) => core_error(&env, e),
        }
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
