//! Ranges of start values (numpy columns, summaries, chunks, verification) and the cache.

use std::sync::{Arc, Mutex};

use collatz_core::cache::StepCache as CoreCache;
use collatz_core::range::{
    ChunkCursor, Columns, MaxColumn, RangeEngine as CoreEngine, Record, StatSummary as CoreStat,
    Summary as CoreSummary, Want,
};
use numpy::PyArray1;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{bound, error, start_value, value_to_py};
use crate::run::{long_call, Options};

const FIELDS: [&str; 4] = [
    "total_stopping_time",
    "stopping_time",
    "odd_steps",
    "max_excursion",
];

fn want(fields: &Bound<'_, PyAny>) -> PyResult<Want> {
    let names: Vec<String> = if fields.is_instance_of::<PyString>() {
        vec![fields.extract()?]
    } else {
        fields.extract().map_err(|_| {
            PyTypeError::new_err("fields must be a field name or a sequence of field names")
        })?
    };
    let mut w = Want::default();
    for name in &names {
        match name.as_str() {
            "total_stopping_time" => w.total_stopping_time = true,
            "stopping_time" => w.stopping_time = true,
            "odd_steps" => w.odd_steps = true,
            "max_excursion" => w.max_excursion = true,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown field {other:?}; the fields are {FIELDS:?}"
                )))
            }
        }
    }
    if w == Want::default() {
        return Err(PyValueError::new_err(format!(
            "ask for at least one of {FIELDS:?}"
        )));
    }
    Ok(w)
}

fn span(start: &Bound<'_, PyAny>, end: &Bound<'_, PyAny>) -> PyResult<(u64, u64)> {
    let (a, b) = (bound(start, "start")?, bound(end, "end")?);
    if a == 0 {
        return Err(error(collatz_core::Error::Zero));
    }
    if b < a {
        return Err(PyValueError::new_err(format!(
            "end ({b}) must not be below start ({a})"
        )));
    }
    Ok((a, b))
}

/// Columns as numpy arrays, moved (not copied) out of the core's vectors.
fn columns_dict(py: Python<'_>, cols: Columns) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let steps = [
        ("total_stopping_time", cols.total_stopping_time),
        ("stopping_time", cols.stopping_time),
        ("odd_steps", cols.odd_steps),
    ];
    for (name, col) in steps {
        if let Some(v) = col {
            d.set_item(name, PyArray1::from_vec(py, v))?;
        }
    }
    match cols.max_excursion {
        Some(MaxColumn::U64(v)) => d.set_item("max_excursion", PyArray1::from_vec(py, v))?,
        Some(MaxColumn::U128(v)) => {
            // numpy has no 128-bit integers: exact Python ints in an object array
            let ints: Vec<Py<PyAny>> = v
                .into_iter()
                .map(|x| Ok(x.into_pyobject(py)?.into_any().unbind()))
                .collect::<PyResult<_>>()?;
            d.set_item("max_excursion", PyArray1::from_vec(py, ints))?
        }
        None => {}
    }
    Ok(d)
}

/// Count, sum, mean and maximum of one statistic over a range (frozen).
#[pyclass(frozen, module = "collatz_engine")]
pub struct StatSummary {
    #[pyo3(get)]
    count: u64,
    #[pyo3(get)]
    sum: u64,
    #[pyo3(get)]
    max: u32,
    /// The first n that reaches `max`.
    #[pyo3(get)]
    max_n: u64,
}

#[pymethods]
impl StatSummary {
    #[getter]
    fn mean(&self) -> f64 {
        CoreStat {
            sum: self.sum,
            max: self.max,
            max_n: self.max_n,
        }
        .mean(self.count)
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("sum", self.sum)?;
        d.set_item("mean", self.mean())?;
        d.set_item("max", self.max)?;
        d.set_item("max_n", self.max_n)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "StatSummary(sum={}, mean={:.4}, max={}, max_n={})",
            self.sum,
            self.mean(),
            self.max,
            self.max_n
        )
    }
}

