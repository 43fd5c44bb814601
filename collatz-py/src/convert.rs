//! Python values in and out: start values, range bounds, errors.

use collatz_core::num_bigint::{BigInt, BigUint, Sign};
use collatz_core::{Error, Value};
use pyo3::exceptions::{PyKeyboardInterrupt, PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

/// The core's errors as Python exceptions: bad values are `ValueError`, sizes past a limit
/// `OverflowError`.
pub fn error(e: Error) -> PyErr {
    match e {
        Error::Zero | Error::Negative { .. } | Error::InvalidMap { .. } => {
            PyValueError::new_err(e.to_string())
        }
        Error::InvalidArgument(_) | Error::Parse { .. } => PyValueError::new_err(e.to_string()),
        Error::LimitExceeded { .. } => PyOverflowError::new_err(e.to_string()),
        Error::Cancelled => PyKeyboardInterrupt::new_err("cancelled"),
        other => PyValueError::new_err(other.to_string()),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A Python int (not a bool), as an arbitrary-precision integer; `what` names the argument.
pub fn int_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<BigInt> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be an int, got {}",
            type_name(obj)
        )));
    }
    obj.extract::<BigInt>()
}

/// A start value: a positive Python int of any size (not a bool, float or string).
pub fn start_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    // the fast path: an int that fits u64 (bools are ints to Python; refuse them first)
    if !obj.is_instance_of::<PyBool>() {
        if let Ok(n) = obj.extract::<u64>() {
            if n == 0 {
                return Err(error(Error::Zero));
            }
            return Ok(Value::from(n));
        }
    }
    let n = int_arg(obj, "the start value")
        .map_err(|e| add_hint(obj.py(), e, "a positive int (of any size)"))?;
    match n.sign() {
        Sign::Plus => Ok(Value::from(n.magnitude().clone())),
        Sign::NoSign => Err(error(Error::Zero)),
        Sign::Minus => Err(error(Error::Negative {
            value: n.to_string(),
        })),
    }
}

fn add_hint(py: Python<'_>, e: PyErr, allowed: &str) -> PyErr {
    if e.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(format!("{}; expected {allowed}", e.value(py)))
    } else {
        e
    }
}

/// A bound of a range of start values: an int in [0, 2^64).
pub fn bound(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    let n =
        int_arg(obj, what).map_err(|e| add_hint(obj.py(), e, "an int between 1 and 2**64 - 1"))?;
    if n.sign() == Sign::Minus {
        return Err(PyValueError::new_err(format!(
            "{what} must be positive, got {n}"
        )));
    }
    u64::try_from(&n).map_err(|_| {
        PyOverflowError::new_err(format!(
            "{what} must be below 2**64 for range calls, got {n}"
        ))
    })
}

/// A core value as a Python int.
pub fn value_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    match v.as_u64() {
        Some(x) => Ok(x.into_pyobject(py)?.into_any()),
        None => big_to_py(py, v.to_biguint()),
    }
}

/// An arbitrary-precision value as a Python int.
pub fn big_to_py(py: Python<'_>, v: BigUint) -> PyResult<Bound<'_, PyAny>> {
    Ok(v.into_pyobject(py)?.into_any())
}
