//! Ranges of start values (numpy columns, summaries, chunks, verification) and the cache.
//!
//! Field names, their validation and the dict shape of summaries, verifications and records
//! are the core's (`Want::from_names`, `Field`, the serde shapes of `collatz_core::shape`);
//! this module converts types.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use collatz_core::cache::StepCache as CoreCache;
use collatz_core::range::{
    ChunkCursor, Columns, MaxColumn, Merge, RangeEngine as CoreEngine, Record, RunOptions,
    StatSummary as CoreStat, Summary as CoreSummary, Verification as CoreVerification, Want,
};
use collatz_core::{Error, Field};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::convert::{bound, int_as, shaped, start_value, value_to_py, wide_bound};
use crate::density::Density;
use crate::errors::{error, overflow_error, type_error};
use crate::run::{given, long_call, Options};

/// The statistics named in `fields` (a name or a sequence of names), read by the core;
/// `default` when not given.
pub(crate) fn want(fields: Option<&Bound<'_, PyAny>>, default: Want) -> PyResult<Want> {
    let Some(fields) = given(fields) else {
        return Ok(default);
    };
    let names: Vec<String> = if fields.is_instance_of::<PyString>() {
        vec![fields.extract()?]
    } else {
        fields.extract().map_err(|_| {
            type_error("fields must be a field name or a sequence of field names".into())
        })?
    };
    Want::from_names(&names).map_err(error)
}

/// The bounds of a range call; the core checks the range itself (0, end below start).
pub(crate) fn span(start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>) -> PyResult<(u64, u64)> {
    Ok((bound(start, "start")?, bound(end, "end")?))
}

/// Columns as numpy arrays, moved (not copied) out of the core's vectors.
fn columns_dict(py: Python<'_>, cols: Columns) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let steps = [
        (Field::TotalStoppingTime, cols.total_stopping_time),
        (Field::StoppingTime, cols.stopping_time),
        (Field::OddSteps, cols.odd_steps),
    ];
    for (field, col) in steps {
        if let Some(v) = col {
            d.set_item(field.name(), PyArray1::from_vec(py, v))?;
        }
    }
    let name = Field::MaxExcursion.name();
    match cols.max_excursion {
        Some(MaxColumn::U64(v)) => d.set_item(name, PyArray1::from_vec(py, v))?,
        Some(MaxColumn::U128(v)) => {
            // numpy has no 128-bit integers: exact Python ints in an object array
            let ints: Vec<Py<PyAny>> = v
                .into_iter()
                .map(|x| Ok(x.into_pyobject(py)?.into_any().unbind()))
                .collect::<PyResult<_>>()?;
            d.set_item(name, PyArray1::from_vec(py, ints))?
        }
        None => {}
    }
    Ok(d)
}

/// Count, sum, mean and maximum of one statistic over a range (frozen).
#[pyclass(frozen, module = "collatz_engine")]
pub struct StatSummary {
    /// Start values in the range.
    #[pyo3(get)]
    count: u64,
    inner: CoreStat,
}

#[pymethods]
impl StatSummary {
    /// The sum over the range.
    #[getter]
    fn sum(&self) -> u64 {
        self.inner.sum
    }

    /// The largest value.
    #[getter]
    fn max(&self) -> u32 {
        self.inner.max
    }

    /// The first n that reaches `max`.
    #[getter]
    fn max_n(&self) -> u64 {
        self.inner.max_n
    }

    /// The mean over the range.
    #[getter]
    fn mean(&self) -> f64 {
        self.inner.mean(self.count)
    }

    /// The core's shape: {"sum", "max", "max_n"}.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        shaped(py, &self.inner)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<StatSummary>()
            .is_ok_and(|o| (o.get().count, o.get().inner) == (self.count, self.inner))
    }

    fn __repr__(&self) -> String {
        format!(
            "StatSummary(sum={}, mean={:.4}, max={}, max_n={})",
            self.inner.sum,
            self.mean(),
            self.inner.max,
            self.inner.max_n
        )
    }
}

fn records<'py>(py: Python<'py>, rs: &[Record]) -> PyResult<Bound<'py, PyList>> {
    let items: Vec<Bound<'py, PyTuple>> = rs
        .iter()
        .map(|r| (r.n, r.value).into_pyobject(py))
        .collect::<PyResult<_>>()?;
    PyList::new(py, items)
}

