//! Single start values: statistics, trajectories, the predecessor tree, generalised maps.

use collatz_core::num_bigint::BigInt;
use collatz_core::{Limits, Map as CoreMap, Outcome, Step, Value};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::convert::{big_to_py, int_arg, int_as, map_value, start_value, value_to_py};
use crate::errors::error;
use crate::run::given;

/// Caller-set limits from optional Python ints (`None`: no limit of that kind, or `default`).
fn limits(
    max_steps: Option<&Bound<'_, PyAny>>,
    max_bits: Option<&Bound<'_, PyAny>>,
    default: Limits,
) -> PyResult<Limits> {
    let or = |o: Option<&Bound<'_, PyAny>>, what, d| match given(o) {
        Some(v) => int_as::<u64>(v, what),
        None => Ok(d),
    };
    Ok(Limits {
        max_steps: or(max_steps, "max_steps", default.max_steps)?,
        max_bits: or(max_bits, "max_bits", default.max_bits)?,
    })
}

/// Steps of the 3x+1 map C (n/2 for even n, 3n+1 for odd n) from n to 1 (OEIS A006577).
/// n: a positive int of any size. max_steps / max_bits (default: none) stop the walk with
/// LimitExceededError after that many steps or once a value has more bits.
#[pyfunction]
#[pyo3(signature = (n, *, max_steps=None, max_bits=None))]
fn total_stopping_time(
    n: &Bound<'_, PyAny>,
    max_steps: Option<&Bound<'_, PyAny>>,
    max_bits: Option<&Bound<'_, PyAny>>,
) -> PyResult<u64> {
    let limits = limits(max_steps, max_bits, Limits::UNLIMITED)?;
    collatz_core::total_stopping_time_with_limits(start_value(n)?, &limits).map_err(error)
}

/// Steps of C until the value first falls below n (the glide, OEIS A102419); 0 for n = 1.
#[pyfunction]
fn stopping_time(n: &Bound<'_, PyAny>) -> PyResult<u64> {
    collatz_core::stopping_time(start_value(n)?).map_err(error)
}

/// The largest value of n's trajectory, n included (OEIS A025586), as an exact int.
#[pyfunction]
fn max_excursion<'py>(n: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let v = collatz_core::max_excursion(start_value(n)?).map_err(error)?;
    value_to_py(n.py(), &v)
}

/// Every statistic of one start value (frozen). ``to_dict()`` / ``_asdict()`` give a dict.
#[pyclass(frozen, module = "collatz_engine")]
pub struct Stats {
    #[pyo3(get)]
    n: Py<PyAny>,
    #[pyo3(get)]
    total_stopping_time: u64,
    #[pyo3(get)]
    stopping_time: u64,
    #[pyo3(get)]
    stopping_time_shortcut: u64,
    #[pyo3(get)]
    odd_steps: u64,
    #[pyo3(get)]
    even_steps: u64,
    #[pyo3(get)]
    max: Py<PyAny>,
    parity: Vec<u8>,
}

#[pymethods]
impl Stats {
    /// Parities of the shortcut trajectory (one 0/1 per T-step, T(n) = n/2 or (3n+1)/2).
    #[getter]
    fn parity_vector(&self) -> Vec<u8> {
        self.parity.clone()
    }

    /// The statistics as a dict (for pandas: ``pd.DataFrame([s.to_dict() for s in ...])``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("n", self.n.bind(py))?;
        d.set_item("total_stopping_time", self.total_stopping_time)?;
        d.set_item("stopping_time", self.stopping_time)?;
        d.set_item("stopping_time_shortcut", self.stopping_time_shortcut)?;
        d.set_item("odd_steps", self.odd_steps)?;
        d.set_item("even_steps", self.even_steps)?;
        d.set_item("max", self.max.bind(py))?;
        d.set_item("parity_vector", self.parity.clone())?;
        Ok(d)
    }

    /// The same as ``to_dict()`` (the namedtuple spelling).
    fn _asdict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.to_dict(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Stats(n={}, total_stopping_time={}, stopping_time={}, odd_steps={}, even_steps={}, max={})",
            self.n.bind(py).repr()?,
            self.total_stopping_time,
            self.stopping_time,
            self.odd_steps,
            self.even_steps,
            self.max.bind(py).repr()?
        ))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = other.py();
        match other.cast::<Stats>() {
            Ok(o) => self.to_dict(py)?.eq(o.get().to_dict(py)?),
            Err(_) => Ok(false),
        }
    }
}