fn stat(count: u64, s: Option<CoreStat>) -> Option<StatSummary> {
    s.map(|s| StatSummary {
        count,
        sum: s.sum,
        max: s.max,
        max_n: s.max_n,
    })
}

fn records<'py>(py: Python<'py>, rs: &[Record]) -> PyResult<Bound<'py, PyList>> {
    let items: Vec<(u64, Bound<'py, PyAny>)> = rs
        .iter()
        .map(|r| Ok((r.n, r.value.into_pyobject(py)?.into_any())))
        .collect::<PyResult<_>>()?;
    PyList::new(py, items)
}

/// The summary of a range (frozen): count, per-statistic StatSummary, the histogram of total
/// stopping times (a numpy array: `histogram[t]` = how many n have t steps), and the delay, path
/// and glide records as lists of (n, value) in increasing n.
#[pyclass(frozen, module = "collatz_engine")]
pub struct Summary {
    #[pyo3(get)]
    start: u64,
    #[pyo3(get)]
    end: u64,
    #[pyo3(get)]
    count: u64,
    #[pyo3(get)]
    total_stopping_time: Option<Py<StatSummary>>,
    #[pyo3(get)]
    stopping_time: Option<Py<StatSummary>>,
    #[pyo3(get)]
    odd_steps: Option<Py<StatSummary>>,
    /// (n, value) of the highest maximum excursion, or None.
    #[pyo3(get)]
    max_excursion: Option<Py<PyAny>>,
    #[pyo3(get)]
    histogram: Py<PyAny>,
    #[pyo3(get)]
    delay_records: Py<PyList>,
    #[pyo3(get)]
    path_records: Py<PyList>,
    #[pyo3(get)]
    glide_records: Py<PyList>,
}

impl Summary {
    fn new(py: Python<'_>, s: CoreSummary) -> PyResult<Self> {
        let opt = |x: Option<StatSummary>| x.map(|x| Py::new(py, x)).transpose();
        Ok(Summary {
            start: s.start,
            end: s.end,
            count: s.count,
            total_stopping_time: opt(stat(s.count, s.total_stopping_time))?,
            stopping_time: opt(stat(s.count, s.stopping_time))?,
            odd_steps: opt(stat(s.count, s.odd_steps))?,
            max_excursion: s
                .max_excursion
                .map(|r| -> PyResult<Py<PyAny>> {
                    Ok((r.n, r.value.into_pyobject(py)?)
                        .into_pyobject(py)?
                        .into_any()
                        .unbind())
                })
                .transpose()?,
            histogram: PyArray1::from_vec(py, s.histogram).into_any().unbind(),
            delay_records: records(py, &s.delay_records)?.unbind(),
            path_records: records(py, &s.path_records)?.unbind(),
            glide_records: records(py, &s.glide_records)?.unbind(),
        })
    }
}

#[pymethods]
impl Summary {
    /// The summary as plain dicts, lists and ints (JSON-friendly; the histogram as a list).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("start", self.start)?;
        d.set_item("end", self.end)?;
        d.set_item("count", self.count)?;
        for (name, s) in [
            ("total_stopping_time", &self.total_stopping_time),
            ("stopping_time", &self.stopping_time),
            ("odd_steps", &self.odd_steps),
        ] {
            match s {
                Some(s) => d.set_item(name, s.get().to_dict(py)?)?,
                None => d.set_item(name, py.None())?,
            }
        }
        d.set_item("max_excursion", &self.max_excursion)?;
        d.set_item("histogram", self.histogram.bind(py).call_method0("tolist")?)?;
        d.set_item(
            "delay_records",
            self.delay_records.bind(py).get_slice(0, usize::MAX),
        )?;
        d.set_item(
            "path_records",
            self.path_records.bind(py).get_slice(0, usize::MAX),
        )?;
        d.set_item(
            "glide_records",
            self.glide_records.bind(py).get_slice(0, usize::MAX),
        )?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let tst = match &self.total_stopping_time {
            Some(s) => s.get().__repr__(),
            None => "None".into(),
        };
        Ok(format!(
            "Summary(start={}, end={}, count={}, total_stopping_time={}, max_excursion={}, delay_records={}, path_records={}, glide_records={})",
            self.start,
            self.end,
            self.count,
            tst,
            self.max_excursion.as_ref().map_or(Ok("None".to_string()), |m| m.bind(py).repr().map(|r| r.to_string()))?,
            self.delay_records.bind(py).len(),
            self.path_records.bind(py).len(),
            self.glide_records.bind(py).len(),
        ))
    }
}

