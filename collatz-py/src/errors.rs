//! The core's errors as Python exceptions.
//!
//! The classes are defined in Python (`python/collatz_engine/_errors.py`), where a class can
//! derive from both `CollatzError` and a builtin (`ValueError`, `OverflowError`, ...);
//! `import_exception!` imports each one the first time it is raised and keeps it.

use collatz_core::Error;
use pyo3::prelude::*;

pyo3::import_exception!(collatz_engine._errors, CollatzError);
pyo3::import_exception!(collatz_engine._errors, CollatzValueError);
pyo3::import_exception!(collatz_engine._errors, ParseError);
pyo3::import_exception!(collatz_engine._errors, CollatzTypeError);
pyo3::import_exception!(collatz_engine._errors, LimitExceededError);
pyo3::import_exception!(collatz_engine._errors, CollatzOverflowError);
pyo3::import_exception!(collatz_engine._errors, CollatzMemoryError);
pyo3::import_exception!(collatz_engine._errors, CancelledError);
pyo3::import_exception!(collatz_engine._errors, StoreError);
pyo3::import_exception!(collatz_engine._errors, StoreMismatchError);

/// The Python exception of a core error: one class per kind (see `_errors.py`).
///
/// `Cancelled` becomes `CancelledError`: a call cancelled by a signal (Ctrl-C) raises the
/// signal handler's exception instead, before this is reached (see `run.rs`).
pub fn error(e: Error) -> PyErr {
    let msg = e.to_string();
    match e {
        Error::Zero
        | Error::Negative { .. }
        | Error::InvalidMap { .. }
        | Error::InvalidArgument(_) => CollatzValueError::new_err(msg),
        Error::Parse { .. } => ParseError::new_err(msg),
        Error::LimitExceeded {
            limit,
            max,
            steps,
            bits,
        } => LimitExceededError::new_err((msg, limit.name(), max, steps, bits)),
        Error::OutOfMemory { what, bytes } => CollatzMemoryError::new_err((msg, what, bytes)),
        Error::Overflow { .. } => CollatzOverflowError::new_err(msg),
        Error::Cancelled => CancelledError::new_err(msg),
        Error::Store { .. } => StoreError::new_err(msg),
        Error::StoreMismatch { .. } => StoreMismatchError::new_err(msg),
        // the enum is non_exhaustive: a kind added later is still a CollatzError
        _ => CollatzError::new_err(msg),
    }
}

/// An argument of the wrong type.
pub fn type_error(msg: String) -> PyErr {
    CollatzTypeError::new_err(msg)
}

/// A number past the type it must fit (a range bound of 2**64 or more).
pub fn overflow_error(msg: String) -> PyErr {
    CollatzOverflowError::new_err(msg)
}