/// The summary of a range (frozen): count, per-statistic StatSummary, the histogram of total
/// stopping times (a numpy array: `histogram[t]` = how many n have t steps), and the delay, path
/// and glide records as lists of (n, value) in increasing n.
#[pyclass(frozen, module = "collatz_engine")]
pub struct Summary {
    inner: CoreSummary,
    /// The histogram as a numpy array, made once.
    #[pyo3(get)]
    histogram: Py<PyAny>,
}

impl Summary {
    pub(crate) fn new(py: Python<'_>, inner: CoreSummary) -> Self {
        let histogram = PyArray1::from_slice(py, &inner.histogram)
            .into_any()
            .unbind();
        Summary { inner, histogram }
    }

    /// The core's summary.
    pub(crate) fn core(&self) -> &CoreSummary {
        &self.inner
    }

    fn stat(&self, py: Python<'_>, s: Option<CoreStat>) -> PyResult<Option<Py<StatSummary>>> {
        s.map(|inner| {
            Py::new(
                py,
                StatSummary {
                    count: self.inner.count,
                    inner,
                },
            )
        })
        .transpose()
    }
}

#[pymethods]
impl Summary {
    #[getter]
    fn start(&self) -> u64 {
        self.inner.start
    }

    #[getter]
    fn end(&self) -> u64 {
        self.inner.end
    }

    #[getter]
    fn count(&self) -> u64 {
        self.inner.count
    }

    #[getter]
    fn total_stopping_time(&self, py: Python<'_>) -> PyResult<Option<Py<StatSummary>>> {
        self.stat(py, self.inner.total_stopping_time)
    }

    #[getter]
    fn stopping_time(&self, py: Python<'_>) -> PyResult<Option<Py<StatSummary>>> {
        self.stat(py, self.inner.stopping_time)
    }

    #[getter]
    fn odd_steps(&self, py: Python<'_>) -> PyResult<Option<Py<StatSummary>>> {
        self.stat(py, self.inner.odd_steps)
    }

    /// (n, value) of the highest maximum excursion, or None.
    #[getter]
    fn max_excursion<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.inner
            .max_excursion
            .map(|r| (r.n, r.value).into_pyobject(py))
            .transpose()
    }

    #[getter]
    fn delay_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, &self.inner.delay_records)
    }

    #[getter]
    fn path_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, &self.inner.path_records)
    }

    #[getter]
    fn glide_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, &self.inner.glide_records)
    }

    /// The summary as plain dicts, lists and ints, in the core's shape (the keys of the
    /// command line's `range --json`; numbers as ints, not strings): `start`, `end`, `count`,
    /// `sum_S`, `mean_S`, `max_S`, `max_S_n` for each step statistic S (None when not asked
    /// for), `max_excursion`, `max_excursion_n`, `histogram` (a list), and `delay_records`,
    /// `path_records`, `glide_records` as lists of {"n": ..., "value": ...}.
    /// The core's shape as JSON text (what `collatz range --json` prints, with every key).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| error(Error::InvalidArgument(e.to_string())))
    }

    /// The summary whose `to_json()` is `text`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Summary> {
        let inner: CoreSummary = serde_json::from_str(text)
            .map_err(|e| error(Error::InvalidArgument(format!("not a summary's JSON: {e}"))))?;
        Ok(Summary::new(py, inner))
    }

    /// Pickles through the JSON shape (exact: start values and maxima are decimal strings).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }

    /// The summary of this range followed by `later`'s, which starts where this one ends
    /// (`CollatzValueError` otherwise, or for other statistics): the same however a range is cut.
    fn merge(&self, py: Python<'_>, later: &Summary) -> PyResult<Summary> {
        let merged = Merge::merge(self.inner.clone(), later.inner.clone()).map_err(error)?;
        Ok(Summary::new(py, merged))
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        shaped(py, &self.inner)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Summary>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let tst = self.inner.total_stopping_time.map_or("None".into(), |s| {
            StatSummary {
                count: self.inner.count,
                inner: s,
            }
            .__repr__()
        });
        let max = self
            .inner
            .max_excursion
            .map_or("None".into(), |r| format!("({}, {})", r.n, r.value));
        format!(
            "Summary(start={}, end={}, count={}, total_stopping_time={}, max_excursion={}, delay_records={}, path_records={}, glide_records={})",
            self.inner.start,
            self.inner.end,
            self.inner.count,
            tst,
            max,
            self.inner.delay_records.len(),
            self.inner.path_records.len(),
            self.inner.glide_records.len(),
        )
    }
}

