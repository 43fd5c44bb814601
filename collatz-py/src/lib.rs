//! The `collatz_engine._native` extension module: conversions around `collatz-core`, nothing
//! more. Every algorithm lives in the core; see `python/collatz_engine/__init__.py` for the
//! public Python API and its documentation.

mod convert;
mod density;
mod errors;
mod plan;
mod range;
mod run;
mod single;
mod store;

use pyo3::prelude::*;

/// Native part of collatz_engine (use the collatz_engine package, not this module).
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    single::register(m)?;
    range::register(m)?;
    plan::register(m)?;
    m.add_class::<store::Store>()?;
    m.add_class::<run::CancelToken>()?;
    Ok(())
}