/// Every statistic of n in one pass: a frozen Stats object. max_steps / max_bits (default:
/// none) stop the walk with LimitExceededError.
#[pyfunction]
#[pyo3(signature = (n, *, max_steps=None, max_bits=None))]
fn stats(
    n: &Bound<'_, PyAny>,
    max_steps: Option<&Bound<'_, PyAny>>,
    max_bits: Option<&Bound<'_, PyAny>>,
) -> PyResult<Stats> {
    let py = n.py();
    let limits = limits(max_steps, max_bits, Limits::UNLIMITED)?;
    let v = start_value(n)?;
    let s = py
        .detach(move || collatz_core::stats_with_limits(v, &limits))
        .map_err(error)?;
    Ok(Stats {
        n: value_to_py(py, &s.n)?.unbind(),
        total_stopping_time: s.total_stopping_time,
        stopping_time: s.stopping_time,
        stopping_time_shortcut: s.stopping_time_shortcut,
        odd_steps: s.odd_steps,
        even_steps: s.even_steps,
        max: value_to_py(py, &s.max)?.unbind(),
        parity: s.parity_vector.iter().map(u8::from).collect(),
    })
}

/// A lazy iterator over a trajectory, from the start value to 1 inclusive.
#[pyclass(module = "collatz_engine")]
pub struct Trajectory {
    inner: collatz_core::Trajectory,
}

#[pymethods]
impl Trajectory {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.next().map(|v| value_to_py(py, &v)).transpose()
    }
}

/// The trajectory of n under C (n/2, 3n+1) as a lazy iterator of ints, ending with 1.
#[pyfunction]
fn trajectory(n: &Bound<'_, PyAny>) -> PyResult<Trajectory> {
    Ok(Trajectory {
        inner: collatz_core::Trajectory::new(start_value(n)?, Step::Standard).map_err(error)?,
    })
}

/// The trajectory of n under the shortcut map T (n/2, (3n+1)/2), lazy, ending with 1.
#[pyfunction]
fn shortcut_trajectory(n: &Bound<'_, PyAny>) -> PyResult<Trajectory> {
    Ok(Trajectory {
        inner: collatz_core::Trajectory::new(start_value(n)?, Step::Shortcut).map_err(error)?,
    })
}

/// The values one C-step before m: (2m, (m-1)/3 or None).
#[pyfunction]
fn predecessors<'py>(
    m: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Option<Bound<'py, PyAny>>)> {
    let py = m.py();
    let (even, odd) = collatz_core::predecessors(start_value(m)?).map_err(error)?;
    Ok((
        value_to_py(py, &even)?,
        odd.map(|v| value_to_py(py, &v)).transpose()?,
    ))
}

/// Levels of the predecessor tree under 1: each item is the sorted list of start values with
/// total stopping time d, for d = 0, 1, ..., max_depth.
#[pyclass(module = "collatz_engine")]
pub struct TreeLevels {
    inner: collatz_core::TreeLevels,
}

#[pymethods]
impl TreeLevels {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let Some(level) = self.inner.next() else {
            return Ok(None);
        };
        let level = level.map_err(error)?;
        let values: Vec<Bound<'py, PyAny>> = level
            .values
            .iter()
            .map(|v| value_to_py(py, v))
            .collect::<PyResult<_>>()?;
        Ok(Some(PyList::new(py, values)?))
    }
}

/// An iterator over the levels 0..=max_depth of the predecessor tree; a level with more than
/// max_level_size values raises LimitExceededError (an OverflowError) instead of using the
/// memory.
#[pyfunction]
#[pyo3(signature = (max_depth, max_level_size=None))]
fn tree_levels(
    max_depth: &Bound<'_, PyAny>,
    max_level_size: Option<&Bound<'_, PyAny>>,
) -> PyResult<TreeLevels> {
    let inner = collatz_core::tree_levels(int_as(max_depth, "max_depth")?);
    Ok(TreeLevels {
        inner: match given(max_level_size) {
            Some(cap) => inner.with_max_level_size(int_as(cap, "max_level_size")?),
            None => inner,
        },
    })
}

/// A generalised map: n/2 for even n, a*n + b for odd n (a odd >= 1, b odd).
#[pyclass(frozen, module = "collatz_engine")]
pub struct Map {
    inner: CoreMap,
}