/// The result of verify(): how many start values were shown to reach 1, how many needed
/// following, and the highest value met on the way (with its start value).
#[pyclass(frozen, module = "collatz_engine")]
pub struct Verification {
    pub(crate) inner: CoreVerification,
}

#[pymethods]
impl Verification {
    #[getter]
    fn start(&self) -> u128 {
        self.inner.start
    }

    #[getter]
    fn end(&self) -> u128 {
        self.inner.end
    }

    #[getter]
    fn verified(&self) -> u64 {
        self.inner.verified
    }

    #[getter]
    fn followed(&self) -> u64 {
        self.inner.followed
    }

    /// What was proved, in words.
    #[getter]
    fn proved(&self) -> String {
        self.inner.proved()
    }

    #[getter]
    fn max_value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        value_to_py(py, &self.inner.max_value)
    }

    #[getter]
    fn max_value_n(&self) -> u128 {
        self.inner.max_value_n
    }

    /// The core's shape: {"start", "end", "verified", "followed", "max_value", "max_value_n",
    /// "proved"}.
    /// The core's shape as JSON text.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| error(Error::InvalidArgument(e.to_string())))
    }

    /// The verification whose `to_json()` is `text`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Verification> {
        let inner: CoreVerification = serde_json::from_str(text).map_err(|e| {
            error(Error::InvalidArgument(format!(
                "not a verification's JSON: {e}"
            )))
        })?;
        Ok(Verification { inner })
    }

    /// Pickles through the JSON shape.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, (slf.get().to_json()?,)))
    }

    /// The verification of this range followed by `later`'s (adjacent, in order).
    fn merge(&self, later: &Verification) -> PyResult<Verification> {
        let inner = Merge::merge(self.inner.clone(), later.inner.clone()).map_err(error)?;
        Ok(Verification { inner })
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        shaped(py, &self.inner)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Verification>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let v = &self.inner;
        format!(
            "Verification(start={}, end={}, verified={}, followed={}, max_value={}, max_value_n={})",
            v.start, v.end, v.verified, v.followed, v.max_value, v.max_value_n
        )
    }
}

/// The range engine: its memo of step counts is reused by every call on the same engine.
/// Any number of threads may call one engine at once.
#[pyclass(frozen, module = "collatz_engine")]
pub struct RangeEngine {
    pub(crate) inner: Arc<CoreEngine>,
}

#[pymethods]
impl RangeEngine {
    /// RangeEngine(memo_bytes=None): memo_bytes caps the memo (default 256 MiB).
    #[new]
    #[pyo3(signature = (memo_bytes=None))]
    fn new(memo_bytes: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let inner = match given(memo_bytes) {
            Some(b) => CoreEngine::with_memo_bytes(int_as(b, "memo_bytes")?),
            None => CoreEngine::new(),
        };
        Ok(RangeEngine {
            inner: Arc::new(inner),
        })
    }

    /// Bytes the memo holds now.
    #[getter]
    fn memo_bytes(&self) -> usize {
        self.inner.memo_bytes()
    }

