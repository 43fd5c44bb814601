"""Exact, fast Collatz (3x+1) statistics, backed by the Rust crate collatz-core.

Single start values (Python ints of any size)::

    >>> import collatz_engine as ce
    >>> ce.total_stopping_time(27)
    111
    >>> ce.stats(27)
    Stats(n=27, total_stopping_time=111, stopping_time=96, odd_steps=41, even_steps=70, max=9232)
    >>> list(ce.trajectory(6))
    [6, 3, 10, 5, 16, 8, 4, 2, 1]

Ranges [start, end) of start values below 2**64, as numpy arrays, summaries or chunks::

    >>> cols = ce.columns(1, 10)
    >>> cols["total_stopping_time"].tolist()
    [0, 1, 7, 2, 5, 8, 16, 3, 19]
    >>> ce.summary(1, 10**6).delay_records[-1]
    (837799, 524)

Long calls release the GIL, stop with KeyboardInterrupt on Ctrl-C or with CancelledError
through a ``CancelToken`` (``cancel=token``), and take a progress callback
``progress(done, total)`` or ``progress=True`` for a tqdm bar. Any number of threads may call
one engine at once.

Errors derive from ``CollatzError`` and from the matching builtin (``ValueError``,
``TypeError``, ``OverflowError``, ``MemoryError``): see ``collatz_engine._errors``.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import (
    CancelledError,
    CollatzError,
    CollatzMemoryError,
    CollatzOverflowError,
    CollatzTypeError,
    CollatzValueError,
    LimitExceededError,
    ParseError,
    StoreError,
    StoreMismatchError,
)
from ._native import (
    CancelToken,
    ChunkIter,
    Density,
    Store,
    SummaryAssembly,
    SummaryPlan,
    chunk_plan,
    Map,
    RangeEngine,
    StatSummary,
    Stats,
    StepCache,
    Summary,
    Trajectory,
    TreeLevels,
    Verification,
    max_excursion,
    max_input_bits,
    parse,
    predecessors,
    set_max_input_bits,
    shortcut_trajectory,
    stats,
    stopping_time,
    total_stopping_time,
    trajectory,
    tree_levels,
)

__version__: str = _native.__version__

__all__ = [
    "CancelToken",
    "CancelledError",
    "ChunkIter",
    "Density",
    "CollatzError",
    "CollatzMemoryError",
    "CollatzOverflowError",
    "CollatzTypeError",
    "CollatzValueError",
    "LimitExceededError",
    "ParseError",
    "Store",
    "StoreError",
    "StoreMismatchError",
    "SummaryAssembly",
    "SummaryPlan",
    "chunk_plan",
    "Map",
    "RangeEngine",
    "StatSummary",
    "Stats",
    "StepCache",
    "Summary",
    "Trajectory",
    "TreeLevels",
    "Verification",
    "DEFAULT_FIELDS",
    "FIELDS",
    "chunks",
    "columns",
    "dataframe",
    "default_engine",
    "density",
    "max_excursion",
    "max_input_bits",
    "parse",
    "predecessors",
    "set_max_input_bits",
    "shortcut_trajectory",
    "stats",
    "stopping_time",
    "summary",
    "total_stopping_time",
    "trajectory",
    "tree_levels",
    "verify",
    "__version__",
]

#: The statistics a range call can compute (their names as collatz-core defines them).
FIELDS: Tuple[str, ...] = _native.FIELDS
#: What a summary computes unless asked otherwise: the core's default (``Want::default()``),
#: every statistic but odd steps, which switch off the fast paths.
DEFAULT_FIELDS: Tuple[str, ...] = _native.DEFAULT_FIELDS

Fields = Union[str, Sequence[str]]
Progress = Union[None, bool, Callable[[int, int], Any]]

_default_engine: Optional[RangeEngine] = None
_default_engine_lock = threading.Lock()


def default_engine() -> RangeEngine:
    """The engine used by the module-level range functions (created on first use; its memo
    of step counts, capped at 256 MiB, is reused by every call, from any thread)."""
    global _default_engine
    if _default_engine is None:
        with _default_engine_lock:
            if _default_engine is None:
                _default_engine = RangeEngine()
    return _default_engine


class _TqdmProgress:
    """A progress(done, total) callback that drives a tqdm bar."""

    def __init__(self, desc: str) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError as e:  # pragma: no cover - exercised only without tqdm
            raise ImportError("progress=True needs tqdm: pip install tqdm") from e
        self._bar = tqdm(total=None, desc=desc, unit="n", unit_scale=True)

    def __call__(self, done: int, total: int) -> None:
        if self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


def _with_progress(progress: Progress, desc: str, call: Callable[[Any], Any]) -> Any:
    if progress is True:
        bar = _TqdmProgress(desc)
        try:
            return call(bar)
        finally:
            bar.close()
    if progress is False:
        progress = None
    return call(progress)


def columns(
    start: int,
    end: int,
    fields: Fields = ("total_stopping_time",),
    *,
    threads: Optional[int] = None,
    chunk_size: Optional[int] = None,
    progress: Progress = None,
    cancel: Optional[CancelToken] = None,
    engine: Optional[RangeEngine] = None,
) -> Dict[str, Any]:
    """Statistics of every n in [start, end) as numpy arrays, one per field.

    fields: names from FIELDS. Step counts come back as uint16 arrays, maximum excursions as
    uint64 (an object array of exact ints past n = 12,327,829,503). Entry i belongs to
    n = start + i. The arrays are moved from Rust without a per-element copy.
    threads: worker threads (default: one per core); chunk_size: start values per unit of
    parallel work; progress: a callable progress(done, total), or True for a tqdm bar;
    cancel: a CancelToken whose cancel() stops the call with CancelledError.
    """
    eng = engine or default_engine()
    return _with_progress(
        progress,
        "columns",
        lambda p: eng.columns(start, end, fields, threads=threads, chunk_size=chunk_size, progress=p,
                              cancel=cancel),
    )


def summary(
    start: int,
    end: int,
    fields: Fields = DEFAULT_FIELDS,
    *,
    threads: Optional[int] = None,
    chunk_size: Optional[int] = None,
    progress: Progress = None,
    cancel: Optional[CancelToken] = None,
    engine: Optional[RangeEngine] = None,
) -> Summary:
    """Summary of [start, end) in memory independent of its size: count, sum/mean/max of each
    field, the histogram of total stopping times, and the delay, path and glide records (lists
    of (n, value) in increasing n; from start = 1 these are OEIS A006877/A006884/A060412).
    fields default to DEFAULT_FIELDS, every statistic but odd steps: odd steps (and maxima in a
    summary not from 1) take the general path, several times slower. Other arguments as for
    columns()."""
    eng = engine or default_engine()
    return _with_progress(
        progress,
        "summary",
        lambda p: eng.summary(start, end, fields, threads=threads, chunk_size=chunk_size, progress=p,
                              cancel=cancel),
    )


def chunks(
    start: int,
    end: int,
    fields: Fields = ("total_stopping_time",),
    *,
    chunk_size: int = 1 << 22,
    threads: Optional[int] = None,
    progress: Optional[Callable[[int, int], Any]] = None,
    cancel: Optional[CancelToken] = None,
    engine: Optional[RangeEngine] = None,
) -> ChunkIter:
    """An iterator over [start, end) in chunks of chunk_size start values: each item is
    (first_n, {field: numpy array}). Memory stays near one chunk, whatever the range."""
    eng = engine or default_engine()
    return eng.chunks(start, end, fields, chunk_size, threads=threads, progress=progress, cancel=cancel)


def density(
    start: int,
    end: int,
    width: int = 512,
    height: int = 256,
    field: str = "total_stopping_time",
    *,
    threads: Optional[int] = None,
    chunk_size: Optional[int] = None,
    progress: Progress = None,
    cancel: Optional[CancelToken] = None,
    engine: Optional[RangeEngine] = None,
) -> Density:
    """The 2-D histogram of (n, field) over [start, end) on a grid of at most width x height
    cells, in one pass that never holds the range's columns (a grid of [1, 10**9) takes about
    the time of its summary). ``d.counts`` is a uint32 array of shape (height, width), row 0
    the lowest values: ``plt.imshow(d.counts, origin="lower", extent=d.extent,
    aspect="auto")``. For max_excursion, y is log2 of the maximum. Other arguments as for
    columns()."""
    eng = engine or default_engine()
    return _with_progress(
        progress,
        "density",
        lambda p: eng.density(start, end, width, height, field, threads=threads,
                              chunk_size=chunk_size, progress=p, cancel=cancel),
    )


def verify(
    start: int,
    end: int,
    *,
    threads: Optional[int] = None,
    progress: Progress = None,
    cancel: Optional[CancelToken] = None,
    engine: Optional[RangeEngine] = None,
) -> Verification:
    """Shows that every n in [start, end) reaches 1, given that every n below start does, for
    bounds below 2**128 and at most 2**64 - 1 numbers (residue sieves, then following the
    survivors exactly). Returns a Verification: its ``proved`` says what was shown, and
    ``max_value``/``max_value_n`` the highest value met and the start value that met it."""
    eng = engine or default_engine()
    return _with_progress(progress, "verify",
                          lambda p: eng.verify(start, end, threads=threads, progress=p, cancel=cancel))


def dataframe(
    start: int,
    end: int,
    fields: Fields = DEFAULT_FIELDS,
    **kwargs: Any,
) -> Any:
    """columns() as a pandas DataFrame indexed by n (needs pandas, which is optional)."""
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("dataframe() needs pandas: pip install pandas") from e
    import numpy as np

    cols = columns(start, end, fields, **kwargs)
    index = pd.Index(np.arange(start, end, dtype=np.uint64), name="n")
    return pd.DataFrame(cols, index=index)
