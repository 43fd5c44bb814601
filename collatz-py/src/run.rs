//! Running a long core call: without the GIL, with Ctrl-C, a cancel token and progress.
//!
//! The call runs on a worker thread while the calling thread, detached from the interpreter,
//! waits for it in slices of [`TICK`]; after each slice it looks at the caller's
//! [`CancelToken`] (cancelled: the core call stops and `CancelledError` is raised) and attaches
//! briefly to check for signals (a `KeyboardInterrupt` cancels the core call through its own
//! token and is raised once the worker has stopped) and to report progress to the Python
//! callback. Short calls run inline. A panic in the core becomes a `RuntimeError`; none
//! reaches Python as a crash. Nothing here holds a lock: calls from many Python threads on one
//! engine wait only for their own worker.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use collatz_core::range::{CancelToken as CoreToken, RunOptions};
use collatz_core::Error;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::convert::count_arg;
use crate::errors::{error, type_error};

/// How often a waiting call checks for signals, its cancel token, and reports progress.
const TICK: Duration = Duration::from_millis(40);

/// Calls of fewer start values than this run inline, with the GIL held.
pub const INLINE_BELOW: u64 = 1 << 15;

/// A flag that stops the range calls it is passed to (``cancel=token``): ``token.cancel()``,
/// from any thread, makes them raise ``CancelledError`` within about 50 ms. One token may be
/// shared by several calls; a cancelled token stays cancelled.
#[pyclass(frozen, module = "collatz_engine")]
pub struct CancelToken {
    inner: CoreToken,
}

#[pymethods]
impl CancelToken {
    #[new]
    fn new() -> Self {
        CancelToken {
            inner: CoreToken::new(),
        }
    }

    /// Asks every call holding this token to stop (they raise ``CancelledError``).
    fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether ``cancel()`` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }

    fn __repr__(&self) -> String {
        let cancelled = if self.cancelled() { "True" } else { "False" };
        format!("CancelToken(cancelled={cancelled})")
    }
}

/// An optional argument that was given and is not None.
pub fn given<'a, 'py>(arg: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    arg.filter(|v| !v.is_none())
}

/// The options a Python caller can set on a long call.
pub struct Options<'py> {
    pub threads: Option<usize>,
    pub chunk_size: Option<u64>,
    pub progress: Option<Bound<'py, PyAny>>,
    /// The caller's token (`cancel=`), if any.
    pub cancel: Option<CoreToken>,
}

impl<'py> Options<'py> {
    /// The options from their Python arguments. Counts below 1 are left for the core to refuse
    /// (with its own message); only types are checked here.
    pub fn new(
        threads: Option<&Bound<'py, PyAny>>,
        chunk_size: Option<&Bound<'py, PyAny>>,
        progress: Option<Bound<'py, PyAny>>,
        cancel: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let progress = progress.filter(|p| !p.is_none());
        if let Some(p) = &progress {
            if !p.is_callable() {
                return Err(type_error(
                    "progress must be a callable taking (done, total), or None".into(),
                ));
            }
        }
        let cancel = match given(cancel) {
            None => None,
            Some(c) => Some(
                c.cast::<CancelToken>()
                    .map_err(|_| type_error("cancel must be a CancelToken, or None".into()))?
                    .get()
                    .inner
                    .clone(),
            ),
        };
        Ok(Options {
            threads: given(threads)
                .map(|t| count_arg(t, "threads"))
                .transpose()?,
            chunk_size: given(chunk_size)
                .map(|c| count_arg(c, "chunk_size"))
                .transpose()?,
            progress,
            cancel,
        })
    }

    /// Whether the caller's token was cancelled.
    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(CoreToken::is_cancelled)
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
    if options.cancelled() {
        return Err(error(Error::Cancelled));
    }
    // the call's own token: the caller's token (polled below) or a signal cancels it
    let stop = CoreToken::new();
    let mut opts = RunOptions {
        threads: options.threads,
        progress: Some(&record),
        cancel: Some(stop.clone()),
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
    let user = options.cancel.clone();
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
                        if user.as_ref().is_some_and(CoreToken::is_cancelled) {
                            stop.cancel(); // the worker returns Error::Cancelled
                        }
                        let checked =
                            Python::attach(|py| py.check_signals().and_then(|_| report(py)));
                        if let Err(e) = checked {
                            stop.cancel();
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