/// The result of verify(): how many start values were shown to reach 1, how many needed
/// following, and the highest value met on the way (with its start value).
#[pyclass(frozen, module = "collatz_engine")]
pub struct Verification {
    #[pyo3(get)]
    start: u64,
    #[pyo3(get)]
    end: u64,
    #[pyo3(get)]
    verified: u64,
    #[pyo3(get)]
    followed: u64,
    #[pyo3(get)]
    max_value: Py<PyAny>,
    #[pyo3(get)]
    max_value_n: u64,
}

#[pymethods]
impl Verification {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Verification(start={}, end={}, verified={}, followed={}, max_value={}, max_value_n={})",
            self.start,
            self.end,
            self.verified,
            self.followed,
            self.max_value.bind(py).repr()?,
            self.max_value_n
        ))
    }
}

/// The range engine: its memo of step counts is reused by every call on the same engine.
#[pyclass(frozen, module = "collatz_engine")]
pub struct RangeEngine {
    inner: Arc<CoreEngine>,
}

#[pymethods]
impl RangeEngine {
    /// RangeEngine(memo_bytes=None): memo_bytes caps the memo (default 256 MiB).
    #[new]
    #[pyo3(signature = (memo_bytes=None))]
    fn new(memo_bytes: Option<usize>) -> Self {
        RangeEngine {
            inner: Arc::new(match memo_bytes {
                Some(b) => CoreEngine::with_memo_bytes(b),
                None => CoreEngine::new(),
            }),
        }
    }

    /// Bytes the memo holds now.
    #[getter]
    fn memo_bytes(&self) -> usize {
        self.inner.memo_bytes()
    }

    /// Statistics of every n in [start, end) as numpy arrays, one per field (uint16 step
    /// counts, uint64 maxima): a dict {field: array}. Releases the GIL; Ctrl-C stops it.
    #[pyo3(signature = (start, end, fields, threads=None, chunk_size=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn columns<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: &Bound<'py, PyAny>,
        threads: Option<i64>,
        chunk_size: Option<i64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (a, b) = span(start, end)?;
        let w = want(fields)?;
        let opts = Options::new(threads, chunk_size, progress)?;
        let engine = &self.inner;
        let cols = long_call(py, b - a, &opts, |o| engine.columns(a..b, w, o))?;
        columns_dict(py, cols)
    }

    /// Summary of [start, end): counts, sums, maxima, histogram and records, in memory
    /// independent of the range's size. Releases the GIL; Ctrl-C stops it.
    #[pyo3(signature = (start, end, fields, threads=None, chunk_size=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: &Bound<'py, PyAny>,
        threads: Option<i64>,
        chunk_size: Option<i64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Summary> {
        let (a, b) = span(start, end)?;
        let w = want(fields)?;
        let opts = Options::new(threads, chunk_size, progress)?;
        let engine = &self.inner;
        let s = long_call(py, b - a, &opts, |o| engine.summary(a..b, w, o))?;
        Summary::new(py, s)
    }

    /// Shows that every n in [start, end) reaches 1, given that every smaller value does.
    #[pyo3(signature = (start, end, threads=None, progress=None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        threads: Option<i64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Verification> {
        let (a, b) = span(start, end)?;
        let opts = Options::new(threads, None, progress)?;
        let engine = &self.inner;
        let v = long_call(py, b - a, &opts, |o| engine.verify(a..b, o))?;
        Ok(Verification {
            start: v.start,
            end: v.end,
            verified: v.verified,
            followed: v.followed,
            max_value: value_to_py(py, &v.max_value)?.unbind(),
            max_value_n: v.max_value_n,
        })
    }

    /// An iterator of (first_n, {field: array}) over [start, end), chunk_size start values
    /// at a time (memory stays near one chunk).
    #[pyo3(signature = (start, end, fields, chunk_size, threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn chunks<'py>(
        &self,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: &Bound<'py, PyAny>,
        chunk_size: i64,
        threads: Option<i64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<ChunkIter> {
        let (a, b) = span(start, end)?;
        let w = want(fields)?;
        let opts = Options::new(threads, Some(chunk_size), progress)?;
        Ok(ChunkIter {
            engine: self.inner.clone(),
            cursor: Mutex::new(ChunkCursor::new(a..b, w).map_err(error)?),
            threads: opts.threads,
            chunk_size: opts.chunk_size.unwrap_or(1),
            progress: opts.progress.map(Bound::unbind),
        })
    }
}

