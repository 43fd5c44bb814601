//! Running a long core call: without the GIL, with Ctrl-C and progress.
//!
//! The call runs on a worker thread while the calling thread, detached from the interpreter,
//! waits for it in slices of [`TICK`]; after each slice it attaches briefly to check for
//! signals (a `KeyboardInterrupt` cancels the core call through its token and is raised once
//! the worker has stopped) and to report progress to the Python callback. Short calls run
//! inline. A panic in the core becomes a `RuntimeError`; none reaches Python as a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use collatz_core::range::{CancelToken, RunOptions};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::convert::error;

/// How often a waiting call checks for signals and reports progress.
const TICK: Duration = Duration::from_millis(40);

/// Calls of fewer start values than this run inline, with the GIL held.
pub const INLINE_BELOW: u64 = 1 << 15;

/// The options a Python caller can set on a long call.
pub struct Options<'py> {
    pub threads: Option<usize>,
    pub chunk_size: Option<u64>,
    pub progress: Option<Bound<'py, PyAny>>,
}

impl<'py> Options<'py> {
    pub fn new(
        threads: Option<i64>,
        chunk_size: Option<i64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let positive = |v: i64, what: &str| {
            if v < 1 {
                Err(PyValueError::new_err(format!(
                    "{what} must be at least 1, got {v}"
                )))
            } else {
                Ok(v)
            }
        };
        let progress = progress.filter(|p| !p.is_none());
        if let Some(p) = &progress {
            if !p.is_callable() {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "progress must be a callable taking (done, total), or None",
                ));
            }
        }
        Ok(Options {
            threads: threads
                .map(|t| positive(t, "threads").map(|t| t as usize))
                .transpose()?,
            chunk_size: chunk_size
                .map(|c| positive(c, "chunk_size").map(|c| c as u64))
                .transpose()?,
            progress,
        })
    }
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    PyRuntimeError::new_err(format!(
        "internal error in collatz-core (please report): {msg}"
    ))
}

/// Runs `work` over `size` start values with the options, as described in the module notes.
pub fn long_call<T: Send>(
    py: Python<'_>,
    size: u64,
    options: &Options<'_>,
    work: impl FnOnce(&RunOptions) -> collatz_core::Result<T> + Send,
) -> PyResult<T> {
    let done = AtomicU64::new(0);
    let total = AtomicU64::new(size);
    let record = |d: u64, t: u64| {
        done.fetch_max(d, Ordering::Relaxed);
        total.store(t, Ordering::Relaxed);
    };
    let cancel = CancelToken::new();
    let mut opts = RunOptions {
        threads: options.threads,
        progress: Some(&record),
        cancel: Some(cancel.clone()),
        ..RunOptions::default()
    };
    if let Some(c) = options.chunk_size {
        opts.chunk_size = c;
    }
    // a Send + Sync handle on the callback, for use from inside the detached section
    let callback: Option<Py<PyAny>> = options.progress.as_ref().map(|b| b.clone().unbind());
    let report = |py: Python<'_>| -> PyResult<()> {
        if let Some(cb) = &callback {
            cb.bind(py)
                .call1((done.load(Ordering::Relaxed), total.load(Ordering::Relaxed)))?;
        }
        Ok(())
    };
    if size < INLINE_BELOW {
        let out = catch_unwind(AssertUnwindSafe(|| work(&opts)))
            .map_err(panic_error)?
            .map_err(error)?;
        report(py)?;
        return Ok(out);
    }
    let outcome = py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            let opts = &opts;
            s.spawn(move || {
                let r = catch_unwind(AssertUnwindSafe(|| work(opts)));
                let _ = tx.send(r);
            });
            let mut interrupted: Option<PyErr> = None;
            loop {
                match rx.recv_timeout(TICK) {
                    Ok(r) => return (Some(r), interrupted),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if interrupted.is_some() {
                            continue; // cancelled: wait for the worker to stop
                        }
                        let checked =
                            Python::attach(|py| py.check_signals().and_then(|_| report(py)));
                        if let Err(e) = checked {
                            cancel.cancel();
                            interrupted = Some(e);
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return (None, interrupted),
                }
            }
        })
    });
    match outcome {
        (_, Some(interrupt)) => Err(interrupt),
        (Some(Ok(result)), None) => {
            let out = result.map_err(error)?;
            report(py)?;
            Ok(out)
        }
        (Some(Err(panic)), None) => Err(panic_error(panic)),
        (None, None) => Err(PyRuntimeError::new_err("the worker thread stopped")),
    }
}
