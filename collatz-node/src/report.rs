//! What a service answers with: the command line's JSON texts (`statsJson`, `summaryJson`,
//! `verifyJsonAsync`, from `collatz_core::shape`), the density grid of a heatmap (`density`),
//! and the engine's memory (`memoBytes`). Sync, and as Promises computed off the event loop
//! with AbortSignal and progress.

use collatz_core::range::{CancelToken, Density as CoreDensity, Want};
use collatz_core::{shape, Error as CoreError, Field, FieldCase, Value};
use napi::bindgen_prelude::{AsyncTask, Either, Object, Uint32Array};
use napi::{Env, Result, Task};
use napi_derive::napi;

use crate::convert::{start_value, StartArg};
use crate::errors::{core, js_error};
use crate::range::verify_job;
use crate::range::{engine, hooks_of, job_of, rejection, Job, ProgressFn, SignalHook};

/// Options of `summaryJson`, `summaryJsonAsync` and `verifyJsonAsync`.
#[napi(object, object_to_js = false)]
pub struct ReportOptions<'env> {
    /// Include the delay, path and glide records (`--records`; default true).
    pub records: Option<bool>,
    /// Include the histogram of total stopping times (`--histogram`; default false).
    pub histogram: Option<bool>,
    /// Worker threads (default: one per core).
    pub threads: Option<u32>,
    /// Start values per unit of parallel work, progress and cancellation (default 2^18).
    pub chunk_size: Option<f64>,
    /// Async calls only: stops the call; its Promise rejects with an AbortError.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
    /// Async calls only: called as onProgress(done, total) while the call runs.
    #[napi(ts_type = "(done: number, total: number) => void")]
    pub on_progress: Option<ProgressFn>,
}

/// Options of `density` and `densityAsync`.
#[napi(object, object_to_js = false)]
pub struct DensityOptions<'env> {
    /// Columns, 1 to 4096 (default 512); never more than the range's length.
    pub width: Option<u32>,
    /// Rows, 1 to 4096 (default 256): at most this many, equally tall.
    pub height: Option<u32>,
    /// The statistic on the y axis: "totalStoppingTime" (default), "stoppingTime",
    /// "oddSteps" or "maxExcursion" (log2 of the maximum); snake_case names too.
    pub field: Option<String>,
    /// Worker threads (default: one per core).
    pub threads: Option<u32>,
    /// Start values per unit of parallel work, progress and cancellation (default 2^18).
    pub chunk_size: Option<f64>,
    /// Async calls only: stops the call; its Promise rejects with an AbortError.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'env>>,
    /// Async calls only: called as onProgress(done, total) while the call runs.
    #[napi(ts_type = "(done: number, total: number) => void")]
    pub on_progress: Option<ProgressFn>,
}

/// A 2-D histogram of (n, statistic) over [start, end): `counts[row * width + col]` start
/// values of column `col` whose statistic falls in row `row`; row 0 holds the lowest values.
/// Column c holds the n of [start + ceil(c·len/width), start + ceil((c+1)·len/width)); row r
/// the values of [yMin + r·yStep, yMin + (r+1)·yStep) (step counts, or log2 of the maximum
/// in steps of 1/16): rows are equally tall, the fewest whole steps that fit the height.
#[napi(object)]
pub struct Density {
    pub start: String,
    pub end: String,
    /// The statistic, as the options name it in camelCase ("totalStoppingTime", ...).
    pub field: String,
    pub width: u32,
    pub height: u32,
    /// The lowest value met.
    pub y_min: f64,
    /// The highest value met.
    pub y_max: f64,
    /// The values each row holds.
    pub y_step: f64,
    /// `height` rows of `width` counts, the lowest values first.
    pub counts: Uint32Array,
}

fn density_js(d: CoreDensity) -> Density {
    Density {
        start: d.start.to_string(),
        end: d.end.to_string(),
        field: d.field.name_in(FieldCase::Camel).to_string(),
        width: d.width as u32,
        height: d.height as u32,
        y_min: d.y_min,
        y_max: d.y_max,
        y_step: d.y_step,
        counts: Uint32Array::new(d.counts),
    }
}

/// What a report call computes.
#[derive(Clone, Copy)]
enum Report {
    /// The JSON text of a summary.
    Summary { records: bool, histogram: bool },
    /// The JSON text of a verification.
    Verify,
    /// A density grid.
    Density {
        field: Field,
        width: usize,
        height: usize,
    },
}

