//! Python ints in and out: start values, range bounds, exact results.
//!
//! Ints of any size convert through their bytes, never through decimal text: pyo3's
//! `num-bigint` conversion under the limited API (abi3, which this crate builds for) calls
//! `int.bit_length()` and `int.to_bytes(n, "little")` one way and `int.from_bytes` the other,
//! so CPython's limit on int-to-str digits never applies, and a conversion is linear in the
//! int's size. Start values are then checked against the library's own input bit limit
//! (`collatz_core::check_input_bits`, raised with `set_max_input_bits`).

use collatz_core::num_bigint::{BigInt, BigUint, Sign};
use collatz_core::{check_input_bits, Error, Value};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};

use crate::errors::{error, overflow_error, type_error};

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Checks that `obj` is a Python int (not a bool); `what` names the argument and `allowed`
/// says what it may be.
fn check_int(obj: &Bound<'_, PyAny>, what: &str, allowed: &str) -> PyResult<()> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(type_error(format!(
            "{what} must be an int, got {}; expected {allowed}",
            type_name(obj)
        )));
    }
    Ok(())
}

/// A Python int (not a bool), as an arbitrary-precision integer; `what` names the argument.
pub fn int_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<BigInt> {
    check_int(obj, what, "an int (of any size)")?;
    obj.extract::<BigInt>()
}

/// A negative int in an error message: in decimal while short, else by its size (formatting a
/// huge int in decimal takes quadratic time).
fn shown(n: &BigInt) -> String {
    if n.bits() <= 256 {
        n.to_string()
    } else {
        format!("-(an int of {} bits)", n.bits())
    }
}

/// A start value: a positive Python int of any size (not a bool, float or string), within the
/// input bit limit.
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
    check_int(obj, "the start value", "a positive int (of any size)")?;
    let n: BigInt = obj.extract()?;
    let v = match n.sign() {
        Sign::Plus => Value::from(n.into_parts().1),
        Sign::NoSign => return Err(error(Error::Zero)),
        Sign::Minus => return Err(error(Error::Negative { value: shown(&n) })),
    };
    check_input_bits(&v).map_err(error)?;
    Ok(v)
}

/// A start value of a generalised map: any int, within the input bit limit.
pub fn map_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<BigInt> {
    let n = int_arg(obj, what)?;
    if n.bits() > 64 {
        check_input_bits(&Value::from(n.magnitude().clone())).map_err(error)?;
    }
    Ok(n)
}

/// A bound of a range of start values: an int in [0, 2^64).
pub fn bound(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    check_int(obj, what, "an int between 1 and 2**64 - 1")?;
    match obj.extract::<u64>() {
        Ok(n) => Ok(n),
        Err(_) => Err(bound_error(obj, what, "below 2**64 for range calls")?),
    }
}

/// A bound of a verification: an int between 1 and 2**128 - 1 (past it, `CollatzOverflowError`).
pub fn wide_bound(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u128> {
    check_int(obj, what, "an int between 1 and 2**128 - 1")?;
    match obj.extract::<u128>() {
        Ok(n) => Ok(n),
        Err(_) => Err(bound_error(obj, what, "below 2**128 for verify")?),
    }
}

/// Why an int did not fit a bound: negative (`CollatzValueError`), or not `limit`
/// (`CollatzOverflowError`).
fn bound_error(obj: &Bound<'_, PyAny>, what: &str, limit: &str) -> PyResult<PyErr> {
    let n: BigInt = obj.extract()?;
    Ok(if n.sign() == Sign::Minus {
        error(Error::InvalidArgument(format!(
            "{what} must be positive, got {}",
            shown(&n)
        )))
    } else {
        overflow_error(format!(
            "{what} must be {limit}, got an int of {} bits",
            n.bits()
        ))
    })
}

/// An int argument of the Rust integer type `T` (a size, a limit, a map's coefficient): a
/// wrong type is `CollatzTypeError`, a negative int where `T` has none `CollatzValueError`, an
/// int past `T`'s range `CollatzOverflowError`.
pub fn int_as<T: TryFrom<i128>>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    check_int(obj, what, "an int")?;
    if let Some(v) = obj.extract::<i128>().ok().and_then(|n| T::try_from(n).ok()) {
        return Ok(v);
    }
    if obj.lt(0)? && T::try_from(-1).is_err() {
        return Err(error(Error::InvalidArgument(format!(
            "{what} must not be negative"
        ))));
    }
    Err(overflow_error(format!(
        "{what} is out of range (an int of {} bits)",
        obj.call_method0("bit_length")?
    )))
}

/// A count of a range call (`threads`, `chunk_size`): an int; a negative one becomes 0, which
/// the core refuses with its own message ("threads must be at least 1").
pub fn count_arg<T: TryFrom<i128> + Default>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    check_int(obj, what, "a positive int")?;
    if obj.lt(0)? {
        return Ok(T::default());
    }
    int_as(obj, what)
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

/// A core result as plain Python dicts, lists, ints and floats, in the shape its serde form
/// defines (`collatz_core::shape`: what the command line prints with `--json`), with the
/// decimal strings of that form (start values, maxima: JSON cannot hold them exactly) as ints.
/// For the small results of range calls: their numbers fit in 128 bits.
pub fn shaped<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let text = serde_json::to_string(value)
        .map_err(|e| PyRuntimeError::new_err(format!("collatz-core result to JSON: {e}")))?;
    let loads = LOADS.import(py, "json", "loads")?;
    let hook = wrap_pyfunction!(decimal_ints, py)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("object_hook", hook)?;
    loads.call((text,), Some(&kwargs))
}

/// `json.loads`'s object hook: the values of `d` that are decimal strings become ints.
#[pyfunction]
fn decimal_ints<'py>(d: Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
    let py = d.py();
    let items: Vec<_> = d.iter().collect();
    for (k, v) in items {
        let Ok(text) = v.cast::<PyString>() else {
            continue;
        };
        let text = text.to_cow()?;
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let n: BigUint = text
                .parse()
                .map_err(|e| PyRuntimeError::new_err(format!("{text:?}: {e}")))?;
            d.set_item(k, big_to_py(py, n)?)?;
        }
    }
    Ok(d)
}