    /// Statistics of every n in [start, end) as numpy arrays, one per field (uint16 step
    /// counts, uint64 maxima): a dict {field: array}. Releases the GIL; Ctrl-C stops it.
    /// fields: default total_stopping_time alone.
    #[pyo3(signature = (start, end, fields=None, threads=None, chunk_size=None, progress=None, cancel=None))]
    #[allow(clippy::too_many_arguments)]
    fn columns<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        chunk_size: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (a, b) = span(start, end)?;
        let w = want(fields, Want::TOTAL_STOPPING_TIME)?;
        let opts = Options::new(threads, chunk_size, progress, cancel)?;
        let engine = &self.inner;
        let cols = long_call(py, b.saturating_sub(a), &opts, |o| {
            engine.columns(a..b, w, o)
        })?;
        columns_dict(py, cols)
    }

    /// Summary of [start, end): counts, sums, maxima, histogram and records, in memory
    /// independent of the range's size. Releases the GIL; Ctrl-C stops it.
    /// fields: default DEFAULT_FIELDS (the core's default: every statistic but odd steps).
    #[pyo3(signature = (start, end, fields=None, threads=None, chunk_size=None, progress=None, cancel=None))]
    #[allow(clippy::too_many_arguments)]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        chunk_size: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Summary> {
        let (a, b) = span(start, end)?;
        let w = want(fields, Want::default())?;
        let opts = Options::new(threads, chunk_size, progress, cancel)?;
        let engine = &self.inner;
        let s = long_call(py, b.saturating_sub(a), &opts, |o| {
            engine.summary(a..b, w, o)
        })?;
        Ok(Summary::new(py, s))
    }

    /// The result of one piece of a SummaryPlan (a tuple from `plan.pieces`): a partial
    /// summary that only the plan's `assembly()` turns into the range's summary. Releases the
    /// GIL; Ctrl-C stops it.
    #[pyo3(signature = (piece, fields=None, threads=None, progress=None, cancel=None))]
    fn summary_piece<'py>(
        &self,
        py: Python<'py>,
        piece: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Summary> {
        let piece = crate::plan::piece_of(piece)?;
        let w = want(fields, Want::default())?;
        let opts = Options::new(threads, None, progress, cancel)?;
        let engine = &self.inner;
        let s = long_call(py, piece.end - piece.start, &opts, |o| {
            engine.summary_piece(&piece, w, o)
        })?;
        Ok(Summary::new(py, s))
    }

    /// The 2-D histogram of (n, field) over [start, end) on a grid of at most width x height
    /// cells (a Density; width and height default to 512 and 256), in one pass without holding the range's columns. Releases the GIL;
    /// Ctrl-C stops it. field: one name (default total_stopping_time).
    #[pyo3(signature = (start, end, width=None, height=None, field=None, threads=None, chunk_size=None, progress=None, cancel=None))]
    #[allow(clippy::too_many_arguments)]
    fn density<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        width: Option<&Bound<'py, PyAny>>,
        height: Option<&Bound<'py, PyAny>>,
        field: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        chunk_size: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Density> {
        let (a, b) = span(start, end)?;
        let field = match given(field) {
            None => Field::TotalStoppingTime,
            Some(f) => {
                let name: String = f
                    .extract()
                    .map_err(|_| type_error("field must be a field name".into()))?;
                Field::from_name(&name).map_err(error)?
            }
        };
        let side = |v: Option<&Bound<'py, PyAny>>, what: &str, default: usize| match given(v) {
            Some(v) => int_as::<usize>(v, what),
            None => Ok(default),
        };
        let (w, h) = (side(width, "width", 512)?, side(height, "height", 256)?);
        let opts = Options::new(threads, chunk_size, progress, cancel)?;
        let engine = &self.inner;
        let d = long_call(py, b.saturating_sub(a), &opts, |o| {
            engine.density(a..b, field, w, h, o)
        })?;
        Density::new(py, d)
    }

    /// Shows that every n in [start, end) reaches 1, given that every n below start does
    /// (bounds below 2**128, at most 2**64 - 1 numbers).
    #[pyo3(signature = (start, end, threads=None, progress=None, cancel=None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        threads: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Verification> {
        let (a, b) = (wide_bound(start, "start")?, wide_bound(end, "end")?);
        let opts = Options::new(threads, None, progress, cancel)?;
        let engine = &self.inner;
        let size = b.saturating_sub(a).min(u64::MAX as u128) as u64;
        let inner = long_call(py, size, &opts, |o| engine.verify(a..b, o))?;
        Ok(Verification { inner })
    }

    /// An iterator of (first_n, {field: array}) over [start, end), chunk_size start values
    /// at a time (memory stays near one chunk).
    /// fields: default total_stopping_time alone; chunk_size: default the core's 2**18.
    #[pyo3(signature = (start, end, fields=None, chunk_size=None, threads=None, progress=None, cancel=None))]
    #[allow(clippy::too_many_arguments)]
    fn chunks<'py>(
        &self,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
        chunk_size: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<ChunkIter> {
        let (a, b) = span(start, end)?;
        let w = want(fields, Want::TOTAL_STOPPING_TIME)?;
        let opts = Options::new(threads, chunk_size, progress, cancel)?;
        let chunk_size = opts.chunk_size.unwrap_or(RunOptions::default().chunk_size);
        // the core checks the range and the chunk size now, not at the first chunk
        let check = RunOptions {
            chunk_size,
            ..RunOptions::default()
        };
        self.inner.chunks(a..b, w, check).map_err(error)?;
        let cursor = ChunkCursor::new(a..b, w).map_err(error)?;
        Ok(ChunkIter {
            engine: self.inner.clone(),
            remaining: AtomicU64::new(cursor.remaining()),
            cursor: Mutex::new(cursor),
            threads: opts.threads,
            chunk_size,
            progress: opts.progress.map(Bound::unbind),
            cancel: opts.cancel,
        })
    }
}