/// What a report call gives: a JSON text or a grid.
type Out = Either<String, CoreDensity>;

/// A validated report call.
struct Call {
    job: Job,
    report: Report,
}

impl Call {
    fn run(
        &self,
        cancel: Option<CancelToken>,
        progress: Option<&ProgressFn>,
    ) -> std::result::Result<Out, CoreError> {
        let (j, e) = (&self.job, engine());
        let range = || j.range.clone();
        match self.report {
            Report::Summary { records, histogram } => j
                .run(cancel, progress, |o| e.summary(range(), j.want, o))
                .map(|s| Either::A(shape::summary_json(&s, records, histogram))),
            Report::Verify => j
                .run(cancel, progress, |o| e.verify(j.wide.clone(), o))
                .map(|v| Either::A(shape::verification_json(&v))),
            Report::Density {
                field,
                width,
                height,
            } => j
                .run(cancel, progress, |o| {
                    e.density(range(), field, width, height, o)
                })
                .map(Either::B),
        }
    }
}

fn summary_call(
    env: &Env,
    start: StartArg,
    end: StartArg,
    o: &Option<ReportOptions<'_>>,
) -> Result<Call> {
    let (threads, chunk) = (
        o.as_ref().and_then(|o| o.threads),
        o.as_ref().and_then(|o| o.chunk_size),
    );
    Ok(Call {
        job: job_of(env, start, end, shape::REPORT_WANT, threads, chunk)?,
        report: Report::Summary {
            records: o.as_ref().and_then(|o| o.records).unwrap_or(true),
            histogram: o.as_ref().and_then(|o| o.histogram).unwrap_or(false),
        },
    })
}

fn density_call(
    env: &Env,
    start: StartArg,
    end: StartArg,
    o: &Option<DensityOptions<'_>>,
) -> Result<Call> {
    let field = match o.as_ref().and_then(|o| o.field.as_deref()) {
        None => Field::TotalStoppingTime,
        Some(name) => Field::from_name_in(name, FieldCase::Camel)
            .or_else(|_| Field::from_name(name))
            .map_err(|e| js_error(env, e, None))?,
    };
    let side = |v: Option<u32>, default: usize| v.map_or(default, |v| v as usize);
    let report = Report::Density {
        field,
        width: side(o.as_ref().and_then(|o| o.width), 512),
        height: side(o.as_ref().and_then(|o| o.height), 256),
    };
    let want: Want = [field].into_iter().collect();
    let (threads, chunk) = (
        o.as_ref().and_then(|o| o.threads),
        o.as_ref().and_then(|o| o.chunk_size),
    );
    Ok(Call {
        job: job_of(env, start, end, want, threads, chunk)?,
        report,
    })
}

fn output(env: &Env, r: std::result::Result<Out, CoreError>) -> Result<Either<String, Density>> {
    core(env, r).map(|out| match out {
        Either::A(text) => Either::A(text),
        Either::B(d) => Either::B(density_js(d)),
    })
}

/// The JSON text `collatz stats N --json` prints: `{"even_steps", "max", "max_bits", "n",
/// "odd_steps", "shortcut_steps", "stopping_time", "stopping_time_shortcut",
/// "total_stopping_time"}`, `n` and `max` as decimal strings. Blocks the event loop for a
/// start value of many thousand digits: use `statsJsonAsync` there.
#[napi]
pub fn stats_json(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] n: StartArg,
) -> Result<String> {
    let v = start_value(&env, n)?;
    core(&env, collatz_core::stats(v)).map(|s| shape::stats_json(&s, false))
}

/// The text of `collatz range A B --json --records` (with `records: false`, without the
/// records; with `histogram: true`, with the histogram). Blocks the event loop.
#[napi]
pub fn summary_json(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<ReportOptions<'_>>,
) -> Result<String> {
    let call = summary_call(&env, start, end, &options)?;
    match call.run(None, None) {
        Ok(Either::A(text)) => Ok(text),
        Ok(Either::B(_)) => Err(js_error(
            &env,
            CoreError::InvalidArgument("not a summary".into()),
            None,
        )),
        Err(e) => Err(js_error(&env, e, None)),
    }
}