#[pymethods]
impl Map {
    #[new]
    fn new(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Map {
            inner: CoreMap::new(int_as(a, "a")?, int_as(b, "b")?).map_err(error)?,
        })
    }

    #[getter]
    fn a(&self) -> i64 {
        self.inner.a()
    }

    #[getter]
    fn b(&self) -> i64 {
        self.inner.b()
    }

    /// One step of the map from any int (negatives included).
    fn apply<'py>(&self, n: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let x = int_arg(n, "n")?;
        Ok(self.inner.apply(&x).into_pyobject(n.py())?.into_any())
    }

    /// Runs the map from n (any nonzero int) until it reaches 1, enters a cycle, or hits a
    /// limit (max_steps steps, values of max_bits bits; defaults 10,000,000 and 10,000).
    /// Returns a dict: outcome ("reached_one", "cycle", "step_limit", "bit_limit"), steps,
    /// odd_steps, even_steps, max, stopping_time, and for a cycle its min, least_abs, length
    /// and entered_after.
    ///
    /// The dict is built here rather than from the core's serde form of a run, which writes
    /// n and max as decimal text: they may have thousands of digits.
    #[pyo3(signature = (n, max_steps=None, max_bits=None))]
    fn run<'py>(
        &self,
        n: &Bound<'py, PyAny>,
        max_steps: Option<&Bound<'py, PyAny>>,
        max_bits: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let py = n.py();
        let limits = limits(max_steps, max_bits, Limits::default())?;
        let x: BigInt = map_value(n, "n")?;
        let map = self.inner;
        let r = py.detach(move || map.run(x, &limits)).map_err(error)?;
        let d = PyDict::new(py);
        d.set_item("n", r.n.into_pyobject(py)?)?;
        d.set_item("outcome", r.outcome.name())?;
        d.set_item("steps", r.steps)?;
        d.set_item("odd_steps", r.odd_steps)?;
        d.set_item("even_steps", r.even_steps)?;
        d.set_item("max", r.max.into_pyobject(py)?)?;
        d.set_item("stopping_time", r.stopping_time)?;
        if let Outcome::Cycle {
            min,
            least_abs,
            length,
            entered_after,
        } = r.outcome
        {
            d.set_item("min", min.into_pyobject(py)?)?;
            d.set_item("least_abs", least_abs.into_pyobject(py)?)?;
            d.set_item("length", length)?;
            d.set_item("entered_after", entered_after)?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!("Map({}, {})", self.inner.a(), self.inner.b())
    }
}

/// The process-wide cap on the bit length of start values (ints and parsed text): larger
/// ones raise LimitExceededError. Default 2**19 bits.
#[pyfunction]
fn max_input_bits() -> u64 {
    collatz_core::max_input_bits()
}

/// Sets the cap of max_input_bits() for the whole process (every thread).
#[pyfunction]
fn set_max_input_bits(bits: &Bound<'_, PyAny>) -> PyResult<()> {
    collatz_core::set_max_input_bits(int_as(bits, "bits")?);
    Ok(())
}

/// An integer from text such as "2^100 - 1", "1e9" or "12345" (the CLI's syntax).
#[pyfunction]
fn parse<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let v: Value = collatz_core::parse_value(text).map_err(error)?;
    match v.as_u64() {
        Some(x) => Ok(x.into_pyobject(py)?.into_any()),
        None => big_to_py(py, v.to_biguint()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(total_stopping_time, m)?)?;
    m.add_function(wrap_pyfunction!(stopping_time, m)?)?;
    m.add_function(wrap_pyfunction!(max_excursion, m)?)?;
    m.add_function(wrap_pyfunction!(stats, m)?)?;
    m.add_function(wrap_pyfunction!(trajectory, m)?)?;
    m.add_function(wrap_pyfunction!(shortcut_trajectory, m)?)?;
    m.add_function(wrap_pyfunction!(predecessors, m)?)?;
    m.add_function(wrap_pyfunction!(tree_levels, m)?)?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(max_input_bits, m)?)?;
    m.add_function(wrap_pyfunction!(set_max_input_bits, m)?)?;
    m.add_class::<Stats>()?;
    m.add_class::<Trajectory>()?;
    m.add_class::<TreeLevels>()?;
    m.add_class::<Map>()?;
    Ok(())
}