/// Iterator over a range in chunks: each item is (first_n, {field: numpy array}); only one
/// chunk is held at a time. Like a generator, it refuses to run in two threads at once.
#[pyclass(frozen, module = "collatz_engine")]
pub struct ChunkIter {
    engine: Arc<CoreEngine>,
    cursor: Mutex<ChunkCursor>,
    remaining: AtomicU64,
    threads: Option<usize>,
    chunk_size: u64,
    progress: Option<Py<PyAny>>,
    cancel: Option<collatz_core::range::CancelToken>,
}

#[pymethods]
impl ChunkIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<(u64, Bound<'py, PyDict>)>> {
        let opts = Options {
            threads: self.threads,
            chunk_size: Some(self.chunk_size),
            progress: self.progress.as_ref().map(|p| p.bind(py).clone()),
            cancel: self.cancel.clone(),
        };
        // never wait for the lock with the GIL held: the thread holding it needs the GIL to
        // finish (it checks signals), so a second caller is refused, as a running generator is
        let mut cursor = match self.cursor.try_lock() {
            Ok(c) => c,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(error(Error::InvalidArgument(
                    "the chunk iterator is already running in another thread".into(),
                )))
            }
        };
        let size = cursor.remaining().min(self.chunk_size);
        if size == 0 {
            return Ok(None);
        }
        let engine = &self.engine;
        let cur = &mut *cursor;
        let result = long_call(py, size, &opts, |o| {
            cur.next_chunk(engine, o).unwrap_or_else(|| {
                Err(collatz_core::Error::InvalidArgument("no chunk left".into()))
            })
        });
        self.remaining.store(cursor.remaining(), Ordering::Relaxed);
        let cols = result?;
        let first = cols.start;
        Ok(Some((first, columns_dict(py, cols)?)))
    }

    /// Start values not yet returned.
    #[getter]
    fn remaining(&self) -> u64 {
        self.remaining.load(Ordering::Relaxed)
    }
}

/// A thread-safe cache of total stopping times: a dense table below dense_below, and at most
/// capacity entries above it (least recently used evicted). Counters in stats().
#[pyclass(frozen, module = "collatz_engine")]
pub struct StepCache {
    inner: CoreCache,
}

#[pymethods]
impl StepCache {
    #[new]
    #[pyo3(signature = (dense_below=None, capacity=None))]
    fn new(
        dense_below: Option<&Bound<'_, PyAny>>,
        capacity: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let dense_below = given(dense_below).map_or(Ok(1 << 20), |v| int_as(v, "dense_below"))?;
        let capacity = given(capacity).map_or(Ok(1 << 20), |v| int_as(v, "capacity"))?;
        Ok(StepCache {
            inner: CoreCache::new(dense_below, capacity).map_err(error)?,
        })
    }

    /// Total stopping time of n (a positive int below 2**64), from the cache if it is there.
    fn total_stopping_time(&self, n: &Bound<'_, PyAny>) -> PyResult<u64> {
        let v = start_value(n)?;
        let x = v
            .as_u64()
            .ok_or_else(|| overflow_error("the cache holds start values below 2**64".into()))?;
        self.inner.total_stopping_time(x).map_err(error)
    }

    /// Counters: {"hits", "misses", "evictions", "entries"}.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        shaped(py, &self.inner.stats())
    }

    #[getter]
    fn hits(&self) -> u64 {
        self.inner.stats().hits
    }

    #[getter]
    fn misses(&self) -> u64 {
        self.inner.stats().misses
    }

    #[getter]
    fn evictions(&self) -> u64 {
        self.inner.stats().evictions
    }

    fn __repr__(&self) -> String {
        let s = self.inner.stats();
        format!(
            "StepCache(hits={}, misses={}, evictions={}, entries={})",
            s.hits, s.misses, s.evictions, s.entries
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    m.add("FIELDS", PyTuple::new(m.py(), names)?)?;
    m.add(
        "DEFAULT_FIELDS",
        PyTuple::new(m.py(), Want::default().names())?,
    )?;
    m.add_class::<RangeEngine>()?;
    m.add_class::<Summary>()?;
    m.add_class::<StatSummary>()?;
    m.add_class::<Verification>()?;
    m.add_class::<Density>()?;
    m.add_class::<ChunkIter>()?;
    m.add_class::<StepCache>()?;
    Ok(())
}