/// The density grid of [start, end) (see `Density`). Blocks the event loop: use
/// `densityAsync` for long ranges.
#[napi]
pub fn density(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<DensityOptions<'_>>,
) -> Result<Density> {
    let call = density_call(&env, start, end, &options)?;
    match call.run(None, None) {
        Ok(Either::B(d)) => Ok(density_js(d)),
        Ok(Either::A(_)) => Err(js_error(
            &env,
            CoreError::InvalidArgument("not a density".into()),
            None,
        )),
        Err(e) => Err(js_error(&env, e, None)),
    }
}

/// Bytes held by the memo of the engine behind every range call (it grows to 256 MiB).
#[napi]
pub fn memo_bytes() -> f64 {
    engine().memo_bytes() as f64
}

/// A Promise of a report, computed on the libuv thread pool.
pub struct ReportTask {
    call: Call,
    cancel: CancelToken,
    progress: Option<ProgressFn>,
    signal: Option<SignalHook>,
}

impl Task for ReportTask {
    type Output = std::result::Result<Out, CoreError>;
    type JsValue = Either<String, Density>;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self
            .call
            .run(Some(self.cancel.clone()), self.progress.as_ref()))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<Self::JsValue> {
        match out {
            Err(e) => Err(rejection(&env, e, self.signal.as_ref())),
            ok => output(&env, ok),
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
    call: Call,
    signal: Option<Object<'_>>,
    on_progress: Option<ProgressFn>,
) -> Result<AsyncTask<ReportTask>> {
    let cancel = CancelToken::new();
    let (signal, progress) = hooks_of(env, signal, on_progress, &cancel)?;
    Ok(AsyncTask::new(ReportTask {
        call,
        cancel,
        progress,
        signal,
    }))
}

/// `summaryJson` as a Promise, computed off the event loop, with `signal` and `onProgress`.
#[napi(ts_return_type = "Promise<string>")]
pub fn summary_json_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<ReportOptions<'_>>,
) -> Result<AsyncTask<ReportTask>> {
    let call = summary_call(&env, start, end, &options)?;
    let (signal, progress) = options.map_or((None, None), |o| (o.signal, o.on_progress));
    task(&env, call, signal, progress)
}

/// The JSON text of `verify` (`{"start", "end", "verified", "followed", "max_value",
/// "max_value_n"}`, as `collatz verify --json` prints it without the time and rate), as a
/// Promise computed off the event loop, with `signal` and `onProgress`.
#[napi(ts_return_type = "Promise<string>")]
pub fn verify_json_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<ReportOptions<'_>>,
) -> Result<AsyncTask<ReportTask>> {
    let (threads, chunk) = (
        options.as_ref().and_then(|o| o.threads),
        options.as_ref().and_then(|o| o.chunk_size),
    );
    let call = Call {
        job: verify_job(&env, start, end, threads, chunk)?,
        report: Report::Verify,
    };
    let (signal, progress) = options.map_or((None, None), |o| (o.signal, o.on_progress));
    task(&env, call, signal, progress)
}

/// `density` as a Promise, computed off the event loop, with `signal` and `onProgress`.
#[napi(ts_return_type = "Promise<Density>")]
pub fn density_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] start: StartArg,
    #[napi(ts_arg_type = "number | bigint | string")] end: StartArg,
    options: Option<DensityOptions<'_>>,
) -> Result<AsyncTask<ReportTask>> {
    let call = density_call(&env, start, end, &options)?;
    let (signal, progress) = options.map_or((None, None), |o| (o.signal, o.on_progress));
    task(&env, call, signal, progress)
}

/// The stats of one start value as `statsJson` gives them, computed off the event loop (for
/// start values of many thousand digits).
#[napi(ts_return_type = "Promise<string>")]
pub fn stats_json_async(
    env: Env,
    #[napi(ts_arg_type = "number | bigint | string")] n: StartArg,
) -> Result<AsyncTask<StatsTask>> {
    Ok(AsyncTask::new(StatsTask {
        n: Some(start_value(&env, n)?),
    }))
}

/// A Promise of `statsJson`.
pub struct StatsTask {
    n: Option<Value>,
}

impl Task for StatsTask {
    type Output = std::result::Result<String, CoreError>;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        let n = self.n.take().unwrap_or_else(|| Value::from(1u64));
        Ok(collatz_core::stats(n).map(|s| shape::stats_json(&s, false)))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> Result<String> {
        core(&env, out)
    }
}
