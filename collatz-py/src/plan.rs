//! Runs in pieces, for a cluster or a result store: `SummaryPlan` (the core's pieces of a
//! summary, as tuples that pickle), `SummaryAssembly` (their results pushed in order), and
//! `chunk_plan` (the chunks of a verification). The work is the core's; this converts.

use std::sync::Mutex;

use collatz_core::range::{
    ChunkPlan, SummaryAssembly as CoreAssembly, SummaryPiece, SummaryPlan as CorePlan,
};
use collatz_core::Error;
use pyo3::prelude::*;

use crate::convert::bound;
use crate::errors::{error, type_error};
use crate::range::{span, Summary};

/// A piece as Python sees it: (start, end, odd_only, continues, plan_end).
type PieceTuple = (u64, u64, bool, bool, u64);

fn tuple_of(p: &SummaryPiece) -> PieceTuple {
    (p.start, p.end, p.odd_only, p.continues, p.plan_end)
}

/// The piece a tuple from `SummaryPlan.pieces` names.
pub fn piece_of(obj: &Bound<'_, PyAny>) -> PyResult<SummaryPiece> {
    let (start, end, odd_only, continues, plan_end): PieceTuple = obj.extract().map_err(|_| {
        type_error("a piece is a tuple (start, end, odd_only, continues, plan_end)".into())
    })?;
    Ok(SummaryPiece {
        start,
        end,
        odd_only,
        continues,
        plan_end,
    })
}

/// The chunk length of a plan (default 2^30), checked.
pub(crate) fn chunk_of(chunk: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    match crate::run::given(chunk) {
        Some(c) => bound(c, "chunk"),
        None => Ok(collatz_core::range::DEFAULT_PLAN_CHUNK),
    }
}

/// The pieces of a summary of [start, end) (frozen), always the same for the same arguments:
/// from 1, the engine's own decomposition (odd start values alone above 2^16, partial results
/// that only the assembly completes); elsewhere the range's chunks at the multiples of `chunk`.
#[pyclass(frozen, module = "collatz_engine")]
pub struct SummaryPlan {
    inner: CorePlan,
}

#[pymethods]
impl SummaryPlan {
    /// SummaryPlan(start, end, chunk=2**30)
    #[new]
    #[pyo3(signature = (start, end, chunk=None))]
    fn new(
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        chunk: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (a, b) = span(start, end)?;
        let inner = CorePlan::new(a..b, chunk_of(chunk)?).map_err(error)?;
        Ok(SummaryPlan { inner })
    }

    /// The pieces in the order the assembly takes them, as tuples
    /// (start, end, odd_only, continues, plan_end) for `RangeEngine.summary_piece`.
    #[getter]
    fn pieces(&self) -> Vec<PieceTuple> {
        self.inner.pieces().iter().map(tuple_of).collect()
    }

    /// The range's first start value.
    #[getter]
    fn start(&self) -> u64 {
        self.inner.range.start
    }

    /// The range's end.
    #[getter]
    fn end(&self) -> u64 {
        self.inner.range.end
    }

    /// The chunk length.
    #[getter]
    fn chunk(&self) -> u64 {
        self.inner.chunk
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// An empty assembly of this plan's pieces.
    fn assembly(&self) -> SummaryAssembly {
        SummaryAssembly {
            inner: Mutex::new(Some(self.inner.assembly())),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "SummaryPlan(start={}, end={}, chunk={}, pieces={})",
            self.inner.range.start,
            self.inner.range.end,
            self.inner.chunk,
            self.inner.len()
        )
    }
}

/// The summary of a plan's range from its pieces' results, pushed in order (index 0, 1, ...).
/// It holds the running total and the last segment only.
#[pyclass(frozen, module = "collatz_engine")]
pub struct SummaryAssembly {
    inner: Mutex<Option<CoreAssembly>>,
}

fn finished() -> PyErr {
    error(Error::InvalidArgument(
        "this assembly is finished: make another with plan.assembly()".into(),
    ))
}

#[pymethods]
impl SummaryAssembly {
    /// Adds the result of piece `index`, which must be the next one.
    fn push(&self, index: usize, part: &Summary) -> PyResult<()> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let assembly = guard.as_mut().ok_or_else(finished)?;
        assembly.push(index, part.core().clone()).map_err(error)
    }

    /// How many pieces were pushed (the index of the next one).
    #[getter]
    fn done(&self) -> PyResult<usize> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Ok(guard.as_ref().ok_or_else(finished)?.done())
    }

    /// The summary of the plan's range (every piece pushed).
    fn finish(&self, py: Python<'_>) -> PyResult<Summary> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let assembly = guard.take().ok_or_else(finished)?;
        match assembly.clone().finish() {
            Ok(s) => Ok(Summary::new(py, s)),
            Err(e) => {
                *guard = Some(assembly);
                Err(error(e))
            }
        }
    }
}

/// The chunks of [start, end) at the multiples of `chunk` (default 2^30): a verification's
/// pieces, as (start, end) tuples.
#[pyfunction]
#[pyo3(signature = (start, end, chunk=None))]
pub fn chunk_plan(
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    chunk: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(u64, u64)>> {
    let (a, b) = span(start, end)?;
    let plan = ChunkPlan::new(a..b, chunk_of(chunk)?).map_err(error)?;
    Ok(plan.iter().map(|r| (r.start, r.end)).collect())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SummaryPlan>()?;
    m.add_class::<SummaryAssembly>()?;
    m.add_function(wrap_pyfunction!(chunk_plan, m)?)?;
    Ok(())
}
