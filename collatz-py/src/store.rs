//! `Store`: the core's result store (an SQLite file) for Python. A run of `summary` or `verify`
//! through it records each piece as it finishes; the same call after a crash reads them back
//! and computes the rest. `begin` and `record` let another driver (the Dask client of
//! `collatz_engine.distributed`) use the same store. The work is the core's; this converts.

use std::sync::{Mutex, MutexGuard};

use collatz_core::range::{SummaryPlan as CorePlan, Want};
use collatz_core::store::{run, RunSpec, Store as CoreStore};
use collatz_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::error;
use crate::plan::chunk_of;
use crate::range::{span, want, RangeEngine, Summary, Verification};
use crate::run::{long_call, Options};

/// A result store: Store(path) opens the SQLite file at path, creating it if there is none.
/// A file that is not a store of this library (foreign or corrupted) raises CollatzError and is
/// left as it is. One store holds one run: other arguments raise CollatzError, nothing
/// written. Usable from many threads (calls on one store take turns).
#[pyclass(frozen, module = "collatz_engine")]
pub struct Store {
    inner: Mutex<CoreStore>,
    path: String,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, CoreStore> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Store {
    #[new]
    fn new(path: std::path::PathBuf) -> PyResult<Self> {
        let inner = CoreStore::open(&path).map_err(error)?;
        Ok(Store {
            inner: Mutex::new(inner),
            path: path.display().to_string(),
        })
    }

    /// The file's path.
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    /// The runs in the store with their progress: dicts with command, start, end, fields,
    /// chunk, version, pieces, done, done_count, seconds, created.
    fn runs<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let runs = self.lock().runs().map_err(error)?;
        runs.iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("command", &r.spec.command)?;
                d.set_item("start", r.spec.start)?;
                d.set_item("end", r.spec.end)?;
                d.set_item("fields", &r.spec.fields)?;
                d.set_item("chunk", r.spec.chunk)?;
                d.set_item("version", &r.spec.version)?;
                d.set_item("pieces", r.pieces)?;
                d.set_item("done", r.done)?;
                d.set_item("done_count", r.done_count)?;
                d.set_item("seconds", r.seconds)?;
                d.set_item("created", &r.created)?;
                Ok(d)
            })
            .collect()
    }

    /// The summary of [start, end) through the store, in the pieces of SummaryPlan(start, end,
    /// chunk): recorded pieces are read back, the others computed (in this process) and
    /// recorded. Equal to summary(start, end, fields) however often it was interrupted.
    #[pyo3(signature = (start, end, fields=None, chunk=None, threads=None, progress=None, cancel=None, engine=None))]
    #[allow(clippy::too_many_arguments)]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
        chunk: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
        engine: Option<&Bound<'py, RangeEngine>>,
    ) -> PyResult<Summary> {
        let (a, b) = span(start, end)?;
        let w = want(fields, Want::default())?;
        let chunk = chunk_of(chunk)?;
        let opts = Options::new(threads, None, progress, cancel)?;
        let engine = engine
            .map(|e| e.get().inner.clone())
            .unwrap_or_else(|| std::sync::Arc::new(collatz_core::range::RangeEngine::new()));
        let store = &self.inner;
        let s = long_call(py, b.saturating_sub(a).max(1 << 20), &opts, |o| {
            let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
            run::summary(&engine, &mut store, a..b, w, chunk, o).map(|r| r.value)
        })?;
        Ok(Summary::new(py, s))
    }

    /// The verification of [start, end) through the store, as summary() does it.
    #[pyo3(signature = (start, end, chunk=None, threads=None, progress=None, cancel=None, engine=None))]
    #[allow(clippy::too_many_arguments)]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        chunk: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
        engine: Option<&Bound<'py, RangeEngine>>,
    ) -> PyResult<Verification> {
        let (a, b) = span(start, end)?;
        let chunk = chunk_of(chunk)?;
        let opts = Options::new(threads, None, progress, cancel)?;
        let engine = engine
            .map(|e| e.get().inner.clone())
            .unwrap_or_else(|| std::sync::Arc::new(collatz_core::range::RangeEngine::new()));
        let store = &self.inner;
        let inner = long_call(py, b.saturating_sub(a).max(1 << 20), &opts, |o| {
            let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
            run::verify(&engine, &mut store, a..b, chunk, o).map(|r| r.value)
        })?;
        Ok(Verification { inner })
    }

    /// For a driver of its own: the run of `command` ("summary" or "verify") over [start,
    /// end) with `fields` and `chunk`, created if the store holds none; returns its recorded
    /// pieces as {index: Summary or Verification}. Raises CollatzError if the store holds a
    /// run of other arguments (nothing written).
    #[pyo3(signature = (command, start, end, fields=None, chunk=None))]
    fn begin<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
        fields: Option<&Bound<'py, PyAny>>,
        chunk: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (a, b) = span(start, end)?;
        let chunk = chunk_of(chunk)?;
        let (spec, pieces) = match command {
            "summary" => {
                let w = want(fields, Want::default())?;
                let plan = CorePlan::new(a..b, chunk).map_err(error)?;
                (
                    RunSpec::new("range", &(a..b), &w.names().join(","), chunk),
                    plan.len(),
                )
            }
            "verify" => {
                let plan = collatz_core::range::ChunkPlan::new(a..b, chunk).map_err(error)?;
                (
                    RunSpec::new("verify", &(a..b), "-", chunk),
                    plan.len() as usize,
                )
            }
            other => {
                return Err(error(Error::InvalidArgument(format!(
                    "command must be \"summary\" or \"verify\", not {other:?}"
                ))))
            }
        };
        let (_, done) = self.lock().begin(&spec, pieces).map_err(error)?;
        let out = PyDict::new(py);
        for (index, json) in done {
            let corrupted = |e: serde_json::Error| {
                error(Error::Store {
                    path: self.path.clone(),
                    reason: format!("piece {index} does not read back ({e}): corrupted"),
                })
            };
            if command == "summary" {
                let s = serde_json::from_str(&json).map_err(corrupted)?;
                out.set_item(index, Summary::new(py, s))?;
            } else {
                let inner = serde_json::from_str(&json).map_err(corrupted)?;
                out.set_item(index, Verification { inner })?;
            }
        }
        Ok(out)
    }

    /// For a driver of its own: records piece `index` of the store's run (after `begin`), its
    /// bounds, its result (a Summary or a Verification) and the seconds it took, in its own
    /// transaction.
    fn record(
        &self,
        index: usize,
        start: u64,
        end: u64,
        result: &Bound<'_, PyAny>,
        seconds: f64,
    ) -> PyResult<()> {
        let json = if let Ok(s) = result.cast::<Summary>() {
            serde_json::to_string(s.get().core())
        } else if let Ok(v) = result.cast::<Verification>() {
            serde_json::to_string(&v.get().inner)
        } else {
            return Err(crate::errors::type_error(
                "result must be a Summary or a Verification".into(),
            ));
        }
        .map_err(|e| error(Error::InvalidArgument(e.to_string())))?;
        let mut store = self.lock();
        let run_id = store.run_id().map_err(error)?;
        store
            .record(run_id, index, (start, end), &json, seconds)
            .map_err(error)
    }

    fn __repr__(&self) -> String {
        format!("Store({:?})", self.path)
    }
}