/// Iterator over a range in chunks: each item is (first_n, {field: numpy array}); only one
/// chunk is held at a time.
#[pyclass(frozen, module = "collatz_engine")]
pub struct ChunkIter {
    engine: Arc<CoreEngine>,
    cursor: Mutex<ChunkCursor>,
    threads: Option<usize>,
    chunk_size: u64,
    progress: Option<Py<PyAny>>,
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
        };
        let mut cursor = self
            .cursor
            .lock()
            .map_err(|_| PyValueError::new_err("the iterator failed earlier"))?;
        let size = cursor.remaining().min(self.chunk_size);
        if size == 0 {
            return Ok(None);
        }
        let engine = &self.engine;
        let cur = &mut *cursor;
        let cols = long_call(py, size, &opts, |o| {
            cur.next_chunk(engine, o).unwrap_or_else(|| {
                Err(collatz_core::Error::InvalidArgument("no chunk left".into()))
            })
        })?;
        let first = cols.start;
        Ok(Some((first, columns_dict(py, cols)?)))
    }

    /// Start values not yet returned.
    #[getter]
    fn remaining(&self) -> PyResult<u64> {
        Ok(self
            .cursor
            .lock()
            .map_err(|_| PyValueError::new_err("the iterator failed earlier"))?
            .remaining())
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
    #[pyo3(signature = (dense_below=1 << 20, capacity=1 << 20))]
    fn new(dense_below: i64, capacity: i64) -> PyResult<Self> {
        let (Ok(dense_below), Ok(capacity)) =
            (u64::try_from(dense_below), usize::try_from(capacity))
        else {
            return Err(PyValueError::new_err(format!(
                "dense_below must be at least 2 and capacity at least 0, got {dense_below} and {capacity}"
            )));
        };
        Ok(StepCache {
            inner: CoreCache::new(dense_below, capacity).map_err(error)?,
        })
    }

    /// Total stopping time of n (a positive int below 2**64), from the cache if it is there.
    fn total_stopping_time(&self, n: &Bound<'_, PyAny>) -> PyResult<u64> {
        let v = start_value(n)?;
        let x = v
            .as_u64()
            .ok_or_else(|| PyOverflowError::new_err("the cache holds start values below 2**64"))?;
        self.inner.total_stopping_time(x).map_err(error)
    }

    /// Counters: {"hits", "misses", "evictions", "entries"}.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.stats();
        let d = PyDict::new(py);
        d.set_item("hits", s.hits)?;
        d.set_item("misses", s.misses)?;
        d.set_item("evictions", s.evictions)?;
        d.set_item("entries", s.entries)?;
        Ok(d)
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
    m.add_class::<RangeEngine>()?;
    m.add_class::<Summary>()?;
    m.add_class::<StatSummary>()?;
    m.add_class::<Verification>()?;
    m.add_class::<ChunkIter>()?;
    m.add_class::<StepCache>()?;
    Ok(())
}
